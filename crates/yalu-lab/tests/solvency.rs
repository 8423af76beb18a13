//! No actor spends money it does not have. The ledger refuses an overdraft (a replicate
//! that tried one would fail), so these runs finishing at all shows every process checks
//! what its payer can afford; what they deliver shows that unaffordable trips are not made.

use yalu_model::observe::{Activity, Channel, ReplicateResult};
use yalu_model::run_replicate;
use yalu_scenario::overrides::beyond_ranges;
use yalu_scenario::{BASELINE, Registry, SourceText};

const SEED: u64 = 3;

fn baseline_with(values: &[(&str, f64)]) -> ReplicateResult {
    let registry = Registry::embedded();
    let baseline = SourceText::new("<baseline>", BASELINE);
    let values: Vec<(String, f64)> = values
        .iter()
        .map(|(path, value)| ((*path).to_owned(), *value))
        .collect();
    let scenario = beyond_ranges(&baseline, &values, &registry).unwrap();
    run_replicate(&scenario.params, SEED, 0).expect("no overdraft, books balance")
}

fn consignments(r: &ReplicateResult) -> u32 {
    r.trade_months
        .iter()
        .filter(|t| t.channel == Some(Channel::StateSmuggling))
        .map(|t| t.consignments)
        .sum()
}

fn unaffordable(r: &ReplicateResult) -> f64 {
    r.activity
        .iter()
        .filter(|a| a.activity == Activity::TripsUnaffordable)
        .map(|a| a.value)
        .sum()
}

fn porter_kg(r: &ReplicateResult) -> u64 {
    r.porter_months.iter().map(|p| p.kg_sold).sum()
}

#[test]
fn donju_without_money_or_credit_send_nothing_and_say_so() {
    let broke = baseline_with(&[
        ("finance.donju_opening_cny_per_site", 0.0),
        ("finance.donju_credit_limit_cny_per_site", 0.0),
    ]);
    assert_eq!(consignments(&broke), 0, "no consignment without money");
    assert_eq!(
        porter_kg(&broke),
        0,
        "no porter run without money for the goods"
    );
    assert!(unaffordable(&broke) > 0.0, "the refused trips are counted");
}

#[test]
fn less_money_means_fewer_consignments_never_a_negative_balance() {
    let ample = baseline_with(&[]);
    let tight = baseline_with(&[
        ("finance.donju_opening_cny_per_site", 50_000.0),
        ("finance.donju_credit_limit_cny_per_site", 0.0),
    ]);
    assert!(
        consignments(&tight) < consignments(&ample),
        "{} consignments with 50,000 CNY a site against {} with the baseline's capital",
        consignments(&tight),
        consignments(&ample)
    );
    assert!(unaffordable(&tight) > unaffordable(&ample));
}

#[test]
fn borrowing_costs_interest_paid_to_moneylenders() {
    let borrowed = baseline_with(&[
        ("finance.donju_opening_cny_per_site", 0.0),
        ("finance.donju_credit_limit_cny_per_site", 5_000_000.0),
    ]);
    let interest: i64 = borrowed.trade_months.iter().map(|t| t.interest.0).sum();
    assert!(interest > 0, "consignments on credit pay interest");
    assert!(consignments(&borrowed) > 0, "credit alone finances trade");
}

#[test]
fn households_without_savings_trade_only_what_their_wages_pay_for() {
    let livelihood_kg = |r: &ReplicateResult| -> i64 {
        r.flows
            .iter()
            .filter(|f| f.key.channel == Channel::Livelihood)
            .map(|f| f.quantity)
            .sum()
    };
    let saving = baseline_with(&[]);
    let no_savings = baseline_with(&[("finance.households_savings_cny_per_household", 0.0)]);
    // Transport wages from the donju and ship crews' pay still come in, so some trips go.
    assert!(livelihood_kg(&no_savings) < livelihood_kg(&saving));
    assert!(unaffordable(&no_savings) > unaffordable(&saving));
}

#[test]
fn ship_operators_without_cash_stay_in_port() {
    let no_cash = baseline_with(&[("finance.shipping_operators_opening_cny", 0.0)]);
    assert!(
        no_cash
            .flows
            .iter()
            .all(|f| f.key.channel != Channel::Maritime),
        "no voyage without cash for the outlay and a replacement ship"
    );
}
