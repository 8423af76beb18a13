//! How much of the baseline rests on the public record: the share of numeric inputs that
//! cite a registered claim, overall and among the most influential parameters of the
//! committed Morris ranking (`evidence/influence.csv`). The floors only ever rise: an edit
//! that turns a sourced input back into an assumption must say why and lower them here.

use yalu_scenario::{Registry, Scenario, coverage, coverage_of, most_influential};

/// At least this share of the baseline's inputs cite a claim. Lowered from 0.37 when each
/// declared trade category gained `market_share` and the market `rice_food_import_effect`
/// (12 new inputs, all assumptions, none of them a sourced input turned into one); with the
/// declared-trade events of the same session, 163 of 442 inputs, 36.9%. Raised back to 0.37
/// at 166 of 444 (37.4%); 167 of 444 (37.6%) with the maritime hurdle fitted; 0.38 at 169
/// of 444 (38.1%) with declared food and the backlog of orders sourced; 171 of 445 (38.4%)
/// with the declared traders' margin split by direction (the export cut sourced, the
/// import markup an assumption) and the molybdenum target fitted to declared exports;
/// 172 of 446 (38.6%) with the crossing labour of a vehicle driven across sourced; 173 of
/// 447 (38.7%) with the fuel cap dated (UNSCR 2375's quarter before 2397's annual cap);
/// 174 of 447 (38.9%) with the boats' seizure base sourced from the river smugglers' odds;
/// 0.39 at 175 of 447 (39.1%) with the import markup sourced from a permit fee; 179 of 451
/// (39.7%) with the DPRK's import halt of 2020-2021 dated and sized from China's customs
/// months (two events, each with its dates and its share).
const SOURCED_SHARE_FLOOR: f64 = 0.39;
/// At least this many of the 30 most influential parameters cite a claim. Lowered from 17
/// when the ranking was regenerated after the re-sourcing of session 25, as the sweep file
/// asks: sourced inputs whose ranges narrowed to what their claims support (the dandelion
/// root's Chinese price, the truck target, the sea's hurdle) fell out of the top 30, and
/// the inputs they had been compensating (the root's home price) came in. The seeds 11, 12
/// and 13 each give 13 sourced of 30, with 22 inputs common to all three top 30s. 14 in
/// the ranking regenerated again at the end of that session, after declared food and the
/// backlog of orders were sourced: both left the top 30 with their narrower ranges, and
/// the covid-era sea share and other imports (sourced) came in. 15 once the dandelion
/// root's home price could no longer exceed its Chinese price (a root carried at a loss)
/// and the couriers' bags shared a sourced monthly sum instead of each holding one. 16 in
/// the ranking regenerated after the declared traders' margin and the molybdenum target
/// were sourced: both left the top 30 with their narrower ranges, and appliances' home
/// price (sourced) and the boats' seizure rate (an assumption) took their places; still 16
/// after the margin was split by direction, the import markup (an assumption) at rank 12
/// and the export cut (sourced, narrow) at 213. Lowered to 14 when vehicles driven across
/// began to pay their own crossing crew, 2,500 CNY a car from the record
/// (`state_trade.vehicle_labour_cny_per_unit`) where they had paid the 300 of a convoy load
/// of cargo: households' income after the takeover then leans on the volume of state
/// smuggling, whose drivers (the planning rate, the targets, the seizure rates, the learned
/// risk) are assumptions. On the same twenty-trajectory design the count went from 16 to
/// 13, and seeds 12 and 13 gave 15 and 16, so the ranking now has sixty trajectories
/// (`sweeps/influence.toml`), which give 14. The spread narrows but remains: seeds 12 and
/// 13 give 13 each at sixty, and the six designs pooled (240 trajectories) give 14.
/// 15 after the boats' seizure base (rank 24) cited the river smugglers' odds of October
/// 2017 and the import markup (rank 12) a trading company's permit fee of 2015, on the
/// regenerated sixty-trajectory ranking: the markup stays in the top 30 (rank 11), the boats'
/// base, its range narrowed to what the odds allow, leaves it. Seeds 12 and 13 give 14 each,
/// and the three designs pooled give 15. Still 15 when the DPRK's own import halt of
/// 2020-2021 added two sourced event shares to the design (ranks 276 and 305): the longer
/// parameter list redraws the trajectories, and seeds 12 and 13 now give 16 and 14, pooled 15.
const TOP_30_SOURCED_FLOOR: usize = 15;

fn baseline() -> Scenario {
    Scenario::baseline(&Registry::embedded()).expect("the baseline is valid")
}

#[test]
fn the_baseline_sourced_share_stays_above_its_floor() {
    let rows = coverage(&baseline().parameters);
    let all = rows.last().expect("a total row");
    assert_eq!(all.submodel, "all");
    assert!(all.inputs > 250, "the baseline has its full set of inputs");
    assert!(
        all.sourced_share >= SOURCED_SHARE_FLOOR,
        "{} of {} inputs sourced ({:.1}%), below the floor of {:.0}%",
        all.sourced,
        all.inputs,
        100.0 * all.sourced_share,
        100.0 * SOURCED_SHARE_FLOOR
    );
}

#[test]
fn the_most_influential_parameters_are_sourced_above_their_floor() {
    let top = most_influential(30);
    assert_eq!(top.len(), 30, "the ranking lists at least 30 parameters");
    let row = coverage_of(&baseline().parameters, &top, "top 30");
    assert_eq!(
        row.inputs, 30,
        "every ranked parameter is an input of the baseline"
    );
    assert!(
        row.sourced >= TOP_30_SOURCED_FLOOR,
        "{} of the 30 most influential parameters sourced, below the floor of {}",
        row.sourced,
        TOP_30_SOURCED_FLOOR
    );
}
