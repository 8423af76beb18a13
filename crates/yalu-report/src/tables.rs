//! The run's tidy tables, built from the replicates' records. Every row is keyed by
//! replicate, seed and month, then by what it describes.

use yalu_model::ledger::{ActorClass, Purpose};
use yalu_model::observe::Activity;
use yalu_model::params::{Direction, ModelParams};
use yalu_model::{Fen, ReplicateResult};

use crate::table::{ColumnData, Table};

/// A table's name and columns in output order. The writers below build each table by its
/// schema and the report reads the files by the same schema, so a column is named once.
#[derive(Debug)]
pub struct Schema {
    /// File name without extension.
    pub name: &'static str,
    /// Column names, the key (`replicate`, `seed`, `month`) first.
    pub columns: &'static [&'static str],
}

/// The columns of [`flows`].
pub const FLOWS: Schema = Schema {
    name: "flows",
    columns: &[
        "replicate",
        "seed",
        "month",
        "channel",
        "mode",
        "site",
        "good",
        "outcome",
        "sanctioned",
        "quantity",
        "unit",
        "value_cny",
    ],
};

/// The columns of [`money`].
pub const MONEY: Schema = Schema {
    name: "money",
    columns: &[
        "replicate",
        "seed",
        "month",
        "payer",
        "payee",
        "purpose",
        "amount_cny",
    ],
};

/// The columns of [`fx`].
pub const FX: Schema = Schema {
    name: "fx",
    columns: &[
        "replicate",
        "seed",
        "month",
        "channel",
        "amount_cny",
        "amount_usd",
    ],
};

/// The columns of [`porters`].
pub const PORTERS: Schema = Schema {
    name: "porters",
    columns: &[
        "replicate",
        "seed",
        "month",
        "site",
        "porters_hired",
        "crew_runs",
        "kg_sold",
        "kg_seized",
        "wages_cny",
        "pay_cny_per_kg",
        "mean_income_cny",
        "mean_income_rice_kg",
    ],
};

/// The columns of [`incomes`].
pub const INCOMES: Schema = Schema {
    name: "incomes",
    columns: &[
        "replicate",
        "seed",
        "month",
        "group",
        "site",
        "people",
        "mean_income_cny",
        "mean_income_rice_kg",
        "mean_income_kpw",
        "smuggling_cny",
        "porterage_cny",
        "state_wages_cny",
        "market_trade_cny",
        "rations_rice_kg",
    ],
};

/// The columns of [`trade`].
pub const TRADE: Schema = Schema {
    name: "trade",
    columns: &[
        "replicate",
        "seed",
        "month",
        "channel",
        "sanctioned",
        "consignments",
        "seized",
        "loads",
        "value_sent_cny",
        "revenue_cny",
        "purchases_cny",
        "labour_cny",
        "bribes_cny",
        "levy_cny",
        "interest_cny",
        "chinese_leg_cny",
        "net_profit_cny",
    ],
};

/// The columns of [`prices`].
pub const PRICES: Schema = Schema {
    name: "prices",
    columns: &[
        "replicate",
        "seed",
        "month",
        "site",
        "good",
        "price_cny_per_kg",
        "price_kpw_per_kg",
    ],
};

/// The columns of [`rates`].
pub const RATES: Schema = Schema {
    name: "rates",
    columns: &[
        "replicate",
        "seed",
        "month",
        "site",
        "day_of_month",
        "won_per_cny",
        "won_per_usd",
    ],
};

/// The columns of [`activity`].
pub const ACTIVITY: Schema = Schema {
    name: "activity",
    columns: &["replicate", "seed", "month", "metric", "value"],
};

/// The columns of [`balances`].
pub const BALANCES: Schema = Schema {
    name: "balances",
    columns: &["replicate", "seed", "month", "class", "balance_cny"],
};

/// The columns of [`observed`].
pub const OBSERVED: Schema = Schema {
    name: "observed",
    columns: &[
        "replicate",
        "seed",
        "month",
        "good",
        "route",
        "unit",
        "observed_quantity",
        "true_quantity",
        "detected_transfers",
        "transfers",
        "interdicted_transfers",
        "interdicted_quantity",
        "interdicted_value_cny",
        "detection_gap",
        "annual_cap",
    ],
};

/// The columns of [`declared`].
pub const DECLARED: Schema = Schema {
    name: "declared",
    columns: &[
        "replicate",
        "seed",
        "month",
        "direction",
        "category",
        "mode",
        "value_usd",
        "value_cny",
    ],
};

/// Builds a table by pushing one row at a time into typed column builders.
struct Rows<'a> {
    params: &'a ModelParams,
    replicate: Vec<i64>,
    seed: Vec<i64>,
    month: Vec<String>,
    /// The months' names, formatted once per replicate rather than once per row, and the
    /// replicate and seed they were formatted for.
    names: Vec<String>,
    names_of: Option<(u32, u64)>,
}

impl<'a> Rows<'a> {
    fn new(params: &'a ModelParams) -> Rows<'a> {
        Rows {
            params,
            replicate: Vec::new(),
            seed: Vec::new(),
            month: Vec::new(),
            names: Vec::new(),
            names_of: None,
        }
    }

    fn key(&mut self, result: &ReplicateResult, month: usize) {
        self.replicate.push(i64::from(result.replicate));
        // Parquet has no unsigned 64-bit column pandas reads everywhere; the bits are kept.
        self.seed.push(result.seed as i64);
        if self.names_of != Some((result.replicate, result.seed)) {
            self.names = result.months.iter().map(ToString::to_string).collect();
            self.names_of = Some((result.replicate, result.seed));
        }
        self.month.push(self.names[month].clone());
    }

    /// The table of `schema`, whose columns after the key are `rest`, in schema order.
    fn into_table(self, schema: &Schema, rest: Vec<ColumnData>) -> Table {
        let keys = [
            ColumnData::Int(self.replicate),
            ColumnData::Int(self.seed),
            ColumnData::Text(self.month),
        ];
        assert_eq!(
            keys.len() + rest.len(),
            schema.columns.len(),
            "{} columns",
            schema.name
        );
        Table {
            columns: schema
                .columns
                .iter()
                .copied()
                .zip(keys.into_iter().chain(rest))
                .collect(),
        }
    }

    fn site(&self, site: yalu_model::params::SiteId) -> String {
        self.params.sites[site.0 as usize].id.clone()
    }
}

/// `flows`: goods moved by month, channel, site, good and outcome.
pub fn flows(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let (mut channel, mut mode, mut site, mut good, mut outcome, mut sanctioned) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let (mut quantity, mut unit, mut value) = (Vec::new(), Vec::new(), Vec::new());
    for result in results {
        for flow in &result.flows {
            rows.key(result, flow.month);
            let key = flow.key;
            let g = &params.goods[key.good.0 as usize];
            channel.push(key.channel.name().to_owned());
            mode.push(key.mode.name().to_owned());
            site.push(rows.site(key.site));
            good.push(g.id.clone());
            outcome.push(key.outcome.name().to_owned());
            sanctioned.push(flow.sanctioned);
            quantity.push(flow.quantity);
            unit.push(g.unit.name().to_owned());
            value.push(flow.value.cny());
        }
    }
    rows.into_table(
        &FLOWS,
        vec![
            ColumnData::Text(channel),
            ColumnData::Text(mode),
            ColumnData::Text(site),
            ColumnData::Text(good),
            ColumnData::Text(outcome),
            ColumnData::Bool(sanctioned),
            ColumnData::Int(quantity),
            ColumnData::Text(unit),
            ColumnData::Float(value),
        ],
    )
}

/// `money`: money between actor classes by month and purpose.
pub fn money(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let (mut payer, mut payee, mut purpose, mut amount) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for result in results {
        for flow in &result.money {
            rows.key(result, flow.month);
            payer.push(flow.payer.name().to_owned());
            payee.push(flow.payee.name().to_owned());
            purpose.push(flow.purpose.name().to_owned());
            amount.push(flow.amount.cny());
        }
    }
    rows.into_table(
        &MONEY,
        vec![
            ColumnData::Text(payer),
            ColumnData::Text(payee),
            ColumnData::Text(purpose),
            ColumnData::Float(amount),
        ],
    )
}

/// `porters`: porters' work, pay per kilogram and monthly income in yuan and rice, by site.
pub fn porters(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let mut site = Vec::new();
    let (mut hired, mut runs, mut kg_sold, mut kg_seized) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut wages, mut pay_per_kg, mut income, mut rice) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for result in results {
        for p in &result.porter_months {
            rows.key(result, p.month);
            site.push(rows.site(p.site));
            hired.push(i64::from(p.porters_hired));
            runs.push(i64::from(p.runs));
            kg_sold.push(p.kg_sold as i64);
            kg_seized.push(p.kg_seized as i64);
            wages.push(p.wages.cny());
            pay_per_kg.push(p.pay_cny_per_kg());
            income.push(p.mean_income_cny());
            rice.push(p.mean_income_rice_kg());
        }
    }
    rows.into_table(
        &PORTERS,
        vec![
            ColumnData::Text(site),
            ColumnData::Int(hired),
            ColumnData::Int(runs),
            ColumnData::Int(kg_sold),
            ColumnData::Int(kg_seized),
            ColumnData::Float(wages),
            ColumnData::Float(pay_per_kg),
            ColumnData::Float(income),
            ColumnData::Float(rice),
        ],
    )
}

/// `incomes`: mean monthly income per person (porters) or household, in yuan, rice and
/// won; for households also by source, per household (NaN for the other groups).
pub fn incomes(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let (mut group, mut site, mut people) = (Vec::new(), Vec::new(), Vec::new());
    let (mut income, mut rice, mut kpw) = (Vec::new(), Vec::new(), Vec::new());
    // Households' sources, in INCOMES order after `mean_income_kpw`.
    let mut sources: [Vec<f64>; 5] = Default::default();
    let no_sources = |sources: &mut [Vec<f64>; 5]| {
        for column in sources.iter_mut() {
            column.push(f64::NAN);
        }
    };
    for result in results {
        let rate = |month: usize, s: yalu_model::params::SiteId| {
            result
                .prices
                .iter()
                .find(|p| p.month == month && p.site == s)
                .map_or(f64::NAN, |p| p.won_per_cny)
        };
        for p in &result.porter_months {
            rows.key(result, p.month);
            group.push("porters".to_owned());
            site.push(rows.site(p.site));
            people.push(i64::from(p.porters_hired));
            income.push(p.mean_income_cny());
            rice.push(p.mean_income_rice_kg());
            kpw.push(p.mean_income_cny() * rate(p.month, p.site));
            no_sources(&mut sources);
        }
        for h in &result.household_months {
            rows.key(result, h.month);
            group.push("households".to_owned());
            site.push(rows.site(h.site));
            people.push(i64::from(h.households));
            income.push(h.mean_income_cny());
            rice.push(h.mean_income_rice_kg());
            kpw.push(h.mean_income_kpw());
            let per_household = f64::from(h.households);
            for (column, value) in sources.iter_mut().zip([
                h.livelihood_income.cny() / per_household,
                h.wages.cny() / per_household,
                h.state_wages.cny() / per_household,
                h.market_trade.cny() / per_household,
                h.rations_rice_kg / per_household,
            ]) {
                column.push(value);
            }
        }
        // Workers abroad keep what they do not hand over; rice is not their measure.
        for record in result
            .activity
            .iter()
            .filter(|a| a.activity == Activity::WorkersAbroad && a.value > 0.0)
        {
            let month_money = |payer, payee| {
                result
                    .money
                    .iter()
                    .filter(|m| m.month == record.month && m.payer == payer && m.payee == payee)
                    .map(|m| m.amount.cny())
                    .sum::<f64>()
            };
            let kept = month_money(
                ActorClass::ForeignCounterparties,
                ActorClass::OverseasWorkers,
            ) - month_money(ActorClass::OverseasWorkers, ActorClass::Room39);
            rows.key(result, record.month);
            group.push("overseas_workers".to_owned());
            site.push("abroad".to_owned());
            people.push(record.value as i64);
            income.push(kept / record.value);
            rice.push(f64::NAN);
            kpw.push(f64::NAN);
            no_sources(&mut sources);
        }
    }
    let mut columns = vec![
        ColumnData::Text(group),
        ColumnData::Text(site),
        ColumnData::Int(people),
        ColumnData::Float(income),
        ColumnData::Float(rice),
        ColumnData::Float(kpw),
    ];
    columns.extend(sources.into_iter().map(ColumnData::Float));
    rows.into_table(&INCOMES, columns)
}

/// `trade`: trading companies' consignments by route, with every cost, so margins by route
/// can be compared.
pub fn trade(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let (mut channel, mut sanctioned) = (Vec::new(), Vec::new());
    let (mut consignments, mut seized, mut loads) = (Vec::new(), Vec::new(), Vec::new());
    let mut money: Vec<Vec<f64>> = vec![Vec::new(); 9];
    for result in results {
        for t in &result.trade_months {
            rows.key(result, t.month);
            channel.push(t.channel.map_or("", |c| c.name()).to_owned());
            sanctioned.push(t.sanctioned);
            consignments.push(i64::from(t.consignments));
            seized.push(i64::from(t.seized));
            loads.push(t.loads as i64);
            for (column, amount) in money.iter_mut().zip([
                t.value_sent,
                t.revenue,
                t.purchases,
                t.labour,
                t.bribes,
                t.levy,
                t.interest,
                t.chinese_leg,
                t.net_profit(),
            ]) {
                column.push(amount.cny());
            }
        }
    }
    let mut columns = vec![
        ColumnData::Text(channel),
        ColumnData::Bool(sanctioned),
        ColumnData::Int(consignments),
        ColumnData::Int(seized),
        ColumnData::Int(loads),
    ];
    columns.extend(money.into_iter().map(ColumnData::Float));
    rows.into_table(&TRADE, columns)
}

/// `prices`: monthly mean market prices by site and good.
pub fn prices(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let (mut site, mut good, mut price, mut price_kpw) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let essentials = params.households.as_ref().map_or("essentials", |h| {
        params.goods[h.good.0 as usize].id.as_str()
    });
    for result in results {
        for p in &result.prices {
            for (name, cny, kpw) in [
                ("rice", p.rice_price_cny_per_kg, p.rice_price_kpw_per_kg),
                (
                    essentials,
                    p.essentials_price_cny_per_kg,
                    p.essentials_price_kpw_per_kg,
                ),
            ] {
                if cny.is_nan() {
                    continue;
                }
                rows.key(result, p.month);
                site.push(rows.site(p.site));
                good.push(name.to_owned());
                price.push(cny);
                price_kpw.push(kpw);
            }
        }
    }
    rows.into_table(
        &PRICES,
        vec![
            ColumnData::Text(site),
            ColumnData::Text(good),
            ColumnData::Float(price),
            ColumnData::Float(price_kpw),
        ],
    )
}

/// `rates`: the won's market rates by site on each survey day (the day-of-month samples,
/// every `market.rate_sample_interval_days` from the 1st).
pub fn rates(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let (mut site, mut day, mut cny, mut usd) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for result in results {
        for r in &result.rates {
            rows.key(result, r.month);
            site.push(rows.site(r.site));
            day.push(i64::from(r.day_of_month));
            cny.push(r.won_per_cny);
            usd.push(r.won_per_usd);
        }
    }
    rows.into_table(
        &RATES,
        vec![
            ColumnData::Text(site),
            ColumnData::Int(day),
            ColumnData::Float(cny),
            ColumnData::Float(usd),
        ],
    )
}

/// `fx`: foreign currency reaching Room 39 by channel and month, in yuan and US dollars.
pub fn fx(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let (mut channel, mut cny, mut usd) = (Vec::new(), Vec::new(), Vec::new());
    for result in results {
        for flow in result
            .money
            .iter()
            .filter(|m| m.payee == ActorClass::Room39 && m.purpose == Purpose::Remittance)
        {
            let Some(name) = flow.payer.fx_channel() else {
                continue;
            };
            rows.key(result, flow.month);
            channel.push(name.to_owned());
            cny.push(flow.amount.cny());
            usd.push(flow.amount.cny() / result.cny_per_usd[flow.month]);
        }
    }
    rows.into_table(
        &FX,
        vec![
            ColumnData::Text(channel),
            ColumnData::Float(cny),
            ColumnData::Float(usd),
        ],
    )
}

/// `activity`: monthly activity of Room 39's other channels (courier bags, embassies open,
/// quota shortfalls, workers abroad, drugs sold and seized).
pub fn activity(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let (mut metric, mut value) = (Vec::new(), Vec::new());
    for result in results {
        for record in &result.activity {
            rows.key(result, record.month);
            metric.push(record.activity.name().to_owned());
            value.push(record.value);
        }
    }
    rows.into_table(
        &ACTIVITY,
        vec![ColumnData::Text(metric), ColumnData::Float(value)],
    )
}

/// `balances`: each actor class's cumulative net position at the end of each month (the
/// change in its wealth since the start: donju fortunes, Room 39's reserves).
pub fn balances(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let (mut class, mut balance) = (Vec::new(), Vec::new());
    for result in results {
        let mut running = [0i64; ActorClass::ALL.len()];
        let mut flows = result.money.iter().peekable();
        for month in 0..result.months.len() {
            while let Some(flow) = flows.next_if(|f| f.month == month) {
                running[flow.payer as usize] -= flow.amount.0;
                running[flow.payee as usize] += flow.amount.0;
            }
            for (c, fen) in running.iter().enumerate().filter(|(_, fen)| **fen != 0) {
                rows.key(result, month);
                class.push(ActorClass::ALL[c].name().to_owned());
                balance.push(Fen(*fen).cny());
            }
        }
    }
    rows.into_table(
        &BALANCES,
        vec![ColumnData::Text(class), ColumnData::Float(balance)],
    )
}

/// `observed`: the monitors' view of the sea beside the truth, by month, good and route
/// (`ship_to_ship` or `port_delivery`): transfers and quantities that truly moved, those
/// the monitors detected (what a panel could report) and those interdicted, with the
/// detection gap (observed over true quantity) and, for a capped import, the annual cap.
/// Quantities are in the good's unit (`unit`); `observed_quantity` is the first quantity
/// column, as the report page reads it.
pub fn observed(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let (mut good, mut route, mut unit) = (Vec::new(), Vec::new(), Vec::new());
    let (mut transfers, mut true_quantity) = (Vec::new(), Vec::new());
    let (mut detected, mut observed_quantity) = (Vec::new(), Vec::new());
    let (mut interdicted, mut interdicted_quantity, mut interdicted_value) =
        (Vec::new(), Vec::new(), Vec::new());
    let (mut gap, mut annual_cap) = (Vec::new(), Vec::new());
    let cap = params.maritime.as_ref().and_then(|m| m.cap);
    for result in results {
        for o in &result.observed {
            rows.key(result, o.month);
            let g = &params.goods[o.good.0 as usize];
            good.push(g.id.clone());
            route.push(o.route.name().to_owned());
            unit.push(g.unit.name().to_owned());
            transfers.push(i64::from(o.transfers));
            true_quantity.push(o.true_quantity);
            detected.push(i64::from(o.detected_transfers));
            observed_quantity.push(o.observed_quantity);
            interdicted.push(i64::from(o.interdicted_transfers));
            interdicted_quantity.push(o.interdicted_quantity);
            interdicted_value.push(o.interdicted_value.cny());
            gap.push(o.detection_ratio());
            annual_cap.push(
                cap.filter(|c| c.good == o.good)
                    .map_or(f64::NAN, |c| c.barrels_per_year),
            );
        }
    }
    rows.into_table(
        &OBSERVED,
        vec![
            ColumnData::Text(good),
            ColumnData::Text(route),
            ColumnData::Text(unit),
            ColumnData::Int(observed_quantity),
            ColumnData::Int(true_quantity),
            ColumnData::Int(detected),
            ColumnData::Int(transfers),
            ColumnData::Int(interdicted),
            ColumnData::Int(interdicted_quantity),
            ColumnData::Float(interdicted_value),
            ColumnData::Float(gap),
            ColumnData::Float(annual_cap),
        ],
    )
}

/// `declared`: declared trade with China by month, direction (the DPRK's exports or
/// imports), category and mode (road, rail, sea), in US dollars and yuan; months a
/// category did not cross by a mode have no row.
pub fn declared(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let (mut direction, mut category, mut mode) = (Vec::new(), Vec::new(), Vec::new());
    let (mut usd, mut cny) = (Vec::new(), Vec::new());
    if let Some(trade) = &params.declared_trade {
        for result in results {
            for d in result.declared.iter().filter(|d| d.usd > 0.0) {
                rows.key(result, d.month);
                direction.push(
                    match d.direction {
                        Direction::Export => "export",
                        Direction::Import => "import",
                    }
                    .to_owned(),
                );
                category.push(trade.categories[d.category.0 as usize].id.clone());
                mode.push(d.mode.name().to_owned());
                usd.push(d.usd);
                cny.push(d.usd * result.cny_per_usd[d.month]);
            }
        }
    }
    rows.into_table(
        &DECLARED,
        vec![
            ColumnData::Text(direction),
            ColumnData::Text(category),
            ColumnData::Text(mode),
            ColumnData::Float(usd),
            ColumnData::Float(cny),
        ],
    )
}
