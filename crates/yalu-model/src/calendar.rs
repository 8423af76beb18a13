//! The calendar: simulated days, months, the river-ice season and phases such as the
//! COVID border closure. Everything a process asks about a date is precomputed here as a
//! column indexed by day, so the daily loop only reads.

use jiff::civil::Date;

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

/// What a phase changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhaseKind {
    /// Land crossings stop (the COVID closure of 2020-2023).
    BorderClosure,
}

/// A dated phase of the simulated history, both ends inclusive.
#[derive(Clone, Debug, PartialEq)]
pub struct Phase {
    /// Identifier from the scenario, e.g. `covid-border-closure`.
    pub id: String,
    /// What the phase does.
    pub kind: PhaseKind,
    /// First day of the phase.
    pub first: Date,
    /// Last day of the phase.
    pub last: Date,
}

impl Phase {
    fn covers(&self, date: Date) -> bool {
        self.first <= date && date <= self.last
    }
}

/// Precomputed facts about every simulated day, as columns indexed by [`Day`].
#[derive(Clone, Debug)]
pub struct Calendar {
    dates: Vec<Date>,
    month_index: Vec<u16>,
    land_open: Vec<bool>,
    river_frozen: Vec<bool>,
    months: Vec<YearMonth>,
}

impl Calendar {
    /// The calendar from `first` to `last` inclusive. `last` must not precede `first`
    /// (the scenario layer checks this and reports it to the user).
    pub fn new(first: Date, last: Date, ice: IceSeason, phases: &[Phase]) -> Calendar {
        let mut calendar = Calendar {
            dates: Vec::new(),
            month_index: Vec::new(),
            land_open: Vec::new(),
            river_frozen: Vec::new(),
            months: Vec::new(),
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
            calendar.land_open.push(
                !phases
                    .iter()
                    .any(|p| p.kind == PhaseKind::BorderClosure && p.covers(date)),
            );
            calendar.river_frozen.push(ice.covers(date));
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        calendar
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

    /// Whether land crossings are possible on this day (no border closure in force).
    pub fn land_open(&self, day: Day) -> bool {
        self.land_open[day.0 as usize]
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

    fn closure() -> Phase {
        Phase {
            id: "covid".into(),
            kind: PhaseKind::BorderClosure,
            first: date(2020, 1, 28),
            last: date(2023, 8, 31),
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
    fn closure_shuts_land_crossings_inclusive_of_both_ends() {
        let cal = Calendar::new(date(2020, 1, 1), date(2023, 12, 31), winter(), &[closure()]);
        let day = |d| cal.day_of(d).unwrap();
        assert!(cal.land_open(day(date(2020, 1, 27))));
        assert!(!cal.land_open(day(date(2020, 1, 28))));
        assert!(!cal.land_open(day(date(2023, 8, 31))));
        assert!(cal.land_open(day(date(2023, 9, 1))));
    }

    #[test]
    fn months_and_their_boundaries() {
        let cal = Calendar::new(date(2017, 1, 1), date(2025, 12, 31), winter(), &[]);
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
