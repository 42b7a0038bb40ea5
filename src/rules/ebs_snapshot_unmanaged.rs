//! `ebs-snapshot-unmanaged`: a snapshot taken by `aws_ebs_snapshot`, which no Lifecycle
//! Manager policy will ever expire.

use super::{finding, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{usd, Category, Finding, Label, Severity};
use crate::model::{Model, Snapshot, VolumeOwner};

pub struct EbsSnapshotUnmanaged;

static META: RuleMeta = RuleMeta {
    id: "ebs-snapshot-unmanaged",
    default_severity: Severity::Info,
    category: Category::Cost,
    summary: "Manual EBS snapshot (aws_ebs_snapshot): no lifecycle policy deletes it, so it is billed until destroyed",
    doc: include_str!("../../rules/ebs-snapshot-unmanaged.md"),
    options: &[],
    // CloudFormation has no resource that takes an EBS snapshot.
    applies_to: AppliesTo::Terraform,
    enabled_by_default: true,
    saving: Saving::Whole,
    security_severity: None,
};

impl Rule for EbsSnapshotUnmanaged {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        for snapshot in &model.snapshots {
            // Used by a volume, an AMI or a copy, or handed out: kept on purpose.
            if snapshot.used_by.is_some() {
                continue;
            }
            // Archived on purpose (or a tier we cannot tell).
            match snapshot.storage_tier.as_ref().map(|t| t.known()) {
                None => {}
                Some(Some(tier)) if tier == "standard" => {}
                Some(_) => continue,
            }
            let address = &snapshot.resource.address;
            let size = source_size(model, snapshot);
            let prices = ctx.prices_for(&snapshot.resource);
            let cost = match (size, prices) {
                (Some(gib), Some(p)) => Some(gib * p.snapshot_gb_month),
                _ => None,
            };
            let cost_text = match (cost, size, prices) {
                (Some(c), Some(gib), Some(p)) => format!(
                    ": up to {}/month for as long as it exists ({gib} GiB source volume at ${}/GB-month in {}; a snapshot stores only the blocks written)",
                    usd(c),
                    p.snapshot_gb_month,
                    ctx.region_for(&snapshot.resource)
                ),
                (None, _, Some(p)) => format!(
                    ": ${}/GB-month of stored blocks in {}, for as long as it exists",
                    p.snapshot_gb_month,
                    ctx.region_for(&snapshot.resource)
                ),
                _ => String::new(),
            };
            let mut f = finding(
                &META,
                address,
                Label::new(snapshot.resource.span, "kept until destroyed"),
                format!(
                    "Snapshot `{address}` is taken once and kept until the resource is destroyed: no Lifecycle Manager policy manages snapshots it did not create{cost_text}"
                ),
                "Take recurring snapshots with an `aws_dlm_lifecycle_policy` (or AWS Backup) that also deletes them after a retention period; for a one-off snapshot kept for the long term, set `storage_tier = \"archive\"` (75% cheaper, 90-day minimum).".to_string(),
            );
            f.monthly_cost_usd = cost;
            out.push(f);
        }
    }
}

/// The size of the volume the snapshot is taken of, when it is a volume of the unit with a
/// known size.
fn source_size(model: &Model, snapshot: &Snapshot) -> Option<f64> {
    let volume = snapshot.volume.known()?;
    model
        .volumes
        .iter()
        .find(|v| {
            v.owner == VolumeOwner::Standalone
                && v.resource.unit == snapshot.resource.unit
                && v.resource.address == *volume
        })?
        .size_gib
        .as_ref()?
        .known()
        .copied()
}
