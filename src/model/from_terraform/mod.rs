//! Terraform resources into the model: one adapter per resource family, serving
//! configurations (HCL and `.tf.json`) and plan JSON alike, since both frontends resolve
//! resources into Terraform-shaped bodies.

mod account;
mod ami_lookup;
mod block_devices;
mod ebs_volume;
mod eip;
mod instance;
mod launch_settings;
mod launch_template;

use std::collections::HashSet;

use super::{EipKey, Model, ResourceRef};
use crate::resolved::{ResolvedUnit, Resource};

/// What adapters build a unit's model with.
pub(crate) struct Adapter<'u> {
    pub unit: &'u ResolvedUnit,
    pub model: Model,
    /// Expressions already modeled with several possible targets: modeled once, not once
    /// per instance (`count = 10000` over 10,000 EIPs would give the same associations).
    inexact: HashSet<u64>,
    /// Reference lists already read for escapes (shared by the instances of a declaration).
    seen_references: HashSet<usize>,
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
    ("aws_lb", eip::load_balancer),
    ("aws_alb", eip::load_balancer),
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
];

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
        inexact: HashSet::new(),
        seen_references: HashSet::new(),
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
    a.model
}
