//! The calendar: simulated days, months, the river-ice season and the conditions the
//! scenario's dated events set on each channel. Everything a process asks about a date is
//! precomputed here as a column indexed by day, so the daily loop only reads.

use jiff::civil::Date;

use crate::events::{Conditions, Event, EventChannel, EventColumns, EventKind, Target, sanctioned};
use crate::params::GoodId;

/// A simulated day, counted from the scenario's first day (day 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub u32);

/// A calendar month, e.g. 2019-03.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// Calendar year.
    pub year: i16,
    /// Month of the year, 1 to 12.
    pub month: i8,
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A day of the year without the year, e.g. 25 November.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MonthDay {
    /// Month, 1 to 12.
    pub month: i8,
    /// Day of the month, 1 to 31.
    pub day: i8,
}

impl MonthDay {
    fn of(date: Date) -> MonthDay {
        MonthDay {
            month: date.month(),
            day: date.day(),
        }
    }
}

/// The season when the river is frozen hard enough to drive on. It may wrap the new year
/// (late November to the end of February).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IceSeason {
    /// First frozen day of the season.
    pub first: MonthDay,
    /// Last frozen day of the season.
    pub last: MonthDay,
}

impl IceSeason {
    /// Whether the river is frozen on this date.
    pub fn covers(&self, date: Date) -> bool {
        let today = MonthDay::of(date);
        if self.first <= self.last {
            self.first <= today && today <= self.last
        } else {
            today >= self.first || today <= self.last
        }
    }
}

/// Whether each good is under a sanctions ban ([`sanctioned`]), day by day: worked out
/// again only on a day when the sanction measures in force change (the ban depends on the
/// date only through which of them are in force), and copied from the day before otherwise.
fn sanctioned_by_day(dates: &[Date], events: &[Event], goods: usize) -> Vec<bool> {
    let measures: Vec<Event> = events
        .iter()
        .filter(|e| e.kind == EventKind::SanctionMeasure)
        .cloned()
        .collect();
    let mut in_force = vec![false; measures.len()];
    let mut by_day = Vec::with_capacity(dates.len() * goods);
    for (d, &date) in dates.iter().enumerate() {
        let mut changed = d == 0;
        for (was, measure) in in_force.iter_mut().zip(&measures) {
            let now = measure.covers(date);
            changed |= now != *was;
            *was = now;
        }
        if changed {
            by_day.extend((0..goods).map(|g| sanctioned(&measures, GoodId(g as u16), date)));
        } else {
            by_day.extend_from_within(by_day.len() - goods..);
        }
    }
    by_day
}

/// Precomputed facts about every simulated day, as columns indexed by [`Day`].
#[derive(Clone, Debug)]
pub struct Calendar {
    dates: Vec<Date>,
    month_index: Vec<u16>,
    river_frozen: Vec<bool>,
    months: Vec<YearMonth>,
    events: EventColumns,
    /// Whether each good is under a sanctions ban, day by day (`goods` a day).
    sanctioned: Vec<bool>,
    goods: usize,
}

impl Calendar {
    /// The calendar from `first` to `last` inclusive, with the conditions `events` set
    /// in a world of `sites` sites, `goods` goods and `categories` categories of declared
    /// trade. `last` must not precede `first` (the
    /// scenario layer checks this and reports it to the user).
    pub fn new(
        first: Date,
        last: Date,
        ice: IceSeason,
        events: &[Event],
        sites: usize,
        goods: usize,
        categories: usize,
    ) -> Calendar {
        let mut calendar = Calendar {
            dates: Vec::new(),
            month_index: Vec::new(),
            river_frozen: Vec::new(),
            months: Vec::new(),
            events: EventColumns::default(),
            sanctioned: Vec::new(),
            goods,
        };
        let mut date = first;
        while date <= last {
            let month = YearMonth {
                year: date.year(),
                month: date.month(),
            };
            if calendar.months.last() != Some(&month) {
                calendar.months.push(month);
            }
            calendar.dates.push(date);
            calendar
                .month_index
                .push((calendar.months.len() - 1) as u16);
            calendar.river_frozen.push(ice.covers(date));
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        calendar.events = EventColumns::new(&calendar.dates, [sites, goods, categories], events);
        calendar.sanctioned = sanctioned_by_day(&calendar.dates, events, goods);
        calendar
    }

    /// Whether a good is under a sanctions ban on this day
    /// ([`crate::params::ModelParams::sanctioned`], looked up).
    pub fn sanctioned(&self, good: GoodId, day: Day) -> bool {
        self.sanctioned[day.0 as usize * self.goods + good.0 as usize]
    }

    /// Number of simulated days.
    pub fn days(&self) -> u32 {
        self.dates.len() as u32
    }

    /// Every simulated day in order.
    pub fn all_days(&self) -> impl Iterator<Item = Day> + use<> {
        (0..self.days()).map(Day)
    }

    /// The months the horizon touches, in order.
    pub fn months(&self) -> &[YearMonth] {
        &self.months
    }

    /// The date of a day.
    pub fn date(&self, day: Day) -> Date {
        self.dates[day.0 as usize]
    }

    /// Index into [`Calendar::months`] of the month a day falls in.
    pub fn month_index(&self, day: Day) -> usize {
        self.month_index[day.0 as usize] as usize
    }

    /// Whether the day is the first simulated day of its month.
    pub fn is_month_start(&self, day: Day) -> bool {
        day.0 == 0 || self.month_index(day) != self.month_index(Day(day.0 - 1))
    }

    /// Whether the day is the last simulated day of its month.
    pub fn is_month_end(&self, day: Day) -> bool {
        day.0 + 1 == self.days() || self.month_index(day) != self.month_index(Day(day.0 + 1))
    }

    /// Days in the calendar month of this day (28 to 31).
    pub fn days_in_month(&self, day: Day) -> u32 {
        self.date(day).days_in_month() as u32
    }

    /// The chance that something happening `per_month` times a month (at most daily)
    /// happens on this day.
    pub fn daily_chance(&self, day: Day, per_month: f64) -> f64 {
        (per_month / f64::from(self.days_in_month(day))).min(1.0)
    }

    /// The conditions the events in force set on a channel at a target on this day.
    #[inline]
    pub fn conditions(&self, channel: EventChannel, target: Target, day: Day) -> Conditions {
        self.events.on(channel, target, day.0 as usize)
    }

    /// Whether the river is frozen on this day.
    pub fn river_frozen(&self, day: Day) -> bool {
        self.river_frozen[day.0 as usize]
    }

    /// The first simulated day on or after a date, if the horizon reaches it.
    pub fn day_of(&self, date: Date) -> Option<Day> {
        let first = *self.dates.first()?;
        if date < first {
            return Some(Day(0));
        }
        let offset = (date - first).get_days();
        (offset >= 0 && (offset as u32) < self.days()).then_some(Day(offset as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn winter() -> IceSeason {
        IceSeason {
            first: MonthDay { month: 11, day: 25 },
            last: MonthDay { month: 2, day: 28 },
        }
    }

    #[test]
    fn ice_season_wraps_the_new_year() {
        let ice = winter();
        assert!(ice.covers(date(2019, 12, 31)));
        assert!(ice.covers(date(2020, 1, 15)));
        assert!(ice.covers(date(2019, 11, 25)));
        assert!(!ice.covers(date(2019, 11, 24)));
        assert!(!ice.covers(date(2020, 3, 1)));
        assert!(!ice.covers(date(2019, 7, 1)));
    }

    #[test]
    fn months_and_their_boundaries() {
        let cal = Calendar::new(date(2017, 1, 1), date(2025, 12, 31), winter(), &[], 0, 0, 0);
        assert_eq!(cal.days(), 3287);
        assert_eq!(cal.months().len(), 108);
        assert_eq!(cal.months()[0].to_string(), "2017-01");
        assert_eq!(cal.months()[107].to_string(), "2025-12");
        let feb = cal.day_of(date(2020, 2, 29)).unwrap();
        assert!(cal.is_month_end(feb));
        assert_eq!(cal.days_in_month(feb), 29);
        assert!(cal.is_month_start(Day(feb.0 + 1)));
        assert!(cal.is_month_start(Day(0)));
        assert!(cal.is_month_end(Day(cal.days() - 1)));
    }
}
