//! The state of one replicate: calendar, ledger and accounts, and the populations stored
//! as columns (struct of arrays) so that daily loops touch contiguous memory and allocate
//! nothing.

use rand::RngExt;
use rand_distr::{Distribution, Normal};

use crate::calendar::Calendar;
use crate::ledger::{AccountId, ActorClass, Ledger};
use crate::observe::Metrics;
use crate::params::{Agency, BureauId, ModelParams, SiteId};
use crate::streams::Rng;
use crate::units::Fen;

/// Everything that changes during a replicate.
#[derive(Clone, Debug)]
pub struct World {
    /// Precomputed facts about each day.
    pub calendar: Calendar,
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
    /// Scratch space for a consignment's options, reused by every plan.
    pub option_scratch: Vec<crate::process::state_smuggling::TradeOption>,
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
    /// The porters working here (their individual cash is in [`Porters::cash`]).
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
    /// Pay not yet spent.
    pub cash: Vec<Fen>,
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
}

impl World {
    /// The initial state: accounts opened, porters drawn, no one hired yet.
    pub fn new(params: &ModelParams, population_rng: &mut Rng) -> World {
        let calendar = Calendar::new(
            params.first_day,
            params.last_day,
            params.ice_season,
            &params.phases,
        );
        let mut ledger = Ledger::new(calendar.months().len());
        let accounts = open_accounts(&mut ledger, params);
        let (porters, crews) = draw_porters(params, population_rng);

        let crossings = params.crossings.len();
        let mut companies = Companies::default();
        for (b, bureau) in params.state_trade.bureaus.iter().enumerate() {
            for _ in 0..bureau.companies {
                companies.bureau.push(BureauId(b as u16));
                companies
                    .account
                    .push(ledger.open(ActorClass::TradingCompanies, None));
            }
        }
        companies.learned_risk =
            vec![params.state_trade.prior_seizure_risk; companies.bureau.len() * crossings];

        let sites = params.sites.len();
        let markets = Markets {
            // Start each rice market within 5% of its long-run price.
            rice_price_cny_per_kg: (0..sites)
                .map(|_| {
                    params.market.rice_price_cny_per_kg * population_rng.random_range(0.95..1.05)
                })
                .collect(),
            essentials_price_cny_per_kg: vec![
                params.goods[params.households.good.0 as usize]
                    .home_price_cny_per_unit;
                sites
            ],
            essentials_supply_kg_per_day: crate::process::livelihood::normal_supply(params),
            essentials_normal_supply_kg_per_day: crate::process::livelihood::normal_supply(params),
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
            enforcement: params.enforcement.scheduled(params.first_day),
            loads_left_tonight: vec![0; crossings],
            quota_left: vec![
                0.0;
                params.state_trade.bureaus.len() * params.state_trade.goods.len()
            ],
            official_take_this_month: vec![[Fen::ZERO; 4]; sites],
            metrics,
            spent_at_site: vec![Fen::ZERO; sites],
            option_scratch: Vec::with_capacity(crossings + 1),
        }
    }
}

fn open_accounts(ledger: &mut Ledger, params: &ModelParams) -> Accounts {
    Accounts {
        chinese_merchants: ledger.open(ActorClass::ChineseMerchants, None),
        domestic_buyers: ledger.open(ActorClass::DomesticBuyers, None),
        room39: ledger.open(ActorClass::Room39, None),
        centre: ledger.open(ActorClass::Centre, None),
        seniors: Agency::ALL.map(|agency| ledger.open(ActorClass::senior_of(agency), None)),
        bureaus: params
            .state_trade
            .bureaus
            .iter()
            .map(|_| ledger.open(ActorClass::TradingBureaus, None))
            .collect(),
        at_site: (0..params.sites.len() as u16)
            .map(|s| {
                let site = Some(SiteId(s));
                SiteAccounts {
                    suppliers: ledger.open(ActorClass::Suppliers, site),
                    donju: ledger.open(ActorClass::Donju, site),
                    porters: ledger.open(ActorClass::Porters, site),
                    officials: Agency::ALL
                        .map(|agency| ledger.open(ActorClass::unit_of(agency), site)),
                    households: ledger.open(ActorClass::Households, site),
                    market_buyers: ledger.open(ActorClass::MarketBuyers, site),
                    rice_traders: ledger.open(ActorClass::RiceTraders, site),
                }
            })
            .collect(),
    }
}

fn draw_porters(params: &ModelParams, rng: &mut Rng) -> (Porters, Crews) {
    let porter = &params.porter;
    let strength = Normal::new(porter.strength_mean_kg, porter.strength_sd_kg)
        .expect("validated: finite mean and non-negative spread");
    let mut porters = Porters::default();
    let mut crews = Crews {
        hireable_at_site: vec![Vec::new(); params.sites.len()],
        ..Crews::default()
    };
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
        }
    }
    let n = porters.len();
    porters.hired = vec![false; n];
    porters.cash = vec![Fen::ZERO; n];
    (porters, crews)
}
