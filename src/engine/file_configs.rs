//! Which configuration judges each file of a run, and the distinct configurations among them.
//!
//! A finding is judged by the configuration of the file it is located in (its primary
//! location), whatever other files the run names: a module shared by two teams has each
//! finding judged by the `.infralint.toml` nearest to the finding's file. The rules run once
//! per distinct configuration (their options and `[account]` come from it) and each run keeps
//! the findings of its files; a run with one configuration (the common case, and every run
//! with `--config`) runs the rules once, as before.

use std::sync::Arc;

use crate::config::tree::Governing;
use crate::config::{Config, ConfigTree};
use crate::source::{FileId, SourceMap};

pub(super) struct FileConfigs {
    /// The distinct configurations, in the order of their first file; never empty.
    pub groups: Vec<Arc<Governing>>,
    /// Per file id: the index of its configuration in `groups`.
    of_file: Vec<usize>,
    /// Never read (`groups` is never empty): what `config` answers without a group.
    fallback: Config,
}

impl FileConfigs {
    /// The configuration of every file of `sources` (read from `tree`, cached per directory).
    pub fn new(tree: &ConfigTree, sources: &SourceMap) -> FileConfigs {
        let mut groups: Vec<Arc<Governing>> = Vec::new();
        let mut of_file = vec![0; sources.len()];
        for (id, file) in sources.iter() {
            let governing = tree.for_file(&file.path);
            let index = match groups.iter().position(|g| Arc::ptr_eq(g, &governing)) {
                Some(i) => i,
                None => {
                    groups.push(governing);
                    groups.len() - 1
                }
            };
            if let Some(slot) = of_file.get_mut(id.0 as usize) {
                *slot = index;
            }
        }
        if groups.is_empty() {
            groups.push(tree.for_dir(std::path::Path::new("")));
        }
        FileConfigs {
            groups,
            of_file,
            fallback: Config::default(),
        }
    }

    /// A warning for each configuration judging files of the run that sets a key of the
    /// whole run ([`crate::config::PER_RUN_KEYS`]) to another value than the run's
    /// configuration `run`: it is not applied, and silence would let a team believe it is.
    pub fn per_run_warnings(&self, run: &Config) -> Vec<String> {
        let mut warnings = Vec::new();
        for g in &self.groups {
            let c = &g.config;
            let Some(path) = &c.path else { continue };
            if run.path.as_ref() == Some(path) {
                continue;
            }
            let differ = |declared: bool, same: bool| declared && !same;
            let keys: Vec<&str> = [
                (
                    "fail_on",
                    differ(c.fail_on.is_some(), c.fail_on == run.fail_on),
                ),
                ("region", differ(c.region.is_some(), c.region == run.region)),
                (
                    "pricing",
                    differ(c.pricing != Default::default(), c.pricing == run.pricing),
                ),
                ("usage", differ(c.usage.is_some(), c.usage == run.usage)),
                (
                    "ami_inventory",
                    differ(
                        c.ami_inventory.is_some(),
                        c.ami_inventory == run.ami_inventory,
                    ),
                ),
            ]
            .into_iter()
            .filter(|(_, d)| *d)
            .map(|(k, _)| k)
            .collect();
            if keys.is_empty() {
                continue;
            }
            let run_config = match &run.path {
                Some(p) => crate::display::display_path(p),
                None => "none".to_string(),
            };
            let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            warnings.push(format!(
                "{}: {} not applied: {} for the whole run, from --config or the current directory's configuration ({run_config})",
                crate::display::display_path(path),
                keys.join(", "),
                if keys.len() == 1 { "it holds" } else { "they hold" },
            ));
        }
        warnings
    }

    /// The index in `groups` of the configuration judging `file`.
    pub fn group_of(&self, file: FileId) -> usize {
        self.of_file.get(file.0 as usize).copied().unwrap_or(0)
    }

    /// The configuration judging `file`.
    pub fn config(&self, file: FileId) -> &Config {
        let group = self.groups.get(self.group_of(file)).or(self.groups.first());
        match group {
            Some(g) => &g.config,
            None => &self.fallback,
        }
    }
}
