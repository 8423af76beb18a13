//! `yalu validate`: the patterns of docs/ODD.md checked against a scenario's replicates.

use std::path::{Path, PathBuf};

use yalu_lab::patterns::{PatternCheck, check_patterns};
use yalu_lab::{EnsembleSpec, run_ensemble};
use yalu_scenario::Registry;

use crate::{Failure, Loaded, load, print, progress_bar};

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Scenario file (default: the built-in baseline).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Replicates.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    replicates: u32,
    /// Master seed (default: the scenario's seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Folder for validation.json (default: out/<scenario name>, beside the run's outputs).
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn validate(args: ValidateArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let Loaded { scenario, .. } = load(args.scenario.as_deref(), &registry)?;
    let spec = EnsembleSpec {
        seed: args.seed.unwrap_or(scenario.seed),
        replicates: args.replicates,
        threads: args.threads,
    };
    let progress = progress_bar(u64::from(args.replicates), "replicates");
    let results =
        run_ensemble(&scenario.params, spec, &|| progress.inc(1)).map_err(Failure::run)?;
    progress.finish_and_clear();
    let checks = check_patterns(&scenario.params, &results);
    let out = args
        .out
        .unwrap_or_else(|| Path::new("out").join(&scenario.name));
    write_atomically(
        &out,
        "validation.json",
        &serde_json::to_string_pretty(&checks).expect("serializes"),
    )?;
    print(&render(&scenario.name, args.replicates, &checks, &out))?;
    let missed: Vec<&str> = checks
        .iter()
        .filter(|c| c.covered && c.kind == "emergent" && c.pass == Some(false))
        .map(|c| c.id)
        .collect();
    if missed.is_empty() {
        Ok(())
    } else {
        Err(Failure::run(anyhow::anyhow!(
            "emergent patterns missed their targets: {}",
            missed.join(", ")
        )))
    }
}

fn render(scenario: &str, replicates: u32, checks: &[PatternCheck], out: &Path) -> String {
    let mut text = format!(
        "Patterns for scenario `{scenario}`, {replicates} replicates (median [5%, 95%])\n{:<5} {:<9} {:<6} {:<44} {:<32} {}\n",
        "id", "kind", "result", "pattern", "target (tolerance)", "simulated"
    );
    for c in checks {
        let result = match (c.covered, c.pass) {
            (false, _) => "n/c",
            (true, Some(true)) => "pass",
            (true, Some(false)) => "MISS",
            (true, None) => "-",
        };
        let simulated = c
            .simulated
            .map(|s| format!("{:.3} [{:.3}, {:.3}]", s.median, s.p05, s.p95))
            .unwrap_or_else(|| "not covered by this scenario".into());
        text.push_str(&format!(
            "{:<5} {:<9} {:<6} {:<44} {:<32} {}\n",
            c.id,
            c.kind,
            result,
            c.description,
            format!("{} ({})", c.target, c.tolerance),
            simulated
        ));
    }
    text.push_str(&format!(
        "n/c: not covered (the scenario lacks the channel or period). Written to {}\n",
        out.join("validation.json").display()
    ));
    text
}

/// Writes a file under a temporary name and renames it into place.
fn write_atomically(dir: &Path, name: &str, contents: &str) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(Failure::run)?;
    let temporary = dir.join(format!(".{name}.partial-{}", std::process::id()));
    std::fs::write(&temporary, format!("{contents}\n")).map_err(Failure::run)?;
    std::fs::rename(&temporary, dir.join(name)).map_err(Failure::run)
}

#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// The calibration file.
    file: PathBuf,
    /// Output folder for calibration.json and the calibrated scenario.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CalibrationFile {
    calibration: CalibrationSettings,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CalibrationSettings {
    /// `baseline` or a path relative to the file.
    scenario: String,
    parameters: Vec<String>,
    patterns: Vec<String>,
    samples: usize,
    accept_share: f64,
    replicates: u32,
    seed: u64,
}

pub fn calibrate(args: CalibrateArgs) -> Result<(), Failure> {
    use rayon::prelude::*;
    use yalu_lab::calibrate::{Target, abc_rejection};
    use yalu_lab::design::ParameterRange;
    use yalu_lab::patterns::{Band, patterns};
    use yalu_scenario::overrides::{check_path, rewritten_as_assumptions, with_values};
    use yalu_scenario::{Evidence, Scenario};

    let registry = Registry::embedded();
    let bad = |message: String| crate::experiments::invalid(&args.file, message);
    let settings = crate::experiments::read_experiment::<CalibrationFile>(&args.file)?.calibration;
    let text = crate::experiments::experiment_scenario(&args.file, &settings.scenario)?;
    let base = Scenario::parse(&text, &registry)
        .map_err(|e| Failure::from(yalu_scenario::LoadError::from(e)))?;
    if settings.replicates == 0 {
        return Err(bad("replicates must be at least 1".into()));
    }
    let mut ranges = Vec::new();
    for path in &settings.parameters {
        check_path(&text, path).map_err(|e| bad(e.to_string()))?;
        let record = base.parameters.iter().find(|p| &p.path == path);
        let Some(Evidence::Assumption {
            range: Some([low, high]),
            ..
        }) = record.map(|r| &r.evidence)
        else {
            return Err(bad(format!(
                "`{path}` is not an assumption with a recorded range; only assumptions are calibrated"
            )));
        };
        ranges
            .push(ParameterRange::new(path.clone(), *low, *high).map_err(|e| bad(e.to_string()))?);
    }
    let all = patterns();
    let mut chosen = Vec::new();
    for id in &settings.patterns {
        let pattern = all
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| bad(format!("unknown pattern `{id}`")))?;
        if pattern.kind != "emergent" {
            return Err(bad(format!(
                "{id} is an input pattern; calibrate against emergent ones"
            )));
        }
        chosen.push(pattern);
    }
    let targets: Vec<Target> = chosen
        .iter()
        .map(|p| Target {
            id: p.id.to_owned(),
            low: p.accepted.0,
            high: p.accepted.1,
        })
        .collect();
    let pool = yalu_lab::thread_pool(args.threads).map_err(Failure::run)?;
    let progress = progress_bar(settings.samples as u64, "parameter sets");
    let simulate = |sets: &[Vec<f64>]| -> Result<Vec<Vec<f64>>, String> {
        pool.install(|| {
            sets.par_iter()
                .map(|values| {
                    let assignments: Vec<(String, f64)> = settings
                        .parameters
                        .iter()
                        .cloned()
                        .zip(values.iter().copied())
                        .collect();
                    let scenario =
                        with_values(&text, &assignments, &registry).map_err(|e| e.to_string())?;
                    let results: Vec<_> = (0..settings.replicates)
                        .map(|r| yalu_model::run_replicate(&scenario.params, settings.seed, r))
                        .collect::<Result<_, _>>()
                        .map_err(|e| e.to_string())?;
                    progress.inc(1);
                    Ok(chosen
                        .iter()
                        .map(|p| {
                            Band::of(
                                results
                                    .iter()
                                    .filter_map(|r| (p.measure)(&scenario.params, r)),
                            )
                            .map_or(f64::NAN, |b| b.median)
                        })
                        .collect())
                })
                .collect()
        })
    };
    let fit = abc_rejection(
        &ranges,
        &targets,
        settings.samples,
        settings.accept_share,
        settings.seed,
        &simulate,
    )
    .map_err(|e| bad(e.to_string()))?;
    progress.finish_and_clear();
    let out = args
        .out
        .unwrap_or_else(|| Path::new("out").join(format!("calibration-{}", base.name)));
    let targets_text = settings.patterns.join(", ");
    let fitted: Vec<(String, f64, String)> = fit
        .posterior
        .iter()
        .map(|p| {
            (
                p.parameter.clone(),
                p.median,
                format!(
                    "Calibrated by yalu calibrate ({}): ABC rejection, {} draws from the prior range [{}, {}], {} accepted (distance <= {:.3}) against {targets_text}; posterior range [{:.4}, {:.4}], value = posterior median.",
                    args.file.display(),
                    fit.samples,
                    p.prior[0],
                    p.prior[1],
                    fit.accepted,
                    fit.tolerance,
                    p.low,
                    p.high
                ),
            )
        })
        .collect();
    let calibrated = rewritten_as_assumptions(&text, &fitted).map_err(|e| bad(e.to_string()))?;
    write_atomically(
        &out,
        "calibration.json",
        &serde_json::to_string_pretty(&fit).expect("serializes"),
    )?;
    write_atomically(&out, &format!("{}-calibrated.toml", base.name), &calibrated)?;
    let mut report = format!(
        "ABC rejection: {} draws, {} accepted (distance <= {:.3}) against {targets_text}\n{:<45} {:>22} {:>12} {:>12} {:>12}\n",
        fit.samples, fit.accepted, fit.tolerance, "parameter", "prior", "low", "median", "high"
    );
    for p in &fit.posterior {
        report.push_str(&format!(
            "{:<45} {:>22} {:>12.4} {:>12.4} {:>12.4}\n",
            p.parameter,
            format!("[{}, {}]", p.prior[0], p.prior[1]),
            p.low,
            p.median,
            p.high
        ));
    }
    report.push_str(&format!("Written to {}\n", out.display()));
    print(&report)
}
