//! `asg-capacity-invalid`: an Auto Scaling group whose sizes the API rejects.

use super::{finding, origin_labels, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{Category, Finding, Label, Severity};
use crate::model::{AutoScalingGroup, Field, Model};

pub struct AsgCapacityInvalid;

static META: RuleMeta = RuleMeta {
    id: "asg-capacity-invalid",
    default_severity: Severity::Error,
    category: Category::Correctness,
    summary: "Auto Scaling group whose minimum exceeds its maximum, or whose desired capacity is outside them (the API rejects it)",
    doc: include_str!("../../rules/asg-capacity-invalid.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::None,
    security_severity: None,
};

impl Rule for AsgCapacityInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, _ctx: &RuleContext, out: &mut Vec<Finding>) {
        for group in &model.auto_scaling_groups {
            if let Some(f) = invalid(group) {
                out.push(f);
            }
        }
    }
}

/// The first size the API rejects: minimum over maximum, else a desired capacity outside
/// them. Only known sizes are compared.
fn invalid(group: &AutoScalingGroup) -> Option<Finding> {
    let address = &group.resource.address;
    let min = known(&group.min_size);
    let max = known(&group.max_size);
    if let (Some((lo, lo_f)), Some((hi, hi_f))) = (min, max) {
        if lo > hi {
            let mut f = finding(
                &META,
                address,
                Label::new(lo_f.span, format!("minimum {}", count(lo))),
                format!(
                    "Auto Scaling group `{address}` has a minimum size ({}) greater than its maximum size ({}): the API rejects it",
                    count(lo),
                    count(hi)
                ),
                "Set `min_size` / `MinSize` at most `max_size` / `MaxSize`.".to_string(),
            );
            f.secondary.push(Label::new(hi_f.span, format!("maximum {}", count(hi))));
            f.secondary.extend(origin_labels(&lo_f.via));
            f.secondary.extend(origin_labels(&hi_f.via));
            return Some(f);
        }
    }
    let (desired, desired_f) = known(&group.desired_capacity)?;
    let (bound, bound_f, word) = match (min, max) {
        (Some((lo, f)), _) if desired < lo => (lo, f, "below its minimum size"),
        (_, Some((hi, f))) if desired > hi => (hi, f, "above its maximum size"),
        _ => return None,
    };
    let mut f = finding(
        &META,
        address,
        Label::new(desired_f.span, format!("desired {}", count(desired))),
        format!(
            "Auto Scaling group `{address}` has a desired capacity ({}) {word} ({}): the API rejects it",
            count(desired),
            count(bound)
        ),
        "Set `desired_capacity` / `DesiredCapacity` between the minimum and maximum sizes, or leave it unset (it defaults to the minimum).".to_string(),
    );
    f.secondary.push(Label::new(
        bound_f.span,
        format!(
            "{} {}",
            if desired < bound { "minimum" } else { "maximum" },
            count(bound)
        ),
    ));
    f.secondary.extend(origin_labels(&desired_f.via));
    f.secondary.extend(origin_labels(&bound_f.via));
    Some(f)
}

fn known(f: &Option<Field<f64>>) -> Option<(f64, &Field<f64>)> {
    let f = f.as_ref()?;
    Some((*f.known()?, f))
}

/// A size as written: whole numbers without a fraction.
fn count(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
