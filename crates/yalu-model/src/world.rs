//! The state of one replicate: calendar, ledger and accounts, and the populations stored
//! as columns (struct of arrays) so that daily loops touch contiguous memory and allocate
//! nothing.

use std::sync::Arc;

use rand::RngExt;
use rand_distr::{Distribution, Normal};

use crate::calendar::Calendar;
use crate::ledger::{AccountId, ActorClass, Ledger, Purse};
use crate::observe::{Metrics, SeaRoute};
use crate::params::{Agency, BureauId, Finance, ModelParams, SiteId, TradeMode};
use crate::streams::Rng;
use crate::units::Fen;

/// Everything that changes during a replicate.
#[derive(Clone, Debug)]
pub struct World {
    /// Precomputed facts about each day.
    /// Shared by the replicates of one parameter set ([`crate::engine::Setup`]): it depends
    /// on the parameters only.
    pub calendar: Arc<Calendar>,
    /// The books.
    pub ledger: Ledger,
    /// Who holds which account.
    pub accounts: Accounts,
    /// Porters, one row each.
    pub porters: Porters,
    /// Porter crews, one row each.
    pub crews: Crews,
    /// Trading companies, one row each.
    pub companies: Companies,
    /// Markets at each site.
    pub markets: Markets,
    /// Today's Chinese border enforcement level in [0, 1].
    pub enforcement: f64,
    /// Workers abroad today (a stock of expected numbers, moved by daily flows).
    pub workers_abroad: f64,
    /// What the workers abroad have saved of their kept pay to bring home, in yuan (part
    /// of the overseas workers' balance, not money of its own).
    pub workers_savings_cny: f64,
    /// Loads still able to cross tonight at each crossing (index as `params.crossings`).
    pub loads_left_tonight: Vec<u32>,
    /// Units Room 39 still wants moved this month, by bureau then state good.
    pub quota_left: Vec<f64>,
    /// What each agency's unit at each site took this month, before passing part up.
    pub official_take_this_month: Vec<[Fen; 4]>,
    /// Monthly observations.
    pub metrics: Metrics,
    /// Scratch space for per-site sums, reused every day.
    pub spent_at_site: Vec<Fen>,
    /// Each embassy's unremitted cash.
    pub embassy_cash: Vec<Fen>,
    /// Drugs made and not yet sold: heroin, methamphetamine.
    pub drug_stock_kg: [f64; 2],
    /// Ships at sea and the operators' learned risk.
    pub ships: Ships,
    /// Declared orders waiting to be filled, in US dollars, by category then mode.
    pub declared_backlog_usd: Vec<f64>,
}

/// The accounts of the actor classes.
#[derive(Clone, Debug)]
pub struct Accounts {
    /// Chinese buyers and sellers across the border.
    pub chinese_merchants: AccountId,
    /// North Korean buyers of imported goods.
    pub domestic_buyers: AccountId,
    /// Room 39.
    pub room39: AccountId,
    /// The centre of the chains, and the customs levy.
    pub centre: AccountId,
    /// Senior officials of each agency, in [`Agency::ALL`] order.
    pub seniors: [AccountId; 4],
    /// Each provincial trading bureau.
    pub bureaus: Vec<AccountId>,
    /// Foreign buyers, employers and partners.
    pub foreign_counterparties: AccountId,
    /// Room 39's officials abroad.
    pub room39_abroad: AccountId,
    /// Ship captains carrying cash.
    pub ship_captains: AccountId,
    /// Foreign police and customs.
    pub foreign_authorities: AccountId,
    /// Embassies.
    pub diplomats: AccountId,
    /// Workers abroad.
    pub overseas_workers: AccountId,
    /// State drug traffickers.
    pub drug_traffickers: AccountId,
    /// Operators of North Korean ships.
    pub shipping_operators: AccountId,
    /// The trading companies the ship operators work for.
    pub sea_companies: AccountId,
    /// Chinese and foreign ships trading at sea.
    pub chinese_ships_at_sea: AccountId,
    /// Party officials supervising ships.
    pub party_officials: AccountId,
    /// Sanctions enforcers at sea and in ports.
    pub interdictors: AccountId,
    /// Moneylenders who lend the donju working capital.
    pub moneylenders: AccountId,
    /// The trading companies in declared trade.
    pub declared_traders: AccountId,
    /// The producers selling declared exports (no site: they ship from everywhere).
    pub declared_suppliers: AccountId,
    /// Accounts held at each site, indexed by [`SiteId`].
    pub at_site: Vec<SiteAccounts>,
}

/// The accounts of the actors at one site.
#[derive(Clone, Copy, Debug)]
pub struct SiteAccounts {
    /// Sellers of export goods.
    pub suppliers: AccountId,
    /// The donju operating here.
    pub donju: AccountId,
    /// The porters working here (their individual pay not yet spent is in
    /// [`Crews::member_cash`]).
    pub porters: AccountId,
    /// The officials' units, in [`Agency::ALL`] order.
    pub officials: [AccountId; 4],
    /// The border households.
    pub households: AccountId,
    /// Residents buying essentials.
    pub market_buyers: AccountId,
    /// The rice market's sellers.
    pub rice_traders: AccountId,
}

/// Porters as columns; row `i` of every column is porter `i`.
#[derive(Clone, Debug, Default)]
pub struct Porters {
    /// Where the porter lives and works.
    pub site: Vec<SiteId>,
    /// The most the porter can carry on a run.
    pub strength_kg: Vec<u32>,
    /// Whether a crew hired the porter this month.
    pub hired: Vec<bool>,
    /// How many porters living at each site a crew hired this month (counted as `hired`
    /// is set, so the month's close need not count them again).
    pub hired_at_site: Vec<u32>,
    /// The pay not yet spent at each site: the sum of the site's members' cash.
    pub paid_at_site: Vec<Fen>,
}

impl Porters {
    /// Number of porters.
    pub fn len(&self) -> usize {
        self.site.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.site.is_empty()
    }
}

/// Porter crews as columns; each belongs to one donju operation at one site.
#[derive(Clone, Debug, Default)]
pub struct Crews {
    /// Where the crew crosses.
    pub site: Vec<SiteId>,
    /// This month's members (porter rows). Capacity is reserved once, so hiring allocates
    /// nothing after the first month.
    pub members: Vec<Vec<u32>>,
    /// What each of this month's members carries on a run, in kg, in `members` order
    /// (set at hiring).
    pub member_kg: Vec<Vec<u32>>,
    /// Each member's pay not yet spent, in `members` order. A porter is in one crew at
    /// most in a month and spends the day's pay the same day, so the member's slot is the
    /// porter's purse; keeping it beside the crew lets a run touch only its own members.
    pub member_cash: Vec<Vec<Fen>>,
    /// The crews paid since the pay was last spent.
    pub paid: Vec<u32>,
    /// What this month's members carry together on a run, in kg (set at hiring).
    pub load_kg: Vec<u64>,
    /// For each site, the porters strong enough to be hired, reshuffled every month.
    pub hireable_at_site: Vec<Vec<u32>>,
}

/// Trading companies as columns.
#[derive(Clone, Debug, Default)]
pub struct Companies {
    /// The bureau each belongs to.
    pub bureau: Vec<BureauId>,
    /// Each company's account.
    pub account: Vec<AccountId>,
    /// Seizure risk each company has learned at each crossing: row-major, company by
    /// crossing.
    pub learned_risk: Vec<f64>,
    /// Net margin (profit over the value sent, -1 and below for a seizure) each company
    /// has learned on each state good (`[adaptation]`): row-major, company by good,
    /// starting at 0 (nothing learned favours no good).
    pub learned_margin: Vec<f64>,
    /// The factor each company's taste puts on each good's weight, from its learned margin
    /// ([`crate::params::Adaptation::goods_factor`]; 1 without `[adaptation]`): revised
    /// when the margin is, so the daily draw of a good computes no exponential.
    pub goods_taste: Vec<f64>,
}

/// Ships as columns: the North Korean fleets' ships (one row each), the counterpart ships
/// at sea (one row each), and each operator's learned interdiction risk.
#[derive(Clone, Debug, Default)]
pub struct Ships {
    /// Fleet of each North Korean ship (index into `maritime.fleets`).
    pub fleet: Vec<u16>,
    /// Class of each North Korean ship within its fleet (0: the fleet's own figures;
    /// [`crate::params::Fleet::hull`]).
    pub class: Vec<u16>,
    /// Each North Korean ship's full load, its class's
    /// ([`crate::process::maritime::load_units`]), kept with its class: every ship in port
    /// looks it up every day.
    pub load: Vec<f64>,
    /// The chance a transfer is detected ([`crate::process::maritime::detection_probability`])
    /// for each class of each fleet, route, AIS on or off and day or night
    /// ([`crate::process::maritime::detection_row`]), worked out once for every voyage.
    pub detection: Vec<f64>,
    /// Ships of each class of each fleet, fleet by fleet and class by class
    /// ([`crate::params::Maritime::class_cell`]).
    pub ships_by_class: Vec<u32>,
    /// Days until the ship is back in port and free to sail (0: in port). An interdicted
    /// ship is out until it is replaced.
    pub busy_days: Vec<u32>,
    /// Fleet of each counterpart ship (index into `maritime.counterparts`).
    pub counterpart_fleet: Vec<u16>,
    /// Days until the counterpart ship is back at the zone (0: at the zone).
    pub counterpart_away_days: Vec<u32>,
    /// What each counterpart ship can still take (receiving ships) or sell (supply
    /// tankers), in its goods' unit.
    pub counterpart_room: Vec<f64>,
    /// Below what room each counterpart fleet's ships sail off to unload (or reload): the
    /// smallest full load of any ship that trades with them.
    pub counterpart_smallest_load: Vec<f64>,
    /// How often each fleet's ships have been seen on each route, as its operator has
    /// learned it (a moving average over voyages): row-major, fleet by route (`SeaRoute`
    /// order).
    pub learned_detection: Vec<f64>,
    /// The share of each fleet's voyages on each route made dark, revised whenever its
    /// operator learns (same layout; [`crate::params::Maritime::tactics`]).
    pub dark_share: Vec<f64>,
    /// The factor on each fleet's supervision payments on each route, revised with it.
    pub supervision_factor: Vec<f64>,
}

impl Ships {
    /// The ships at the start: every fleet's ships in port, every counterpart ship at the
    /// zone with a full hold (supply tankers) or an empty one (receiving ships).
    pub fn launch(params: &ModelParams) -> Ships {
        let mut ships = Ships::default();
        let Some(m) = &params.maritime else {
            return ships;
        };
        for (f, fleet) in m.fleets.iter().enumerate() {
            for class in 0..fleet.classes() {
                let count = fleet.ships_of(class);
                let load = crate::process::maritime::load_units(params, f, class);
                for _ in 0..count {
                    ships.fleet.push(f as u16);
                    ships.class.push(class as u16);
                    ships.load.push(load);
                }
                ships.ships_by_class.push(count);
            }
        }
        ships.detection = crate::process::maritime::detection_table(m);
        ships.busy_days = vec![0; ships.fleet.len()];
        for (c, counterpart) in m.counterparts.iter().enumerate() {
            for _ in 0..counterpart.ships {
                ships.counterpart_fleet.push(c as u16);
                ships
                    .counterpart_room
                    .push(params.counterpart_capacity_units(counterpart));
            }
        }
        ships.counterpart_away_days = vec![0; ships.counterpart_fleet.len()];
        ships.counterpart_smallest_load = m
            .counterparts
            .iter()
            .map(|c| crate::process::maritime::smallest_load(params, m, c))
            .collect();
        let cells = m.fleets.len() * SeaRoute::ALL.len();
        ships.learned_detection = vec![m.prior_detection_probability; cells];
        let (dark, supervision) =
            m.tactics(params.adaptation.as_ref(), m.prior_detection_probability);
        ships.dark_share = vec![dark; cells];
        ships.supervision_factor = vec![supervision; cells];
        ships
    }
}

/// The border markets at each site.
#[derive(Clone, Debug, Default)]
pub struct Markets {
    /// Today's rice price.
    pub rice_price_cny_per_kg: Vec<f64>,
    /// Today's essentials price.
    pub essentials_price_cny_per_kg: Vec<f64>,
    /// Essentials reaching the market, smoothed over recent days.
    pub essentials_supply_kg_per_day: Vec<f64>,
    /// The supply in normal times, against which shortfalls are measured.
    pub essentials_normal_supply_kg_per_day: Vec<f64>,
    /// Today's won price of rice (the rice market's own price; the yuan price follows).
    pub rice_price_kpw_per_kg: Vec<f64>,
    /// Today's won per yuan.
    pub won_per_cny: Vec<f64>,
    /// Foreign money reaching the border markets last month over its normal level (1
    /// until the normal level is known).
    pub fx_supply_ratio: f64,
    /// Foreign money wanted for imports last month over its normal level.
    pub fx_demand_ratio: f64,
    /// Over the reference months, by calendar month: the foreign money reaching the
    /// markets, that wanted for imports, and the months added up.
    pub fx_reference: [[f64; 3]; 12],
    /// Workers' savings brought home this month, in yuan, which reach the markets when
    /// the month closes.
    pub savings_home_cny: f64,
    /// Declared imports sold as essentials in the markets today, pooled over the sites,
    /// which join the supply when it is smoothed.
    pub declared_essentials_kg_today: f64,
    /// Each site's share of them ([`ModelParams::declared_essentials_site_shares`]).
    pub declared_essentials_site_share: Vec<f64>,
    /// Declared imports sold in the markets this month, in US dollars, which the rice
    /// market reads when the month closes.
    pub declared_market_usd_this_month: f64,
    /// Last month's declared imports sold in the markets over their normal value (1 until
    /// a month has closed, or without any).
    pub food_import_ratio: f64,
}

impl World {
    /// The calendar of `params`: their days and the conditions their events set.
    pub fn calendar_of(params: &ModelParams) -> Calendar {
        Calendar::new(
            params.first_day,
            params.last_day,
            params.ice_season,
            &params.events,
            params.sites.len(),
            params.goods.len(),
            params
                .declared_trade
                .as_ref()
                .map_or(0, |d| d.categories.len()),
        )
    }

    /// The initial state: accounts opened, porters drawn, no one hired yet.
    pub fn new(params: &ModelParams, population_rng: &mut Rng) -> World {
        World::on(params, Arc::new(World::calendar_of(params)), population_rng)
    }

    /// [`World::new`] on `calendar`, made by [`World::calendar_of`] for `params`.
    pub fn on(params: &ModelParams, calendar: Arc<Calendar>, population_rng: &mut Rng) -> World {
        let mut ledger = Ledger::new();
        let accounts = open_accounts(&mut ledger, params);
        let (porters, crews) = draw_porters(params, population_rng);

        let crossings = params.crossings.len();
        let mut companies = Companies::default();
        let mut quotas = 0;
        if let Some(trade) = &params.state_trade {
            for (b, bureau) in trade.bureaus.iter().enumerate() {
                for _ in 0..bureau.companies {
                    companies.bureau.push(BureauId(b as u16));
                    companies
                        .account
                        .push(ledger.open(ActorClass::TradingCompanies, None));
                }
            }
            companies.learned_risk =
                vec![trade.prior_seizure_risk; companies.bureau.len() * crossings];
            companies.learned_margin = vec![0.0; companies.bureau.len() * trade.goods.len()];
            let taste = params.adaptation.map_or(1.0, |a| a.goods_factor(0.0));
            companies.goods_taste = vec![taste; companies.learned_margin.len()];
            quotas = trade.bureaus.len() * trade.goods.len();
        }

        let sites = params.sites.len();
        let markets = Markets {
            // Start each rice market within 5% of its long-run price.
            rice_price_cny_per_kg: (0..sites)
                .map(|_| {
                    params.market.rice_price_cny_per_kg * population_rng.random_range(0.95..1.05)
                })
                .collect(),
            essentials_price_cny_per_kg: vec![
                params.households.as_ref().map_or(f64::NAN, |h| {
                    params.goods[h.good.0 as usize].home_price_cny_per_unit
                });
                sites
            ],
            essentials_supply_kg_per_day: params.essentials_normal_supply_kg_per_day(),
            essentials_normal_supply_kg_per_day: params.essentials_normal_supply_kg_per_day(),
            rice_price_kpw_per_kg: Vec::new(),
            won_per_cny: vec![params.market.won_per_cny; sites],
            fx_supply_ratio: 1.0,
            fx_demand_ratio: 1.0,
            fx_reference: [[0.0; 3]; 12],
            savings_home_cny: 0.0,
            declared_essentials_kg_today: 0.0,
            declared_essentials_site_share: params.declared_essentials_site_shares(),
            declared_market_usd_this_month: 0.0,
            food_import_ratio: 1.0,
        };
        let markets = Markets {
            rice_price_kpw_per_kg: markets
                .rice_price_cny_per_kg
                .iter()
                .map(|p| p * params.market.won_per_cny)
                .collect(),
            ..markets
        };

        let metrics = Metrics::new(params, calendar.months().len());
        World {
            calendar,
            ledger,
            accounts,
            porters,
            crews,
            companies,
            markets,
            enforcement: params
                .enforcement
                .as_ref()
                .map_or(0.0, |e| e.scheduled(params.first_day)),
            workers_abroad: params.labour.map_or(0.0, |l| f64::from(l.workers_at_start)),
            workers_savings_cny: params.labour.map_or(0.0, |l| {
                l.savings_at_start_cny(params.exchange.cny_per_usd(params.first_day))
            }),
            loads_left_tonight: vec![0; crossings],
            quota_left: vec![0.0; quotas],
            official_take_this_month: vec![[Fen::ZERO; 4]; sites],
            metrics,
            spent_at_site: vec![Fen::ZERO; sites],
            embassy_cash: vec![
                Fen::ZERO;
                params
                    .diplomats
                    .as_ref()
                    .map_or(0, |d| d.embassies as usize)
            ],
            drug_stock_kg: [0.0; 2],
            ships: Ships::launch(params),
            declared_backlog_usd: vec![
                0.0;
                params
                    .declared_trade
                    .as_ref()
                    .map_or(0, |d| d.categories.len() * TradeMode::ALL.len())
            ],
        }
    }
}

/// The purses of the actors who pay before they are paid (see [`Finance`]); without a
/// `[finance]` section they start empty and cannot borrow.
struct Purses<'p> {
    finance: Option<&'p Finance>,
    households_at_site: &'p [u32],
}

impl Purses<'_> {
    fn cash(cny: f64) -> Purse {
        Purse {
            opening: Fen::from_cny(cny),
            credit_limit: Fen::ZERO,
        }
    }

    fn donju(&self) -> Purse {
        self.finance.map_or_else(Purse::default, |f| Purse {
            opening: Fen::from_cny(f.donju_opening_cny_per_site),
            credit_limit: Fen::from_cny(f.donju_credit_limit_cny_per_site),
        })
    }

    fn households(&self, site: usize) -> Purse {
        let households = self.households_at_site.get(site).copied().unwrap_or(0);
        self.finance.map_or_else(Purse::default, |f| {
            Self::cash(f.households_savings_cny_per_household * f64::from(households))
        })
    }

    fn shipping_operators(&self) -> Purse {
        self.finance.map_or_else(Purse::default, |f| {
            Self::cash(f.shipping_operators_opening_cny)
        })
    }
}

fn open_accounts(ledger: &mut Ledger, params: &ModelParams) -> Accounts {
    let purses = Purses {
        finance: params.finance.as_ref(),
        households_at_site: params
            .households
            .as_ref()
            .map_or(&[], |h| h.households_at_site.as_slice()),
    };
    Accounts {
        chinese_merchants: ledger.open(ActorClass::ChineseMerchants, None),
        domestic_buyers: ledger.open(ActorClass::DomesticBuyers, None),
        room39: ledger.open(ActorClass::Room39, None),
        centre: ledger.open(ActorClass::Centre, None),
        seniors: Agency::ALL.map(|agency| ledger.open(ActorClass::senior_of(agency), None)),
        bureaus: params
            .state_trade
            .iter()
            .flat_map(|t| &t.bureaus)
            .map(|_| ledger.open(ActorClass::TradingBureaus, None))
            .collect(),
        foreign_counterparties: ledger.open(ActorClass::ForeignCounterparties, None),
        room39_abroad: ledger.open(ActorClass::Room39Abroad, None),
        ship_captains: ledger.open(ActorClass::ShipCaptains, None),
        foreign_authorities: ledger.open(ActorClass::ForeignAuthorities, None),
        diplomats: ledger.open(ActorClass::Diplomats, None),
        overseas_workers: ledger.open(ActorClass::OverseasWorkers, None),
        drug_traffickers: ledger.open(ActorClass::DrugTraffickers, None),
        shipping_operators: ledger.open_with(
            ActorClass::ShippingOperators,
            None,
            purses.shipping_operators(),
        ),
        sea_companies: ledger.open(ActorClass::TradingCompanies, None),
        chinese_ships_at_sea: ledger.open(ActorClass::ChineseShipsAtSea, None),
        party_officials: ledger.open(ActorClass::PartyOfficials, None),
        interdictors: ledger.open(ActorClass::Interdictors, None),
        moneylenders: ledger.open(ActorClass::Moneylenders, None),
        declared_traders: ledger.open(ActorClass::DeclaredTraders, None),
        declared_suppliers: ledger.open(ActorClass::Suppliers, None),
        at_site: (0..params.sites.len() as u16)
            .map(|s| {
                let site = Some(SiteId(s));
                SiteAccounts {
                    suppliers: ledger.open(ActorClass::Suppliers, site),
                    donju: ledger.open_with(ActorClass::Donju, site, purses.donju()),
                    porters: ledger.open(ActorClass::Porters, site),
                    officials: Agency::ALL
                        .map(|agency| ledger.open(ActorClass::unit_of(agency), site)),
                    households: ledger.open_with(
                        ActorClass::Households,
                        site,
                        purses.households(s as usize),
                    ),
                    market_buyers: ledger.open(ActorClass::MarketBuyers, site),
                    rice_traders: ledger.open(ActorClass::RiceTraders, site),
                }
            })
            .collect(),
    }
}

fn draw_porters(params: &ModelParams, rng: &mut Rng) -> (Porters, Crews) {
    let mut porters = Porters::default();
    let mut crews = Crews {
        hireable_at_site: vec![Vec::new(); params.sites.len()],
        ..Crews::default()
    };
    let Some(porter) = &params.porter else {
        return (porters, crews);
    };
    let strength = Normal::new(porter.strength_mean_kg, porter.strength_sd_kg)
        .expect("validated: finite mean and non-negative spread");
    for porter_site in &porter.sites {
        for _ in 0..porter_site.applicants {
            let strength_kg = strength.sample(rng).round().max(0.0) as u32;
            if strength_kg >= porter.min_load_kg {
                crews.hireable_at_site[porter_site.site.0 as usize].push(porters.len() as u32);
            }
            porters.site.push(porter_site.site);
            porters.strength_kg.push(strength_kg);
        }
        for _ in 0..porter_site.crews {
            crews.site.push(porter_site.site);
            crews
                .members
                .push(Vec::with_capacity(porter.crew_size_max as usize));
            crews
                .member_kg
                .push(Vec::with_capacity(porter.crew_size_max as usize));
            crews
                .member_cash
                .push(Vec::with_capacity(porter.crew_size_max as usize));
            crews.load_kg.push(0);
        }
    }
    let n = porters.len();
    porters.hired = vec![false; n];
    porters.paid_at_site = vec![Fen::ZERO; params.sites.len()];
    porters.hired_at_site = vec![0; params.sites.len()];
    (porters, crews)
}
