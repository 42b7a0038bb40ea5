//! `ec2-capacity-reservation-unused`: a targeted capacity reservation nothing launches into.

use super::{finding, origin_labels, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{usd, usd_rate, Category, Finding, Label, Severity};
use crate::instances::InstanceData;
use crate::model::{
    without_instance_key, CapacityReservation, Designated, Designation, Model, SourceKind,
};

pub struct Ec2CapacityReservationUnused;

static META: RuleMeta = RuleMeta {
    id: "ec2-capacity-reservation-unused",
    default_severity: Severity::Warning,
    category: Category::Cost,
    summary: "Targeted capacity reservation that no instance, launch template or Auto Scaling group of its module or template targets (billed at the On-Demand rate)",
    doc: include_str!("../../rules/ec2-capacity-reservation-unused.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::Whole,
    security_severity: None,
};

impl Rule for Ec2CapacityReservationUnused {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        for reservation in &model.capacity_reservations {
            let Some(criteria) = reservation.match_criteria.known() else {
                continue;
            };
            if criteria != "targeted" {
                continue;
            }
            let unit_id = reservation.resource.unit;
            let Some(unit) = model.unit(unit_id) else {
                continue;
            };
            if !unit.complete || model.escaped(unit_id, &reservation.resource.address) {
                continue;
            }
            // Everything of the unit that targets reservations: one we cannot tell may be
            // this one.
            let targets: Vec<&Designation> = model
                .launch_placements
                .iter()
                .filter(|p| p.resource.unit == unit_id)
                .flat_map(|p| &p.capacity_reservations)
                .chain(
                    model
                        .auto_scaling_groups
                        .iter()
                        .filter(|g| g.resource.unit == unit_id)
                        .flat_map(|g| &g.capacity_reservations),
                )
                .collect();
            let address = &reservation.resource.address;
            let used = targets.iter().any(|d| match &d.target {
                Designated::Unknown => true,
                Designated::Resource(r) => {
                    r == address || without_instance_key(r) == without_instance_key(address)
                }
                Designated::Literal(_) => false,
            });
            if used {
                continue;
            }
            let scope = match unit.kind {
                SourceKind::Terraform => "module",
                SourceKind::CloudFormation => "template",
            };
            let (cost, cost_text) = price(ctx, reservation);
            let mut f = finding(
                &META,
                address,
                Label::new(reservation.match_criteria.span, "targeted"),
                format!(
                    "Capacity reservation `{address}` only accepts instances that target it, and nothing in its {scope} does: it is billed at the On-Demand rate while unused{cost_text}"
                ),
                match unit.kind {
                    SourceKind::Terraform => "Target it from the instances or launch template meant to use it (`capacity_reservation_specification { capacity_reservation_target { capacity_reservation_id = ... } }`), make it `instance_match_criteria = \"open\"`, or delete it.",
                    SourceKind::CloudFormation => "Target it from the instances or launch template meant to use it (`CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationId`), make it `InstanceMatchCriteria: open`, or delete it.",
                }
                .to_string(),
            );
            f.secondary = origin_labels(&reservation.match_criteria.via);
            f.monthly_cost_usd = cost;
            out.push(f);
        }
    }
}

/// Instance count x the type's On-Demand Linux hourly price x hours, where the embedded
/// prices apply: their region, Linux/UNIX, default tenancy.
fn price(ctx: &RuleContext, r: &CapacityReservation) -> (Option<f64>, String) {
    let Ok(data) = InstanceData::embedded() else {
        return (None, String::new());
    };
    if data.region != ctx.region_for(&r.resource) {
        return (None, String::new());
    }
    let known = |f: &Option<crate::model::Field<String>>| f.as_ref().and_then(|f| f.known()).cloned();
    if known(&r.platform).as_deref() != Some("Linux/UNIX") {
        return (None, String::new());
    }
    // Not written: the API default, `default`.
    match &r.tenancy {
        None => {}
        Some(t) if t.known().map(String::as_str) == Some("default") => {}
        Some(_) => return (None, String::new()),
    }
    let (Some(instance_type), Some(count)) = (
        known(&r.instance_type),
        r.instance_count.as_ref().and_then(|c| c.known()).copied(),
    ) else {
        return (None, String::new());
    };
    let Some(hourly) = data.prices.get(&instance_type).copied() else {
        return (None, String::new());
    };
    let cost = hourly * count * ctx.hours_per_month();
    (
        Some(cost),
        format!(
            ": {count} x {instance_type} at {}/hour = {}/month",
            usd_rate(hourly),
            usd(cost)
        ),
    )
}
