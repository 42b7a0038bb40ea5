//! The rule registry. A rule is pure: model in, findings out.

use crate::aws_data::{AwsData, RegionPrices};
pub use crate::config::OptionSpec;
use crate::config::{CatalogEntry, Config, RuleCatalog};
use crate::finding::{Category, Finding, Severity};
use crate::inventory::Inventory;
use crate::model::Model;
use crate::usage::Usage;

/// Declares the rule modules and the registry, in catalog order: one line per rule.
macro_rules! registry {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every rule, in catalog order.
        pub fn registry() -> &'static [&'static dyn Rule] {
            &[$(&$module::$rule),*]
        }
    };
}

pub(crate) mod account_defaults;

registry! {
    eip_unattached::EipUnattached,
    eip_excessive_remaps::EipExcessiveRemaps,
    ebs_io1_to_io2::EbsIo1ToIo2,
    ebs_gp2_iops_ceiling::EbsGp2IopsCeiling,
    ami_stale::AmiStale,
    ebs_invalid_config::EbsInvalidConfig,
    ebs_magnetic::EbsMagnetic,
    asg_launch_configuration::AsgLaunchConfiguration,
    eip_classic::EipClassic,
    ebs_unencrypted::EbsUnencrypted,
    ec2_imdsv1::Ec2Imdsv1,
    ec2_previous_generation::Ec2PreviousGeneration,
    ebs_volume_unattached::EbsVolumeUnattached,
    ec2_public_ip::Ec2PublicIp,
    ami_owner_unrestricted::AmiOwnerUnrestricted,
    ec2_instance_type_invalid::Ec2InstanceTypeInvalid,
    ec2_ssh_open_to_world::Ec2SshOpenToWorld,
    ebs_backup_uncovered::EbsBackupUncovered,
    ebs_snapshot_unmanaged::EbsSnapshotUnmanaged,
    asg_capacity_invalid::AsgCapacityInvalid,
    lb_idle::LbIdle,
    ec2_capacity_reservation_unused::Ec2CapacityReservationUnused,
    ec2_placement_group_invalid::Ec2PlacementGroupInvalid,
    ec2_spot_max_price::Ec2SpotMaxPrice,
    asg_spot_single_type::AsgSpotSingleType,
    ec2_efa_placement::Ec2EfaPlacement,
    // scripts/new-rule adds new rules above this line.
    invalid_suppression::InvalidSuppression,
    unused_suppression::UnusedSuppression,
}

mod volume_type_fix;

/// What every rule declares about itself. `doc` is `rules/<id>.md`.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub default_severity: Severity,
    pub category: Category,
    pub summary: &'static str,
    pub doc: &'static str,
    /// Options accepted under `[rules.<id>]` in `.infralint.toml`.
    pub options: &'static [OptionSpec],
    /// The languages whose constructs the rule checks.
    pub applies_to: AppliesTo,
    /// Off-by-default rules run only when the config or `--severity` gives them a level.
    pub enabled_by_default: bool,
    /// What a cost rule's figure saves, so that totals count each resource's money once.
    pub saving: Saving,
    /// Compliance and security rules: how severe a finding is as a security problem, on the
    /// CVSS-like 0.1-10.0 scale GitHub code scanning reads from SARIF's `security-severity`
    /// (see [`security_level`]); graded per rule and stated in its doc
    /// (`Security severity: 7.5 (high)`); `None` for the others.
    pub security_severity: Option<f64>,
}

/// GitHub code scanning's level of a `security-severity` score: over 9.0 critical, 7.0 to
/// 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low.
pub fn security_level(score: f64) -> &'static str {
    if score > 9.0 {
        "critical"
    } else if score >= 7.0 {
        "high"
    } else if score >= 4.0 {
        "medium"
    } else {
        "low"
    }
}

/// What a finding's monthly figure is the saving of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saving {
    /// Not a cost rule.
    None,
    /// Changing part of the resource (its volume type, its instance type, its public IPv4):
    /// adds to the other changes of the same resource.
    Part,
    /// Removing the resource (an unattached volume, an unused address): every other saving
    /// of the same resource is moot once it is gone, so totals count the larger of removing
    /// it and changing it, never both.
    Whole,
}

/// Which source languages a rule can fire on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppliesTo {
    Both,
    /// Terraform-only constructs (`data "aws_ami"` lookups).
    Terraform,
}

impl AppliesTo {
    pub fn as_str(self) -> &'static str {
        match self {
            AppliesTo::Both => "Terraform, CloudFormation",
            AppliesTo::Terraform => "Terraform",
        }
    }
}

/// What a rule may read besides the model.
pub struct RuleContext<'a> {
    pub data: &'a AwsData,
    pub region: &'a str,
    /// Whether `region` was given (`--region`, the config's `region`): the deploy region of
    /// every resource. Otherwise it is only the default pricing region.
    pub region_given: bool,
    /// Prices of `region`; `None` when the region has no price table (costs are then unknown).
    pub prices: Option<&'a RegionPrices>,
    pub config: &'a Config,
    /// `--usage`: what static code cannot know (remaps, expected IOPS).
    pub usage: Option<&'a Usage>,
    /// `--ami-inventory`: image dates and states.
    pub inventory: Option<&'a Inventory>,
    /// Today, in days since 1970-01-01 (`--now` in tests).
    pub today: i64,
    /// Regions of units whose Terraform provider names one, when the run has no explicit
    /// region (`--region`, config): they price those units' resources.
    pub unit_regions: foldhash::HashMap<crate::model::UnitId, String>,
    /// Resources on an aliased provider with a known region (`provider = aws.west`), by unit
    /// then address (looked up by borrowed address on every priced finding).
    pub resource_regions:
        foldhash::HashMap<crate::model::UnitId, foldhash::HashMap<String, String>>,
}

impl RuleContext<'_> {
    pub fn hours_per_month(&self) -> f64 {
        self.data.month.hours
    }

    /// The region whose prices apply to a resource: its aliased provider's, else its
    /// module's provider's, else the run's.
    pub fn region_for(&self, resource: &crate::model::ResourceRef) -> &str {
        self.known_region_for(resource).unwrap_or(self.region)
    }

    /// The region a resource is deployed to, when known: the run's given region, else its
    /// provider's literal region. `None`: it could be any (a template without `--region`).
    pub fn known_region_for(&self, resource: &crate::model::ResourceRef) -> Option<&str> {
        if self.region_given {
            return Some(self.region);
        }
        self.resource_regions
            .get(&resource.unit)
            .and_then(|by_address| by_address.get(resource.address.as_str()))
            .or_else(|| self.unit_regions.get(&resource.unit))
            .map(String::as_str)
    }

    /// The prices for a resource; `None` when its region has no price table.
    pub fn prices_for(&self, resource: &crate::model::ResourceRef) -> Option<&RegionPrices> {
        let region = self.region_for(resource);
        if region == self.region {
            self.prices
        } else {
            self.data.region(region)
        }
    }

    /// The configured options of a rule as its typed options struct (already checked by the
    /// config parser against the rule's [`OptionSpec`]s; defaults where not configured).
    pub fn options<T: serde::de::DeserializeOwned + Default>(&self, rule: &str) -> T {
        let Some(settings) = self.config.rules.get(rule) else {
            return T::default();
        };
        let table: toml::Table = settings
            .options
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        toml::Value::Table(table).try_into().unwrap_or_default()
    }
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>);
    /// The safeties of the fixes the rule attaches to its findings (`check --fix`); empty
    /// when it has none. Its doc says the same under "### With `--fix`".
    fn fixes(&self) -> &'static [crate::fix::Safety] {
        &[]
    }
}

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    registry().iter().copied().find(|r| r.meta().id == id)
}

/// Every rule id, in registry order.
pub fn ids() -> impl Iterator<Item = &'static str> {
    registry().iter().map(|r| r.meta().id)
}

/// `"; did you mean `x`?"` for an unknown rule id, or nothing.
pub fn did_you_mean(id: &str) -> String {
    crate::suggest::did_you_mean(id, ids())
}

/// The registry as the configuration reads it.
pub struct Catalog;

impl RuleCatalog for Catalog {
    fn rule(&self, id: &str) -> Option<CatalogEntry> {
        find(id).map(|r| {
            let meta = r.meta();
            CatalogEntry {
                id: meta.id,
                default_severity: meta.default_severity,
                options: meta.options,
            }
        })
    }

    fn ids(&self) -> Vec<&'static str> {
        registry().iter().map(|r| r.meta().id).collect()
    }
}

/// A new finding of `meta`'s rule with its default severity and category.
pub(crate) fn finding(
    meta: &'static RuleMeta,
    resource: &str,
    primary: crate::finding::Label,
    message: String,
    help: String,
) -> Finding {
    Finding {
        rule: meta.id,
        severity: meta.default_severity,
        category: meta.category,
        message,
        help,
        primary,
        secondary: Vec::new(),
        resource: resource.to_string(),
        monthly_cost_usd: None,
        silenced_by: None,
        roots: Vec::new(),
        region: None,
        suppressed_because: None,
        fix: None,
    }
}

/// Secondary labels for the definitions a value was resolved through.
pub(crate) fn origin_labels(via: &[crate::model::Origin]) -> Vec<crate::finding::Label> {
    via.iter()
        .map(|o| crate::finding::Label::new(o.span, o.label.clone()))
        .collect()
}
