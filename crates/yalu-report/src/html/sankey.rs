//! A Sankey diagram of money between actor classes, drawn by hand. Classes are put in
//! columns by the longest chain of payments reaching them. Money also flows in circles
//! (donju buy from and sell to Chinese merchants), so the payments that would run
//! backwards are found with the greedy feedback-arc-set order of Eades, Lin and Smyth and
//! drawn into a second box of their payee, marked "received", one column right of the payer.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::svg::{
    CHART_WIDTH, CONTENT_TOP, Chart, INK, LegendEntry, MUTED, Swatch, escape, human, legend,
    no_data, palette, pretty, text_width,
};

/// Money paid from one class to another for one purpose (CNY over the run).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MoneyFlow {
    pub payer: String,
    pub payee: String,
    pub purpose: String,
    pub amount_cny: f64,
}

/// One colour per purpose of payment.
fn purpose_colour(purpose: &str, index: usize) -> &'static str {
    match purpose {
        "sale" => "#4e79a7",
        "purchase" => "#9c755f",
        "wage" => "#59a14f",
        "bribe" => "#e15759",
        "pass_up" => "#b07aa1",
        "levy" => "#f28e2b",
        "fee" => "#edc948",
        "remittance" => "#76b7b2",
        _ => palette(index),
    }
}

/// A box in the diagram: a class in a column.
#[derive(Debug)]
struct Node {
    class: String,
    column: usize,
    receiving_copy: bool,
    inflow: f64,
    outflow: f64,
    /// Top edge, px.
    y: f64,
    height: f64,
}

const NODE_WIDTH: f64 = 10.0;
const NODE_GAP: f64 = 8.0;
/// Least height a box takes in its column, so the two-line labels of small boxes do not
/// overlap.
const MIN_SLOT: f64 = 24.0;
const PLOT_HEIGHT: f64 = 680.0;
const SIDE: f64 = 16.0;

/// The order of classes that leaves the least money flowing backwards (greedy): sinks go
/// last, sources first, otherwise the class paying out most net of what it receives.
fn feedback_order(classes: &BTreeSet<&str>, flows: &[MoneyFlow]) -> Vec<String> {
    let mut remaining: BTreeSet<&str> = classes.clone();
    let (mut front, mut back) = (Vec::new(), Vec::new());
    let weight = |remaining: &BTreeSet<&str>, class: &str, outgoing: bool| -> f64 {
        flows
            .iter()
            .filter(|f| {
                let (this, other) = if outgoing {
                    (&f.payer, &f.payee)
                } else {
                    (&f.payee, &f.payer)
                };
                this == class && remaining.contains(other.as_str())
            })
            .map(|f| f.amount_cny)
            .sum()
    };
    while !remaining.is_empty() {
        let sink = remaining
            .iter()
            .copied()
            .find(|c| weight(&remaining, c, true) == 0.0);
        let source = || {
            remaining
                .iter()
                .copied()
                .find(|c| weight(&remaining, c, false) == 0.0)
        };
        let (class, at_back) = match (sink, source()) {
            (Some(sink), _) => (sink, true),
            (None, Some(source)) => (source, false),
            (None, None) => {
                let net = |c: &str| weight(&remaining, c, true) - weight(&remaining, c, false);
                let best = remaining
                    .iter()
                    .copied()
                    .max_by(|a, b| net(a).total_cmp(&net(b)))
                    .unwrap_or_default();
                (best, false)
            }
        };
        remaining.remove(class);
        if at_back {
            back.push(class.to_owned());
        } else {
            front.push(class.to_owned());
        }
    }
    front.extend(back.into_iter().rev());
    front
}

/// The Sankey chart of `flows` (amounts in CNY), or a chart saying there is no money.
pub(crate) fn sankey(name: &'static str, title: String, flows: &[MoneyFlow], note: &str) -> Chart {
    let flows: Vec<MoneyFlow> = flows
        .iter()
        .filter(|f| f.amount_cny.is_finite() && f.amount_cny > 0.0 && f.payer != f.payee)
        .cloned()
        .collect();
    let mut purposes: Vec<&str> = flows.iter().map(|f| f.purpose.as_str()).collect();
    purposes.sort_unstable();
    purposes.dedup();
    let entries: Vec<LegendEntry> = purposes
        .iter()
        .enumerate()
        .map(|(i, p)| LegendEntry {
            label: pretty(p),
            colour: purpose_colour(p, i),
            swatch: Swatch::Fill,
        })
        .collect();
    let (mut body, legend_height) = legend(
        &entries,
        note,
        SIDE,
        CONTENT_TOP + 10.0,
        CHART_WIDTH - 2.0 * SIDE,
    );
    let top = CONTENT_TOP + legend_height + 8.0;
    if flows.is_empty() {
        body.push_str(&no_data(CHART_WIDTH / 2.0, top + 40.0));
        return Chart {
            name,
            title,
            height: top + 80.0,
            body,
        };
    }

    let classes: BTreeSet<&str> = flows
        .iter()
        .flat_map(|f| [f.payer.as_str(), f.payee.as_str()])
        .collect();
    let order = feedback_order(&classes, &flows);
    let rank: BTreeMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    // Longest chain of forward payments reaching each class, in feedback order.
    let mut column: BTreeMap<&str, usize> = BTreeMap::new();
    for class in &order {
        let reached = flows
            .iter()
            .filter(|f| f.payee == *class && rank[f.payer.as_str()] < rank[class.as_str()])
            .map(|f| column.get(f.payer.as_str()).map_or(0, |c| c + 1))
            .max()
            .unwrap_or(0);
        column.insert(class.as_str(), reached);
    }

    let mut nodes: Vec<Node> = Vec::new();
    let mut index: BTreeMap<(String, usize), usize> = BTreeMap::new();
    let mut node_at = |class: &str, col: usize, copy: bool, nodes: &mut Vec<Node>| -> usize {
        *index.entry((class.to_owned(), col)).or_insert_with(|| {
            nodes.push(Node {
                class: class.to_owned(),
                column: col,
                receiving_copy: copy,
                inflow: 0.0,
                outflow: 0.0,
                y: 0.0,
                height: 0.0,
            });
            nodes.len() - 1
        })
    };
    for class in &order {
        node_at(class, column[class.as_str()], false, &mut nodes);
    }
    // A class paid backwards gets one receiving box, right of all the payers concerned.
    let runs_backwards = |f: &MoneyFlow| column[f.payee.as_str()] <= column[f.payer.as_str()];
    let mut copy_column: BTreeMap<&str, usize> = BTreeMap::new();
    for flow in flows.iter().filter(|f| runs_backwards(f)) {
        let at = copy_column.entry(flow.payee.as_str()).or_default();
        *at = (*at).max(column[flow.payer.as_str()] + 1);
    }
    // (source node, target node, flow)
    let mut links: Vec<(usize, usize, &MoneyFlow)> = Vec::new();
    for flow in &flows {
        let source = node_at(&flow.payer, column[flow.payer.as_str()], false, &mut nodes);
        let target = match copy_column
            .get(flow.payee.as_str())
            .filter(|_| runs_backwards(flow))
        {
            Some(&at) => node_at(&flow.payee, at, true, &mut nodes),
            None => node_at(&flow.payee, column[flow.payee.as_str()], false, &mut nodes),
        };
        nodes[source].outflow += flow.amount_cny;
        nodes[target].inflow += flow.amount_cny;
        links.push((source, target, flow));
    }

    let columns = nodes.iter().map(|n| n.column).max().unwrap_or(0) + 1;
    let value = |n: &Node| n.inflow.max(n.outflow);
    let px_per_cny = (0..columns)
        .filter_map(|c| {
            let in_column: Vec<&Node> = nodes.iter().filter(|n| n.column == c).collect();
            let total: f64 = in_column.iter().map(|n| value(n)).sum();
            let room = PLOT_HEIGHT - (NODE_GAP + MIN_SLOT) * in_column.len() as f64;
            (total > 0.0).then(|| room.max(PLOT_HEIGHT * 0.2) / total)
        })
        .fold(f64::INFINITY, f64::min);
    for node in &mut nodes {
        node.height = (value(node) * px_per_cny).max(2.0);
    }
    place_nodes(&mut nodes, &links, columns, top);

    // Two lines: the class, then its amount (saying "received" for a receiving box).
    let labels: Vec<(String, String)> = nodes
        .iter()
        .map(|node| {
            let received = if node.receiving_copy { " received" } else { "" };
            (
                pretty(&node.class),
                format!("{} CNY{received}", human(value(node))),
            )
        })
        .collect();
    // Labels sit right of their box, so the last column needs room for its own.
    let last_labels = nodes
        .iter()
        .zip(&labels)
        .filter(|(node, _)| node.column + 1 == columns)
        .map(|(_, (name, amount))| text_width(name, 12.0).max(text_width(amount, 11.0)))
        .fold(0.0, f64::max);
    let span = CHART_WIDTH - 2.0 * SIDE - NODE_WIDTH - last_labels - 6.0;
    let x_of = |column: usize| SIDE + column as f64 * span / (columns - 1).max(1) as f64;
    // Stack each node's ribbons in the order of the nodes at their other end.
    let mut by_target: Vec<usize> = (0..links.len()).collect();
    by_target.sort_by(|a, b| nodes[links[*a].1].y.total_cmp(&nodes[links[*b].1].y));
    let mut by_source: Vec<usize> = (0..links.len()).collect();
    by_source.sort_by(|a, b| nodes[links[*a].0].y.total_cmp(&nodes[links[*b].0].y));
    let mut out_offset = vec![0.0; nodes.len()];
    let mut in_offset = vec![0.0; nodes.len()];
    let mut start_y = vec![0.0; links.len()];
    let mut end_y = vec![0.0; links.len()];
    let width_of = |flow: &MoneyFlow| (flow.amount_cny * px_per_cny).max(1.0);
    for &l in &by_target {
        let (source, _, flow) = links[l];
        let width = width_of(flow);
        start_y[l] = nodes[source].y + out_offset[source] + width / 2.0;
        out_offset[source] += width;
    }
    for &l in &by_source {
        let (_, target, flow) = links[l];
        let width = width_of(flow);
        end_y[l] = nodes[target].y + in_offset[target] + width / 2.0;
        in_offset[target] += width;
    }
    for (l, (source, target, flow)) in links.iter().enumerate() {
        let x0 = x_of(nodes[*source].column) + NODE_WIDTH;
        let x1 = x_of(nodes[*target].column);
        let middle = (x0 + x1) / 2.0;
        let purpose = purposes.binary_search(&flow.purpose.as_str()).unwrap_or(0);
        let _ = write!(
            body,
            r#"<path d="M{x0:.1},{:.1}C{middle:.1},{:.1} {middle:.1},{:.1} {x1:.1},{:.1}" fill="none" stroke="{}" stroke-opacity="0.5" stroke-width="{:.1}"><title>{} to {} ({}): {} CNY</title></path>"#,
            start_y[l],
            start_y[l],
            end_y[l],
            end_y[l],
            purpose_colour(&flow.purpose, purpose),
            width_of(flow),
            escape(&pretty(&flow.payer)),
            escape(&pretty(&flow.payee)),
            escape(&pretty(&flow.purpose)),
            human(flow.amount_cny)
        );
    }
    for (node, (name, amount)) in nodes.iter().zip(&labels) {
        let x = x_of(node.column);
        let label_x = x + NODE_WIDTH + 4.0;
        let _ = write!(
            body,
            r##"<rect x="{x:.1}" y="{:.1}" width="{NODE_WIDTH}" height="{:.1}" fill="#555555"/><text x="{label_x:.1}" y="{:.1}" fill="{INK}" stroke="#ffffff" stroke-width="3" paint-order="stroke">{}<tspan x="{label_x:.1}" dy="13" fill="{MUTED}" font-size="11">{}</tspan></text>"##,
            node.y,
            node.height,
            node.y + node.height / 2.0 - 2.0,
            escape(name),
            escape(amount)
        );
    }
    let bottom = nodes.iter().map(|n| n.y + n.height).fold(top, f64::max);
    Chart {
        name,
        title,
        height: bottom + 24.0,
        body,
    }
}

/// Orders each column's nodes by where their payers sit (largest first in the first
/// column) and stacks them from `top`.
fn place_nodes(nodes: &mut [Node], links: &[(usize, usize, &MoneyFlow)], columns: usize, top: f64) {
    for column in 0..columns {
        let mut members: Vec<usize> = (0..nodes.len())
            .filter(|&n| nodes[n].column == column)
            .collect();
        let centre_of_payers = |n: usize| {
            let (weighted, weight) = links.iter().filter(|(_, target, _)| *target == n).fold(
                (0.0, 0.0),
                |(sum, total), (source, _, flow)| {
                    let centre = nodes[*source].y + nodes[*source].height / 2.0;
                    (sum + centre * flow.amount_cny, total + flow.amount_cny)
                },
            );
            if weight > 0.0 {
                weighted / weight
            } else {
                f64::INFINITY
            }
        };
        let keys: Vec<(f64, f64)> = members
            .iter()
            .map(|&n| (centre_of_payers(n), -nodes[n].height))
            .collect();
        let mut order: Vec<usize> = (0..members.len()).collect();
        order.sort_by(|a, b| {
            keys[*a]
                .0
                .total_cmp(&keys[*b].0)
                .then(keys[*a].1.total_cmp(&keys[*b].1))
        });
        members = order.into_iter().map(|i| members[i]).collect();
        let mut y = top;
        for n in members {
            // A small box sits in the middle of its slot, so its label does too.
            let slot = nodes[n].height.max(MIN_SLOT);
            nodes[n].y = y + (slot - nodes[n].height) / 2.0;
            y += slot + NODE_GAP;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(payer: &str, payee: &str, amount_cny: f64) -> MoneyFlow {
        MoneyFlow {
            payer: payer.into(),
            payee: payee.into(),
            purpose: "sale".into(),
            amount_cny,
        }
    }

    #[test]
    fn the_smaller_side_of_a_cycle_runs_backwards() {
        let flows = [
            flow("merchants", "donju", 100.0),
            flow("donju", "merchants", 60.0),
            flow("donju", "guards", 10.0),
        ];
        let classes = flows
            .iter()
            .flat_map(|f| [f.payer.as_str(), f.payee.as_str()])
            .collect();
        let order = feedback_order(&classes, &flows);
        assert_eq!(order, ["merchants", "donju", "guards"]);
        let chart = sankey("money", "Money".into(), &flows, "");
        assert_eq!(chart.body.matches(">merchants<").count(), 2);
        assert!(chart.body.contains("60 CNY received"));
    }
}
