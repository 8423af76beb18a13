//! `yalu report`: one self-contained HTML page summarising a run's folder (inline SVG and
//! CSS, no scripts, nothing loaded from the network, so it can be emailed), and each of
//! its charts as a standalone SVG file in `charts/` for papers.
//!
//! The page reads the tidy tables `yalu run` writes. `manifest.json`, `flows.csv` and
//! `money.csv` are required; `incomes.csv`, `prices.csv`, `fx.csv`, `observed.csv`,
//! `scenario.json` and `validation.json` are used when present, and their sections say so
//! when they are not. Unknown files and columns are ignored. A run written with
//! `--no-replicate-files` has no replicate tables: its report draws what its summaries
//! hold (`headline.csv`, `summary_by_year.csv`, `summary.csv`) and says what is left out.

mod charts;
mod input;
mod map;
mod sankey;
mod sections;
pub mod stats;
mod summaries;
mod svg;

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::ReportError;
use crate::atomic::{StagedDir, io, write_file};
use input::RunData;
use sections::{Figures, sections};
use svg::escape;

/// Writes `out_dir/report.html` and `out_dir/charts/*.svg` from the run in `out_dir`,
/// returning the page's path. Both are written under temporary names and renamed into
/// place, so a reader never sees half a report.
///
/// Fails with [`ReportError::MissingOutputs`] naming the required files that are absent,
/// [`ReportError::Malformed`] naming the file and line that cannot be read, or an IO error.
pub fn write_report(out_dir: &Path) -> Result<PathBuf, ReportError> {
    let data = RunData::read(out_dir)?;
    let mut figures = Figures::default();
    let sections = sections(&data, &mut figures);
    let page = page(&data, &sections);
    write_charts(out_dir, &figures)?;
    let path = out_dir.join("report.html");
    write_file(&path, page.as_bytes())?;
    Ok(path)
}

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#222;background:#fff;max-width:1000px;margin:0 auto;padding:16px 20px 48px;line-height:1.45}\
h1{font-size:1.7em;margin:0.4em 0 0.2em}h2{font-size:1.3em;margin:1.8em 0 0.5em;padding-top:0.6em;border-top:2px solid #ddd}h3{font-size:1.05em;margin:1.2em 0 0.4em}\
nav ol{columns:3;font-size:0.95em;padding-left:1.2em}\
figure{margin:1em 0}svg.chart{display:block;max-width:100%;height:auto;border:1px solid #eee}\
table{border-collapse:collapse;margin:0.8em 0;font-size:0.9em;width:100%}\
th,td{border-bottom:1px solid #e4e4e4;padding:4px 8px;text-align:left;vertical-align:top}\
thead th{border-bottom:2px solid #bbb;background:#fafafa}table.facts{width:auto}table.facts th{font-weight:600;padding-right:24px}\
td+td{font-variant-numeric:tabular-nums}\
.note{color:#555;font-size:0.92em}.pass{color:#1a7f37;font-weight:600}.fail{color:#b2182b;font-weight:600}.na{color:#777}\
.sources li{margin:0.4em 0}.supports{color:#555;font-size:0.92em}code{font-size:0.9em}.facts code{word-break:break-all}\
footer{margin-top:3em;color:#777;font-size:0.85em}\
.scope{background:#fff8e6;border-left:4px solid #e0a800;padding:4px 14px;margin:0.6em 0}\
details{margin:0.6em 0}summary{cursor:pointer;color:#1f4e8c}\
table.claims tr.group th{background:#f3f6fa;border-bottom:1px solid #bbb;padding-top:8px}\
@media print{section{break-inside:avoid-page}nav{display:none}}";

fn page(data: &RunData, sections: &[sections::Section]) -> String {
    let scenario = if data.info.scenario.is_empty() {
        "unnamed scenario"
    } else {
        &data.info.scenario
    };
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Yalu report: {0}</title><style>{STYLE}</style></head><body><header><h1>Yalu report: {0}</h1><p class=\"note\">{1} to {2}, seed {3}, {4} replicate(s), Yalu {5}.</p><nav><ol>",
        escape(scenario),
        escape(&data.info.first_day),
        escape(&data.info.last_day),
        data.info
            .seed
            .map_or("not recorded".into(), |s| s.to_string()),
        data.replicates.len(),
        escape(&data.info.yalu_version),
    );
    for section in sections {
        let _ = write!(
            html,
            "<li><a href=\"#{}\">{}</a></li>",
            section.id, section.heading
        );
    }
    html.push_str("</ol></nav></header><main>");
    for section in sections {
        let _ = write!(
            html,
            "<section id=\"{}\"><h2>{}</h2>{}</section>",
            section.id, section.heading, section.html
        );
    }
    let _ = writeln!(
        html,
        "</main><footer>Written by yalu-report {} from the run's tables. Simulated estimates with their spread across replicates, not observations.</footer></body></html>",
        env!("CARGO_PKG_VERSION")
    );
    html
}

/// Replaces `out_dir/charts` with a folder holding exactly this report's charts.
fn write_charts(out_dir: &Path, figures: &Figures) -> Result<(), ReportError> {
    let charts = StagedDir::create(&out_dir.join("charts"))?;
    for chart in &figures.charts {
        let path = charts.path().join(format!("{}.svg", chart.name));
        std::fs::write(&path, chart.svg(true) + "\n").map_err(io(&path))?;
    }
    charts.commit()
}
