//! `ec2-spot-max-price`: a maximum Spot price, which AWS recommends against.

use super::{finding, origin_labels, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{Category, Finding, Label, Severity};
use crate::model::{Field, Model, SourceKind};

pub struct Ec2SpotMaxPrice;

static META: RuleMeta = RuleMeta {
    id: "ec2-spot-max-price",
    default_severity: Severity::Info,
    category: Category::Cost,
    summary: "Spot maximum price set: it does not lower what you pay and makes interruptions more frequent",
    doc: include_str!("../../rules/ec2-spot-max-price.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::Part,
    security_severity: None,
};

impl Rule for Ec2SpotMaxPrice {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, _ctx: &RuleContext, out: &mut Vec<Finding>) {
        let placements = model
            .launch_placements
            .iter()
            .filter_map(|p| Some((&p.resource, p.spot_max_price.as_ref()?)));
        let groups = model.auto_scaling_groups.iter().filter_map(|g| {
            Some((
                &g.resource,
                g.mixed_instances.as_ref()?.spot_max_price.as_ref()?,
            ))
        });
        for (resource, field) in placements.chain(groups) {
            let Some(price) = set_price(field) else {
                continue;
            };
            let address = &resource.address;
            let terraform = model
                .unit(resource.unit)
                .is_some_and(|u| u.kind == SourceKind::Terraform);
            let attribute = if terraform {
                "`spot_price` / `max_price` / `spot_max_price`"
            } else {
                "`SpotPrice` / `MaxPrice` / `SpotMaxPrice`"
            };
            let mut f = finding(
                &META,
                address,
                Label::new(field.span, format!("maximum ${price}")),
                format!(
                    "`{address}` sets a maximum Spot price (${price}/hour): Spot Instances are billed at the current Spot price whatever the maximum, and a maximum only makes them interrupted more often (or not launched)"
                ),
                format!("Remove {attribute}: without a maximum you pay the current Spot price, capped at the On-Demand price."),
            );
            f.secondary = origin_labels(&field.via);
            out.push(f);
        }
    }
}

/// A maximum price that is written and not empty (an empty string removes it).
fn set_price(field: &Field<String>) -> Option<&str> {
    let price = field.known()?.trim();
    (!price.is_empty()).then_some(price)
}
