//! What a run is asked to do: the paths, the configuration, and the command line's overrides.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::baseline::Baseline;
use crate::config::{Config, ConfigTree, FailOn, Level};
use crate::inventory::Inventory;
use crate::usage::Usage;

/// Region whose prices are used when none is configured.
pub const DEFAULT_REGION: &str = "us-east-1";

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    /// Region whose prices are used.
    pub region: String,
    /// The run's configuration, for the keys that hold for a whole run
    /// ([`crate::config::PER_RUN_KEYS`]): `--config`, else the nearest `.infralint.toml` to
    /// the current directory, else the defaults.
    pub config: Config,
    /// The configuration of each file (rule levels and options, `exclude`, `[account]`):
    /// the nearest `.infralint.toml` above it, or `--config` for all.
    pub configs: Arc<ConfigTree>,
    /// `--severity RULE=LEVEL`: wins over the config file.
    pub severity: Vec<(String, Level)>,
    /// `--fail-on`: wins over the config file.
    pub fail_on: Option<FailOn>,
    /// `--baseline FILE`, loaded.
    pub baseline: Option<Baseline>,
    /// `--usage FILE` (or the config's `usage`), read but not yet parsed.
    pub usage: Option<Usage>,
    /// `--ami-inventory FILE` (or the config's `ami_inventory`).
    pub inventory: Option<Inventory>,
    /// Today in days since the epoch (`--now`, else the clock).
    pub today: i64,
    /// `--var-file FILE`, in command-line order.
    pub var_files: Vec<PathBuf>,
    /// `--var NAME=VALUE`, in command-line order.
    pub vars: Vec<(String, String)>,
    /// The region the user named (`--region` or the config), which makes CloudFormation's
    /// `AWS::Region` known; `None` when `region` is only the pricing default.
    pub deploy_region: Option<String>,
    /// CloudFormation parameter values (`--parameter`, `--parameter-file`).
    pub cfn_parameters: BTreeMap<String, String>,
    /// `--exclude GLOB`, relative to the current directory, in addition to the config's.
    pub exclude: Vec<String>,
    /// `--no-ignore`: ignore files and the default ignored directories do not apply.
    pub no_ignore: bool,
}

impl CheckOptions {
    /// Each path's configuration's `exclude` and `--exclude`, in one matcher.
    pub fn exclude_matcher(&self) -> Option<crate::config::ExcludeMatcher> {
        let matcher = crate::config::ExcludeMatcher::default().with_configs(self.configs.clone());
        // `--exclude` globs are validated when the command line is parsed.
        let matcher = matcher
            .clone()
            .with_globs(&self.exclude, std::path::Path::new(""))
            .unwrap_or(matcher);
        Some(matcher).filter(|m| !m.is_empty())
    }

    /// How discovery walks the paths.
    pub fn walk_options(&self) -> crate::discover::WalkOptions {
        crate::discover::WalkOptions {
            ignore_files: !self.no_ignore,
            exclude: self.exclude_matcher(),
        }
    }
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            paths: vec![PathBuf::from(".")],
            region: DEFAULT_REGION.to_string(),
            config: Config::default(),
            configs: Arc::new(ConfigTree::fixed(Config::default(), &crate::rules::Catalog)),
            severity: Vec::new(),
            fail_on: None,
            baseline: None,
            usage: None,
            inventory: None,
            today: crate::inventory::today(),
            var_files: Vec::new(),
            vars: Vec::new(),
            deploy_region: None,
            cfn_parameters: BTreeMap::new(),
            exclude: Vec::new(),
            no_ignore: false,
        }
    }
}
