//! The fix shared by the EBS type rules (`ebs-gp2-iops-ceiling`, `ebs-io1-to-io2`): change a
//! volume's type, and whether that keeps the volume.
//!
//! Elastic Volumes changes the type of a volume in place (ModifyVolume), with no detach and no
//! data loss; whether the tool that owns the volume uses it depends on where the volume is
//! declared:
//! - a standalone volume (`aws_ebs_volume`, `AWS::EC2::Volume`: `VolumeType` "Update requires:
//!   No interruption"), and Terraform's `root_block_device` of an `aws_instance` (the provider
//!   modifies the root volume in place): safe;
//! - Terraform's `ebs_block_device` of an `aws_instance` (every argument forces a new
//!   instance), CloudFormation's `BlockDeviceMappings` of an `AWS::EC2::Instance` ("Update
//!   requires: Replacement"), a launch configuration (immutable: replaced): the instance or
//!   configuration is replaced, so unsafe;
//! - a launch template: a new version, which an Auto Scaling group may roll out by replacing
//!   its instances: unsafe.

use crate::fix::{self, Edit, Fix, Key, Safety, Scalar};
use crate::model::{Volume, VolumeOwner};

/// Whether changing the type of `volume` keeps it, and why not.
pub(crate) fn type_change_safety(volume: &Volume) -> (Safety, &'static str) {
    let terraform = volume.resource.kind.starts_with("aws_");
    match volume.owner {
        VolumeOwner::Standalone => (Safety::Safe, "in place, through Elastic Volumes"),
        VolumeOwner::Instance if terraform && volume.device == "root_block_device" => {
            (Safety::Safe, "in place, through Elastic Volumes")
        }
        VolumeOwner::Instance if terraform => (
            Safety::Unsafe,
            "unsafe: changing an `ebs_block_device` replaces the instance",
        ),
        VolumeOwner::Instance => (
            Safety::Unsafe,
            "unsafe: CloudFormation replaces an instance whose BlockDeviceMappings change",
        ),
        VolumeOwner::LaunchTemplate => (
            Safety::Unsafe,
            "unsafe: a new template version, which an Auto Scaling group may roll out by replacing its instances",
        ),
        VolumeOwner::LaunchConfiguration => (
            Safety::Unsafe,
            "unsafe: a launch configuration cannot change: it is replaced",
        ),
    }
}

/// The fix changing `volume`'s type from `from` to `to`, adding `extra` attributes beside the
/// type (gp3's IOPS and throughput). A type not written (a standalone volume's default) is
/// added below the size.
pub(crate) fn type_change(
    volume: &Volume,
    from: &str,
    to: &'static str,
    extra: Vec<(Key, Scalar)>,
) -> Fix {
    let (safety, why) = type_change_safety(volume);
    let mut description = format!("volume type {from} -> {to}");
    for (key, value) in &extra {
        description.push_str(&format!(
            ", {} = {}",
            key.terraform,
            value.render(crate::fix::text::Syntax::Hcl)
        ));
    }
    description.push_str(&format!(" ({why})"));
    if volume.type_defaulted {
        // A standalone volume without a type: the type is added below its size.
        let Some(size) = &volume.size_gib else {
            return Fix::blocked(
                safety,
                description,
                format!("neither the type ({from} by default) nor the size is written: set the type to {to} by hand"),
            );
        };
        let mut entries = vec![(TYPE, Scalar::Str(to))];
        entries.extend(extra);
        return Fix::new(
            safety,
            description,
            vec![Edit::AddSiblings {
                after: size.span,
                entries,
            }],
        );
    }
    let mut edits = vec![fix::replace(&volume.volume_type, from, to)];
    if !extra.is_empty() {
        edits.push(Edit::AddSiblings {
            after: volume.volume_type.span,
            entries: extra,
        });
    }
    Fix::new(safety, description, edits)
}

pub(crate) const IOPS: Key = Key {
    terraform: "iops",
    cloudformation: "Iops",
};

pub(crate) const THROUGHPUT: Key = Key {
    terraform: "throughput",
    cloudformation: "Throughput",
};

/// The type of a standalone volume (the only kind whose type defaults when not written).
const TYPE: Key = Key {
    terraform: "type",
    cloudformation: "VolumeType",
};
