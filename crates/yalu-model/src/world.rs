//! The state of one replicate: calendar, ledger and accounts, and the populations stored
//! as columns (struct of arrays) so that daily loops touch contiguous memory and allocate
//! nothing.

use rand::RngExt;
use rand_distr::{Distribution, Normal};

use crate::calendar::Calendar;
use crate::ledger::{AccountId, ActorClass, Ledger};
use crate::observe::Metrics;
use crate::params::{ModelParams, SiteId};
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
    /// Today's rice price at each site.
    pub rice_price_cny_per_kg: Vec<f64>,
    /// What each site's border guard unit took this month, before passing part up.
    pub guard_take_this_month: Vec<Fen>,
    /// Monthly observations.
    pub metrics: Metrics,
    /// Scratch space for per-site sums, reused every day.
    pub spent_at_site: Vec<Fen>,
}

/// The accounts of the actor classes.
#[derive(Clone, Debug)]
pub struct Accounts {
    /// Chinese buyers across the river.
    pub chinese_merchants: AccountId,
    /// Senior border guard officials.
    pub border_guard_command: AccountId,
    /// The centre of the chains.
    pub centre: AccountId,
    /// Accounts held at each site, indexed by [`SiteId`].
    pub at_site: Vec<SiteAccounts>,
}

/// The accounts of the actors at one site.
#[derive(Clone, Copy, Debug)]
pub struct SiteAccounts {
    /// Sellers of goods to the donju.
    pub suppliers: AccountId,
    /// The donju running operations here.
    pub donju: AccountId,
    /// The porters working here (their individual cash is in [`Porters::cash`]).
    pub porters: AccountId,
    /// The border guard unit.
    pub border_guards: AccountId,
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
        let accounts = Accounts {
            chinese_merchants: ledger.open(ActorClass::ChineseMerchants, None),
            border_guard_command: ledger.open(ActorClass::BorderGuardCommand, None),
            centre: ledger.open(ActorClass::Centre, None),
            at_site: (0..params.sites.len() as u16)
                .map(|s| {
                    let site = Some(SiteId(s));
                    SiteAccounts {
                        suppliers: ledger.open(ActorClass::Suppliers, site),
                        donju: ledger.open(ActorClass::Donju, site),
                        porters: ledger.open(ActorClass::Porters, site),
                        border_guards: ledger.open(ActorClass::BorderGuards, site),
                        rice_traders: ledger.open(ActorClass::RiceTraders, site),
                    }
                })
                .collect(),
        };

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
                let strength_kg = strength.sample(population_rng).round().max(0.0) as u32;
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

        // Start each market at its long-run price, give or take a little.
        let rice_price_cny_per_kg = (0..params.sites.len())
            .map(|_| params.market.rice_price_cny_per_kg * population_rng.random_range(0.95..1.05))
            .collect();

        let metrics = Metrics::new(params, calendar.months().len());
        World {
            calendar,
            ledger,
            accounts,
            porters,
            crews,
            rice_price_cny_per_kg,
            guard_take_this_month: vec![Fen::ZERO; params.sites.len()],
            metrics,
            spent_at_site: vec![Fen::ZERO; params.sites.len()],
        }
    }
}
