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

    /// The index in `groups` of the configuration judging `file`.
    pub fn group_of(&self, file: FileId) -> usize {
        self.of_file.get(file.0 as usize).copied().unwrap_or(0)
    }

    /// The configuration judging `file`.
    pub fn config(&self, file: FileId) -> &Config {
        let group = self
            .groups
            .get(self.group_of(file))
            .or(self.groups.first());
        match group {
            Some(g) => &g.config,
            None => &self.fallback,
        }
    }
}
