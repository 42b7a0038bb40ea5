//! `asg-spot-single-type`: an Auto Scaling group whose Spot capacity has one instance type.

use foldhash::HashMap;

use super::{finding, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{Category, Finding, Label, Severity};
use crate::model::{
    AutoScalingGroup, Field, LaunchPlacement, LaunchSettings, Model, SourceKind, UnitId,
};
use crate::source::Span;

pub struct AsgSpotSingleType;

static META: RuleMeta = RuleMeta {
    id: "asg-spot-single-type",
    default_severity: Severity::Info,
    category: Category::Cost,
    summary: "Auto Scaling group that runs Spot Instances of a single instance type (AWS Spot best practice: be flexible across types)",
    doc: include_str!("../../rules/asg-spot-single-type.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::Part,
    security_severity: None,
};

/// `OnDemandPercentageAboveBaseCapacity` when not written: all On-Demand, no Spot.
const DEFAULT_ON_DEMAND_PERCENTAGE: f64 = 100.0;

impl Rule for AsgSpotSingleType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, _ctx: &RuleContext, out: &mut Vec<Finding>) {
        let launchers = Launchers::new(model);
        for group in &model.auto_scaling_groups {
            let Some((instance_type, type_span, spot_span)) = single_spot_type(&launchers, group)
            else {
                continue;
            };
            // A type written in the launch template or configuration: the group's reference
            // to it is the primary label, the type a secondary one.
            let inside = group.resource.body_span.start <= type_span.start
                && type_span.end <= group.resource.body_span.end
                && group.resource.body_span.file == type_span.file;
            let reference = group
                .launch_templates
                .iter()
                .chain(&group.launch_configurations)
                .next()
                .map(|d| d.span);
            let span = match (inside, reference) {
                (false, Some(r)) => r,
                _ => type_span,
            };
            let address = &group.resource.address;
            let terraform = model
                .unit(group.resource.unit)
                .is_some_and(|u| u.kind == SourceKind::Terraform);
            let help = if terraform {
                "List several instance types of similar size in `mixed_instances_policy.launch_template.override` (or use `instance_requirements`), across several Availability Zones, with the `price-capacity-optimized` Spot allocation strategy."
            } else {
                "List several instance types of similar size in `MixedInstancesPolicy.LaunchTemplate.Overrides` (or use `InstanceRequirements`), across several Availability Zones, with the `price-capacity-optimized` Spot allocation strategy."
            };
            let mut f = finding(
                &META,
                address,
                Label::new(span, format!("only {instance_type}")),
                format!(
                    "Auto Scaling group `{address}` runs Spot Instances of a single type (`{instance_type}`): when that Spot pool is short of capacity the group cannot launch, and its instances are interrupted together"
                ),
                help.to_string(),
            );
            if span != type_span {
                f.secondary.push(Label::new(type_span, instance_type.clone()));
            }
            if let Some(s) = spot_span {
                f.secondary.push(Label::new(s, "Spot"));
            }
            out.push(f);
        }
    }
}

/// The one instance type of a group that uses Spot: the mixed instances policy's overrides
/// (when some capacity above the base is Spot), or the launch template or configuration of
/// a group without a policy that requests Spot. `None` when not sure.
/// Launch templates' and configurations' placement and settings, by unit and address (the
/// first of each, as a search of the lists finds): looked up once per group.
struct Launchers<'m> {
    placements: HashMap<(UnitId, &'m str), &'m LaunchPlacement>,
    settings: HashMap<(UnitId, &'m str), &'m LaunchSettings>,
}

impl<'m> Launchers<'m> {
    fn new(model: &'m Model) -> Launchers<'m> {
        let mut placements = HashMap::default();
        for p in &model.launch_placements {
            placements
                .entry((p.resource.unit, p.resource.address.as_str()))
                .or_insert(p);
        }
        let mut settings = HashMap::default();
        for s in &model.launch_settings {
            settings
                .entry((s.resource.unit, s.resource.address.as_str()))
                .or_insert(s);
        }
        Launchers {
            placements,
            settings,
        }
    }
}

fn single_spot_type(
    model: &Launchers,
    g: &AutoScalingGroup,
) -> Option<(String, Span, Option<Span>)> {
    if let Some(policy) = &g.mixed_instances {
        let percentage = match &policy.on_demand_percentage_above_base {
            None => DEFAULT_ON_DEMAND_PERCENTAGE,
            Some(f) => *f.known()?,
        };
        if percentage >= 100.0 || policy.flexible {
            return None;
        }
        let spot_span = policy
            .on_demand_percentage_above_base
            .as_ref()
            .map(|f| f.span);
        let types = policy.override_types.as_ref()?;
        match types.as_slice() {
            [] => {
                // No overrides: the launch template's type.
                let (t, span) = template_type(model, g)?;
                return Some((t, span, spot_span));
            }
            _ => {
                let first = types.first()?.known()?.clone();
                for t in types {
                    if t.known()? != &first {
                        return None;
                    }
                }
                return Some((first, types.first()?.span, spot_span));
            }
        }
    }
    // Without a policy: a launch template or configuration that asks for Spot.
    let launcher = launcher_address(g)?;
    let placement = model.placements.get(&(g.resource.unit, launcher))?;
    let spot_span = match (&placement.market_type, &placement.spot_max_price) {
        (Some(m), _) if m.known().map(String::as_str) == Some("spot") => m.span,
        // A launch configuration's `spot_price` makes its instances Spot.
        (None, Some(p)) if p.known().is_some_and(|p| !p.is_empty()) => p.span,
        _ => return None,
    };
    let (t, span) = type_of(model, g, launcher)?;
    Some((t, span, Some(spot_span)))
}

/// The one launch template or configuration a group launches from, for sure.
fn launcher_address(g: &AutoScalingGroup) -> Option<&str> {
    let all: Vec<_> = g
        .launch_templates
        .iter()
        .chain(&g.launch_configurations)
        .collect();
    match all.as_slice() {
        [one] => one.resource(),
        _ => None,
    }
}

fn template_type(model: &Launchers, g: &AutoScalingGroup) -> Option<(String, Span)> {
    match g.launch_templates.as_slice() {
        [one] => type_of(model, g, one.resource()?),
        _ => None,
    }
}

fn type_of(model: &Launchers, g: &AutoScalingGroup, address: &str) -> Option<(String, Span)> {
    let settings = model.settings.get(&(g.resource.unit, address))?;
    let field: &Field<String> = settings.instance_type.as_ref()?;
    let t = field.known()?;
    if t.is_empty() {
        return None;
    }
    Some((t.clone(), field.span))
}
