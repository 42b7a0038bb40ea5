//! Which module instances a reference in the plan's configuration designates.

use serde_json::Value as Json;

use crate::model::address::{same_key, ModStep};

/// Which module instances a reference designates.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum KeySel {
    Exact(Option<Json>),
    /// A module output read without an instance key: any instance.
    Any,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct ModSel(pub Vec<(String, KeySel)>);

impl ModSel {
    pub fn exact(steps: &[ModStep]) -> ModSel {
        ModSel(
            steps
                .iter()
                .map(|s| (s.name.clone(), KeySel::Exact(s.key.clone())))
                .collect(),
        )
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| n.as_str())
    }

    pub fn matches(&self, steps: &[ModStep]) -> bool {
        self.0.len() == steps.len()
            && self.0.iter().zip(steps).all(|((name, sel), step)| {
                name == &step.name
                    && match sel {
                        KeySel::Any => true,
                        KeySel::Exact(None) => step.key.is_none(),
                        KeySel::Exact(Some(k)) => step.key.as_ref().is_some_and(|s| same_key(k, s)),
                    }
            })
    }
}
