//! AMI inventory (`--ami-inventory FILE`): the JSON printed by
//! `aws ec2 describe-images --image-ids ...`, so `ami-stale` knows each pinned image's age,
//! deprecation and state, and `ebs-unencrypted` whether its root snapshot is encrypted.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Image {
    pub image_id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub creation_date: Option<String>,
    #[serde(default)]
    pub deprecation_time: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    /// Whether the image is public (then its snapshots cannot be encrypted).
    #[serde(default)]
    pub public: Option<bool>,
    #[serde(default)]
    pub root_device_name: Option<String>,
    #[serde(default)]
    pub block_device_mappings: Vec<BlockDeviceMapping>,
}

/// One entry of an image's block device mapping.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct BlockDeviceMapping {
    #[serde(default)]
    pub device_name: Option<String>,
    #[serde(default)]
    pub ebs: Option<EbsMapping>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct EbsMapping {
    #[serde(default)]
    pub encrypted: Option<bool>,
    #[serde(default)]
    pub snapshot_id: Option<String>,
}

impl Image {
    /// Whether the root volume's snapshot is encrypted: from the mapping of the root device
    /// when the inventory records it; a public image's snapshots are never encrypted.
    pub fn root_snapshot_encrypted(&self) -> Option<bool> {
        let root = self.root_device_name.as_deref().and_then(|root| {
            self.block_device_mappings
                .iter()
                .find(|m| m.device_name.as_deref() == Some(root))
                .and_then(|m| m.ebs.as_ref())
                .and_then(|e| e.encrypted)
        });
        match (root, self.public) {
            (Some(encrypted), _) => Some(encrypted),
            (None, Some(true)) => Some(false),
            (None, _) => None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeImages {
    images: Vec<Image>,
}

#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub images: BTreeMap<String, Image>,
}

impl Inventory {
    pub fn parse(text: &str) -> Result<Inventory, String> {
        let parsed: DescribeImages = serde_json::from_str(text).map_err(|e| {
            format!("expected the JSON of `aws ec2 describe-images` ({{\"Images\": [...]}}): {e}")
        })?;
        Ok(Inventory {
            images: parsed
                .images
                .into_iter()
                .map(|i| (i.image_id.clone(), i))
                .collect(),
        })
    }

    pub fn load(path: &Path) -> Result<Inventory, String> {
        let text = crate::option_file::read_or_message(
            path,
            crate::option_file::OptionFile::AmiInventory,
        )?;
        Inventory::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn get(&self, image_id: &str) -> Option<&Image> {
        self.images.get(image_id)
    }
}

/// Days since 1970-01-01 of a date `YYYY-MM-DD` (anything after the day, such as
/// `T12:00:00.000Z`, is ignored). `None` when it is not such a date.
pub fn days_since_epoch(date: &str) -> Option<i64> {
    let date = date.get(..10)?;
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || date.as_bytes().get(4) != Some(&b'-') {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Today, in days since the epoch, from the system clock.
pub fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| (d.as_secs() / 86_400) as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(days_since_epoch("1970-01-01"), Some(0));
        assert_eq!(days_since_epoch("2000-03-01T00:00:00.000Z"), Some(11_017));
        assert_eq!(days_since_epoch("2026-11-27"), Some(20_784));
        assert_eq!(days_since_epoch("2024-02-29"), Some(19_782));
        assert_eq!(days_since_epoch("2024-13-01"), None);
        assert_eq!(days_since_epoch("yesterday"), None);
    }

    #[test]
    fn parses_describe_images() {
        let inv = Inventory::parse(
            r#"{"Images": [{"ImageId": "ami-0123456789abcdef0", "CreationDate": "2024-01-15T10:00:00.000Z", "State": "available", "DeprecationTime": "2026-01-15T10:00:00.000Z", "Architecture": "x86_64"}]}"#,
        )
        .unwrap();
        let img = inv.get("ami-0123456789abcdef0").unwrap();
        assert_eq!(img.state.as_deref(), Some("available"));
        assert_eq!(img.root_snapshot_encrypted(), None);
        assert!(Inventory::parse("[]")
            .unwrap_err()
            .contains("describe-images"));
    }

    #[test]
    fn root_snapshot_encryption() {
        let inv = Inventory::parse(
            r#"{"Images": [
              {"ImageId": "ami-0000000000000000a", "RootDeviceName": "/dev/xvda", "Public": false,
               "BlockDeviceMappings": [
                 {"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": true, "SnapshotId": "snap-1"}},
                 {"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"}]},
              {"ImageId": "ami-0000000000000000b", "RootDeviceName": "/dev/sda1",
               "BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": {"Encrypted": false}}]},
              {"ImageId": "ami-0000000000000000c", "Public": true},
              {"ImageId": "ami-0000000000000000d", "Public": false}
            ]}"#,
        )
        .unwrap();
        let root = |id: &str| inv.get(id).unwrap().root_snapshot_encrypted();
        assert_eq!(root("ami-0000000000000000a"), Some(true));
        assert_eq!(root("ami-0000000000000000b"), Some(false));
        assert_eq!(root("ami-0000000000000000c"), Some(false));
        assert_eq!(root("ami-0000000000000000d"), None);
    }
}
