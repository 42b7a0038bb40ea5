//! `ebs-io1-to-io2`: io1 volumes, which io2 replaces at the same price or less.

use super::{finding, origin_labels, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{thousands, usd, Category, Finding, Label, Severity};
use crate::model::Model;

pub struct EbsIo1ToIo2;

static META: RuleMeta = RuleMeta {
    id: "ebs-io1-to-io2",
    default_severity: Severity::Warning,
    category: Category::Cost,
    summary: "io1 volume: io2 costs the same or less and is 100x more durable",
    doc: include_str!("../../rules/ebs-io1-to-io2.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::Part,
    security_severity: None,
};

impl Rule for EbsIo1ToIo2 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fixes(&self) -> &'static [crate::fix::Safety] {
        use crate::fix::Safety;
        &[Safety::Safe, Safety::Unsafe]
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        let io2 = &ctx.data.ebs.io2;
        for volume in &model.volumes {
            if volume.volume_type.known().map(String::as_str) != Some("io1") {
                continue;
            }
            let iops = volume.iops.as_ref().and_then(|f| f.known()).copied();
            // Storage is priced the same; only IOPS above the first io2 tier differ.
            let saving = match (iops, ctx.prices_for(&volume.resource)) {
                (Some(iops), Some(p)) => Some(p.io1_iops_cost(iops) - p.io2_iops_cost(iops, io2)),
                _ => None,
            };
            let cost_text = match (iops, saving) {
                (Some(iops), Some(s)) if s > 0.005 => format!(
                    "; at {} IOPS io2's tiered IOPS price saves {}/month",
                    thousands(iops),
                    usd(s)
                ),
                (Some(_), Some(_)) => format!(
                    "; up to {} IOPS io2 costs the same",
                    thousands(io2.tier1_max_iops)
                ),
                _ => String::new(),
            };
            let what = if volume.device.is_empty() {
                format!("Volume `{}`", volume.resource.address)
            } else {
                format!("`{}` of `{}`", volume.device, volume.resource.address)
            };
            let mut f = finding(
                &META,
                &volume.resource.address,
                Label::new(volume.volume_type.span, "io1"),
                format!(
                    "{what} is io1: io2 is {} durable instead of {}{cost_text}",
                    io2.durability, io2.io1_durability
                ),
                if volume.owner == crate::model::VolumeOwner::Standalone {
                    "Change the volume type to io2 with the same size and IOPS (Elastic Volumes changes it in place, with no downtime).".to_string()
                } else {
                    "Change the volume type to io2 with the same size and IOPS. For a device declared inline, check first whether your tool replaces the instance or template version on this change (CloudFormation replaces an instance whose BlockDeviceMappings change).".to_string()
                },
            );
            f.secondary = origin_labels(&volume.volume_type.via);
            if volume.resource.span != volume.volume_type.span {
                f.secondary
                    .push(Label::new(volume.resource.span, "volume declared here"));
            }
            f.monthly_cost_usd = saving.map(|s| s.max(0.0));
            // io2 takes every size and IOPS io1 does (4 GiB to 16 TiB, up to 50 IOPS per GiB
            // and 64,000 IOPS): size and IOPS stay as written.
            f.fix = Some(super::volume_type_fix::type_change(volume, "io1", "io2", Vec::new()));
            out.push(f);
        }
    }
}
