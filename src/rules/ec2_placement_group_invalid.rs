//! `ec2-placement-group-invalid`: launches a placement group's strategy cannot hold.

use std::collections::BTreeMap;

use super::{finding, origin_labels, AppliesTo, Rule, RuleContext, RuleMeta, Saving};
use crate::finding::{Category, Finding, Label, Severity};
use crate::model::{
    without_instance_key, AutoScalingGroup, Designated, Designation, Field, LaunchPlacement,
    Model, PlacementGroup, UnitId,
};
use crate::source::Span;

pub struct Ec2PlacementGroupInvalid;

static META: RuleMeta = RuleMeta {
    id: "ec2-placement-group-invalid",
    default_severity: Severity::Error,
    category: Category::Correctness,
    summary: "Placement group that cannot hold what is launched into it: over 7 instances per zone in a spread group, over 7 partitions, burstable types or several zones in a cluster group",
    doc: include_str!("../../rules/ec2-placement-group-invalid.md"),
    options: &[],
    applies_to: AppliesTo::Both,
    enabled_by_default: true,
    saving: Saving::None,
    security_severity: None,
};

/// Running instances per Availability Zone in a rack spread group; partitions per zone in a
/// partition group (Amazon EC2 User Guide, placement group rules and limitations).
const PER_ZONE: f64 = 7.0;

/// Burstable performance families, which cluster placement groups do not support.
const BURSTABLE: &[&str] = &["t2", "t3", "t3a", "t4g"];

impl Rule for Ec2PlacementGroupInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, model: &Model, _ctx: &RuleContext, out: &mut Vec<Finding>) {
        for group in &model.placement_groups {
            let Some(strategy) = group.strategy.as_ref().and_then(|s| s.known()) else {
                continue;
            };
            match strategy.as_str() {
                "partition" => partitions(group, out),
                "cluster" => {
                    burstable(model, group, out);
                    burstable_in_groups(model, group, out);
                    zones(model, group, out);
                }
                "spread" => spread(model, group, out),
                _ => {}
            }
        }
    }
}

/// The placement group a designation names, when it names one for sure: by reference, or by
/// a literal name equal to a group's known `name`.
fn names_group(unit: UnitId, d: &Designation, group: &PlacementGroup) -> bool {
    if d.conditional || group.resource.unit != unit {
        return false;
    }
    match &d.target {
        Designated::Resource(a) => {
            a == &group.resource.address
                || without_instance_key(a) == without_instance_key(&group.resource.address)
        }
        Designated::Literal(name) => group
            .name
            .as_ref()
            .and_then(|n| n.known())
            .is_some_and(|n| n == name),
        Designated::Unknown => false,
    }
}

fn users<'m>(model: &'m Model, group: &PlacementGroup) -> Vec<&'m LaunchPlacement> {
    model
        .launch_placements
        .iter()
        .filter(|p| {
            p.placement_group
                .as_ref()
                .is_some_and(|d| names_group(p.resource.unit, d, group))
        })
        .collect()
}

fn groups_of<'m>(model: &'m Model, group: &PlacementGroup) -> Vec<&'m AutoScalingGroup> {
    model
        .auto_scaling_groups
        .iter()
        .filter(|g| {
            g.placement_group
                .as_ref()
                .is_some_and(|d| names_group(g.resource.unit, d, group))
        })
        .collect()
}

fn partitions(group: &PlacementGroup, out: &mut Vec<Finding>) {
    let Some(field) = &group.partition_count else {
        return;
    };
    let Some(&count) = field.known() else {
        return;
    };
    if count <= PER_ZONE {
        return;
    }
    let address = &group.resource.address;
    let mut f = finding(
        &META,
        address,
        Label::new(field.span, format!("{count} partitions")),
        format!(
            "Partition placement group `{address}` asks for {count} partitions: a partition group has at most 7 partitions per Availability Zone, so creating it fails"
        ),
        "Use at most 7 partitions (`partition_count` / `PartitionCount`); spread the workload over more groups or zones if it needs more fault domains.".to_string(),
    );
    f.secondary = origin_labels(&field.via);
    out.push(f);
}

/// The known instance type of what a launch placement belongs to.
fn instance_type<'m>(model: &'m Model, p: &LaunchPlacement) -> Option<&'m Field<String>> {
    model
        .launch_settings
        .iter()
        .find(|s| s.resource.unit == p.resource.unit && s.resource.address == p.resource.address)
        .and_then(|s| s.instance_type.as_ref())
}

fn burstable(model: &Model, group: &PlacementGroup, out: &mut Vec<Finding>) {
    for user in users(model, group) {
        let Some(field) = instance_type(model, user) else {
            continue;
        };
        let Some(t) = field.known() else {
            continue;
        };
        let family = t.split('.').next().unwrap_or("");
        if !BURSTABLE.contains(&family) {
            continue;
        }
        let address = &user.resource.address;
        let mut f = finding(
            &META,
            address,
            Label::new(field.span, format!("{t}: burstable")),
            format!(
                "`{address}` launches `{t}` into cluster placement group `{}`: cluster placement groups do not support burstable performance instances, so the launch fails",
                group.resource.address
            ),
            "Use a current-generation non-burstable type (for example c7i, m7i) in the cluster group, or leave the placement group out.".to_string(),
        );
        if let Some(d) = &user.placement_group {
            f.secondary.push(Label::new(d.span, "cluster placement group"));
        }
        f.secondary.extend(origin_labels(&field.via));
        out.push(f);
    }
}

/// The instance types an Auto Scaling group launches, each with the resource that writes it:
/// the overrides of its mixed instances policy when it lists them (they replace the launch
/// template's type), else the types of its launch templates and launch configurations. `None`
/// when they cannot all be listed (overrides from an unknown collection).
fn group_types<'m>(
    model: &'m Model,
    g: &'m AutoScalingGroup,
) -> Option<Vec<(&'m str, &'m Field<String>)>> {
    if let Some(mixed) = &g.mixed_instances {
        let overrides = mixed.override_types.as_ref()?;
        if !overrides.is_empty() {
            return Some(
                overrides
                    .iter()
                    .map(|t| (g.resource.address.as_str(), t))
                    .collect(),
            );
        }
    }
    let mut out = Vec::new();
    for d in g.launch_templates.iter().chain(&g.launch_configurations) {
        let Some(address) = d.resource() else {
            continue;
        };
        let settings = model.launch_settings.iter().find(|s| {
            s.resource.unit == g.resource.unit
                && (s.resource.address == address
                    || without_instance_key(&s.resource.address) == without_instance_key(address))
        });
        if let Some(s) = settings {
            if let Some(t) = &s.instance_type {
                out.push((s.resource.address.as_str(), t));
            }
        }
    }
    Some(out)
}

/// Auto Scaling groups in a cluster group that launch a burstable type: from their launch
/// template or configuration (which does not name the group itself: those are reported as
/// users), or their overrides.
fn burstable_in_groups(model: &Model, group: &PlacementGroup, out: &mut Vec<Finding>) {
    let users: Vec<&str> = users(model, group)
        .iter()
        .map(|u| u.resource.address.as_str())
        .collect();
    for g in groups_of(model, group) {
        let Some(types) = group_types(model, g) else {
            continue;
        };
        for (writer, field) in types {
            let Some(t) = field.known() else {
                continue;
            };
            let family = t.split('.').next().unwrap_or("");
            if !BURSTABLE.contains(&family) || users.contains(&writer) {
                continue;
            }
            let ga = &g.resource.address;
            let from = if writer == ga.as_str() {
                "an override".to_string()
            } else {
                format!("`{writer}`")
            };
            let mut f = finding(
                &META,
                ga,
                Label::new(field.span, format!("{t}: burstable")),
                format!(
                    "Auto Scaling group `{ga}` launches `{t}` (from {from}) into cluster placement group `{}`: cluster placement groups do not support burstable performance instances, so the launch fails",
                    group.resource.address
                ),
                "Use a current-generation non-burstable type (for example c7i, m7i) in the cluster group, or leave the placement group out.".to_string(),
            );
            if let Some(d) = &g.placement_group {
                f.secondary.push(Label::new(d.span, "cluster placement group"));
            }
            f.secondary.extend(origin_labels(&field.via));
            out.push(f);
        }
    }
}

/// The Availability Zone a launch placement is in, when known: its own, or its subnet's.
fn zone_of(model: &Model, p: &LaunchPlacement) -> Option<(String, Span)> {
    if let Some(z) = &p.availability_zone {
        return z.known().map(|z| (z.clone(), p.resource.span));
    }
    let subnet = p.subnet.as_ref()?.resource()?;
    subnet_zone(model, p.resource.unit, subnet).map(|(z, _)| (z, p.resource.span))
}

fn subnet_zone(model: &Model, unit: UnitId, address: &str) -> Option<(String, Span)> {
    let s = model
        .subnets
        .iter()
        .find(|s| s.resource.unit == unit && s.resource.address == address)?;
    let f = s.availability_zone.as_ref()?;
    f.known().map(|z| (z.clone(), f.span))
}

/// The zones an Auto Scaling group launches in, when every one is known.
fn group_zones(model: &Model, g: &AutoScalingGroup) -> Option<Vec<(String, Span)>> {
    if !g.subnets.is_empty() {
        let mut out = Vec::new();
        for d in &g.subnets {
            let address = d.resource()?;
            out.push(subnet_zone(model, g.resource.unit, address)?);
        }
        return Some(out);
    }
    let zones = g.availability_zones.as_ref()?;
    let known = zones.known()?;
    Some(known.iter().map(|z| (z.clone(), zones.span)).collect())
}

fn zones(model: &Model, group: &PlacementGroup, out: &mut Vec<Finding>) {
    let mut seen: BTreeMap<String, Span> = BTreeMap::new();
    for user in users(model, group) {
        if let Some((z, span)) = zone_of(model, user) {
            seen.entry(z).or_insert(span);
        }
    }
    for g in groups_of(model, group) {
        for (z, span) in group_zones(model, g).unwrap_or_default() {
            seen.entry(z).or_insert(span);
        }
    }
    if seen.len() < 2 {
        return;
    }
    let address = &group.resource.address;
    let names: Vec<&str> = seen.keys().map(String::as_str).collect();
    let mut f = finding(
        &META,
        address,
        Label::new(group.resource.span, "cluster placement group"),
        format!(
            "Cluster placement group `{address}` is used in {} Availability Zones ({}): a cluster group lives in a single zone, so launches outside it fail",
            seen.len(),
            names.join(", ")
        ),
        "Launch everything of the cluster group in one subnet's zone (or one subnet), or use a spread or partition group to span zones.".to_string(),
    );
    for (z, span) in &seen {
        f.secondary.push(Label::new(*span, z.clone()));
    }
    out.push(f);
}

fn spread(model: &Model, group: &PlacementGroup, out: &mut Vec<Finding>) {
    // Host-level spread groups (Outposts) have other limits; an unknown level may be one.
    match &group.spread_level {
        None => {}
        Some(l) if l.known().map(String::as_str) == Some("rack") => {}
        Some(_) => return,
    }
    let address = &group.resource.address;
    // Instances by known zone.
    let mut per_zone: BTreeMap<String, Vec<Span>> = BTreeMap::new();
    for user in users(model, group) {
        if user.resource.conditional {
            continue;
        }
        if let Some((z, span)) = zone_of(model, user) {
            per_zone.entry(z).or_default().push(span);
        }
    }
    for (zone, spans) in &per_zone {
        if spans.len() as f64 <= PER_ZONE {
            continue;
        }
        let mut f = finding(
            &META,
            address,
            Label::new(group.resource.span, "spread placement group"),
            format!(
                "Spread placement group `{address}` gets {} instances in {zone}: a spread group runs at most 7 instances per Availability Zone, so the eighth launch fails",
                spans.len()
            ),
            "Spread the instances over more Availability Zones (at most 7 in each), use several spread groups, or a partition group.".to_string(),
        );
        for span in spans.iter().skip(7).take(3) {
            f.secondary.push(Label::new(*span, format!("over 7 in {zone}")));
        }
        out.push(f);
    }
    // Auto Scaling groups: at most 7 per zone, and a group has at most as many zones as
    // subnets (or listed zones).
    for g in groups_of(model, group) {
        let Some(max) = &g.max_size else { continue };
        let Some(&max_size) = max.known() else {
            continue;
        };
        let zone_count = if !g.subnets.is_empty() {
            if g.subnets.iter().any(|d| d.resource().is_none() && !matches!(d.target, Designated::Literal(_)))
                || g.subnets.iter().any(|d| d.conditional)
            {
                continue;
            }
            g.subnets.len()
        } else {
            match g.availability_zones.as_ref().and_then(|z| z.known()) {
                Some(z) => {
                    let mut z = z.clone();
                    z.sort();
                    z.dedup();
                    z.len()
                }
                None => continue,
            }
        };
        if zone_count == 0 || max_size <= PER_ZONE * zone_count as f64 {
            continue;
        }
        let ga = &g.resource.address;
        let mut f = finding(
            &META,
            ga,
            Label::new(max.span, format!("maximum {max_size}")),
            format!(
                "Auto Scaling group `{ga}` can grow to {max_size} instances in spread placement group `{address}` across at most {zone_count} Availability Zone{}: a spread group runs at most 7 instances per zone ({} here), so launches beyond that fail",
                if zone_count == 1 { "" } else { "s" },
                PER_ZONE as usize * zone_count
            ),
            "Lower `max_size` / `MaxSize` to 7 per zone, add subnets in more zones, or use a partition group.".to_string(),
        );
        if let Some(d) = &g.placement_group {
            f.secondary.push(Label::new(d.span, "spread placement group"));
        }
        f.secondary.extend(origin_labels(&max.via));
        out.push(f);
    }
}
