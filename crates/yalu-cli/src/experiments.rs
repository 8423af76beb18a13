//! `yalu compare`, `yalu sweep`, `yalu sensitivity` and `yalu calibrate`: arguments in,
//! the experiment runner of `yalu-lab` called, its tables written and summarised. Outputs
//! are asked for by registry id (`yalu outputs` lists them).

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};

use yalu_lab::calibration_file::CalibrationFile;
use yalu_lab::compare;
use yalu_lab::experiment::{OutsideRange, RangePolicy, Sweep};
use yalu_lab::progress_bar::Bar;
use yalu_lab::ray::{ray_sensitivity, ray_sweep};
use yalu_lab::sensitivity_file::{Method, SensitivityFile};
use yalu_lab::store;
use yalu_lab::sweep::Shard;
use yalu_report::window::Window;
use yalu_scenario::Registry;

use crate::{Failure, ReplicateArgs, ThreadArgs, load, print};

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
    let spec = args.replicates.spec(20, a.seed, |count, threads| {
        compare::work(&a.params, &b.params, count, threads)
    })?;
    let crn = !args.independent;
    let bar = Bar::new(2 * u64::from(spec.replicates), "runs (A and B)");
    let text = compare::compare_into(&args.out, (&a, &b), spec, crn, args.window, &bar)?;
    drop(bar);
    print(&text)
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
    #[command(flatten)]
    ray: RayArgs,
    /// Run values outside their parameters' recorded ranges (a stress test beyond the
    /// evidence); the parameters and values are printed and recorded in the store.
    #[arg(long)]
    allow_outside_range: bool,
    #[command(flatten)]
    threads: ThreadArgs,
}

/// A sweep's or a sensitivity design's units on a Ray cluster: shared by both commands.
#[derive(Debug, clap::Args)]
struct RayArgs {
    /// Run the units as tasks on the Ray cluster at ADDRESS (`auto`, or host:port); needs
    /// the Python package (see the README). The store stays here, on the driver.
    #[arg(long, value_name = "ADDRESS")]
    ray: Option<String>,
    /// Units per Ray task.
    #[arg(long, requires = "ray")]
    batch: Option<usize>,
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
    if let Some(address) = &args.ray.ray {
        return Ok(ray_sweep(
            &file,
            address,
            args.out.as_deref(),
            args.ray.batch,
            args.allow_outside_range,
        )?);
    }
    let sweep = Sweep::load(
        &file,
        &Registry::embedded(),
        RangePolicy::allowing_outside(args.allow_outside_range),
    )?;
    warn_outside(sweep.outside_ranges());
    let out = args.out.unwrap_or_else(|| sweep.default_out());
    let threads = args.threads.budget(|threads| sweep.work(threads))?;
    let bar = Bar::new(sweep.spec().unit_count() as u64, "runs");
    let text = sweep.run_into(&out, threads, args.shard, &mut |done, total| {
        bar.set(done, total)
    })?;
    drop(bar);
    print(&text)
}

/// Says on standard error which parameters run beyond their recorded ranges.
fn warn_outside(outside: &[OutsideRange]) {
    for parameter in outside {
        eprintln!("warning: --allow-outside-range: {parameter}");
    }
}

fn merge(args: MergeArgs) -> Result<(), Failure> {
    let merged = store::merge(&args.stores, &args.out).map_err(Failure::bad_input)?;
    print(&merged.render(args.stores.len(), &args.out))
}

#[derive(Debug, clap::Args)]
pub struct SensitivityArgs {
    /// The sensitivity file.
    file: PathBuf,
    /// Method.
    #[arg(long, default_value = "morris", value_parser = PossibleValuesParser::new(Method::NAMES)
        .map(|name| Method::named(&name).expect("one of the names")))]
    method: Method,
    /// Output folder for sensitivity.csv (default: out/sensitivity-<method>).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    ray: RayArgs,
    #[command(flatten)]
    threads: ThreadArgs,
}

pub fn sensitivity(args: SensitivityArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    if let Some(address) = &args.ray.ray {
        return Ok(ray_sensitivity(
            &args.file,
            address,
            args.out.as_deref(),
            args.ray.batch,
            args.method,
        )?);
    }
    let (file, method) = (SensitivityFile::load(&args.file, &registry)?, args.method);
    let out = args.out.unwrap_or_else(|| method.default_out());
    let total = file.runs(method)?;
    let threads = args.threads.budget(file.work(method, &registry)?)?;
    let bar = Bar::new(total, "replicates");
    let text = file.run_into(&out, method, &registry, threads, &bar)?;
    drop(bar);
    print(&text)
}

#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// The calibration file.
    file: PathBuf,
    /// Output folder for calibration.json, the calibrated scenario and its posterior
    /// (default: out/calibration-<scenario>).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    threads: ThreadArgs,
}

pub fn calibrate(args: CalibrateArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let file = CalibrationFile::load(&args.file, &registry)?;
    let out = args.out.unwrap_or_else(|| file.default_out());
    let threads = args.threads.budget(|threads| file.work(threads))?;
    let bar = Bar::new(file.runs(), "replicates");
    let text = file.run_into(&out, &registry, threads, &bar)?;
    drop(bar);
    print(&text)
}
