//! `yalu compare`, `yalu sweep`, `yalu sensitivity` and `yalu calibrate`: arguments in,
//! the experiment runner of `yalu-lab` called, its tables written and summarised. Outputs
//! are asked for by registry id (`yalu outputs` lists them).

use std::path::{Path, PathBuf};

use yalu_lab::calibration_file::CalibrationFile;
use yalu_lab::compare::{compare as compare_runs, render, table};
use yalu_lab::experiment::Sweep;
use yalu_lab::sensitivity_file::{Method, SensitivityFile};
use yalu_report::atomic::{write_file, write_table};
use yalu_report::window::Window;
use yalu_scenario::Registry;

use crate::{Failure, ReplicateArgs, ThreadArgs, load, print, progress_bar};

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// Scenario A (the reference).
    a: PathBuf,
    /// Scenario B (the alternative).
    b: PathBuf,
    #[command(flatten)]
    replicates: ReplicateArgs,
    /// Give B independent random streams instead of common ones (to see what CRN buys).
    #[arg(long)]
    independent: bool,
    /// Output folder for compare.csv.
    #[arg(long, default_value = "out/compare")]
    out: PathBuf,
    /// Measure every figure over these months only (2024-01..2024-12, 2024, 2018..2020):
    /// a policy of one year shows its full effect instead of being averaged over the run.
    #[arg(long)]
    window: Option<Window>,
}

pub fn compare(args: CompareArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let a = load(Some(&args.a), &registry)?.0;
    let b = load(Some(&args.b), &registry)?.0;
    let spec = args.replicates.spec(20, a.seed);
    let progress = progress_bar(2 * u64::from(spec.replicates), "runs (A and B)");
    if let Some(window) = args.window {
        window
            .check_overlaps(Window::covering(a.params.first_day, a.params.last_day))
            .map_err(Failure::bad_input)?;
    }
    let differences = compare_runs(
        &a.params,
        &b.params,
        spec,
        !args.independent,
        args.window,
        &|| progress.inc(1),
    )
    .map_err(Failure::run)?;
    progress.finish_and_clear();
    write_table(&table(&differences), &args.out, "compare")?;
    print(&render(
        (&a.name, &b.name),
        spec,
        !args.independent,
        &differences,
        &args.out.join("compare.csv"),
    ))
}

#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// The sweep file.
    file: PathBuf,
    /// Output folder holding sweep.sqlite and the summary (default: out/sweep-<name>).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    threads: ThreadArgs,
}

pub fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let sweep = Sweep::load(&args.file, &Registry::embedded())?;
    let spec = sweep.spec();
    let out = args
        .out
        .unwrap_or_else(|| Path::new("out").join(format!("sweep-{}", spec.name())));
    let progress = progress_bar(spec.unit_count() as u64, "runs");
    let run = sweep.run(&out, args.threads.threads, &mut |done, total| {
        progress.set_length(total as u64);
        progress.set_position(done as u64);
    })?;
    progress.finish_and_clear();
    write_table(&run.points, &out, "sweep_points")?;
    write_table(&run.metrics, &out, "sweep_summary")?;
    print(&format!(
        "Sweep {}: {} points x {} replicates; {} runs were already done, {} ran now.\nResults: {} (SQLite) and {}\n",
        spec.name(),
        spec.points().len(),
        spec.replicates(),
        run.summary.already_done,
        run.summary.ran,
        out.join("sweep.sqlite").display(),
        out.join("sweep_summary.csv").display()
    ))
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum MethodArg {
    Morris,
    Sobol,
}

#[derive(Debug, clap::Args)]
pub struct SensitivityArgs {
    /// The sensitivity file.
    file: PathBuf,
    /// Method.
    #[arg(long, value_enum, default_value_t = MethodArg::Morris)]
    method: MethodArg,
    /// Output folder for sensitivity.csv (default: out/sensitivity-<method>).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    threads: ThreadArgs,
}

pub fn sensitivity(args: SensitivityArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let method = match args.method {
        MethodArg::Morris => Method::Morris,
        MethodArg::Sobol => Method::Sobol,
    };
    let file = SensitivityFile::load(&args.file, &registry)?;
    let points = file.points(method)?.len();
    let progress = progress_bar((points * file.replicates() as usize) as u64, "replicates");
    let rows = file.run(method, &registry, args.threads.threads, &|| progress.inc(1))?;
    progress.finish_and_clear();
    let out = args
        .out
        .unwrap_or_else(|| Path::new("out").join(format!("sensitivity-{}", method.name())));
    let ranking = rows.ranking(match method {
        Method::Morris => "mu_star",
        Method::Sobol => "total_order",
    });
    let rendered = file.render(method, &rows);
    write_table(&rows.into_table(), &out, "sensitivity")?;
    write_table(&ranking_table(&ranking), &out, "ranking")?;
    let top: String = ranking
        .iter()
        .take(20)
        .enumerate()
        .map(|(i, (parameter, score))| format!("{:>4}  {score:>5.2}  {parameter}\n", i + 1))
        .collect();
    print(&format!(
        "{} sensitivity over {} parameters, {points} model points x {} replicates\n{rendered}\n\
         Most influential over all outputs (score: the parameter's largest {} on any output, as a share of that output's largest)\n\
         rank  score  parameter\n{top}Written to {} and ranking.csv\n",
        method.name(),
        file.parameters(),
        file.replicates(),
        match method {
            Method::Morris => "mu*",
            Method::Sobol => "total-order index",
        },
        out.join("sensitivity.csv").display()
    ))
}

/// The ranking as a table: rank, parameter, score.
fn ranking_table(ranking: &[(String, f64)]) -> yalu_report::table::Table {
    use yalu_report::table::{ColumnData, Table};
    Table {
        columns: vec![
            (
                "rank",
                ColumnData::Int((1..=ranking.len() as i64).collect()),
            ),
            (
                "parameter",
                ColumnData::Text(ranking.iter().map(|(p, _)| p.clone()).collect()),
            ),
            (
                "score",
                ColumnData::Float(ranking.iter().map(|(_, s)| *s).collect()),
            ),
        ],
    }
}

#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// The calibration file.
    file: PathBuf,
    /// Output folder for calibration.json and the calibrated scenario.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    threads: ThreadArgs,
}

pub fn calibrate(args: CalibrateArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let file = CalibrationFile::load(&args.file, &registry)?;
    let progress = progress_bar(
        (file.samples() * file.replicates() as usize) as u64,
        "replicates",
    );
    let calibrated = file.run(&registry, args.threads.threads, &|| progress.inc(1))?;
    progress.finish_and_clear();
    let fit = &calibrated.fit;
    let out = args.out.unwrap_or_else(|| {
        Path::new("out").join(format!("calibration-{}", calibrated.scenario_name))
    });
    let json = serde_json::to_string_pretty(fit).expect("serializes") + "\n";
    write_file(&out.join("calibration.json"), json.as_bytes())?;
    write_file(
        &out.join(format!("{}-calibrated.toml", calibrated.scenario_name)),
        format!("{}\n", calibrated.scenario_toml).as_bytes(),
    )?;
    print(&format!(
        "{}Written to {}\n",
        calibrated.render(),
        out.display()
    ))
}
