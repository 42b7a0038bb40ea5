//! AWS limits and prices, loaded from the embedded `data/aws-data.toml`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The embedded data file, as shipped.
pub const AWS_DATA_TOML: &str = include_str!("../data/aws-data.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsData {
    pub month: Month,
    pub ebs: Ebs,
    pub ami: Ami,
    pub public_images: PublicImages,
    pub prices: BTreeMap<String, RegionPrices>,
}

/// Who publishes public images (whose snapshots cannot be encrypted).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicImages {
    pub as_of: String,
    pub source: String,
    /// SSM public parameters under this path name AWS's public images.
    pub public_parameter_prefix: String,
    /// Owner aliases only AWS gives, of public images.
    pub owner_aliases: Vec<String>,
    pub publishers: Vec<Publisher>,
}

/// An account that publishes public images.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    pub owner_id: String,
    pub publisher: String,
    pub confidence: String,
    pub source: String,
}

impl PublicImages {
    /// The publisher an owner (an account id or an alias) names, when it publishes public
    /// images.
    pub fn publisher(&self, owner: &str) -> Option<&str> {
        if let Some(alias) = self.owner_aliases.iter().find(|a| *a == owner) {
            return Some(alias);
        }
        self.publishers
            .iter()
            .find(|p| p.owner_id == owner)
            .map(|p| p.publisher.as_str())
    }

    /// Whether an SSM parameter is one of AWS's public parameters.
    pub fn is_public_parameter(&self, name: &str) -> bool {
        name.starts_with(&self.public_parameter_prefix)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Month {
    pub hours: f64,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ebs {
    pub gp2: Gp2,
    pub gp3: Gp3,
    pub io2: Io2,
    pub default_volume_type: DefaultVolumeType,
    pub root_device: RootDevice,
    /// What the EC2 API accepts, per volume type (the valid types are its keys).
    pub limits: BTreeMap<String, VolumeLimits>,
}

/// What the EC2 API accepts for one volume type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeLimits {
    pub as_of: String,
    pub source: String,
    pub min_size_gib: f64,
    pub max_size_gib: f64,
    /// `None`: the type takes no `iops`.
    pub min_iops: Option<f64>,
    pub max_iops: Option<f64>,
    pub max_iops_per_gib: Option<f64>,
    #[serde(default)]
    pub iops_required: bool,
    /// `None`: the type takes no `throughput`.
    pub min_throughput_mibps: Option<f64>,
    pub max_throughput_mibps: Option<f64>,
    pub max_throughput_per_iops: Option<f64>,
    /// Whether the type can be a boot (root) volume: st1 and sc1 cannot.
    #[serde(default = "yes")]
    pub boot_volume: bool,
}

fn yes() -> bool {
    true
}

/// Device names reserved for the root volume.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RootDevice {
    pub as_of: String,
    pub source: String,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gp2 {
    pub as_of: String,
    pub source: String,
    pub iops_per_gib: f64,
    pub min_baseline_iops: f64,
    pub max_baseline_iops: f64,
    pub burst_iops: f64,
    pub burst_applies_below_gib: f64,
    pub small_volume_max_gib: f64,
    pub small_volume_throughput_mibps: f64,
    pub large_volume_throughput_mibps: f64,
    /// The largest I/O counted as one operation: sustained throughput is baseline IOPS times
    /// this.
    pub max_io_size_kib: f64,
}

impl Gp2 {
    /// Baseline IOPS of a gp2 volume: 3 per GiB, at least 100, at most 16,000.
    pub fn baseline_iops(&self, size_gib: f64) -> f64 {
        (size_gib * self.iops_per_gib).clamp(self.min_baseline_iops, self.max_baseline_iops)
    }

    /// The size from which the baseline is capped.
    pub fn ceiling_from_gib(&self) -> f64 {
        (self.max_baseline_iops / self.iops_per_gib).ceil()
    }

    /// Maximum throughput of a gp2 volume of this size (from 170 to 334 GiB only with burst
    /// credits).
    pub fn max_throughput_mibps(&self, size_gib: f64) -> f64 {
        if size_gib <= self.small_volume_max_gib {
            self.small_volume_throughput_mibps
        } else {
            self.large_volume_throughput_mibps
        }
    }

    /// Throughput a gp2 volume sustains without burst credits: its baseline IOPS at the
    /// largest I/O size, up to its throughput limit (AWS: a 100 GiB volume sustains 300 IOPS
    /// and 75 MiB/s).
    pub fn sustained_throughput_mibps(&self, size_gib: f64) -> f64 {
        (self.baseline_iops(size_gib) * self.max_io_size_kib / 1024.0)
            .min(self.max_throughput_mibps(size_gib))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gp3 {
    pub as_of: String,
    pub source: String,
    pub included_iops: f64,
    pub included_throughput_mibps: f64,
    pub max_iops: f64,
    pub max_throughput_mibps: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Io2 {
    pub as_of: String,
    pub source: String,
    pub tier1_max_iops: f64,
    pub tier2_max_iops: f64,
    pub durability: String,
    pub io1_durability: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultVolumeType {
    pub as_of: String,
    pub source: String,
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ami {
    pub as_of: String,
    pub source: String,
    pub id_prefix: String,
}

/// Prices of one region, in USD.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RegionPrices {
    pub as_of: String,
    pub source: String,
    #[serde(default)]
    pub notes: String,
    /// Keys whose figure is us-east-1's, because no source for this region was found: shown
    /// by `infralint pricing` and in the findings priced with them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumed: Vec<String>,
    pub gp2_gb_month: f64,
    pub gp3_gb_month: f64,
    pub gp3_iops_month: f64,
    pub gp3_throughput_mibps_month: f64,
    pub io1_gb_month: f64,
    pub io1_iops_month: f64,
    pub io2_gb_month: f64,
    pub io2_iops_tier1_month: f64,
    pub io2_iops_tier2_month: f64,
    pub io2_iops_tier3_month: f64,
    pub st1_gb_month: f64,
    pub sc1_gb_month: f64,
    pub standard_gb_month: f64,
    /// Magnetic volumes also pay per I/O; not known for every region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard_io_million: Option<f64>,
    /// EBS snapshots in the standard tier, per GB-month of stored blocks.
    pub snapshot_gb_month: f64,
    pub public_ipv4_hour: f64,
    /// An Application Load Balancer's hourly charge (LCUs apart); `None` where no source for
    /// the region was found (docs/pricing-sources.md, E1-E7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alb_hour: Option<f64>,
    /// A Network Load Balancer's hourly charge (NLCUs apart); `None` where not sourced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nlb_hour: Option<f64>,
    pub eip_remap: f64,
    pub eip_free_remaps_per_month: f64,
}

impl AwsData {
    /// Parses a data file in the format of `data/aws-data.toml`.
    pub fn parse(text: &str) -> Result<AwsData, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// The embedded data, parsed once. A malformed embedded file is a build defect caught by
    /// the test suite; at run time it is reported as an error, never a panic.
    pub fn embedded() -> Result<&'static AwsData, String> {
        static DATA: OnceLock<Result<AwsData, String>> = OnceLock::new();
        DATA.get_or_init(|| AwsData::parse(AWS_DATA_TOML))
            .as_ref()
            .map_err(|e| format!("embedded data/aws-data.toml: {e}"))
    }

    pub fn region(&self, region: &str) -> Option<&RegionPrices> {
        self.prices.get(region)
    }
}

/// The keys of a region's price table that are prices (scaled by a discount).
pub const PRICE_KEYS: &[&str] = &[
    "gp2_gb_month",
    "gp3_gb_month",
    "gp3_iops_month",
    "gp3_throughput_mibps_month",
    "io1_gb_month",
    "io1_iops_month",
    "io2_gb_month",
    "io2_iops_tier1_month",
    "io2_iops_tier2_month",
    "io2_iops_tier3_month",
    "st1_gb_month",
    "sc1_gb_month",
    "standard_gb_month",
    "standard_io_million",
    "snapshot_gb_month",
    "public_ipv4_hour",
    "alb_hour",
    "nlb_hour",
    "eip_remap",
];

impl RegionPrices {
    /// Sets one numeric key (a price, or `eip_free_remaps_per_month`).
    pub fn set(&mut self, key: &str, value: f64) -> Result<(), String> {
        if !PRICE_KEYS.contains(&key) && key != "eip_free_remaps_per_month" {
            return Err(format!(
                "unknown price key `{key}` (known: {}, eip_free_remaps_per_month)",
                PRICE_KEYS.join(", ")
            ));
        }
        let mut json = serde_json::to_value(&*self).map_err(|e| e.to_string())?;
        if let Some(obj) = json.as_object_mut() {
            obj.insert(key.to_string(), serde_json::json!(value));
        }
        *self = serde_json::from_value(json).map_err(|e| e.to_string())?;
        // A figure the user sets is theirs, not an assumption any more.
        self.assumed.retain(|k| k != key);
        Ok(())
    }

    /// Whether a key's figure is us-east-1's, assumed for this region.
    pub fn is_assumed(&self, key: &str) -> bool {
        self.assumed.iter().any(|k| k == key)
    }

    /// Multiplies every price by `factor` (an enterprise discount). Figures stay what they
    /// were otherwise: a discounted assumption is still an assumption.
    pub fn scale(&mut self, factor: f64) -> Result<(), String> {
        let mut json = serde_json::to_value(&*self).map_err(|e| e.to_string())?;
        if let Some(obj) = json.as_object_mut() {
            for key in PRICE_KEYS {
                if let Some(v) = obj.get(*key).and_then(|v| v.as_f64()) {
                    obj.insert(key.to_string(), serde_json::json!(v * factor));
                }
            }
        }
        *self = serde_json::from_value(json).map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Every key and value, for `infralint pricing`.
    pub fn entries(&self) -> Vec<(String, String)> {
        let json = serde_json::to_value(self).unwrap_or_default();
        json.as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| {
                        let v = match v {
                            serde_json::Value::String(s) => s.clone(),
                            // Rounded for display: a discounted 0.088 is 0.0792, not
                            // 0.07919999999999999.
                            serde_json::Value::Number(n) => match n.as_f64() {
                                Some(f) => crate::finding::decimal(f),
                                None => n.to_string(),
                            },
                            other => other.to_string(),
                        };
                        (k.clone(), v)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Monthly price of an always-on public IPv4 address.
    pub fn public_ipv4_month(&self, hours: f64) -> f64 {
        self.public_ipv4_hour * hours
    }

    /// Monthly price of io1 IOPS.
    pub fn io1_iops_cost(&self, iops: f64) -> f64 {
        iops * self.io1_iops_month
    }

    /// Monthly price of io2 IOPS, by tier.
    pub fn io2_iops_cost(&self, iops: f64, io2: &Io2) -> f64 {
        let tier1 = iops.min(io2.tier1_max_iops);
        let tier2 = (iops.min(io2.tier2_max_iops) - io2.tier1_max_iops).max(0.0);
        let tier3 = (iops - io2.tier2_max_iops).max(0.0);
        tier1 * self.io2_iops_tier1_month
            + tier2 * self.io2_iops_tier2_month
            + tier3 * self.io2_iops_tier3_month
    }

    /// Monthly price of a gp3 volume with the given provisioned IOPS and throughput.
    pub fn gp3_cost(&self, size_gib: f64, iops: f64, throughput: f64, gp3: &Gp3) -> f64 {
        size_gib * self.gp3_gb_month
            + (iops - gp3.included_iops).max(0.0) * self.gp3_iops_month
            + (throughput - gp3.included_throughput_mibps).max(0.0)
                * self.gp3_throughput_mibps_month
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_parses_and_has_us_east_1() {
        let data = AwsData::embedded().unwrap();
        let p = data.region("us-east-1").unwrap();
        assert!((p.public_ipv4_month(data.month.hours) - 3.65).abs() < 1e-9);
        assert_eq!(data.ebs.default_volume_type.value, "gp2");
    }

    #[test]
    fn gp2_baseline_is_clamped() {
        let gp2 = &AwsData::embedded().unwrap().ebs.gp2;
        assert_eq!(gp2.baseline_iops(8.0), 100.0);
        assert_eq!(gp2.baseline_iops(500.0), 1500.0);
        assert_eq!(gp2.baseline_iops(6000.0), 16000.0);
        assert_eq!(gp2.ceiling_from_gib(), 5334.0);
        assert_eq!(gp2.max_throughput_mibps(170.0), 128.0);
        assert_eq!(gp2.max_throughput_mibps(171.0), 250.0);
    }

    /// AWS's own example: 100 GiB sustains 300 IOPS and 75 MiB/s; the limit caps the rest.
    #[test]
    fn gp2_sustained_throughput_is_baseline_times_256_kib() {
        let gp2 = &AwsData::embedded().unwrap().ebs.gp2;
        assert_eq!(gp2.sustained_throughput_mibps(100.0), 75.0);
        assert_eq!(gp2.sustained_throughput_mibps(4.0), 25.0);
        assert_eq!(gp2.sustained_throughput_mibps(170.0), 127.5);
        assert_eq!(gp2.sustained_throughput_mibps(200.0), 150.0);
        assert_eq!(gp2.sustained_throughput_mibps(334.0), 250.0);
        assert_eq!(gp2.sustained_throughput_mibps(16384.0), 250.0);
    }

    #[test]
    fn public_image_publishers() {
        let p = &AwsData::embedded().unwrap().public_images;
        assert_eq!(p.publisher("099720109477"), Some("Canonical (Ubuntu)"));
        assert_eq!(p.publisher("amazon"), Some("amazon"));
        assert_eq!(p.publisher("self"), None);
        assert_eq!(p.publisher("123456789012"), None);
        assert!(p.is_public_parameter("/aws/service/ami-windows-latest/x"));
        assert!(!p.is_public_parameter("/golden/ami"));
        for publisher in &p.publishers {
            assert!(
                publisher.owner_id.len() == 12
                    && publisher.owner_id.bytes().all(|b| b.is_ascii_digit())
            );
            assert!(!publisher.source.is_empty());
        }
    }

    #[test]
    fn io2_tiers() {
        let data = AwsData::embedded().unwrap();
        let p = data.region("us-east-1").unwrap();
        let io2 = &data.ebs.io2;
        assert!((p.io2_iops_cost(32000.0, io2) - p.io1_iops_cost(32000.0)).abs() < 1e-9);
        // 40,000 IOPS: 32,000 at tier 1 and 8,000 at tier 2.
        let expected = 32000.0 * 0.065 + 8000.0 * 0.0455;
        assert!((p.io2_iops_cost(40000.0, io2) - expected).abs() < 1e-9);
        let expected = 32000.0 * 0.065 + 32000.0 * 0.0455 + 6000.0 * 0.03185;
        assert!((p.io2_iops_cost(70000.0, io2) - expected).abs() < 1e-9);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let bad = AWS_DATA_TOML.replace("[month]", "[month]\nbogus = 1");
        assert!(AwsData::parse(&bad).unwrap_err().contains("bogus"));
    }

    /// The regions the product promises, each with a table; a figure copied from us-east-1 is
    /// listed in `assumed` (only the remap figures, which findings flag), and equals it.
    #[test]
    fn every_promised_region_is_priced_and_assumptions_are_declared() {
        let data = AwsData::embedded().unwrap();
        let home = data.region("us-east-1").unwrap();
        assert!(home.assumed.is_empty());
        let home_json = serde_json::to_value(home).unwrap();
        for region in [
            "us-east-1",
            "us-east-2",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
            "ap-southeast-1",
            "ap-northeast-1",
        ] {
            let p = data
                .region(region)
                .unwrap_or_else(|| panic!("no table for {region}"));
            assert!(!p.as_of.is_empty() && !p.source.is_empty(), "{region}");
            assert!(p.standard_io_million.is_some(), "{region}");
            let json = serde_json::to_value(p).unwrap();
            for key in &p.assumed {
                assert!(
                    ["eip_remap", "eip_free_remaps_per_month"].contains(&key.as_str()),
                    "{region}: assumed `{key}` is not flagged in findings"
                );
                assert_eq!(json.get(key), home_json.get(key), "{region}: {key}");
            }
        }
        // Figures that differ from us-east-1, as AWS's calculator data has them.
        let fra = data.region("eu-central-1").unwrap();
        assert_eq!(fra.standard_gb_month, 0.059);
        assert_eq!(fra.gp3_throughput_mibps_month, 0.0476);
        let sin = data.region("ap-southeast-1").unwrap();
        assert_eq!(sin.gp3_gb_month, 0.096);
        assert_eq!(sin.io2_iops_tier2_month, 0.0504);
    }

    #[test]
    fn overrides_clear_an_assumption_and_discounts_keep_it() {
        let data = AwsData::embedded().unwrap();
        let mut p = data.region("us-east-2").unwrap().clone();
        assert!(p.is_assumed("eip_remap"));
        p.scale(0.9).unwrap();
        assert!(p.is_assumed("eip_remap"));
        assert!((p.eip_remap - 0.09).abs() < 1e-12);
        p.set("eip_remap", 0.12).unwrap();
        assert!(!p.is_assumed("eip_remap"));
        assert!(p.is_assumed("eip_free_remaps_per_month"));
    }

    /// `infralint pricing` and `[pricing]` overrides go by `PRICE_KEYS`: every figure of a
    /// table must be in it (or be the free remap count).
    #[test]
    fn every_price_field_is_a_price_key() {
        let data = AwsData::embedded().unwrap();
        for (region, p) in &data.prices {
            for (key, _) in p.entries() {
                let meta = ["as_of", "source", "notes", "assumed"].contains(&key.as_str());
                let price =
                    PRICE_KEYS.contains(&key.as_str()) || key == "eip_free_remaps_per_month";
                assert!(meta || price, "{region}: `{key}` is not in PRICE_KEYS");
            }
        }
    }
}
