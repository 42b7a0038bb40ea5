//! Which configuration judges a path: the nearest `.infralint.toml` above it, as ruff does
//! ("config file discovery"), or the one `--config` names for every path.
//!
//! The nearest file wins entirely: the files above it are not merged in (a file merges
//! another only through `extend`). An entry (a file, or a directory the walk may enter) is
//! judged by the configuration of the directory that contains it, so a directory excluded by
//! the file above it is not entered even when it holds its own `.infralint.toml`, and a
//! nested file's `exclude` applies below it only.
//!
//! Lookups are cached per directory and shared by the walk (which prunes excluded
//! directories) and the engine (which judges findings by the configuration of their file):
//! a directory's configuration is read once per run. A file that does not load is recorded
//! (see [`ConfigTree::errors`]): the run stops with exit 2 once the walk is done.

use foldhash::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::{Config, ConfigError, ExcludeMatcher, RuleCatalog, CONFIG_FILE_NAME};

/// A configuration with its compiled `exclude`.
#[derive(Debug)]
pub struct Governing {
    pub config: Config,
    exclude: Option<ExcludeMatcher>,
}

impl Governing {
    fn new(config: Config) -> Arc<Governing> {
        let exclude = config.exclude_matcher();
        Arc::new(Governing { config, exclude })
    }
}

/// The configurations of a run, by directory.
pub struct ConfigTree {
    catalog: &'static (dyn RuleCatalog + Sync),
    /// `--config`: this one for every path.
    fixed: Option<Arc<Governing>>,
    /// No `.infralint.toml` above a directory: the defaults.
    default: Arc<Governing>,
    /// Absolute, lexically normalized directories; `None`: no file at or above it.
    by_dir: Mutex<HashMap<PathBuf, Option<Arc<Governing>>>>,
    errors: Mutex<Vec<ConfigError>>,
}

impl std::fmt::Debug for ConfigTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigTree")
            .field("fixed", &self.fixed.as_ref().map(|g| &g.config.path))
            .finish_non_exhaustive()
    }
}

impl ConfigTree {
    /// One configuration for every path (`--config`, or a run without configuration files).
    pub fn fixed(config: Config, catalog: &'static (dyn RuleCatalog + Sync)) -> ConfigTree {
        ConfigTree {
            catalog,
            fixed: Some(Governing::new(config)),
            default: Governing::new(Config::default()),
            by_dir: Mutex::new(HashMap::default()),
            errors: Mutex::new(Vec::new()),
        }
    }

    /// The nearest `.infralint.toml` for each path.
    pub fn discovering(catalog: &'static (dyn RuleCatalog + Sync)) -> ConfigTree {
        ConfigTree {
            catalog,
            fixed: None,
            default: Governing::new(Config::default()),
            by_dir: Mutex::new(HashMap::default()),
            errors: Mutex::new(Vec::new()),
        }
    }

    /// The configuration that judges `file` (the one of its directory).
    pub fn for_file(&self, file: &Path) -> Arc<Governing> {
        self.for_dir(file.parent().unwrap_or(Path::new("")))
    }

    /// The configuration of the files directly in `dir`: the nearest file at or above it.
    pub fn for_dir(&self, dir: &Path) -> Arc<Governing> {
        if let Some(fixed) = &self.fixed {
            return fixed.clone();
        }
        let cwd = std::env::current_dir().unwrap_or_default();
        let dir = crate::display::lexical(&cwd.join(dir));
        self.nearest(&dir).unwrap_or_else(|| self.default.clone())
    }

    /// Whether the configuration of the directory holding `path` excludes it.
    pub fn excludes(&self, path: &Path) -> bool {
        let governing = self.for_file(path);
        governing
            .exclude
            .as_ref()
            .is_some_and(|m| m.is_excluded(path))
    }

    /// Whether the configuration of the directory holding `dir` excludes all of it.
    pub fn excludes_dir(&self, dir: &Path) -> bool {
        let governing = self.for_file(dir);
        governing
            .exclude
            .as_ref()
            .is_some_and(|m| m.is_dir_excluded(dir))
    }

    /// The configuration files that did not load, each once, in the order met.
    pub fn errors(&self) -> Vec<ConfigError> {
        self.errors.lock().map(|e| e.clone()).unwrap_or_default()
    }

    /// Every configuration file read so far (with the files they extend), sorted: inputs of
    /// the run, which no output may overwrite.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self
            .fixed
            .iter()
            .flat_map(|g| g.config.files.clone())
            .collect();
        if let Ok(cache) = self.by_dir.lock() {
            files.extend(
                cache
                    .values()
                    .flatten()
                    .flat_map(|g| g.config.files.clone()),
            );
        }
        files.sort();
        files.dedup();
        files
    }

    /// `dir` is absolute and normalized.
    fn nearest(&self, dir: &Path) -> Option<Arc<Governing>> {
        if let Some(hit) = self.by_dir.lock().ok()?.get(dir) {
            return hit.clone();
        }
        let candidate = dir.join(CONFIG_FILE_NAME);
        let found = if candidate.is_file() {
            match Config::load(&candidate, self.catalog) {
                Ok(config) => Some(Governing::new(config)),
                Err(e) => {
                    if let Ok(mut errors) = self.errors.lock() {
                        if !errors.contains(&e) {
                            errors.push(e);
                        }
                    }
                    // Judged by the defaults meanwhile; the run ends with exit 2.
                    Some(self.default.clone())
                }
            }
        } else {
            dir.parent().and_then(|parent| self.nearest(parent))
        };
        if let Ok(mut cache) = self.by_dir.lock() {
            cache.insert(dir.to_path_buf(), found.clone());
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_file_wins_and_is_read_once() {
        let dir = std::env::temp_dir().join(format!("infralint-tree-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("a/b/c")).unwrap();
        std::fs::create_dir_all(dir.join("d")).unwrap();
        std::fs::write(dir.join(".infralint.toml"), "region = \"eu-west-1\"\n").unwrap();
        std::fs::write(dir.join("a/.infralint.toml"), "fail_on = \"error\"\n").unwrap();
        let tree = ConfigTree::discovering(&crate::rules::Catalog);
        let deep = tree.for_file(&dir.join("a/b/c/main.tf"));
        let a = tree.for_dir(&dir.join("a"));
        let d = tree.for_file(&dir.join("d/main.tf"));
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(Arc::ptr_eq(&deep, &a));
        assert_eq!(deep.config.path, Some(dir.join("a/.infralint.toml")));
        // No merge of the file above: `a` does not name a region.
        assert_eq!(deep.config.region, None);
        assert_eq!(d.config.region.as_deref(), Some("eu-west-1"));
        assert!(tree.errors().is_empty());
    }
}
