//! The evidence registry (`evidence/sources.toml`): every source a scenario may cite, with
//! its full citation and the claims the model takes from it, located in the document.

use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, ScenarioError, ScenarioErrors, SourceText};

/// The registry shipped with Yalu.
pub const EMBEDDED_SOURCES: &str = include_str!("../../../evidence/sources.toml");

/// All the sources.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    /// The sources, by id.
    #[serde(rename = "source")]
    pub sources: Vec<Source>,
}

/// One source document and what the model uses from it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Short id used in scenario files, e.g. `dailynk-porters`.
    pub id: String,
    /// Publication.
    pub outlet: String,
    /// Author or reporter, where known.
    pub author: Option<String>,
    /// Date of publication as precisely as known.
    pub date: String,
    /// Title.
    pub title: String,
    /// Link, where the document gives one.
    pub link: Option<String>,
    /// The copy in `shared/sources`, if any.
    pub file: Option<String>,
    /// What the source supports, in brief.
    pub supports: String,
    /// Claims the model uses, each with where it stands in the document.
    #[serde(default, rename = "claim")]
    pub claims: Vec<Claim>,
    /// Known inconsistencies in the source and how the model handles them.
    #[serde(default)]
    pub conflicts: Vec<String>,
}

/// A claim taken from a source.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// What the model takes from the source, in the project's own words.
    pub claim: String,
    /// Where in the document.
    pub location: String,
}

impl Registry {
    /// The registry shipped with Yalu.
    pub fn embedded() -> Registry {
        Registry::parse(&SourceText::new("evidence/sources.toml", EMBEDDED_SOURCES))
            .expect("the embedded registry is checked by a test")
    }

    /// Parses a registry, refusing duplicate ids.
    pub fn parse(text: &SourceText) -> Result<Registry, ScenarioErrors> {
        let registry: Registry = toml::from_str(&text.text).map_err(|e| ScenarioErrors {
            file: text.name.clone(),
            errors: vec![crate::scenario::toml_error(text, &e)],
        })?;
        for (i, source) in registry.sources.iter().enumerate() {
            if registry.sources[..i].iter().any(|s| s.id == source.id) {
                let offset = text.text.find(&format!("\"{}\"", source.id)).unwrap_or(0);
                return Err(ScenarioErrors {
                    file: text.name.clone(),
                    errors: vec![ScenarioError::at(
                        text,
                        offset..offset + source.id.len() + 2,
                        "source.id",
                        ErrorKind::Duplicate(source.id.clone()),
                    )],
                });
            }
        }
        Ok(registry)
    }

    /// The source with this id.
    pub fn get(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// All ids, comma-separated, for error messages.
    pub fn ids(&self) -> String {
        self.sources
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Source {
    /// A one-line citation: outlet, author, date, title, link.
    pub fn citation(&self) -> String {
        let mut parts = vec![self.outlet.clone()];
        parts.extend(self.author.clone());
        parts.push(self.date.clone());
        parts.push(format!("\"{}\"", self.title));
        parts.extend(self.link.clone());
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_registry_parses_and_has_the_five_documents() {
        let registry = Registry::embedded();
        for id in [
            "nypost-office39",
            "nkinsider-state-smuggling",
            "asiapress-state-smuggling",
            "dailynk-porters",
            "donga-drugs-2003",
        ] {
            let source = registry.get(id).unwrap_or_else(|| panic!("{id} missing"));
            assert!(!source.claims.is_empty(), "{id} lists no claims");
        }
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let text = "[[source]]\nid = \"a\"\noutlet = \"o\"\ndate = \"d\"\ntitle = \"t\"\nsupports = \"s\"\n\n[[source]]\nid = \"a\"\noutlet = \"o\"\ndate = \"d\"\ntitle = \"t\"\nsupports = \"s\"\n";
        let err = Registry::parse(&SourceText::new("r.toml", text)).unwrap_err();
        assert!(matches!(err.errors[0].kind, ErrorKind::Duplicate(_)));
    }
}
