//! Time as a scenario writes it: dates and days of the year, the window from a
//! `first_day` to a `last_day` (the horizon's, an event's), and dated schedules, whose
//! steps each set the days a cited claim must cover. Read here for the section readers
//! (`scenario.rs`) and the events (`events.rs`) alike.

use jiff::civil::Date;
use yalu_model::calendar::MonthDay;

use crate::error::ErrorKind;
use crate::read::{Checker, Str, Table};

impl Checker<'_> {
    /// The required string under `key`, and the date it gives.
    pub fn date_at<'t>(
        &mut self,
        t: &mut Table<'t, '_>,
        key: &'t str,
    ) -> (Option<Str<'t>>, Option<Date>) {
        self.parsed_at(t, key, Checker::date)
    }

    /// The required string under `key`, and what `parse` makes of it (reporting why not).
    pub fn parsed_at<'t, T>(
        &mut self,
        t: &mut Table<'t, '_>,
        key: &'t str,
        parse: impl FnOnce(&mut Self, &Str, &str) -> Option<T>,
    ) -> (Option<Str<'t>>, Option<T>) {
        let text = self.string(t, key);
        let parsed = text.as_ref().and_then(|d| parse(self, d, &t.field(key)));
        (text, parsed)
    }

    pub fn date(&mut self, text: &Str, field: &str) -> Option<Date> {
        match text.text.parse::<Date>() {
            Ok(date) => Some(date),
            Err(_) => {
                self.refuse(text, field, "a date YYYY-MM-DD");
                None
            }
        }
    }

    pub fn month_day(&mut self, text: &Str, field: &str) -> Option<MonthDay> {
        // 2024 is a leap year, so 02-29 is accepted.
        match format!("2024-{}", text.text).parse::<Date>() {
            Ok(date) if text.text.len() == 5 => Some(MonthDay {
                month: date.month(),
                day: date.day(),
            }),
            _ => {
                self.refuse(text, field, "a day of the year MM-DD");
                None
            }
        }
    }
}

/// The `first_day` and `last_day` of `t` (the last optional unless `last_required`), each
/// as written and as a date; a last day before the first is reported.
pub(crate) fn days<'t>(
    c: &mut Checker,
    t: &mut Table<'t, '_>,
    last_required: bool,
) -> [(Option<Str<'t>>, Option<Date>); 2] {
    let first = c.date_at(t, "first_day");
    let last_text = if last_required {
        c.string(t, "last_day")
    } else {
        c.opt_string(t, "last_day")
    };
    let last_day = last_text
        .as_ref()
        .and_then(|d| c.date(d, &t.field("last_day")));
    if let ((_, Some(first)), Some(text), Some(last)) = (&first, &last_text, last_day)
        && last < *first
    {
        let kind = ErrorKind::EndBeforeStart {
            first: first.to_string(),
            last: last.to_string(),
        };
        c.error(text.span.clone(), t.field("last_day"), kind);
    }
    [first, (last_text, last_day)]
}

/// What a dated schedule holds, which sets what its steps may be.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScheduleKind {
    /// A rate or a level: the first step's value stands from the horizon's first day, so
    /// the first step must start on or before it; a step may start on any day.
    Level,
    /// A cap counted by whole months: nothing is in force before the first step, which
    /// may start later, and every step starts on the first day of a month.
    MonthlyCap,
}

/// Dated steps `(from, value)` in strictly increasing date order, at least one; `value`
/// reads each step's parameter, with the checker's window set to the days the step is in
/// force (so a cited claim must cover them).
pub(crate) fn schedule(
    c: &mut Checker,
    t: &mut Table,
    key: &'static str,
    kind: ScheduleKind,
    mut value: impl FnMut(&mut Checker, &mut Table) -> f64,
) -> Vec<(Date, f64)> {
    let field = t.field(key);
    let mut steps = c.tables(t, key);
    if steps.is_empty() {
        let expected = format!("at least one [[{field}]] step");
        c.absent(t.span.clone(), &field, expected);
    }
    let mut dates: Vec<Option<Date>> = Vec::new();
    for step in &mut steps {
        let (text, date) = c.date_at(step, "from");
        if let (Some(text), Some(date)) = (&text, date) {
            let expected = match dates.iter().flatten().next_back() {
                Some(previous) if date <= *previous => {
                    Some(format!("a date after the previous step's ({previous})"))
                }
                _ if kind == ScheduleKind::MonthlyCap && date.day() != 1 => {
                    Some("the first day of a month (the cap is counted by whole months)".to_owned())
                }
                _ => None,
            };
            if let Some(expected) = expected {
                c.invalid(
                    text.span.clone(),
                    step.field("from"),
                    expected,
                    date.to_string(),
                );
            }
        }
        dates.push(date);
    }
    let horizon = c.context.window;
    // The first step stands from the horizon's first day: a schedule that starts later
    // would leave the first days without a value.
    if let (ScheduleKind::Level, Some(Some(first_step)), Some((first, _))) =
        (kind, dates.first(), horizon)
        && *first_step > first
    {
        let from = steps.first().map_or(t.span.clone(), |s| s.span_of("from"));
        let expected = format!(
            "a first step from on or before the scenario's first day ({first}), so the \
             schedule covers the whole horizon"
        );
        c.invalid(
            from,
            format!("{field}[0].from"),
            expected,
            first_step.to_string(),
        );
    }
    let mut schedule = Vec::new();
    for (i, mut step) in steps.into_iter().enumerate() {
        let next = dates[i + 1..].iter().flatten().next();
        // The first step's value also stands before its date when the schedule begins with
        // it; a step that ends before the horizon starts is never used: no window to cover.
        c.context.window = match (dates[i], horizon) {
            (Some(from), Some((first, last))) => {
                let start = if i == 0 && kind == ScheduleKind::Level {
                    first
                } else {
                    from.max(first)
                };
                let end = next.and_then(|n| n.yesterday().ok()).unwrap_or(last);
                Some((start, end.min(last))).filter(|(a, b)| a <= b)
            }
            _ => horizon,
        };
        let v = value(c, &mut step);
        if let Some(from) = dates[i] {
            schedule.push((from, v));
        }
        c.finish(step);
    }
    c.context.window = horizon;
    schedule
}
