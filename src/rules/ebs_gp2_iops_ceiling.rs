//! `ebs-gp2-iops-ceiling`: gp2 volumes, whose IOPS are tied to their size.

use super::{finding, origin_labels, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{thousands, usd, Category, Finding, Label, Severity};
use crate::model::{Model, Volume};

pub struct EbsGp2IopsCeiling;

static META: RuleMeta = RuleMeta {
    id: "ebs-gp2-iops-ceiling",
    default_severity: Severity::Warning,
    category: Category::Cost,
    summary: "gp2 volume: IOPS capped at 3 per GiB (burst 3,000); gp3 is cheaper and faster",
    doc: include_str!("../../rules/ebs-gp2-iops-ceiling.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::Part,
    security_severity: None,
};

impl Rule for EbsGp2IopsCeiling {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fixes(&self) -> &'static [crate::fix::Safety] {
        use crate::fix::Safety;
        &[Safety::Safe, Safety::Unsafe]
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        for volume in &model.volumes {
            if volume.volume_type.known().map(String::as_str) != Some("gp2") {
                continue;
            }
            out.push(ceiling_finding(volume, ctx));
            if let Some(iops) = &volume.iops {
                if let Some(value) = iops.known() {
                    let mut f = finding(
                        &META,
                        &volume.resource.address,
                        Label::new(iops.span, "not valid on gp2"),
                        format!(
                            "`iops` = {} is set on a gp2 volume, where IOPS come from the size alone: the EC2 API rejects the parameter for gp2 (Terraform fails at plan) and CloudFormation tooling ignores it",
                            thousands(*value)
                        ),
                        "Remove `iops`, or switch to gp3, where provisioned IOPS are honoured.".to_string(),
                    );
                    f.severity = Severity::Error;
                    f.secondary = origin_labels(&iops.via);
                    f.fix = Some(gp3_fix(volume, volume.size_gib.as_ref().and_then(|f| f.known()).copied(), ctx));
                    out.push(f);
                }
            }
        }
    }
}

fn ceiling_finding(volume: &Volume, ctx: &RuleContext) -> Finding {
    let gp2 = &ctx.data.ebs.gp2;
    let gp3 = &ctx.data.ebs.gp3;
    let what = if volume.device.is_empty() {
        format!("Volume `{}`", volume.resource.address)
    } else {
        format!("`{}` of `{}`", volume.device, volume.resource.address)
    };
    let label = if volume.type_defaulted {
        "no type: defaults to gp2".to_string()
    } else {
        "gp2".to_string()
    };
    let size = volume.size_gib.as_ref().and_then(|f| f.known()).copied();
    let expected = ctx
        .usage
        .and_then(|u| u.expected_iops(&volume.resource.address, &volume.resource.kind))
        .filter(|_| volume.owner == crate::model::VolumeOwner::Standalone);
    let mut starved = false;
    let (message, saving) = match size {
        Some(size) if size > 0.0 => {
            let baseline = gp2.baseline_iops(size);
            starved = expected.is_some_and(|e| e > baseline);
            let performance = if baseline >= gp2.max_baseline_iops {
                format!(
                    "is capped at {} IOPS (the gp2 ceiling, reached from {} GiB)",
                    thousands(gp2.max_baseline_iops),
                    thousands(gp2.ceiling_from_gib())
                )
            } else if size < gp2.burst_applies_below_gib && baseline < gp2.burst_iops {
                format!(
                    "has a baseline of {} IOPS and depends on burst credits to reach {}",
                    thousands(baseline),
                    thousands(gp2.burst_iops)
                )
            } else {
                format!("has a baseline of {} IOPS", thousands(baseline))
            };
            let performance = match expected {
                Some(e) if e > baseline => format!(
                    "{performance}, below the {} IOPS it is expected to serve (usage file): it runs on burst credits all the time and is throttled to {} once they are spent",
                    thousands(e),
                    thousands(baseline)
                ),
                _ => performance,
            };
            // gp3 priced for the performance gp2 sustains without burst credits: its
            // expected IOPS when known, else the gp2 baseline (at least the included 3,000),
            // and the gp2 sustained throughput (at least the included 125 MiB/s), rounded up
            // to whole MiB/s as gp3 throughput is provisioned (CreateVolume's `Throughput` is
            // an integer).
            let gp3_iops = expected.unwrap_or(baseline).max(baseline).max(gp3.included_iops);
            let gp3_throughput = gp2
                .sustained_throughput_mibps(size)
                .ceil()
                .max(gp3.included_throughput_mibps);
            match ctx.prices_for(&volume.resource) {
                Some(p) => {
                    let gp2_cost = size * p.gp2_gb_month;
                    let gp3_cost = p.gp3_cost(size, gp3_iops, gp3_throughput, gp3);
                    let saving = gp2_cost - gp3_cost;
                    let verdict = if saving >= 0.0 {
                        format!("saves {}/month", usd(saving))
                    } else {
                        format!("{}/month more, for IOPS gp2 cannot sustain", usd(-saving))
                    };
                    (
                        format!(
                            "{what} is gp2 ({} GiB) and {performance}; gp3 with {} IOPS and {} MiB/s costs {}/month instead of {} ({verdict})",
                            thousands(size),
                            thousands(gp3_iops),
                            thousands(gp3_throughput),
                            usd(gp3_cost),
                            usd(gp2_cost),
                        ),
                        Some(saving.max(0.0)),
                    )
                }
                None => (
                    format!(
                        "{what} is gp2 ({} GiB) and {performance}; gp3 includes {} IOPS at any size",
                        thousands(size),
                        thousands(gp3.included_iops)
                    ),
                    None,
                ),
            }
        }
        _ => (
            format!(
                "{what} is gp2: its IOPS are {} per GiB (at least {}, at most {}), bursting to {} only below {} GiB; gp3 includes {} IOPS at any size for less per GiB",
                gp2.iops_per_gib,
                thousands(gp2.min_baseline_iops),
                thousands(gp2.max_baseline_iops),
                thousands(gp2.burst_iops),
                thousands(gp2.burst_applies_below_gib),
                thousands(gp3.included_iops)
            ),
            None,
        ),
    };
    let help = match (volume.type_defaulted, volume.owner) {
        (true, _) => "Set the volume type to gp3 explicitly (Elastic Volumes changes the type of an existing volume in place, with no downtime).",
        (false, crate::model::VolumeOwner::Standalone) => "Change the volume type to gp3 (Elastic Volumes changes it in place, with no downtime).",
        (false, _) => "Change the volume type to gp3. For a device declared inline, check first whether your tool replaces the instance or template version on this change (CloudFormation replaces an instance whose BlockDeviceMappings change).",
    };
    let mut f = finding(
        &META,
        &volume.resource.address,
        Label::new(volume.volume_type.span, label),
        message,
        help.to_string(),
    );
    f.secondary = origin_labels(&volume.volume_type.via);
    if let Some(size) = &volume.size_gib {
        f.secondary.extend(origin_labels(&size.via));
    }
    f.monthly_cost_usd = saving;
    f.fix = Some(gp3_fix(volume, size, ctx));
    if starved {
        f.severity = Severity::Error;
    }
    f
}

/// gp2 -> gp3 keeping the performance gp2 sustains: gp3 includes 3,000 IOPS and 125 MiB/s at
/// any size, so `iops` and `throughput` are added only when the gp2 baseline (3 IOPS per GiB)
/// or its sustained throughput (baseline IOPS x 256 KiB, capped at 250 MiB/s) exceeds them.
fn gp3_fix(volume: &Volume, size: Option<f64>, ctx: &RuleContext) -> crate::fix::Fix {
    use super::volume_type_fix::{type_change, type_change_safety, IOPS, THROUGHPUT};
    use crate::fix::{Fix, Scalar};
    let blocked = |why: &str| {
        let (safety, _) = type_change_safety(volume);
        Fix::blocked(safety, "volume type gp2 -> gp3", why)
    };
    if volume.throughput.is_some() {
        return blocked("`throughput` is set on the gp2 volume: choose gp3's by hand");
    }
    let Some(size) = size.filter(|s| *s > 0.0) else {
        return blocked(
            "the size is unknown: gp3 may need `iops` and `throughput` to match gp2's performance",
        );
    };
    let gp2 = &ctx.data.ebs.gp2;
    let gp3 = &ctx.data.ebs.gp3;
    let iops = gp2.baseline_iops(size).ceil();
    let throughput = gp2.sustained_throughput_mibps(size).ceil();
    let mut extra = Vec::new();
    if iops > gp3.included_iops {
        extra.push((IOPS, Scalar::Int(iops as u64)));
    }
    if throughput > gp3.included_throughput_mibps {
        if volume.resource.kind == "AWS::EC2::Instance" {
            return blocked("an instance's block device mapping has no `Throughput` in CloudFormation: gp3 would get 125 MiB/s, less than this gp2 volume sustains");
        }
        extra.push((THROUGHPUT, Scalar::Int(throughput as u64)));
    }
    let mut fix = type_change(volume, "gp2", "gp3", extra);
    // `iops` is not valid on gp2 (the API rejects it): removed, gp3's come from the size.
    if let Some(iops) = &volume.iops {
        fix.edits.push(crate::fix::Edit::Remove { value: iops.span });
        fix.description = fix.description.replacen(
            "gp2 -> gp3",
            "gp2 -> gp3, `iops` set on gp2 removed",
            1,
        );
    }
    fix
}
