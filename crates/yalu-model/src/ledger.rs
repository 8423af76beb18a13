//! The double-entry ledger. Every movement of money debits one account and credits
//! another by the same number of fen, with a purpose; monthly totals by actor class and
//! purpose are kept as the money flows are recorded, so the books can be cross-checked.

use crate::params::{Agency, SiteId};
use crate::units::Fen;

/// The kinds of actor that hold accounts. Officials are split by agency and rank (unit at
/// the site, senior officials of the agency) so bribes and pass-up can be followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActorClass {
    /// Chinese private merchants and companies: buyers of exports, sellers of imports.
    ChineseMerchants,
    /// North Korean producers and gatherers who sell export goods.
    Suppliers,
    /// North Korean state enterprises and projects that buy imported goods.
    DomesticBuyers,
    /// Private financiers.
    Donju,
    /// Trading companies (foreign-currency earning agencies).
    TradingCompanies,
    /// Provincial trading bureaus.
    TradingBureaus,
    /// Room 39, the regime's fund-raising office.
    Room39,
    /// Customs officers at the sites ("mobile customs").
    Customs,
    /// Senior customs officials.
    CustomsSenior,
    /// State Security agents at the sites.
    StateSecurity,
    /// Senior State Security officials.
    StateSecuritySenior,
    /// Public Security agents at the sites.
    PublicSecurity,
    /// Senior Public Security officials.
    PublicSecuritySenior,
    /// Border guard units at the sites.
    BorderGuards,
    /// Senior border guard officials.
    BorderGuardCommand,
    /// The central authorities: customs levy and the top of the pass-up chains.
    Centre,
    /// Porters.
    Porters,
    /// Border households (livelihood smuggling, transport labour).
    Households,
    /// Residents buying essentials in the border markets.
    MarketBuyers,
    /// Rice sellers in the border markets.
    RiceTraders,
    /// Foreign buyers, employers and business partners abroad.
    ForeignCounterparties,
    /// Room 39's officials abroad.
    Room39Abroad,
    /// Ship captains carrying cash to Nampo.
    ShipCaptains,
    /// Foreign police and customs (what they seize).
    ForeignAuthorities,
    /// Embassies and their diplomats.
    Diplomats,
    /// Workers abroad.
    OverseasWorkers,
    /// State agents selling drugs.
    DrugTraffickers,
    /// Operators of North Korean ships (the trading companies' shipping arms).
    ShippingOperators,
    /// Chinese and foreign ships trading at sea: buyers of exports, sellers of fuel.
    ChineseShipsAtSea,
    /// Party officials supervising North Korean ships.
    PartyOfficials,
    /// Navies, coast guards and port authorities enforcing sanctions at sea.
    Interdictors,
    /// Private moneylenders who lend the donju working capital.
    Moneylenders,
    /// Trading companies in their declared trade with China (through customs, by road,
    /// rail and sea).
    DeclaredTraders,
}

impl ActorClass {
    /// Every class, in output order.
    pub const ALL: [ActorClass; 33] = [
        ActorClass::ChineseMerchants,
        ActorClass::Suppliers,
        ActorClass::DomesticBuyers,
        ActorClass::Donju,
        ActorClass::TradingCompanies,
        ActorClass::TradingBureaus,
        ActorClass::Room39,
        ActorClass::Customs,
        ActorClass::CustomsSenior,
        ActorClass::StateSecurity,
        ActorClass::StateSecuritySenior,
        ActorClass::PublicSecurity,
        ActorClass::PublicSecuritySenior,
        ActorClass::BorderGuards,
        ActorClass::BorderGuardCommand,
        ActorClass::Centre,
        ActorClass::Porters,
        ActorClass::Households,
        ActorClass::MarketBuyers,
        ActorClass::RiceTraders,
        ActorClass::ForeignCounterparties,
        ActorClass::Room39Abroad,
        ActorClass::ShipCaptains,
        ActorClass::ForeignAuthorities,
        ActorClass::Diplomats,
        ActorClass::OverseasWorkers,
        ActorClass::DrugTraffickers,
        ActorClass::ShippingOperators,
        ActorClass::ChineseShipsAtSea,
        ActorClass::PartyOfficials,
        ActorClass::Interdictors,
        ActorClass::Moneylenders,
        ActorClass::DeclaredTraders,
    ];

    /// The name used in output tables.
    pub fn name(self) -> &'static str {
        match self {
            ActorClass::ChineseMerchants => "chinese_merchants",
            ActorClass::Suppliers => "suppliers",
            ActorClass::DomesticBuyers => "domestic_buyers",
            ActorClass::Donju => "donju",
            ActorClass::TradingCompanies => "trading_companies",
            ActorClass::TradingBureaus => "trading_bureaus",
            ActorClass::Room39 => "room39",
            ActorClass::Customs => "customs",
            ActorClass::CustomsSenior => "customs_senior",
            ActorClass::StateSecurity => "state_security",
            ActorClass::StateSecuritySenior => "state_security_senior",
            ActorClass::PublicSecurity => "public_security",
            ActorClass::PublicSecuritySenior => "public_security_senior",
            ActorClass::BorderGuards => "border_guards",
            ActorClass::BorderGuardCommand => "border_guard_command",
            ActorClass::Centre => "centre",
            ActorClass::Porters => "porters",
            ActorClass::Households => "households",
            ActorClass::MarketBuyers => "market_buyers",
            ActorClass::RiceTraders => "rice_traders",
            ActorClass::ForeignCounterparties => "foreign_counterparties",
            ActorClass::Room39Abroad => "room39_abroad",
            ActorClass::ShipCaptains => "ship_captains",
            ActorClass::ForeignAuthorities => "foreign_authorities",
            ActorClass::Diplomats => "diplomats",
            ActorClass::OverseasWorkers => "overseas_workers",
            ActorClass::DrugTraffickers => "drug_traffickers",
            ActorClass::ShippingOperators => "shipping_operators",
            ActorClass::ChineseShipsAtSea => "chinese_ships_at_sea",
            ActorClass::PartyOfficials => "party_officials",
            ActorClass::Interdictors => "interdictors",
            ActorClass::Moneylenders => "moneylenders",
            ActorClass::DeclaredTraders => "declared_traders",
        }
    }

    /// Whether the class stands outside the network: foreign counterparts, the state
    /// budget, buyers and suppliers whose wealth the model does not follow. Their
    /// accounts may go negative (money entering the network comes from them); every
    /// other class spends only what it holds plus a declared credit line.
    pub fn is_outside(self) -> bool {
        matches!(
            self,
            ActorClass::ChineseMerchants
                | ActorClass::Suppliers
                | ActorClass::DomesticBuyers
                | ActorClass::Room39
                | ActorClass::Centre
                | ActorClass::MarketBuyers
                | ActorClass::RiceTraders
                | ActorClass::ForeignCounterparties
                | ActorClass::ForeignAuthorities
                | ActorClass::ChineseShipsAtSea
                | ActorClass::Interdictors
                | ActorClass::Moneylenders
        )
    }

    /// Room 39's foreign-currency channel a payment from this class belongs to, if any.
    pub fn fx_channel(self) -> Option<&'static str> {
        match self {
            ActorClass::TradingCompanies => Some("state_trade"),
            ActorClass::Room39Abroad => Some("cash_couriers"),
            ActorClass::Diplomats => Some("diplomats"),
            ActorClass::OverseasWorkers => Some("overseas_labour"),
            ActorClass::DrugTraffickers => Some("drugs"),
            ActorClass::ShippingOperators => Some("maritime"),
            ActorClass::DeclaredTraders => Some("declared_trade"),
            _ => None,
        }
    }

    /// The site-level class of an agency's officials.
    pub fn unit_of(agency: Agency) -> ActorClass {
        match agency {
            Agency::Customs => ActorClass::Customs,
            Agency::StateSecurity => ActorClass::StateSecurity,
            Agency::PublicSecurity => ActorClass::PublicSecurity,
            Agency::BorderGuards => ActorClass::BorderGuards,
        }
    }

    /// The senior officials of an agency.
    pub fn senior_of(agency: Agency) -> ActorClass {
        match agency {
            Agency::Customs => ActorClass::CustomsSenior,
            Agency::StateSecurity => ActorClass::StateSecuritySenior,
            Agency::PublicSecurity => ActorClass::PublicSecuritySenior,
            Agency::BorderGuards => ActorClass::BorderGuardCommand,
        }
    }
}

/// Why money moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Purpose {
    /// Payment for goods sold.
    Sale,
    /// Payment for goods or food bought.
    Purchase,
    /// Pay for labour.
    Wage,
    /// An official's take.
    Bribe,
    /// An official passing part of the take to superiors.
    PassUp,
    /// A cut of an operation: a trading company's or bureau's, or the Chinese counterparts' for their leg of a crossing.
    Fee,
    /// The official customs route's share of profit.
    Levy,
    /// Foreign currency handed to Room 39.
    Remittance,
    /// Money taken by authorities.
    Seizure,
    /// Interest on borrowed money.
    Interest,
}

impl Purpose {
    /// Every purpose, in output order.
    pub const ALL: [Purpose; 10] = [
        Purpose::Sale,
        Purpose::Purchase,
        Purpose::Wage,
        Purpose::Bribe,
        Purpose::PassUp,
        Purpose::Fee,
        Purpose::Levy,
        Purpose::Remittance,
        Purpose::Seizure,
        Purpose::Interest,
    ];

    /// The name used in output tables.
    pub fn name(self) -> &'static str {
        match self {
            Purpose::Sale => "sale",
            Purpose::Purchase => "purchase",
            Purpose::Wage => "wage",
            Purpose::Bribe => "bribe",
            Purpose::PassUp => "pass_up",
            Purpose::Fee => "fee",
            Purpose::Levy => "levy",
            Purpose::Remittance => "remittance",
            Purpose::Seizure => "seizure",
            Purpose::Interest => "interest",
        }
    }
}

/// An account's index in the ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId(pub u32);

/// Errors the ledger detects. Any of them means a bug in a process, never bad input.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum LedgerError {
    /// A transfer of a negative amount was attempted.
    #[error("negative transfer of {amount} fen from {payer} to {payee} ({purpose})")]
    NegativeTransfer {
        /// Amount in fen.
        amount: i64,
        /// Payer's class.
        payer: &'static str,
        /// Payee's class.
        payee: &'static str,
        /// Purpose.
        purpose: &'static str,
    },
    /// A payer would spend more than it holds plus its credit line.
    #[error(
        "overdraft refused: {payer}{site} holds {balance_fen} fen with a credit line of {credit_limit_fen} fen and cannot pay {amount_fen} fen to {payee} ({purpose})"
    )]
    Overdraft {
        /// Payer's class.
        payer: &'static str,
        /// The payer's site, as " at site N", or empty.
        site: String,
        /// The payer's balance before the transfer.
        balance_fen: i64,
        /// How far below zero the payer may go.
        credit_limit_fen: i64,
        /// Amount asked for.
        amount_fen: i64,
        /// Payee's class.
        payee: &'static str,
        /// Purpose.
        purpose: &'static str,
    },
    /// The balances of all accounts do not sum to the opening endowments.
    #[error(
        "ledger does not balance: account balances sum to {sum_fen} fen instead of the {opening_fen} fen of opening endowments"
    )]
    BalancesDoNotSumToOpening {
        /// The sum found.
        sum_fen: i64,
        /// The endowments the accounts opened with.
        opening_fen: i64,
    },
    /// An actor class's balances disagree with its endowments and the money flows
    /// recorded for it.
    #[error(
        "ledger does not balance for {class}: balances sum to {balance_fen} fen but endowments and recorded flows net to {flows_fen} fen"
    )]
    ClassDisagreesWithFlows {
        /// The class.
        class: &'static str,
        /// Sum of the class's account balances.
        balance_fen: i64,
        /// Opening endowments plus inflows less outflows recorded for the class.
        flows_fen: i64,
    },
}

const CLASSES: usize = ActorClass::ALL.len();
const PURPOSES: usize = Purpose::ALL.len();
const CELLS_PER_MONTH: usize = CLASSES * CLASSES * PURPOSES;

/// What an account may spend: outside classes are unbounded; every other account opens
/// with an endowment and may go below zero only down to its credit line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Purse {
    /// Money held when the account opens.
    pub opening: Fen,
    /// How far below zero the balance may go (borrowing).
    pub credit_limit: Fen,
}

/// What a transfer reads and writes of an account, kept together: one place in memory
/// per account rather than one in each of several columns.
#[derive(Clone, Copy, Debug)]
struct Account {
    balance: Fen,
    /// The lowest balance the account may reach; `None` for outside classes.
    floor: Option<Fen>,
    class: ActorClass,
}

/// Accounts, balances and monthly flows between actor classes.
#[derive(Clone, Debug)]
pub struct Ledger {
    accounts: Vec<Account>,
    site: Vec<Option<SiteId>>,
    opening: Vec<Fen>,
    current_month: usize,
    /// This month's flows in fen, indexed by payer class, payee class, purpose (an array,
    /// so a cell computed from the two classes and the purpose needs no bounds check).
    month_flows_fen: Box<[i64; CELLS_PER_MONTH]>,
    /// The cells of `month_flows_fen` this month's transfers have made non-zero, so that
    /// filing the month visits those (a few hundred) rather than all 10,890.
    touched: Vec<u32>,
    /// Earlier months' non-zero flows.
    closed_months: Vec<MoneyFlow>,
}

/// One cell of the monthly flow table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MoneyFlow {
    /// Index of the month in the calendar.
    pub month: usize,
    /// Who paid.
    pub payer: ActorClass,
    /// Who was paid.
    pub payee: ActorClass,
    /// Why.
    pub purpose: Purpose,
    /// How much.
    pub amount: Fen,
}

impl Ledger {
    /// An empty ledger, recording from month 0.
    pub fn new() -> Ledger {
        Ledger {
            accounts: Vec::new(),
            site: Vec::new(),
            opening: Vec::new(),
            current_month: 0,
            month_flows_fen: Box::new([0; CELLS_PER_MONTH]),
            touched: Vec::new(),
            closed_months: Vec::new(),
        }
    }

    /// Opens an account with nothing in it and no credit (outside classes: unbounded).
    pub fn open(&mut self, class: ActorClass, site: Option<SiteId>) -> AccountId {
        self.open_with(class, site, Purse::default())
    }

    /// Opens an account holding `purse.opening`, which may borrow down to
    /// `-purse.credit_limit` (outside classes are unbounded and open empty).
    pub fn open_with(
        &mut self,
        class: ActorClass,
        site: Option<SiteId>,
        purse: Purse,
    ) -> AccountId {
        let outside = class.is_outside();
        let opening = if outside { Fen::ZERO } else { purse.opening };
        self.accounts.push(Account {
            balance: opening,
            floor: (!outside).then(|| Fen::ZERO - purse.credit_limit),
            class,
        });
        self.site.push(site);
        self.opening.push(opening);
        AccountId(self.accounts.len() as u32 - 1)
    }

    /// What an account can still pay: its balance plus what is left of its credit line;
    /// `None` (no limit) for outside classes.
    pub fn available(&self, account: AccountId) -> Option<Fen> {
        let a = self.accounts[account.0 as usize];
        a.floor.map(|floor| a.balance - floor)
    }

    /// Whether an account can pay `amount` now.
    pub fn can_pay(&self, account: AccountId, amount: Fen) -> bool {
        self.available(account).is_none_or(|left| left >= amount)
    }

    /// Sets the month that transfers are recorded in; moving to a new month files the
    /// previous month's flows.
    pub fn set_month(&mut self, month: usize) {
        if month != self.current_month {
            let closed = self.current_month;
            self.touched.sort_unstable();
            for &cell in &self.touched {
                let amount = std::mem::take(&mut self.month_flows_fen[cell as usize]);
                self.closed_months
                    .push(flow_of_cell(closed, cell as usize, amount));
            }
            self.touched.clear();
            self.current_month = month;
        }
    }

    /// Moves `amount` from `payer` to `payee`. A zero amount records nothing.
    pub fn transfer(
        &mut self,
        payer: AccountId,
        payee: AccountId,
        amount: Fen,
        purpose: Purpose,
    ) -> Result<(), LedgerError> {
        let (p, q) = (payer.0 as usize, payee.0 as usize);
        if amount.0 <= 0 {
            return match amount.0 {
                0 => Ok(()),
                _ => Err(self.refused(p, q, amount, purpose)),
            };
        }
        let from = self.accounts[p];
        if let Some(floor) = from.floor
            && from.balance - amount < floor
        {
            return Err(self.refused(p, q, amount, purpose));
        }
        self.accounts[p].balance -= amount;
        let to = &mut self.accounts[q];
        to.balance += amount;
        let cell =
            (from.class as usize * CLASSES + to.class as usize) * PURPOSES + purpose as usize;
        let flow = &mut self.month_flows_fen[cell];
        // Amounts are positive, so a cell once touched stays non-zero.
        if *flow == 0 {
            self.touched.push(cell as u32);
        }
        *flow += amount.0;
        Ok(())
    }

    /// Why a transfer from account `p` to account `q` is refused: a negative amount, or
    /// an overdraft. Out of [`Ledger::transfer`]'s way, which almost never calls it.
    #[cold]
    #[inline(never)]
    fn refused(&self, p: usize, q: usize, amount: Fen, purpose: Purpose) -> LedgerError {
        let (from, to) = (self.accounts[p], self.accounts[q]);
        if amount.0 < 0 {
            return LedgerError::NegativeTransfer {
                amount: amount.0,
                payer: from.class.name(),
                payee: to.class.name(),
                purpose: purpose.name(),
            };
        }
        LedgerError::Overdraft {
            payer: from.class.name(),
            site: self.site[p].map_or_else(String::new, |s| format!(" at site {}", s.0)),
            balance_fen: from.balance.0,
            credit_limit_fen: from.floor.map_or(0, |floor| -floor.0),
            amount_fen: amount.0,
            payee: to.class.name(),
            purpose: purpose.name(),
        }
    }

    /// The balance of an account.
    pub fn balance(&self, account: AccountId) -> Fen {
        self.accounts[account.0 as usize].balance
    }

    /// The site an account belongs to, if any.
    pub fn site(&self, account: AccountId) -> Option<SiteId> {
        self.site[account.0 as usize]
    }

    /// Checks the books: balances sum to the opening endowments, and each class's
    /// balances equal its endowments plus the net of the monthly flows recorded for it (two
    /// independent tallies of the same money).
    pub fn verify(&self) -> Result<(), LedgerError> {
        let sum: Fen = self.accounts.iter().map(|a| a.balance).sum();
        let opening: Fen = self.opening.iter().copied().sum();
        if sum != opening {
            return Err(LedgerError::BalancesDoNotSumToOpening {
                sum_fen: sum.0,
                opening_fen: opening.0,
            });
        }
        let mut net_flows = [0i64; CLASSES];
        for (account, opening) in self.accounts.iter().zip(&self.opening) {
            net_flows[account.class as usize] += opening.0;
        }
        for flow in self.flows() {
            net_flows[flow.payer as usize] -= flow.amount.0;
            net_flows[flow.payee as usize] += flow.amount.0;
        }
        for class in ActorClass::ALL {
            let balance: i64 = self
                .accounts
                .iter()
                .filter(|a| a.class == class)
                .map(|a| a.balance.0)
                .sum();
            if balance != net_flows[class as usize] {
                return Err(LedgerError::ClassDisagreesWithFlows {
                    class: class.name(),
                    balance_fen: balance,
                    flows_fen: net_flows[class as usize],
                });
            }
        }
        Ok(())
    }

    /// The non-zero monthly flows, in month, payer, payee, purpose order.
    pub fn flows(&self) -> impl Iterator<Item = MoneyFlow> + '_ {
        let month = self.current_month;
        self.closed_months.iter().copied().chain(
            self.month_flows_fen
                .iter()
                .enumerate()
                .filter(|(_, amount)| **amount != 0)
                .map(move |(cell, amount)| flow_of_cell(month, cell, *amount)),
        )
    }

    #[cfg(test)]
    pub(crate) fn corrupt_balance_for_test(&mut self, account: AccountId, by: Fen) {
        self.accounts[account.0 as usize].balance += by;
    }
}

impl Default for Ledger {
    fn default() -> Ledger {
        Ledger::new()
    }
}

fn flow_of_cell(month: usize, cell: usize, amount_fen: i64) -> MoneyFlow {
    MoneyFlow {
        month,
        payer: ActorClass::ALL[cell / (CLASSES * PURPOSES)],
        payee: ActorClass::ALL[cell / PURPOSES % CLASSES],
        purpose: Purpose::ALL[cell % PURPOSES],
        amount: Fen(amount_fen),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_accounts() -> (Ledger, AccountId, AccountId) {
        let mut ledger = Ledger::new();
        let buyer = ledger.open(ActorClass::ChineseMerchants, None);
        let donju = ledger.open(ActorClass::Donju, Some(SiteId(0)));
        (ledger, buyer, donju)
    }

    #[test]
    fn transfers_debit_one_account_and_credit_the_other() {
        let (mut ledger, buyer, donju) = two_accounts();
        ledger
            .transfer(buyer, donju, Fen(500), Purpose::Sale)
            .unwrap();
        ledger.set_month(1);
        ledger
            .transfer(donju, buyer, Fen(200), Purpose::Purchase)
            .unwrap();
        assert_eq!(ledger.balance(buyer), Fen(-300));
        assert_eq!(ledger.balance(donju), Fen(300));
        assert_eq!(ledger.site(donju), Some(SiteId(0)));
        ledger.verify().unwrap();
        let flows: Vec<_> = ledger.flows().collect();
        assert_eq!(flows.len(), 2);
        assert_eq!(flows[0].month, 0);
        assert_eq!(flows[0].payer, ActorClass::ChineseMerchants);
        assert_eq!(flows[0].payee, ActorClass::Donju);
        assert_eq!(flows[0].purpose, Purpose::Sale);
        assert_eq!(flows[1].month, 1);
        assert_eq!(flows[1].purpose, Purpose::Purchase);
    }

    #[test]
    fn negative_transfers_are_refused() {
        let (mut ledger, buyer, donju) = two_accounts();
        let err = ledger
            .transfer(buyer, donju, Fen(-1), Purpose::Sale)
            .unwrap_err();
        assert!(matches!(err, LedgerError::NegativeTransfer { .. }));
        assert_eq!(ledger.balance(buyer), Fen::ZERO);
    }

    #[test]
    fn verify_fails_loudly_when_money_appears_from_nowhere() {
        let (mut ledger, buyer, donju) = two_accounts();
        ledger
            .transfer(buyer, donju, Fen(500), Purpose::Sale)
            .unwrap();
        ledger.corrupt_balance_for_test(donju, Fen(1));
        let message = ledger.verify().unwrap_err().to_string();
        assert!(message.contains("does not balance"), "{message}");
    }

    #[test]
    fn an_actor_spends_no_more_than_it_holds_plus_its_credit_line() {
        let mut ledger = Ledger::new();
        let merchants = ledger.open(ActorClass::ChineseMerchants, None);
        let purse = Purse {
            opening: Fen(1_000),
            credit_limit: Fen(500),
        };
        let donju = ledger.open_with(ActorClass::Donju, Some(SiteId(2)), purse);
        assert_eq!(ledger.available(donju), Some(Fen(1_500)));
        assert!(ledger.can_pay(donju, Fen(1_500)) && !ledger.can_pay(donju, Fen(1_501)));
        let err = ledger
            .transfer(donju, merchants, Fen(1_501), Purpose::Purchase)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "overdraft refused: donju at site 2 holds 1000 fen with a credit line of 500 fen and cannot pay 1501 fen to chinese_merchants (purchase)"
        );
        assert_eq!(
            ledger.balance(donju),
            Fen(1_000),
            "a refused transfer moves nothing"
        );
        ledger
            .transfer(donju, merchants, Fen(1_500), Purpose::Purchase)
            .unwrap();
        assert_eq!(ledger.balance(donju), Fen(-500));
        assert_eq!(
            ledger.available(merchants),
            None,
            "outside classes are unbounded"
        );
        ledger.verify().unwrap();
    }

    #[test]
    fn endowments_are_part_of_the_books() {
        let mut ledger = Ledger::new();
        let purse = Purse {
            opening: Fen(700),
            credit_limit: Fen::ZERO,
        };
        let households = ledger.open_with(ActorClass::Households, None, purse);
        let outside = ledger.open_with(ActorClass::MarketBuyers, None, purse);
        assert_eq!(ledger.balance(households), Fen(700));
        assert_eq!(
            ledger.balance(outside),
            Fen::ZERO,
            "outside classes hold no endowment"
        );
        ledger.verify().unwrap();
        ledger.corrupt_balance_for_test(households, Fen(-700));
        assert!(matches!(
            ledger.verify(),
            Err(LedgerError::BalancesDoNotSumToOpening { .. })
        ));
    }

    #[test]
    fn verify_catches_a_balance_moved_between_classes_without_a_flow() {
        let (mut ledger, buyer, donju) = two_accounts();
        ledger.corrupt_balance_for_test(donju, Fen(7));
        ledger.corrupt_balance_for_test(buyer, Fen(-7));
        assert!(matches!(
            ledger.verify(),
            Err(LedgerError::ClassDisagreesWithFlows { .. })
        ));
    }
}
