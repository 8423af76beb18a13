//! The maritime channel: North Korean ships carry coal, sand and seafood out and refined
//! petroleum in, either by ship-to-ship transfer in the West Sea zone (Korea Bay) or by
//! direct delivery to (or loading in) a Chinese port. Satellites, patrol aircraft and port
//! inspections see some of the transfers; a detection may end in interdiction. What truly
//! moved goes into the flows; what the monitors saw is tallied apart.
//!
//! - **When**: every day, after the land crossings (schedule step 5).
//! - **What**:
//!   1. Ships away count down a day. A counterpart ship back at the zone returns empty (a
//!      receiving ship that has unloaded in China) or full (a supply tanker that has
//!      reloaded); a ship back from interdiction is its replacement.
//!   2. Each North Korean ship in port decides, in an order that starts at a random ship
//!      each day. Its operator values three options: ship-to-ship (only if a counterpart
//!      ship at the zone that trades the good has room for a full load: contacts are
//!      arranged by phone before sailing), direct delivery to the good's Chinese port, and
//!      staying in port today. A route an event stops for the good (the COVID rules on
//!      seafood, say) is not offered; at an events' capacity share k < 1 it is offered with
//!      probability k. A voyage's expected profit is `E = (1 - r) V - C - r S`, where r is the
//!      interdiction risk the operator expects on that route (learned, see 5), V the
//!      value of the load at the route's price, C the money laid out (export purchase or
//!      import payment, supervision payments times the events' bribe factor, fuel and
//!      crew for the round trip) and S the
//!      ship's value. Options are compared by their daily return `E / (C x days)`; staying
//!      is worth `hurdle_return_per_day`; the operator picks by a logit with scale
//!      `choice_sensitivity_days`. The share of coal that goes ship-to-ship is therefore not
//!      an input: it comes from this choice (shorter round trips and lower risk at sea
//!      against the counterparts' discount and freight) and from the counterparts'
//!      capacity. The baseline fits the hurdle to the tankers' deliveries; the counterparts'
//!      capacity is sized so that the share lands near the UN panel's 70% (pattern P7b): a
//!      calibration, not a prediction. The logit's scale barely moves the share.
//!   3. A voyage is booked on the day it sails and the ship is away for its round trip.
//!      Prices at sea: a receiving ship pays the Chinese price less `margin_share` of it and
//!      its freight to port; a supply tanker charges the Chinese price plus `margin_share`
//!      and its freight. In port, the Chinese price. Sale prices carry a lognormal factor
//!      of mean 1 (`price_sigma`).
//!   4. Detection (see [`detection_probability`], times the events' risk multiplier on the
//!      route and good): AIS is off with probability `ais_off_share` and a transfer at sea
//!      is at night with probability `night_share`. With `[adaptation]`, operators go dark
//!      more often on a route where they have learned they are seen (see 5):
//!      the share is `ais_off_share x (1 + e (d / d0 - 1))` in [0, 1] (see
//!      [`ais_off_share`]), and a
//!      dark voyage (AIS off, identity disguised) costs `dark_voyage_cost_cny`, which the
//!      operator expects in the outlay (share x cost) and pays when it goes dark.
//!      A detected transfer is interdicted with probability `interdiction_probability_at_sea`
//!      (in port: `..._in_port`). An interdicted load is seized with the payment that was
//!      changing hands; the ship is out of service for `ship_replacement_days` (at least
//!      its voyage), as is, at sea, the counterpart ship; the operator pays for a
//!      replacement at once, of the class it then prefers (see 7). A ship sails only if the
//!      operators' cash (`[finance]`) covers the outlay and the dearest replacement ship
//!      of its fleet; otherwise it stays in port (`trips_unaffordable`).
//!   5. Learning: operators do not know the monitors' coverage. Each fleet's operator keeps
//!      a moving average d of how often its ships have been seen on each route (patrol
//!      aircraft overhead, ships named in reports): `d' = d + a (detected - d)`,
//!      a = `risk_learning_rate`, starting at `prior_detection_probability`. It expects an
//!      interdiction risk `r = d x interdiction_probability` of the route (the chance that a
//!      sighting ends in seizure is taken as known). Learning from sightings rather than
//!      from the rare seizures themselves keeps one seizure from shutting a route for good.
//!      More surveillance therefore deters voyages through what operators learn (and
//!      through the ships it takes out of service), never through the true parameter.
//!   6. Price of protection (`[adaptation]`): the home port's officials price supervision
//!      by how exposed the ships they cover are. On each route the payments per tonne are
//!      multiplied by `exp(e_E (d - d0))`, d what the fleet has learned of being seen on it
//!      and d0 `prior_detection_probability`, e_E the elasticity every protection price
//!      shares (`protection_enforcement_elasticity`).
//!   7. Vessel choice: a fleet's ships may be of several classes, its own figures
//!      (capacity, hours, fuel, crew, value) first and then each
//!      `[[maritime.fleets.classes]]` (an older, smaller, cheaper hull, say); a ship's
//!      class sets its load, supervision, running costs, transfer hours and value, while
//!      the route sets its days. When an interdicted ship is replaced, the operator values
//!      a voyage of each class on each route as in 2 (`E = (1 - r) V - C - r S`, r the risk
//!      it has learned, supervision at the factor it has learned, the expected dark cost,
//!      today's events left out since a ship is bought for years; ship-to-ship at the
//!      price of the first counterpart fleet that takes the good), keeps each class's best
//!      daily return `E / (C x days)` and picks a class by a logit of its own scale
//!      (`vessel_choice_sensitivity_days`: a hull is bought for years, so more sharply
//!      than a day's route). The expected loss `r S` grows with r and with the
//!      hull's value, so as operators learn they are seen, cheaper hulls win more of the
//!      replacements; but a dark voyage costs the same whatever the load, so as the dark
//!      share rises with what they learn (6), that fixed cost per voyage favours the
//!      larger hull. Which wins is a result, not an input. A fleet of one
//!      class replaces like for like, with no draw. Ships by class at each month's last
//!      day (counted before that day's voyages) and the replacements bought by class are
//!      outputs (`sea.ships`, `sea.ships_bought_per_year`).
//! - **Parameters**: `[maritime]` (fleets and their classes, counterparts, cargoes,
//!   monitors, cap, shares);
//!   the goods' prices and masses; the events on the maritime channel by route and good;
//!   `[adaptation]` (tactics and the price of protection).
//! - **Ledger** (`ops` = shipping operators; home = the fleet's home port): ops -> home
//!   suppliers (purchase: an export load; fuel and stores); ops -> home households (wage:
//!   crew); ops -> home customs and State Security units and -> party officials (bribe:
//!   supervision per tonne); ops -> foreign counterparties (purchase: a dark voyage's
//!   disguise); export sold: Chinese ships at sea or Chinese merchants -> ops
//!   (sale); import bought: ops -> Chinese ships at sea or Chinese merchants (purchase),
//!   then domestic buyers -> ops (sale); interdicted: the payer of the payment that was
//!   changing hands -> interdictors (seizure), and ops -> foreign counterparties
//!   (purchase: a replacement ship, at the chosen class's value); on a positive profit, ops -> trading companies
//!   (fee: `company_share` of it less Room 39's part) and ops -> Room 39 (remittance:
//!   `room39_share` of the company's share, paid directly so the maritime channel's
//!   foreign currency can be traced).
//! - **Observation**: flows (channel `maritime`, mode `ship`, site: the transfer zone or the
//!   Chinese port) and, apart, the monitors' tallies by month, good and route
//!   ([`crate::observe::ObservedRecord`]).

use rand::RngExt;

use crate::calendar::Day;
use crate::events::{Conditions, EventChannel, Target};
use crate::ledger::{LedgerError, Purpose};
use crate::observe::{Activity, Channel, FlowKey, Outcome, ReplicateResult, SeaRoute};
use crate::params::{
    Agency, CounterpartFleet, Direction, Maritime, Mode, ModelParams, Monitors, SeaAgency,
};
use crate::process::price_factor;
use crate::streams::Rng;
use crate::units::{Fen, round_to_i64};
use crate::world::World;

/// A full load of a ship of a fleet's class (0: the fleet's own figures), in its good's
/// unit (kg, or barrels). Panics if the scenario has no maritime channel.
pub fn load_units(params: &ModelParams, fleet: usize, class: usize) -> f64 {
    let m = params.maritime.as_ref().expect("maritime channel");
    let fleet = &m.fleets[fleet];
    fleet.hull(class).capacity_t * 1000.0 / params.goods[fleet.good.0 as usize].mass_kg_per_unit
}

/// The smallest full load of any class of any fleet trading a good this counterpart fleet
/// takes: below that room, the counterpart ship sails off to unload (or reload).
pub(crate) fn smallest_load(
    params: &ModelParams,
    m: &Maritime,
    counterpart: &CounterpartFleet,
) -> f64 {
    m.fleets
        .iter()
        .enumerate()
        .filter(|(_, f)| counterpart.goods.contains(&f.good))
        .flat_map(|(f, fleet)| (0..fleet.classes()).map(move |c| load_units(params, f, c)))
        .fold(f64::INFINITY, f64::min)
}

/// The chance a transfer is detected.
///
/// Satellite images of the area arrive as a Poisson stream of `satellite_revisits_per_day`
/// a day, each showing a transfer under way with probability
/// `satellite_detection_per_pass`; at sea, patrol aircraft are overhead
/// `aircraft_patrol_hours_per_day / 24` of the time and spot a transfer at
/// `aircraft_sightings_per_hour` while there. The hazard is multiplied by
/// `ais_off_detection_factor` when AIS is off and by `night_detection_factor` at night, so
/// `P(seen) = 1 - exp(-hazard x hours)`. A delivery in port is also noticed by inspection
/// with probability `port_inspection_probability`. The result is in [0, 1], rises with
/// coverage and with the transfer's duration, and falls with AIS off and at night.
pub fn detection_probability(
    monitors: &Monitors,
    route: SeaRoute,
    hours: f64,
    ais_off: bool,
    night: bool,
) -> f64 {
    let satellites =
        monitors.satellite_revisits_per_day / 24.0 * monitors.satellite_detection_per_pass;
    let aircraft = match route {
        SeaRoute::ShipToShip => {
            monitors.aircraft_patrol_hours_per_day / 24.0 * monitors.aircraft_sightings_per_hour
        }
        SeaRoute::PortDelivery => 0.0,
    };
    let mut hazard = (satellites + aircraft).max(0.0) * hours.max(0.0);
    if ais_off {
        hazard *= monitors.ais_off_detection_factor;
    }
    if night {
        hazard *= monitors.night_detection_factor;
    }
    let seen = 1.0 - (-hazard).exp();
    let p = match route {
        SeaRoute::ShipToShip => seen,
        SeaRoute::PortDelivery => 1.0 - (1.0 - monitors.port_inspection_probability) * (1.0 - seen),
    };
    p.clamp(0.0, 1.0)
}

/// The row of [`crate::world::Ships::detection`] of a class of ship (its
/// [`Maritime::class_cell`]) on a route, with AIS off or on, at night or by day.
pub fn detection_row(class_cell: usize, route: SeaRoute, ais_off: bool, night: bool) -> usize {
    ((class_cell * SeaRoute::ALL.len() + route as usize) * 2 + usize::from(ais_off)) * 2
        + usize::from(night)
}

/// [`detection_probability`] for every class of every fleet, route, AIS and time of day,
/// laid out by [`detection_row`]: the parameters fix it, so each voyage looks it up.
pub(crate) fn detection_table(m: &Maritime) -> Vec<f64> {
    let mut table = vec![0.0; detection_row(m.class_cells(), SeaRoute::ALL[0], false, false)];
    for (f, fleet) in m.fleets.iter().enumerate() {
        for class in 0..fleet.classes() {
            let hull = fleet.hull(class);
            for route in SeaRoute::ALL {
                let hours = match route {
                    SeaRoute::ShipToShip => hull.transfer_hours,
                    SeaRoute::PortDelivery => hull.port_hours,
                };
                for (ais_off, night) in [(false, false), (false, true), (true, false), (true, true)]
                {
                    table[detection_row(m.class_cell(f, class), route, ais_off, night)] =
                        detection_probability(&m.monitors, route, hours, ais_off, night);
                }
            }
        }
    }
    table
}

/// A way an operator could use a ship today.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VoyageOption {
    /// The route; `None` to stay in port today.
    pub route: Option<SeaRoute>,
    /// The counterpart ship (row in the columns) for a ship-to-ship transfer.
    pub counterpart: Option<usize>,
    /// Price per unit the load is sold at (export) or bought at (import) on this route.
    pub price_cny_per_unit: f64,
    /// Round trip.
    pub days: u32,
    /// Expected profit.
    pub expected_profit_cny: f64,
    /// Money laid out.
    pub outlay_cny: f64,
    /// Expected profit per day per yuan laid out (for staying: the hurdle).
    pub return_per_day: f64,
}

/// Round trip on a route, in whole days (at least one).
fn voyage_days(m: &Maritime, fleet: usize, route: SeaRoute) -> u32 {
    let f = &m.fleets[fleet];
    let days = match route {
        SeaRoute::ShipToShip => f.sts_voyage_days,
        SeaRoute::PortDelivery => f.port_voyage_days,
    };
    days.round().max(1.0) as u32
}

/// The price per unit of a fleet's good on a route: what a counterpart at sea pays or
/// charges, or the Chinese price in port. Panics if the scenario has no maritime channel.
pub fn route_price(
    params: &ModelParams,
    fleet: usize,
    counterpart: Option<&CounterpartFleet>,
) -> f64 {
    let m = params.maritime.as_ref().expect("maritime channel");
    let good = &params.goods[m.fleets[fleet].good.0 as usize];
    let china = good.china_price_cny_per_unit;
    let Some(c) = counterpart else {
        return china;
    };
    let freight = c.freight_cny_per_t * good.mass_kg_per_unit / 1000.0;
    match good.direction {
        Direction::Export => (china * (1.0 - c.margin_share) - freight).max(0.0),
        Direction::Import => china * (1.0 + c.margin_share) + freight,
    }
}

/// What a voyage of one of a fleet's ships is valued on ([`value_voyage`]).
#[derive(Clone, Copy, Debug)]
pub struct VoyageTerms {
    /// The fleet (index into `maritime.fleets`).
    pub fleet: usize,
    /// The ship's class within its fleet ([`crate::params::Fleet::hull`]).
    pub class: usize,
    /// The route.
    pub route: SeaRoute,
    /// Price per unit the load is sold or bought at.
    pub price: f64,
    /// The interdiction risk the operator expects.
    pub risk: f64,
    /// The factor on the supervision payments.
    pub bribe_factor: f64,
    /// The expected cost of going dark.
    pub dark_cost_cny: f64,
}

impl VoyageTerms {
    /// Whether `other` is the same terms, bit for bit (so the same valuation). Compared
    /// field by field: as arrays, the compiler read back in 16 bytes what had just been
    /// written 8 at a time, which stalls the processor (a failed store forwarding).
    fn same_as(&self, other: &VoyageTerms) -> bool {
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits();
        self.fleet == other.fleet
            && self.class == other.class
            && self.route == other.route
            && same(self.price, other.price)
            && same(self.risk, other.risk)
            && same(self.bribe_factor, other.bribe_factor)
            && same(self.dark_cost_cny, other.dark_cost_cny)
    }
}

/// Values a voyage on its terms: a ship of the fleet's class on the route, at the expected
/// interdiction risk, buying or selling at the price per unit, with supervision payments
/// times the bribe factor and the expected cost of going dark. Panics if the scenario has
/// no maritime channel.
pub fn value_voyage(params: &ModelParams, terms: &VoyageTerms) -> VoyageOption {
    let &VoyageTerms {
        fleet,
        class,
        route,
        price,
        risk,
        bribe_factor,
        dark_cost_cny,
    } = terms;
    let m = params.maritime.as_ref().expect("maritime channel");
    let f = &m.fleets[fleet];
    let hull = f.hull(class);
    let good = &params.goods[f.good.0 as usize];
    let load = load_units(params, fleet, class);
    let days = voyage_days(m, fleet, route);
    let (value, payment) = match good.direction {
        Direction::Export => (load * price, load * good.home_price_cny_per_unit),
        Direction::Import => (load * good.home_price_cny_per_unit, load * price),
    };
    let supervision = hull.capacity_t * m.bribe_cny_per_t.iter().sum::<f64>() * bribe_factor;
    let running = f64::from(days) * (hull.fuel_cost_cny_per_day + hull.crew_wage_cny_per_day);
    let outlay = payment + supervision + running + dark_cost_cny;
    let expected = (1.0 - risk) * value - outlay - risk * hull.ship_value_cny;
    VoyageOption {
        route: Some(route),
        counterpart: None,
        price_cny_per_unit: price,
        days,
        expected_profit_cny: expected,
        outlay_cny: outlay,
        return_per_day: expected / (outlay.max(1.0) * f64::from(days)),
    }
}

/// Options a ship weighs on a day (stay, port, ship-to-ship) with room to spare.
const MAX_OPTIONS: usize = 4;

/// The last voyage valued on each route and the last choice's weights, with what each was
/// worked out from. A fleet's ships are neighbours in the day's order and, until one of
/// them sails and its operator learns, value the same voyages alike and weigh the same
/// options: most valuations and choices repeat the one before, and are reused as they
/// were computed (the same numbers, so the same draws and sums).
#[derive(Default)]
struct Repeats {
    /// By route (`SeaRoute` order).
    valued: [Option<(VoyageTerms, VoyageOption)>; 2],
    /// The options' returns (bits) and their logit weights.
    weighed: Option<(usize, [u64; MAX_OPTIONS], [f64; MAX_OPTIONS])>,
}

impl Repeats {
    /// [`value_voyage`] on `terms`.
    fn value(&mut self, params: &ModelParams, terms: VoyageTerms) -> VoyageOption {
        let slot = &mut self.valued[terms.route as usize];
        match slot {
            Some((last, option)) if last.same_as(&terms) => *option,
            _ => {
                let option = value_voyage(params, &terms);
                *slot = Some((terms, option));
                option
            }
        }
    }
}

/// The operator's logit choice among the options (staying in port is one of them).
fn choose(
    options: &[VoyageOption],
    m: &Maritime,
    rng: &mut Rng,
    repeats: &mut Repeats,
) -> VoyageOption {
    if options.len() > MAX_OPTIONS {
        let pick = logit_index(
            options.len(),
            |i| options[i].return_per_day,
            m.choice_sensitivity_days,
            rng,
        );
        return options[pick];
    }
    // The returns compared one by one, not as an array (see `VoyageTerms::same_as`).
    let weights = match &repeats.weighed {
        Some((n, last, weights))
            if *n == options.len()
                && options
                    .iter()
                    .zip(last)
                    .all(|(o, &bits)| o.return_per_day.to_bits() == bits) =>
        {
            *weights
        }
        _ => {
            let mut returns = [0; MAX_OPTIONS];
            for (r, o) in returns.iter_mut().zip(options) {
                *r = o.return_per_day.to_bits();
            }
            let weights = logit_weights(options, m.choice_sensitivity_days);
            repeats.weighed = Some((options.len(), returns, weights));
            weights
        }
    };
    let weights = &weights[..options.len()];
    let total: f64 = weights.iter().sum();
    let mut u = rng.random::<f64>() * total;
    for (o, &w) in options.iter().zip(weights.iter()) {
        if u < w {
            return *o;
        }
        u -= w;
    }
    options[options.len() - 1]
}

/// The logit weights of at most [`MAX_OPTIONS`] options, each computed once.
fn logit_weights(options: &[VoyageOption], sensitivity: f64) -> [f64; MAX_OPTIONS] {
    let best = options
        .iter()
        .map(|o| o.return_per_day)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut weights = [0.0; MAX_OPTIONS];
    for (w, o) in weights.iter_mut().zip(options) {
        *w = logit_weight(sensitivity, o.return_per_day - best);
    }
    weights
}

/// A logit weight `exp(sensitivity x gap)`, `gap` an option's return less the best: the
/// best option's weight is exactly 1, with no exponential to compute (one of every
/// choice's options is the best).
fn logit_weight(sensitivity: f64, gap: f64) -> f64 {
    if gap == 0.0 && sensitivity.is_finite() {
        1.0
    } else {
        (sensitivity * gap).exp()
    }
}

/// The index in `0..n` a logit with scale `sensitivity` picks on the returns
/// `return_of(i)`; each weight is computed twice rather than kept, so any `n` needs no
/// buffer.
fn logit_index(
    n: usize,
    return_of: impl Fn(usize) -> f64,
    sensitivity: f64,
    rng: &mut Rng,
) -> usize {
    let best = (0..n).map(&return_of).fold(f64::NEG_INFINITY, f64::max);
    let weight = |i| logit_weight(sensitivity, return_of(i) - best);
    let total: f64 = (0..n).map(weight).sum();
    let mut u = rng.random::<f64>() * total;
    for i in 0..n {
        if u < weight(i) {
            return i;
        }
        u -= weight(i);
    }
    n - 1
}

/// The class an operator buys to replace a ship of `fleet` it has lost. Each class is
/// valued by its best daily return over the routes ([`value_voyage`]) at the risk, the
/// supervision and the dark share the operator has learned on each, at the route's price
/// (ship-to-ship: with the first counterpart fleet that trades the good), and picked by
/// a logit of scale `vessel_choice_sensitivity_days`: the expected loss r x the class's
/// value weighs more as r rises, so cheaper hulls gain as the operator learns it is seen.
/// Today's events do not enter: the ship is bought for years. A fleet of one class
/// replaces like for like, with no draw.
fn replacement_class(
    world: &World,
    params: &ModelParams,
    m: &Maritime,
    fleet: usize,
    rng: &mut Rng,
) -> usize {
    let f = &m.fleets[fleet];
    if f.classes() == 1 {
        return 0;
    }
    let counterpart = m.counterparts.iter().find(|c| c.goods.contains(&f.good));
    let return_of = |class| {
        SeaRoute::ALL
            .into_iter()
            .filter_map(|route| {
                let price = match route {
                    SeaRoute::ShipToShip => route_price(params, fleet, Some(counterpart?)),
                    SeaRoute::PortDelivery => route_price(params, fleet, None),
                };
                let option = value_voyage(
                    params,
                    &VoyageTerms {
                        fleet,
                        class,
                        route,
                        price,
                        risk: learned_risk(world, m, fleet, route),
                        bribe_factor: learned_supervision(world, fleet, route),
                        dark_cost_cny: dark_voyage_cost_cny(params)
                            * ais_off_share(world, fleet, route),
                    },
                );
                Some(option.return_per_day)
            })
            .fold(f64::NEG_INFINITY, f64::max)
    };
    logit_index(
        f.classes(),
        return_of,
        m.vessel_choice_sensitivity_days,
        rng,
    )
}

/// The first counterpart ship at the zone that trades `good` and has room for `load`.
/// Counterpart ships are numbered fleet by fleet ([`crate::world::Ships::launch`]), so
/// only the rows of the fleets that trade the good are searched.
fn counterpart_at_zone(
    world: &World,
    m: &Maritime,
    good: crate::params::GoodId,
    load: f64,
) -> Option<usize> {
    let ships = &world.ships;
    let mut first = 0;
    for counterpart in &m.counterparts {
        let rows = first..first + counterpart.ships as usize;
        first = rows.end;
        if !counterpart.goods.contains(&good) {
            continue;
        }
        if let Some(c) = rows
            .into_iter()
            .find(|&c| ships.counterpart_away_days[c] == 0 && ships.counterpart_room[c] >= load)
        {
            return Some(c);
        }
    }
    None
}

/// Runs the day at sea.
pub fn run(
    world: &mut World,
    params: &ModelParams,
    rng: &mut Rng,
    day: Day,
) -> Result<(), LedgerError> {
    let Some(m) = &params.maritime else {
        return Ok(());
    };
    world
        .metrics
        .record_ships(world.calendar.month_index(day), &world.ships.ships_by_class);
    let ships = &mut world.ships;
    for busy in &mut ships.busy_days {
        *busy = busy.saturating_sub(1);
    }
    for c in 0..ships.counterpart_fleet.len() {
        if ships.counterpart_away_days[c] > 0 {
            ships.counterpart_away_days[c] -= 1;
            if ships.counterpart_away_days[c] == 0 {
                let fleet = &m.counterparts[ships.counterpart_fleet[c] as usize];
                ships.counterpart_room[c] = params.counterpart_capacity_units(fleet);
            }
        }
    }
    let n = ships.fleet.len();
    if n == 0 {
        return Ok(());
    }
    let start = rng.random_range(0..n);
    // Today's events on the two routes of the last fleet met: a fleet's ships are
    // neighbours, so they are looked up about once a fleet a day, not once a ship.
    let mut fleet_events: Option<(usize, Conditions, Conditions)> = None;
    let mut repeats = Repeats::default();
    for ship in (start..n).chain(0..start) {
        if world.ships.busy_days[ship] > 0 {
            continue;
        }
        let fleet = world.ships.fleet[ship] as usize;
        let class = usize::from(world.ships.class[ship]);
        let good = m.fleets[fleet].good;
        let (port_events, sts_events) = match fleet_events {
            Some((f, port, sts)) if f == fleet => (port, sts),
            _ => {
                let events = |route| {
                    world
                        .calendar
                        .conditions(EventChannel::Maritime, Target::Sea(route, good), day)
                };
                let today = (events(SeaRoute::PortDelivery), events(SeaRoute::ShipToShip));
                fleet_events = Some((fleet, today.0, today.1));
                today
            }
        };
        // Supervision and going dark on a route follow what the operator has learned of it
        // (worked out only for the routes offered today).
        let supervision = |route, events| supervision_factor(world, fleet, route, events);
        let terms = |route, price, events| VoyageTerms {
            fleet,
            class,
            route,
            price,
            risk: learned_risk(world, m, fleet, route),
            bribe_factor: supervision(route, events),
            dark_cost_cny: dark_voyage_cost_cny(params) * ais_off_share(world, fleet, route),
        };
        let load = world.ships.load[ship];
        let stay = VoyageOption {
            route: None,
            counterpart: None,
            price_cny_per_unit: 0.0,
            days: 0,
            expected_profit_cny: 0.0,
            outlay_cny: 0.0,
            return_per_day: m.hurdle_return_per_day,
        };
        // Staying, then the port, then ship-to-ship, each written in place (not gathered
        // from options: see `VoyageTerms::same_as`).
        let mut options = [stay; 3];
        let mut k = 1;
        if offered(port_events, rng) {
            let price = route_price(params, fleet, None);
            options[k] = repeats.value(params, terms(SeaRoute::PortDelivery, price, port_events));
            k += 1;
        }
        if let Some(c) = counterpart_at_zone(world, m, good, load)
            && offered(sts_events, rng)
        {
            let counterpart = &m.counterparts[world.ships.counterpart_fleet[c] as usize];
            let price = route_price(params, fleet, Some(counterpart));
            options[k] = VoyageOption {
                counterpart: Some(c),
                ..repeats.value(params, terms(SeaRoute::ShipToShip, price, sts_events))
            };
            k += 1;
        }
        let chosen = choose(&options[..k], m, rng, &mut repeats);
        let Some(route) = chosen.route else {
            continue;
        };
        let events = match route {
            SeaRoute::ShipToShip => sts_events,
            SeaRoute::PortDelivery => port_events,
        };
        let events = Conditions {
            bribe: supervision(route, events),
            ..events
        };
        // The operator pays everything up front (a whole dark voyage's cost, whatever its
        // expected share) and must be able to replace the ship at once, by whichever class,
        // if it is interdicted; each of the voyage's (at most nine) payments rounds to the
        // fen on its own, hence the few fen of slack.
        let needed = Fen::from_cny(
            chosen.outlay_cny + dark_voyage_cost_cny(params) + m.fleets[fleet].dearest_ship_cny(),
        ) + Fen(9);
        if world
            .ledger
            .can_pay(world.accounts.shipping_operators, needed)
        {
            sail(world, params, m, rng, day, ship, chosen, events)?;
        } else {
            let month = world.calendar.month_index(day);
            world
                .metrics
                .add_activity(month, Activity::TripsUnaffordable, 1.0);
        }
    }
    Ok(())
}

/// Whether a route the events leave open is offered today: always at full capacity, with
/// probability k at a capacity share k (a draw only then, so event-free days draw alike).
fn offered(events: Conditions, rng: &mut Rng) -> bool {
    !events.stopped() && (events.capacity >= 1.0 || rng.random_bool(events.capacity))
}

/// What happened to one voyage.
struct Voyage {
    route: SeaRoute,
    detected: bool,
    interdicted: bool,
}

#[allow(clippy::too_many_arguments)]
fn sail(
    world: &mut World,
    params: &ModelParams,
    m: &Maritime,
    rng: &mut Rng,
    day: Day,
    ship: usize,
    option: VoyageOption,
    events: Conditions,
) -> Result<(), LedgerError> {
    let route = option.route.expect("a voyage has a route");
    let fleet_index = world.ships.fleet[ship] as usize;
    let fleet = &m.fleets[fleet_index];
    let class = usize::from(world.ships.class[ship]);
    let hull = fleet.hull(class);
    let good = &params.goods[fleet.good.0 as usize];
    let cargo = m
        .cargoes
        .iter()
        .find(|c| c.good == fleet.good)
        .expect("validated: every fleet's good is a cargo");
    let month = world.calendar.month_index(day);
    let load = world.ships.load[ship];
    let home_site = fleet.home_port.0 as usize;
    let home = world.accounts.at_site[home_site];
    let a = &world.accounts;
    let (ops, interdictors) = (a.shipping_operators, a.interdictors);
    let counterparty = match route {
        SeaRoute::ShipToShip => a.chinese_ships_at_sea,
        SeaRoute::PortDelivery => a.chinese_merchants,
    };
    let export = good.direction == Direction::Export;

    // Laid out before sailing: the export load, supervision, fuel and crew.
    let mut outlay = Fen::ZERO;
    if export {
        let purchase = Fen::from_cny(load * good.home_price_cny_per_unit);
        world
            .ledger
            .transfer(ops, home.suppliers, purchase, Purpose::Purchase)?;
        outlay += purchase;
    }
    for (agency, rate) in SeaAgency::ALL.iter().zip(m.bribe_cny_per_t) {
        let bribe = Fen::from_cny(hull.capacity_t * rate * events.bribe);
        let payee = match agency {
            SeaAgency::Customs => home.officials[Agency::Customs as usize],
            SeaAgency::StateSecurity => home.officials[Agency::StateSecurity as usize],
            SeaAgency::Party => world.accounts.party_officials,
        };
        world.ledger.transfer(ops, payee, bribe, Purpose::Bribe)?;
        match agency {
            SeaAgency::Customs => {
                world.official_take_this_month[home_site][Agency::Customs as usize] += bribe;
            }
            SeaAgency::StateSecurity => {
                world.official_take_this_month[home_site][Agency::StateSecurity as usize] += bribe;
            }
            SeaAgency::Party => {}
        }
        outlay += bribe;
    }
    let days = f64::from(option.days);
    let fuel = Fen::from_cny(days * hull.fuel_cost_cny_per_day);
    let crew = Fen::from_cny(days * hull.crew_wage_cny_per_day);
    world
        .ledger
        .transfer(ops, home.suppliers, fuel, Purpose::Purchase)?;
    world
        .ledger
        .transfer(ops, home.households, crew, Purpose::Wage)?;
    outlay += fuel + crew;

    // The monitors.
    let at_sea = route == SeaRoute::ShipToShip;
    let ais_off = rng.random_bool(ais_off_share(world, fleet_index, route));
    if ais_off {
        let dark = Fen::from_cny(dark_voyage_cost_cny(params));
        world.ledger.transfer(
            ops,
            world.accounts.foreign_counterparties,
            dark,
            Purpose::Purchase,
        )?;
        outlay += dark;
    }
    let night = at_sea && rng.random_bool(m.night_share);
    let seen = world.ships.detection
        [detection_row(m.class_cell(fleet_index, class), route, ais_off, night)];
    let detected = rng.random_bool((seen * events.risk).min(1.0));
    let interdicted = detected && rng.random_bool(interdiction_probability(&m.monitors, route));
    let voyage = Voyage {
        route,
        detected,
        interdicted,
    };

    // The payment that changes hands at the transfer, and the resale of an import.
    let factor = price_factor(rng, m.price_sigma);
    let payment = if export {
        Fen::from_cny(load * option.price_cny_per_unit * factor)
    } else {
        Fen::from_cny(load * option.price_cny_per_unit)
    };
    let resale = Fen::from_cny(load * good.home_price_cny_per_unit * factor);
    let site = match route {
        SeaRoute::ShipToShip => m.sts_zone,
        SeaRoute::PortDelivery => cargo.port,
    };
    let key = |outcome| FlowKey {
        channel: Channel::Maritime,
        mode: Mode::Ship,
        site,
        good: fleet.good,
        outcome,
    };
    let quantity = round_to_i64(load);

    if interdicted {
        // The load and the payment changing hands are seized; the ship is lost and the
        // operator buys a replacement of the class it now prefers, which arrives after
        // `ship_replacement_days`.
        let payer = if export { counterparty } else { ops };
        world
            .ledger
            .transfer(payer, interdictors, payment, Purpose::Seizure)?;
        let bought = replacement_class(world, params, m, fleet_index, rng);
        let replacement = Fen::from_cny(fleet.hull(bought).ship_value_cny);
        world.ledger.transfer(
            ops,
            world.accounts.foreign_counterparties,
            replacement,
            Purpose::Purchase,
        )?;
        let (lost, new) = (
            m.class_cell(fleet_index, class),
            m.class_cell(fleet_index, bought),
        );
        world.ships.ships_by_class[lost] -= 1;
        world.ships.ships_by_class[new] += 1;
        world.ships.class[ship] = bought as u16;
        world.ships.load[ship] = load_units(params, fleet_index, bought);
        world.metrics.add_ship_bought(month, new);
        let seized_value = if export { payment } else { resale };
        world
            .metrics
            .record_flow(key(Outcome::Seized), quantity, seized_value);
        // The replacement arrives after `ship_replacement_days`, and never before the
        // voyage would have ended.
        world.ships.busy_days[ship] = m.ship_replacement_days.max(option.days);
        if let Some(c) = option.counterpart {
            let counterpart = &m.counterparts[world.ships.counterpart_fleet[c] as usize];
            let voyage = counterpart.voyage_days.round().max(1.0) as u32;
            world.ships.counterpart_away_days[c] = m.ship_replacement_days.max(voyage);
            world.ships.counterpart_room[c] = 0.0;
        }
        let tally = world.metrics.sea_month(month, fleet.good, route);
        tally.interdicted_value += payment;
    } else {
        let revenue = if export {
            world
                .ledger
                .transfer(counterparty, ops, payment, Purpose::Sale)?;
            payment
        } else {
            world
                .ledger
                .transfer(ops, counterparty, payment, Purpose::Purchase)?;
            outlay += payment;
            world
                .ledger
                .transfer(world.accounts.domestic_buyers, ops, resale, Purpose::Sale)?;
            resale
        };
        world
            .metrics
            .record_flow(key(Outcome::Delivered), quantity, revenue);
        world.ships.busy_days[ship] = option.days;
        if let Some(c) = option.counterpart {
            let counterpart = &m.counterparts[world.ships.counterpart_fleet[c] as usize];
            world.ships.counterpart_room[c] -= load;
            if world.ships.counterpart_room[c]
                < world.ships.counterpart_smallest_load[world.ships.counterpart_fleet[c] as usize]
            {
                world.ships.counterpart_away_days[c] =
                    counterpart.voyage_days.round().max(1.0) as u32;
            }
        }
        let profit = revenue - outlay;
        if profit > Fen::ZERO {
            let company_take = profit.share(m.company_share);
            let to_room39 = company_take.share(m.room39_share);
            world.ledger.transfer(
                ops,
                world.accounts.sea_companies,
                company_take - to_room39,
                Purpose::Fee,
            )?;
            world
                .ledger
                .transfer(ops, world.accounts.room39, to_room39, Purpose::Remittance)?;
        }
    }
    record(world, params, month, fleet_index, quantity, &voyage);
    Ok(())
}

/// Tallies the voyage in the monitors' view, updates how often the operator has learned
/// its ships are seen on the route and revises its tactics there.
fn record(
    world: &mut World,
    params: &ModelParams,
    month: usize,
    fleet: usize,
    quantity: i64,
    voyage: &Voyage,
) {
    let m = params.maritime.as_ref().expect("maritime channel");
    let good = m.fleets[fleet].good;
    let tally = world.metrics.sea_month(month, good, voyage.route);
    tally.transfers += 1;
    tally.true_quantity += quantity;
    if voyage.detected {
        tally.detected_transfers += 1;
        tally.observed_quantity += quantity;
    }
    if voyage.interdicted {
        tally.interdicted_transfers += 1;
        tally.interdicted_quantity += quantity;
    }
    let cell = fleet * SeaRoute::ALL.len() + voyage.route as usize;
    let ships = &mut world.ships;
    let seen = &mut ships.learned_detection[cell];
    *seen += m.risk_learning_rate * (f64::from(u8::from(voyage.detected)) - *seen);
    (ships.dark_share[cell], ships.supervision_factor[cell]) =
        m.tactics(params.adaptation.as_ref(), *seen);
}

/// The interdiction risk a fleet's operator expects on a route: how often it has learned
/// its ships are seen there, times the chance that a sighting ends in interdiction.
pub fn learned_risk(world: &World, m: &Maritime, fleet: usize, route: SeaRoute) -> f64 {
    learned_detection(world, fleet, route) * interdiction_probability(&m.monitors, route)
}

/// How often a fleet's operator has learned its ships are seen on a route.
fn learned_detection(world: &World, fleet: usize, route: SeaRoute) -> f64 {
    world.ships.learned_detection[fleet * SeaRoute::ALL.len() + route as usize]
}

/// The share of a fleet's voyages on a route made dark (AIS off, identity disguised), as
/// its operator last revised it ([`crate::params::Maritime::tactics`]).
pub fn ais_off_share(world: &World, fleet: usize, route: SeaRoute) -> f64 {
    world.ships.dark_share[fleet * SeaRoute::ALL.len() + route as usize]
}

/// The factor on a fleet's supervision payments on a route: the events' factor times the
/// price of protection's response to what the operator has learned there (see
/// [`crate::params::Maritime::tactics`]).
fn supervision_factor(world: &World, fleet: usize, route: SeaRoute, events: Conditions) -> f64 {
    events.bribe * learned_supervision(world, fleet, route)
}

/// The price of protection's factor on a fleet's supervision payments on a route, from
/// what its operator has learned there.
fn learned_supervision(world: &World, fleet: usize, route: SeaRoute) -> f64 {
    world.ships.supervision_factor[fleet * SeaRoute::ALL.len() + route as usize]
}

/// What a dark voyage costs (nothing without `[adaptation]`).
fn dark_voyage_cost_cny(params: &ModelParams) -> f64 {
    params.adaptation.map_or(0.0, |a| a.dark_voyage_cost_cny)
}

fn interdiction_probability(monitors: &Monitors, route: SeaRoute) -> f64 {
    match route {
        SeaRoute::ShipToShip => monitors.interdiction_probability_at_sea,
        SeaRoute::PortDelivery => monitors.interdiction_probability_in_port,
    }
}

/// One year of a capped import, over the months the cap was in force: the barrels they
/// allowed, what truly arrived in them, and what a panel counting the detected deliveries
/// would report.
#[derive(Clone, Debug, PartialEq)]
pub struct CapYear {
    /// Calendar year.
    pub year: i16,
    /// Months of the year in the horizon.
    pub months: usize,
    /// Of those, the months the cap was in force.
    pub capped_months: usize,
    /// The barrels the capped months allowed, in the good's unit
    /// ([`ImportCap::barrels_in_month`]).
    pub cap: f64,
    /// Delivered by sea in the capped months (the truth, from the flows).
    pub true_delivered: f64,
    /// Delivered in the capped months' transfers the monitors detected (their view).
    pub reported: f64,
}

/// A capped import by year: the truth from the flows, the reported figure from the
/// monitors' tallies only, both over the months the cap was in force. Empty when the
/// scenario has no cap.
pub fn imports_against_cap(params: &ModelParams, result: &ReplicateResult) -> Vec<CapYear> {
    let Some(cap) = params.maritime.as_ref().and_then(|m| m.cap.as_ref()) else {
        return Vec::new();
    };
    let allowed: Vec<Option<f64>> = result
        .months
        .iter()
        .map(|&m| cap.barrels_in_month(m))
        .collect();
    let mut years: Vec<CapYear> = Vec::new();
    // Each month's place in `years` when the cap was in force in it.
    let mut capped_year: Vec<Option<usize>> = Vec::with_capacity(allowed.len());
    for (month, barrels) in result.months.iter().zip(&allowed) {
        if years.last().is_none_or(|y| y.year != month.year) {
            years.push(CapYear {
                year: month.year,
                months: 0,
                capped_months: 0,
                cap: 0.0,
                true_delivered: 0.0,
                reported: 0.0,
            });
        }
        let index = years.len() - 1;
        let year = &mut years[index];
        year.months += 1;
        if let Some(barrels) = barrels {
            year.capped_months += 1;
            year.cap += barrels;
        }
        capped_year.push(barrels.map(|_| index));
    }
    for flow in result.flows.iter().filter(|f| {
        f.key.channel == Channel::Maritime
            && f.key.good == cap.good
            && f.key.outcome == Outcome::Delivered
    }) {
        if let Some(y) = capped_year[flow.month] {
            years[y].true_delivered += flow.quantity as f64;
        }
    }
    for o in result.observed.iter().filter(|o| o.good == cap.good) {
        if let Some(y) = capped_year[o.month] {
            years[y].reported += o.observed_delivered() as f64;
        }
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    fn monitors() -> Monitors {
        Monitors {
            satellite_revisits_per_day: 2.0,
            satellite_detection_per_pass: 0.5,
            aircraft_patrol_hours_per_day: 4.0,
            aircraft_sightings_per_hour: 0.3,
            ais_off_detection_factor: 0.5,
            night_detection_factor: 0.4,
            port_inspection_probability: 0.1,
            interdiction_probability_at_sea: 0.05,
            interdiction_probability_in_port: 0.1,
        }
    }

    #[test]
    fn no_coverage_no_detection_at_sea_and_only_inspection_in_port() {
        let blind = Monitors {
            satellite_revisits_per_day: 0.0,
            aircraft_patrol_hours_per_day: 0.0,
            ..monitors()
        };
        assert_eq!(
            detection_probability(&blind, SeaRoute::ShipToShip, 20.0, false, false),
            0.0
        );
        let p = detection_probability(&blind, SeaRoute::PortDelivery, 20.0, false, false);
        assert!((p - 0.1).abs() < 1e-12);
    }
}
