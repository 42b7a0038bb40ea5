//! `ebs-magnetic`: previous-generation magnetic (`standard`) volumes.

use super::{finding, origin_labels, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{thousands, usd, usd_rate, Category, Finding, Label, Severity};
use crate::model::Model;

pub struct EbsMagnetic;

static META: RuleMeta = RuleMeta {
    id: "ebs-magnetic",
    default_severity: Severity::Warning,
    category: Category::Cost,
    summary: "Magnetic (`standard`) volume: previous generation, ~100 IOPS, billed per I/O; gp3 includes 3,000 IOPS",
    doc: include_str!("../../rules/ebs-magnetic.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::Part,
    security_severity: None,
};

impl Rule for EbsMagnetic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        let gp3 = &ctx.data.ebs.gp3;
        for volume in &model.volumes {
            if volume.volume_type.known().map(String::as_str) != Some("standard") {
                continue;
            }
            let what = if volume.device.is_empty() {
                format!("Volume `{}`", volume.resource.address)
            } else {
                format!("`{}` of `{}`", volume.device, volume.resource.address)
            };
            let size = volume.size_gib.as_ref().and_then(|f| f.known()).copied();
            // Storage alone, magnetic is cheaper per GB; its per-I/O charge is what gp3 saves.
            // Without usage data the I/O count is unknown, so state the break-even instead of
            // a saving.
            let economics = match (size, ctx.prices_for(&volume.resource)) {
                (Some(size), Some(p)) => {
                    let magnetic = size * p.standard_gb_month;
                    let gp3_cost = size * p.gp3_gb_month;
                    match p.standard_io_million {
                        Some(io) if gp3_cost > magnetic => format!(
                            "; gp3 storage costs {}/month instead of {} but has no per-I/O charge ({} per million I/O on magnetic): gp3 is cheaper above {} million I/O a month",
                            usd(gp3_cost),
                            usd(magnetic),
                            usd_rate(io),
                            thousands(((gp3_cost - magnetic) / io).ceil())
                        ),
                        _ => format!(
                            "; gp3 storage costs {}/month instead of {}, plus magnetic's per-I/O charge",
                            usd(gp3_cost),
                            usd(magnetic)
                        ),
                    }
                }
                _ => String::new(),
            };
            let mut f = finding(
                &META,
                &volume.resource.address,
                Label::new(volume.volume_type.span, "magnetic"),
                format!(
                    "{what} is magnetic (`standard`), a previous-generation type averaging about 100 IOPS; gp3 gives {} IOPS and {} MiB/s at any size{economics}",
                    thousands(gp3.included_iops),
                    thousands(gp3.included_throughput_mibps)
                ),
                "Move the data to gp3: snapshot the volume and create a gp3 volume from the snapshot (magnetic volumes are limited to 1 TiB; gp3 goes to 64 TiB).".to_string(),
            );
            f.secondary = origin_labels(&volume.volume_type.via);
            out.push(f);
        }
    }
}
