//! `ebs-volume-unattached`: standalone volumes that nothing attaches.

use foldhash::HashSet;

use super::{finding, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::aws_data::RegionPrices;
use crate::finding::{usd, Category, Finding, Label, Severity};
use crate::model::{Model, SourceKind, UnitId, Value, Volume, VolumeOwner};

pub struct EbsVolumeUnattached;

static META: RuleMeta = RuleMeta {
    id: "ebs-volume-unattached",
    default_severity: Severity::Warning,
    category: Category::Cost,
    summary: "EBS volume that no attachment references: billed in full, used by nothing",
    doc: include_str!("../../rules/ebs-volume-unattached.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::Whole,
    security_severity: None,
};

impl Rule for EbsVolumeUnattached {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        let mut attached: HashSet<(UnitId, &str)> = HashSet::default();
        let mut units_with_unknown = HashSet::default();
        for a in &model.volume_attachments {
            match &a.volume {
                Value::Known(address) => {
                    attached.insert((a.declared_by.unit, address.as_str()));
                }
                Value::Unknown => {
                    units_with_unknown.insert(a.declared_by.unit);
                }
            }
        }
        let escaped: HashSet<(UnitId, &str)> = model
            .volume_escapes
            .iter()
            .map(|e| (e.unit, e.address.as_str()))
            .collect();
        for volume in &model.volumes {
            if volume.owner != VolumeOwner::Standalone {
                continue;
            }
            let unit_id = volume.resource.unit;
            let Some(unit) = model.unit(unit_id) else {
                continue;
            };
            let address = volume.resource.address.as_str();
            // An attachment naming `aws_ebs_volume.data` (without an index) covers all its
            // instances.
            let base = crate::model::without_instance_key(address);
            if !unit.complete
                || units_with_unknown.contains(&unit_id)
                || attached.contains(&(unit_id, address))
                || attached.contains(&(unit_id, base))
                || escaped.contains(&(unit_id, address))
            {
                continue;
            }
            let scope = match unit.kind {
                SourceKind::Terraform => "module",
                SourceKind::CloudFormation => "template",
            };
            let cost = ctx
                .prices_for(&volume.resource)
                .and_then(|p| monthly_cost(volume, p, ctx));
            let cost_text = cost
                .map(|c| format!(": it is billed {}/month for nothing", usd(c)))
                .unwrap_or_default();
            let how = match unit.kind {
                SourceKind::Terraform => "an `aws_volume_attachment`",
                SourceKind::CloudFormation => {
                    "an `AWS::EC2::VolumeAttachment` or the instance's `Volumes`"
                }
            };
            let mut f = finding(
                &META,
                address,
                Label::new(volume.resource.span, "never attached"),
                format!(
                    "Volume `{address}` is not attached to any instance in its {scope}{cost_text}"
                ),
                format!(
                    "Attach it with {how}, or delete it (snapshot it first if the data matters)."
                ),
            );
            f.monthly_cost_usd = cost;
            out.push(f);
        }
    }
}

/// The monthly price of a volume: storage, plus provisioned IOPS and throughput above what
/// the type includes. `None` when the size or the type is unknown.
pub(crate) fn monthly_cost(volume: &Volume, p: &RegionPrices, ctx: &RuleContext) -> Option<f64> {
    let size = *volume.size_gib.as_ref()?.known()?;
    let kind = volume.volume_type.known()?;
    let iops = volume.iops.as_ref().and_then(|f| f.known()).copied();
    let gp3 = &ctx.data.ebs.gp3;
    Some(match kind.as_str() {
        "gp2" => size * p.gp2_gb_month,
        "gp3" => {
            let throughput = volume
                .throughput
                .as_ref()
                .and_then(|f| f.known())
                .copied()
                .unwrap_or(gp3.included_throughput_mibps);
            p.gp3_cost(size, iops.unwrap_or(gp3.included_iops), throughput, gp3)
        }
        "io1" => size * p.io1_gb_month + p.io1_iops_cost(iops?),
        "io2" => size * p.io2_gb_month + p.io2_iops_cost(iops?, &ctx.data.ebs.io2),
        "st1" => size * p.st1_gb_month,
        "sc1" => size * p.sc1_gb_month,
        "standard" => size * p.standard_gb_month,
        _ => return None,
    })
}
