//! `ami-stale`: images pinned by id, and `aws_ami` lookups that can return a stale image.

use super::{finding, origin_labels, AppliesTo, OptionSpec, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{first_few, Category, Finding, Label, Severity};
use crate::inventory::{days_since_epoch, Inventory};
use crate::model::{AmiRef, ImageChoice};
use crate::model::{AmiLookup, Model};

pub struct AmiStale;

static META: RuleMeta = RuleMeta {
    id: "ami-stale",
    default_severity: Severity::Warning,
    category: Category::Compliance,
    summary: "AMI pinned by id (or, with an inventory, old or deprecated), or an aws_ami lookup without most_recent",
    doc: include_str!("../../rules/ami-stale.md"),
    options: &[OptionSpec {
        name: "max_age_days",
        expected: "a whole number of days, at least 1",
        accepts: |v| v.as_integer().is_some_and(|i| i >= 1),
    }],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::None,
    security_severity: Some(4.0),
};

/// Images older than this are stale, with an inventory (`max_age_days` overrides it). 90 days:
/// the Amazon Linux and Ubuntu images are rebuilt at least monthly, so an image a quarter old
/// has missed several rounds of patches.
const DEFAULT_MAX_AGE_DAYS: i64 = 90;

/// `[rules.ami-stale]` options.
#[derive(Debug, Default, serde::Deserialize)]
struct Options {
    max_age_days: Option<i64>,
}

impl Rule for AmiStale {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        let prefix = ctx.data.ami.id_prefix.as_str();
        for ami in &model.ami_refs {
            // Every image the attribute may designate must be pinned (a region map of literal
            // ids is pinned in every region); one that is not, or is unknown, keeps it silent.
            let ids = pinned_ids(ami, prefix);
            let Some(image) = ids.first().copied() else {
                continue;
            };
            if let Some(inventory) = ctx.inventory {
                let options: Options = ctx.options(META.id);
                let max_age = options.max_age_days.unwrap_or(DEFAULT_MAX_AGE_DAYS);
                let found: Option<Vec<Finding>> = ids
                    .iter()
                    .map(|id| inventory_finding(ami, id, inventory, ctx.today, max_age))
                    .collect();
                if let Some(f) = found.and_then(every_candidate) {
                    out.push(f);
                }
                continue;
            }
            let (label, pinned) = match ids.as_slice() {
                [_] => (format!("pinned to {image}"), format!("pins image `{image}`")),
                more => (
                    format!("pinned to one of {} ids", more.len()),
                    format!(
                        "pins an image id whichever value it takes ({})",
                        first_few(
                            &more.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>(),
                            ", "
                        )
                    ),
                ),
            };
            let mut f = finding(
                &META,
                &ami.resource.address,
                Label::new(ami.image.span, label),
                format!(
                    "`{}` of `{}` {pinned}: a pinned AMI stops receiving OS patches and is eventually deprecated",
                    ami.attribute, ami.resource.address
                ),
                "Resolve the image at deploy time: an SSM public parameter (`data \"aws_ssm_parameter\"`, `{{resolve:ssm:...}}`, or a parameter of type `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>`), or `data \"aws_ami\"` with `most_recent = true` and `owners`.".to_string(),
            );
            f.secondary = origin_labels(&ami.image.via);
            out.push(f);
        }
        for lookup in &model.ami_lookups {
            if let Some(f) = lookup_finding(lookup) {
                out.push(f);
            }
        }
    }
}

/// With an inventory: deprecated, disabled or missing images are errors, old ones warnings,
/// fresh ones fine.
fn inventory_finding(
    ami: &AmiRef,
    image: &str,
    inventory: &Inventory,
    today: i64,
    max_age: i64,
) -> Option<Finding> {
    let help = "Move to a current image: an SSM public parameter or `data \"aws_ami\"` with `most_recent = true` and `owners` keeps it current.".to_string();
    let (message, label, severity) = match inventory.get(image) {
        None => (
            format!("`{}` of `{}` pins image `{image}`, which is not found in the AMI inventory: it may be deregistered, private to another account, or deprecated and hidden", ami.attribute, ami.resource.address),
            "not found in inventory".to_string(),
            Severity::Error,
        ),
        Some(img) if img.state.as_deref() == Some("disabled") => (
            format!("`{}` of `{}` pins image `{image}`, which is disabled: new instances cannot launch from it", ami.attribute, ami.resource.address),
            "disabled".to_string(),
            Severity::Error,
        ),
        Some(img) => {
            let deprecated_on = img.deprecation_time.as_deref().and_then(days_since_epoch);
            let deprecated = img.state.as_deref() == Some("deprecated")
                || deprecated_on.is_some_and(|d| d <= today);
            let age = img
                .creation_date
                .as_deref()
                .and_then(days_since_epoch)
                .map(|c| today - c);
            if deprecated {
                let since = img
                    .deprecation_time
                    .as_deref()
                    .and_then(|t| t.get(..10))
                    .map(|d| format!(" since {d}"))
                    .unwrap_or_default();
                (
                    format!("`{}` of `{}` pins image `{image}`, deprecated{since}", ami.attribute, ami.resource.address),
                    "deprecated".to_string(),
                    Severity::Error,
                )
            } else {
                match age {
                    Some(age) if age > max_age => (
                        format!("`{}` of `{}` pins image `{image}`, {age} days old (created {}; the limit is {max_age} days)", ami.attribute, ami.resource.address, img.creation_date.as_deref().and_then(|c| c.get(..10)).unwrap_or("?")),
                        format!("{age} days old"),
                        Severity::Warning,
                    ),
                    _ => return None,
                }
            }
        }
    };
    let mut f = finding(
        &META,
        &ami.resource.address,
        Label::new(ami.image.span, label),
        message,
        help,
    );
    f.severity = severity;
    f.secondary = origin_labels(&ami.image.via);
    Some(f)
}

/// The image ids an image attribute pins: every alternative of its value, when each is a
/// literal image id; empty when any is not (an SSM parameter, a lookup, an unknown value).
fn pinned_ids<'a>(ami: &'a AmiRef, prefix: &str) -> Vec<&'a str> {
    let mut ids = Vec::new();
    for choice in &ami.choices {
        match choice {
            ImageChoice::Literal(id) if is_ami_id(id, prefix) => ids.push(id.as_str()),
            _ => return Vec::new(),
        }
    }
    ids
}

/// One finding for an attribute whose every candidate image is stale: the mildest severity
/// among them (each candidate is the image in some deployment), every candidate described.
fn every_candidate(mut found: Vec<Finding>) -> Option<Finding> {
    if found.len() <= 1 {
        return found.pop();
    }
    let severity = found.iter().map(|f| f.severity).min()?;
    let mut first = found.first()?.clone();
    first.severity = severity;
    first.primary.message = format!("{} candidate images, all stale", found.len());
    first.message = format!(
        "every image the value may take is stale: {}",
        found
            .iter()
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    );
    Some(first)
}

/// `ami-` followed by 8 or 17 hex digits.
fn is_ami_id(value: &str, prefix: &str) -> bool {
    let Some(hex) = value.strip_prefix(prefix) else {
        return false;
    };
    (hex.len() == 8 || hex.len() == 17) && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

fn lookup_finding(lookup: &AmiLookup) -> Option<Finding> {
    let mut problems = Vec::new();
    let mut primary = None;
    match &lookup.most_recent {
        None => problems.push("no `most_recent = true`: the lookup fails, or keeps an old image, once several images match"),
        Some(field) => {
            if field.known() == Some(&false) {
                problems.push("`most_recent = false`: the lookup fails, or keeps an old image, once several images match");
                primary = Some(Label::new(field.span, "not the most recent image"));
            }
        }
    }
    // A lookup without `owners` is `ami-owner-unrestricted`'s finding.
    if problems.is_empty() {
        return None;
    }
    let primary = primary.unwrap_or_else(|| Label::new(lookup.resource.span, problems[0]));
    let mut f = finding(
        &META,
        &lookup.resource.address,
        primary,
        format!("`{}`: {}", lookup.resource.address, problems.join("; ")),
        "Set `most_recent = true` (with `owners` and name filters), or read the image id from an SSM public parameter.".to_string(),
    );
    if let Some(field) = &lookup.most_recent {
        f.secondary = origin_labels(&field.via);
    }
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::is_ami_id;

    #[test]
    fn ami_ids() {
        assert!(is_ami_id("ami-0123456789abcdef0", "ami-"));
        assert!(is_ami_id("ami-12345678", "ami-"));
        assert!(!is_ami_id("ami-123", "ami-"));
        assert!(!is_ami_id("{{resolve:ssm:/aws/service/ami}}", "ami-"));
        assert!(!is_ami_id("ami-0123456789abcdefg", "ami-"));
    }
}
