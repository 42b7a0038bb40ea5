//! `eip-excessive-remaps`: an Elastic IP associated by more than one declaration.

use std::collections::BTreeMap;

use super::{finding, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{decimal, thousands, usd, usd_rate, Category, Finding, Label, Severity};
use crate::model::{EipAssociation, EipKey, Model, Value};

pub struct EipExcessiveRemaps;

static META: RuleMeta = RuleMeta {
    id: "eip-excessive-remaps",
    default_severity: Severity::Warning,
    category: Category::Cost,
    summary: "Elastic IP associated by more than one declaration: every apply remaps it",
    doc: include_str!("../../rules/eip-excessive-remaps.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::Part,
    security_severity: None,
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
            let price = match ctx.prices_for(&eip.resource) {
                Some(p) => format!(
                    "; past {} remaps a month per account and region each remap costs {}",
                    decimal(p.eip_free_remaps_per_month),
                    usd_rate(p.eip_remap)
                ),
                None => String::new(),
            };
            // The finding sits on the EIP (the resource with the problem, where a suppression
            // belongs); each competing association is a secondary label.
            let mut f = finding(
                &META,
                &eip.resource.address,
                Label::new(
                    eip.resource.span,
                    format!("associated by {} declarations", assocs.len()),
                ),
                format!(
                    "Elastic IP `{}` is associated by {} declarations ({}): each apply can move the address between them{price}",
                    eip.resource.address,
                    assocs.len(),
                    assocs
                        .iter()
                        .map(|a| format!("`{}`", a.declared_by.address))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "Keep exactly one association per Elastic IP: either the EIP's own `instance`/`InstanceId` or one association resource.".to_string(),
            );
            for (i, assoc) in assocs.iter().enumerate() {
                let prefix = if i == 0 {
                    "associated here"
                } else {
                    "and here"
                };
                f.secondary.push(Label::new(
                    assoc.span,
                    format!("{prefix}, by {}", describe(assoc)),
                ));
            }
            out.push(f);
        }
        if let Some(usage) = ctx.usage {
            usage_costs(model, ctx, usage, out);
        }
    }
}

/// With usage data: the first free remaps per month are shared by the account's EIPs in a
/// region; the excess is billed per remap. The cost is put on the EIPs that remap most,
/// greedily, so the message names who causes the bill.
fn usage_costs(
    model: &Model,
    ctx: &RuleContext,
    usage: &crate::usage::Usage,
    out: &mut Vec<Finding>,
) {
    // The free remaps are per account and region: group the EIPs by the region that prices
    // them.
    let mut by_region: BTreeMap<&str, Vec<(&crate::model::ElasticIp, f64)>> = BTreeMap::new();
    for eip in &model.elastic_ips {
        if let Some(r) = usage
            .monthly_remaps(&eip.resource.address, &eip.resource.kind)
            .filter(|r| *r > 0.0)
        {
            by_region
                .entry(ctx.region_for(&eip.resource))
                .or_default()
                .push((eip, r));
        }
    }
    for (region, remapping) in by_region {
        let Some(prices) = ctx.data.region(region) else {
            continue;
        };
        region_costs(region, prices, remapping, out);
    }
}

fn region_costs(
    region: &str,
    prices: &crate::aws_data::RegionPrices,
    mut remapping: Vec<(&crate::model::ElasticIp, f64)>,
    out: &mut Vec<Finding>,
) {
    let total: f64 = remapping.iter().map(|(_, r)| r).sum();
    let free = prices.eip_free_remaps_per_month;
    let mut excess = total - free;
    if excess <= 0.0 {
        return;
    }
    remapping.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(a.0.resource.address.cmp(&b.0.resource.address))
    });
    let breakdown: Vec<String> = remapping
        .iter()
        .map(|(e, r)| format!("{} {}", thousands(*r), e.resource.address))
        .collect();
    let total_cost = (total - free) * prices.eip_remap;
    for (eip, remaps) in &remapping {
        if excess <= 0.0 {
            break;
        }
        let billed = remaps.min(excess);
        excess -= billed;
        let cost = billed * prices.eip_remap;
        let mut f = finding(
            &META,
            &eip.resource.address,
            Label::new(eip.resource.span, format!("{} remaps a month", thousands(*remaps))),
            format!(
                "Elastic IP `{}` is remapped {} times a month: the EIPs of {} total {} remaps ({}), {} above the {} free per account and region, at {} each = {}/month; {} of them are attributed here ({}/month)",
                eip.resource.address,
                thousands(*remaps),
                region,
                thousands(total),
                breakdown.join(" + "),
                thousands(total - free),
                thousands(free),
                usd_rate(prices.eip_remap),
                usd(total_cost),
                thousands(billed),
                usd(cost)
            ),
            "Keep the address on one target (one association, no re-association on every deploy), or use a load balancer or DNS instead of moving the EIP.".to_string(),
        );
        if prices.is_assumed("eip_remap") || prices.is_assumed("eip_free_remaps_per_month") {
            f.message.push_str(&format!(
                " (the remap price and free remaps for {region} are assumed equal to us-east-1's: no regional figure was found)"
            ));
        }
        f.monthly_cost_usd = Some(cost);
        out.push(f);
    }
}

fn describe(assoc: &EipAssociation) -> String {
    format!(
        "{} (`{}`)",
        assoc.kind.describe(),
        assoc.declared_by.address
    )
}
