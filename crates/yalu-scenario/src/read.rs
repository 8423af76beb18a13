//! Reading the scenario file: the parsed TOML tree keeps the span of every key and value,
//! and a [`Checker`] walks it, reading each section's declared parameters generically
//! ([`Checker::params`]) and the rest (ids, dates, lists) by key. Every key a table is
//! asked for is remembered, so any other key is reported as unknown; every problem is
//! collected with its location.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};
use yalu_model::declare::{ParamSet, ParamSpec};

use crate::citation::{Cited, Context, Judged, RawParam};
use crate::error::{ErrorKind, ScenarioError, SourceText};
use crate::evidence::Registry;
use crate::records::{ParameterRecord, Value};

/// A value in the file with its span.
pub(crate) type Item<'i> = Spanned<DeValue<'i>>;

/// A string in the file with its span.
#[derive(Debug, Clone)]
pub(crate) struct Str<'t> {
    pub text: &'t str,
    pub span: Range<usize>,
}

/// A table being read, with the keys asked of it so far.
pub(crate) struct Table<'t, 'i> {
    /// Dotted path for error messages, e.g. `porter.sites[hyesan]`.
    pub path: String,
    pub span: Range<usize>,
    entries: &'t DeTable<'i>,
    asked: Vec<&'t str>,
}

impl<'t, 'i> Table<'t, 'i> {
    pub fn new(path: impl Into<String>, item: &'t Spanned<DeTable<'i>>) -> Self {
        Table {
            path: path.into(),
            span: item.span(),
            entries: item.get_ref(),
            asked: Vec::new(),
        }
    }

    fn of(path: String, item: &'t Item<'i>) -> Option<Self> {
        match item.get_ref() {
            DeValue::Table(entries) => Some(Table {
                path,
                span: item.span(),
                entries,
                asked: Vec::new(),
            }),
            _ => None,
        }
    }

    /// The value under `key`, remembering that it was asked for.
    fn get(&mut self, key: &'t str) -> Option<&'t Item<'i>> {
        self.asked.push(key);
        self.entries
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v)
    }

    /// Whether a table stands under `key` (without asking for it).
    pub fn has(&self, key: &str) -> bool {
        self.entries
            .iter()
            .any(|(k, v)| k.get_ref() == key && matches!(v.get_ref(), DeValue::Table(_)))
    }

    /// Marks `key` as known without reading it (a key another error already covers).
    pub fn skip(&mut self, key: &'t str) {
        self.asked.push(key);
    }

    /// The span of the value under `key` (the table's span if absent).
    pub fn span_of(&self, key: &str) -> Range<usize> {
        self.entries
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map_or(self.span.clone(), |(_, v)| v.span())
    }

    pub fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

/// Collects problems and parameter records while walking the file.
pub(crate) struct Checker<'a> {
    pub text: &'a SourceText,
    pub errors: Vec<ScenarioError>,
    /// The registry claims are looked up in, and the days the values being read are
    /// used on (the horizon, or a schedule step's days).
    pub context: Context<'a>,
    /// Records with the offset where each stands, to list them in file order.
    records: Vec<(usize, ParameterRecord)>,
}

impl<'a> Checker<'a> {
    pub fn new(text: &'a SourceText, registry: &'a Registry) -> Self {
        Checker {
            text,
            context: Context {
                registry,
                window: None,
            },
            errors: Vec::new(),
            records: Vec::new(),
        }
    }

    /// The records in file order.
    pub fn into_records(mut self) -> Vec<ParameterRecord> {
        self.records.sort_by_key(|(at, _)| *at);
        self.records.into_iter().map(|(_, r)| r).collect()
    }

    pub fn error(&mut self, span: Range<usize>, field: impl Into<String>, kind: ErrorKind) {
        self.errors
            .push(ScenarioError::at(self.text, span, field, kind));
    }

    /// A value that is not what `expected` says: `found` instead.
    pub fn invalid(
        &mut self,
        span: Range<usize>,
        field: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) {
        let (expected, found) = (expected.into(), found.into());
        self.error(span, field, ErrorKind::Invalid { expected, found });
    }

    /// Something `expected` that is not there at all.
    pub fn absent(
        &mut self,
        span: Range<usize>,
        field: impl Into<String>,
        expected: impl Into<String>,
    ) {
        self.invalid(span, field, expected, "none");
    }

    /// The span of the first `header` (`[porter]`) in the file, where a rule about the
    /// whole section is reported (the file's start if it has none).
    pub fn header(&self, header: &str) -> Range<usize> {
        let at = self.text.text.find(header).unwrap_or(0);
        at..at + header.len()
    }

    /// A string that is not what `expected` says.
    pub fn refuse(&mut self, text: &Str, field: impl Into<String>, expected: impl Into<String>) {
        self.invalid(
            text.span.clone(),
            field,
            expected,
            format!("`{}`", text.text),
        );
    }

    fn schema(&mut self, span: Range<usize>, field: impl Into<String>, message: String) {
        self.error(span, field, ErrorKind::Schema(message));
    }

    fn wrong_type(&mut self, item: &Item, field: String, expected: &str) {
        if matches!(item.get_ref(), DeValue::Datetime(_)) {
            let message = format!(
                "expected {expected}, found an unquoted TOML date: write dates in quotes, \
                 like \"2019-01-01\""
            );
            return self.schema(item.span(), field, message);
        }
        let found = item.get_ref().type_str();
        self.schema(
            item.span(),
            field,
            format!("invalid type: {found}, expected {expected}"),
        );
    }

    /// Reports every key of `table` that nobody asked for.
    pub fn finish(&mut self, table: Table) {
        for (key, _) in table.entries.iter() {
            if !table.asked.contains(&key.get_ref().as_ref()) {
                let mut expected: Vec<&str> = table.asked.clone();
                expected.sort_unstable();
                expected.dedup();
                let expected = expected
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.schema(
                    key.span(),
                    table.field(key.get_ref()),
                    format!(
                        "unknown field `{}`, expected one of {expected}",
                        key.get_ref()
                    ),
                );
            }
        }
    }

    fn required<'t, 'i>(&mut self, t: &mut Table<'t, 'i>, key: &'t str) -> Option<&'t Item<'i>> {
        let item = t.get(key);
        if item.is_none() {
            let field = t.field(key);
            self.schema(t.span.clone(), field, format!("missing field `{key}`"));
        }
        item
    }

    /// What `convert` makes of `item`, or a wrong-type error saying what was `expected`.
    fn typed<'t, 'i, T>(
        &mut self,
        item: &'t Item<'i>,
        field: String,
        expected: &str,
        convert: impl FnOnce(&'t DeValue<'i>) -> Option<T>,
    ) -> Option<T> {
        let value = convert(item.get_ref());
        if value.is_none() {
            self.wrong_type(item, field, expected);
        }
        value
    }

    fn as_str<'t>(&mut self, item: &'t Item, field: String) -> Option<Str<'t>> {
        self.typed(item, field, "a string", |value| match value {
            DeValue::String(s) => Some(Str {
                text: s.as_ref(),
                span: item.span(),
            }),
            _ => None,
        })
    }

    /// A required string.
    pub fn string<'t>(&mut self, t: &mut Table<'t, '_>, key: &'t str) -> Option<Str<'t>> {
        let item = self.required(t, key)?;
        self.as_str(item, t.field(key))
    }

    /// An optional string.
    pub fn opt_string<'t>(&mut self, t: &mut Table<'t, '_>, key: &'t str) -> Option<Str<'t>> {
        let item = t.get(key)?;
        self.as_str(item, t.field(key))
    }

    /// A required array of strings.
    pub fn strings<'t>(&mut self, t: &mut Table<'t, '_>, key: &'t str) -> Vec<Str<'t>> {
        let field = t.field(key);
        match self.required(t, key).map(|i| (i, i.get_ref())) {
            Some((_, DeValue::Array(items))) => {
                let strings: Vec<Str<'t>> = items
                    .iter()
                    .filter_map(|i| self.as_str(i, field.clone()))
                    .collect();
                // A list names each thing once: a repeat is a slip, never a weight.
                for (i, s) in strings.iter().enumerate() {
                    if strings[..i].iter().any(|earlier| earlier.text == s.text) {
                        self.error(
                            s.span.clone(),
                            field.clone(),
                            ErrorKind::Repeated(s.text.to_owned()),
                        );
                    }
                }
                strings
            }
            Some((item, _)) => {
                self.wrong_type(item, field, "an array of strings");
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    /// A required boolean.
    pub fn boolean(&mut self, t: &mut Table<'_, '_>, key: &'static str) -> Option<bool> {
        let item = self.required(t, key)?;
        self.typed(item, t.field(key), "a boolean", |value| match value {
            DeValue::Boolean(b) => Some(*b),
            _ => None,
        })
    }

    fn as_number(&mut self, item: &Item, field: String) -> Option<f64> {
        self.typed(item, field, "a number", |value| match value {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
            _ => None,
        })
    }

    /// A required plain number (not a parameter: coordinates, seeds).
    pub fn number(&mut self, t: &mut Table<'_, '_>, key: &'static str) -> Option<Spanned<f64>> {
        let item = self.required(t, key)?;
        let value = self.as_number(item, t.field(key))?;
        Some(Spanned::new(item.span(), value))
    }

    /// A required whole number that fits in a `u64`.
    pub fn whole_u64(&mut self, t: &mut Table<'_, '_>, key: &'static str) -> Option<u64> {
        let item = self.required(t, key)?;
        let expected = "a whole number from 0 to 2^64-1";
        self.typed(item, t.field(key), expected, |value| match value {
            DeValue::Integer(i) => u64::from_str_radix(i.as_str(), i.radix()).ok(),
            _ => None,
        })
    }

    /// The sub-table `key`, reported when it is `required` and missing, or not a table.
    pub fn table<'t, 'i>(
        &mut self,
        t: &mut Table<'t, 'i>,
        key: &'t str,
        required: bool,
    ) -> Option<Table<'t, 'i>> {
        let item = if required {
            self.required(t, key)
        } else {
            t.get(key)
        }?;
        let table = Table::of(t.field(key), item);
        if table.is_none() {
            self.wrong_type(item, t.field(key), "a table");
        }
        table
    }

    /// Reads the sub-table `key` (reported when `required` and missing) with `read`, then
    /// reports the keys it did not ask for.
    pub fn section<'t, 'i, T>(
        &mut self,
        t: &mut Table<'t, 'i>,
        key: &'t str,
        required: bool,
        read: impl FnOnce(&mut Self, &mut Table<'t, 'i>) -> T,
    ) -> Option<T> {
        let mut section = self.table(t, key, required)?;
        let read = read(self, &mut section);
        self.finish(section);
        Some(read)
    }

    /// Section `S`, of parameters only, read from the required sub-table `key`.
    pub fn built_in<S: ParamSet<Refs = ()>>(
        &mut self,
        t: &mut Table,
        key: &'static str,
    ) -> Option<S> {
        self.section(t, key, true, Checker::built::<S>)
    }

    /// An array of tables (none when absent); each is named `key[i]` until its reader
    /// renames it after its id.
    pub fn tables<'t, 'i>(&mut self, t: &mut Table<'t, 'i>, key: &'t str) -> Vec<Table<'t, 'i>> {
        let field = t.field(key);
        let Some(item) = t.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = item.get_ref() else {
            self.wrong_type(item, field, "an array of tables");
            return Vec::new();
        };
        let mut tables = Vec::new();
        for (i, element) in items.iter().enumerate() {
            match Table::of(format!("{field}[{i}]"), element) {
                Some(table) => tables.push(table),
                None => self.wrong_type(element, field.clone(), "a table"),
            }
        }
        tables
    }

    /// Reads every table of the array `key` of `t` with `read`, each named after its
    /// `id_key` ([`Checker::identify`]), and keeps what `read` returns.
    pub fn each<'t, 'i, T>(
        &mut self,
        t: &mut Table<'t, 'i>,
        key: &'t str,
        id_key: &'static str,
        mut read: impl FnMut(&mut Self, &mut Table<'t, 'i>, Option<Str<'t>>) -> Option<T>,
    ) -> Vec<T> {
        let mut tables = self.tables(t, key);
        let ids = self.identify(&mut tables, &t.field(key), id_key);
        let mut kept = Vec::new();
        for (mut table, id) in tables.into_iter().zip(ids) {
            kept.extend(read(self, &mut table, id));
            self.finish(table);
        }
        kept
    }

    /// Reads each table's identifying key, names the table after it (`section[id]`) and
    /// reports duplicates; the ids are returned in table order.
    pub fn identify<'t>(
        &mut self,
        tables: &mut [Table<'t, '_>],
        section: &str,
        key: &'static str,
    ) -> Vec<Option<Str<'t>>> {
        let ids: Vec<Option<Str<'t>>> = tables.iter_mut().map(|t| self.string(t, key)).collect();
        for id in ids.iter().flatten() {
            let text = id.text;
            if text.trim().is_empty()
                || text.trim() != text
                || text
                    .chars()
                    .any(|ch| ch.is_control() || "/[]\"".contains(ch))
            {
                let expected = "a non-empty id without surrounding spaces, `/`, `[`, `]` or \
                                `\"` (ids key paths and summary rows)";
                self.refuse(id, format!("{section}.{key}"), expected);
            }
        }
        self.name_after(tables, &ids, section, key);
        ids
    }

    /// Names each table after its id (`section[id]`) and reports ids given twice.
    pub fn name_after(
        &mut self,
        tables: &mut [Table],
        ids: &[Option<Str>],
        section: &str,
        key: &str,
    ) {
        for (t, id) in tables.iter_mut().zip(ids) {
            if let Some(id) = id {
                t.path = format!("{section}[{}]", id.text);
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        for id in ids.iter().flatten() {
            if seen.contains(&id.text) {
                let kind = ErrorKind::Duplicate(id.text.to_owned());
                self.error(id.span.clone(), format!("{section}.{key}"), kind);
            }
            seen.push(id.text);
        }
    }

    /// A parameter's table as written, its keys checked (`None` where it is no table or
    /// has no number `value`, already reported).
    fn raw_param<'t>(&mut self, item: &'t Item, field: &str) -> Option<RawParam<'t>> {
        let Some(mut t) = Table::of(field.to_owned(), item) else {
            let expected = "a parameter table { value = ..., source or assumption }";
            self.wrong_type(item, field.to_owned(), expected);
            return None;
        };
        let value = self.number(&mut t, "value");
        let unit = self.opt_string(&mut t, "unit");
        let cited = self.cited(&mut t);
        let range = t.get("range").and_then(|r| self.range(r, t.field("range")));
        let span = t.span.clone();
        self.finish(t);
        Some(RawParam {
            value: value?,
            unit,
            cited,
            range,
            span,
        })
    }

    fn cited<'t>(&mut self, t: &mut Table<'t, '_>) -> Cited<'t> {
        Cited {
            claim: self.opt_string(t, "claim"),
            derivation: self.opt_string(t, "derivation"),
            carry_over: self.opt_string(t, "carry_over"),
            assumption: self.opt_string(t, "assumption"),
        }
    }

    fn range(&mut self, item: &Item, field: String) -> Option<Spanned<[f64; 2]>> {
        let numbers: Option<Vec<f64>> = match item.get_ref() {
            DeValue::Array(items) if items.len() == 2 => items
                .iter()
                .map(|i| self.as_number(i, field.clone()))
                .collect(),
            _ => {
                self.wrong_type(item, field, "a range [low, high]");
                return None;
            }
        };
        numbers.map(|n| Spanned::new(item.span(), [n[0], n[1]]))
    }

    /// Checks the parameter `spec` of table `t` and records it; returns its value (0 when
    /// invalid, in which case an error has been recorded and the scenario will be refused).
    pub fn param(&mut self, t: &mut Table, spec: &ParamSpec) -> f64 {
        let field = t.field(spec.key);
        let raw = self
            .required(t, spec.key)
            .and_then(|item| self.raw_param(item, &field));
        raw.map_or(0.0, |raw| self.check_param(&raw, &field, spec))
    }

    fn check_param(&mut self, raw: &RawParam, field: &str, spec: &ParamSpec) -> f64 {
        let value = *raw.value.get_ref();
        let judged = raw.judge(spec, self.context);
        let unit = spec.unit.name();
        self.record(
            judged,
            field,
            Value::Number(value),
            unit,
            spec.doc,
            raw.span.start,
        );
        if spec.bounds.admits(value, spec.whole) {
            value
        } else {
            0.0
        }
    }

    /// Places each problem `judged` found at its line and column under `field`, and
    /// records the item's evidence (standing at offset `at`) if it has any.
    fn record(
        &mut self,
        judged: Judged,
        field: &str,
        value: Value,
        unit: &'static str,
        doc: &'static str,
        at: usize,
    ) {
        for problem in judged.problems {
            let field = match problem.key {
                Some(key) => format!("{field}.{key}"),
                None => field.to_owned(),
            };
            self.error(problem.span, field, problem.kind);
        }
        if let Some(evidence) = judged.evidence {
            let path = field.to_owned();
            let record = ParameterRecord {
                path,
                value,
                unit,
                doc,
                evidence,
            };
            self.records.push((at, record));
        }
    }

    /// Checks every parameter a section declares, and that none is below the one its
    /// declaration says it is at least; returns their values in declaration order, for
    /// `S::from_values`.
    pub fn params<S: ParamSet>(&mut self, t: &mut Table) -> Vec<f64> {
        let values: Vec<f64> = S::SPECS.iter().map(|spec| self.param(t, spec)).collect();
        let value_of = |key| {
            S::SPECS
                .iter()
                .position(|s| s.key == key)
                .map(|i| values[i])
        };
        for &(lower, key) in S::ORDER {
            if let (Some(low), Some(value)) = (value_of(lower), value_of(key))
                && value < low
            {
                self.invalid(
                    t.span_of(key),
                    format!("{}.{key}.value", t.path),
                    format!("at least {lower} ({low})"),
                    value.to_string(),
                );
            }
        }
        values
    }

    /// Section `S`, of parameters only, read from its declaration in `t`.
    pub fn built<S: ParamSet<Refs = ()>>(&mut self, t: &mut Table) -> S {
        S::build((), &self.params::<S>(t))
    }

    /// Records a non-numeric item (a date, a season, a location) with the evidence given
    /// by the `claim` or `assumption` keys of its table.
    pub fn text_record(
        &mut self,
        t: &mut Table,
        field: &str,
        value: String,
        unit: &'static str,
        span: Range<usize>,
    ) {
        let judged = self.cited(t).judge(None, span.clone(), self.context);
        self.record(judged, field, Value::Text(value), unit, "", span.start);
    }
}
