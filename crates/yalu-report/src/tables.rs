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
    let (mut channel, mut site, mut good, mut outcome, mut sanctioned) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut quantity, mut unit, mut value) = (Vec::new(), Vec::new(), Vec::new());
    for result in results {
        for flow in &result.flows {
            rows.key(result, flow.month);
            let g = &params.goods[flow.good.0 as usize];
            channel.push(flow.channel.name().to_owned());
            site.push(rows.site(flow.site));
            good.push(g.id.clone());
            outcome.push(flow.outcome.name().to_owned());
            sanctioned.push(flow.sanctioned);
            quantity.push(flow.quantity);
            unit.push(g.unit.name().to_owned());
            value.push(flow.value.cny());
        }
    }
    rows.into_table(vec![
        ("channel", ColumnData::Text(channel)),
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

/// `prices`: monthly mean market prices by site.
pub fn prices(params: &ModelParams, results: &[ReplicateResult]) -> Table {
    let mut rows = Rows::new(params);
    let (mut site, mut good, mut price) = (Vec::new(), Vec::new(), Vec::new());
    for result in results {
        for p in &result.prices {
            rows.key(result, p.month);
            site.push(rows.site(p.site));
            good.push("rice".to_owned());
            price.push(p.rice_price_cny_per_kg);
        }
    }
    rows.into_table(vec![
        ("site", ColumnData::Text(site)),
        ("good", ColumnData::Text(good)),
        ("price_cny_per_kg", ColumnData::Float(price)),
    ])
}
