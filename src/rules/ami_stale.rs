//! `ami-stale`: images pinned by id, and `aws_ami` lookups that can return a stale image.

use super::{finding, origin_labels, Rule, RuleContext, RuleMeta};
use crate::finding::{Category, Finding, Label, Severity};
use crate::model::{AmiLookup, Model};

pub struct AmiStale;

static META: RuleMeta = RuleMeta {
    id: "ami-stale",
    default_severity: Severity::Warning,
    category: Category::Compliance,
    summary: "AMI pinned by id, or an aws_ami lookup without most_recent and owners",
    doc: include_str!("../../rules/ami-stale.md"),
    options: &[],
};

impl Rule for AmiStale {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        let prefix = ctx.data.ami.id_prefix.as_str();
        for ami in &model.ami_refs {
            let Some(image) = ami.image.known() else {
                continue;
            };
            if !is_ami_id(image, prefix) {
                continue;
            }
            let mut f = finding(
                &META,
                &ami.resource.address,
                Label::new(ami.image.span, format!("pinned to {image}")),
                format!(
                    "`{}` of `{}` pins image `{image}`: a pinned AMI stops receiving OS patches and is eventually deprecated",
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
        Some(field) => match field.known() {
            Some(false) => {
                problems.push("`most_recent = false`: the lookup fails, or keeps an old image, once several images match");
                primary = Some(Label::new(field.span, "not the most recent image"));
            }
            Some(true) | None => {}
        },
    }
    if lookup.owners.is_none() {
        problems.push("no `owners`: anyone's public image that matches the filters can be picked");
    }
    if problems.is_empty() {
        return None;
    }
    let primary = primary.unwrap_or_else(|| Label::new(lookup.resource.span, problems[0]));
    let mut f = finding(
        &META,
        &lookup.resource.address,
        primary,
        format!("`{}`: {}", lookup.resource.address, problems.join("; ")),
        "Set `most_recent = true` and `owners` (an account id or `amazon`), or read the image id from an SSM public parameter.".to_string(),
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
