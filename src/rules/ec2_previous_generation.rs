//! `ec2-previous-generation`: instance types of previous-generation or superseded families.

use super::{finding, origin_labels, AppliesTo, OptionSpec, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{usd, Category, Finding, Label, Severity};
use crate::instances::{Generation, InstanceData};
use crate::model::Model;

pub struct Ec2PreviousGeneration;

static META: RuleMeta = RuleMeta {
    id: "ec2-previous-generation",
    default_severity: Severity::Warning,
    category: Category::Cost,
    summary: "Previous-generation or superseded instance type (t2, m4, c4, r4...): names the current successor and the price difference",
    doc: include_str!("../../rules/ec2-previous-generation.md"),
    options: &[OptionSpec {
        name: "allow",
        expected: "a list of instance types or families, e.g. [\"t2.micro\", \"m4\"]",
        accepts: |v| {
            v.as_array()
                .is_some_and(|a| a.iter().all(|x| x.as_str().is_some()))
        },
    }],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::Part,
    security_severity: None,
};

/// `[rules.ec2-previous-generation]` options.
#[derive(Debug, Default, serde::Deserialize)]
struct Options {
    /// Instance types or families accepted anyway.
    #[serde(default)]
    allow: Vec<String>,
}

impl Rule for Ec2PreviousGeneration {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fixes(&self) -> &'static [crate::fix::Safety] {
        use crate::fix::Safety;
        &[Safety::Unsafe]
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        let Ok(data) = InstanceData::embedded() else {
            return;
        };
        let options: Options = ctx.options(META.id);
        let allow: Vec<&str> = options.allow.iter().map(String::as_str).collect();
        for settings in &model.launch_settings {
            let Some(field) = &settings.instance_type else {
                continue;
            };
            let Some(instance_type) = field.known() else {
                continue;
            };
            let family = instance_type.split('.').next().unwrap_or("");
            if allow.iter().any(|a| *a == instance_type || *a == family) {
                continue;
            }
            let address = &settings.resource.address;
            let mut fix = None;
            let (message, help, cost) = match data.generation(instance_type) {
                Generation::Current => continue,
                Generation::Previous => (
                    format!("`{address}` uses `{instance_type}`, a previous-generation family: older hardware, fewer features, and capacity that AWS no longer grows"),
                    "Move to a current-generation family of the same class (see AWS's previous-generation instance list for the mapping).".to_string(),
                    None,
                ),
                Generation::Superseded { successor, reason, prices } => {
                    fix = Some(crate::fix::Fix::new(
                        crate::fix::Safety::Unsafe,
                        format!("instance type {instance_type} -> {successor} (unsafe: the instance is stopped and started, and an AMI without the drivers the new family needs may not boot)"),
                        vec![crate::fix::replace(field, instance_type, &successor)],
                    ));
                    let (price_text, cost) = match prices {
                        Some((old, new)) if data.region == ctx.region_for(&settings.resource) => {
                            let monthly = (old - new) * ctx.hours_per_month();
                            let text = if monthly >= 0.005 {
                                format!(
                                    "; on demand it costs {}/month instead of {} (saves {}/month per instance)",
                                    usd(new * ctx.hours_per_month()),
                                    usd(old * ctx.hours_per_month()),
                                    usd(monthly)
                                )
                            } else if monthly <= -0.005 {
                                format!(
                                    "; on demand it costs {}/month more per instance (for at least the same vCPUs and memory)",
                                    usd(-monthly)
                                )
                            } else {
                                "; on demand it costs the same".to_string()
                            };
                            (text, Some(monthly.max(0.0)))
                        }
                        _ => (String::new(), None),
                    };
                    (
                        format!("`{address}` uses `{instance_type}`, superseded by `{successor}`{price_text}"),
                        format!("Change the instance type to `{successor}`: {reason}."),
                        cost,
                    )
                }
            };
            let mut f = finding(
                &META,
                address,
                Label::new(field.span, instance_type.clone()),
                message,
                help,
            );
            f.secondary = origin_labels(&field.via);
            f.monthly_cost_usd = cost;
            f.fix = fix;
            out.push(f);
        }
    }
}
