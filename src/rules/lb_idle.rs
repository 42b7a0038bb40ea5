//! `lb-idle`: a load balancer that cannot serve anything, billed every hour.

use foldhash::HashSet;

use super::{finding, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::aws_data::RegionPrices;
use crate::finding::{usd, usd_rate, Category, Finding, Label, Severity};
use crate::model::{
    without_instance_key, BalancerKind, Designated, Designation, LoadBalancer, Model, Registered,
    SourceKind, UnitId,
};
use crate::source::Span;

pub struct LbIdle;

static META: RuleMeta = RuleMeta {
    id: "lb-idle",
    default_severity: Severity::Warning,
    category: Category::Cost,
    summary: "Load balancer with no listener in its module or template, or whose only targets are Auto Scaling groups that cannot run an instance (billed every hour)",
    doc: include_str!("../../rules/lb-idle.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::Whole,
    security_severity: None,
};

/// Attributes through which a load balancer escaping to an output or module cannot get a
/// listener or targets: names shown to people and DNS.
const HARMLESS: &[&str] = &["dns_name", "zone_id", "DNSName", "CanonicalHostedZoneID"];

impl Rule for LbIdle {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, ctx: &RuleContext, out: &mut Vec<Finding>) {
        for lb in &model.load_balancers {
            let Some(unit) = model.unit(lb.resource.unit) else {
                continue;
            };
            let Some(kind) = lb.kind.known().copied() else {
                continue;
            };
            if !unit.complete
                || model.escaped_except(lb.resource.unit, &lb.resource.address, HARMLESS)
            {
                continue;
            }
            let idle = match kind {
                BalancerKind::Classic => (lb.inline_listeners == 0).then_some(Idle::NoListener),
                _ => idle_v2(model, lb),
            };
            let Some(idle) = idle else {
                continue;
            };
            let scope = match unit.kind {
                SourceKind::Terraform => "module",
                SourceKind::CloudFormation => "template",
            };
            let (message, label, help) = match &idle {
                Idle::NoListener => (
                    format!(
                        "{} `{}` has no listener in its {scope}: it accepts no traffic but is billed every hour",
                        kind.describe(),
                        lb.resource.address
                    ),
                    Label::new(lb.resource.span, "no listener"),
                    match unit.kind {
                        SourceKind::Terraform => "Add an `aws_lb_listener` for it, or delete it if nothing uses it.",
                        SourceKind::CloudFormation => "Add an `AWS::ElasticLoadBalancingV2::Listener` for it, or delete it if nothing uses it.",
                    }
                    .to_string(),
                ),
                Idle::NoInstances { group, span } => (
                    format!(
                        "{} `{}` forwards only to Auto Scaling group `{group}`, whose maximum size is 0: it has no target to send traffic to but is billed every hour",
                        kind.describe(),
                        lb.resource.address
                    ),
                    Label::new(*span, "maximum size 0"),
                    "Delete the load balancer while the group is scaled to zero (or keep it deliberately and suppress this finding), or give the group a maximum size.".to_string(),
                ),
            };
            let (cost, cost_text) = price(ctx, lb, kind);
            let mut f = finding(
                &META,
                &lb.resource.address,
                label,
                format!("{message}{cost_text}"),
                help,
            );
            if let Idle::NoInstances { .. } = idle {
                f.secondary
                    .push(Label::new(lb.resource.span, "this load balancer"));
            }
            f.monthly_cost_usd = cost;
            out.push(f);
        }
    }
}

enum Idle {
    NoListener,
    /// Every listener forwards only to target groups whose only targets are this Auto
    /// Scaling group, and its maximum size is 0.
    NoInstances { group: String, span: Span },
}

/// Whether two addresses name the same resource, or one is the whole of a counted resource
/// of which the other is an instance (a reference we cannot narrow to one instance).
fn same(a: &str, b: &str) -> bool {
    a == b || without_instance_key(a) == without_instance_key(b)
}

fn names(d: &Designation, address: &str) -> bool {
    matches!(&d.target, Designated::Resource(r) if same(r, address))
}

/// An Application, Network or Gateway Load Balancer: idle when no listener of its unit
/// names it (and no listener names something we cannot tell), or when all its listeners
/// forward only to Auto Scaling groups of maximum size 0.
fn idle_v2(model: &Model, lb: &LoadBalancer) -> Option<Idle> {
    let unit = lb.resource.unit;
    let address = &lb.resource.address;
    let listeners: Vec<_> = model
        .listeners
        .iter()
        .filter(|l| l.resource.unit == unit)
        .collect();
    // A listener whose balancer we cannot tell may be this one's.
    if listeners
        .iter()
        .any(|l| l.load_balancers.iter().any(Designation::is_unknown))
    {
        return None;
    }
    let own: Vec<_> = listeners
        .iter()
        .filter(|l| l.load_balancers.iter().any(|d| names(d, address)))
        .collect();
    if own.is_empty() {
        return Some(Idle::NoListener);
    }
    // Every listener forwards, and only to target groups we can follow.
    let mut groups: HashSet<&str> = HashSet::default();
    for listener in &own {
        if listener.actions_open
            || listener.actions.is_empty()
            || model.escaped(unit, &listener.resource.address)
        {
            return None;
        }
        for action in &listener.actions {
            if action.kind.as_ref().and_then(|k| k.known()).map(String::as_str) != Some("forward") {
                return None;
            }
            if action.target_groups.is_empty() {
                return None;
            }
            for tg in &action.target_groups {
                groups.insert(tg.resource()?);
            }
        }
    }
    let mut only_group: Option<(&str, Span)> = None;
    for tg in groups {
        if model.escaped(unit, tg) {
            return None;
        }
        let (group, span) = sole_empty_group(model, unit, tg)?;
        match only_group {
            Some((g, _)) if !same(g, group) => return None,
            _ => only_group = Some((group, span)),
        }
    }
    let (group, span) = only_group?;
    Some(Idle::NoInstances {
        group: group.to_string(),
        span,
    })
}

/// The Auto Scaling group that is the only thing registering targets with target group
/// `tg`, when its maximum size is known to be 0.
fn sole_empty_group<'m>(model: &'m Model, unit: UnitId, tg: &str) -> Option<(&'m str, Span)> {
    let mut found: Option<(&str, Span)> = None;
    for reg in model
        .target_registrations
        .iter()
        .filter(|r| r.declared_by.unit == unit)
    {
        match &reg.balancer.target {
            Designated::Unknown => return None,
            Designated::Resource(r) if same(r, tg) => {}
            _ => continue,
        }
        let Registered::AutoScalingGroups(groups) = &reg.targets else {
            return None;
        };
        for d in groups {
            let address = d.resource()?;
            let group = model
                .auto_scaling_groups
                .iter()
                .find(|g| g.resource.unit == unit && g.resource.address == address)?;
            if model.escaped(unit, &group.resource.address) {
                return None;
            }
            let max = group.max_size.as_ref()?;
            if max.known() != Some(&0.0) {
                return None;
            }
            match found {
                Some((g, _)) if g != address => return None,
                _ => found = Some((group.resource.address.as_str(), max.span)),
            }
        }
    }
    found
}

/// The balancer's hours and, when internet-facing, its public IPv4 addresses (one per
/// zone whose subnet mapping brings no Elastic IP), per month.
fn price(ctx: &RuleContext, lb: &LoadBalancer, kind: BalancerKind) -> (Option<f64>, String) {
    let Some(prices) = ctx.prices_for(&lb.resource) else {
        return (None, String::new());
    };
    let hourly = match kind {
        BalancerKind::Application => prices.alb_hour,
        BalancerKind::Network => prices.nlb_hour,
        BalancerKind::Gateway | BalancerKind::Classic => None,
    };
    let Some(hourly) = hourly else {
        return (None, String::new());
    };
    let hours = ctx.hours_per_month();
    let region = ctx.region_for(&lb.resource);
    let mut cost = hourly * hours;
    let mut text = format!(
        "; {} for the balancer ({}/hour in {region})",
        usd(cost),
        usd_rate(hourly)
    );
    if lb.internal.known() == Some(&false) {
        match public_addresses(lb) {
            Some(0) => {}
            Some(n) => {
                let ipv4 = public_ipv4(prices, hours) * n as f64;
                cost += ipv4;
                text.push_str(&format!(
                    " and {} for its {n} public IPv4 address{}",
                    usd(ipv4),
                    if n == 1 { "" } else { "es" }
                ));
            }
            None => text.push_str(", plus its public IPv4 addresses (one per zone)"),
        }
    }
    text = format!("{text}: {}/month", usd(cost));
    (Some(cost), text)
}

fn public_ipv4(prices: &RegionPrices, hours: f64) -> f64 {
    prices.public_ipv4_month(hours)
}

/// How many zones get an Amazon-provided public address, when the zones can be counted.
fn public_addresses(lb: &LoadBalancer) -> Option<usize> {
    if lb.zones_open {
        return None;
    }
    // Every zone brings its own Elastic IP (subnet mappings), whatever the subnets are.
    if !lb.zones.is_empty() && lb.zones_with_eip >= lb.zones.len() {
        return Some(0);
    }
    if lb.zones.iter().any(|z| z.is_unknown() || z.conditional) {
        return None;
    }
    Some(lb.zones.len().saturating_sub(lb.zones_with_eip))
}
