//! `ec2-efa-placement`: Elastic Fabric Adapters placed where OS-bypass traffic cannot flow well.

use std::collections::BTreeMap;

use super::{finding, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{Category, Finding, Label, Severity};
use crate::model::{
    without_instance_key, ComputeKind, Designated, Designation, LaunchPlacement, Model,
    PlacementGroup, SourceKind, Value,
};
use crate::source::Span;

pub struct Ec2EfaPlacement;

/// A subnet an EFA interface is in, where it is written, and whose interface it is.
type SubnetUse = (Designated, Span, String);

static META: RuleMeta = RuleMeta {
    id: "ec2-efa-placement",
    default_severity: Severity::Warning,
    category: Category::Correctness,
    summary: "EFA network interface outside a cluster placement group, or EFA interfaces across several subnets (OS-bypass traffic stays in its subnet)",
    doc: include_str!("../../rules/ec2-efa-placement.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::None,
    security_severity: None,
};

impl Rule for Ec2EfaPlacement {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, _ctx: &RuleContext, out: &mut Vec<Finding>) {
        // Subnets of EFA interfaces per cluster group (by group address).
        let mut per_group: BTreeMap<(u32, String), Vec<SubnetUse>> = BTreeMap::new();
        for p in &model.launch_placements {
            let list = efa_list(model, p);
            let Some(&(first_efa, _)) = list.first() else {
                continue;
            };
            let address = &p.resource.address;
            let subnets = efa_subnets(&list);
            // Several subnets on one instance or template.
            let mut distinct: Vec<&(Designated, Span)> = Vec::new();
            for s in &subnets {
                if !distinct.iter().any(|d| d.0 == s.0) {
                    distinct.push(s);
                }
            }
            if distinct.len() >= 2 {
                let mut f = finding(
                    &META,
                    address,
                    Label::new(distinct[1].1, "another subnet"),
                    format!(
                        "`{address}` puts its EFA interfaces in {} different subnets: EFA OS-bypass traffic does not leave its subnet",
                        distinct.len()
                    ),
                    "Put every EFA interface of the cluster in one subnet.".to_string(),
                );
                f.secondary.push(Label::new(distinct[0].1, "one subnet"));
                out.push(f);
                continue;
            }
            match placement_of(model, p) {
                Placement::Cluster(group) => {
                    let key = (p.resource.unit.0, group.resource.address.clone());
                    for (target, span) in subnets {
                        per_group
                            .entry(key.clone())
                            .or_default()
                            .push((target, span, address.clone()));
                    }
                }
                Placement::Unknown => {}
                Placement::Other(kind, span) => {
                    let mut f = finding(
                        &META,
                        address,
                        Label::new(first_efa, "EFA"),
                        format!(
                            "`{address}` has an EFA interface in a {kind} placement group: EFA's low-latency OS-bypass traffic needs its instances close together, in a cluster placement group"
                        ),
                        "Launch EFA instances into a cluster placement group (`strategy = \"cluster\"` / `Strategy: cluster`).".to_string(),
                    );
                    f.secondary.push(Label::new(span, format!("{kind} group")));
                    out.push(f);
                }
                Placement::None => {
                    let terraform = model
                        .unit(p.resource.unit)
                        .is_some_and(|u| u.kind == SourceKind::Terraform);
                    let how = if terraform {
                        "Launch it into a cluster placement group (`placement_group` on an instance, `placement { group_name }` in a launch template, or the Auto Scaling group's `placement_group`)."
                    } else {
                        "Launch it into a cluster placement group (`PlacementGroupName` on an instance, `Placement.GroupName` in a launch template, or the Auto Scaling group's `PlacementGroup`)."
                    };
                    out.push(finding(
                        &META,
                        address,
                        Label::new(first_efa, "EFA"),
                        format!(
                            "`{address}` has an EFA interface but no placement group: AWS recommends launching EFA instances into a cluster placement group, without one its instances may land on distant racks, losing the low latency EFA is for"
                        ),
                        how.to_string(),
                    ));
                }
            }
        }
        for ((_, group), subnets) in per_group {
            let mut distinct: Vec<&SubnetUse> = Vec::new();
            for s in &subnets {
                if !distinct.iter().any(|d| d.0 == s.0) {
                    distinct.push(s);
                }
            }
            if distinct.len() < 2 {
                continue;
            }
            let second = distinct[1];
            let mut f = finding(
                &META,
                &second.2,
                Label::new(second.1, "another subnet"),
                format!(
                    "The EFA instances of cluster placement group `{group}` are in {} different subnets: EFA OS-bypass traffic does not leave its subnet, so instances in different subnets talk over ordinary IP",
                    distinct.len()
                ),
                "Put every EFA instance of the cluster in one subnet.".to_string(),
            );
            f.secondary
                .push(Label::new(distinct[0].1, format!("`{}` here", distinct[0].2)));
            out.push(f);
        }
    }
}

/// The EFA interfaces of a launch placement: inline ones whose type is known to be EFA,
/// existing interfaces of the unit (`network_interface_id`) created as EFA, and, for an
/// instance, EFA interfaces of the unit attached to it (`aws_network_interface_attachment`,
/// an interface's `attachment` block, `AWS::EC2::NetworkInterfaceAttachment`); each with the
/// subnet it is in when written (its own, or the instance's).
fn efa_list<'m>(model: &'m Model, p: &'m LaunchPlacement) -> Vec<(Span, Option<&'m Designation>)> {
    let is_efa = |t: Option<&crate::model::Field<String>>| {
        t.and_then(|t| t.known())
            .is_some_and(|t| t == "efa" || t == "efa-only")
    };
    let interface = |address: &str| {
        model
            .network_interfaces
            .iter()
            .find(|n| n.resource.unit == p.resource.unit && n.resource.address == address)
    };
    let mut out = Vec::new();
    let mut attached = Vec::new();
    if p.kind == ComputeKind::Instance {
        for attachment in &model.interface_attachments {
            if attachment.declared_by.unit != p.resource.unit {
                continue;
            }
            // Only sure attachments: an unknown or conditional one adds nothing.
            let (Some(instance), Some(nic)) = (
                attachment.instance.resource(),
                attachment.interface.resource(),
            ) else {
                continue;
            };
            let this = instance == p.resource.address
                || without_instance_key(instance) == without_instance_key(&p.resource.address);
            if let Some(nic) = interface(nic).filter(|_| this) {
                if is_efa(nic.interface_type.as_ref()) {
                    attached.push((attachment.interface.span, nic.subnet.as_ref()));
                }
            }
        }
    }
    for i in &p.interfaces {
        if is_efa(i.interface_type.as_ref()) {
            out.push((i.span, i.subnet.as_ref().or(p.subnet.as_ref())));
            continue;
        }
        let Some(existing) = i.existing.as_ref().and_then(Designation::resource) else {
            continue;
        };
        if let Some(nic) = interface(existing) {
            if is_efa(nic.interface_type.as_ref()) {
                out.push((i.span, nic.subnet.as_ref()));
            }
        }
    }
    out.extend(attached);
    out
}

/// The known subnet of each EFA interface. Empty when any is unknown or cannot be told, so
/// only sure differences are reported.
fn efa_subnets(list: &[(Span, Option<&Designation>)]) -> Vec<(Designated, Span)> {
    let mut out = Vec::new();
    for (_, d) in list {
        let Some(d) = d else {
            return Vec::new();
        };
        match sure(d) {
            Some(t) => out.push((t, d.span)),
            None => return Vec::new(),
        }
    }
    out
}

fn sure(d: &Designation) -> Option<Designated> {
    if d.conditional {
        return None;
    }
    match &d.target {
        Designated::Resource(a) => Some(Designated::Resource(a.clone())),
        Designated::Literal(l) => Some(Designated::Literal(l.clone())),
        Designated::Unknown => None,
    }
}

enum Placement<'m> {
    Cluster(&'m PlacementGroup),
    Other(String, Span),
    /// No placement group anywhere: neither its own nor an Auto Scaling group's.
    None,
    Unknown,
}

/// Where the instances of a launch placement go: its own placement group, or (for a launch
/// template or configuration) that of the Auto Scaling groups launching from it.
fn placement_of<'m>(model: &'m Model, p: &LaunchPlacement) -> Placement<'m> {
    let unit = p.resource.unit;
    if let Some(d) = &p.placement_group {
        return group_placement(model, unit, d);
    }
    if p.kind == ComputeKind::Instance {
        return Placement::None;
    }
    // A template may be used by something we do not see, which may set a group.
    if model.escaped(unit, &p.resource.address) {
        return Placement::Unknown;
    }
    let users: Vec<_> = model
        .auto_scaling_groups
        .iter()
        .filter(|g| g.resource.unit == unit)
        .filter(|g| {
            g.launch_templates
                .iter()
                .chain(&g.launch_configurations)
                .any(|d| match &d.target {
                    Designated::Resource(a) => {
                        without_instance_key(a) == without_instance_key(&p.resource.address)
                    }
                    Designated::Unknown => true,
                    Designated::Literal(_) => false,
                })
        })
        .collect();
    // Instances launched from this template, with their own placement.
    let instances: Vec<&LaunchPlacement> = model
        .launch_settings
        .iter()
        .filter(|s| s.resource.unit == unit && s.kind == ComputeKind::Instance)
        .filter(|s| match &s.launch_template {
            Some(Value::Known(a)) => {
                without_instance_key(a) == without_instance_key(&p.resource.address)
            }
            Some(Value::Unknown) => true,
            None => false,
        })
        .filter_map(|s| {
            model
                .launch_placements
                .iter()
                .find(|lp| lp.resource.unit == unit && lp.resource.address == s.resource.address)
        })
        .collect();
    // Nothing we see launches from it: whoever does may set a group.
    if users.is_empty() && instances.is_empty() {
        return Placement::Unknown;
    }
    let groups = users
        .iter()
        .map(|g| g.placement_group.as_ref())
        .chain(instances.iter().map(|i| i.placement_group.as_ref()));
    let mut result = Placement::None;
    for d in groups {
        match d {
            None => {}
            Some(d) => match group_placement(model, unit, d) {
                Placement::Cluster(c) => result = Placement::Cluster(c),
                _ => return Placement::Unknown,
            },
        }
    }
    result
}

fn group_placement<'m>(model: &'m Model, unit: crate::model::UnitId, d: &Designation) -> Placement<'m> {
    if d.conditional {
        return Placement::Unknown;
    }
    let group = model.placement_groups.iter().find(|g| {
        g.resource.unit == unit
            && match &d.target {
                Designated::Resource(a) => {
                    without_instance_key(a) == without_instance_key(&g.resource.address)
                }
                Designated::Literal(name) => g
                    .name
                    .as_ref()
                    .and_then(|n| n.known())
                    .is_some_and(|n| n == name),
                Designated::Unknown => false,
            }
    });
    let Some(group) = group else {
        return Placement::Unknown;
    };
    match group.strategy.as_ref().and_then(|s| s.known()) {
        Some(s) if s == "cluster" => Placement::Cluster(group),
        Some(s) => Placement::Other(s.clone(), d.span),
        None => Placement::Unknown,
    }
}
