//! `ec2-instance-type-invalid`: instance types that do not exist (`m5.xlarg`, `t3.micr0`).

use super::{finding, origin_labels, AppliesTo, OptionSpec, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{Category, Finding, Label, Severity};
use crate::instance_types::InstanceTypes;
use crate::model::Model;

pub struct Ec2InstanceTypeInvalid;

static META: RuleMeta = RuleMeta {
    id: "ec2-instance-type-invalid",
    default_severity: Severity::Error,
    category: Category::Correctness,
    summary: "Instance type that does not exist (a typo such as m5.xlarg): the launch fails",
    doc: include_str!("../../rules/ec2-instance-type-invalid.md"),
    options: &[OptionSpec {
        name: "allow",
        expected: "a list of instance types, e.g. [\"m9z.large\"]",
        accepts: |v| {
            v.as_array()
                .is_some_and(|a| a.iter().all(|x| x.as_str().is_some()))
        },
    }],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::None,
    security_severity: None,
};

/// `[rules.ec2-instance-type-invalid]` options.
#[derive(Debug, Default, serde::Deserialize)]
struct Options {
    /// Types launched after the embedded list was generated.
    #[serde(default)]
    allow: Vec<String>,
}

impl Rule for Ec2InstanceTypeInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        let Ok(types) = InstanceTypes::embedded() else {
            return;
        };
        let options: Options = ctx.options(META.id);
        for settings in &model.launch_settings {
            let Some(field) = &settings.instance_type else {
                continue;
            };
            let Some(name) = field.known() else {
                continue;
            };
            // An empty string is how modules leave the type to the launch template.
            if name.is_empty()
                || types.contains(name)
                || options.allow.iter().any(|a| a == name)
                // The API's spelling is lower case; a case-only difference is not reported
                // (whether the API folds case is not documented).
                || types.case_insensitive(name).is_some()
            {
                continue;
            }
            let address = &settings.resource.address;
            let suggestions = types.suggestions(name);
            let did_you_mean = match suggestions.as_slice() {
                [] => String::new(),
                [one] => format!(": did you mean `{one}`?"),
                many => format!(
                    ": did you mean {}?",
                    many.iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            };
            let label = match suggestions.first() {
                Some(s) => format!("not an instance type (`{s}`?)"),
                None => "not an instance type".to_string(),
            };
            let mut f = finding(
                &META,
                address,
                Label::new(field.span, label),
                format!(
                    "`{address}` uses instance type `{name}`, which does not exist{did_you_mean}"
                ),
                format!(
                    "Use an existing instance type; the launch fails with `Invalid value '{name}' for InstanceType`. The list of types is EC2's own API model ({} {}, {}); a type launched after that date can be allowed with `allow` under [rules.{}].",
                    types.source_package, types.source_version, types.as_of, META.id
                ),
            );
            f.secondary = origin_labels(&field.via);
            out.push(f);
        }
    }
}
