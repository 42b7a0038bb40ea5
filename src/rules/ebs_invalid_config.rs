//! `ebs-invalid-config`: volume settings the EC2 API rejects at apply time.

use super::{finding, origin_labels, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::aws_data::VolumeLimits;
use crate::finding::{thousands, Category, Finding, Label, Severity};
use crate::model::{DeviceRole, Field, Model, Origin, SourceKind, Volume};
use crate::source::Span;

pub struct EbsInvalidConfig;

static META: RuleMeta = RuleMeta {
    id: "ebs-invalid-config",
    default_severity: Severity::Error,
    category: Category::Correctness,
    summary: "Volume type, size, IOPS or throughput that the EC2 API rejects (st1/sc1 boot volumes too)",
    doc: include_str!("../../rules/ebs-invalid-config.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::None,
    security_severity: None,
};

impl Rule for EbsInvalidConfig {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        for volume in &model.volumes {
            let Some(kind) = volume.volume_type.known() else {
                continue;
            };
            let Some(limits) = ctx.data.ebs.limits.get(kind.as_str()) else {
                out.push(invalid_type(volume, kind, ctx));
                continue;
            };
            if volume.role == DeviceRole::Root && !limits.boot_volume {
                out.push(not_bootable(volume, kind));
            }
            let terraform = model
                .unit(volume.resource.unit)
                .is_some_and(|u| u.kind == SourceKind::Terraform);
            check_volume(volume, kind, limits, terraform, out);
        }
    }
}

/// `{what}`: the volume as messages name it.
fn describe(volume: &Volume) -> String {
    if volume.device.is_empty() {
        format!("`{}`", volume.resource.address)
    } else {
        format!("`{}` of `{}`", volume.device, volume.resource.address)
    }
}

/// A type that is not an EBS volume type (`magnetic`, a typo): the API rejects the request.
fn invalid_type(volume: &Volume, kind: &str, ctx: &RuleContext) -> Finding {
    let valid: Vec<&str> = ctx.data.ebs.limits.keys().map(String::as_str).collect();
    let mut f = finding(
        &META,
        &volume.resource.address,
        Label::new(volume.volume_type.span, "not a volume type"),
        format!(
            "{}: `{kind}` is not an EBS volume type; the EC2 API accepts {}",
            describe(volume),
            valid.join(", ")
        ),
        "Use one of the valid types: gp3 for general purpose (`standard` is the previous-generation magnetic type).".to_string(),
    );
    f.secondary = origin_labels(&volume.volume_type.via);
    f
}

/// st1 and sc1 as the root (boot) volume.
fn not_bootable(volume: &Volume, kind: &str) -> Finding {
    let role = if volume.device.starts_with("root_block_device") {
        "is the root (boot) volume"
    } else {
        "uses a device name reserved for the root (boot) volume"
    };
    let mut f = finding(
        &META,
        &volume.resource.address,
        Label::new(volume.volume_type.span, format!("{kind} cannot boot")),
        format!(
            "{} {role}, and {kind} volumes cannot be boot volumes (EBS supports st1 and sc1 only as data volumes)",
            describe(volume)
        ),
        "Use gp3 for the root volume and put the throughput-bound data on a separate st1 or sc1 volume.".to_string(),
    );
    f.secondary = origin_labels(&volume.volume_type.via);
    f
}

fn at<T>(field: &Field<T>) -> (Span, &[Origin]) {
    (field.span, &field.via)
}

fn known(field: &Option<Field<f64>>) -> Option<(f64, &Field<f64>)> {
    let f = field.as_ref()?;
    f.known().map(|v| (*v, f))
}

fn check_volume(
    volume: &Volume,
    kind: &str,
    limits: &VolumeLimits,
    terraform: bool,
    out: &mut Vec<Finding>,
) {
    let what = describe(volume);
    let mut push = |at: (Span, &[Origin]), label: String, message: String, help: &str| {
        let mut f = finding(
            &META,
            &volume.resource.address,
            Label::new(at.0, label),
            message,
            help.to_string(),
        );
        f.secondary = origin_labels(at.1);
        out.push(f);
    };
    // The Terraform AWS provider treats `iops = 0` and `throughput = 0` as not set.
    let unset_zero = |f: &Option<Field<f64>>| -> Option<Field<f64>> {
        f.clone()
            .filter(|f| !(terraform && f.known() == Some(&0.0)))
    };
    let (iops_field, throughput_field) = (unset_zero(&volume.iops), unset_zero(&volume.throughput));
    let size = known(&volume.size_gib);
    if let Some((size, field)) = size {
        if size < limits.min_size_gib || size > limits.max_size_gib {
            push(
                at(field),
                format!("{} GiB", thousands(size)),
                format!(
                    "{what}: {kind} volumes must be {} to {} GiB, not {}",
                    thousands(limits.min_size_gib),
                    thousands(limits.max_size_gib),
                    thousands(size)
                ),
                "Choose a size in the type's range, or a type that allows this size.",
            );
        }
    }
    let iops = known(&iops_field);
    match (limits.min_iops, limits.max_iops, iops) {
        (Some(min), Some(max), Some((iops, field))) => {
            if iops < min || iops > max {
                push(
                    at(field),
                    format!("{} IOPS", thousands(iops)),
                    format!(
                        "{what}: {kind} volumes take {} to {} IOPS, not {}",
                        thousands(min),
                        thousands(max),
                        thousands(iops)
                    ),
                    "Provision IOPS within the type's range.",
                );
            } else if let (Some(ratio), Some((size, _))) = (limits.max_iops_per_gib, size) {
                // The type's minimum (gp3's included 3,000 IOPS) is valid at any size.
                let allowed = (size * ratio).max(min);
                if iops > allowed {
                    push(
                        at(field),
                        format!("more than {} IOPS per GiB", thousands(ratio)),
                        format!(
                            "{what}: {kind} allows at most {} IOPS per GiB; {} GiB allows {} IOPS, not {}",
                            thousands(ratio),
                            thousands(size),
                            thousands(allowed),
                            thousands(iops)
                        ),
                        "Lower the IOPS or grow the volume.",
                    );
                }
            }
        }
        (None, _, Some((_, field))) if kind != "gp2" => push(
            at(field),
            "not valid here".to_string(),
            format!("{what}: `iops` is not valid for {kind} volumes"),
            "Remove `iops`; only io1, io2 and gp3 take provisioned IOPS.",
        ),
        _ => {}
    }
    if limits.iops_required && iops_field.is_none() {
        push(
            at(&volume.volume_type),
            format!("{kind} without iops"),
            format!("{what}: {kind} volumes require `iops`"),
            "Set `iops` (Terraform `iops`, CloudFormation `Iops`).",
        );
    }
    if let Some((throughput, field)) = known(&throughput_field) {
        match (limits.min_throughput_mibps, limits.max_throughput_mibps) {
            (Some(min), Some(max)) => {
                // IOPS written but unknown: the per-IOPS limit cannot be checked. Not written:
                // the type's included IOPS apply.
                let effective_iops = match (&iops_field, iops) {
                    (_, Some((i, _))) => Some(i),
                    (Some(_), None) => None,
                    (None, None) => limits.min_iops,
                };
                if throughput < min || throughput > max {
                    push(
                        at(field),
                        format!("{} MiB/s", thousands(throughput)),
                        format!(
                            "{what}: {kind} throughput must be {} to {} MiB/s, not {}",
                            thousands(min),
                            thousands(max),
                            thousands(throughput)
                        ),
                        "Choose a throughput in the type's range.",
                    );
                } else if let (Some(per_iops), Some(i)) =
                    (limits.max_throughput_per_iops, effective_iops)
                {
                    if throughput > i * per_iops {
                        push(
                            at(field),
                            format!("more than {per_iops} MiB/s per IOPS"),
                            format!(
                                "{what}: {kind} allows at most {per_iops} MiB/s per provisioned IOPS; {} IOPS allow {} MiB/s, not {}",
                                thousands(i),
                                thousands(i * per_iops),
                                thousands(throughput)
                            ),
                            "Raise the IOPS or lower the throughput.",
                        );
                    }
                }
            }
            _ => push(
                at(field),
                "not valid here".to_string(),
                format!("{what}: `throughput` is only valid for gp3 volumes, not {kind}"),
                "Remove `throughput`, or use gp3.",
            ),
        }
    }
}
