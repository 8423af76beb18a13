//! References: a value in one section that names something declared elsewhere, a site, a
//! good or a bureau of the file ([`Reference`], by the type the model stores it as), or a
//! kind the model names (`FleetKind::name`, read with [`choice`]). Both the section readers
//! (`scenario.rs`) and the events (`events.rs`) resolve their names here, so a name that
//! names nothing is reported the same way wherever it stands.

use yalu_model::params::{BureauId, Good, GoodId, QuantityUnit, SiteId};

use crate::error::ErrorKind;
use crate::read::{Checker, Str, Table};

/// The ids other sections refer to, and the goods they name; filled as the sections that
/// declare them are read (bureaus and goods before sites, sites before the rest).
pub(crate) struct Ids<'g> {
    pub bureaus: Vec<String>,
    pub sites: Vec<String>,
    pub goods: Vec<String>,
    /// The categories of declared trade, in [`CategoryId`] order.
    ///
    /// [`CategoryId`]: yalu_model::params::CategoryId
    pub categories: Vec<String>,
    /// Each good as declared (`None` where its table has errors), in [`GoodId`] order.
    pub specs: &'g [Option<Good>],
}

impl Ids<'_> {
    /// The good `id` names, if its table was valid.
    pub fn spec(&self, id: GoodId) -> Option<&Good> {
        self.specs.get(usize::from(id.0)).and_then(Option::as_ref)
    }
}

/// An index into something the file declares: the ids it may be given by, and how a name
/// that is none of them is reported.
pub(crate) trait Reference: Sized {
    /// The ids it may name, in index order.
    fn known<'a>(ids: &'a Ids) -> &'a [String];
    /// The problem with `id`, which names none of `known` (listed, comma-separated).
    fn unknown(id: String, known: String) -> ErrorKind;
    /// The reference to the `index`th id.
    fn at(index: u16) -> Self;
}

impl Reference for SiteId {
    fn known<'a>(ids: &'a Ids) -> &'a [String] {
        &ids.sites
    }
    fn unknown(id: String, known: String) -> ErrorKind {
        ErrorKind::UnknownSite { id, known }
    }
    fn at(index: u16) -> SiteId {
        SiteId(index)
    }
}

impl Reference for GoodId {
    fn known<'a>(ids: &'a Ids) -> &'a [String] {
        &ids.goods
    }
    fn unknown(id: String, known: String) -> ErrorKind {
        ErrorKind::UnknownGood { id, known }
    }
    fn at(index: u16) -> GoodId {
        GoodId(index)
    }
}

impl Reference for BureauId {
    fn known<'a>(ids: &'a Ids) -> &'a [String] {
        &ids.bureaus
    }
    fn unknown(id: String, known: String) -> ErrorKind {
        ErrorKind::Invalid {
            expected: format!("a bureau id from [[state_trade.bureaus]]: {known}"),
            found: format!("`{id}`"),
        }
    }
    fn at(index: u16) -> BureauId {
        BureauId(index)
    }
}

impl Checker<'_> {
    /// What `id` names, reported under `field` when it names nothing of its kind.
    pub fn refer<R: Reference>(&mut self, id: &Str, ids: &Ids, field: &str) -> Option<R> {
        let known = R::known(ids);
        let found = known.iter().position(|k| k == id.text);
        if found.is_none() {
            let kind = R::unknown(id.text.to_owned(), known.join(", "));
            self.error(id.span.clone(), field, kind);
        }
        found.map(|i| R::at(i as u16))
    }

    /// What the required string under `key` names.
    pub fn refer_at<R: Reference>(
        &mut self,
        t: &mut Table,
        key: &'static str,
        ids: &Ids,
    ) -> Option<R> {
        let id = self.string(t, key)?;
        self.refer(&id, ids, &t.field(key))
    }

    /// The good the string under `key` names, which must be counted in `unit`.
    pub fn good_in(
        &mut self,
        t: &mut Table,
        key: &'static str,
        ids: &Ids,
        unit: QuantityUnit,
    ) -> Option<GoodId> {
        let id = self.string(t, key)?;
        let field = t.field(key);
        let found = self.refer(&id, ids, &field)?;
        if ids.spec(found).is_some_and(|g| g.unit != unit) {
            self.refuse(&id, field, format!("a good counted in {}", unit.name()));
        }
        Some(found)
    }
}

/// The value `text` names among `choices`, reported under `field` when it is none of them.
pub(crate) fn one_of<T: Copy>(
    c: &mut Checker,
    text: &Str,
    field: &str,
    choices: &[(&str, T)],
) -> Option<T> {
    let found = choices
        .iter()
        .find(|(name, _)| *name == text.text)
        .map(|(_, v)| *v);
    if found.is_none() {
        let expected = choices
            .iter()
            .map(|(name, _)| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(" or ");
        c.refuse(text, field, expected);
    }
    found
}

/// Choices by the names the model gives them (`FleetKind::name`), so each is spelled once.
pub(crate) fn named<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<(&'static str, T)> {
    all.iter().map(|&v| (name(v), v)).collect()
}

/// The string under `key`, which must be one of `choices`.
pub(crate) fn choice<T: Copy>(
    c: &mut Checker,
    t: &mut Table,
    key: &'static str,
    choices: &[(&str, T)],
) -> Option<T> {
    let text = c.string(t, key)?;
    let field = format!("{}.{key}", t.path);
    one_of(c, &text, &field, choices)
}
