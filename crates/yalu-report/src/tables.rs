//! The run's tidy tables, built from the replicates' records. Every row is keyed by
//! replicate, seed and month, then by what it describes.

use yalu_model::ledger::{ActorClass, Purpose};
use yalu_model::observe::Activity;
use yalu_model::params::{Direction, ModelParams};
use yalu_model::{Fen, ReplicateResult};

use crate::table::{ColumnData, Table};
use crate::window::records_in_months;

/// A table's name and columns in output order. The writers below build each table by its
/// schema and the report reads the files by the same schema, so a column is named once.
#[derive(Debug)]
pub struct Schema {
    /// File name without extension.
    pub name: &'static str,
    /// Column names, the key (`replicate`, `seed`, `month`) first.
    pub columns: &'static [&'static str],
    /// The kinds of the columns after the key, in order.
    pub kinds: &'static [Kind],
    /// Whether a row missing from a replicate means zero (flows, money) rather than no
    /// value (prices, incomes), for the run's summary.
    pub absent_is_zero: bool,
    /// Gives a replicate's rows.
    pub fill: Fill,
}

/// The columns of [`flows`], which gives its rows.
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
    kinds: &[
        Kind::Text,
        Kind::Text,
        Kind::Text,
        Kind::Text,
        Kind::Text,
        Kind::Bool,
        Kind::Int,
        Kind::Text,
        Kind::Float,
    ],
    absent_is_zero: true,
    fill: flows,
};

/// The columns of [`money`], which gives its rows.
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
    kinds: &[Kind::Text, Kind::Text, Kind::Text, Kind::Float],
    absent_is_zero: true,
    fill: money,
};

/// The columns of [`fx`], which gives its rows.
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
    kinds: &[Kind::Text, Kind::Float, Kind::Float],
    absent_is_zero: true,
    fill: fx,
};

/// The columns of [`porters`], which gives its rows.
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
    kinds: &[
        Kind::Text,
        Kind::Int,
        Kind::Int,
        Kind::Int,
        Kind::Int,
        Kind::Float,
        Kind::Float,
        Kind::Float,
        Kind::Float,
    ],
    absent_is_zero: false,
    fill: porters,
};

/// The columns of [`incomes`], which gives its rows.
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
    kinds: &[
        Kind::Text,
        Kind::Text,
        Kind::Int,
        Kind::Float,
        Kind::Float,
        Kind::Float,
        Kind::Float,
        Kind::Float,
        Kind::Float,
        Kind::Float,
        Kind::Float,
    ],
    absent_is_zero: false,
    fill: incomes,
};

/// The columns of [`trade`], which gives its rows.
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
    kinds: &[
        Kind::Text,
        Kind::Bool,
        Kind::Int,
        Kind::Int,
        Kind::Int,
        Kind::Float,
        Kind::Float,
        Kind::Float,
        Kind::Float,
        Kind::Float,
        Kind::Float,
        Kind::Float,
        Kind::Float,
        Kind::Float,
    ],
    absent_is_zero: true,
    fill: trade,
};

/// The columns of [`prices`], which gives its rows.
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
    kinds: &[Kind::Text, Kind::Text, Kind::Float, Kind::Float],
    absent_is_zero: false,
    fill: prices,
};

/// The columns of [`rates`], which gives its rows.
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
    kinds: &[Kind::Text, Kind::Int, Kind::Float, Kind::Float],
    absent_is_zero: false,
    fill: rates,
};

/// The columns of [`activity`], which gives its rows.
pub const ACTIVITY: Schema = Schema {
    name: "activity",
    columns: &["replicate", "seed", "month", "metric", "value"],
    kinds: &[Kind::Text, Kind::Float],
    absent_is_zero: true,
    fill: activity,
};

/// The columns of [`balances`], which gives its rows.
pub const BALANCES: Schema = Schema {
    name: "balances",
    columns: &["replicate", "seed", "month", "class", "balance_cny"],
    kinds: &[Kind::Text, Kind::Float],
    absent_is_zero: true,
    fill: balances,
};

/// The columns of [`observed`], which gives its rows.
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
    kinds: &[
        Kind::Text,
        Kind::Text,
        Kind::Text,
        Kind::Int,
        Kind::Int,
        Kind::Int,
        Kind::Int,
        Kind::Int,
        Kind::Int,
        Kind::Float,
        Kind::Float,
        Kind::Float,
    ],
    absent_is_zero: true,
    fill: observed,
};

/// The columns of [`declared`], which gives its rows.
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
    kinds: &[Kind::Text, Kind::Text, Kind::Text, Kind::Float, Kind::Float],
    absent_is_zero: true,
    fill: declared,
};

/// The kind of a column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Whole numbers (a measure).
    Int,
    /// Real numbers, NaN missing (a measure).
    Float,
    /// Text (part of the row's key).
    Text,
    /// Yes/no (part of the row's key).
    Bool,
}

/// One cell of a row, as a table's `fill` gives it: borrowed, so a row read only for its
/// numbers (a run's summary) costs no allocation.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    /// A whole number.
    Int(i64),
    /// A real number; NaN means missing.
    Float(f64),
    /// Text.
    Text(&'a str),
    /// Yes/no.
    Bool(bool),
}

impl Cell<'_> {
    /// The cell as a measure, if it is a number.
    pub fn number(self) -> Option<f64> {
        match self {
            Cell::Int(v) => Some(v as f64),
            Cell::Float(v) => Some(v),
            Cell::Text(_) | Cell::Bool(_) => None,
        }
    }
}

/// Where a table's rows go: a [`Table`] ([`TableBuilder`]) or a run's series summary.
pub trait RowSink {
    /// A row of month `month` (an index into the replicate's months) whose cells after the
    /// key are `cells`, in schema order.
    fn row(&mut self, month: usize, cells: &[Cell<'_>]);
}

/// Sends each row to both sinks.
pub struct Both<'a>(pub &'a mut dyn RowSink, pub &'a mut dyn RowSink);

impl RowSink for Both<'_> {
    fn row(&mut self, month: usize, cells: &[Cell<'_>]) {
        self.0.row(month, cells);
        self.1.row(month, cells);
    }
}

/// Gives one replicate's rows of a table to a sink.
pub type Fill = fn(&ModelParams, &ReplicateResult, &mut dyn RowSink);

impl Schema {
    /// The table of `results`' rows.
    pub fn table(&self, params: &ModelParams, results: &[ReplicateResult]) -> Table {
        let mut builder = TableBuilder::new(self);
        for result in results {
            builder.replicate(result);
            (self.fill)(params, result, &mut builder);
        }
        builder.finish()
    }

    /// The names of the measures (numeric columns after the key), in column order.
    pub fn metrics(&self) -> impl Iterator<Item = &'static str> {
        self.columns[KEY_COLUMNS..]
            .iter()
            .zip(self.kinds)
            .filter(|(_, kind)| matches!(kind, Kind::Int | Kind::Float))
            .map(|(name, _)| *name)
    }
}

/// Columns of the key every table starts with: `replicate`, `seed`, `month`.
const KEY_COLUMNS: usize = 3;

/// Builds a table from rows into typed columns.
pub struct TableBuilder<'a> {
    schema: &'a Schema,
    replicate: Vec<i64>,
    seed: Vec<i64>,
    month: Vec<String>,
    columns: Vec<ColumnData>,
    /// The replicate and seed of the rows being added, and its months' names.
    current: (i64, i64),
    names: Vec<String>,
}

impl<'a> TableBuilder<'a> {
    /// An empty table of `schema`.
    pub fn new(schema: &'a Schema) -> TableBuilder<'a> {
        assert_eq!(
            KEY_COLUMNS + schema.kinds.len(),
            schema.columns.len(),
            "{} columns",
            schema.name
        );
        TableBuilder {
            schema,
            replicate: Vec::new(),
            seed: Vec::new(),
            month: Vec::new(),
            columns: schema
                .kinds
                .iter()
                .map(|kind| match kind {
                    Kind::Int => ColumnData::Int(Vec::new()),
                    Kind::Float => ColumnData::Float(Vec::new()),
                    Kind::Text => ColumnData::Text(Vec::new()),
                    Kind::Bool => ColumnData::Bool(Vec::new()),
                })
                .collect(),
            current: (0, 0),
            names: Vec::new(),
        }
    }

    /// Rows from now on are `result`'s.
    pub fn replicate(&mut self, result: &ReplicateResult) {
        // Parquet has no unsigned 64-bit column pandas reads everywhere; the bits are kept.
        self.current = (i64::from(result.replicate), result.seed as i64);
        self.names = result.months.iter().map(ToString::to_string).collect();
    }

    /// The table.
    pub fn finish(self) -> Table {
        let keys = [
            ColumnData::Int(self.replicate),
            ColumnData::Int(self.seed),
            ColumnData::Text(self.month),
        ];
        Table {
            columns: self
                .schema
                .columns
                .iter()
                .copied()
                .zip(keys.into_iter().chain(self.columns))
                .collect(),
        }
    }
}

impl RowSink for TableBuilder<'_> {
    fn row(&mut self, month: usize, cells: &[Cell<'_>]) {
        assert_eq!(cells.len(), self.columns.len(), "{} row", self.schema.name);
        self.replicate.push(self.current.0);
        self.seed.push(self.current.1);
        self.month.push(self.names[month].clone());
        for (column, cell) in self.columns.iter_mut().zip(cells) {
            match (column, *cell) {
                (ColumnData::Int(v), Cell::Int(x)) => v.push(x),
                (ColumnData::Float(v), Cell::Float(x)) => v.push(x),
                (ColumnData::Text(v), Cell::Text(x)) => v.push(x.to_owned()),
                (ColumnData::Bool(v), Cell::Bool(x)) => v.push(x),
                _ => panic!(
                    "{}: a cell of another kind than its column",
                    self.schema.name
                ),
            }
        }
    }
}

fn site(params: &ModelParams, site: yalu_model::params::SiteId) -> &str {
    &params.sites[site.0 as usize].id
}

/// `flows`: goods moved by month, channel, site, good and outcome.
pub fn flows(params: &ModelParams, result: &ReplicateResult, rows: &mut dyn RowSink) {
    for flow in &result.flows {
        let key = flow.key;
        let g = &params.goods[key.good.0 as usize];
        rows.row(
            flow.month,
            &[
                Cell::Text(key.channel.name()),
                Cell::Text(key.mode.name()),
                Cell::Text(site(params, key.site)),
                Cell::Text(&g.id),
                Cell::Text(key.outcome.name()),
                Cell::Bool(flow.sanctioned),
                Cell::Int(flow.quantity),
                Cell::Text(g.unit.name()),
                Cell::Float(flow.value.cny()),
            ],
        );
    }
}

/// `money`: money between actor classes by month and purpose.
pub fn money(_: &ModelParams, result: &ReplicateResult, rows: &mut dyn RowSink) {
    for flow in &result.money {
        rows.row(
            flow.month,
            &[
                Cell::Text(flow.payer.name()),
                Cell::Text(flow.payee.name()),
                Cell::Text(flow.purpose.name()),
                Cell::Float(flow.amount.cny()),
            ],
        );
    }
}

/// `porters`: porters' work, pay per kilogram and monthly income in yuan and rice, by site.
pub fn porters(params: &ModelParams, result: &ReplicateResult, rows: &mut dyn RowSink) {
    for p in &result.porter_months {
        rows.row(
            p.month,
            &[
                Cell::Text(site(params, p.site)),
                Cell::Int(i64::from(p.porters_hired)),
                Cell::Int(i64::from(p.runs)),
                Cell::Int(p.kg_sold as i64),
                Cell::Int(p.kg_seized as i64),
                Cell::Float(p.wages.cny()),
                Cell::Float(p.pay_cny_per_kg()),
                Cell::Float(p.mean_income_cny()),
                Cell::Float(p.mean_income_rice_kg()),
            ],
        );
    }
}

/// `incomes`: mean monthly income per person (porters) or household, in yuan, rice and
/// won; for households also by source, per household (NaN for the other groups).
pub fn incomes<'a>(params: &'a ModelParams, result: &ReplicateResult, rows: &mut dyn RowSink) {
    let rate = |month: usize, s: yalu_model::params::SiteId| {
        records_in_months(&result.prices, month..month + 1, |p| p.month)
            .iter()
            .find(|p| p.site == s)
            .map_or(f64::NAN, |p| p.won_per_cny)
    };
    // A row of eleven cells; the households' sources (the last five, per household) are
    // NaN for the other groups.
    let row_of = |first: [Cell<'a>; 6]| {
        let mut cells = [Cell::Float(f64::NAN); 11];
        cells[..6].copy_from_slice(&first);
        cells
    };
    for p in &result.porter_months {
        let cells = row_of([
            Cell::Text("porters"),
            Cell::Text(site(params, p.site)),
            Cell::Int(i64::from(p.porters_hired)),
            Cell::Float(p.mean_income_cny()),
            Cell::Float(p.mean_income_rice_kg()),
            Cell::Float(p.mean_income_cny() * rate(p.month, p.site)),
        ]);
        rows.row(p.month, &cells);
    }
    for h in &result.household_months {
        let per_household = f64::from(h.households);
        rows.row(
            h.month,
            &[
                Cell::Text("households"),
                Cell::Text(site(params, h.site)),
                Cell::Int(i64::from(h.households)),
                Cell::Float(h.mean_income_cny()),
                Cell::Float(h.mean_income_rice_kg()),
                Cell::Float(h.mean_income_kpw()),
                Cell::Float(h.livelihood_income.cny() / per_household),
                Cell::Float(h.wages.cny() / per_household),
                Cell::Float(h.state_wages.cny() / per_household),
                Cell::Float(h.market_trade.cny() / per_household),
                Cell::Float(h.rations_rice_kg / per_household),
            ],
        );
    }
    // Workers abroad keep what they do not hand over; rice is not their measure.
    for record in result
        .activity
        .iter()
        .filter(|a| a.activity == Activity::WorkersAbroad && a.value > 0.0)
    {
        let month_money = |payer, payee| {
            records_in_months(&result.money, record.month..record.month + 1, |m| m.month)
                .iter()
                .filter(|m| m.payer == payer && m.payee == payee)
                .map(|m| m.amount.cny())
                .sum::<f64>()
        };
        let kept = month_money(
            ActorClass::ForeignCounterparties,
            ActorClass::OverseasWorkers,
        ) - month_money(ActorClass::OverseasWorkers, ActorClass::Room39);
        let cells = row_of([
            Cell::Text("overseas_workers"),
            Cell::Text("abroad"),
            Cell::Int(record.value as i64),
            Cell::Float(kept / record.value),
            Cell::Float(f64::NAN),
            Cell::Float(f64::NAN),
        ]);
        rows.row(record.month, &cells);
    }
}

/// `trade`: trading companies' consignments by route, with every cost, so margins by route
/// can be compared.
pub fn trade(_: &ModelParams, result: &ReplicateResult, rows: &mut dyn RowSink) {
    for t in &result.trade_months {
        let mut cells = [Cell::Float(f64::NAN); 14];
        cells[..5].copy_from_slice(&[
            Cell::Text(t.channel.map_or("", |c| c.name())),
            Cell::Bool(t.sanctioned),
            Cell::Int(i64::from(t.consignments)),
            Cell::Int(i64::from(t.seized)),
            Cell::Int(t.loads as i64),
        ]);
        for (cell, amount) in cells[5..].iter_mut().zip([
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
            *cell = Cell::Float(amount.cny());
        }
        rows.row(t.month, &cells);
    }
}

/// `prices`: monthly mean market prices by site and good.
pub fn prices(params: &ModelParams, result: &ReplicateResult, rows: &mut dyn RowSink) {
    let essentials = params.households.as_ref().map_or("essentials", |h| {
        params.goods[h.good.0 as usize].id.as_str()
    });
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
            rows.row(
                p.month,
                &[
                    Cell::Text(site(params, p.site)),
                    Cell::Text(name),
                    Cell::Float(cny),
                    Cell::Float(kpw),
                ],
            );
        }
    }
}

/// `rates`: the won's market rates by site on each survey day (the day-of-month samples,
/// every `market.rate_sample_interval_days` from the 1st).
pub fn rates(params: &ModelParams, result: &ReplicateResult, rows: &mut dyn RowSink) {
    for r in &result.rates {
        rows.row(
            r.month,
            &[
                Cell::Text(site(params, r.site)),
                Cell::Int(i64::from(r.day_of_month)),
                Cell::Float(r.won_per_cny),
                Cell::Float(r.won_per_usd),
            ],
        );
    }
}

/// `fx`: foreign currency reaching Room 39 by channel and month, in yuan and US dollars.
pub fn fx(_: &ModelParams, result: &ReplicateResult, rows: &mut dyn RowSink) {
    for flow in result
        .money
        .iter()
        .filter(|m| m.payee == ActorClass::Room39 && m.purpose == Purpose::Remittance)
    {
        let Some(name) = flow.payer.fx_channel() else {
            continue;
        };
        rows.row(
            flow.month,
            &[
                Cell::Text(name),
                Cell::Float(flow.amount.cny()),
                Cell::Float(flow.amount.cny() / result.cny_per_usd[flow.month]),
            ],
        );
    }
}

/// `activity`: monthly activity of Room 39's other channels (courier bags, embassies open,
/// quota shortfalls, workers abroad, drugs sold and seized).
pub fn activity(_: &ModelParams, result: &ReplicateResult, rows: &mut dyn RowSink) {
    for record in &result.activity {
        rows.row(
            record.month,
            &[
                Cell::Text(record.activity.name()),
                Cell::Float(record.value),
            ],
        );
    }
}

/// `balances`: each actor class's cumulative net position at the end of each month (the
/// change in its wealth since the start: donju fortunes, Room 39's reserves).
pub fn balances(_: &ModelParams, result: &ReplicateResult, rows: &mut dyn RowSink) {
    let mut running = [0i64; ActorClass::ALL.len()];
    let mut flows = result.money.iter().peekable();
    for month in 0..result.months.len() {
        while let Some(flow) = flows.next_if(|f| f.month == month) {
            running[flow.payer as usize] -= flow.amount.0;
            running[flow.payee as usize] += flow.amount.0;
        }
        for (c, fen) in running.iter().enumerate().filter(|(_, fen)| **fen != 0) {
            rows.row(
                month,
                &[
                    Cell::Text(ActorClass::ALL[c].name()),
                    Cell::Float(Fen(*fen).cny()),
                ],
            );
        }
    }
}

/// `observed`: the monitors' view of the sea beside the truth, by month, good and route
/// (`ship_to_ship` or `port_delivery`): transfers and quantities that truly moved, those
/// the monitors detected (what a panel could report) and those interdicted, with the
/// detection gap (observed over true quantity) and, for a capped import, the cap's annual
/// rate in force that month (empty before the cap began; UNSCR 2375's 500,000 barrels for
/// October-December 2017 is a rate of 2,000,000 a year). Quantities are in the good's unit
/// (`unit`); `observed_quantity` is the first quantity column, as the report page reads it.
pub fn observed(params: &ModelParams, result: &ReplicateResult, rows: &mut dyn RowSink) {
    let cap = params.maritime.as_ref().and_then(|m| m.cap.as_ref());
    for o in &result.observed {
        let g = &params.goods[o.good.0 as usize];
        rows.row(
            o.month,
            &[
                Cell::Text(&g.id),
                Cell::Text(o.route.name()),
                Cell::Text(g.unit.name()),
                Cell::Int(o.observed_quantity),
                Cell::Int(o.true_quantity),
                Cell::Int(i64::from(o.detected_transfers)),
                Cell::Int(i64::from(o.transfers)),
                Cell::Int(i64::from(o.interdicted_transfers)),
                Cell::Int(o.interdicted_quantity),
                Cell::Float(o.interdicted_value.cny()),
                Cell::Float(o.detection_ratio()),
                Cell::Float(
                    cap.filter(|c| c.good == o.good)
                        .and_then(|c| c.barrels_per_year(result.months[o.month]))
                        .unwrap_or(f64::NAN),
                ),
            ],
        );
    }
}

/// `declared`: declared trade with China by month, direction (the DPRK's exports or
/// imports), category and mode (road, rail, sea), in US dollars and yuan; months a
/// category did not cross by a mode have no row.
pub fn declared(params: &ModelParams, result: &ReplicateResult, rows: &mut dyn RowSink) {
    let Some(trade) = &params.declared_trade else {
        return;
    };
    for d in result.declared.iter().filter(|d| d.usd > 0.0) {
        let direction = match d.direction {
            Direction::Export => "export",
            Direction::Import => "import",
        };
        rows.row(
            d.month,
            &[
                Cell::Text(direction),
                Cell::Text(&trade.categories[d.category.0 as usize].id),
                Cell::Text(d.mode.name()),
                Cell::Float(d.usd),
                Cell::Float(d.usd * result.cny_per_usd[d.month]),
            ],
        );
    }
}
