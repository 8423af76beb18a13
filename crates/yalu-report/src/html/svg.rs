//! SVG building blocks shared by every chart: escaping, numbers for humans, axis scales,
//! colours, legends and the chart frame. Charts style themselves with presentation
//! attributes, not CSS, so a chart looks the same inline and as a standalone file.

use std::fmt::Write;

use crate::summary::Band;

/// Font stack of every chart.
pub(crate) const FONT: &str = "system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif";
/// Text colour.
pub(crate) const INK: &str = "#222";
/// Secondary text and axes.
pub(crate) const MUTED: &str = "#666";
/// Grid lines.
pub(crate) const GRID: &str = "#e6e6e6";
/// Width of every chart, px.
pub(crate) const CHART_WIDTH: f64 = 960.0;
/// Where the chart's title sits and where its content starts below it.
const TITLE_BASELINE: f64 = 24.0;
/// Top of a chart's content (legend or plot) below the title.
pub(crate) const CONTENT_TOP: f64 = 38.0;

/// Colour-blind-safe categorical colours (Tableau 10), for goods, groups and classes.
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// The `index`-th categorical colour, cycling.
pub(crate) fn palette(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// One colour per channel (of flows and of foreign currency), the same in every chart and
/// report. Channels added later get a colour from a hash of their name, so it too is stable.
pub(crate) fn channel_colour(channel: &str) -> &'static str {
    match channel {
        "porter" => "#d95f02",
        "state_smuggling" => "#1f4e8c",
        "official_customs" => "#1b9e77",
        "livelihood" => "#7570b3",
        "maritime" => "#17becf",
        "drugs" => "#e7298a",
        "state_trade" => "#66a61e",
        "cash_couriers" => "#a6761d",
        "diplomats" => "#e6ab02",
        "overseas_labour" => "#e15759",
        other => {
            // FNV-1a: stable across runs and platforms, unlike the std hasher.
            let hash = other.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            palette((hash % PALETTE.len() as u64) as usize)
        }
    }
}

/// Escapes text for HTML and SVG content and attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// An identifier as words: `state_smuggling` as "state smuggling".
pub(crate) fn pretty(name: &str) -> String {
    name.replace('_', " ")
}

/// A number for humans, three significant digits with k, M or bn: `1.23 M`.
pub(crate) fn human(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let magnitude = x.abs();
    let (scaled, suffix) = if magnitude >= 1e9 {
        (x / 1e9, " bn")
    } else if magnitude >= 1e6 {
        (x / 1e6, " M")
    } else if magnitude >= 1e3 {
        (x / 1e3, " k")
    } else {
        (x, "")
    };
    if scaled == 0.0 {
        return "0".into();
    }
    let decimals = (2.0 - scaled.abs().log10().floor()).clamp(0.0, 6.0) as usize;
    let text = format!("{scaled:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    // A tiny negative rounds to zero, never to "-0".
    let text = if text == "-0" { "0" } else { text };
    format!("{text}{suffix}")
}

/// A band for humans: `1.2 M CNY (1.1 M – 1.3 M)`; the range is left out when the
/// replicates agree.
pub(crate) fn human_band(band: &Band, unit: &str) -> String {
    let median = human(band.median);
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    let (low, high) = (human(band.p05), human(band.p95));
    if low == high {
        format!("{median}{unit}")
    } else {
        format!("{median}{unit} ({low} – {high})")
    }
}

/// Rough width of a line of text, px; enough to lay out labels and legends.
pub(crate) fn text_width(text: &str, font_px: f64) -> f64 {
    text.chars().count() as f64 * font_px * 0.56
}

/// A linear axis from `low` to `high` with round tick values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scale {
    pub low: f64,
    pub high: f64,
    pub ticks: Vec<f64>,
}

impl Scale {
    /// A scale covering zero and every finite value, about five ticks.
    pub fn covering(values: impl IntoIterator<Item = f64>) -> Scale {
        let (low, high) = values
            .into_iter()
            .filter(|v| v.is_finite())
            .fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let step = nice_step((high - low) / 5.0);
        let low = (low / step).floor() * step;
        let high = ((high / step).ceil() * step).max(low + step);
        let count = ((high - low) / step).round() as usize;
        let ticks = (0..=count.min(20)).map(|i| low + i as f64 * step).collect();
        Scale { low, high, ticks }
    }

    /// Where `value` falls between the pixel positions of `low` and `high`.
    pub fn place(&self, value: f64, at_low: f64, at_high: f64) -> f64 {
        at_low + (value - self.low) / (self.high - self.low) * (at_high - at_low)
    }
}

/// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let power = 10_f64.powf(raw.log10().floor());
    let multiple = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .find(|m| m * power >= raw)
        .unwrap_or(10.0);
    multiple * power
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Swatch {
    /// A median line over its shaded band.
    Line,
    /// A filled box (bars, ribbons).
    Fill,
    /// A dot (map sites).
    Dot,
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LegendEntry {
    pub label: String,
    pub colour: &'static str,
    pub swatch: Swatch,
}

/// Draws a legend from (`x`, `y`) wrapping at `width`, then `note` on its own line; returns
/// the SVG and the height used.
pub(crate) fn legend(
    entries: &[LegendEntry],
    note: &str,
    x: f64,
    y: f64,
    width: f64,
) -> (String, f64) {
    const ROW: f64 = 18.0;
    let mut svg = String::new();
    let (mut cx, mut cy) = (x, y);
    for entry in entries {
        let entry_width = 22.0 + text_width(&entry.label, 12.0) + 18.0;
        if cx > x && cx + entry_width > x + width {
            cx = x;
            cy += ROW;
        }
        let colour = entry.colour;
        match entry.swatch {
            Swatch::Line => {
                let _ = write!(
                    svg,
                    r#"<rect x="{cx:.1}" y="{:.1}" width="16" height="10" fill="{colour}" fill-opacity="0.22"/><line x1="{cx:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="{colour}" stroke-width="2"/>"#,
                    cy - 9.0,
                    cx + 16.0,
                    cy - 4.0,
                    cy - 4.0
                );
            }
            Swatch::Fill => {
                let _ = write!(
                    svg,
                    r#"<rect x="{cx:.1}" y="{:.1}" width="16" height="10" fill="{colour}"/>"#,
                    cy - 9.0
                );
            }
            Swatch::Dot => {
                let _ = write!(
                    svg,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="5" fill="{colour}" fill-opacity="0.75"/>"#,
                    cx + 8.0,
                    cy - 4.0
                );
            }
        }
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{cy:.1}" fill="{INK}">{}</text>"#,
            cx + 22.0,
            escape(&entry.label)
        );
        cx += entry_width;
    }
    if !note.is_empty() {
        if !entries.is_empty() {
            cy += ROW;
        }
        let _ = write!(
            svg,
            r#"<text x="{x:.1}" y="{cy:.1}" fill="{MUTED}" font-size="11">{}</text>"#,
            escape(note)
        );
    }
    (svg, cy - y + ROW)
}

/// A finished chart: its file name, title, size and drawing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chart {
    /// File stem in `charts/`, also the element id.
    pub name: &'static str,
    pub title: String,
    pub height: f64,
    /// SVG elements below the title.
    pub body: String,
}

impl Chart {
    /// The chart as an `<svg class="chart">` element; `standalone` adds what a file needs
    /// (the XML declaration and namespace), which inline HTML does not.
    pub fn svg(&self, standalone: bool) -> String {
        let (declaration, namespace) = if standalone {
            (
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                " xmlns=\"http://www.w3.org/2000/svg\"",
            )
        } else {
            ("", "")
        };
        let (width, height, name) = (CHART_WIDTH, self.height, self.name);
        let title = escape(&self.title);
        format!(
            r##"{declaration}<svg class="chart"{namespace} id="chart-{name}" width="{width}" height="{height:.0}" viewBox="0 0 {width} {height:.0}" role="img" aria-labelledby="chart-{name}-title" font-family="{FONT}" font-size="12"><title id="chart-{name}-title">{title}</title><rect width="{width}" height="{height:.0}" fill="#ffffff"/><text x="12" y="{TITLE_BASELINE}" font-size="15" font-weight="600" fill="{INK}">{title}</text>{}</svg>"##,
            self.body
        )
    }
}

/// A centred grey message where a plot has nothing to draw.
pub(crate) fn no_data(x: f64, y: f64) -> String {
    format!(r#"<text x="{x:.1}" y="{y:.1}" text-anchor="middle" fill="{MUTED}">no data</text>"#)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humans_read_three_digits_and_a_suffix() {
        assert_eq!(human(1_234_567.0), "1.23 M");
        assert_eq!(human(1_200_000.0), "1.2 M");
        assert_eq!(human(-45_600.0), "-45.6 k");
        assert_eq!(human(3.2e9), "3.2 bn");
        assert_eq!(human(153.4), "153");
        assert_eq!(human(0.8312), "0.831");
        assert_eq!(human(0.0), "0");
        assert_eq!(human(-1e-9), "0");
        assert_eq!(human(f64::NAN), "n/a");
    }

    #[test]
    fn scales_are_round_and_cover_zero() {
        let scale = Scale::covering([3.0, 87.0, f64::NAN]);
        assert_eq!((scale.low, scale.high), (0.0, 100.0));
        assert_eq!(scale.ticks, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        let flat = Scale::covering([]);
        assert!(flat.high > flat.low);
    }

    #[test]
    fn channels_keep_their_colour() {
        assert_eq!(channel_colour("porter"), "#d95f02");
        assert_eq!(channel_colour("new_channel"), channel_colour("new_channel"));
    }
}
