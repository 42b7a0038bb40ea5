//! `asg-launch-configuration`: launch configurations, which AWS deprecated for launch templates.

use super::{finding, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{Category, Finding, Label, Severity};
use crate::model::{Model, SourceKind};

pub struct AsgLaunchConfiguration;

static META: RuleMeta = RuleMeta {
    id: "asg-launch-configuration",
    default_severity: Severity::Warning,
    category: Category::Compliance,
    summary: "Launch configuration: deprecated by AWS (new accounts cannot create them); use a launch template",
    doc: include_str!("../../rules/asg-launch-configuration.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::None,
    security_severity: Some(2.0),
};

impl Rule for AsgLaunchConfiguration {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, _ctx: &RuleContext, out: &mut Vec<Finding>) {
        for lc in model
            .launch_templates
            .iter()
            .filter(|l| l.is_launch_configuration)
        {
            let terraform = model
                .unit(lc.resource.unit)
                .is_some_and(|u| u.kind == SourceKind::Terraform);
            let help = if terraform {
                "Replace it with an `aws_launch_template` and set the group's `launch_template { id, version }`; launch templates also give versioning, mixed instances and Spot/On-Demand mixes."
            } else {
                "Replace it with an `AWS::EC2::LaunchTemplate` and set the group's `LaunchTemplate: {LaunchTemplateId, Version}`; launch templates also give versioning, mixed instances and Spot/On-Demand mixes."
            };
            out.push(finding(
                &META,
                &lc.resource.address,
                Label::new(lc.resource.span, "launch configuration"),
                format!(
                    "`{}` is a launch configuration: AWS deprecated them (since 2024-10-01 new accounts cannot create them, and they get no new instance types or features)",
                    lc.resource.address
                ),
                help.to_string(),
            ));
        }
    }
}
