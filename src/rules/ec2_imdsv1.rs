//! `ec2-imdsv1`: instances and templates that allow IMDSv1 (metadata without session tokens).

use super::{account_defaults, finding, origin_labels, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{Category, Finding, Label, Severity};
use crate::model::{ComputeKind, LaunchSettings, Model, SourceKind};

pub struct Ec2Imdsv1;

static META: RuleMeta = RuleMeta {
    id: "ec2-imdsv1",
    default_severity: Severity::Warning,
    category: Category::Compliance,
    summary: "Instance metadata service reachable without session tokens (IMDSv1)",
    doc: include_str!("../../rules/ec2-imdsv1.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::None,
    security_severity: Some(7.5),
};

impl Rule for Ec2Imdsv1 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fixes(&self) -> &'static [crate::fix::Safety] {
        use crate::fix::Safety;
        &[Safety::Unsafe]
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        for settings in &model.launch_settings {
            let unit = settings.resource.unit;
            if settings
                .http_endpoint
                .as_ref()
                .and_then(|f| f.known())
                .map(String::as_str)
                == Some("disabled")
            {
                continue;
            }
            match &settings.http_tokens {
                Some(tokens) => match tokens.known().map(String::as_str) {
                    Some("optional") => {
                        let mut f = explicit(settings, tokens.span);
                        f.secondary = origin_labels(&tokens.via);
                        f.fix = Some(crate::fix::Fix::new(
                            crate::fix::Safety::Unsafe,
                            "http tokens optional -> required (unsafe: software that still calls IMDSv1 without a token stops getting answers)",
                            vec![crate::fix::replace(tokens, "optional", "required")],
                        ));
                        out.push(f);
                    }
                    _ => continue,
                },
                None => {
                    // An instance launched from a template takes the template's options; the
                    // template is checked on its own (or is unknown).
                    if settings.launch_template.is_some() {
                        continue;
                    }
                    let cloudformation = model
                        .unit(unit)
                        .is_some_and(|u| u.kind == SourceKind::CloudFormation);
                    // IMDSv2 by default in the account and region (declared in the root, or
                    // `[account]`): only an explicit `optional` still allows IMDSv1; the
                    // finding is silenced, and the summary says by what.
                    let mut f = unset(settings, cloudformation);
                    f.silenced_by =
                        account_defaults::metadata_default(model, &settings.resource, ctx);
                    f.fix = Some(crate::fix::Fix::new(
                        crate::fix::Safety::Unsafe,
                        "metadata options: http tokens required (unsafe: software that still calls IMDSv1 without a token stops getting answers)",
                        vec![crate::fix::Edit::AddToBlock {
                            resource: settings.resource.body_span,
                            block: "metadata_options",
                            entries: vec![(
                                crate::fix::Key {
                                    terraform: "http_tokens",
                                    cloudformation: "HttpTokens",
                                },
                                crate::fix::Scalar::Str("required"),
                            )],
                        }],
                    ));
                    out.push(f);
                }
            }
        }
    }
}

fn what(settings: &LaunchSettings) -> &'static str {
    match settings.kind {
        ComputeKind::Instance => "instance",
        ComputeKind::LaunchTemplate => "launch template",
        ComputeKind::LaunchConfiguration => "launch configuration",
    }
}

fn explicit(settings: &LaunchSettings, span: crate::source::Span) -> Finding {
    finding(
        &META,
        &settings.resource.address,
        Label::new(span, "IMDSv1 allowed"),
        format!(
            "{} `{}` sets http tokens to `optional`: any process or SSRF bug that can make an HTTP GET to 169.254.169.254 can read the instance role's credentials (IMDSv1)",
            what(settings),
            settings.resource.address
        ),
        "Set tokens to `required` (Terraform `metadata_options { http_tokens = \"required\" }`, CloudFormation `MetadataOptions: {HttpTokens: required}`).".to_string(),
    )
}

fn unset(settings: &LaunchSettings, cloudformation: bool) -> Finding {
    let help = match (settings.kind, cloudformation) {
        (ComputeKind::Instance, true) => "Add `MetadataOptions: {HttpTokens: required}` to the instance's properties (an `AWS::EC2::Instance` property since 2025-08), or launch it from an `AWS::EC2::LaunchTemplate` that sets it.",
        (_, true) => "Add `MetadataOptions: {HttpTokens: required}`.",
        (_, false) => "Add `metadata_options { http_tokens = \"required\" }` (or `aws_ec2_instance_metadata_defaults { http_tokens = \"required\" }` for the whole account and region).",
    };
    finding(
        &META,
        &settings.resource.address,
        Label::new(settings.resource.span, "no metadata options"),
        format!(
            "{} `{}` does not require IMDSv2 tokens: unless its AMI sets `ImdsSupport: v2.0`, instances answer IMDSv1 requests, which SSRF bugs use to steal role credentials",
            what(settings),
            settings.resource.address
        ),
        help.to_string(),
    )
}
