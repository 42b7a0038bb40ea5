//! `extend = "../.infralint.toml"`: a configuration file built on another one, as ruff's
//! `extend` is. There is no implicit merge of the files above a directory: the nearest file
//! holds, and merges another only when it says so.
//!
//! The extending file's keys override the extended file's key by key: a `[rules.<id>]`
//! setting (its level, each option), a `[pricing]` or `[account]` key, a region table's key.
//! `exclude` is one key: declared, it replaces the extended file's list. Relative paths
//! (`extend`, `usage`, `ami_inventory`, `exclude` globs) are resolved from the file that
//! declares them. A cycle, or an `extend` naming no file, is an error at the `extend` line.

use std::path::{Path, PathBuf};

use super::{Config, ConfigError, RuleCatalog};

/// Reads `path` and the chain of files it extends, merged (the nearest file's keys win).
pub(super) fn load_chain(path: &Path, catalog: &dyn RuleCatalog) -> Result<Config, ConfigError> {
    let mut chain: Vec<Config> = Vec::new();
    let mut seen: Vec<PathBuf> = vec![identity(path)];
    let mut next = Config::load_one(path, catalog)?;
    loop {
        let Some((target, line)) = next.extend.take() else {
            chain.push(next);
            break;
        };
        let declared_in = next.path.clone().unwrap_or_default();
        let located = |message: String| ConfigError {
            path: declared_in.clone(),
            line: Some(line),
            message,
        };
        let id = identity(&target);
        if let Some(start) = seen.iter().position(|p| *p == id) {
            let mut cycle: Vec<String> = seen
                .get(start..)
                .unwrap_or_default()
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            cycle.push(id.display().to_string());
            return Err(located(format!(
                "`extend` makes a cycle: {}",
                cycle.join(" -> ")
            )));
        }
        if !target.is_file() {
            return Err(located(format!(
                "`extend`: no configuration file at {}",
                target.display()
            )));
        }
        seen.push(id);
        chain.push(next);
        next = Config::load_one(&target, catalog)?;
    }
    // The farthest file first, each nearer one over it.
    let mut merged: Option<Config> = None;
    for config in chain.into_iter().rev() {
        merged = Some(match merged {
            None => config,
            Some(base) => extended(base, config),
        });
    }
    // `chain` holds `path`'s own file at least.
    Ok(merged.unwrap_or_default())
}

/// One name per file, for finding cycles: the canonical path when it exists.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        let cwd = std::env::current_dir().unwrap_or_default();
        crate::display::lexical(&cwd.join(path))
    })
}

/// `child` over `base`: what `child` declares wins, key by key.
fn extended(base: Config, child: Config) -> Config {
    let mut rules = base.rules;
    for (id, settings) in child.rules {
        let entry = rules.entry(id).or_default();
        if settings.level.is_some() {
            entry.level = settings.level;
        }
        entry.options.extend(settings.options);
    }
    let mut pricing = base.pricing;
    if child.pricing.discount_percent.is_some() {
        pricing.discount_percent = child.pricing.discount_percent;
    }
    for (region, prices) in child.pricing.regions {
        pricing.regions.entry(region).or_default().extend(prices);
    }
    let mut account = base.account;
    if child.account.backup_declared {
        account.backup = child.account.backup;
        account.backup_declared = true;
    }
    account.defaults = over(account.defaults, child.account.defaults);
    for (region, defaults) in child.account.regions {
        let entry = account.regions.remove(&region).unwrap_or_default();
        account.regions.insert(region, over(entry, defaults));
    }
    let (exclude, exclude_from) = if child.exclude_from.is_some() {
        (child.exclude, child.exclude_from)
    } else {
        (base.exclude, base.exclude_from)
    };
    let mut files = child.files;
    files.extend(base.files);
    Config {
        path: child.path,
        files,
        extend: None,
        region: child.region.or(base.region),
        fail_on: child.fail_on.or(base.fail_on),
        exclude,
        exclude_from,
        rules,
        usage: child.usage.or(base.usage),
        ami_inventory: child.ami_inventory.or(base.ami_inventory),
        pricing,
        account,
    }
}

fn over(base: super::AccountDefaults, child: super::AccountDefaults) -> super::AccountDefaults {
    super::AccountDefaults {
        ebs_encryption_by_default: child
            .ebs_encryption_by_default
            .or(base.ebs_encryption_by_default),
        imds_http_tokens: child.imds_http_tokens.or(base.imds_http_tokens),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Level;

    fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("infralint-extend-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_extending_file_wins_key_by_key_and_paths_stay_relative_to_their_file() {
        let dir = scratch("merge");
        write(
            &dir,
            ".infralint.toml",
            "exclude = [\"legacy/**\"]\nusage = \"usage.toml\"\n[rules.ebs-magnetic]\nseverity = \"error\"\n[rules.ami-stale]\nmax_age_days = 90\n[account]\nbackup = \"required\"\nebs_encryption_by_default = true\n",
        );
        let child = write(
            &dir,
            "team/.infralint.toml",
            "extend = \"../.infralint.toml\"\n[rules.ebs-magnetic]\nseverity = \"info\"\n[rules.ami-stale]\nenabled = true\n[account]\nimds_http_tokens = \"required\"\n",
        );
        let c = Config::load(&child, &crate::rules::Catalog).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(c.level("ebs-magnetic"), Some(Level::Info));
        assert_eq!(c.level("ami-stale"), Some(Level::Warning));
        assert_eq!(
            c.rules["ami-stale"].options.get("max_age_days"),
            Some(&toml::Value::Integer(90))
        );
        assert_eq!(c.account.backup, crate::config::BackupRequirement::Required);
        assert_eq!(c.account.ebs_encryption_by_default("eu-west-1"), Some(true));
        assert_eq!(c.account.imds_http_tokens("eu-west-1"), Some("required"));
        assert_eq!(c.exclude, vec!["legacy/**".to_string()]);
        assert_eq!(c.exclude_from, Some(dir.join("team/../.infralint.toml")));
        assert_eq!(c.usage, Some(dir.join("team/../usage.toml")));
        assert_eq!(c.path, Some(child.clone()));
        assert_eq!(c.files.len(), 2);
    }
}
