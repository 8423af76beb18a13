//! `yalu compare`, `yalu sweep`, `yalu sensitivity` and `yalu calibrate`: arguments in,
//! the experiment runner of `yalu-lab` called, its tables written and summarised. Outputs
//! are asked for by registry id (`yalu outputs` lists them).

use std::path::{Path, PathBuf};

use yalu_lab::budget::Work;
use yalu_lab::calibration_file::CalibrationFile;
use yalu_lab::compare::{compare as compare_runs, render, table};
use yalu_lab::experiment::{OutsideRange, RangePolicy, Sweep};
use yalu_lab::sensitivity_file::{Method, SensitivityFile};
use yalu_lab::store;
use yalu_lab::sweep::Shard;
use yalu_report::atomic::{prepare_dir, write_file, write_table};
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
    let count = args.replicates.replicates.unwrap_or(20);
    // Both scenarios' measured figures are held, not their replicates.
    let threads = args
        .replicates
        .threads
        .budget(|threads| Work::of(&[&a.params, &b.params], count, threads as u64, threads))?;
    prepare_dir(&args.out)?;
    let spec = args.replicates.spec(20, a.seed, threads);
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
    if differences.is_empty() {
        return Err(Failure::bad_input(NoCommonOutputs {
            a: a.name.clone(),
            b: b.name.clone(),
        }));
    }
    write_table(&table(&differences), &args.out, "compare")?;
    print(&render(
        (&a.name, &b.name),
        spec,
        !args.independent,
        &differences,
        &args.out.join("compare.csv"),
    ))
}

/// Two scenarios that share no output: nothing to compare.
#[derive(Debug, thiserror::Error)]
#[error(
    "scenarios `{a}` and `{b}` have no output in common (`yalu outputs --scenario FILE` \
     lists each one's); compare scenarios that share a channel"
)]
struct NoCommonOutputs {
    a: String,
    b: String,
}

/// `yalu sweep FILE ...` or `yalu sweep merge ...`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepCommand {
    #[command(subcommand)]
    merge: Option<SweepSubcommand>,
    #[command(flatten)]
    run: SweepArgs,
}

#[derive(Debug, clap::Subcommand)]
enum SweepSubcommand {
    /// Merge the stores of one sweep's shards (`--shard K/N`) into one store; stores of
    /// different sweeps, or with different results for a unit, are refused.
    #[command(after_help = "Example: yalu sweep merge --out out/levy shard-*/
Then `yalu sweep FILE --out out/levy` finds every unit done and writes the tables.")]
    Merge(MergeArgs),
}

#[derive(Debug, clap::Args)]
struct SweepArgs {
    /// The sweep file.
    #[arg(required = true)]
    file: Option<PathBuf>,
    /// Output folder holding sweep.sqlite and the summary (default: out/sweep-<name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Run only share K of N of the units (1 <= K <= N), e.g. from a Slurm job array;
    /// merge the shards' stores with `yalu sweep merge`.
    #[arg(long, value_name = "K/N", conflicts_with = "ray")]
    shard: Option<Shard>,
    /// Run the units as tasks on the Ray cluster at ADDRESS (`auto`, or host:port);
    /// needs the Python package (see the README). The store stays here, on the driver.
    #[arg(long, value_name = "ADDRESS")]
    ray: Option<String>,
    /// Units per Ray task.
    #[arg(long, requires = "ray")]
    batch: Option<usize>,
    /// Run values outside their parameters' recorded ranges (a stress test beyond the
    /// evidence); the parameters and values are printed and recorded in the store.
    #[arg(long)]
    allow_outside_range: bool,
    #[command(flatten)]
    threads: ThreadArgs,
}

#[derive(Debug, clap::Args)]
struct MergeArgs {
    /// Folder of the merged store (created if absent; an existing store must be of the
    /// same sweep).
    #[arg(long)]
    out: PathBuf,
    /// The shards' stores: sweep.sqlite files or the folders holding them.
    #[arg(required = true)]
    stores: Vec<PathBuf>,
}

pub fn sweep(command: SweepCommand) -> Result<(), Failure> {
    let args = match command.merge {
        Some(SweepSubcommand::Merge(args)) => return merge(args),
        None => command.run,
    };
    let file = args.file.clone().expect("clap requires the file");
    if let Some(address) = &args.ray {
        return ray_sweep(&file, address, &args);
    }
    let sweep = Sweep::load(
        &file,
        &Registry::embedded(),
        range_policy(args.allow_outside_range),
    )?;
    warn_outside(sweep.outside_ranges());
    let spec = sweep.spec();
    let out = args
        .out
        .unwrap_or_else(|| Path::new("out").join(format!("sweep-{}", spec.name())));
    let threads = args.threads.budget(|threads| sweep.work(threads))?;
    prepare_dir(&out)?;
    let shard = args.shard.unwrap_or(Shard::ALL);
    let progress = progress_bar(spec.unit_count() as u64, "runs");
    let run = sweep.run(&out, threads, shard, &mut |done, total| {
        progress.set_length(total as u64);
        progress.set_position(done as u64);
    })?;
    progress.finish_and_clear();
    write_table(&run.points, &out, "sweep_points")?;
    write_table(&run.metrics, &out, "sweep_summary")?;
    let share = match args.shard {
        Some(shard) => format!(" (shard {shard}: {} units)", run.summary.total_units),
        None => String::new(),
    };
    print(&format!(
        "Sweep {}: {} points x {} replicates{share}; {} runs were already done, {} ran now.\nResults: {} (SQLite) and {}\n",
        spec.name(),
        spec.points().len(),
        spec.replicates(),
        run.summary.already_done,
        run.summary.ran,
        out.join("sweep.sqlite").display(),
        out.join("sweep_summary.csv").display()
    ))
}

fn range_policy(allow_outside_range: bool) -> RangePolicy {
    if allow_outside_range {
        RangePolicy::AllowOutside
    } else {
        RangePolicy::Recorded
    }
}

/// Says on standard error which parameters run beyond their recorded ranges.
fn warn_outside(outside: &[OutsideRange]) {
    for parameter in outside {
        eprintln!("warning: --allow-outside-range: {parameter}");
    }
}

fn merge(args: MergeArgs) -> Result<(), Failure> {
    let merged = store::merge(&args.stores, &args.out).map_err(Failure::bad_input)?;
    print(&format!(
        "Merged {} stores into {}: {} units added, {} already there, {} in all.\n\
         Run `yalu sweep FILE --out {}` to write its tables (it runs any unit still missing).\n",
        args.stores.len(),
        args.out.join(store::STORE_FILE_NAME).display(),
        merged.added,
        merged.already_there,
        merged.total,
        args.out.display()
    ))
}

/// `yalu sweep FILE --ray ADDRESS`.
fn ray_sweep(file: &Path, address: &str, args: &SweepArgs) -> Result<(), Failure> {
    let mut command = ray_driver("sweep", file, address, args.out.as_deref(), args.batch);
    if args.allow_outside_range {
        command.arg("--allow-outside-range");
    }
    run_ray_driver(command)
}

/// The Ray driver is Python (`python -m yalu.ray COMMAND FILE`), run with `$YALU_PYTHON`
/// or `python3`.
fn ray_driver(
    subcommand: &str,
    file: &Path,
    address: &str,
    out: Option<&Path>,
    batch: Option<usize>,
) -> std::process::Command {
    let python = std::env::var_os("YALU_PYTHON").unwrap_or_else(|| "python3".into());
    let mut command = std::process::Command::new(&python);
    command
        .args(["-m", "yalu.ray", subcommand])
        .arg(file)
        .args(["--address", address]);
    if let Some(out) = out {
        command.arg("--out").arg(out);
    }
    if let Some(batch) = batch {
        command.args(["--batch", &batch.to_string()]);
    }
    command
}

/// Runs the Ray driver; its exit code is passed on.
fn run_ray_driver(mut command: std::process::Command) -> Result<(), Failure> {
    let python = command.get_program().to_owned();
    let status = command.status().map_err(|e| {
        Failure::run(anyhow::anyhow!(
            "cannot start {} for the Ray driver: {e}; install the Python package (see the README) \
             or set YALU_PYTHON",
            python.to_string_lossy()
        ))
    })?;
    match status.code() {
        Some(0) => Ok(()),
        Some(2) => Err(Failure::BadInput(miette::Report::msg(
            "the Ray driver refused its input (above)",
        ))),
        _ => Err(Failure::run(anyhow::anyhow!(
            "the Ray driver failed ({status})"
        ))),
    }
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
    /// Run the design's points as tasks on the Ray cluster at ADDRESS (`auto`, or
    /// host:port), as `yalu sweep --ray` does; needs the Python package (see the README).
    #[arg(long, value_name = "ADDRESS")]
    ray: Option<String>,
    /// Units per Ray task.
    #[arg(long, requires = "ray")]
    batch: Option<usize>,
    #[command(flatten)]
    threads: ThreadArgs,
}

pub fn sensitivity(args: SensitivityArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let method = match args.method {
        MethodArg::Morris => Method::Morris,
        MethodArg::Sobol => Method::Sobol,
    };
    if let Some(address) = &args.ray {
        let mut command = ray_driver(
            "sensitivity",
            &args.file,
            address,
            args.out.as_deref(),
            args.batch,
        );
        command.args(["--method", method.name()]);
        return run_ray_driver(command);
    }
    let file = SensitivityFile::load(&args.file, &registry)?;
    let out = args
        .out
        .unwrap_or_else(|| Path::new("out").join(format!("sensitivity-{}", method.name())));
    let points = file.points(method)?.len();
    let work = file.work(method, &registry)?;
    let threads = args.threads.budget(|threads| Work {
        threads: threads as u64,
        held: threads as u64,
        ..work
    })?;
    prepare_dir(&out)?;
    let progress = progress_bar((points * file.replicates() as usize) as u64, "replicates");
    let rows = file.run(method, &registry, threads, &|| progress.inc(1))?;
    progress.finish_and_clear();
    print(&file.write(method, rows, &out)?)
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
    let out = args
        .out
        .unwrap_or_else(|| Path::new("out").join(format!("calibration-{}", file.scenario_name())));
    let threads = args.threads.budget(|threads| file.work(threads))?;
    prepare_dir(&out)?;
    let progress = progress_bar(
        (file.samples() * file.replicates() as usize) as u64,
        "replicates",
    );
    let calibrated = file.run(&registry, threads, &|| progress.inc(1))?;
    progress.finish_and_clear();
    let fit = &calibrated.fit;
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
