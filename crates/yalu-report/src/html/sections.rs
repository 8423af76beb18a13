//! The report's sections, each built from the run's data into HTML with its charts.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde_json::Value;

use super::charts::{Panel, Series, Timeline, band_chart, bar_chart};
use super::input::{Check, Evidence, Income, Month, Outcome, Parameter, RunData};
use super::map::{MapSite, site_map};
use super::sankey::{MoneyFlow, sankey};
use super::stats::{Grid, grids_by, ranked_by_total};
use super::summaries::{headline_section, series_section};
use super::svg::{Chart, channel_colour, escape, human, human_band, palette, pretty};
use crate::summary::Across;
use crate::summary::Band;

/// A titled part of the report.
#[derive(Debug)]
pub(crate) struct Section {
    pub id: &'static str,
    pub heading: &'static str,
    pub html: String,
}

/// Charts in the order they appear, each also written as a file.
#[derive(Debug, Default)]
pub(crate) struct Figures {
    pub charts: Vec<Chart>,
}

impl Figures {
    /// Keeps `chart` for its file and returns it inline, in a figure (nothing when there
    /// is no chart: no data to draw).
    pub(crate) fn add(&mut self, chart: Option<Chart>) -> String {
        let Some(chart) = chart else {
            return String::new();
        };
        let html = format!("<figure>{}</figure>", chart.svg(false));
        self.charts.push(chart);
        html
    }
}

/// How many goods get their own panel.
const TOP_GOODS: usize = 6;
const SANCTIONED_DELIVERED: &str = "#b2182b";
const SEIZED: &str = "#777777";
const MONITOR: &str = "#333333";

/// Builds a section's HTML, or nothing when the run has no data for it.
type Build = fn(&RunData, &mut Figures) -> Option<String>;

/// Every section with data, in reading order: a channel the scenario lacks leaves no empty
/// section, chart or panel behind.
pub(crate) fn sections(data: &RunData, figures: &mut Figures) -> Vec<Section> {
    let all: [(&'static str, &'static str, Build); 12] = [
        ("run", "Run and how to read it", |d, _| Some(run_section(d))),
        ("scope", "What the model covers", |d, _| {
            Some(scope_section(d))
        }),
        ("headline", "What the summaries hold", headline_section),
        ("series", "Monthly series", series_section),
        ("flows", "Flows by channel and good", flows_section),
        (
            "foreign-currency",
            "Foreign currency and Room 39",
            foreign_currency_section,
        ),
        ("money", "Who captures the value", money_section),
        ("sites", "Sites", sites_section),
        ("incomes", "Incomes and prices", incomes_section),
        ("monitor", "What the monitor sees", monitor_section),
        ("validation", "Validation", |d, _| validation_section(d)),
        ("evidence", "Evidence", |d, _| evidence_section(d)),
    ];
    all.into_iter()
        .filter_map(|(id, heading, build)| {
            Some(Section {
                id,
                heading,
                html: build(data, figures)?,
            })
        })
        .collect()
}

pub(crate) fn timeline(data: &RunData) -> Timeline {
    Timeline {
        first_month: data.first_month,
        months: data.month_count,
        replicates: data.replicates.len(),
    }
}

/// Sums rows into one replicate-by-month grid per key; `place` gives a row's key,
/// replicate, month and amount, or `None` to leave it out.
fn monthly<'a, T: 'a, K: Ord>(
    data: &RunData,
    rows: impl IntoIterator<Item = &'a T>,
    mut place: impl FnMut(&'a T) -> Option<(K, u32, Month, f64)>,
) -> BTreeMap<K, Grid> {
    grids_by(rows, (data.replicates.len(), data.month_count), |row| {
        let (key, replicate, month, amount) = place(row)?;
        let (slot, index) = data.cell(replicate, month)?;
        Some((key, slot, index, amount))
    })
}

/// The years of the run and, per month, the position of its year.
fn years(data: &RunData) -> (Vec<String>, Vec<usize>) {
    let year = |i: usize| (data.first_month + i as Month).div_euclid(12);
    let first = year(0);
    let group_of: Vec<usize> = (0..data.month_count)
        .map(|i| (year(i) - first) as usize)
        .collect();
    let count = group_of.last().map_or(0, |g| g + 1);
    let labels = (0..count)
        .map(|g| (first + g as Month).to_string())
        .collect();
    (labels, group_of)
}

pub(crate) fn note(text: &str) -> String {
    format!("<p class=\"note\">{}</p>", escape(text))
}

/// A table whose cells are already HTML; numeric columns (all but the first) align right.
pub(crate) fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut html = String::from("<table><thead><tr>");
    for header in headers {
        let _ = write!(html, "<th>{}</th>", escape(header));
    }
    html.push_str("</tr></thead><tbody>");
    for row in rows {
        html.push_str("<tr>");
        for cell in row {
            let _ = write!(html, "<td>{cell}</td>");
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

fn run_section(data: &RunData) -> String {
    let info = &data.info;
    let or_unknown = |text: &str| {
        if text.is_empty() {
            "not recorded".to_owned()
        } else {
            escape(text)
        }
    };
    let replicates = match info.replicates {
        Some(n) if n as usize != data.replicates.len() => {
            format!("{n} (the tables hold {})", data.replicates.len())
        }
        Some(n) => n.to_string(),
        None => data.replicates.len().to_string(),
    };
    let optional = [
        "incomes.csv",
        "prices.csv",
        "fx.csv",
        "observed.csv",
        "scenario.json",
        "validation.json",
    ];
    let (present, absent): (Vec<&str>, Vec<&str>) = optional
        .iter()
        .partition(|name| data.dir.join(name).is_file());
    let list = |names: &[&str]| {
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    };
    let description = data
        .scenario
        .as_ref()
        .map(|s| s.description.as_str())
        .filter(|d| !d.is_empty())
        .map_or(String::new(), |d| format!("<p>{}</p>", escape(d)));
    let rows = [
        ("Scenario", or_unknown(&info.scenario)),
        ("Scenario file", or_unknown(&info.scenario_file)),
        (
            "Scenario SHA-256",
            format!("<code>{}</code>", or_unknown(&info.scenario_sha256)),
        ),
        (
            "Simulated period",
            format!(
                "{} to {} ({} months)",
                or_unknown(&info.first_day),
                or_unknown(&info.last_day),
                data.month_count
            ),
        ),
        (
            "Master seed",
            info.seed.map_or("not recorded".into(), |s| s.to_string()),
        ),
        ("Replicates", replicates),
        ("Yalu version", or_unknown(&info.yalu_version)),
        (
            "Simulation wall time",
            info.wall_time_s
                .map_or("not recorded".into(), |s| format!("{s:.1} s")),
        ),
        ("Optional files present", escape(&list(&present))),
        ("Optional files absent", escape(&list(&absent))),
    ];
    let mut html = description;
    html.push_str("<table class=\"facts\"><tbody>");
    for (name, value) in rows {
        let _ = write!(html, "<tr><th>{name}</th><td>{value}</td></tr>");
    }
    html.push_str("</tbody></table>");
    html.push_str(
        "<h3>How to read this report</h3><ul>\
<li>Each replicate is one run of the model with its own random numbers. Lines are the median across replicates of each month's figure; shaded bands run from the 5th to the 95th percentile (interpolated linearly between the sorted replicates). With few replicates the bands are rough.</li>\
<li>Totals over the run are summed within each replicate first, then given as the median with the 5th to 95th percentile in brackets. The money diagram uses the mean across replicates, so its flows add up.</li>\
<li>Amounts are yuan (CNY) as recorded by the model's ledger; k, M and bn stand for thousand, million and billion.</li>\
<li>These are a model's estimates, not observations: see the validation and evidence sections for what they rest on. Every chart is also in the <code>charts/</code> folder as an SVG file.</li></ul>",
    );
    html
}

/// What the model covers and what it leaves out, so no figure is read as more than it is.
fn scope_section(data: &RunData) -> String {
    let mut channels: BTreeSet<String> = data.flows.iter().map(|f| pretty(&f.channel)).collect();
    channels.extend(
        data.foreign_currency
            .iter()
            .flatten()
            .map(|r| pretty(&r.channel)),
    );
    // A summary-only run names its channels in its series' keys (a flow's key starts with
    // its channel).
    channels.extend(
        data.summaries
            .iter()
            .flat_map(|s| &s.series)
            .filter(|r| r.table == "flows" || r.table == "fx")
            .filter_map(|r| r.key.split('/').next())
            .map(pretty),
    );
    let modelled = if channels.is_empty() {
        "none with recorded flows".to_owned()
    } else {
        channels.into_iter().collect::<Vec<_>>().join(", ")
    };
    format!(
        "<div class=\"scope\"><p><strong>Modelled in this run:</strong> {}. Figures for Room 39 are what reaches it through these channels only.</p>\
<p><strong>Not modelled:</strong> channels the registry records but the model does not simulate, so no figure here includes them: \
cyber theft and cryptocurrency heists (about USD 3 billion of suspected crypto thefts in 2017-2023, claim <code>ap2024-cyber-3b</code>; about USD 1.34 billion in 2024, <code>ayozat-2024</code>; about USD 1.5 billion in one theft in February 2025, <code>ayozat-bybit</code>), \
arms sales (about USD 200 million of banned arms exports in 2017, <code>theweek2018-arms-200m</code>; USD 1.7-5.5 billion of arms delivered to Russia from February 2022 to October 2024, <code>anews2024-arms-value</code>) \
and counterfeiting (about USD 22 million of counterfeit US notes passed in 1989-2005, <code>treasury2006-passed</code>). \
<code>yalu evidence claims --topic channels</code> lists these claims with their sources.</p></div>",
        escape(&modelled)
    )
}

fn flows_section(data: &RunData, figures: &mut Figures) -> Option<String> {
    if !data.flows.iter().any(|f| f.outcome == Outcome::Delivered) {
        return None;
    }
    let delivered = |outcome: Outcome| outcome == Outcome::Delivered;
    let by_channel = monthly(data, &data.flows, |f| {
        delivered(f.outcome).then_some((f.channel.as_str(), f.replicate, f.month, f.value_cny))
    });
    let mut html = String::new();
    let channels = ranked_by_total(&by_channel);
    let panels: Vec<Panel> = channels
        .iter()
        .map(|(channel, _)| Panel {
            title: pretty(channel),
            y_label: "CNY per month".into(),
            series: vec![Series {
                name: pretty(channel),
                unit: "CNY".into(),
                colour: channel_colour(channel),
                bands: by_channel[channel].bands(),
            }],
        })
        .collect();
    html.push_str(&figures.add(band_chart(
        "flows-by-channel",
        "Value delivered by channel (CNY per month)".into(),
        timeline(data),
        &panels,
        2,
    )));

    let seized = monthly(data, &data.flows, |f| {
        (f.outcome == Outcome::Seized).then_some((
            f.channel.as_str(),
            f.replicate,
            f.month,
            f.value_cny,
        ))
    });
    let sanctioned = monthly(data, &data.flows, |f| {
        (delivered(f.outcome) && f.sanctioned).then_some((
            f.channel.as_str(),
            f.replicate,
            f.month,
            f.value_cny,
        ))
    });
    let total = |grids: &BTreeMap<&str, Grid>, channel: &str| {
        grids
            .get(channel)
            .map_or_else(|| vec![0.0; data.replicates.len()], Grid::totals)
    };
    let rows: Vec<Vec<String>> = channels
        .iter()
        .map(|(channel, _)| {
            let delivered = total(&by_channel, channel);
            let share: Vec<f64> = total(&sanctioned, channel)
                .iter()
                .zip(&delivered)
                .map(|(s, d)| if *d > 0.0 { 100.0 * s / d } else { f64::NAN })
                .collect();
            vec![
                escape(&pretty(channel)),
                escape(&human_band(&Band::across(&delivered), "CNY")),
                escape(&human_band(&Band::across(&total(&seized, channel)), "CNY")),
                escape(&human_band(&Band::across(&share), "%")),
            ]
        })
        .collect();
    html.push_str(&table(
        &[
            "channel",
            "delivered over the run",
            "seized over the run",
            "sanctioned share of delivered value",
        ],
        &rows,
    ));

    let by_good = monthly(data, &data.flows, |f| {
        delivered(f.outcome).then_some((f.good.as_str(), f.replicate, f.month, f.value_cny))
    });
    let goods = ranked_by_total(&by_good);
    let panels: Vec<Panel> = goods
        .iter()
        .take(TOP_GOODS)
        .enumerate()
        .map(|(rank, (good, _))| Panel {
            title: pretty(good),
            y_label: "CNY per month".into(),
            series: vec![Series {
                name: pretty(good),
                unit: "CNY".into(),
                colour: palette(rank),
                bands: by_good[good].bands(),
            }],
        })
        .collect();
    html.push_str(&figures.add(band_chart(
        "flows-by-good",
        format!(
            "Value delivered of the top {} goods by value (CNY per month)",
            panels.len()
        ),
        timeline(data),
        &panels,
        3,
    )));
    if goods.len() > TOP_GOODS {
        html.push_str(&note(&format!(
            "{} other goods are not shown: {}.",
            goods.len() - TOP_GOODS,
            goods[TOP_GOODS..]
                .iter()
                .map(|(g, _)| pretty(g))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    html.push_str(&sanctioned_chart(data, figures));
    Some(html)
}

/// Sanctioned goods over time: value, then quantity in each unit, delivered and seized.
fn sanctioned_chart(data: &RunData, figures: &mut Figures) -> String {
    let outcome_name = |outcome: Outcome| match outcome {
        Outcome::Delivered => Some("delivered"),
        Outcome::Seized => Some("seized"),
        Outcome::Other => None,
    };
    let value = monthly(data, &data.flows, |f| {
        let outcome = outcome_name(f.outcome).filter(|_| f.sanctioned)?;
        Some((outcome, f.replicate, f.month, f.value_cny))
    });
    let quantity = monthly(data, &data.flows, |f| {
        let outcome = outcome_name(f.outcome).filter(|_| f.sanctioned)?;
        Some(((f.unit.as_str(), outcome), f.replicate, f.month, f.quantity))
    });
    let units: BTreeSet<&str> = quantity.keys().map(|(unit, _)| *unit).collect();
    let series = |grid: Option<&Grid>, outcome: &str, unit: &str| {
        grid.map(|g| Series {
            name: outcome.to_owned(),
            unit: unit.to_owned(),
            colour: if outcome == "delivered" {
                SANCTIONED_DELIVERED
            } else {
                SEIZED
            },
            bands: g.bands(),
        })
    };
    let mut panels = vec![Panel {
        title: "value".into(),
        y_label: "CNY per month".into(),
        series: ["delivered", "seized"]
            .into_iter()
            .filter_map(|o| series(value.get(o), o, "CNY"))
            .collect(),
    }];
    panels.extend(units.iter().map(|unit| {
        Panel {
            title: format!("quantity in {unit}"),
            y_label: format!("{unit} per month"),
            series: ["delivered", "seized"]
                .into_iter()
                .filter_map(|o| series(quantity.get(&(*unit, o)), o, unit))
                .collect(),
        }
    }));
    figures.add(band_chart(
        "sanctioned",
        "Sanctioned goods: value and quantity per month, delivered and seized".into(),
        timeline(data),
        &panels,
        3,
    ))
}

fn foreign_currency_section(data: &RunData, figures: &mut Figures) -> Option<String> {
    let (years, group_of) = years(data);
    let yearly_series =
        |grids: BTreeMap<&str, Grid>, unit: &str, colour: fn(&str, usize) -> &'static str| {
            ranked_by_total(&grids)
                .iter()
                .enumerate()
                .map(|(i, (key, _))| Series {
                    name: pretty(key),
                    unit: unit.to_owned(),
                    colour: colour(key, i),
                    bands: grids[key].regrouped(&group_of, years.len()).bands(),
                })
                .collect::<Vec<_>>()
        };
    let room39 = monthly(data, &data.money, |p| {
        (p.payee == "room39").then_some((p.payer.as_str(), p.replicate, p.month, p.amount_cny))
    });
    let room39_total: Vec<f64> = (0..data.replicates.len())
        .map(|r| room39.values().map(|g| g.totals()[r]).sum())
        .collect();
    let mut html = format!(
        "<p>Room 39 received {} over the run (money.csv, payments to <code>room39</code>).</p>",
        escape(&human_band(&Band::across(&room39_total), "CNY"))
    );
    let chart = match &data.foreign_currency {
        Some(fx) => {
            let by_channel = monthly(data, fx, |r| {
                Some((r.channel.as_str(), r.replicate, r.month, r.amount_usd))
            });
            html.push_str(&note("Foreign currency earned by channel, from fx.csv."));
            bar_chart(
                "foreign-currency",
                "Foreign currency earned by channel (USD per year)".into(),
                "USD per year",
                &years,
                &yearly_series(by_channel, "USD", |channel, _| channel_colour(channel)),
                data.replicates.len(),
            )
        }
        None => {
            html.push_str(&note(
                "This output has no fx.csv, so the chart shows Room 39's receipts from money.csv by paying class.",
            ));
            bar_chart(
                "foreign-currency",
                "Room 39 receipts by paying class (CNY per year)".into(),
                "CNY per year",
                &years,
                &yearly_series(room39, "CNY", |_, i| palette(i)),
                data.replicates.len(),
            )
        }
    };
    let chart = figures.add(chart);
    if chart.is_empty() {
        return None;
    }
    html.push_str(&chart);
    Some(html)
}

fn money_section(data: &RunData, figures: &mut Figures) -> Option<String> {
    if data.money.is_empty() {
        return None;
    }
    let by_link = monthly(data, &data.money, |p| {
        Some((
            (p.payer.as_str(), p.payee.as_str(), p.purpose.as_str()),
            p.replicate,
            p.month,
            p.amount_cny,
        ))
    });
    let flows: Vec<MoneyFlow> = by_link
        .iter()
        .map(|((payer, payee, purpose), grid)| MoneyFlow {
            payer: (*payer).to_owned(),
            payee: (*payee).to_owned(),
            purpose: (*purpose).to_owned(),
            amount_cny: Across(grid.totals()).mean(),
        })
        .collect();
    let replicates = data.replicates.len();
    let mut html = figures.add(Some(sankey(
        "money-flows",
        format!("Money between actor classes, total over the run (CNY, mean of {replicates} replicate(s))"),
        &flows,
        "Ribbon width: CNY paid; each class is labelled with the larger of what it receives and pays. A class that money flows back to appears again further right, marked received.",
    )));
    // Per class and replicate: received and paid over the run.
    let mut received: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut paid: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for ((payer, payee, _), grid) in &by_link {
        for (r, amount) in grid.totals().into_iter().enumerate() {
            paid.entry(payer).or_insert_with(|| vec![0.0; replicates])[r] += amount;
            received
                .entry(payee)
                .or_insert_with(|| vec![0.0; replicates])[r] += amount;
        }
    }
    let classes: BTreeSet<&str> = received.keys().chain(paid.keys()).copied().collect();
    let zeros = vec![0.0; replicates];
    let mut rows: Vec<(f64, Vec<String>)> = classes
        .iter()
        .map(|class| {
            let (got, gave) = (
                received.get(class).unwrap_or(&zeros),
                paid.get(class).unwrap_or(&zeros),
            );
            let net: Vec<f64> = got.iter().zip(gave).map(|(g, p)| g - p).collect();
            let net_band = Band::across(&net);
            (
                net_band.median,
                vec![
                    escape(&pretty(class)),
                    escape(&human_band(&Band::across(got), "CNY")),
                    escape(&human_band(&Band::across(gave), "CNY")),
                    escape(&human_band(&net_band, "CNY")),
                ],
            )
        })
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    html.push_str("<p>What each class received and paid over the run, largest net receipts first. A positive net is value the class keeps (or spends outside the model's ledger, such as on rice or goods).</p>");
    html.push_str(&table(
        &["class", "received", "paid", "net"],
        &rows.into_iter().map(|(_, row)| row).collect::<Vec<_>>(),
    ));
    Some(html)
}

fn sites_section(data: &RunData, figures: &mut Figures) -> Option<String> {
    if data.flows.is_empty() {
        return None;
    }
    let outcome_by_site = |wanted: Outcome| {
        monthly(data, &data.flows, move |f| {
            (f.outcome == wanted).then_some((f.site.as_str(), f.replicate, f.month, f.value_cny))
        })
    };
    let delivered = outcome_by_site(Outcome::Delivered);
    let seized = outcome_by_site(Outcome::Seized);
    let total = |grids: &BTreeMap<&str, Grid>, site: &str| {
        Band::across(
            &grids
                .get(site)
                .map_or_else(|| vec![0.0; data.replicates.len()], Grid::totals),
        )
    };
    let value_cells = |site: &str| {
        [
            escape(&human_band(&total(&delivered, site), "CNY")),
            escape(&human_band(&total(&seized, site), "CNY")),
        ]
    };
    let mut html = String::new();
    let Some(scenario) = &data.scenario else {
        html.push_str(&note(
            "This output has no scenario.json, so the sites' coordinates are unknown and there is no map. Value by site, from flows.csv:",
        ));
        let rows: Vec<Vec<String>> = ranked_by_total(&delivered)
            .iter()
            .map(|(site, _)| {
                let mut row = vec![escape(site)];
                row.extend(value_cells(site));
                row
            })
            .collect();
        html.push_str(&table(
            &["site", "delivered over the run", "seized over the run"],
            &rows,
        ));
        return Some(html);
    };
    let mapped: Vec<MapSite> = scenario
        .sites
        .iter()
        .filter_map(|site| {
            let (latitude_deg, longitude_deg) = (site.latitude_deg?, site.longitude_deg?);
            (latitude_deg.is_finite() && longitude_deg.is_finite()).then(|| MapSite {
                name: if site.name.is_empty() {
                    site.id.clone()
                } else {
                    site.name.clone()
                },
                waterway: site.waterway.clone(),
                latitude_deg,
                longitude_deg,
                delivered_cny: total(&delivered, &site.id).median,
            })
        })
        .collect();
    if mapped.is_empty() {
        html.push_str(&note(
            "scenario.json gives no site with coordinates, so there is no map.",
        ));
    } else {
        html.push_str(&figures.add(Some(site_map(
            "site-map",
            "Sites and the value delivered through them over the run".into(),
            &mapped,
        ))));
    }
    let rows: Vec<Vec<String>> = scenario
        .sites
        .iter()
        .map(|site| {
            let mut row = vec![
                escape(if site.name.is_empty() {
                    &site.id
                } else {
                    &site.name
                }),
                escape(&site.province),
                escape(&site.waterway),
                escape(&site.china_counterpart),
            ];
            row.extend(value_cells(&site.id));
            row
        })
        .collect();
    html.push_str(&table(
        &[
            "site",
            "province",
            "waterway",
            "Chinese side",
            "delivered over the run",
            "seized over the run",
        ],
        &rows,
    ));
    let known: BTreeSet<&str> = scenario.sites.iter().map(|s| s.id.as_str()).collect();
    let unknown: Vec<&str> = delivered
        .keys()
        .copied()
        .filter(|s| !known.contains(s))
        .collect();
    if !unknown.is_empty() {
        html.push_str(&note(&format!(
            "Sites in flows.csv but not in scenario.json (not mapped): {}.",
            unknown.join(", ")
        )));
    }
    Some(html)
}

fn incomes_section(data: &RunData, figures: &mut Figures) -> Option<String> {
    let charts_before = figures.charts.len();
    let mut html = String::new();
    match &data.incomes {
        Some(incomes) => {
            // People-weighted means across sites: sum of people x mean over sum of people.
            let weighted = |measure: fn(&Income) -> Option<f64>| {
                let people = monthly(data, incomes, |r| {
                    measure(r).map(|_| (r.group.as_str(), r.replicate, r.month, r.people))
                });
                let earned = monthly(data, incomes, |r| {
                    measure(r).map(|m| (r.group.as_str(), r.replicate, r.month, m * r.people))
                });
                earned
                    .iter()
                    .filter_map(|(group, sum)| Some((*group, sum.divided_by(people.get(group)?))))
                    .collect::<BTreeMap<&str, Grid>>()
            };
            let cny = weighted(|r| r.mean_income_cny);
            let rice = weighted(|r| r.mean_income_rice_kg);
            let groups: BTreeSet<&str> = cny.keys().chain(rice.keys()).copied().collect();
            let mut panels = Vec::new();
            // Yuan on the left, rice on the right, a row per group (a panel with no data
            // where a group has no figure in rice).
            for (i, group) in groups.iter().enumerate() {
                for (grids, unit, measure) in [
                    (&cny, "CNY", "income"),
                    (&rice, "kg of rice", "income in rice"),
                ] {
                    panels.push(Panel {
                        title: format!("{}: {measure}", pretty(group)),
                        y_label: format!("{unit} per person per month"),
                        series: grids
                            .get(group)
                            .map(|grid| Series {
                                name: pretty(group),
                                unit: unit.into(),
                                colour: palette(i),
                                bands: grid.bands(),
                            })
                            .into_iter()
                            .collect(),
                    });
                }
            }
            html.push_str(
                &figures.add(band_chart(
                    "incomes",
                    "Mean monthly income per person, in yuan and in rice (weighted across sites)"
                        .into(),
                    timeline(data),
                    &panels,
                    2,
                )),
            );
            html.push_str(&note("Months when a group earned nothing recorded (porters not hired during the closure, say) are gaps."));
        }
        None => html.push_str(&note("This output has no incomes.csv.")),
    }
    match &data.prices {
        Some(prices) => {
            let sum = monthly(data, prices, |p| {
                Some((p.good.as_str(), p.replicate, p.month, p.price_cny_per_kg?))
            });
            let count = monthly(data, prices, |p| {
                p.price_cny_per_kg
                    .map(|_| (p.good.as_str(), p.replicate, p.month, 1.0))
            });
            let series: Vec<Series> = sum
                .iter()
                .enumerate()
                .filter_map(|(i, (good, sum))| {
                    Some(Series {
                        name: pretty(good),
                        unit: "CNY per kg".into(),
                        colour: palette(i),
                        bands: sum.divided_by(count.get(good)?).bands(),
                    })
                })
                .collect();
            html.push_str(&figures.add(band_chart(
                "prices",
                "Market prices, mean across sites (CNY per kg)".into(),
                timeline(data),
                &[Panel {
                    title: String::new(),
                    y_label: "CNY per kg".into(),
                    series,
                }],
                1,
            )));
        }
        None => html.push_str(&note("This output has no prices.csv.")),
    }
    (figures.charts.len() > charts_before).then_some(html)
}

fn monitor_section(data: &RunData, figures: &mut Figures) -> Option<String> {
    let maritime = |channel: &str| channel == "maritime";
    let Some(observed) = &data.observed else {
        // Said only when there is a maritime channel to see; otherwise no section.
        return data
            .flows
            .iter()
            .any(|f| maritime(&f.channel))
            .then(|| note("The flows include a maritime channel, but this output has no observed.csv, so the monitor's view cannot be set beside the truth."));
    };
    // Goods of each unit: quantities of different units are never added.
    let unit_of: BTreeMap<&str, &str> = data
        .flows
        .iter()
        .filter(|f| maritime(&f.channel))
        .map(|f| (f.good.as_str(), f.unit.as_str()))
        .collect();
    let truth_by = |by_unit: bool| {
        monthly(data, &data.flows, move |f| {
            let key = if by_unit {
                f.unit.as_str()
            } else {
                f.good.as_str()
            };
            (maritime(&f.channel) && f.outcome == Outcome::Delivered).then_some((
                key,
                f.replicate,
                f.month,
                f.quantity,
            ))
        })
    };
    let seen_by = |by_unit: bool| {
        let mut grids: BTreeMap<&str, Grid> = BTreeMap::new();
        for row in &observed.rows {
            let Some(good) = row.good.as_deref() else {
                continue;
            };
            let key = if by_unit {
                unit_of.get(good).copied().unwrap_or("unknown unit")
            } else {
                good
            };
            let grid = grids
                .entry(key)
                .or_insert_with(|| Grid::zeros(data.replicates.len(), data.month_count));
            // A view without replicates is the same for every replicate.
            let replicates = row
                .replicate
                .as_ref()
                .map_or(data.replicates.as_slice(), std::slice::from_ref);
            for replicate in replicates {
                if let Some((slot, index)) = data.cell(*replicate, row.month) {
                    grid.add(slot, index, row.quantity);
                }
            }
        }
        grids
    };
    let units: BTreeSet<&str> = unit_of.values().copied().collect();
    if units.is_empty() {
        return None;
    }
    let (truth_by_unit, seen_by_unit) = (truth_by(true), seen_by(true));
    let bands = |grids: &BTreeMap<&str, Grid>, unit: &str| {
        grids.get(unit).map_or_else(
            || Grid::zeros(data.replicates.len(), data.month_count).bands(),
            Grid::bands,
        )
    };
    let panels: Vec<Panel> = units
        .iter()
        .map(|unit| {
            let goods: Vec<String> = unit_of
                .iter()
                .filter(|(_, u)| *u == unit)
                .map(|(g, _)| pretty(g))
                .collect();
            Panel {
                title: format!("{} ({unit})", goods.join(", ")),
                y_label: format!("{unit} per month"),
                series: vec![
                    Series {
                        name: "true deliveries".into(),
                        unit: (*unit).to_owned(),
                        colour: channel_colour("maritime"),
                        bands: bands(&truth_by_unit, unit),
                    },
                    Series {
                        name: "observed by the monitor".into(),
                        unit: (*unit).to_owned(),
                        colour: MONITOR,
                        bands: bands(&seen_by_unit, unit),
                    },
                ],
            }
        })
        .collect();
    let mut html = note(&format!(
        "True maritime deliveries (flows.csv, channel maritime) beside what the monitor recorded (observed.csv, column {}), one panel per unit: quantities in different units are not added.",
        observed.quantity_column
    ));
    html.push_str(&figures.add(band_chart(
        "monitor",
        "The monitor's view beside the truth: maritime quantities per month".into(),
        timeline(data),
        &panels,
        2,
    )));
    let (truth, seen) = (truth_by(false), seen_by(false));
    let goods: BTreeSet<&str> = truth.keys().chain(seen.keys()).copied().collect();
    let zeros = vec![0.0; data.replicates.len()];
    let rows: Vec<Vec<String>> = goods
        .iter()
        .map(|good| {
            let true_total = truth.get(good).map_or_else(|| zeros.clone(), Grid::totals);
            let seen_total = seen.get(good).map_or_else(|| zeros.clone(), Grid::totals);
            let share: Vec<f64> = seen_total
                .iter()
                .zip(&true_total)
                .map(|(s, t)| if *t > 0.0 { 100.0 * s / t } else { f64::NAN })
                .collect();
            let unit = unit_of.get(good).copied().unwrap_or("");
            vec![
                escape(&pretty(good)),
                escape(unit),
                escape(&human_band(&Band::across(&true_total), unit)),
                escape(&human_band(&Band::across(&seen_total), unit)),
                escape(&human_band(&Band::across(&share), "%")),
            ]
        })
        .collect();
    html.push_str(&table(
        &[
            "good",
            "unit",
            "true deliveries over the run",
            "observed over the run",
            "observed share of truth (%)",
        ],
        &rows,
    ));
    Some(html)
}

/// A JSON value as text: a two-number array as a range, objects as `key: value` pairs.
fn json_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), human),
        Value::String(s) => s.clone(),
        Value::Array(items) => match items.as_slice() {
            [Value::Number(low), Value::Number(high)] => format!(
                "{} – {}",
                json_text(&Value::Number(low.clone())),
                json_text(&Value::Number(high.clone()))
            ),
            _ => items.iter().map(json_text).collect::<Vec<_>>().join(", "),
        },
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| format!("{k}: {}", json_text(v)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn validation_section(data: &RunData) -> Option<String> {
    let checks = data.validation.as_ref()?;
    let covered = |c: &&Check| c.covered != Some(false);
    let passed = checks
        .iter()
        .filter(covered)
        .filter(|c| c.pass == Some(true))
        .count();
    let failed = checks
        .iter()
        .filter(covered)
        .filter(|c| c.pass == Some(false))
        .count();
    let uncovered = checks.len() - checks.iter().filter(covered).count();
    let mut html = format!(
        "<p>Of {} pattern checks: {passed} pass, {failed} fail, {uncovered} not covered by the model yet.</p>",
        checks.len()
    );
    let rows: Vec<Vec<String>> = checks
        .iter()
        .map(|check| {
            let verdict = match (check.covered, check.pass) {
                (Some(false), _) => "<span class=\"na\">not covered</span>",
                (_, Some(true)) => "<span class=\"pass\">pass</span>",
                (_, Some(false)) => "<span class=\"fail\">fail</span>",
                (_, None) => "<span class=\"na\">n/a</span>",
            };
            let simulated = check.simulated.as_ref().map_or_else(
                || "–".to_owned(),
                |s| {
                    let number = |x: Option<f64>| human(x.unwrap_or(f64::NAN));
                    format!(
                        "{} ({} – {})",
                        number(s.median),
                        number(s.p05),
                        number(s.p95)
                    )
                },
            );
            vec![
                escape(&json_text(&check.id)),
                escape(&json_text(&check.kind)),
                escape(&json_text(&check.description)),
                cite(data, &json_text(&check.source)),
                escape(&json_text(&check.target)),
                escape(&simulated),
                escape(&json_text(&check.tolerance)),
                verdict.to_owned(),
            ]
        })
        .collect();
    html.push_str(&table(
        &[
            "id",
            "kind",
            "pattern",
            "source",
            "target",
            "simulated median (5th – 95th)",
            "tolerance",
            "verdict",
        ],
        &rows,
    ));
    Some(html)
}

/// The id of a source's entry in the evidence list.
fn source_anchor(id: &str) -> String {
    format!("source-{}", escape(id))
}

/// `id: where` citing a source, with the id linked to the evidence list when the scenario
/// registers it.
fn cite(data: &RunData, text: &str) -> String {
    let (id, rest) = text.split_once(':').unwrap_or((text, ""));
    let registered = data
        .scenario
        .as_ref()
        .is_some_and(|s| s.sources.iter().any(|source| source.id == id.trim()));
    if registered {
        format!(
            "<a href=\"#{}\">{}</a>{}",
            source_anchor(id.trim()),
            escape(id.trim()),
            if rest.is_empty() {
                String::new()
            } else {
                format!(":{}", escape(rest))
            }
        )
    } else {
        escape(text)
    }
}

/// ` (range a – b)`, or nothing when no range is given.
fn range_text(range: &Value) -> String {
    let range = json_text(range);
    if range.is_empty() {
        range
    } else {
        format!(" (range {})", escape(&range))
    }
}

fn evidence_section(data: &RunData) -> Option<String> {
    let scenario = data.scenario.as_ref()?;
    let rows: Vec<Vec<String>> = scenario
        .parameters
        .iter()
        .map(|parameter| {
            let evidence = match &parameter.evidence {
                Evidence::Source {
                    id,
                    location,
                    range,
                } => format!(
                    "<a href=\"#{}\">{}</a>{}{}",
                    source_anchor(id),
                    escape(id),
                    if location.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", escape(location))
                    },
                    range_text(range)
                ),
                Evidence::Assumption { reason, range } => format!(
                    "<em>assumption</em>: {}{}",
                    escape(reason),
                    range_text(range)
                ),
                Evidence::Unknown => "<em>not stated</em>".into(),
            };
            vec![
                // Paths break after dots and brackets, not inside names.
                format!(
                    "<code>{}</code>",
                    escape(&parameter.path)
                        .replace('.', ".<wbr>")
                        .replace('[', "<wbr>[")
                ),
                escape(&json_text(&parameter.value)),
                escape(&parameter.unit),
                evidence,
            ]
        })
        .collect();
    let assumed = |p: &&Parameter| matches!(p.evidence, Evidence::Assumption { .. });
    let mut html = format!(
        "<p>{} inputs, {} of them assumptions; {} registered sources. Per submodel (the first part of each input's path):</p>",
        scenario.parameters.len(),
        scenario.parameters.iter().filter(assumed).count(),
        scenario.sources.len()
    );
    // Submodels in order of first appearance, with their inputs counted.
    let mut submodels: Vec<(&str, usize, usize)> = Vec::new();
    for parameter in &scenario.parameters {
        let submodel = parameter.path.split(['.', '[']).next().unwrap_or_default();
        let at = match submodels.iter().position(|(s, _, _)| *s == submodel) {
            Some(at) => at,
            None => {
                submodels.push((submodel, 0, 0));
                submodels.len() - 1
            }
        };
        submodels[at].1 += 1;
        submodels[at].2 += usize::from(assumed(&parameter));
    }
    let summary: Vec<Vec<String>> = submodels
        .iter()
        .map(|(submodel, inputs, assumptions)| {
            vec![
                escape(&pretty(submodel)),
                inputs.to_string(),
                (inputs - assumptions).to_string(),
                assumptions.to_string(),
                format!(
                    "{:.0}%",
                    100.0 * (inputs - assumptions) as f64 / *inputs as f64
                ),
            ]
        })
        .collect();
    html.push_str(&table(
        &[
            "submodel",
            "inputs",
            "sourced",
            "assumptions",
            "sourced share",
        ],
        &summary,
    ));
    let _ = write!(
        html,
        "<details><summary>All {} inputs with their value, unit and evidence</summary>{}</details>",
        rows.len(),
        table(&["input", "value", "unit", "evidence"], &rows)
    );
    let _ = write!(
        html,
        "<details><summary>The {} sources</summary><ol class=\"sources\">",
        scenario.sources.len()
    );
    for source in &scenario.sources {
        let parts: Vec<String> = [&source.author, &source.outlet, &source.date]
            .into_iter()
            .filter(|p| !p.is_empty())
            .map(|p| escape(p))
            .collect();
        // Only web links become anchors: a link is navigation, never loaded by the page.
        let link = if source.link.starts_with("https://") || source.link.starts_with("http://") {
            format!(
                " <a href=\"{0}\" rel=\"noreferrer\">{0}</a>",
                escape(&source.link)
            )
        } else if source.link.is_empty() {
            String::new()
        } else {
            format!(" {}", escape(&source.link))
        };
        let _ = write!(
            html,
            "<li id=\"{}\"><strong>{}</strong>: “{}”. {}.{link}{}</li>",
            source_anchor(&source.id),
            escape(&source.id),
            escape(&source.title),
            parts.join(", "),
            if source.supports.is_empty() {
                String::new()
            } else {
                format!(
                    "<br><span class=\"supports\">Supports: {}</span>",
                    escape(&source.supports)
                )
            }
        );
    }
    html.push_str("</ol></details>");
    Some(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_read_as_text() {
        assert_eq!(json_text(&serde_json::json!([160, 200])), "160 – 200");
        assert_eq!(json_text(&serde_json::json!({"low": 1})), "low: 1");
        assert_eq!(json_text(&serde_json::json!("0.8 CNY/kg")), "0.8 CNY/kg");
    }
}
