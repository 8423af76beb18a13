//! `[[events]]`: dated events with their evidence and their effects on named channels and
//! sites, read and checked here (the engine's side is `yalu_model::events`), and the
//! listing `yalu events` prints.
//!
//! ```toml
//! [[events]]
//! id = "covid-closure-land"
//! kind = "pandemic_measure"
//! first_day = "2020-01-31"
//! last_day = "2023-08-31"          # optional: without it the event lasts to the end
//! claim = "..."                    # or assumption = "..."; derivation, carry_over
//! effects = [
//!   { channel = "porter", stop = true },
//!   { channel = "state_smuggling", sites = ["hyesan"], risk_multiplier = { value = 2, assumption = "...", range = [1, 3] } },
//!   { channel = "maritime", routes = ["ship_to_ship"], goods = ["seafood"], stop = true },
//!   { channel = "official_customs", goods = ["coal"], stop = true },  # a sanctions ban
//!   { channel = "declared_trade", modes = ["road"], categories = ["coal"], stop = true },
//! ]
//! ```
//!
//! A claim must cover the event's window (its first day, for an event without an end)
//! unless a `carry_over` says why it holds beyond. Each numeric effect is a parameter with
//! its own evidence, at a path such as `events[id].effects[0].capacity_share`.

use jiff::civil::Date;
use serde::Serialize;
use yalu_model::events::{Action, Effect, Event, EventChannel, EventKind};
use yalu_model::observe::SeaRoute;
use yalu_model::params::{CategoryId, GoodId, SiteId, TradeMode};

use crate::dates::days;
use crate::error::ErrorKind;
use crate::read::{Checker, Str, Table};
use crate::records::{Evidence, Value};
use crate::refs::{Ids, choice, named, one_of};
use crate::scenario::Scenario;

/// Reads every `[[events]]` table; events with errors are left out (their errors are
/// reported).
pub(crate) fn events(root: &mut Table, c: &mut Checker, ids: &Ids) -> Vec<Event> {
    let mut tables = c.tables(root, "events");
    let event_ids = c.identify(&mut tables, "events", "id");
    let horizon = c.context.window;
    let kinds = named(&EventKind::ALL, EventKind::name);
    let mut events = Vec::new();
    for (mut t, id) in tables.into_iter().zip(event_ids) {
        let field = t.path.clone();
        let kind = choice(c, &mut t, "kind", &kinds);
        let [(first_text, first), (last_text, last)] = days(c, &mut t, false);
        // What the claims must cover: the window, or the first day of an open-ended event.
        c.context.window = first.map(|f| (f, last.unwrap_or(f)));
        if let (Some(id), Some(f)) = (&id, &first_text) {
            let value = match &last_text {
                Some(l) => format!("{} to {}", f.text, l.text),
                None => format!("from {}", f.text),
            };
            c.text_record(&mut t, &field, value, "date", id.span.clone());
        }
        let effects = effects(c, &mut t, ids);
        c.context.window = horizon;
        if let (Some(id), Some(kind), Some(first), Some(effects)) = (id, kind, first, effects)
            && (last_text.is_none() || last.is_some())
        {
            events.push(Event {
                id: id.text.to_owned(),
                kind,
                first,
                last,
                effects,
            });
        }
        c.finish(t);
    }
    events
}

/// The event's effects; `None` if any has an error (reported).
fn effects(c: &mut Checker, t: &mut Table, ids: &Ids) -> Option<Vec<Effect>> {
    let tables = c.tables(t, "effects");
    if tables.is_empty() {
        let expected = "at least one effect { channel = ..., and what it does }";
        c.absent(t.span_of("effects"), t.field("effects"), expected);
        return None;
    }
    let channels = named(&EventChannel::ALL, EventChannel::name);
    let mut effects = Some(Vec::new());
    for mut e in tables {
        let effect = self::effect(c, &mut e, ids, &channels);
        match (effect, effects.as_mut()) {
            (Some(effect), Some(list)) => list.push(effect),
            _ => effects = None,
        }
        c.finish(e);
    }
    effects
}

fn effect(
    c: &mut Checker,
    e: &mut Table,
    ids: &Ids,
    channels: &[(&str, EventChannel)],
) -> Option<Effect> {
    let field = e.path.clone();
    let channel = choice(c, e, "channel", channels)?;
    let given = |e: &Table, key: &str| e.span_of(key) != e.span;
    let site_names = names(c, e, "sites", channel, channel.has_sites());
    let route_names = names(c, e, "routes", channel, channel.has_routes());
    let good_names = names(c, e, "goods", channel, channel.has_goods());
    let mode_names = names(c, e, "modes", channel, channel.has_modes());
    let category_names = names(c, e, "categories", channel, channel.has_modes());
    let mut ok = true;
    let sites = resolved(&site_names, &mut ok, |name| {
        c.refer::<SiteId>(name, ids, &format!("{field}.sites"))
    });
    let goods = resolved(&good_names, &mut ok, |name| {
        c.refer::<GoodId>(name, ids, &format!("{field}.goods"))
    });
    let route_choices = named(&SeaRoute::ALL, SeaRoute::name);
    let routes = resolved(&route_names, &mut ok, |name| {
        one_of(c, name, &format!("{field}.routes"), &route_choices)
    });
    let mode_choices = named(&TradeMode::ALL, TradeMode::name);
    let modes = resolved(&mode_names, &mut ok, |name| {
        one_of(c, name, &format!("{field}.modes"), &mode_choices)
    });
    let category_choices: Vec<(&str, CategoryId)> = ids
        .categories
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), CategoryId(i as u16)))
        .collect();
    let categories = resolved(&category_names, &mut ok, |name| {
        one_of(c, name, &format!("{field}.categories"), &category_choices)
    });
    // Exactly one action, one the channel's process acts on.
    let present: Vec<Action> = Action::ALL
        .iter()
        .copied()
        .filter(|a| given(e, a.key()))
        .collect();
    let expected = || {
        channel
            .actions()
            .iter()
            .map(|a| format!("`{}`", a.key()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let [action] = present[..] else {
        c.error(
            e.span.clone(),
            field.clone(),
            ErrorKind::Invalid {
                expected: format!(
                    "exactly one action for channel `{}`: one of {}",
                    channel.name(),
                    expected()
                ),
                found: match present.len() {
                    0 => "none".into(),
                    _ => present
                        .iter()
                        .map(|a| format!("`{}`", a.key()))
                        .collect::<Vec<_>>()
                        .join(" and "),
                },
            },
        );
        // Every action is a known key, whatever else is wrong.
        for a in Action::ALL {
            e.skip(a.key());
        }
        return None;
    };
    for other in Action::ALL.iter().filter(|&&a| a != action) {
        e.skip(other.key());
    }
    if !channel.actions().contains(&action) {
        c.error(
            e.span_of(action.key()),
            format!("{field}.{}", action.key()),
            ErrorKind::Invalid {
                expected: format!("for channel `{}`, one of {}", channel.name(), expected()),
                found: format!("`{}`", action.key()),
            },
        );
        ok = false;
    }
    let value = match action.spec() {
        None => {
            // A switch: `stop = true` (false would say nothing).
            match c.boolean(e, action.key()) {
                Some(true) => 1.0,
                Some(false) => {
                    c.error(
                        e.span_of(action.key()),
                        format!("{field}.{}", action.key()),
                        ErrorKind::Invalid {
                            expected: "true (leave the effect out to do nothing)".into(),
                            found: "false".into(),
                        },
                    );
                    return None;
                }
                None => return None,
            }
        }
        Some(spec) => c.param(e, spec),
    };
    ok.then_some(Effect {
        channel,
        sites,
        routes,
        goods,
        modes,
        categories,
        action,
        value,
    })
}

/// What `resolve` finds for each of `names`; `ok` is cleared when it finds nothing for one
/// (which `resolve` reports).
fn resolved<T>(names: &[Str], ok: &mut bool, resolve: impl FnMut(&Str) -> Option<T>) -> Vec<T> {
    let found: Vec<T> = names.iter().filter_map(resolve).collect();
    *ok &= found.len() == names.len();
    found
}

/// The names listed under an optional `key` (none when absent); naming them is an error
/// where the channel has no such targets.
fn names<'t>(
    c: &mut Checker,
    e: &mut Table<'t, '_>,
    key: &'static str,
    channel: EventChannel,
    allowed: bool,
) -> Vec<Str<'t>> {
    if e.span_of(key) == e.span {
        return Vec::new();
    }
    let names = c.strings(e, key);
    if !allowed {
        c.error(
            e.span_of(key),
            format!("{}.{key}", e.path),
            ErrorKind::Invalid {
                expected: format!("no `{key}` for channel `{}`", channel.name()),
                found: format!("`{key}`"),
            },
        );
    }
    names
}

/// One event as `yalu events` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    /// Identifier.
    pub id: String,
    /// Kind, e.g. `pandemic_measure`.
    pub kind: &'static str,
    /// First day in force.
    pub first_day: String,
    /// Last day in force, if it ends.
    pub last_day: Option<String>,
    /// The channels it acts on, in listing order.
    pub channels: Vec<&'static str>,
    /// Each effect in words, e.g. `porter at hyesan: stop`.
    pub effects: Vec<String>,
    /// The sites its effects name (`all` for an effect on every site of its channel;
    /// empty when no effect is on a channel with sites).
    pub sites: Vec<String>,
    /// The claim it cites with its source, or `assumption`.
    pub source: String,
}

/// The scenario's events in date order, for listing and for the report's timeline.
pub fn event_rows(scenario: &Scenario) -> Vec<EventRow> {
    let params = &scenario.params;
    let mut rows: Vec<EventRow> = params
        .events
        .iter()
        .map(|event| {
            let path = format!("events[{}]", event.id);
            let source = scenario
                .parameters
                .iter()
                .find(|p| p.path == path && matches!(p.value, Value::Text(_)))
                .map_or_else(String::new, |p| match &p.evidence {
                    Evidence::Claim { claim, source, .. } => format!("{claim} ({source})"),
                    Evidence::Assumption { .. } => "assumption".into(),
                });
            let mut channels: Vec<&'static str> =
                event.effects.iter().map(|e| e.channel.name()).collect();
            channels.dedup();
            let mut sites: Vec<String> = event
                .effects
                .iter()
                .filter(|e| e.channel.has_sites())
                .flat_map(|e| match &e.sites[..] {
                    [] => vec!["all".to_owned()],
                    named => named
                        .iter()
                        .map(|s| params.sites[s.0 as usize].id.clone())
                        .collect(),
                })
                .collect();
            sites.sort();
            sites.dedup();
            EventRow {
                id: event.id.clone(),
                kind: event.kind.name(),
                first_day: event.first.to_string(),
                last_day: event.last.map(|d: Date| d.to_string()),
                channels,
                effects: event.effects.iter().map(|e| describe(params, e)).collect(),
                sites,
                source,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.first_day.cmp(&b.first_day));
    rows
}

/// The rows as text: one block per event, in date order.
pub fn render(rows: &[EventRow]) -> String {
    let mut out = String::new();
    for row in rows {
        let window = match &row.last_day {
            Some(last) => format!("{} to {last}", row.first_day),
            None => format!("from {}", row.first_day),
        };
        let sites = if row.sites.is_empty() {
            "-".to_owned()
        } else {
            row.sites.join(", ")
        };
        out.push_str(&format!(
            "{window}  {} [{}]\n    channels: {}; sites: {sites}\n",
            row.id,
            row.kind,
            row.channels.join(", ")
        ));
        for effect in &row.effects {
            out.push_str(&format!("    - {effect}\n"));
        }
        out.push_str(&format!("    source: {}\n", row.source));
    }
    out
}

/// An effect in words: `maritime (ship_to_ship; seafood): stop`.
fn describe(params: &yalu_model::ModelParams, e: &Effect) -> String {
    let mut targets: Vec<String> = Vec::new();
    targets.extend(
        e.sites
            .iter()
            .map(|s| params.sites[s.0 as usize].id.clone()),
    );
    targets.extend(e.routes.iter().map(|r| r.name().to_owned()));
    targets.extend(
        e.goods
            .iter()
            .map(|g| params.goods[g.0 as usize].id.clone()),
    );
    targets.extend(e.modes.iter().map(|m| m.name().to_owned()));
    if let Some(declared) = &params.declared_trade {
        targets.extend(
            e.categories
                .iter()
                .map(|c| declared.categories[c.0 as usize].id.clone()),
        );
    }
    let what = match e.action {
        Action::Stop | Action::Open => e.action.key().to_owned(),
        _ => format!("{} {}", e.action.key(), e.value),
    };
    if targets.is_empty() {
        format!("{}: {what}", e.channel.name())
    } else {
        format!("{} ({}): {what}", e.channel.name(), targets.join(", "))
    }
}
