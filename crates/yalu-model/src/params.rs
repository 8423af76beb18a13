//! The validated inputs the engine runs on. `yalu-scenario` builds these from a scenario
//! file after checking every value, so the engine trusts them.

use jiff::civil::Date;

use crate::calendar::{IceSeason, Phase};

/// Index of a site in [`ModelParams::sites`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SiteId(pub u16);

/// Index of a good in [`ModelParams::goods`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoodId(pub u16);

/// Everything one simulation needs.
#[derive(Clone, Debug)]
pub struct ModelParams {
    /// First simulated day.
    pub first_day: Date,
    /// Last simulated day (inclusive).
    pub last_day: Date,
    /// When the rivers are frozen.
    pub ice_season: IceSeason,
    /// Dated phases such as border closures.
    pub phases: Vec<Phase>,
    /// Sanctions resolutions and the goods they ban.
    pub sanctions: Vec<Sanction>,
    /// The goods catalogue.
    pub goods: Vec<Good>,
    /// Crossing sites.
    pub sites: Vec<Site>,
    /// The porter channel.
    pub porter: PorterParams,
    /// How a porter operation's profit is divided.
    pub profit_split: ProfitSplit,
    /// How officials pass their take up their chain.
    pub pass_up: PassUp,
    /// The rice market at border sites.
    pub market: MarketParams,
}

impl ModelParams {
    /// Whether a good is under a sanction in force on a date.
    pub fn sanctioned(&self, good: GoodId, date: Date) -> bool {
        self.sanctions
            .iter()
            .any(|s| s.in_force_from <= date && s.goods.contains(&good))
    }
}

/// A sanctions resolution: from a date, the listed goods may not be traded.
#[derive(Clone, Debug, PartialEq)]
pub struct Sanction {
    /// Identifier, e.g. `UNSCR 2397`.
    pub id: String,
    /// First day the ban applies.
    pub in_force_from: Date,
    /// Goods banned.
    pub goods: Vec<GoodId>,
}

/// What a good's quantities are counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuantityUnit {
    /// Kilograms (bulk goods).
    Kg,
    /// Whole items (vehicles, appliances).
    Units,
    /// Barrels (refined petroleum).
    Barrels,
}

impl QuantityUnit {
    /// The name used in output tables.
    pub fn name(self) -> &'static str {
        match self {
            QuantityUnit::Kg => "kg",
            QuantityUnit::Units => "units",
            QuantityUnit::Barrels => "barrels",
        }
    }
}

/// A good in the catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct Good {
    /// Identifier, e.g. `larch_cones`.
    pub id: String,
    /// What its quantities are counted in.
    pub unit: QuantityUnit,
}

/// A crossing site.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// Identifier, e.g. `hyesan`.
    pub id: String,
}

/// Parameters of the porter channel (Daily NK testimony).
#[derive(Clone, Debug, PartialEq)]
pub struct PorterParams {
    /// Smallest crew a donju sends.
    pub crew_size_min: u32,
    /// Largest crew of the usual kind.
    pub crew_size_typical_max: u32,
    /// Largest crew ever seen.
    pub crew_size_max: u32,
    /// Share of crews larger than the usual kind.
    pub large_crew_share: f64,
    /// Donju do not hire anyone who cannot carry this much.
    pub min_load_kg: u32,
    /// The most one porter's bags hold.
    pub max_load_kg: u32,
    /// Mean of what applicants can carry.
    pub strength_mean_kg: f64,
    /// Spread of what applicants can carry.
    pub strength_sd_kg: f64,
    /// Runs a crew makes in a month.
    pub runs_per_month: f64,
    /// Chance that Chinese or North Korean checks seize a run's goods.
    pub seizure_probability_per_run: f64,
    /// Spread of the Chinese buyers' price around its mean, as a lognormal sigma.
    pub sale_price_sigma: f64,
    /// Where porter crews operate.
    pub sites: Vec<PorterSite>,
    /// What they carry.
    pub goods: Vec<PorterGood>,
}

/// A site where porter crews work.
#[derive(Clone, Debug, PartialEq)]
pub struct PorterSite {
    /// The site.
    pub site: SiteId,
    /// Donju operations, each with one crew.
    pub crews: u32,
    /// People looking for porter work there.
    pub applicants: u32,
}

/// A good porters carry.
#[derive(Clone, Debug, PartialEq)]
pub struct PorterGood {
    /// The good.
    pub good: GoodId,
    /// Share of runs that carry it.
    pub share_of_runs: f64,
    /// What Chinese buyers pay on average.
    pub china_price_cny_per_kg: f64,
    /// What the donju pays for it on the North Korean side.
    pub supply_cost_cny_per_kg: f64,
}

/// Shares of a porter operation's profit. They sum to 1; the donju keeps what is left
/// after the border guards and the porters are paid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProfitSplit {
    /// Border guards' share.
    pub border_guards: f64,
    /// Donju's share.
    pub donju: f64,
    /// Porters' share, divided among them by weight carried.
    pub porters: f64,
}

/// Shares officials pass up their hierarchy each month.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PassUp {
    /// Share of border guard units' take passed to their command.
    pub border_guards_to_command: f64,
    /// Share of the command's receipts passed to the centre.
    pub command_to_centre: f64,
}

/// The rice market at border sites: a mean-reverting log price.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MarketParams {
    /// Long-run rice price.
    pub rice_price_cny_per_kg: f64,
    /// Daily volatility of the log price.
    pub rice_price_sigma_per_day: f64,
    /// Share of the gap to the long-run price closed each day.
    pub rice_price_reversion_per_day: f64,
}
