//! The run's tidy tables, built from the replicates' records. Every row is keyed by
//! replicate, seed and month, then by what it describes.

use yalu_model::ReplicateResult;
use yalu_model::params::ModelParams;

use crate::table::{ColumnData, Table};

/// Builds a table by pushing one row at a time into typed column builders.
struct Rows<'a> {
    params: &'a ModelParams,
    replicate: Vec<i64>,
    seed: Vec<i64>,
    month: Vec<String>,
}

impl<'a> Rows<'a> {
    fn new(params: &'a ModelParams) -> Rows<'a> {
        Rows {
            params,
            replicate: Vec::new(),
            seed: Vec::new(),
            month: Vec::new(),
        }
    }

    fn key(&mut self, result: &ReplicateResult, month: usize) {
        self.replicate.push(i64::from(result.replicate));
        // Parquet has no unsigned 64-bit column pandas reads everywhere; the bits are kept.
        self.seed.push(result.seed as i64);
        self.month.push(result.months[month].to_string());
    }

    fn into_table(self, rest: Vec<(&'static str, ColumnData)>) -> Table {
        let mut columns = vec![
            ("replicate", ColumnData::Int(self.replicate)),
            ("seed", ColumnData::Int(self.seed)),
            ("month", ColumnData::Text(self.month)),
        ];
        columns.extend(rest);
        Table { columns }
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
    rows.into_table(vec![
        ("channel", ColumnData::Text(channel)),
        ("mode", ColumnData::Text(mode)),
        ("site", ColumnData::Text(site)),
        ("good", ColumnData::Text(good)),
        ("outcome", ColumnData::Text(outcome)),
        ("sanctioned", ColumnData::Bool(sanctioned)),
        ("quantity", ColumnData::Int(quantity)),
        ("unit", ColumnData::Text(unit)),
        ("value_cny", ColumnData::Float(value)),
    ])
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
    rows.into_table(vec![
        ("payer", ColumnData::Text(payer)),
        ("payee", ColumnData::Text(payee)),
        ("purpose", ColumnData::Text(purpose)),
        ("amount_cny", ColumnData::Float(amount)),
    ])
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
    rows.into_table(vec![
        ("site", ColumnData::Text(site)),
        ("porters_hired", ColumnData::Int(hired)),
        ("crew_runs", ColumnData::Int(runs)),
        ("kg_sold", ColumnData::Int(kg_sold)),
        ("kg_seized", ColumnData::Int(kg_seized)),
        ("wages_cny", ColumnData::Float(wages)),
        ("pay_cny_per_kg", ColumnData::Float(pay_per_kg)),
        ("mean_income_cny", ColumnData::Float(income)),
        ("mean_income_rice_kg", ColumnData::Float(rice)),
    ])
}

/// `incomes`: mean monthly income per person (porters) or household, in yuan and in rice.
pub fn incomes(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let (mut group, mut site, mut people) = (Vec::new(), Vec::new(), Vec::new());
    let (mut income, mut rice) = (Vec::new(), Vec::new());
    for result in results {
        for p in &result.porter_months {
            rows.key(result, p.month);
            group.push("porters".to_owned());
            site.push(rows.site(p.site));
            people.push(i64::from(p.porters_hired));
            income.push(p.mean_income_cny());
            rice.push(p.mean_income_rice_kg());
        }
        for h in &result.household_months {
            rows.key(result, h.month);
            group.push("households".to_owned());
            site.push(rows.site(h.site));
            people.push(i64::from(h.households));
            income.push(h.mean_income_cny());
            rice.push(h.mean_income_rice_kg());
        }
    }
    rows.into_table(vec![
        ("group", ColumnData::Text(group)),
        ("site", ColumnData::Text(site)),
        ("people", ColumnData::Int(people)),
        ("mean_income_cny", ColumnData::Float(income)),
        ("mean_income_rice_kg", ColumnData::Float(rice)),
    ])
}

/// `trade`: trading companies' consignments by route, with every cost, so margins by route
/// can be compared.
pub fn trade(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let mut channel = Vec::new();
    let (mut consignments, mut seized, mut loads) = (Vec::new(), Vec::new(), Vec::new());
    let money_columns = [
        "revenue_cny",
        "purchases_cny",
        "labour_cny",
        "bribes_cny",
        "levy_cny",
        "net_profit_cny",
    ];
    let mut money: Vec<Vec<f64>> = vec![Vec::new(); money_columns.len()];
    for result in results {
        for t in &result.trade_months {
            rows.key(result, t.month);
            channel.push(t.channel.map_or("", |c| c.name()).to_owned());
            consignments.push(i64::from(t.consignments));
            seized.push(i64::from(t.seized));
            loads.push(t.loads as i64);
            for (column, amount) in money.iter_mut().zip([
                t.revenue,
                t.purchases,
                t.labour,
                t.bribes,
                t.levy,
                t.net_profit(),
            ]) {
                column.push(amount.cny());
            }
        }
    }
    let mut columns = vec![
        ("channel", ColumnData::Text(channel)),
        ("consignments", ColumnData::Int(consignments)),
        ("seized", ColumnData::Int(seized)),
        ("loads", ColumnData::Int(loads)),
    ];
    columns.extend(
        money_columns
            .into_iter()
            .zip(money.into_iter().map(ColumnData::Float)),
    );
    rows.into_table(columns)
}

/// `prices`: monthly mean market prices by site and good.
pub fn prices(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let (mut site, mut good, mut price) = (Vec::new(), Vec::new(), Vec::new());
    let essentials = &params.goods[params.households.good.0 as usize].id;
    for result in results {
        for p in &result.prices {
            for (name, value) in [
                ("rice", p.rice_price_cny_per_kg),
                (essentials.as_str(), p.essentials_price_cny_per_kg),
            ] {
                if value.is_nan() {
                    continue;
                }
                rows.key(result, p.month);
                site.push(rows.site(p.site));
                good.push(name.to_owned());
                price.push(value);
            }
        }
    }
    rows.into_table(vec![
        ("site", ColumnData::Text(site)),
        ("good", ColumnData::Text(good)),
        ("price_cny_per_kg", ColumnData::Float(price)),
    ])
}
