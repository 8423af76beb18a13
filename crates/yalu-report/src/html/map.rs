//! A map of the sites: longitude and latitude projected equirectangularly (x scaled by the
//! cosine of the middle latitude, so distances look right at this latitude), each site a
//! circle whose area is its delivered value, over a basemap shipped with the crate: the
//! coastline and the China-North Korea border, which runs along the Yalu and the Tumen,
//! from Natural Earth 1:50m (public domain; `data/basemap.csv` says how it was cut).

use std::fmt::Write;

use super::svg::{
    CHART_WIDTH, CONTENT_TOP, Chart, GRID, INK, LegendEntry, MUTED, Swatch, escape, human, legend,
    palette, text_width,
};

/// A site to draw.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MapSite {
    pub name: String,
    pub waterway: String,
    pub latitude_deg: f64,
    pub longitude_deg: f64,
    /// Delivered value over the run, CNY (median across replicates).
    pub delivered_cny: f64,
}

const SIDE: f64 = 70.0;
const MAX_PLOT_HEIGHT: f64 = 460.0;
const MAX_RADIUS: f64 = 28.0;
const MIN_RADIUS: f64 = 3.0;
/// Margin around the sites, degrees.
const PADDING_DEG: f64 = 0.35;
/// The basemap: `layer,part,lon_deg,lat_deg` rows after `#` comments and a header.
const BASEMAP: &str = include_str!("../../data/basemap.csv");
/// Longitude of Mount Paektu, where the border passes from the Yalu to the Tumen.
const PAEKTU_LON_DEG: f64 = 128.08;
const COAST: &str = "#5b84b1";
const BORDER: &str = "#8c4b4b";

/// One polyline of the basemap.
struct Line {
    layer: String,
    points: Vec<(f64, f64)>,
}

/// The basemap's polylines, in file order.
fn basemap() -> Vec<Line> {
    let mut lines: Vec<(String, Line)> = Vec::new();
    for row in BASEMAP.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let cells: Vec<&str> = row.split(',').collect();
        let [layer, part, lon, lat] = cells[..] else {
            continue;
        };
        let (Ok(lon), Ok(lat)) = (lon.parse::<f64>(), lat.parse::<f64>()) else {
            continue;
        };
        match lines.last_mut() {
            Some((id, line)) if id == part => line.points.push((lon, lat)),
            _ => lines.push((
                part.to_owned(),
                Line {
                    layer: layer.to_owned(),
                    points: vec![(lon, lat)],
                },
            )),
        }
    }
    lines.into_iter().map(|(_, line)| line).collect()
}

/// The map of `sites`, which must have finite coordinates.
pub(crate) fn site_map(name: &'static str, title: String, sites: &[MapSite]) -> Chart {
    let mut waterways: Vec<&str> = sites.iter().map(|s| s.waterway.as_str()).collect();
    waterways.sort_unstable();
    waterways.dedup();
    let colour_of = |waterway: &str| palette(waterways.binary_search(&waterway).unwrap_or(0));
    let basemap = basemap();
    let largest = sites
        .iter()
        .map(|s| s.delivered_cny)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let entries: Vec<LegendEntry> = waterways
        .iter()
        .map(|w| LegendEntry {
            label: if w.is_empty() {
                "waterway not given".into()
            } else {
                (*w).to_owned()
            },
            colour: colour_of(w),
            swatch: Swatch::Dot,
        })
        .chain([
            LegendEntry {
                label: "coastline".into(),
                colour: COAST,
                swatch: Swatch::Line,
            },
            LegendEntry {
                label: "China-North Korea border (the Yalu and the Tumen)".into(),
                colour: BORDER,
                swatch: Swatch::Line,
            },
        ])
        .collect();
    let note = format!(
        "Circle area: value delivered over the run (median); the largest is {} CNY. Coast and border: Natural Earth 1:50m (public domain).",
        human(largest)
    );
    let (mut body, legend_height) = legend(
        &entries,
        &note,
        12.0,
        CONTENT_TOP + 10.0,
        CHART_WIDTH - 24.0,
    );
    let top = CONTENT_TOP + legend_height + 12.0;

    let bounds = |f: fn(&MapSite) -> f64| {
        sites
            .iter()
            .map(f)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            })
    };
    let (west, east) = bounds(|s| s.longitude_deg);
    let (south, north) = bounds(|s| s.latitude_deg);
    let (west, east) = (west - PADDING_DEG, east + PADDING_DEG);
    let (south, north) = (south - PADDING_DEG, north + PADDING_DEG);
    let shrink = ((south + north) / 2.0).to_radians().cos().max(0.1);
    let plot_width = CHART_WIDTH - 2.0 * SIDE;
    let px_per_deg = (plot_width / ((east - west) * shrink)).min(MAX_PLOT_HEIGHT / (north - south));
    let plot_height = (north - south) * px_per_deg;
    let left = SIDE + (plot_width - (east - west) * shrink * px_per_deg) / 2.0;
    let right = left + (east - west) * shrink * px_per_deg;
    let bottom = top + plot_height;
    let x_of = |lon: f64| left + (lon - west) * shrink * px_per_deg;
    let y_of = |lat: f64| top + (north - lat) * px_per_deg;

    let _ = write!(
        body,
        r##"<rect x="{left:.1}" y="{top:.1}" width="{:.1}" height="{plot_height:.1}" fill="#f7f9fb" stroke="{MUTED}"/>"##,
        right - left
    );
    // The basemap, cut to the plot (runs of points inside it); the rivers named where the
    // border is in view.
    body.push_str(r#"<g fill="none">"#);
    let inside =
        |&(lon, lat): &(f64, f64)| (west..=east).contains(&lon) && (south..=north).contains(&lat);
    for line in &basemap {
        let (colour, dash) = match line.layer.as_str() {
            "border" => (BORDER, r#" stroke-dasharray="6 3""#),
            _ => (COAST, ""),
        };
        for run in line.points.chunk_by(|a, b| inside(a) == inside(b)) {
            if run.len() < 2 || !inside(&run[0]) {
                continue;
            }
            let d = super::charts::path(run.iter().map(|&(lon, lat)| (x_of(lon), y_of(lat))));
            let _ = write!(
                body,
                r#"<path d="{d}" stroke="{colour}" stroke-width="1.4"{dash}/>"#
            );
        }
    }
    for (river, west_of_paektu) in [("Yalu", true), ("Tumen", false)] {
        let shown: Vec<(f64, f64)> = basemap
            .iter()
            .filter(|l| l.layer == "border")
            .flat_map(|l| &l.points)
            .copied()
            .filter(|p| (p.0 < PAEKTU_LON_DEG) == west_of_paektu && inside(p))
            .collect();
        if let Some(&(lon, lat)) = shown.get(shown.len() / 2) {
            let _ = write!(
                body,
                r##"<text x="{:.1}" y="{:.1}" fill="{BORDER}" font-size="12" font-style="italic" stroke="#ffffff" stroke-width="3" paint-order="stroke">{river}</text>"##,
                x_of(lon) + 6.0,
                y_of(lat) - 6.0
            );
        }
    }
    body.push_str("</g>");
    let step = if east - west > 4.0 { 1.0 } else { 0.5 };
    for lon in graticule(west, east, step) {
        let x = x_of(lon);
        let _ = write!(
            body,
            r#"<line x1="{x:.1}" x2="{x:.1}" y1="{top:.1}" y2="{bottom:.1}" stroke="{GRID}"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="{MUTED}" font-size="11">{lon}°E</text>"#,
            bottom + 16.0
        );
    }
    for lat in graticule(south, north, step) {
        let y = y_of(lat);
        let _ = write!(
            body,
            r#"<line x1="{left:.1}" x2="{right:.1}" y1="{y:.1}" y2="{y:.1}" stroke="{GRID}"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="{MUTED}" font-size="11">{lat}°N</text>"#,
            left - 5.0,
            y + 4.0
        );
    }
    let _ = write!(
        body,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="{MUTED}" font-size="11">longitude (degrees east)</text><text transform="translate({:.1} {:.1}) rotate(-90)" text-anchor="middle" fill="{MUTED}" font-size="11">latitude (degrees north)</text>"#,
        (left + right) / 2.0,
        bottom + 34.0,
        left - 50.0,
        (top + bottom) / 2.0
    );

    // Largest first so small circles stay on top.
    let mut by_size: Vec<&MapSite> = sites.iter().collect();
    by_size.sort_by(|a, b| b.delivered_cny.total_cmp(&a.delivered_cny));
    let radius = |site: &MapSite| {
        if largest > 0.0 && site.delivered_cny > 0.0 {
            (MAX_RADIUS * (site.delivered_cny / largest).sqrt()).max(MIN_RADIUS)
        } else {
            MIN_RADIUS
        }
    };
    for site in &by_size {
        let _ = write!(
            body,
            r##"<circle cx="{:.1}" cy="{:.1}" r="{:.1}" fill="{}" fill-opacity="0.6" stroke="#333333"><title>{}: {} CNY delivered</title></circle>"##,
            x_of(site.longitude_deg),
            y_of(site.latitude_deg),
            radius(site),
            colour_of(&site.waterway),
            escape(&site.name),
            human(site.delivered_cny)
        );
    }
    // Labels go, largest site first, to the first of above, below, right and left of the
    // circle that overlaps no circle and no label already placed.
    let circles: Vec<Rect> = sites
        .iter()
        .map(|site| {
            let (x, y, r) = (
                x_of(site.longitude_deg),
                y_of(site.latitude_deg),
                radius(site),
            );
            Rect {
                left: x - r,
                top: y - r,
                right: x + r,
                bottom: y + r,
            }
        })
        .collect();
    let mut placed: Vec<Rect> = Vec::new();
    for site in &by_size {
        let (x, y, r) = (
            x_of(site.longitude_deg),
            y_of(site.latitude_deg),
            radius(site),
        );
        let amount = human(site.delivered_cny);
        let width = text_width(&site.name, 12.0) + text_width(&amount, 11.0) + 4.0;
        // (left edge, baseline) of each candidate.
        let candidates = [
            (x - width / 2.0, y - r - 6.0),
            (x - width / 2.0, y + r + 16.0),
            (x + r + 5.0, y + 4.0),
            (x - r - 5.0 - width, y + 4.0),
        ];
        let boxes = candidates.map(|(left, baseline)| Rect {
            left,
            top: baseline - 12.0,
            right: left + width,
            bottom: baseline + 3.0,
        });
        let free = |b: &Rect| !circles.iter().chain(&placed).any(|other| b.overlaps(other));
        let choice = boxes.iter().position(free).unwrap_or(0);
        let (left, baseline) = candidates[choice];
        placed.push(boxes[choice]);
        let _ = write!(
            body,
            r##"<text x="{left:.1}" y="{baseline:.1}" fill="{INK}" stroke="#ffffff" stroke-width="3" paint-order="stroke">{}<tspan fill="{MUTED}" font-size="11"> {amount}</tspan></text>"##,
            escape(&site.name),
        );
    }
    Chart {
        name,
        title,
        height: bottom + 48.0,
        body,
    }
}

/// A box on the map, px.
#[derive(Debug, Clone, Copy)]
struct Rect {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl Rect {
    fn overlaps(&self, other: &Rect) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }
}

/// Round values of `step` between `low` and `high`.
fn graticule(low: f64, high: f64, step: f64) -> impl Iterator<Item = f64> {
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    (first..=last.min(first + 100)).map(move |i| i as f64 * step)
}
