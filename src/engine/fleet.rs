//! Money multiplied where AWS multiplies it: a launch template or launch configuration that
//! an Auto Scaling group of its unit launches from is billed once per running instance. Its
//! per-instance figures (previous generation, public IPv4, gp2 root volume...) are multiplied
//! by the groups' capacity: `desired_capacity`, else `min_size` (what the group launches when
//! created). A group whose capacity is not known leaves the per-instance figure, and the
//! message says so.

use crate::finding::Finding;
use crate::model::{Model, ResourceRef};

const LAUNCH_KINDS: &[&str] = &[
    "aws_launch_template",
    "aws_launch_configuration",
    "AWS::EC2::LaunchTemplate",
    "AWS::AutoScaling::LaunchConfiguration",
];

/// How many instances the groups that surely launch from `launcher` run.
enum Capacity {
    /// No group of the unit surely launches from it.
    None,
    /// The groups, with their instance counts.
    Known(Vec<(String, f64)>),
    /// A group whose capacity cannot be told.
    Unknown(String),
}

fn capacity(model: &Model, launcher: &ResourceRef) -> Capacity {
    let mut groups = Vec::new();
    for g in &model.auto_scaling_groups {
        if g.resource.unit != launcher.unit {
            continue;
        }
        let uses = g
            .launch_templates
            .iter()
            .chain(&g.launch_configurations)
            .any(|d| d.resource() == Some(launcher.address.as_str()));
        if !uses {
            continue;
        }
        let count = match (&g.desired_capacity, &g.min_size) {
            (Some(desired), _) => desired.known().copied(),
            (None, Some(min)) => min.known().copied(),
            (None, None) => None,
        };
        match count {
            Some(n) if n.is_finite() && n >= 0.0 => groups.push((g.resource.address.clone(), n)),
            _ => return Capacity::Unknown(g.resource.address.clone()),
        }
    }
    if groups.is_empty() {
        Capacity::None
    } else {
        Capacity::Known(groups)
    }
}

/// Multiplies the figure of a priced finding on `launcher` (its resource) by the instances
/// its groups run, and says so in the message.
pub(super) fn multiply(f: &mut Finding, model: &Model, launcher: &ResourceRef) {
    if !LAUNCH_KINDS.contains(&launcher.kind.as_str()) {
        return;
    }
    let Some(per_instance) = f.monthly_cost_usd else {
        return;
    };
    match capacity(model, launcher) {
        Capacity::None => {}
        Capacity::Known(groups) => {
            let total: f64 = groups.iter().map(|(_, n)| n).sum();
            let names: Vec<String> = groups.iter().map(|(a, _)| format!("`{a}`")).collect();
            f.monthly_cost_usd = Some(per_instance * total);
            f.message.push_str(&format!(
                " (x{} instance{} of {}: {}/month in all)",
                total,
                if total == 1.0 { "" } else { "s" },
                names.join(" and "),
                crate::finding::usd(per_instance * total)
            ));
        }
        Capacity::Unknown(group) => {
            f.message.push_str(&format!(
                " (per instance: `{group}` launches it and its capacity cannot be told)"
            ));
        }
    }
}
