//! Terraform resources into the model: one adapter per resource family, serving
//! configurations (HCL and `.tf.json`) and plan JSON alike, since both frontends resolve
//! resources into Terraform-shaped bodies.

mod account;
mod ami_lookup;
mod backup;
mod balancing;
mod block_devices;
mod ebs_volume;
mod eip;
mod instance;
pub(super) mod keys;
mod launch_access;
mod launch_settings;
mod launch_template;
mod network;
mod placement;
mod scaling;
mod uses;

use foldhash::HashSet;

use super::address::is_resource;
use super::{EipKey, Escape, Model, ResourceRef, Val, Value};
use crate::resolved::{ResolvedUnit, Resource, Wanted};

/// What adapters build a unit's model with.
pub(crate) struct Adapter<'u> {
    pub unit: &'u ResolvedUnit,
    pub model: Model,
    /// Expressions already modeled with several possible targets: modeled once, not once
    /// per instance (`count = 10000` over 10,000 EIPs would give the same associations).
    inexact: HashSet<u64>,
    /// Reference lists already read for escapes (shared by the instances of a declaration).
    seen_references: HashSet<usize>,
    /// The same, for the uses of load balancers, target groups, groups and reservations.
    seen_uses: HashSet<usize>,
}

impl Adapter<'_> {
    pub fn eip_key(&self, address: &str) -> EipKey {
        EipKey {
            unit: self.unit.unit.id,
            address: address.to_string(),
        }
    }
}

type Adapt = fn(&Resource, &ResourceRef, &mut Adapter);

/// The adapters, by resource type (data sources prefixed `data.`).
const ADAPTERS: &[(&str, Adapt)] = &[
    ("aws_instance", instance::instance),
    ("aws_launch_template", launch_template::launch_template),
    (
        "aws_launch_configuration",
        launch_template::launch_configuration,
    ),
    ("aws_ebs_volume", ebs_volume::volume),
    ("aws_volume_attachment", ebs_volume::attachment),
    ("aws_eip", eip::eip),
    ("aws_eip_association", eip::association),
    ("aws_nat_gateway", eip::nat_gateway),
    ("aws_lb", balancing::load_balancer),
    ("aws_alb", balancing::load_balancer),
    ("aws_elb", balancing::classic),
    ("aws_lb_listener", balancing::listener),
    ("aws_alb_listener", balancing::listener),
    ("aws_lb_target_group", balancing::target_group),
    ("aws_alb_target_group", balancing::target_group),
    (
        "aws_lb_target_group_attachment",
        balancing::target_group_attachment,
    ),
    (
        "aws_alb_target_group_attachment",
        balancing::target_group_attachment,
    ),
    ("aws_elb_attachment", balancing::classic_attachment),
    ("aws_autoscaling_group", scaling::group),
    ("aws_autoscaling_attachment", scaling::attachment),
    (
        "aws_autoscaling_traffic_source_attachment",
        scaling::traffic_source_attachment,
    ),
    ("aws_placement_group", placement::placement_group),
    (
        "aws_ec2_capacity_reservation",
        placement::capacity_reservation,
    ),
    ("aws_network_interface", placement::network_interface),
    (
        "aws_network_interface_attachment",
        placement::interface_attachment,
    ),
    ("aws_subnet", placement::subnet),
    (
        "aws_ebs_encryption_by_default",
        account::encryption_by_default,
    ),
    (
        "aws_ec2_instance_metadata_defaults",
        account::metadata_defaults,
    ),
    ("data.aws_ami", ami_lookup::ami_lookup),
    ("data.aws_ssm_parameter", ami_lookup::ssm_parameter),
    ("aws_security_group", network::security_group),
    ("aws_dlm_lifecycle_policy", backup::lifecycle_policy),
    ("aws_backup_selection", backup::backup_selection),
    ("aws_ec2_tag", backup::ec2_tag),
    ("aws_ebs_snapshot", backup::snapshot),
    ("aws_ami", backup::snapshot_consumer),
    ("aws_ebs_snapshot_copy", backup::snapshot_consumer),
    ("aws_security_group_rule", network::security_group_rule),
    (
        "aws_vpc_security_group_ingress_rule",
        network::vpc_ingress_rule,
    ),
];

/// What the Terraform frontends resolve: the types and names the adapters read.
pub const WANTED: Wanted<'static> = Wanted {
    kinds: &adapts,
    keys: &keys::reads,
};

/// Whether some adapter reads resources (or data sources) of type `kind`: the frontends
/// resolve the bodies of those only.
pub fn adapts(kind: &str) -> bool {
    ADAPTERS
        .iter()
        .any(|(k, _)| *k == kind || k.strip_prefix("data.") == Some(kind))
}

/// The model of one resolved Terraform unit (a root module with its local modules, or a
/// plan).
pub fn adapt(unit: &ResolvedUnit) -> Model {
    let mut a = Adapter {
        unit,
        model: Model::default(),
        inexact: HashSet::default(),
        seen_references: HashSet::default(),
        seen_uses: HashSet::default(),
    };
    let id = unit.unit.id;
    a.model.units.push(unit.unit.clone());
    a.model.resource_count = unit.resource_count;
    for r in &unit.resources {
        let resource = ResourceRef {
            address: r.address.clone(),
            kind: r.kind.clone(),
            unit: id,
            span: r.span,
            body_span: r.body_span,
            conditional: r.conditional,
        };
        if let Some(alias) = &r.provider {
            a.model
                .resource_providers
                .push((id, r.address.clone(), alias.clone()));
        }
        if !r.data {
            eip::allocation_escapes(r, &resource, &mut a);
            uses::escapes(r, &resource, &mut a);
        }
        let key = if r.data {
            format!("data.{}", r.kind)
        } else {
            r.kind.clone()
        };
        if let Some((_, adapt)) = ADAPTERS.iter().find(|(k, _)| *k == key) {
            adapt(r, &resource, &mut a);
        }
    }
    if let Some(region) = &unit.region {
        a.model.unit_regions.push((id, region.clone()));
    }
    for version in &unit.aws_provider_versions {
        a.model.aws_provider_versions.push((id, version.clone()));
    }
    for (alias, region) in &unit.provider_aliases {
        a.model
            .provider_aliases
            .push((id, alias.clone(), region.clone()));
    }
    eip::escapes(&mut a);
    ebs_volume::escapes(&mut a);
    uses::followed_escapes(&mut a);
    for e in unit.escapes.iter().filter(|e| !e.followed) {
        a.model.escapes.push(Escape {
            unit: id,
            address: e.mention.address.clone(),
            attr: e.mention.attr.clone(),
            span: e.mention.span,
            context: e.context.clone(),
        });
    }
    a.model
}

/// The resources of type `kind` (`aws_lb_target_group`) a value designates: each reference to
/// one of them, in a list or among alternatives too; `Unknown` for each part that cannot be
/// told (an unknown value or element). A literal id designates nothing of the unit: its
/// resources have no id before they exist.
pub(crate) fn designated(value: &Val, kind: &str) -> Vec<Value<String>> {
    let mut out = Vec::new();
    collect_designated(value, kind, &mut out);
    out
}

fn collect_designated(value: &Val, kind: &str, out: &mut Vec<Value<String>>) {
    let v = match value {
        Val::Ref(r) if is_resource(&r.address, kind) => Value::Known(r.address.clone()),
        Val::List(items) | Val::OneOf(items) => {
            for item in items {
                collect_designated(item, kind, out);
            }
            return;
        }
        Val::Unknown => Value::Unknown,
        _ => return,
    };
    if !out.contains(&v) {
        out.push(v);
    }
}
