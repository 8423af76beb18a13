//! Charts of figures across replicates: monthly lines with their bands (one or several
//! panels) and yearly bars with whiskers.

use std::fmt::Write;
use std::ops::Range;

use super::input::{Month, month_label};
use super::svg::{
    CHART_WIDTH, CONTENT_TOP, Chart, GRID, INK, LegendEntry, MUTED, Scale, Swatch, escape, human,
    legend, no_data, palette,
};
use crate::summary::Band;

/// A named figure over time (or categories), one band per period, in one unit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    pub name: String,
    /// What its values are in (`CNY`, `t`, `barrels`); written on the chart as `data-unit`
    /// so a test can check that no axis mixes units.
    pub unit: String,
    pub colour: &'static str,
    pub bands: Vec<Band>,
}

impl Series {
    /// Whether any period has a finite median.
    fn has_data(&self) -> bool {
        self.bands.iter().any(|b| b.median.is_finite())
    }
}

impl Panel {
    fn has_data(&self) -> bool {
        self.series.iter().any(Series::has_data)
    }
}

/// One set of axes: a title, the y axis label with its unit, and the series drawn on it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Panel {
    pub title: String,
    pub y_label: String,
    pub series: Vec<Series>,
}

/// The months and replicates a chart spans, and the scenario's events to mark on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Timeline {
    pub first_month: Month,
    pub months: usize,
    pub replicates: usize,
    pub events: Vec<Marker>,
}

/// A dated event drawn on the time charts: its months (both inclusive) and its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Marker {
    pub first: Month,
    pub last: Month,
    pub label: String,
}

/// Space around a panel's plot area, px.
const PLOT_LEFT: f64 = 68.0;
const PLOT_RIGHT: f64 = 14.0;
const PLOT_TOP: f64 = 24.0;
const PLOT_BOTTOM: f64 = 42.0;
const MARGIN: f64 = 12.0;

/// Monthly bands in `panels` laid out `columns` to a row, with one legend for all;
/// panels without data are left out, and there is no chart when none has data.
pub(crate) fn band_chart(
    name: &'static str,
    title: String,
    timeline: Timeline,
    panels: &[Panel],
    columns: usize,
) -> Option<Chart> {
    let panels: Vec<&Panel> = panels.iter().filter(|p| p.has_data()).collect();
    if panels.is_empty() {
        return None;
    }
    let columns = columns.clamp(1, panels.len().max(1));
    let mut entries: Vec<LegendEntry> = Vec::new();
    for series in panels
        .iter()
        .flat_map(|p| &p.series)
        .filter(|s| s.has_data())
    {
        if !entries.iter().any(|e| e.label == series.name) {
            entries.push(LegendEntry {
                label: series.name.clone(),
                colour: series.colour,
                swatch: Swatch::Line,
            });
        }
    }
    let note = format!(
        "Line: median; shaded: 5th to 95th percentile across {} replicate(s).{}",
        timeline.replicates,
        if timeline.events.is_empty() {
            ""
        } else {
            " Grey: the scenario's dated events (a tick at each start; hover for its name)."
        }
    );
    let (mut body, legend_height) = legend(
        &entries,
        &note,
        MARGIN,
        CONTENT_TOP + 10.0,
        CHART_WIDTH - 2.0 * MARGIN,
    );
    let top = CONTENT_TOP + legend_height + 4.0;
    let panel_width = (CHART_WIDTH - 2.0 * MARGIN) / columns as f64;
    let panel_height = if panels.len() == 1 { 300.0 } else { 220.0 };
    for (i, panel) in panels.iter().enumerate() {
        let x = MARGIN + (i % columns) as f64 * panel_width;
        let y = top + (i / columns) as f64 * panel_height;
        draw_band_panel(
            &mut body,
            panel,
            &timeline,
            (x, y, panel_width, panel_height),
        );
    }
    let rows = panels.len().div_ceil(columns).max(1);
    Some(Chart {
        name,
        title,
        height: top + rows as f64 * panel_height + MARGIN,
        body,
    })
}

/// The scenario's events as a timeline: one row per event of `timeline.events`, a bar
/// over its months coloured by its kind, its label at the left; `rows` gives each event's
/// (kind, label).
pub(crate) fn event_timeline(timeline: &Timeline, rows: &[(String, String)]) -> Option<Chart> {
    if timeline.events.is_empty() || timeline.months == 0 {
        return None;
    }
    let mut distinct: Vec<&String> = Vec::new();
    for (kind, _) in rows {
        if !distinct.contains(&kind) {
            distinct.push(kind);
        }
    }
    let colour = |kind: &String| palette(distinct.iter().position(|k| *k == kind).unwrap_or(0));
    let entries: Vec<LegendEntry> = distinct
        .iter()
        .map(|k| LegendEntry {
            label: (*k).replace('_', " "),
            colour: colour(k),
            swatch: Swatch::Line,
        })
        .collect();
    let (mut body, legend_height) = legend(
        &entries,
        "Each bar spans an event's window (to the end of the run if it has no end); the label is its id.",
        MARGIN,
        CONTENT_TOP + 10.0,
        CHART_WIDTH - 2.0 * MARGIN,
    );
    const ROW: f64 = 16.0;
    const LABEL: f64 = 230.0;
    let top = CONTENT_TOP + legend_height + 8.0;
    let (left, right) = (MARGIN + LABEL, CHART_WIDTH - MARGIN - PLOT_RIGHT);
    let bottom = top + ROW * timeline.events.len() as f64;
    let months = timeline.months as f64;
    let x_of = |month: Month| {
        let i = (month - timeline.first_month).clamp(0, timeline.months as Month) as f64;
        left + i * (right - left) / months
    };
    for (i, (event, (kind, label))) in timeline.events.iter().zip(rows).enumerate() {
        let y = top + i as f64 * ROW;
        let (x0, x1) = (x_of(event.first), x_of(event.last + 1));
        let _ = write!(
            body,
            r#"<g><title>{}</title><text x="{:.1}" y="{:.1}" text-anchor="end" fill="{INK}" font-size="11">{}</text><rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"/></g>"#,
            escape(&event.label),
            left - 6.0,
            y + ROW - 4.0,
            escape(label),
            y + 3.0,
            (x1 - x0).max(2.0),
            ROW - 6.0,
            colour(kind),
        );
    }
    let _ = write!(
        body,
        r#"<line x1="{left:.1}" x2="{right:.1}" y1="{bottom:.1}" y2="{bottom:.1}" stroke="{MUTED}"/>"#
    );
    draw_month_ticks(&mut body, timeline, left, right, bottom);
    Some(Chart {
        name: "events",
        title: "Dated events".into(),
        height: bottom + 30.0,
        body,
    })
}

/// The plot area of a panel at (x, y) of size (w, h): left, right, top, bottom.
fn plot_area((x, y, w, h): (f64, f64, f64, f64)) -> (f64, f64, f64, f64) {
    (
        x + PLOT_LEFT,
        x + w - PLOT_RIGHT,
        y + PLOT_TOP,
        y + h - PLOT_BOTTOM,
    )
}

/// Horizontal grid lines with their labels, the y axis label, the x axis line and label.
fn draw_axes(
    svg: &mut String,
    frame: (f64, f64, f64, f64),
    scale: &Scale,
    title: &str,
    y_label: &str,
    x_label: &str,
) {
    let (left, right, top, bottom) = plot_area(frame);
    let _ = write!(
        svg,
        r#"<text x="{left:.1}" y="{:.1}" font-weight="600" fill="{INK}">{}</text>"#,
        top - 8.0,
        escape(title)
    );
    for tick in &scale.ticks {
        let y = scale.place(*tick, bottom, top);
        let _ = write!(
            svg,
            r#"<line x1="{left:.1}" x2="{right:.1}" y1="{y:.1}" y2="{y:.1}" stroke="{GRID}"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="{MUTED}" font-size="11">{}</text>"#,
            left - 5.0,
            y + 4.0,
            human(*tick)
        );
    }
    let middle = (top + bottom) / 2.0;
    let _ = write!(
        svg,
        r#"<line x1="{left:.1}" x2="{right:.1}" y1="{bottom:.1}" y2="{bottom:.1}" stroke="{MUTED}"/><text transform="translate({:.1} {middle:.1}) rotate(-90)" text-anchor="middle" fill="{MUTED}" font-size="11">{}</text><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="{MUTED}" font-size="11">{}</text>"#,
        frame.0 + 12.0,
        escape(y_label),
        (left + right) / 2.0,
        bottom + 34.0,
        escape(x_label)
    );
}

fn draw_band_panel(
    svg: &mut String,
    panel: &Panel,
    timeline: &Timeline,
    frame: (f64, f64, f64, f64),
) {
    let (left, right, top, bottom) = plot_area(frame);
    let _ = write!(svg, r#"<g data-axis="{}">"#, escape(&panel.y_label));
    let scale = Scale::covering(
        panel
            .series
            .iter()
            .flat_map(|s| &s.bands)
            .flat_map(|b| [b.p05, b.median, b.p95]),
    );
    draw_axes(svg, frame, &scale, &panel.title, &panel.y_label, "month");
    draw_month_ticks(svg, timeline, left, right, bottom);
    draw_events(svg, timeline, (left, right, top, bottom));
    let months = timeline.months.max(1) as f64;
    let x_of = |i: usize| left + (i as f64 + 0.5) * (right - left) / months;
    let y_of = |v: f64| scale.place(v, bottom, top);
    let mut drawn = false;
    for series in &panel.series {
        let colour = series.colour;
        let _ = write!(
            svg,
            r#"<g data-unit="{}"><title>{}</title>"#,
            escape(&series.unit),
            escape(&series.name)
        );
        for run in finite_runs(&series.bands) {
            drawn = true;
            let upper = run.clone().map(|i| (x_of(i), y_of(series.bands[i].p95)));
            let lower = run
                .clone()
                .rev()
                .map(|i| (x_of(i), y_of(series.bands[i].p05)));
            let outline = path(upper.chain(lower));
            let median = path(run.clone().map(|i| (x_of(i), y_of(series.bands[i].median))));
            let _ = write!(
                svg,
                r#"<path d="{outline}Z" fill="{colour}" fill-opacity="0.2" stroke="none"/><path d="{median}" fill="none" stroke="{colour}" stroke-width="1.6" stroke-linejoin="round"/>"#
            );
            if run.len() == 1 {
                let _ = write!(
                    svg,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{colour}"/>"#,
                    x_of(run.start),
                    y_of(series.bands[run.start].median)
                );
            }
        }
        svg.push_str("</g>");
    }
    if !drawn {
        svg.push_str(&no_data((left + right) / 2.0, (top + bottom) / 2.0));
    }
    svg.push_str("</g>");
}

/// The events under the series: each window shaded faintly across the plot, with a tick
/// below the axis at its start; the name shows on hover.
fn draw_events(
    svg: &mut String,
    timeline: &Timeline,
    (left, right, top, bottom): (f64, f64, f64, f64),
) {
    let months = timeline.months.max(1) as f64;
    let x_of = |month: Month| {
        let i = (month - timeline.first_month).clamp(0, timeline.months as Month) as f64;
        left + i * (right - left) / months
    };
    for event in &timeline.events {
        let last = timeline.first_month + timeline.months as Month - 1;
        if event.last < timeline.first_month || event.first > last {
            continue;
        }
        let (x0, x1) = (x_of(event.first), x_of(event.last + 1));
        let _ = write!(
            svg,
            r#"<g class="event"><title>{}</title><rect x="{x0:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="{MUTED}" fill-opacity="0.06"/><line x1="{x0:.1}" x2="{x0:.1}" y1="{bottom:.1}" y2="{:.1}" stroke="{MUTED}" stroke-width="2"/></g>"#,
            escape(&event.label),
            (x1 - x0).max(1.0),
            bottom - top,
            bottom + 7.0,
        );
    }
}

/// Ticks at round month counts (a year when there is room), labelled.
fn draw_month_ticks(svg: &mut String, timeline: &Timeline, left: f64, right: f64, bottom: f64) {
    let months = timeline.months.max(1);
    let room = ((right - left) / 56.0).max(1.0) as usize;
    let step: Month = [1, 3, 6, 12, 24, 60, 120]
        .into_iter()
        .find(|step| months as Month / step <= room as Month)
        .unwrap_or(120);
    for i in 0..months {
        let month = timeline.first_month + i as Month;
        if month.rem_euclid(step) != 0 {
            continue;
        }
        let x = left + i as f64 * (right - left) / months as f64;
        let label = if step >= 12 {
            month.div_euclid(12).to_string()
        } else {
            month_label(month)
        };
        let _ = write!(
            svg,
            r#"<line x1="{x:.1}" x2="{x:.1}" y1="{bottom:.1}" y2="{:.1}" stroke="{MUTED}"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="{MUTED}" font-size="11">{label}</text>"#,
            bottom + 4.0,
            bottom + 16.0
        );
    }
}

/// Index ranges over which the median and band are all finite.
fn finite_runs(bands: &[Band]) -> Vec<Range<usize>> {
    let finite = |b: &Band| b.p05.is_finite() && b.median.is_finite() && b.p95.is_finite();
    let mut runs = Vec::new();
    let mut start = None;
    for (i, band) in bands.iter().enumerate() {
        match (finite(band), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push(s..bands.len());
    }
    runs
}

/// An SVG path through `points`.
pub(crate) fn path(points: impl IntoIterator<Item = (f64, f64)>) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.into_iter().enumerate() {
        let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { 'M' } else { 'L' });
    }
    d
}

/// Bars of the median per category (years, say) grouped by series, with whiskers from the
/// 5th to the 95th percentile; no chart when no series has data.
pub(crate) fn bar_chart(
    name: &'static str,
    title: String,
    y_label: &str,
    categories: &[String],
    series: &[Series],
    replicates: usize,
) -> Option<Chart> {
    if !series.iter().any(Series::has_data) || categories.is_empty() {
        return None;
    }
    let entries: Vec<LegendEntry> = series
        .iter()
        .map(|s| LegendEntry {
            label: s.name.clone(),
            colour: s.colour,
            swatch: Swatch::Fill,
        })
        .collect();
    let note =
        format!("Bar: median; whisker: 5th to 95th percentile across {replicates} replicate(s).");
    let (mut body, legend_height) = legend(
        &entries,
        &note,
        MARGIN,
        CONTENT_TOP + 10.0,
        CHART_WIDTH - 2.0 * MARGIN,
    );
    let frame = (
        MARGIN,
        CONTENT_TOP + legend_height + 4.0,
        CHART_WIDTH - 2.0 * MARGIN,
        340.0,
    );
    let (left, right, top, bottom) = plot_area(frame);
    let scale = Scale::covering(
        series
            .iter()
            .flat_map(|s| &s.bands)
            .flat_map(|b| [b.median, b.p95]),
    );
    let _ = write!(body, r#"<g data-axis="{}">"#, escape(y_label));
    draw_axes(&mut body, frame, &scale, "", y_label, "year");
    let group_width = (right - left) / categories.len().max(1) as f64;
    let bar_width = group_width * 0.8 / series.len().max(1) as f64;
    let y_of = |v: f64| scale.place(v, bottom, top);
    for (c, category) in categories.iter().enumerate() {
        let group_left = left + c as f64 * group_width;
        let _ = write!(
            body,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="{MUTED}" font-size="11">{}</text>"#,
            group_left + group_width / 2.0,
            bottom + 16.0,
            escape(category)
        );
        for (s, one) in series.iter().enumerate() {
            let Some(band) = one.bands.get(c).filter(|b| b.median.is_finite()) else {
                continue;
            };
            let x = group_left + group_width * 0.1 + s as f64 * bar_width;
            let (y, zero) = (y_of(band.median), y_of(0.0));
            let middle = x + bar_width / 2.0;
            let _ = write!(
                body,
                r#"<rect data-unit="{}" x="{x:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{} {}: {}</title></rect>"#,
                escape(&one.unit),
                y.min(zero),
                (bar_width - 1.0).max(1.0),
                (zero - y).abs(),
                one.colour,
                escape(&one.name),
                escape(category),
                escape(&super::svg::human_band(band, ""))
            );
            if band.p05.is_finite() && band.p95.is_finite() && band.p95 > band.p05 {
                let (low, high) = (y_of(band.p05), y_of(band.p95));
                let cap = (bar_width / 4.0).min(4.0);
                let _ = write!(
                    body,
                    r#"<path d="M{middle:.1},{low:.1}V{high:.1}M{:.1},{low:.1}H{:.1}M{:.1},{high:.1}H{:.1}" stroke="{INK}" stroke-width="1" fill="none"/>"#,
                    middle - cap,
                    middle + cap,
                    middle - cap,
                    middle + cap
                );
            }
        }
    }
    body.push_str("</g>");
    Some(Chart {
        name,
        title,
        height: frame.1 + frame.3 + MARGIN,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_skip_missing_months() {
        let band = |v: f64| Band {
            p05: v,
            median: v,
            p95: v,
        };
        let bands = [band(1.0), band(f64::NAN), band(2.0), band(3.0)];
        assert_eq!(finite_runs(&bands), vec![0..1, 2..4]);
    }
}
