//! `ami-owner-unrestricted`: `data "aws_ami"` lookups that any account's image can satisfy,
//! and, under AWS provider v6, lookups the provider rejects for the same reason.

use super::{finding, origin_labels, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{Category, Finding, Label, Severity};
use crate::model::provider_version::requires_at_least_major;
use crate::model::{AmiLookup, Model};

pub struct AmiOwnerUnrestricted;

static META: RuleMeta = RuleMeta {
    id: "ami-owner-unrestricted",
    default_severity: Severity::Warning,
    category: Category::Compliance,
    summary: "data \"aws_ami\" without `owners`: anyone's public image that matches can be picked (an error under AWS provider v6)",
    doc: include_str!("../../rules/ami-owner-unrestricted.md"),
    options: &[],
    applies_to: AppliesTo::Terraform,
    enabled_by_default: true,
    saving: Saving::None,
    security_severity: Some(8.1),
};

/// The AWS provider major version from which `most_recent = true` without `owners` or an
/// `owner-id` / `image-id` filter is an error at plan ("Most Recent Image Not Filtered"),
/// unless `allow_unsafe_filter = true` (terraform-provider-aws
/// `checkMostRecentAndMissingFilters`, v6.0.0 changelog).
const REJECTING_PROVIDER_MAJOR: u64 = 6;

impl Rule for AmiOwnerUnrestricted {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, _ctx: &RuleContext, out: &mut Vec<Finding>) {
        for lookup in &model.ami_lookups {
            let v6 = model
                .aws_provider_versions
                .iter()
                .filter(|(unit, _)| *unit == lookup.resource.unit)
                .find(|(_, c)| {
                    c.known()
                        .is_some_and(|c| requires_at_least_major(c, REJECTING_PROVIDER_MAJOR))
                })
                .map(|(_, c)| c);
            if let Some(f) = check_lookup(lookup, v6) {
                out.push(f);
            }
        }
    }
}

/// What the provider (v6) rejects, for a lookup without `owners` (or with an empty list):
/// `most_recent` known to be `true` and no `owner-id` or `image-id` filter (possibly).
fn rejected_by_v6(lookup: &AmiLookup) -> bool {
    lookup.most_recent.as_ref().and_then(|f| f.known()) == Some(&true)
        && !lookup.may_filter_on(&["owner-id", "image-id"])
}

fn check_lookup(
    lookup: &AmiLookup,
    v6: Option<&crate::model::Field<String>>,
) -> Option<Finding> {
    let (label, problem, span, via): (&str, &str, _, &[_]) = match &lookup.owners {
        None => (
            "no `owners`",
            "has no `owners`",
            lookup.resource.span,
            &[][..],
        ),
        Some(owners) if owners.known().is_some_and(Vec::is_empty) => (
            "empty `owners`",
            "has an empty `owners` list",
            owners.span,
            &owners.via[..],
        ),
        // Known and non-empty, or unknown (a variable): cannot tell, stay silent.
        Some(_) => return None,
    };
    let unsafe_allowed = lookup
        .allow_unsafe_filter
        .as_ref()
        .and_then(|f| f.known())
        .copied();
    let rejected = rejected_by_v6(lookup);
    // An `owner-id` / `owner-alias` filter restricts the publisher like `owners`, and an
    // `image-id` filter pins the image: no other account's image can match.
    let squattable = !lookup.may_filter_on(&["owner-id", "owner-alias", "image-id"]);
    let error = rejected && v6.is_some() && unsafe_allowed != Some(true);
    if !squattable && !error {
        return None;
    }
    let address = &lookup.resource.address;
    let provider = match (rejected, unsafe_allowed) {
        (true, Some(true)) => "; `allow_unsafe_filter = true` makes Terraform AWS provider v6 accept it with a warning",
        (true, _) => "; Terraform AWS provider v6 rejects this lookup at plan time (\"Most Recent Image Not Filtered\": `most_recent = true` without `owners` or an `owner-id` / `image-id` filter) unless `allow_unsafe_filter = true`",
        (false, _) => "",
    };
    let message = if squattable {
        format!(
            "`{address}` {problem}: any AWS account can publish a public image whose name matches the filters, and the lookup may pick it (AMI squatting){provider}"
        )
    } else {
        // Restricted by an `owner-alias` filter only: safe, but v6 counts only `owners`,
        // `owner-id` and `image-id`.
        format!(
            "`{address}` {problem} and restricts the publisher with an `owner-alias` filter only: Terraform AWS provider v6 rejects it at plan time (\"Most Recent Image Not Filtered\" counts only `owners`, `owner-id` and `image-id`) unless `allow_unsafe_filter = true`"
        )
    };
    let mut f = finding(
        &META,
        address,
        Label::new(span, label),
        message,
        "Set `owners` to the publisher's account id or alias (`amazon`, `aws-marketplace`, `099720109477` for Canonical, `self`).".to_string(),
    );
    f.secondary = origin_labels(via);
    if let Some(constraint) = v6.filter(|_| error) {
        f.severity = Severity::Error;
        f.message.push_str(&format!(
            "; this configuration requires the AWS provider `{}`, so the plan fails",
            constraint.known().map(String::as_str).unwrap_or_default()
        ));
        f.secondary
            .push(Label::new(constraint.span, "requires AWS provider v6 or later"));
    }
    Some(f)
}
