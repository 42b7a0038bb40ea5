//! `ebs-unencrypted`: volumes created without encryption.

mod root_volume;

use super::{
    account_defaults, finding, origin_labels, AppliesTo, Rule, RuleContext, RuleMeta, Saving,
};
use crate::fix::{Edit, Fix, Key, Safety, Scalar};
use crate::finding::{Category, Finding, Label, Severity};
use crate::model::{DeviceRole, Model, SourceKind, Volume, VolumeOwner};

pub struct EbsUnencrypted;

static META: RuleMeta = RuleMeta {
    id: "ebs-unencrypted",
    default_severity: Severity::Warning,
    category: Category::Compliance,
    summary:
        "EBS volume, block device or root volume created without encryption (unless encryption by default is on)",
    doc: include_str!("../../rules/ebs-unencrypted.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::None,
    security_severity: Some(5.0),
};

impl Rule for EbsUnencrypted {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fixes(&self) -> &'static [crate::fix::Safety] {
        use crate::fix::Safety;
        &[Safety::Unsafe]
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        // Encryption by default in the volume's root and region (or in `[account]`): every
        // new volume is encrypted whatever it says; the finding is silenced, and the summary
        // says by what.
        for volume in &model.volumes {
            if let Some(mut f) = check_volume(model, volume) {
                f.silenced_by = account_defaults::encryption_by_default(model, &volume.resource, ctx);
                out.push(f);
            }
        }
        root_volume::check(model, ctx, out);
    }
}

fn check_volume(model: &Model, volume: &Volume) -> Option<Finding> {
    let what = if volume.device.is_empty() {
        format!("Volume `{}`", volume.resource.address)
    } else {
        format!("`{}` of `{}`", volume.device, volume.resource.address)
    };
    let terraform = model
        .unit(volume.resource.unit)
        .is_some_and(|u| u.kind == SourceKind::Terraform);
    let fix = if terraform {
        "Set `encrypted = true` (and `kms_key_id` for a customer key), or turn on `aws_ebs_encryption_by_default`."
    } else {
        "Set `Encrypted: true` (and `KmsKeyId` for a customer key), or turn on EBS encryption by default for the account and region."
    };
    match &volume.encrypted {
        Some(field) => {
            if field.known() != Some(&false) {
                return None;
            }
            let mut f = finding(
                &META,
                &volume.resource.address,
                Label::new(field.span, "not encrypted"),
                format!("{what} is explicitly unencrypted: its data, snapshots and the traffic to the instance are stored and sent in clear"),
                fix.to_string(),
            );
            f.secondary = origin_labels(&field.via);
            f.fix = Some(Fix::new(
                Safety::Unsafe,
                ENCRYPT,
                vec![crate::fix::replace(field, "false", "true")],
            ));
            Some(f)
        }
        None => {
            // A snapshot's volume inherits the snapshot's encryption, a KMS key implies it,
            // and a root device comes from the AMI: only a new, empty volume (standalone,
            // `ebs_block_device`, a mapping for a device name not reserved for the root) is
            // known to be unencrypted when `encrypted` is not written.
            let new_empty_volume = volume.snapshot_id.is_none()
                && volume.kms_key_id.is_none()
                && volume.role == DeviceRole::Data;
            if !new_empty_volume {
                return None;
            }
            let mut f = finding(
                &META,
                &volume.resource.address,
                Label::new(
                    if volume.owner == VolumeOwner::Standalone {
                        volume.resource.span
                    } else {
                        volume.volume_type.span
                    },
                    "no encryption",
                ),
                format!("{what} does not set encryption: it is created as a new, empty, unencrypted volume unless EBS encryption by default is on for the account and region"),
                fix.to_string(),
            );
            f.fix = Some(add_encrypted(volume));
            Some(f)
        }
    }
}

/// Why encrypting is unsafe: encryption cannot change on an existing volume.
const ENCRYPT: &str = "encrypted = true (unsafe: encryption cannot change on an existing volume: the volume, or the instance declaring it, is replaced and its data lost unless copied through a snapshot)";

/// `encrypted = true` / `Encrypted: true` below the size or type written for the volume.
fn add_encrypted(volume: &Volume) -> Fix {
    let anchor = volume
        .size_gib
        .as_ref()
        .map(|f| f.span)
        .or((!volume.type_defaulted).then_some(volume.volume_type.span));
    match anchor {
        Some(after) => Fix::new(
            Safety::Unsafe,
            ENCRYPT,
            vec![Edit::AddSiblings {
                after,
                entries: vec![(
                    Key {
                        terraform: "encrypted",
                        cloudformation: "Encrypted",
                    },
                    Scalar::Bool(true),
                )],
            }],
        ),
        None => Fix::blocked(
            Safety::Unsafe,
            ENCRYPT,
            "neither the size nor the type is written to add `encrypted` beside",
        ),
    }
}
