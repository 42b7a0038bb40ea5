//! CloudFormation resources into the model: one adapter per resource family, reading the
//! property-shaped bodies the CloudFormation frontend resolves.

mod backup;
mod balancing;
mod block_devices;
mod eip;
mod instance;
pub(super) mod keys;
mod launch_access;
mod launch_template;
mod network;
mod placement;
mod scaling;
mod uses;
mod volume;

use foldhash::HashMap;

use super::{Escape, Field, Model, ResourceRef, Val, Value};
use crate::resolved::{Attr, Body, ResolvedUnit, Resource, Wanted};

/// What adapters build a template's model with.
pub(crate) struct Adapter<'u> {
    pub unit: &'u ResolvedUnit,
    pub model: Model,
    /// Logical id -> resource type.
    kinds: HashMap<&'u str, &'u str>,
}

impl Adapter<'_> {
    /// Whether `logical_id` is a resource of type `kind` in the template.
    pub fn is(&self, logical_id: &str, kind: &str) -> bool {
        self.kinds.get(logical_id) == Some(&kind)
    }

    /// The resource of type `kind` a value designates (`!Ref X`, `!GetAtt X.Attr`).
    pub fn designated(&self, value: &Val, kind: &str) -> Option<String> {
        match value {
            Val::Ref(r) if self.is(&r.address, kind) => Some(r.address.clone()),
            _ => None,
        }
    }

    /// Every resource of type `kind` a value designates, in a list or among alternatives too;
    /// `Unknown` for each part that cannot be told (a parameter, an import, an unknown
    /// element). A literal id designates nothing of the template.
    pub fn designated_all(&self, value: &Val, kind: &str) -> Vec<Value<String>> {
        let mut out = Vec::new();
        self.collect_designated(value, kind, &mut out);
        out
    }

    fn collect_designated(&self, value: &Val, kind: &str, out: &mut Vec<Value<String>>) {
        let v = match value {
            Val::Ref(r) if self.is(&r.address, kind) => Value::Known(r.address.clone()),
            Val::List(items) | Val::OneOf(items) => {
                for item in items {
                    self.collect_designated(item, kind, out);
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
}

type Adapt = fn(&Resource, &ResourceRef, &mut Adapter);

/// The adapters, by resource type.
const ADAPTERS: &[(&str, Adapt)] = &[
    ("AWS::EC2::Instance", instance::instance),
    ("AWS::EC2::LaunchTemplate", launch_template::launch_template),
    (
        "AWS::AutoScaling::LaunchConfiguration",
        launch_template::launch_configuration,
    ),
    ("AWS::EC2::Volume", volume::volume),
    ("AWS::EC2::VolumeAttachment", volume::attachment),
    (eip::EIP, eip::eip),
    ("AWS::EC2::EIPAssociation", eip::association),
    ("AWS::EC2::NatGateway", eip::nat_gateway),
    (balancing::BALANCER, balancing::load_balancer),
    (
        "AWS::ElasticLoadBalancing::LoadBalancer",
        balancing::classic,
    ),
    ("AWS::ElasticLoadBalancingV2::Listener", balancing::listener),
    (
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        balancing::target_group,
    ),
    ("AWS::AutoScaling::AutoScalingGroup", scaling::group),
    ("AWS::EC2::PlacementGroup", placement::placement_group),
    (
        "AWS::EC2::CapacityReservation",
        placement::capacity_reservation,
    ),
    ("AWS::EC2::NetworkInterface", placement::network_interface),
    (
        "AWS::EC2::NetworkInterfaceAttachment",
        placement::interface_attachment,
    ),
    ("AWS::EC2::Subnet", placement::subnet),
    (network::SECURITY_GROUP, network::security_group),
    ("AWS::EC2::SecurityGroupIngress", network::ingress),
    ("AWS::DLM::LifecyclePolicy", backup::lifecycle_policy),
    ("AWS::Backup::BackupSelection", backup::backup_selection),
];

/// What the CloudFormation frontend resolves: the types and properties the adapters read.
pub const WANTED: Wanted<'static> = Wanted {
    kinds: &adapts,
    keys: &keys::reads,
};

/// Whether some adapter reads resources of type `kind`.
pub fn adapts(kind: &str) -> bool {
    ADAPTERS.iter().any(|(k, _)| *k == kind)
}

/// The model of one resolved template.
pub fn adapt(unit: &ResolvedUnit) -> Model {
    let mut a = Adapter {
        unit,
        model: Model::default(),
        kinds: unit
            .resources
            .iter()
            .map(|r| (r.address.as_str(), r.kind.as_str()))
            .collect(),
    };
    a.model.units.push(unit.unit.clone());
    a.model.resource_count = unit.resource_count;
    for r in &unit.resources {
        let resource = ResourceRef {
            address: r.address.clone(),
            kind: r.kind.clone(),
            unit: unit.unit.id,
            span: r.span,
            body_span: r.body_span,
            conditional: r.conditional,
        };
        eip::allocation_escapes(r, &resource, &mut a);
        uses::escapes(r, &resource, &mut a);
        if let Some((_, adapt)) = ADAPTERS.iter().find(|(k, _)| *k == r.kind) {
            adapt(r, &resource, &mut a);
        }
    }
    eip::escapes(&mut a);
    volume::escapes(&mut a);
    for e in &unit.escapes {
        a.model.escapes.push(Escape {
            unit: unit.unit.id,
            address: e.mention.address.clone(),
            attr: e.mention.attr.clone(),
            span: e.mention.span,
            context: e.context.clone(),
        });
    }
    a.model
}

/// A property lowered with CloudFormation's reading of scalars: known only when every
/// candidate gives the same value; the origins of every candidate kept (they say which
/// parameter left it open). `None` when absent or `AWS::NoValue`.
fn field<T: PartialEq>(
    attr: Option<&Attr>,
    convert: impl Fn(&Val) -> Option<T>,
) -> Option<Field<T>> {
    let attr = attr?;
    if attr.value == Val::Null {
        return None;
    }
    Some(Field::lower(
        &attr.value,
        attr.value_span,
        &attr.via,
        true,
        convert,
    ))
}

fn string_field(body: &Body, key: &str) -> Option<Field<String>> {
    field(body.attr(key), Val::as_cfn_string)
}

fn number_field(body: &Body, key: &str) -> Option<Field<f64>> {
    field(body.attr(key), Val::as_cfn_number)
}

fn bool_field(body: &Body, key: &str) -> Option<Field<bool>> {
    field(body.attr(key), Val::as_cfn_bool)
}
