//! Dated events as data: sanctions measures, enforcement campaigns, pandemic measures,
//! resumptions, crackdowns and market policies, each with effects on named channels and
//! sites. No date is written in the model: every shock comes from a scenario's
//! `[[events]]`. [`EventColumns::new`] turns the events into columns by day once per
//! parameter set ([`crate::engine::Setup`]), so a process asks [`EventColumns::on`] and
//! only reads.

use jiff::civil::Date;

use crate::declare::{Bounds, ParamSpec, Unit};
use crate::observe::SeaRoute;
use crate::params::{CategoryId, GoodId, SiteId, TradeMode};

/// What sort of event it is: how the listing and the report's timeline group it. What it
/// does is in its effects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    /// A measure of a sanctions resolution (a ban, a cap, a deadline).
    SanctionMeasure,
    /// A campaign of border or customs enforcement.
    EnforcementCampaign,
    /// A pandemic measure on some routes (a closure, a quarantine rule).
    PandemicMeasure,
    /// A route or trade resuming.
    Resumption,
    /// A crackdown on traders, smugglers or money changers.
    Crackdown,
    /// A market or currency policy of the state.
    MarketPolicy,
}

impl EventKind {
    /// Every kind, in listing order.
    pub const ALL: [EventKind; 6] = [
        EventKind::SanctionMeasure,
        EventKind::EnforcementCampaign,
        EventKind::PandemicMeasure,
        EventKind::Resumption,
        EventKind::Crackdown,
        EventKind::MarketPolicy,
    ];

    /// The name used in scenario files and listings.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::SanctionMeasure => "sanction_measure",
            EventKind::EnforcementCampaign => "enforcement_campaign",
            EventKind::PandemicMeasure => "pandemic_measure",
            EventKind::Resumption => "resumption",
            EventKind::Crackdown => "crackdown",
            EventKind::MarketPolicy => "market_policy",
        }
    }
}

/// A channel an event can act on, and how its effects are keyed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventChannel {
    /// Porter crews at their sites (hiring and runs).
    Porter,
    /// Trading companies' smuggling at land crossings, by crossing site.
    StateSmuggling,
    /// Declared trade through customs, by customs site and good (a sanctions ban stops
    /// its goods here).
    OfficialCustoms,
    /// Border households' trips, by site.
    Livelihood,
    /// Ships, by sea route and good.
    Maritime,
    /// Cash couriers on ships to Nampo.
    Couriers,
    /// Workers sent abroad.
    LabourDispatch,
    /// Workers coming home (contract ends, repatriation).
    LabourReturn,
    /// Declared trade by mode (road, rail, sea) and category of goods
    /// ([`crate::process::declared_trade`]).
    DeclaredTrade,
    /// The border market at a site: the won's rate, won prices and state wages there.
    Market,
}

/// What an effect does on its channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Stops the channel (capacity 0) unless an `open` effect is in force.
    Stop,
    /// Lifts any stop in force on the same targets.
    Open,
    /// Multiplies capacity (loads a night, chance of a run or trip or voyage).
    CapacityShare,
    /// Multiplies the chance of seizure, capture or detection.
    RiskMultiplier,
    /// Multiplies the bribes or supervision payments per load or tonne.
    BribeMultiplier,
    /// Multiplies the levy on declared trade's profit.
    LevyMultiplier,
    /// A daily chance of being sent home that, alone, would send home this share of the
    /// workers abroad over the event's window.
    RepatriateShare,
    /// Multiplies the won's normal rate against foreign money (above 1 weakens the won).
    RateMultiplier,
    /// Multiplies the rice price the market reverts to (state grain shops).
    RicePriceMultiplier,
    /// Multiplies state wages.
    WageMultiplier,
}

impl Action {
    /// Every action, in the order a scenario lists them.
    pub const ALL: [Action; 10] = [
        Action::Stop,
        Action::Open,
        Action::CapacityShare,
        Action::RiskMultiplier,
        Action::BribeMultiplier,
        Action::LevyMultiplier,
        Action::RepatriateShare,
        Action::RateMultiplier,
        Action::RicePriceMultiplier,
        Action::WageMultiplier,
    ];

    /// The key in a scenario's effect table.
    pub fn key(self) -> &'static str {
        match self {
            Action::Stop => "stop",
            Action::Open => "open",
            Action::CapacityShare => "capacity_share",
            Action::RiskMultiplier => "risk_multiplier",
            Action::BribeMultiplier => "bribe_multiplier",
            Action::LevyMultiplier => "levy_multiplier",
            Action::RepatriateShare => "repatriate_share",
            Action::RateMultiplier => "rate_multiplier",
            Action::RicePriceMultiplier => "rice_price_multiplier",
            Action::WageMultiplier => "wage_multiplier",
        }
    }

    /// How a numeric action's value is declared (unit, bounds); `None` for a switch.
    pub fn spec(self) -> Option<&'static ParamSpec> {
        match self {
            Action::Stop | Action::Open => None,
            Action::CapacityShare => Some(&CAPACITY_SHARE),
            Action::RiskMultiplier => Some(&RISK_MULTIPLIER),
            Action::BribeMultiplier => Some(&BRIBE_MULTIPLIER),
            Action::LevyMultiplier => Some(&LEVY_MULTIPLIER),
            Action::RepatriateShare => Some(&REPATRIATE_SHARE),
            Action::RateMultiplier => Some(&RATE_MULTIPLIER),
            Action::RicePriceMultiplier => Some(&RICE_PRICE_MULTIPLIER),
            Action::WageMultiplier => Some(&WAGE_MULTIPLIER),
        }
    }
}

/// Declaration of `capacity_share` in an event's effect.
pub const CAPACITY_SHARE: ParamSpec = ParamSpec {
    key: "capacity_share",
    unit: Unit::Share,
    bounds: Bounds::UNIT_INTERVAL,
    whole: false,
    doc: "Share of the channel's normal capacity left while the event is in force.",
};
/// Declaration of `risk_multiplier` in an event's effect.
pub const RISK_MULTIPLIER: ParamSpec = ParamSpec {
    key: "risk_multiplier",
    unit: Unit::Multiplier,
    bounds: Bounds::NON_NEGATIVE,
    whole: false,
    doc: "Factor on the chance of seizure, capture or detection while the event is in force.",
};
/// Declaration of `bribe_multiplier` in an event's effect.
pub const BRIBE_MULTIPLIER: ParamSpec = ParamSpec {
    key: "bribe_multiplier",
    unit: Unit::Multiplier,
    bounds: Bounds::NON_NEGATIVE,
    whole: false,
    doc: "Factor on bribes or supervision payments while the event is in force.",
};
/// Declaration of `levy_multiplier` in an event's effect.
pub const LEVY_MULTIPLIER: ParamSpec = ParamSpec {
    key: "levy_multiplier",
    unit: Unit::Multiplier,
    bounds: Bounds::NON_NEGATIVE,
    whole: false,
    doc: "Factor on the levy on declared trade's profit while the event is in force.",
};
/// Declaration of `repatriate_share` in an event's effect.
pub const REPATRIATE_SHARE: ParamSpec = ParamSpec {
    key: "repatriate_share",
    unit: Unit::Share,
    bounds: Bounds::UNIT_INTERVAL,
    whole: false,
    doc: "Share of the workers abroad the event alone would send home over its window.",
};

/// Declaration of `rate_multiplier` in an event's effect.
pub const RATE_MULTIPLIER: ParamSpec = ParamSpec {
    key: "rate_multiplier",
    unit: Unit::Multiplier,
    bounds: Bounds::POSITIVE,
    whole: false,
    doc: "Factor on the won's normal rate against the yuan and the dollar while the event is in force (above 1 weakens the won).",
};
/// Declaration of `rice_price_multiplier` in an event's effect.
pub const RICE_PRICE_MULTIPLIER: ParamSpec = ParamSpec {
    key: "rice_price_multiplier",
    unit: Unit::Multiplier,
    bounds: Bounds::POSITIVE,
    whole: false,
    doc: "Factor on the rice price the market reverts to while the event is in force.",
};
/// Declaration of `wage_multiplier` in an event's effect.
pub const WAGE_MULTIPLIER: ParamSpec = ParamSpec {
    key: "wage_multiplier",
    unit: Unit::Multiplier,
    bounds: Bounds::NON_NEGATIVE,
    whole: false,
    doc: "Factor on state wages in won while the event is in force.",
};

/// Every numeric action's declaration, for the listings built from declarations.
pub const EFFECT_SPECS: [ParamSpec; 8] = [
    CAPACITY_SHARE,
    RISK_MULTIPLIER,
    BRIBE_MULTIPLIER,
    LEVY_MULTIPLIER,
    REPATRIATE_SHARE,
    RATE_MULTIPLIER,
    RICE_PRICE_MULTIPLIER,
    WAGE_MULTIPLIER,
];

impl EventChannel {
    /// Every channel, in listing order.
    pub const ALL: [EventChannel; 10] = [
        EventChannel::Porter,
        EventChannel::StateSmuggling,
        EventChannel::OfficialCustoms,
        EventChannel::Livelihood,
        EventChannel::Maritime,
        EventChannel::Couriers,
        EventChannel::LabourDispatch,
        EventChannel::LabourReturn,
        EventChannel::DeclaredTrade,
        EventChannel::Market,
    ];

    /// The name used in scenario files and listings.
    pub fn name(self) -> &'static str {
        match self {
            EventChannel::Porter => "porter",
            EventChannel::StateSmuggling => "state_smuggling",
            EventChannel::OfficialCustoms => "official_customs",
            EventChannel::Livelihood => "livelihood",
            EventChannel::Maritime => "maritime",
            EventChannel::Couriers => "couriers",
            EventChannel::LabourDispatch => "labour_dispatch",
            EventChannel::LabourReturn => "labour_return",
            EventChannel::DeclaredTrade => "declared_trade",
            EventChannel::Market => "market",
        }
    }

    /// Whether effects on this channel may name sites.
    pub fn has_sites(self) -> bool {
        matches!(
            self,
            EventChannel::Porter
                | EventChannel::StateSmuggling
                | EventChannel::OfficialCustoms
                | EventChannel::Livelihood
                | EventChannel::Market
        )
    }

    /// Whether effects on this channel may name sea routes.
    pub fn has_routes(self) -> bool {
        self == EventChannel::Maritime
    }

    /// Whether effects on this channel may name goods.
    pub fn has_goods(self) -> bool {
        matches!(self, EventChannel::Maritime | EventChannel::OfficialCustoms)
    }

    /// Whether effects on this channel may name modes and categories of declared trade.
    pub fn has_modes(self) -> bool {
        self == EventChannel::DeclaredTrade
    }

    /// The actions the channel's process acts on.
    pub fn actions(self) -> &'static [Action] {
        use Action::*;
        match self {
            EventChannel::Porter | EventChannel::Livelihood | EventChannel::Couriers => {
                &[Stop, Open, CapacityShare, RiskMultiplier]
            }
            EventChannel::StateSmuggling | EventChannel::Maritime => {
                &[Stop, Open, CapacityShare, RiskMultiplier, BribeMultiplier]
            }
            EventChannel::OfficialCustoms => &[Stop, Open, CapacityShare, LevyMultiplier],
            EventChannel::LabourDispatch => &[Stop, Open, CapacityShare],
            EventChannel::LabourReturn => &[Stop, Open, RepatriateShare],
            EventChannel::DeclaredTrade => &[Stop, Open, CapacityShare, LevyMultiplier],
            EventChannel::Market => &[RateMultiplier, RicePriceMultiplier, WageMultiplier],
        }
    }

    /// Its position in [`EventChannel::ALL`], which lists the channels in declaration
    /// order (a test checks it): a cast, since lookups run for every target every day.
    fn index(self) -> usize {
        self as usize
    }
}

/// One effect of an event on one channel. Empty `sites`, `routes` or `goods` mean all of
/// them.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    /// The channel acted on.
    pub channel: EventChannel,
    /// Sites (for channels with sites).
    pub sites: Vec<SiteId>,
    /// Sea routes (maritime only).
    pub routes: Vec<SeaRoute>,
    /// Goods (maritime and official customs).
    pub goods: Vec<GoodId>,
    /// Modes of declared trade.
    pub modes: Vec<TradeMode>,
    /// Categories of declared trade.
    pub categories: Vec<CategoryId>,
    /// What it does.
    pub action: Action,
    /// The action's value (1 for `stop` and `open`).
    pub value: f64,
}

/// A dated event, both ends inclusive; with no last day it lasts to the horizon's end.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Identifier from the scenario, e.g. `covid-closure-land`.
    pub id: String,
    /// What sort of event.
    pub kind: EventKind,
    /// First day in force.
    pub first: Date,
    /// Last day in force, if it ends.
    pub last: Option<Date>,
    /// What it does.
    pub effects: Vec<Effect>,
}

impl Effect {
    /// An effect on the whole of `channel`, naming no targets (name them with struct update
    /// syntax: `Effect { sites, ..Effect::on(channel, action, value) }`).
    pub fn on(channel: EventChannel, action: Action, value: f64) -> Effect {
        Effect {
            channel,
            sites: Vec::new(),
            routes: Vec::new(),
            goods: Vec::new(),
            modes: Vec::new(),
            categories: Vec::new(),
            action,
            value,
        }
    }
}

impl Event {
    /// Whether the event is in force on a date.
    pub fn covers(&self, date: Date) -> bool {
        self.first <= date && self.last.is_none_or(|last| date <= last)
    }

    /// Whether any of its effects stops a channel.
    pub fn stops(&self, channel: EventChannel) -> bool {
        self.effects
            .iter()
            .any(|e| e.channel == channel && e.action == Action::Stop)
    }
}

/// Whether a good is under a sanctions ban on a date: a sanction measure in force stops
/// declared trade in it.
pub fn sanctioned(events: &[Event], good: GoodId, date: Date) -> bool {
    events.iter().any(|e| {
        e.kind == EventKind::SanctionMeasure
            && e.covers(date)
            && e.effects.iter().any(|f| {
                f.channel == EventChannel::OfficialCustoms
                    && f.action == Action::Stop
                    && (f.goods.is_empty() || f.goods.contains(&good))
            })
    })
}

/// The border closure: the earliest pandemic measure that stops a channel, if any (the
/// figures "before the closure" are measured against its first day).
pub fn closure(events: &[Event]) -> Option<&Event> {
    events
        .iter()
        .filter(|e| {
            e.kind == EventKind::PandemicMeasure
                && e.effects.iter().any(|f| f.action == Action::Stop)
        })
        .min_by_key(|e| e.first)
}

/// What a channel faces on a day at one of its targets. Neutral is all ones.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Conditions {
    /// Share of normal capacity (0 when stopped).
    pub capacity: f64,
    /// Factor on seizure, capture or detection risk.
    pub risk: f64,
    /// Factor on bribes or supervision.
    pub bribe: f64,
    /// Factor on the levy.
    pub levy: f64,
    /// Daily chance a worker abroad is sent home (labour returns only).
    pub repatriate_per_day: f64,
    /// Factor on the won's normal rate (markets only).
    pub rate: f64,
    /// Factor on the rice price the market reverts to (markets only).
    pub rice_price: f64,
    /// Factor on state wages (markets only).
    pub wage: f64,
}

impl Conditions {
    /// No event in force.
    pub const NEUTRAL: Conditions = Conditions {
        capacity: 1.0,
        risk: 1.0,
        bribe: 1.0,
        levy: 1.0,
        repatriate_per_day: 0.0,
        rate: 1.0,
        rice_price: 1.0,
        wage: 1.0,
    };

    /// Whether the channel is stopped.
    pub fn stopped(&self) -> bool {
        self.capacity <= 0.0
    }
}

/// One target of a channel: a site, a (site, good) pair at customs, a (route, good) pair
/// at sea, or the whole channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A site of a channel with sites.
    Site(SiteId),
    /// A good at a customs site.
    SiteGood(SiteId, GoodId),
    /// A route and good at sea.
    Sea(SeaRoute, GoodId),
    /// A mode and category of declared trade.
    Declared(TradeMode, CategoryId),
    /// A channel with no targets.
    Whole,
}

/// The events' conditions per day for every target they touch. Targets touched by the
/// same effects share a column; targets no event touches read [`Conditions::NEUTRAL`].
#[derive(Clone, Debug, Default)]
pub struct EventColumns {
    sites: usize,
    goods: usize,
    categories: usize,
    /// First key of each channel in `column_of_key`.
    offsets: [usize; EventChannel::ALL.len()],
    /// How many keys each channel has.
    key_counts: [usize; EventChannel::ALL.len()],
    /// Column of each key, or `NONE`.
    column_of_key: Vec<u32>,
    /// How many columns there are.
    width: usize,
    /// Each day's row in `rows`.
    row_of_day: Vec<u32>,
    /// Every column's conditions, one row of `width` for each run of days with the same
    /// conditions: the events change them a few dozen times over a horizon of thousands
    /// of days, so the rows stay in cache where a row a day (megabytes) was read from
    /// memory by every replicate.
    rows: Vec<Conditions>,
}

const NONE: u32 = u32::MAX;

impl EventColumns {
    /// The columns over `dates` for a world of `sites` sites, `goods` goods and
    /// `categories` categories of declared trade.
    pub fn new(
        dates: &[Date],
        [sites, goods, categories]: [usize; 3],
        events: &[Event],
    ) -> EventColumns {
        let mut columns = EventColumns {
            sites,
            goods,
            categories,
            ..EventColumns::default()
        };
        let mut keys = 0;
        for channel in EventChannel::ALL {
            columns.offsets[channel.index()] = keys;
            columns.key_counts[channel.index()] = columns.keys(channel);
            keys += columns.key_counts[channel.index()];
        }
        columns.column_of_key = vec![NONE; keys];
        // For each key, the effects touching it; keys with the same list share a column.
        let mut lists: Vec<Vec<(usize, usize)>> = Vec::new();
        for channel in EventChannel::ALL {
            for k in 0..columns.keys(channel) {
                let target = columns.target(channel, k);
                let touching: Vec<(usize, usize)> = events
                    .iter()
                    .enumerate()
                    .flat_map(|(e, event)| {
                        event
                            .effects
                            .iter()
                            .enumerate()
                            .filter(move |(_, f)| f.channel == channel && touches(f, target))
                            .map(move |(i, _)| (e, i))
                    })
                    .collect();
                if touching.is_empty() {
                    continue;
                }
                let column = match lists.iter().position(|l| *l == touching) {
                    Some(c) => c,
                    None => {
                        lists.push(touching);
                        lists.len() - 1
                    }
                };
                columns.column_of_key[columns.offsets[channel.index()] + k] = column as u32;
            }
        }
        columns.width = lists.len();
        let mut today = Vec::with_capacity(lists.len());
        // A day's conditions depend on it only through the events in force: they are
        // worked out again only on days when those change.
        let (mut in_force, mut yesterday) = (Vec::new(), Vec::new());
        for &date in dates {
            in_force.clear();
            in_force.extend(events.iter().map(|e| e.covers(date)));
            if let Some(&row) = columns.row_of_day.last()
                && in_force == yesterday
            {
                columns.row_of_day.push(row);
                continue;
            }
            std::mem::swap(&mut in_force, &mut yesterday);
            today.clear();
            today.extend(lists.iter().map(|list| conditions_on(events, list, date)));
            let last = columns.rows.len().saturating_sub(columns.width)..;
            if columns.row_of_day.is_empty() || !same_bits(&columns.rows[last], &today) {
                columns.rows.extend_from_slice(&today);
            }
            let row = (columns.rows.len() / columns.width.max(1)).saturating_sub(1);
            columns.row_of_day.push(row as u32);
        }
        columns
    }

    fn keys(&self, channel: EventChannel) -> usize {
        let sites = if channel.has_sites() { self.sites } else { 1 };
        let routes = if channel.has_routes() {
            SeaRoute::ALL.len()
        } else {
            1
        };
        let goods = if channel.has_goods() { self.goods } else { 1 };
        let declared = if channel.has_modes() {
            TradeMode::ALL.len() * self.categories
        } else {
            1
        };
        sites * routes * goods * declared
    }

    fn target(&self, channel: EventChannel, key: usize) -> Target {
        let goods = self.goods.max(1);
        if channel.has_sites() && channel.has_goods() {
            Target::SiteGood(SiteId((key / goods) as u16), GoodId((key % goods) as u16))
        } else if channel.has_sites() {
            Target::Site(SiteId(key as u16))
        } else if channel.has_modes() {
            let categories = self.categories.max(1);
            Target::Declared(
                TradeMode::ALL[key / categories],
                CategoryId((key % categories) as u16),
            )
        } else if channel.has_routes() {
            Target::Sea(
                SeaRoute::ALL[key / self.goods.max(1)],
                GoodId((key % self.goods.max(1)) as u16),
            )
        } else {
            Target::Whole
        }
    }

    #[inline]
    fn key(&self, channel: EventChannel, target: Target) -> Option<usize> {
        let k = match target {
            Target::Site(s) if channel.has_sites() && !channel.has_goods() => s.0 as usize,
            Target::SiteGood(s, g) if channel.has_sites() && channel.has_goods() => {
                s.0 as usize * self.goods + g.0 as usize
            }
            Target::Sea(route, good) if channel.has_routes() => {
                route as usize * self.goods + good.0 as usize
            }
            Target::Declared(mode, category) if channel.has_modes() => {
                mode.index() * self.categories + category.0 as usize
            }
            Target::Whole
                if !channel.has_sites() && !channel.has_routes() && !channel.has_modes() =>
            {
                0
            }
            _ => return None,
        };
        (k < self.key_counts[channel.index()]).then_some(k)
    }

    /// The conditions a channel faces at a target on a day. Inlined: each caller names its
    /// channel and kind of target, so the matches on them fold away (as a call, it was an
    /// indirect jump on every look-up).
    #[inline]
    pub fn on(&self, channel: EventChannel, target: Target, day: usize) -> Conditions {
        let Some(key) = self.key(channel, target) else {
            return Conditions::NEUTRAL;
        };
        match self.column_of_key[self.offsets[channel.index()] + key] {
            NONE => Conditions::NEUTRAL,
            column => self.rows[self.row_of_day[day] as usize * self.width + column as usize],
        }
    }
}

/// Whether two rows of conditions are the same bit for bit (so sharing one changes no
/// number).
fn same_bits(a: &[Conditions], b: &[Conditions]) -> bool {
    let bits = |c: &Conditions| {
        [
            c.capacity,
            c.risk,
            c.bribe,
            c.levy,
            c.repatriate_per_day,
            c.rate,
            c.rice_price,
            c.wage,
        ]
        .map(f64::to_bits)
    };
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| bits(x) == bits(y))
}

fn touches(effect: &Effect, target: Target) -> bool {
    match target {
        Target::Site(site) => effect.sites.is_empty() || effect.sites.contains(&site),
        Target::SiteGood(site, good) => {
            (effect.sites.is_empty() || effect.sites.contains(&site))
                && (effect.goods.is_empty() || effect.goods.contains(&good))
        }
        Target::Sea(route, good) => {
            (effect.routes.is_empty() || effect.routes.contains(&route))
                && (effect.goods.is_empty() || effect.goods.contains(&good))
        }
        Target::Declared(mode, category) => {
            (effect.modes.is_empty() || effect.modes.contains(&mode))
                && (effect.categories.is_empty() || effect.categories.contains(&category))
        }
        Target::Whole => true,
    }
}

/// The conditions on a date from the listed (event, effect) pairs: factors multiply, a
/// stop holds unless an `open` is also in force.
fn conditions_on(events: &[Event], list: &[(usize, usize)], date: Date) -> Conditions {
    let mut c = Conditions::NEUTRAL;
    let (mut stopped, mut opened) = (false, false);
    for &(e, i) in list {
        let event = &events[e];
        if !event.covers(date) {
            continue;
        }
        let effect = &event.effects[i];
        match effect.action {
            Action::Stop => stopped = true,
            Action::Open => opened = true,
            Action::CapacityShare => c.capacity *= effect.value,
            Action::RiskMultiplier => c.risk *= effect.value,
            Action::BribeMultiplier => c.bribe *= effect.value,
            Action::LevyMultiplier => c.levy *= effect.value,
            Action::RateMultiplier => c.rate *= effect.value,
            Action::RicePriceMultiplier => c.rice_price *= effect.value,
            Action::WageMultiplier => c.wage *= effect.value,
            Action::RepatriateShare => {
                // The daily hazard h with (1 - h)^days = 1 - share; an open-ended event
                // sends its share home in its first year.
                let days = event
                    .last
                    .map_or(365, |last| (last - event.first).get_days() + 1)
                    .max(1);
                let kept = (1.0 - effect.value).max(0.0);
                c.repatriate_per_day += 1.0 - kept.powf(1.0 / days as f64);
            }
        }
    }
    if stopped && !opened {
        c.capacity = 0.0;
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn channels_and_sea_routes_are_indexed_by_their_place_in_all() {
        for (i, channel) in EventChannel::ALL.into_iter().enumerate() {
            assert_eq!(channel.index(), i, "{}", channel.name());
        }
        for (i, route) in SeaRoute::ALL.into_iter().enumerate() {
            assert_eq!(route as usize, i, "{}", route.name());
        }
    }

    fn days(first: Date, n: usize) -> Vec<Date> {
        std::iter::successors(Some(first), |d| d.tomorrow().ok())
            .take(n)
            .collect()
    }

    fn event(first: Date, last: Option<Date>, effects: Vec<Effect>) -> Event {
        Event {
            id: "e".into(),
            kind: EventKind::PandemicMeasure,
            first,
            last,
            effects,
        }
    }

    fn effect(channel: EventChannel, sites: &[u16], action: Action, value: f64) -> Effect {
        Effect {
            sites: sites.iter().map(|&s| SiteId(s)).collect(),
            ..Effect::on(channel, action, value)
        }
    }

    #[test]
    fn a_stop_holds_over_its_window_at_the_named_sites_only() {
        let dates = days(date(2020, 1, 1), 60);
        let stop = event(
            date(2020, 1, 10),
            Some(date(2020, 1, 20)),
            vec![effect(EventChannel::Porter, &[1], Action::Stop, 1.0)],
        );
        let cols = EventColumns::new(&dates, [3, 2, 0], &[stop]);
        let at = |site, day| cols.on(EventChannel::Porter, Target::Site(SiteId(site)), day);
        assert!(!at(1, 8).stopped());
        assert!(at(1, 9).stopped(), "first day inclusive");
        assert!(at(1, 19).stopped(), "last day inclusive");
        assert!(!at(1, 20).stopped());
        assert_eq!(at(0, 15), Conditions::NEUTRAL);
        let other = cols.on(EventChannel::Livelihood, Target::Site(SiteId(1)), 15);
        assert_eq!(other, Conditions::NEUTRAL, "another channel is untouched");
    }

    #[test]
    fn factors_multiply_and_open_lifts_a_stop() {
        let dates = days(date(2020, 1, 1), 30);
        let events = [
            event(
                date(2020, 1, 1),
                None,
                vec![
                    effect(EventChannel::StateSmuggling, &[], Action::Stop, 1.0),
                    effect(
                        EventChannel::StateSmuggling,
                        &[],
                        Action::RiskMultiplier,
                        2.0,
                    ),
                ],
            ),
            event(
                date(2020, 1, 11),
                None,
                vec![
                    effect(EventChannel::StateSmuggling, &[0], Action::Open, 1.0),
                    effect(
                        EventChannel::StateSmuggling,
                        &[0],
                        Action::CapacityShare,
                        0.5,
                    ),
                    effect(
                        EventChannel::StateSmuggling,
                        &[0],
                        Action::RiskMultiplier,
                        1.5,
                    ),
                ],
            ),
        ];
        let cols = EventColumns::new(&dates, [2, 1, 0], &events);
        let at = |site, day| {
            cols.on(
                EventChannel::StateSmuggling,
                Target::Site(SiteId(site)),
                day,
            )
        };
        assert!(at(0, 5).stopped());
        let reopened = at(0, 15);
        assert_eq!((reopened.capacity, reopened.risk), (0.5, 3.0));
        assert!(at(1, 15).stopped(), "the open names site 0 only");
    }

    #[test]
    fn sea_effects_are_keyed_by_route_and_good() {
        let dates = days(date(2020, 1, 1), 5);
        let mut e = effect(EventChannel::Maritime, &[], Action::Stop, 1.0);
        e.routes = vec![SeaRoute::ShipToShip];
        e.goods = vec![GoodId(1)];
        let cols = EventColumns::new(&dates, [2, 3, 0], &[event(date(2020, 1, 1), None, vec![e])]);
        let sea =
            |route, good| cols.on(EventChannel::Maritime, Target::Sea(route, GoodId(good)), 0);
        assert!(sea(SeaRoute::ShipToShip, 1).stopped());
        assert!(!sea(SeaRoute::PortDelivery, 1).stopped());
        assert!(!sea(SeaRoute::ShipToShip, 0).stopped());
    }
}
