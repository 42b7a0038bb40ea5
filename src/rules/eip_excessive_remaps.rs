//! `eip-excessive-remaps`: an Elastic IP associated by more than one declaration.

use std::collections::BTreeMap;

use super::{finding, Rule, RuleContext, RuleMeta};
use crate::finding::{usd, Category, Finding, Label, Severity};
use crate::model::{EipAssociation, EipKey, Model, Value};

pub struct EipExcessiveRemaps;

static META: RuleMeta = RuleMeta {
    id: "eip-excessive-remaps",
    default_severity: Severity::Warning,
    category: Category::Cost,
    summary: "Elastic IP associated by more than one declaration: every apply remaps it",
    doc: include_str!("../../rules/eip-excessive-remaps.md"),
    options: &[],
};

impl Rule for EipExcessiveRemaps {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        let mut by_eip: BTreeMap<&EipKey, Vec<&EipAssociation>> = BTreeMap::new();
        for assoc in &model.eip_associations {
            // Associations that may not exist (conditional resources, `!If`) can be mutually
            // exclusive: only count the ones that certainly exist.
            if assoc.conditional {
                continue;
            }
            if let Value::Known(key) = &assoc.eip {
                by_eip.entry(key).or_default().push(assoc);
            }
        }
        for eip in &model.elastic_ips {
            let Some(assocs) = by_eip.get(&eip.key) else {
                continue;
            };
            if assocs.len() < 2 {
                continue;
            }
            let (first, rest) = (assocs[0], &assocs[1..]);
            let second = rest[0];
            let price = match ctx.prices {
                Some(p) => format!(
                    "; past {} remaps a month per account and region each remap costs {}",
                    p.eip_free_remaps_per_month,
                    usd(p.eip_remap)
                ),
                None => String::new(),
            };
            let mut f = finding(
                &META,
                &eip.resource.address,
                Label::new(
                    second.span,
                    format!("also associated here, by {}", describe(second)),
                ),
                format!(
                    "Elastic IP `{}` is associated by {} declarations: each apply can move the address between them{price}",
                    eip.resource.address,
                    assocs.len()
                ),
                "Keep exactly one association per Elastic IP: either the EIP's own `instance`/`InstanceId` or one association resource.".to_string(),
            );
            f.secondary
                .push(Label::new(first.span, format!("associated here, by {}", describe(first))));
            for other in &rest[1..] {
                f.secondary
                    .push(Label::new(other.span, format!("and here, by {}", describe(other))));
            }
            if eip.resource.span != first.span && eip.resource.span != second.span {
                f.secondary
                    .push(Label::new(eip.resource.span, "the Elastic IP"));
            }
            out.push(f);
        }
    }
}

fn describe(assoc: &EipAssociation) -> String {
    format!("{} (`{}`)", assoc.kind.describe(), assoc.declared_by.address)
}
