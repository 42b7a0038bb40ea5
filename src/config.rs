//! `.infralint.toml`: rule severities, per-rule options, excludes, default region.
//!
//! ```toml
//! extend = "../.infralint.toml"   # settings of another file, overridden key by key here
//! region = "eu-west-1"            # prices used for cost estimates
//! exclude = ["legacy/**"]         # globs, relative to the config file's directory
//! fail_on = "warning"             # error | warning | info | never
//!
//! [rules.ebs-io1-to-io2]
//! severity = "error"              # error | warning | info | off
//!
//! [rules.ami-stale]
//! enabled = false
//! ```
//! Unknown keys, unknown rule ids and options a rule does not declare are errors that name the
//! key, the file and the line.
//!
//! Each file is judged by the nearest `.infralint.toml` above it, as ruff does ([`tree`]);
//! `extend` merges another file explicitly ([`extend`]). Which keys are per file and which
//! per run: see [`PER_RUN_KEYS`].

mod extend;
pub mod tree;

pub use tree::ConfigTree;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::finding::Severity;

pub const CONFIG_FILE_NAME: &str = ".infralint.toml";

/// Keys that hold for a whole run, not for each file: the exit threshold (`fail_on`), the
/// price tables and the pricing region (`region`, `[pricing]`: one basis for the totals), and
/// the `usage` and `ami_inventory` files (read once). They come from the run's configuration
/// (`--config`, else the nearest `.infralint.toml` to the current directory, as ruff's
/// per-run settings do). Every other key (`[rules]`, `exclude`, `[account]`) is per file.
pub const PER_RUN_KEYS: [&str; 5] = ["fail_on", "region", "pricing", "usage", "ami_inventory"];

/// What the configuration needs to know of the rules, so that it depends on none of them:
/// which ids exist, their default severity, and the options each accepts. The rule registry
/// implements it (`crate::rules::Catalog`).
pub trait RuleCatalog {
    /// The rule `id`, or `None` when there is no such rule.
    fn rule(&self, id: &str) -> Option<CatalogEntry>;
    /// Every rule id, in catalog order.
    fn ids(&self) -> Vec<&'static str>;
}

/// A rule as the configuration sees it.
#[derive(Debug, Clone, Copy)]
pub struct CatalogEntry {
    pub id: &'static str,
    pub default_severity: Severity,
    /// Options accepted under `[rules.<id>]`.
    pub options: &'static [OptionSpec],
}

/// A rule option: its name, what it accepts, and a check of a configured value. The rule
/// reads its options as a typed struct (`RuleContext::options`); the check gives the
/// configuration's error message its line and wording.
#[derive(Debug)]
pub struct OptionSpec {
    pub name: &'static str,
    /// For messages: "a whole number of days", "a list of instance types".
    pub expected: &'static str,
    pub accepts: fn(&toml::Value) -> bool,
}

/// A rule's configured level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "info" => Some(Level::Info),
            "off" => Some(Level::Off),
            _ => None,
        }
    }
}

/// The lowest severity that makes the run fail (exit code 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum, Default)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    #[default]
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    extend: Option<Spanned<String>>,
    region: Option<String>,
    exclude: Option<Vec<Spanned<String>>>,
    fail_on: Option<FailOn>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, RawRule>,
    usage: Option<String>,
    ami_inventory: Option<String>,
    pricing: Option<Spanned<toml::Table>>,
    account: Option<RawAccount>,
}

/// `[account]`: what the configuration cannot show about the AWS account(s) it deploys to.
/// Every key is optional; unknown keys are errors.
#[derive(Debug, Deserialize)]
struct RawAccount {
    backup: Option<Spanned<String>>,
    ebs_encryption_by_default: Option<bool>,
    imds_http_tokens: Option<Spanned<String>>,
    /// Region tables (`[account.eu-west-1]`) and unknown keys, checked by hand.
    #[serde(flatten)]
    other: BTreeMap<String, toml::Value>,
}

/// Unknown keys land in `options` (serde's `flatten`) and are checked against the rule.
#[derive(Debug, Deserialize)]
struct RawRule {
    severity: Option<Level>,
    enabled: Option<bool>,
    #[serde(flatten)]
    options: BTreeMap<String, toml::Value>,
}

/// Settings for one rule.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleSettings {
    /// `None`: the rule's default severity.
    pub level: Option<Level>,
    /// Rule-specific options, already checked against the rule's declared option names.
    pub options: BTreeMap<String, toml::Value>,
}

/// The effective configuration of a run.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    /// Every file read for it: `path`, then the files it extends, nearest first (inputs of
    /// the run, which no output may overwrite).
    pub files: Vec<PathBuf>,
    /// `extend = "..."` as written, resolved against the file's directory, with its line;
    /// [`Config::load`] follows it and leaves `None`.
    extend: Option<(PathBuf, usize)>,
    pub region: Option<String>,
    pub fail_on: Option<FailOn>,
    pub exclude: Vec<String>,
    /// The file that declares `exclude` (its globs are relative to its directory); `None`
    /// when no file does.
    pub exclude_from: Option<PathBuf>,
    pub rules: BTreeMap<String, RuleSettings>,
    /// `usage = "..."`, resolved against the config file's directory.
    pub usage: Option<PathBuf>,
    /// `ami_inventory = "..."`, resolved against the config file's directory.
    pub ami_inventory: Option<PathBuf>,
    pub pricing: PricingOverrides,
    pub account: AccountSettings,
}

/// `[account]`: facts about the account that no module or template shows.
///
/// ```toml
/// [account]
/// backup = "required"   # every EBS volume must be covered by a backup policy we can see
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountSettings {
    /// `backup`: whether EBS volumes must be backed up by a Lifecycle Manager policy or an AWS
    /// Backup selection declared alongside them, even where none is declared.
    pub backup: BackupRequirement,
    /// Whether the file declares `backup` (a file that extends another overrides only what
    /// it declares).
    pub backup_declared: bool,
    /// Defaults set outside the checked code, for every region.
    pub defaults: AccountDefaults,
    /// Per-region defaults (`[account.eu-west-1]`): they override `defaults` key by key.
    pub regions: BTreeMap<String, AccountDefaults>,
}

/// Account-level defaults made outside the checked code (the console, another repository,
/// an organization's landing zone): what `aws_ebs_encryption_by_default` and
/// `aws_ec2_instance_metadata_defaults` would say.
///
/// ```toml
/// [account]
/// ebs_encryption_by_default = true
/// imds_http_tokens = "required"
/// [account.ap-southeast-1]
/// ebs_encryption_by_default = false
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountDefaults {
    pub ebs_encryption_by_default: Option<bool>,
    /// `"required"` or `"optional"`.
    pub imds_http_tokens: Option<String>,
}

impl AccountSettings {
    /// Whether EBS encryption by default is on in `region`, as configured (region table first).
    pub fn ebs_encryption_by_default(&self, region: &str) -> Option<bool> {
        self.regions
            .get(region)
            .and_then(|r| r.ebs_encryption_by_default)
            .or(self.defaults.ebs_encryption_by_default)
    }

    /// The account's default IMDS `http_tokens` in `region`, as configured.
    pub fn imds_http_tokens(&self, region: &str) -> Option<&str> {
        self.regions
            .get(region)
            .and_then(|r| r.imds_http_tokens.as_deref())
            .or(self.defaults.imds_http_tokens.as_deref())
    }
}

/// `[account] backup`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BackupRequirement {
    /// Not set (or `"optional"`): only units that declare a policy are checked against it.
    #[default]
    Optional,
    /// `"required"`: a volume that no policy in sight covers is reported even in a unit
    /// without any policy (no policy elsewhere in the account covers it).
    Required,
}

/// `[pricing]`: a discount on every price, and per-region overrides of single prices.
///
/// ```toml
/// [pricing]
/// discount_percent = 12
/// [pricing.us-east-1]
/// gp3_gb_month = 0.07
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PricingOverrides {
    pub discount_percent: Option<f64>,
    pub regions: BTreeMap<String, BTreeMap<String, f64>>,
}

impl PricingOverrides {
    /// The data with the overrides applied.
    pub fn apply(
        &self,
        data: &crate::aws_data::AwsData,
    ) -> Result<crate::aws_data::AwsData, String> {
        let mut data = data.clone();
        for (region, prices) in &self.regions {
            let table = data.prices.get_mut(region).ok_or_else(|| {
                format!("[pricing.{region}]: no built-in price table for `{region}` to override")
            })?;
            for (key, value) in prices {
                table
                    .set(key, *value)
                    .map_err(|e| format!("[pricing.{region}]: {e}"))?;
            }
            table.source = format!("{} (overridden in .infralint.toml)", table.source);
        }
        if let Some(percent) = self.discount_percent {
            for table in data.prices.values_mut() {
                table.scale(1.0 - percent / 100.0)?;
                table.notes = format!(
                    "{} {percent}% discount from .infralint.toml applied.",
                    table.notes
                )
                .trim()
                .to_string();
            }
        }
        Ok(data)
    }
}

/// A configuration error: exit code 2, with the file, line and key.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// `eu-west-1`, `us-gov-west-1`, `ap-southeast-5`: a partition-style region name.
fn looks_like_region(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| !p.is_empty())
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

/// The offset of `key = ...` after the rule's table header at `from`.
fn key_offset(text: &str, from: usize, key: &str) -> Option<usize> {
    let mut offset = text.get(..from)?.rfind('\n').map(|i| i + 1).unwrap_or(0);
    for line in text.get(offset..)?.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let rest = trimmed
            .strip_prefix(key)
            .or_else(|| trimmed.strip_prefix(&format!("\"{key}\"")));
        if rest.is_some_and(|r| r.trim_start().starts_with('=')) {
            return Some(offset + (line.len() - trimmed.len()));
        }
        offset += line.len();
    }
    None
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map(|s| s.matches('\n').count() + 1)
        .unwrap_or(1)
}

impl Config {
    /// Parses a config file's text against the rules of `catalog`; `path` is used in
    /// messages.
    pub fn parse(
        text: &str,
        path: &Path,
        catalog: &dyn RuleCatalog,
    ) -> Result<Config, ConfigError> {
        let err = |offset: Option<usize>, message: String| ConfigError {
            path: path.to_path_buf(),
            line: offset.map(|o| line_of(text, o)),
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            err(
                e.span().map(|s| s.start),
                e.message().trim_end().replace('\n', "; "),
            )
        })?;
        let mut rules_out = BTreeMap::new();
        for (id, rule) in raw.rules {
            let Some(meta) = catalog.rule(id.get_ref()) else {
                let ids = catalog.ids();
                return Err(err(
                    Some(id.span().start),
                    format!(
                        "unknown rule `{}` in [rules]{} (`infralint rules` lists them)",
                        id.get_ref(),
                        crate::suggest::did_you_mean(id.get_ref(), ids.iter().copied()),
                    ),
                ));
            };
            let mut options = BTreeMap::new();
            for (key, value) in rule.options {
                // serde's `flatten` cannot carry spans: find the key's line in the text.
                let key_offset = key_offset(text, id.span().start, &key);
                if !meta.options.iter().any(|o| o.name == key) {
                    let accepted = if meta.options.is_empty() {
                        "it has no options".to_string()
                    } else {
                        let names: Vec<&str> = meta.options.iter().map(|o| o.name).collect();
                        format!("its options are: {}", names.join(", "))
                    };
                    return Err(err(
                        key_offset,
                        format!(
                            "unknown key `{key}` for rule `{}` (accepted: severity, enabled; {accepted})",
                            meta.id
                        ),
                    ));
                }
                if let Some(spec) = meta.options.iter().find(|o| o.name == key) {
                    if !(spec.accepts)(&value) {
                        return Err(err(
                            key_offset,
                            format!("`{key}` of rule `{}` must be {}", meta.id, spec.expected),
                        ));
                    }
                }
                options.insert(key, value);
            }
            let level = match (rule.enabled, rule.severity) {
                (Some(false), _) => Some(Level::Off),
                // `enabled = true` alone turns an off-by-default rule on at its default level.
                (Some(true), None) => Some(match meta.default_severity {
                    Severity::Error => Level::Error,
                    Severity::Warning => Level::Warning,
                    Severity::Info => Level::Info,
                }),
                (_, level) => level,
            };
            rules_out.insert(id.into_inner(), RuleSettings { level, options });
        }
        let mut exclude = Vec::new();
        let exclude_from = raw.exclude.is_some().then(|| path.to_path_buf());
        for glob in raw.exclude.unwrap_or_default() {
            if let Err(e) = globset::Glob::new(glob.get_ref()) {
                return Err(err(
                    Some(glob.span().start),
                    format!("invalid glob `{}` in exclude: {e}", glob.get_ref()),
                ));
            }
            exclude.push(glob.into_inner());
        }
        let mut pricing = PricingOverrides::default();
        if let Some(table) = raw.pricing {
            let offset = Some(table.span().start);
            for (key, value) in table.into_inner() {
                match (key.as_str(), value) {
                    ("discount_percent", v) => match v.as_float().or(v.as_integer().map(|i| i as f64)) {
                        Some(p) if (0.0..100.0).contains(&p) => pricing.discount_percent = Some(p),
                        _ => return Err(err(offset, "`discount_percent` in [pricing] must be a number from 0 to 100".to_string())),
                    },
                    (region, toml::Value::Table(prices)) => {
                        let mut out = BTreeMap::new();
                        for (k, v) in prices {
                            let Some(n) = v.as_float().or(v.as_integer().map(|i| i as f64)) else {
                                return Err(err(key_offset(text, 0, &k), format!("[pricing.{region}] `{k}` must be a number")));
                            };
                            if !crate::aws_data::PRICE_KEYS.contains(&k.as_str()) && k != "eip_free_remaps_per_month" {
                                return Err(err(key_offset(text, 0, &k), format!("[pricing.{region}]: unknown price key `{k}`")));
                            }
                            out.insert(k, n);
                        }
                        pricing.regions.insert(region.to_string(), out);
                    }
                    (other, _) => return Err(err(offset, format!("unknown key `{other}` in [pricing] (expected `discount_percent` or a region table such as [pricing.us-east-1])"))),
                }
            }
        }
        let mut account = AccountSettings::default();
        if let Some(raw) = raw.account {
            if let Some(backup) = raw.backup {
                account.backup_declared = true;
                account.backup = match backup.get_ref().as_str() {
                    "required" => BackupRequirement::Required,
                    "optional" => BackupRequirement::Optional,
                    other => {
                        return Err(err(
                            Some(backup.span().start),
                            format!("`backup` in [account] must be \"required\" or \"optional\", not `{other}`"),
                        ))
                    }
                };
            }
            account.defaults = AccountDefaults {
                ebs_encryption_by_default: raw.ebs_encryption_by_default,
                imds_http_tokens: match raw.imds_http_tokens {
                    None => None,
                    Some(t) => match t.get_ref().as_str() {
                        "required" | "optional" => Some(t.get_ref().clone()),
                        other => {
                            return Err(err(
                                Some(t.span().start),
                                format!("`imds_http_tokens` in [account] must be \"required\" or \"optional\", not `{other}`"),
                            ))
                        }
                    },
                },
            };
            for (key, value) in raw.other {
                let offset = key_offset(text, 0, &key);
                let toml::Value::Table(table) = value else {
                    return Err(err(offset, format!("unknown key `{key}` in [account] (expected `backup`, `ebs_encryption_by_default`, `imds_http_tokens` or a region table such as [account.eu-west-1])")));
                };
                if !looks_like_region(&key) {
                    return Err(err(offset, format!("[account.{key}]: `{key}` is not an AWS region name (such as `eu-west-1`)")));
                }
                let mut defaults = AccountDefaults::default();
                for (k, v) in table {
                    let at = key_offset(text, 0, &k);
                    match (k.as_str(), v) {
                        ("ebs_encryption_by_default", toml::Value::Boolean(b)) => {
                            defaults.ebs_encryption_by_default = Some(b)
                        }
                        ("imds_http_tokens", toml::Value::String(t)) => match t.as_str() {
                            "required" | "optional" => defaults.imds_http_tokens = Some(t),
                            other => return Err(err(at, format!("`imds_http_tokens` in [account.{key}] must be \"required\" or \"optional\", not `{other}`"))),
                        },
                        ("ebs_encryption_by_default", _) => return Err(err(at, format!("`ebs_encryption_by_default` in [account.{key}] must be true or false"))),
                        ("imds_http_tokens", _) => return Err(err(at, format!("`imds_http_tokens` in [account.{key}] must be a string"))),
                        (other, _) => return Err(err(at, format!("unknown key `{other}` in [account.{key}] (expected `ebs_encryption_by_default` or `imds_http_tokens`)"))),
                    }
                }
                account.regions.insert(key, defaults);
            }
        }
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Config {
            extend: raw
                .extend
                .map(|e| (base.join(e.get_ref()), line_of(text, e.span().start))),
            files: vec![path.to_path_buf()],
            exclude_from,
            usage: raw.usage.map(|u| base.join(u)),
            ami_inventory: raw.ami_inventory.map(|a| base.join(a)),
            pricing,
            account,
            path: Some(path.to_path_buf()),
            region: raw.region,
            fail_on: raw.fail_on,
            exclude,
            rules: rules_out,
        })
    }

    /// Reads a config file and the files it extends (see [`extend`]).
    pub fn load(path: &Path, catalog: &dyn RuleCatalog) -> Result<Config, ConfigError> {
        extend::load_chain(path, catalog)
    }

    /// Reads one config file, without following `extend`.
    fn load_one(path: &Path, catalog: &dyn RuleCatalog) -> Result<Config, ConfigError> {
        let text = crate::option_file::read(path, crate::option_file::OptionFile::Config).map_err(
            |e| ConfigError {
                path: path.to_path_buf(),
                line: None,
                message: e.message,
            },
        )?;
        Config::parse(&text, path, catalog)
    }

    /// The nearest `.infralint.toml` walking up from `start` (a file or directory).
    pub fn find(start: &Path) -> Option<PathBuf> {
        let absolute = if start.is_absolute() {
            start.to_path_buf()
        } else {
            std::env::current_dir().ok()?.join(start)
        };
        let mut dir = if absolute.is_dir() {
            Some(absolute.as_path())
        } else {
            absolute.parent()
        };
        while let Some(d) = dir {
            let candidate = d.join(CONFIG_FILE_NAME);
            if candidate.is_file() {
                return Some(candidate);
            }
            dir = d.parent();
        }
        None
    }

    /// The configured level of a rule, if any.
    pub fn level(&self, rule: &str) -> Option<Level> {
        self.rules.get(rule).and_then(|r| r.level)
    }

    /// A matcher for `exclude`, relative to the directory of the file that declares it.
    pub fn exclude_matcher(&self) -> Option<ExcludeMatcher> {
        let base = self
            .exclude_from
            .as_ref()
            .or(self.path.as_ref())
            .and_then(|p| p.parent())
            .map(Path::to_path_buf)
            .unwrap_or_default();
        ExcludeMatcher::default()
            .with_globs(&self.exclude, &base)
            .ok()
            .filter(|m| !m.is_empty())
    }
}

/// Matches paths against `exclude` globs: the configuration's (relative to its directory) and
/// `--exclude` (relative to the current directory).
///
/// A directory is excluded, and never walked into, when a glob matches it (`legacy`) or when
/// a glob `DIR/**` has a `DIR` that matches it (`legacy/**`): every path below it would be
/// excluded anyway, as in ruff's and `.gitignore`'s handling of directories.
#[derive(Debug, Clone, Default)]
pub struct ExcludeMatcher {
    groups: Vec<ExcludeGroup>,
    /// The `exclude` of the configuration judging each path (see [`tree`]).
    tree: Option<std::sync::Arc<ConfigTree>>,
}

#[derive(Debug, Clone)]
struct ExcludeGroup {
    set: globset::GlobSet,
    /// The prefixes of the globs that end in `/**`.
    dirs: globset::GlobSet,
    base: PathBuf,
}

impl ExcludeMatcher {
    /// Adds `globs`, relative to `base` (empty: the current directory).
    pub fn with_globs(mut self, globs: &[String], base: &Path) -> Result<Self, String> {
        if globs.is_empty() {
            return Ok(self);
        }
        let mut set = globset::GlobSetBuilder::new();
        let mut dirs = globset::GlobSetBuilder::new();
        for g in globs {
            let glob = globset::Glob::new(g).map_err(|e| format!("invalid glob `{g}`: {e}"))?;
            set.add(glob);
            if let Some(prefix) = g.strip_suffix("/**").filter(|p| !p.is_empty()) {
                let glob =
                    globset::Glob::new(prefix).map_err(|e| format!("invalid glob `{g}`: {e}"))?;
                dirs.add(glob);
            }
        }
        self.groups.push(ExcludeGroup {
            set: set.build().map_err(|e| e.to_string())?,
            dirs: dirs.build().map_err(|e| e.to_string())?,
            base: base.to_path_buf(),
        });
        Ok(self)
    }

    /// Adds the `exclude` of the configuration that judges each path.
    pub fn with_configs(mut self, tree: std::sync::Arc<ConfigTree>) -> Self {
        self.tree = Some(tree);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.tree.is_none()
    }

    /// A file (or any path) matched by a glob.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.groups.iter().any(|g| g.set.is_match(g.relative(path)))
            || self.tree.as_ref().is_some_and(|t| t.excludes(path))
    }

    /// A directory whose whole content is excluded: the walk does not enter it.
    pub fn is_dir_excluded(&self, dir: &Path) -> bool {
        self.groups.iter().any(|g| {
            let relative = g.relative(dir);
            !relative.as_os_str().is_empty()
                && (g.set.is_match(&relative) || g.dirs.is_match(&relative))
        }) || self.tree.as_ref().is_some_and(|t| t.excludes_dir(dir))
    }
}

impl ExcludeGroup {
    /// `path` relative to the group's base, both made absolute and normalized lexically
    /// (`--config ../.infralint.toml` has a base with `..`).
    fn relative(&self, path: &Path) -> PathBuf {
        let cwd = std::env::current_dir().unwrap_or_default();
        let absolute = crate::display::lexical(&cwd.join(path));
        let base = crate::display::lexical(&cwd.join(&self.base));
        absolute
            .strip_prefix(&base)
            .map(Path::to_path_buf)
            .unwrap_or(absolute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new(".infralint.toml"), &crate::rules::Catalog)
    }

    #[test]
    fn full_config() {
        let c = parse(
            r#"
region = "eu-west-1"
exclude = ["legacy/**"]
fail_on = "error"

[rules.ebs-io1-to-io2]
severity = "error"

[rules.ami-stale]
enabled = false
"#,
        )
        .unwrap();
        assert_eq!(c.region.as_deref(), Some("eu-west-1"));
        assert_eq!(c.fail_on, Some(FailOn::Error));
        assert_eq!(c.level("ebs-io1-to-io2"), Some(Level::Error));
        assert_eq!(c.level("ami-stale"), Some(Level::Off));
        assert_eq!(c.level("eip-unattached"), None);
    }

    #[test]
    fn errors_name_the_key_and_line() {
        let e = parse("region = \"x\"\nbogus = 1\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("bogus"), "{}", e.message);

        let e = parse("\n[rules.no-such-rule]\nseverity = \"error\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("unknown rule `no-such-rule`"));

        let e = parse("[rules.eip-unattached]\nseverity = \"error\"\nmax_age = 3\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e:?}");
        assert!(e.message.contains("unknown key `max_age`"), "{}", e.message);

        let e = parse("[rules.eip-unattached]\nseverity = \"loud\"\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");

        let e = parse("exclude = [\"a/[\"]\n").unwrap_err();
        assert!(e.message.contains("invalid glob"));
        assert_eq!(e.to_string(), format!(".infralint.toml:1: {}", e.message));
    }

    #[test]
    fn account_defaults_by_region() {
        let c = parse("[account]\nebs_encryption_by_default = true\nimds_http_tokens = \"required\"\n[account.ap-southeast-1]\nebs_encryption_by_default = false\n[account.us-gov-west-1]\nimds_http_tokens = \"optional\"\n").unwrap();
        assert_eq!(c.account.ebs_encryption_by_default("eu-west-1"), Some(true));
        assert_eq!(
            c.account.ebs_encryption_by_default("ap-southeast-1"),
            Some(false)
        );
        assert_eq!(
            c.account.imds_http_tokens("ap-southeast-1"),
            Some("required")
        );
        assert_eq!(
            c.account.imds_http_tokens("us-gov-west-1"),
            Some("optional")
        );
        assert_eq!(
            parse("")
                .unwrap()
                .account
                .ebs_encryption_by_default("eu-west-1"),
            None
        );
        for (text, message) in [
            (
                "[account]\nimds_http_tokens = \"sometimes\"\n",
                "must be \"required\" or \"optional\", not `sometimes`",
            ),
            (
                "[account]\nebs_encryption = true\n",
                "unknown key `ebs_encryption` in [account]",
            ),
            (
                "[account.moon]\nebs_encryption_by_default = true\n",
                "`moon` is not an AWS region name",
            ),
            (
                "[account.eu-west-1]\nebs_encryption_by_default = \"yes\"\n",
                "must be true or false",
            ),
            (
                "[account.eu-west-1]\nbackup = \"required\"\n",
                "unknown key `backup` in [account.eu-west-1]",
            ),
            (
                "[account]\nebs_encryption_by_default = 1\n",
                "expected a boolean",
            ),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.message.contains(message), "{text}: {}", e.message);
        }
    }

    #[test]
    fn account_table() {
        let c = parse("[account]\nbackup = \"required\"\n").unwrap();
        assert_eq!(c.account.backup, BackupRequirement::Required);
        assert_eq!(
            parse("").unwrap().account.backup,
            BackupRequirement::Optional
        );
        let e = parse("region = \"x\"\n[account]\nbackup = \"always\"\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("`backup` in [account]"), "{}", e.message);
        let e = parse("[account]\nbackup = \"required\"\nowner = 1\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("owner"), "{}", e.message);
    }

    #[test]
    fn exclude_globs_are_relative_to_the_config() {
        let mut c = parse("exclude = [\"legacy/**\", \"**/*.gen.tf\"]\n").unwrap();
        c.path = Some(PathBuf::from("/repo/.infralint.toml"));
        c.exclude_from = c.path.clone();
        let m = c.exclude_matcher().unwrap();
        assert!(m.is_excluded(Path::new("/repo/legacy/a/main.tf")));
        assert!(m.is_excluded(Path::new("/repo/x/y.gen.tf")));
        assert!(!m.is_excluded(Path::new("/repo/live/main.tf")));
    }
}
