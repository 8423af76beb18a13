//! Time windows: the calendar months a headline figure is measured over. A figure "per
//! year" is its total over the window's simulated days divided by those days in years,
//! so a 2024-only policy read over `2024-01..2024-12` shows its full effect rather than
//! a ninth of it averaged over a nine-year run.
//!
//! Written `2024-01..2024-12` (first and last month, both included), `2024..2025` (whole
//! years), `2024` (one year) or `2024-03` (one month). An output id takes a window after
//! `@`: `fx.total_usd_per_year@2024`, `porter.kg_sold_per_year[hyesan]@2019-01..2019-06`.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use jiff::civil::Date;
use yalu_model::calendar::YearMonth;

/// The records of the months in `months` (indices), from `records` in month order (as the
/// model collects them): a slice found by bisection, where a filter would scan every
/// record. The same records in the same order as filtering, so sums over them are
/// unchanged.
pub(crate) fn records_in_months<T>(
    records: &[T],
    months: Range<usize>,
    month_of: fn(&T) -> usize,
) -> &[T] {
    debug_assert!(records.is_sorted_by_key(month_of), "records in month order");
    let start = records.partition_point(|x| month_of(x) < months.start);
    let end = records.partition_point(|x| month_of(x) < months.end);
    &records[start..end.max(start)]
}

/// Months from `first` to `last`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Window {
    /// First month.
    pub first: YearMonth,
    /// Last month.
    pub last: YearMonth,
}

/// Why a window could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid window `{0}`: expected FIRST..LAST months like 2024-01..2024-12, years like 2024..2025, or one year or month (2024, 2024-03)"
)]
pub struct BadWindow(pub String);

/// A window that shares no month with the run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("window {window} is outside the run ({run})")]
pub struct OutsideRun {
    /// The window asked for.
    pub window: Window,
    /// The run's months.
    pub run: Window,
}

impl Window {
    /// The whole calendar year `year`.
    pub fn year(year: i16) -> Window {
        Window {
            first: YearMonth { year, month: 1 },
            last: YearMonth { year, month: 12 },
        }
    }

    /// The months from `first_day` to `last_day` (a run's horizon).
    pub fn covering(first_day: Date, last_day: Date) -> Window {
        let month = |d: Date| YearMonth {
            year: d.year(),
            month: d.month(),
        };
        Window {
            first: month(first_day),
            last: month(last_day),
        }
    }

    /// Whether `month` lies in the window.
    pub fn contains(&self, month: YearMonth) -> bool {
        self.first <= month && month <= self.last
    }

    /// The indices of the run's `months` that lie in the window (empty when none do).
    pub fn indices(&self, months: &[YearMonth]) -> Range<usize> {
        let start = months.partition_point(|m| *m < self.first);
        let end = months.partition_point(|m| *m <= self.last);
        start..end.max(start)
    }

    /// Simulated days of the run from `first_day` to `last_day` that lie in the window,
    /// in years of 365.25 days (0 when they do not overlap).
    pub fn years_within(&self, first_day: Date, last_day: Date) -> f64 {
        let start = Date::new(self.first.year, self.first.month, 1).unwrap_or(first_day);
        let end =
            Date::new(self.last.year, self.last.month, 1).map_or(last_day, |d| d.last_of_month());
        let (start, end) = (start.max(first_day), end.min(last_day));
        if end < start {
            return 0.0;
        }
        ((end - start).get_days() + 1) as f64 / 365.25
    }

    /// Checks that the window shares at least one month with `run`.
    pub fn check_overlaps(&self, run: Window) -> Result<(), OutsideRun> {
        if self.last < run.first || run.last < self.first {
            Err(OutsideRun { window: *self, run })
        } else {
            Ok(())
        }
    }

    /// The calendar years the window touches.
    pub fn years(&self) -> impl Iterator<Item = i16> + use<> {
        self.first.year..=self.last.year
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else if self.first.month == 1 && self.last.month == 12 {
            if self.first.year == self.last.year {
                write!(f, "{}", self.first.year)
            } else {
                write!(f, "{}..{}", self.first.year, self.last.year)
            }
        } else {
            write!(f, "{}..{}", self.first, self.last)
        }
    }
}

/// `YYYY` (with the month `default_month`) or `YYYY-MM`.
fn month(text: &str, default_month: i8) -> Option<YearMonth> {
    let (year, month) = match text.split_once('-') {
        Some((year, month)) if month.len() == 2 => (year, month.parse().ok()?),
        Some(_) => return None,
        None => (text, default_month),
    };
    let year: i16 = year.parse().ok().filter(|_| year.len() == 4)?;
    (1..=12)
        .contains(&month)
        .then_some(YearMonth { year, month })
}

impl FromStr for Window {
    type Err = BadWindow;

    fn from_str(text: &str) -> Result<Window, BadWindow> {
        let bad = || BadWindow(text.to_owned());
        let (first, last) = text.trim().split_once("..").unwrap_or((text, text));
        let window = Window {
            first: month(first.trim(), 1).ok_or_else(bad)?,
            last: month(last.trim(), 12).ok_or_else(bad)?,
        };
        (window.first <= window.last)
            .then_some(window)
            .ok_or_else(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn windows_read_months_years_and_ranges_and_print_back() {
        for (text, shown) in [
            ("2024-01..2024-12", "2024"),
            ("2024", "2024"),
            ("2024-03", "2024-03"),
            ("2019-01..2020-12", "2019..2020"),
            ("2019-06..2020-02", "2019-06..2020-02"),
        ] {
            let window: Window = text.parse().unwrap();
            assert_eq!(window.to_string(), shown, "{text}");
            assert_eq!(shown.parse::<Window>().unwrap(), window);
        }
        for bad in ["", "24", "2024-13", "2024-3", "2025..2024", "2024-01..x"] {
            assert!(bad.parse::<Window>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_window_clips_to_the_run() {
        let months: Vec<YearMonth> = (2017..=2025)
            .flat_map(|year| (1..=12).map(move |month| YearMonth { year, month }))
            .collect();
        let year = Window::year(2024);
        assert_eq!(year.indices(&months), 84..96);
        let (first, last) = (date(2017, 1, 1), date(2025, 12, 31));
        assert!((year.years_within(first, last) - 366.0 / 365.25).abs() < 1e-12);
        assert_eq!(Window::year(2030).indices(&months), 108..108);
        assert_eq!(Window::year(2030).years_within(first, last), 0.0);
        let run = Window::covering(first, last);
        assert_eq!(run.indices(&months), 0..108);
        assert_eq!(
            run.years_within(first, last),
            ((last - first).get_days() + 1) as f64 / 365.25
        );
    }
}
