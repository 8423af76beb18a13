//! Paired comparison of two scenarios. With common random numbers, replicate i of A and of
//! B draw from the same random streams (they share the seed and replicate number), so the
//! difference B - A in each replicate reflects the scenarios, not the luck of the draw;
//! without them, B runs on a different master seed.

use std::path::Path;

use yalu_model::ModelParams;
use yalu_model::stats::quantile_of_sorted;
use yalu_report::atomic::{prepare_dir, write_table};
use yalu_report::format::readable;
use yalu_report::headline::unit_of;
use yalu_report::outputs::values_in;
use yalu_report::table::{ColumnData, Table};
use yalu_report::window::Window;
use yalu_scenario::Scenario;

use crate::budget::Work;
use crate::experiment::{ExperimentError, Progress, Unit, run_units};
use crate::run_folder::check_window;
use crate::{EnsembleSpec, LabError, thread_pool};

/// Every registry output of one replicate, by id.
type Metrics = Vec<(String, f64)>;

/// The difference B - A of one metric across replicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// The metric.
    pub metric: String,
    /// Mean under A.
    pub mean_a: f64,
    /// Mean under B.
    pub mean_b: f64,
    /// Mean of the paired differences.
    pub mean_difference: f64,
    /// 5th percentile of the differences.
    pub difference_p05: f64,
    /// 95th percentile of the differences.
    pub difference_p95: f64,
    /// Replicate pairs in which the metric was defined in both.
    pub replicates: usize,
}

impl Difference {
    /// Width of the 90% interval of the difference.
    pub fn interval_width(&self) -> f64 {
        self.difference_p95 - self.difference_p05
    }
}

/// The seed B runs on when streams are not common: far from A's in the key space.
pub fn independent_seed(seed: u64) -> u64 {
    seed ^ 0xA5A5_5A5A_DEAD_BEEF
}

/// Runs A and B for every replicate (`on_done` after each run) and summarises the
/// differences of each registry output both report over `window` (the whole run when
/// `None`), matched by id; A's order is kept.
pub fn compare(
    a: &ModelParams,
    b: &ModelParams,
    spec: EnsembleSpec,
    common_random_numbers: bool,
    window: Option<Window>,
    on_done: &dyn Progress,
) -> Result<Vec<Difference>, LabError> {
    let seed_b = if common_random_numbers {
        spec.seed
    } else {
        independent_seed(spec.seed)
    };
    let pool = thread_pool(spec.threads)?;
    let units: Vec<Unit> = (0..spec.replicates)
        .flat_map(|replicate| {
            [(a, spec.seed), (b, seed_b)].map(|(params, seed)| Unit {
                params,
                seed,
                replicate,
            })
        })
        .collect();
    let metrics = |params: &ModelParams, result| -> Metrics {
        values_in(params, &result, window)
            .into_iter()
            .map(|v| (v.id, v.value))
            .collect()
    };
    let runs = run_units(&pool, &units, &metrics, on_done)?;
    let pairs: Vec<(&Metrics, &Metrics)> = runs.chunks(2).map(|p| (&p[0], &p[1])).collect();
    let Some((first_a, _)) = pairs.first() else {
        return Ok(Vec::new());
    };
    let names: Vec<String> = first_a.iter().map(|(n, _)| n.clone()).collect();
    Ok(names
        .into_iter()
        .map(|name| {
            let lookup = |m: &Metrics| m.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
            let pairs = pairs.iter().map(|(ma, mb)| (lookup(ma), lookup(mb)));
            paired_difference(name.clone(), pairs)
        })
        .collect())
}

/// The work of comparing `a` with `b` over `replicates` pairs: both scenarios' measured
/// figures are held, not their replicates.
pub fn work(a: &ModelParams, b: &ModelParams, replicates: u32, threads: usize) -> Work {
    Work::of(&[a, b], replicates, threads as u64, threads)
}

/// Compares B with A ([`compare`]) into `out/compare.*` and returns the differences for
/// reading ([`render`]); scenarios that share no output are refused.
pub fn compare_into(
    out: &Path,
    (a, b): (&Scenario, &Scenario),
    spec: EnsembleSpec,
    common_random_numbers: bool,
    window: Option<Window>,
    on_done: &dyn Progress,
) -> Result<String, ExperimentError> {
    prepare_dir(out)?;
    check_window(window, &a.params)?;
    let differences = compare(
        &a.params,
        &b.params,
        spec,
        common_random_numbers,
        window,
        on_done,
    )?;
    if differences.is_empty() {
        return Err(ExperimentError::refused(format_args!(
            "scenarios `{}` and `{}` have no output in common (`yalu outputs --scenario FILE` \
             lists each one's); compare scenarios that share a channel",
            a.name, b.name
        )));
    }
    write_table(&table(&differences), out, "compare")?;
    Ok(render(
        (&a.name, &b.name),
        spec,
        common_random_numbers,
        &differences,
        &out.join("compare.csv"),
    ))
}

/// The difference B - A of one metric over replicate pairs `(A, B)`, using the pairs in
/// which both values are defined and finite.
pub fn paired_difference(
    metric: String,
    pairs: impl Iterator<Item = (Option<f64>, Option<f64>)>,
) -> Difference {
    let (mut va, mut vb, mut diffs) = (Vec::new(), Vec::new(), Vec::new());
    for (x, y) in pairs {
        if let (Some(x), Some(y)) = (x, y)
            && x.is_finite()
            && y.is_finite()
        {
            va.push(x);
            vb.push(y);
            diffs.push(y - x);
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    diffs.sort_by(f64::total_cmp);
    Difference {
        mean_a: mean(&va),
        mean_b: mean(&vb),
        mean_difference: mean(&diffs),
        difference_p05: quantile_of_sorted(&diffs, 0.05),
        difference_p95: quantile_of_sorted(&diffs, 0.95),
        replicates: diffs.len(),
        metric,
    }
}

/// The differences as the `compare` table, one row per output.
pub fn table(differences: &[Difference]) -> Table {
    let number = |f: fn(&Difference) -> f64| ColumnData::Float(differences.iter().map(f).collect());
    Table {
        columns: vec![
            (
                "metric",
                ColumnData::Text(differences.iter().map(|d| d.metric.clone()).collect()),
            ),
            (
                "unit",
                ColumnData::Text(
                    differences
                        .iter()
                        .map(|d| unit_of(&d.metric).to_owned())
                        .collect(),
                ),
            ),
            (
                "replicates",
                ColumnData::Int(differences.iter().map(|d| d.replicates as i64).collect()),
            ),
            ("mean_a", number(|d| d.mean_a)),
            ("mean_b", number(|d| d.mean_b)),
            ("mean_difference", number(|d| d.mean_difference)),
            ("difference_p05", number(|d| d.difference_p05)),
            ("difference_p95", number(|d| d.difference_p95)),
        ],
    }
}

/// The differences as text: every output that differs (and is defined in both), money
/// flows left to the table at `written_to`.
pub fn render(
    (a, b): (&str, &str),
    spec: EnsembleSpec,
    common_random_numbers: bool,
    differences: &[Difference],
    written_to: &Path,
) -> String {
    let replicates = spec.replicates;
    let mut text = format!(
        "{a} vs {b}: {replicates} replicate pairs, {} random numbers\n{:<55} {:<14} {:>16} {:>16} {:>16}  90% interval of B - A\n",
        if common_random_numbers {
            "common"
        } else {
            "independent"
        },
        "output",
        "unit",
        "A",
        "B",
        "B - A"
    );
    for d in differences
        .iter()
        .filter(|d| d.replicates > 0 && d.mean_difference != 0.0 && !d.metric.starts_with("money."))
    {
        text.push_str(&format!(
            "{:<55} {:<14} {:>16} {:>16} {:>16}  [{}, {}]\n",
            d.metric,
            unit_of(&d.metric),
            readable(d.mean_a),
            readable(d.mean_b),
            readable(d.mean_difference),
            readable(d.difference_p05),
            readable(d.difference_p95)
        ));
    }
    text.push_str(&format!(
        "All outputs, money flows included: {}\n",
        written_to.display()
    ));
    text
}
