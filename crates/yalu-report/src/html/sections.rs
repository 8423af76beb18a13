//! The report's sections, each built from the run's data into HTML with its charts.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use serde_json::Value;

use super::charts::{Marker, Panel, Series, Timeline, band_chart, bar_chart, event_timeline};
use super::input::{
    Check, EventMark, Evidence, Income, Month, ObservationCheck, Outcome, Parameter, Rate, RunData,
    Scenario, Simulated, SourceClaim,
};
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
    let all: [(&'static str, &'static str, Build); 13] = [
        ("run", "Run and how to read it", |d, _| Some(run_section(d))),
        ("scope", "What the model covers", |d, _| {
            Some(scope_section(d))
        }),
        ("events", "Dated events", events_section),
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
    let last_month = data.first_month + data.month_count as Month - 1;
    Timeline {
        first_month: data.first_month,
        months: data.month_count,
        replicates: data.replicates.len(),
        events: events(data)
            .filter_map(|e| {
                let (first, last) = e.months(last_month)?;
                Some(Marker {
                    first,
                    last,
                    label: format!("{} ({}): {}", e.id, e.kind, e.effects.join("; ")),
                })
            })
            .collect(),
    }
}

/// The scenario's dated events, if `scenario.json` lists them.
fn events(data: &RunData) -> impl Iterator<Item = &EventMark> {
    data.scenario.iter().flat_map(|s| &s.events)
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
        (
            "Parameter sets",
            info.posterior.as_ref().map_or_else(
                || "the scenario's own values in every replicate".to_owned(),
                |p| {
                    format!(
                        "drawn per replicate from the {} accepted sets of {} (SHA-256 <code>{}</code>)",
                        p.sets,
                        escape(&p.file),
                        escape(&p.sha256)
                    )
                },
            ),
        ),
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
<li>Each replicate is one run of the model with its own random numbers. Lines are the median across replicates of each month's figure; shaded bands run from the 5th to the 95th percentile (interpolated linearly between the sorted replicates). With few replicates the bands are rough.</li>",
    );
    let _ = write!(
        html,
        "<li>{}</li>",
        escape(&crate::bands_note(info.posterior.as_ref()))
    );
    html.push_str(
        "<li>Totals over the run are summed within each replicate first, then given as the median with the 5th to 95th percentile in brackets. The money diagram uses the mean across replicates, so its flows add up.</li>\
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

/// The scenario's events: a timeline and a table (window, kind, effects, source); the
/// same events are marked on every time chart.
fn events_section(data: &RunData, figures: &mut Figures) -> Option<String> {
    let timeline = timeline(data);
    let listed: Vec<&EventMark> = events(data)
        .filter(|e| e.months(data.first_month).is_some())
        .collect();
    if listed.is_empty() {
        return None;
    }
    let rows: Vec<(String, String)> = listed
        .iter()
        .map(|e| (e.kind.clone(), e.id.clone()))
        .collect();
    let mut html = String::from(
        "<p class=\"note\">What the scenario changes and when: each event's window and its effects on named channels and sites (<code>yalu events</code> lists them). Grey marks on the time charts below show the same events.</p>",
    );
    html.push_str(&figures.add(event_timeline(&timeline, &rows)));
    html.push_str("<table><thead><tr><th>window</th><th>event</th><th>kind</th><th>effects</th><th>source</th></tr></thead><tbody>");
    for e in &listed {
        let window = match &e.last_day {
            Some(last) => format!("{} to {last}", e.first_day),
            None => format!("from {}", e.first_day),
        };
        let _ = write!(
            html,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&window),
            escape(&e.id),
            escape(&pretty(&e.kind)),
            escape(&e.effects.join("; ")),
            escape(&e.source)
        );
    }
    html.push_str("</tbody></table>");
    Some(html)
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
    if let Some(rates) = &data.rates {
        html.push_str(&won_chart(data, rates, figures));
    }
    (figures.charts.len() > charts_before).then_some(html)
}

/// The sites the won chart shows: Hyesan and Sinuiju, the surveys' border cities, where
/// the run has them, else the first two sites with rates.
fn won_sites(rates: &[Rate]) -> Vec<&str> {
    let sites: BTreeSet<&str> = rates.iter().map(|r| r.site.as_str()).collect();
    let preferred: Vec<&str> = ["hyesan", "sinuiju"]
        .into_iter()
        .filter(|s| sites.contains(s))
        .collect();
    if preferred.len() == 2 {
        preferred
    } else {
        sites.into_iter().take(2).collect()
    }
}

/// The won against the dollar and the yuan at two sites: the month's mean of the survey
/// days, with the bands across replicates.
fn won_chart(data: &RunData, rates: &[Rate], figures: &mut Figures) -> String {
    let sites = won_sites(rates);
    let count = monthly(data, rates, |r| {
        sites
            .contains(&r.site.as_str())
            .then_some((r.site.as_str(), r.replicate, r.month, 1.0))
    });
    let panel = |title: &str, currency: &str, rate: fn(&Rate) -> f64| {
        let sum = monthly(data, rates, |r| {
            sites
                .contains(&r.site.as_str())
                .then(|| (r.site.as_str(), r.replicate, r.month, rate(r)))
        });
        Panel {
            title: title.into(),
            y_label: format!("KPW/{currency}"),
            series: sum
                .iter()
                .enumerate()
                .filter_map(|(i, (site, sum))| {
                    Some(Series {
                        name: pretty(site),
                        unit: format!("KPW/{currency}"),
                        colour: palette(i),
                        bands: sum.divided_by(count.get(site)?).bands(),
                    })
                })
                .collect(),
        }
    };
    figures.add(band_chart(
        "won",
        format!(
            "The won's market rate at {} (won per dollar and per yuan, mean of the survey days)",
            sites
                .iter()
                .map(|s| pretty(s))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        timeline(data),
        &[
            panel("Against the dollar", "USD", |r| r.won_per_usd),
            panel("Against the yuan", "CNY", |r| r.won_per_cny),
        ],
        2,
    ))
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
    let validation = data.validation.as_ref()?;
    let mut html = patterns_table(data, &validation.patterns);
    html.push_str("<h3>Observed series</h3>");
    match &validation.observations {
        Some(observations) => html.push_str(&observations_table(observations)),
        None => html.push_str(
            "<p>This validation.json holds the patterns only (written before the observed \
             series joined it): rerun <code>yalu validate</code> for the in-sample and \
             out-of-sample scores.</p>",
        ),
    }
    Some(html)
}

/// A verdict cell: pass (or hit), fail (or miss), not covered.
fn verdict(covered: bool, pass: Option<bool>, words: [&str; 2]) -> String {
    match (covered, pass) {
        (false, _) => "<span class=\"na\">not covered</span>".to_owned(),
        (_, Some(true)) => format!("<span class=\"pass\">{}</span>", words[0]),
        (_, Some(false)) => format!("<span class=\"fail\">{}</span>", words[1]),
        (_, None) => "<span class=\"na\">n/a</span>".to_owned(),
    }
}

/// `median (p05 – p95)`, or a dash.
fn simulated_text(simulated: Option<&Simulated>) -> String {
    simulated.map_or_else(
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
    )
}

/// The patterns with their class; only emergent passes are counted as evidence.
fn patterns_table(data: &RunData, checks: &[Check]) -> String {
    let covered = |c: &&Check| c.covered != Some(false);
    let score = |class: &str| {
        let of_class = checks
            .iter()
            .filter(covered)
            .filter(|c| json_text(&c.kind) == class);
        let passed = of_class.clone().filter(|c| c.pass == Some(true)).count();
        (passed, of_class.count())
    };
    let (emergent, calibrated, input) = (score("emergent"), score("calibrated"), score("input"));
    let uncovered = checks.len() - checks.iter().filter(covered).count();
    let mut html = format!(
        "<p><strong>Evidence: {} of {} covered emergent patterns pass.</strong> Only emergent \
         patterns count: each comes out of a mechanism, and switching the mechanism off makes it \
         miss. Calibrated patterns ({} of {} pass) were reached by choosing parameters, and input \
         patterns ({} of {} pass) copy a parameter, so their passes show the fit and the plumbing \
         hold, not that the mechanisms are right. {uncovered} of {} patterns are not covered by \
         this scenario.</p>",
        emergent.0,
        emergent.1,
        calibrated.0,
        calibrated.1,
        input.0,
        input.1,
        checks.len()
    );
    let rows: Vec<Vec<String>> = checks
        .iter()
        .map(|check| {
            vec![
                escape(&json_text(&check.id)),
                escape(&json_text(&check.kind)),
                escape(&json_text(&check.description)),
                cite(data, &json_text(&check.source)),
                escape(&json_text(&check.target)),
                escape(&simulated_text(check.simulated.as_ref())),
                escape(&json_text(&check.tolerance)),
                verdict(check.covered != Some(false), check.pass, ["pass", "fail"]),
            ]
        })
        .collect();
    html.push_str(&table(
        &[
            "id",
            "class",
            "pattern",
            "source",
            "target",
            "simulated median (5th – 95th)",
            "tolerance",
            "verdict",
        ],
        &rows,
    ));
    html
}

/// The observed series: in-sample (calibration) and out-of-sample (test) hit rates, and
/// each observation with its bound, median and band.
fn observations_table(observations: &[ObservationCheck]) -> String {
    let rate = |use_: &str| {
        let chosen = observations.iter().filter(|o| o.use_ == use_);
        (
            chosen.clone().filter(|o| o.pass == Some(true)).count(),
            chosen.count(),
        )
    };
    let (in_sample, out_of_sample) = (rate("calibration"), rate("test"));
    let mut html = format!(
        "<p><strong>In sample: {} of {} calibration observations hit; out of sample: {} of {} \
         held-out test observations hit.</strong> Calibration may fit parameters to observations \
         marked calibration; test observations are never fitted to, so their hit rate is the \
         out-of-sample score. An observation is hit when the simulated median lies within its \
         bound.</p>",
        in_sample.0, in_sample.1, out_of_sample.0, out_of_sample.1
    );
    let bound = |o: &ObservationCheck| match (o.low, o.high) {
        (Some(low), Some(high)) => format!("{} – {} {}", human(low), human(high), o.unit),
        (Some(low), None) => format!("at least {} {}", human(low), o.unit),
        (None, Some(high)) => format!("at most {} {}", human(high), o.unit),
        (None, None) => "–".to_owned(),
    };
    let rows: Vec<Vec<String>> = observations
        .iter()
        .map(|o| {
            vec![
                escape(&o.observation),
                escape(&o.use_),
                escape(&o.what),
                escape(&o.period),
                escape(&bound(o)),
                escape(&simulated_text(o.simulated.as_ref())),
                verdict(true, o.pass, ["hit", "miss"]),
            ]
        })
        .collect();
    html.push_str(&table(
        &[
            "observation",
            "use",
            "what",
            "period",
            "bound",
            "simulated median (5th – 95th)",
            "verdict",
        ],
        &rows,
    ));
    html
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

/// The submodel of an input: the first part of its path (`goods`, `state_trade`, ...).
fn submodel(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or_default()
}

/// An input's path as code, breaking after dots and brackets, not inside names.
fn path_cell(path: &str) -> String {
    format!(
        "<code>{}</code>",
        escape(path).replace('.', ".<wbr>").replace('[', "<wbr>[")
    )
}

/// A parameter's evidence in full: the claim with its source, location, figure, arithmetic
/// and carry-over, or the assumption with its reason.
fn evidence_text(evidence: &Evidence) -> String {
    match evidence {
        Evidence::Claim {
            claim,
            source,
            location,
            figure,
            derivation,
            carry_over,
            range,
        } => {
            let mut text = format!(
                "claim <code>{}</code> of <a href=\"#{}\">{}</a>",
                escape(claim),
                source_anchor(source),
                escape(source)
            );
            for (label, part) in [
                ("", location),
                ("figure ", figure),
                ("derivation: ", derivation),
                ("carried over: ", carry_over),
            ] {
                if !part.is_empty() {
                    let _ = write!(text, "; {label}{}", escape(part));
                }
            }
            text + &range_text(range)
        }
        Evidence::Assumption { reason, range } => format!(
            "<em>assumption</em>: {}{}",
            escape(reason),
            range_text(range)
        ),
        Evidence::Unknown => "<em>not stated</em>".into(),
    }
}

/// Sources by kind: how many the scenario cites and how many the registry holds.
fn sources_by_kind(scenario: &Scenario) -> String {
    let mut kinds: Vec<(String, usize, Option<u64>)> = Vec::new();
    let mut count = |kind: &str, cited: usize, registered: Option<u64>| match kinds
        .iter_mut()
        .find(|(k, _, _)| k == kind)
    {
        Some(row) => {
            row.1 += cited;
            row.2 = row.2.or(registered);
        }
        None => kinds.push((kind.to_owned(), cited, registered)),
    };
    if let Some(registry) = &scenario.registry {
        for kind in &registry.sources_by_kind {
            count(&kind.kind, 0, Some(kind.sources));
        }
    }
    for source in &scenario.sources {
        let kind = if source.kind.is_empty() {
            "not stated"
        } else {
            &source.kind
        };
        count(kind, 1, None);
    }
    let rows: Vec<Vec<String>> = kinds
        .iter()
        .map(|(kind, cited, registered)| {
            vec![
                escape(&pretty(kind)),
                cited.to_string(),
                registered.map_or_else(|| "–".to_owned(), |n| n.to_string()),
            ]
        })
        .collect();
    table(
        &["kind", "cited by this scenario", "in the registry"],
        &rows,
    )
}

/// The sourced inputs grouped by submodel, each with its claim's figure, bound and period.
fn claims_table(scenario: &Scenario) -> String {
    let claims: HashMap<&str, &SourceClaim> = scenario
        .sources
        .iter()
        .flat_map(|source| &source.claims)
        .map(|claim| (claim.id.as_str(), claim))
        .collect();
    let headers = ["input", "value", "claim", "figure", "bound", "period"];
    let mut html = String::from("<table class=\"claims\"><thead><tr>");
    for header in headers {
        let _ = write!(html, "<th>{header}</th>");
    }
    html.push_str("</tr></thead><tbody>");
    let mut groups: Vec<(&str, Vec<&Parameter>)> = Vec::new();
    for parameter in &scenario.parameters {
        if !matches!(parameter.evidence, Evidence::Claim { .. }) {
            continue;
        }
        let group = submodel(&parameter.path);
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, members)) => members.push(parameter),
            None => groups.push((group, vec![parameter])),
        }
    }
    for (group, members) in groups {
        let _ = write!(
            html,
            "<tr class=\"group\"><th colspan=\"{}\">{} ({} sourced)</th></tr>",
            headers.len(),
            escape(&pretty(group)),
            members.len()
        );
        for parameter in members {
            let Evidence::Claim {
                claim,
                source,
                figure,
                derivation,
                ..
            } = &parameter.evidence
            else {
                continue;
            };
            let registered = claims.get(claim.as_str());
            let bound = registered.map_or("", |c| c.bound.as_str());
            let period = registered.map_or("", |c| c.period.as_str());
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{} {}</td><td><code>{}</code> (<a href=\"#{}\">{}</a>)</td><td>{}{}</td><td>{}</td><td>{}</td></tr>",
                path_cell(&parameter.path),
                escape(&json_text(&parameter.value)),
                escape(&parameter.unit),
                escape(claim),
                source_anchor(source),
                escape(source),
                escape(figure),
                if derivation.is_empty() {
                    ""
                } else {
                    " (derived)"
                },
                escape(&pretty(bound)),
                escape(period),
            );
        }
    }
    html.push_str("</tbody></table>");
    html
}

/// The registered conflicts between claims and what the model does about each.
fn conflicts_table(scenario: &Scenario) -> String {
    let rows: Vec<Vec<String>> = scenario
        .conflicts
        .iter()
        .map(|conflict| {
            let claims: Vec<String> = conflict
                .claims
                .iter()
                .map(|claim| format!("<code>{}</code>", escape(&json_text(claim))))
                .collect();
            vec![
                format!("<code>{}</code>", escape(&conflict.id)),
                claims.join(", "),
                escape(&conflict.about),
                escape(&conflict.resolution),
            ]
        })
        .collect();
    table(
        &[
            "conflict",
            "claims",
            "what they disagree about",
            "what the model does",
        ],
        &rows,
    )
}

fn evidence_section(data: &RunData) -> Option<String> {
    let scenario = data.scenario.as_ref()?;
    let sourced = |p: &&Parameter| matches!(p.evidence, Evidence::Claim { .. });
    let assumed = |p: &&Parameter| matches!(p.evidence, Evidence::Assumption { .. });
    let sourced_count = scenario.parameters.iter().filter(sourced).count();
    let mut html = format!(
        "<p>{} inputs: {} sourced (each cites a claim of a registered source), {} assumed (each with a reason and a range){}. The sourced inputs cite {} source(s)",
        scenario.parameters.len(),
        sourced_count,
        scenario.parameters.iter().filter(assumed).count(),
        match scenario.parameters.len()
            - sourced_count
            - scenario.parameters.iter().filter(assumed).count()
        {
            0 => String::new(),
            unknown => format!(", {unknown} give no evidence"),
        },
        scenario.sources.len()
    );
    if let Some(registry) = &scenario.registry {
        let _ = write!(
            html,
            " of the registry's {}, which holds {} claims and {} observations in its series",
            registry.sources, registry.claims, registry.observations
        );
    }
    html.push_str(".</p><h3>Sources by kind</h3>");
    html.push_str(&sources_by_kind(scenario));
    html.push_str("<h3>Sourced inputs by submodel</h3><p class=\"note\">A submodel is the first part of an input's path.</p>");
    // Submodels in order of first appearance, with their inputs counted.
    let mut submodels: Vec<(&str, usize, usize)> = Vec::new();
    for parameter in &scenario.parameters {
        let submodel = submodel(&parameter.path);
        let at = match submodels.iter().position(|(s, _, _)| *s == submodel) {
            Some(at) => at,
            None => {
                submodels.push((submodel, 0, 0));
                submodels.len() - 1
            }
        };
        submodels[at].1 += 1;
        submodels[at].2 += usize::from(sourced(&parameter));
    }
    let summary: Vec<Vec<String>> = submodels
        .iter()
        .map(|(submodel, inputs, sourced)| {
            vec![
                escape(&pretty(submodel)),
                inputs.to_string(),
                sourced.to_string(),
                (inputs - sourced).to_string(),
                format!("{:.0}%", 100.0 * *sourced as f64 / *inputs as f64),
            ]
        })
        .collect();
    html.push_str(&table(
        &[
            "submodel",
            "inputs",
            "sourced",
            "not sourced",
            "sourced share",
        ],
        &summary,
    ));
    html.push_str("<h3>What the sourced inputs rest on</h3><p class=\"note\">Each sourced input with the claim it cites: the claim's figure, how it bounds the truth (point, about, at least, at most, range) and the period it describes. \"(derived)\" marks a value computed from the figure; the full list below shows the arithmetic and any carry-over beyond the claim's period.</p>");
    html.push_str(&claims_table(scenario));
    let _ = write!(
        html,
        "<h3>Conflicts between claims</h3><details open><summary>{} recorded conflicts and what the model does about each</summary>{}</details>",
        scenario.conflicts.len(),
        conflicts_table(scenario)
    );
    let rows: Vec<Vec<String>> = scenario
        .parameters
        .iter()
        .map(|parameter| {
            vec![
                path_cell(&parameter.path),
                escape(&json_text(&parameter.value)),
                escape(&parameter.unit),
                evidence_text(&parameter.evidence),
            ]
        })
        .collect();
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
        let kind = pretty(&source.kind);
        let parts: Vec<String> = [&source.author, &source.outlet, &source.date, &kind]
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
