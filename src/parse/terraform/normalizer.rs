//! The module's blocks into the model: one model object per resource instance (`count`,
//! `for_each`), inline block devices (static and `dynamic`), and EIP associations.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::Span as _;

use super::eval::{Binding, Env, Scope, MAX_EVAL_DEPTH, MAX_INSTANCES};
use super::ir::{AttrIr, BlockIr, BodyIr, Src};
use super::modules::is_resource;
use super::value::{Evaluated, Val};
use crate::model::*;
use crate::source::Span;

/// Attributes of an EIP that cannot carry it into an association.
const EIP_HARMLESS_ATTRS: &[&str] = &[
    "arn",
    "carrier_ip",
    "customer_owned_ip",
    "domain",
    "private_dns",
    "private_ip",
    "public_dns",
    "tags",
    "tags_all",
];

pub(crate) struct Normalizer<'s, 'a> {
    pub unit: UnitId,
    pub scope: &'s Scope<'a>,
    pub model: Model,
    /// EIP instances each attribute mentions (the same for every instance of its resource).
    mentions: HashMap<MentionKey, Rc<BTreeMap<String, Span>>>,
    /// Inexact associations already modeled: an attribute of an expanded resource mentioning
    /// several EIPs is modeled once, not once per instance (`count = 10000` over 10,000 EIPs):
    /// every instance would give the same conditional associations.
    inexact: HashSet<MentionKey>,
}

/// An attribute, and the bound names whose `for_each` its mentions follow.
type MentionKey = (Span, Vec<(String, Option<Span>)>);

fn mention_key(attr: &AttrIr<'_>, env: &Env<'_>) -> MentionKey {
    (
        attr.value_span,
        env.bindings
            .iter()
            .map(|b| (b.name.clone(), b.source.map(|s| s.value_span)))
            .collect(),
    )
}

impl<'s, 'a> Normalizer<'s, 'a> {
    pub fn new(unit: UnitId, scope: &'s Scope<'a>) -> Normalizer<'s, 'a> {
        Normalizer {
            unit,
            scope,
            model: Model::default(),
            mentions: HashMap::new(),
            inexact: HashSet::new(),
        }
    }
}

/// One instance of a resource: its address, bindings and whether it may not exist.
/// A resource instance: the same shape as a module instance.
type ResInstance<'a> = super::modules::ModInstance<'a>;

/// A nested block as it will exist: a static block, or one element of a `dynamic` block.
enum BlockInst<'a> {
    Known {
        /// The block that declares it (the `dynamic` block for a generated one): for spans.
        decl: &'a BlockIr<'a>,
        body: &'a BodyIr<'a>,
        env: Env<'a>,
    },
    /// A `dynamic` block whose `for_each` is unknown: any number of blocks.
    Unknown {
        content: Option<&'a BodyIr<'a>>,
        env: Env<'a>,
    },
}

fn to_field<T: PartialEq>(
    span: Span,
    e: Evaluated,
    convert: impl Fn(&Val) -> Option<T>,
) -> Field<T> {
    let unknown = || Field {
        value: Value::Unknown,
        span,
        via: Vec::new(),
    };
    // Known only when every alternative converts to the same value.
    let mut known: Option<T> = None;
    for alt in e.val.alternatives() {
        match (convert(alt), &known) {
            (None, _) => return unknown(),
            (Some(v), Some(k)) if v != *k => return unknown(),
            (Some(v), None) => known = Some(v),
            (Some(_), Some(_)) => {}
        }
    }
    match known {
        Some(v) => Field {
            value: Value::Known(v),
            span,
            via: e.via,
        },
        None => unknown(),
    }
}

/// Whether the expression is a conditional at its top (`c ? a : null`): an unresolved one may
/// make the association not exist.
fn is_conditional(attr: &AttrIr<'_>) -> bool {
    let mut expr = match attr.expr() {
        Some(e) => e,
        None => return false,
    };
    loop {
        match expr {
            Expression::Parenthesis(p) => expr = p.inner(),
            Expression::StringTemplate(t) if t.len() == 1 => {
                match t.iter().next().and_then(|e| e.as_interpolation()) {
                    Some(i) => expr = &i.expr,
                    None => return false,
                }
            }
            Expression::Conditional(_) => return true,
            _ => return false,
        }
    }
}

impl<'a> Normalizer<'_, 'a> {
    pub fn block(&mut self, block: &'a BlockIr<'a>) {
        match (block.ident, block.labels.as_slice()) {
            ("resource", [kind, name]) => {
                self.model.resource_count += 1;
                let address = format!("{kind}.{name}");
                // `provider = aws.west`: the resource is priced in that provider's region.
                let alias = block.body.attr("provider").and_then(|a| match a.expr() {
                    Some(Expression::Traversal(t)) => match (&t.expr, t.operators.first()) {
                        (Expression::Variable(root), Some(op)) if root.as_str() == "aws" => {
                            match op.value() {
                                hcl_edit::expr::TraversalOperator::GetAttr(alias) => {
                                    Some(alias.as_str().to_string())
                                }
                                _ => None,
                            }
                        }
                        _ => None,
                    },
                    _ => None,
                });
                for inst in self.instances(&address, &block.body) {
                    let resource = self.resource_ref(block, kind, &inst);
                    if let Some(alias) = &alias {
                        self.model.resource_providers.push((
                            self.unit,
                            resource.address.clone(),
                            alias.clone(),
                        ));
                    }
                    self.resource(block, resource, &inst.env);
                }
            }
            ("data", [kind, name]) if *kind == "aws_ami" => {
                let address = format!("data.{kind}.{name}");
                for inst in self.instances(&address, &block.body) {
                    let resource = self.resource_ref(block, kind, &inst);
                    let body = &block.body;
                    let owner_filter = self.blocks(body, "filter", &inst.env).iter().any(|f| {
                        match f {
                            BlockInst::Known { body, env, .. } => self
                                .field(body, "name", env, Val::as_string)
                                .and_then(|n| n.known().cloned())
                                .is_some_and(|n| n == "owner-id" || n == "owner-alias"),
                            // Filters generated from an unknown collection may restrict it.
                            BlockInst::Unknown { .. } => true,
                        }
                    });
                    self.model.ami_lookups.push(AmiLookup {
                        owner_filter,
                        most_recent: self.field(body, "most_recent", &inst.env, Val::as_bool),
                        owners: self.field(body, "owners", &inst.env, |v| match v {
                            Val::List(items) => items.iter().map(Val::as_string).collect(),
                            _ => None,
                        }),
                        resource,
                    });
                }
            }
            // The default (unaliased) provider's literal region prices the module's
            // resources when no region is given on the command line or in the config.
            ("provider", ["aws"]) if block.body.attr("alias").is_some() => {
                let alias = self.field(&block.body, "alias", &Env::default(), Val::as_string);
                let region = self.field(&block.body, "region", &Env::default(), Val::as_string);
                if let (Some(alias), Some(region)) = (
                    alias.and_then(|a| a.known().cloned()),
                    region.filter(|r| r.known().is_some()),
                ) {
                    self.model.provider_aliases.push((self.unit, alias, region));
                }
            }
            ("provider", ["aws"]) => {
                if let Some(region) =
                    self.field(&block.body, "region", &Env::default(), Val::as_string)
                {
                    if region.known().is_some() {
                        self.model.unit_regions.push((self.unit, region));
                    }
                }
            }
            ("output", [name]) => {
                let context = format!("output `{name}`");
                // A module instance's outputs are followed where its caller uses them.
                let instance = self.scope.modules.is_instance();
                for attr in &block.body.attrs {
                    if !instance {
                        self.escapes(attr, &context);
                    }
                    self.volume_escapes(attr, &context);
                }
            }
            ("module", [name]) => {
                let context = format!("module `{name}`");
                // A local module is normalized here (`modules.rs`): its uses of the EIPs
                // passed to it are seen, so its arguments are no escapes.
                let local = self.instantiate_module(name);
                for attr in &block.body.attrs {
                    if !local {
                        self.escapes(attr, &context);
                    }
                    self.volume_escapes(attr, &context);
                }
            }
            _ => {}
        }
    }

    fn instances(&self, address: &str, body: &'a BodyIr<'a>) -> Vec<ResInstance<'a>> {
        let expansion = self.scope.expansion(address);
        super::modules::expand_instances(address.to_string(), &expansion, body)
    }

    fn resource_ref(&self, block: &BlockIr<'_>, kind: &str, inst: &ResInstance<'_>) -> ResourceRef {
        // Inside a module instance: `module.disk.` + the address, conditional with the call.
        ResourceRef {
            address: format!("{}{}", self.scope.modules.prefix, inst.address),
            kind: kind.to_string(),
            unit: self.unit,
            span: block.header,
            body_span: block.span,
            conditional: inst.conditional || self.scope.modules.conditional,
        }
    }

    /// Evaluates attribute `key` of `body` into a field; `None` when the attribute is absent
    /// or null.
    fn field<T: PartialEq>(
        &self,
        body: &BodyIr<'_>,
        key: &str,
        env: &Env<'a>,
        convert: impl Fn(&Val) -> Option<T>,
    ) -> Option<Field<T>> {
        let attr = body.attr(key)?;
        let e = self.scope.value_of(attr, env);
        if e.val == Val::Null {
            return None;
        }
        Some(to_field(attr.value_span, e, convert))
    }

    /// The blocks `name` of `body` as they will exist, `dynamic` ones expanded.
    fn blocks(&self, body: &'a BodyIr<'a>, name: &str, env: &Env<'a>) -> Vec<BlockInst<'a>> {
        let mut out = Vec::new();
        for block in &body.blocks {
            if block.ident == name && block.labels.is_empty() {
                out.push(BlockInst::Known {
                    decl: block,
                    body: &block.body,
                    env: env.clone(),
                });
                continue;
            }
            if block.ident != "dynamic" || block.labels.as_slice() != [name] {
                continue;
            }
            let content = block.body.blocks.iter().find(|b| b.ident == "content");
            let iterator = block
                .body
                .attr("iterator")
                .and_then(|a| match a.expr() {
                    Some(Expression::Variable(v)) => Some(v.as_str().to_string()),
                    Some(Expression::String(s)) => Some(s.value().to_string()),
                    _ => None,
                })
                .unwrap_or_else(|| name.to_string());
            let for_each = block.body.attr("for_each");
            let collection = for_each.map(|a| self.scope.value_of(a, env));
            let items: Option<Vec<(Val, Val)>> = match collection.as_ref().map(|c| &c.val) {
                Some(Val::List(items)) if items.len() <= MAX_INSTANCES => Some(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (Val::Num(i as f64), v.clone()))
                        .collect(),
                ),
                Some(Val::Obj(entries)) if entries.len() <= MAX_INSTANCES => Some(
                    entries
                        .iter()
                        .map(|(k, v)| (Val::Str(k.clone()), v.clone()))
                        .collect(),
                ),
                _ => None,
            };
            // Past the evaluation budget, the blocks are as for an unknown collection.
            let items = items.filter(|i| self.scope.afford_instances(i.len()));
            match (items, content) {
                (Some(items), Some(content)) => {
                    let via = collection.map(|c| c.via).unwrap_or_default();
                    for (k, v) in items {
                        out.push(BlockInst::Known {
                            decl: block,
                            body: &content.body,
                            env: env.with(Binding {
                                name: iterator.clone(),
                                value: Evaluated {
                                    val: Val::obj(vec![("key".into(), k), ("value".into(), v)]),
                                    via: via.clone(),
                                },
                                source: for_each,
                            }),
                        });
                    }
                }
                (Some(_), None) => {}
                (None, content) => out.push(BlockInst::Unknown {
                    content: content.map(|c| &c.body),
                    env: env.with(Binding {
                        name: iterator,
                        value: Evaluated::unknown(),
                        source: for_each,
                    }),
                }),
            }
        }
        out
    }

    fn resource(&mut self, block: &'a BlockIr<'a>, resource: ResourceRef, env: &Env<'a>) {
        let body = &block.body;
        // An EIP's allocation id handed to any other resource (a NAT gateway's
        // `secondary_allocation_ids`, a Transfer server's `address_allocation_ids`, types we
        // do not model) may associate it: an escape, so `eip-unattached` stays silent.
        if !matches!(resource.kind.as_str(), "aws_eip" | "aws_eip_association") {
            self.allocation_escapes(body, &resource);
        }
        match resource.kind.as_str() {
            "aws_instance" => {
                self.model.instances.push(Instance {
                    instance_type: self.field(body, "instance_type", env, Val::as_string),
                    resource: resource.clone(),
                });
                self.launch_settings(body, env, &resource, ComputeKind::Instance);
                self.ami(body, "ami", &resource, env);
                self.inline_devices(body, &resource, VolumeOwner::Instance, env);
            }
            "aws_launch_configuration" => {
                self.model.launch_templates.push(LaunchTemplate {
                    resource: resource.clone(),
                    is_launch_configuration: true,
                });
                self.launch_settings(body, env, &resource, ComputeKind::LaunchConfiguration);
                self.ami(body, "image_id", &resource, env);
                self.inline_devices(body, &resource, VolumeOwner::LaunchConfiguration, env);
            }
            "aws_volume_attachment" => {
                if let Some(attr) = body.attr("volume_id") {
                    let volume = match self.scope.value_of(attr, env).val {
                        Val::Ref { address, .. } if is_resource(&address, "aws_ebs_volume") => {
                            Value::Known(address)
                        }
                        _ => Value::Unknown,
                    };
                    self.model.volume_attachments.push(VolumeAttachment {
                        declared_by: resource.clone(),
                        volume,
                        span: attr.span,
                    });
                }
            }
            "aws_ebs_encryption_by_default" => {
                let enabled = self
                    .field(body, "enabled", env, Val::as_bool)
                    .unwrap_or(Field {
                        value: Value::Known(true),
                        span: resource.span,
                        via: Vec::new(),
                    });
                self.model.encryption_by_default.push((self.unit, enabled));
            }
            "aws_ec2_instance_metadata_defaults" => {
                if let Some(tokens) = self.field(body, "http_tokens", env, Val::as_string) {
                    self.model
                        .instance_metadata_defaults
                        .push((self.unit, tokens));
                }
            }
            "aws_launch_template" => {
                self.model.launch_templates.push(LaunchTemplate {
                    resource: resource.clone(),
                    is_launch_configuration: false,
                });
                self.launch_settings(body, env, &resource, ComputeKind::LaunchTemplate);
                self.ami(body, "image_id", &resource, env);
                for mapping in self.blocks(body, "block_device_mappings", env) {
                    let BlockInst::Known {
                        body: mbody,
                        env: menv,
                        ..
                    } = mapping
                    else {
                        continue;
                    };
                    let device = self
                        .field(mbody, "device_name", &menv, Val::as_string)
                        .and_then(|f| f.known().cloned());
                    for ebs in self.blocks(mbody, "ebs", &menv) {
                        let BlockInst::Known { decl, body, env } = ebs else {
                            continue;
                        };
                        let device = match &device {
                            Some(d) => format!("block_device_mappings {d}"),
                            None => "block_device_mappings".to_string(),
                        };
                        let volume = self.volume(
                            decl,
                            body,
                            &env,
                            &resource,
                            VolumeOwner::LaunchTemplate,
                            device,
                        );
                        self.model.volumes.push(volume);
                    }
                }
            }
            "aws_ebs_volume" => {
                let (volume_type, defaulted) = self.ebs_volume_type(body, env, &resource);
                self.model.volumes.push(Volume {
                    owner: VolumeOwner::Standalone,
                    device: String::new(),
                    span: resource.body_span,
                    volume_type,
                    type_defaulted: defaulted,
                    size_gib: self.field(body, "size", env, Val::as_f64),
                    iops: self.field(body, "iops", env, Val::as_f64),
                    throughput: self.field(body, "throughput", env, Val::as_f64),
                    encrypted: self.field(body, "encrypted", env, Val::as_bool),
                    snapshot_id: self.field(body, "snapshot_id", env, Val::as_string),
                    kms_key_id: self.field(body, "kms_key_id", env, Val::as_string),
                    resource,
                });
            }
            "aws_eip" => {
                let key = EipKey {
                    unit: self.unit,
                    address: resource.address.clone(),
                };
                let domain = match self.field(body, "domain", env, Val::as_string) {
                    Some(d) => Some(d),
                    None => self
                        .field(body, "vpc", env, Val::as_bool)
                        .map(crate::model::domain_from_vpc),
                };
                for (attr, kind) in [
                    ("instance", AssociationKind::EipInstance),
                    ("network_interface", AssociationKind::EipNetworkInterface),
                ] {
                    let Some(a) = body.attr(attr) else {
                        continue;
                    };
                    let value = self.scope.value_of(a, env).val;
                    if value == Val::Null {
                        continue;
                    }
                    let maybe_null = value.alternatives().contains(&Val::Null);
                    self.model.eip_associations.push(EipAssociation {
                        declared_by: resource.clone(),
                        kind,
                        eip: Value::Known(key.clone()),
                        span: a.span,
                        conditional: resource.conditional
                            || maybe_null
                            || (value.is_unknown() && is_conditional(a)),
                    });
                }
                self.model.elastic_ips.push(ElasticIp {
                    resource,
                    key,
                    domain,
                });
            }
            "aws_eip_association" => {
                let attr = body
                    .attr("allocation_id")
                    .or_else(|| body.attr("public_ip"));
                match attr {
                    Some(attr) => {
                        self.association(attr, env, &resource, AssociationKind::Association)
                    }
                    None => self.model.eip_associations.push(EipAssociation {
                        span: resource.span,
                        conditional: resource.conditional,
                        declared_by: resource,
                        kind: AssociationKind::Association,
                        eip: Value::Unknown,
                    }),
                }
            }
            "aws_nat_gateway" => {
                // A private NAT gateway has no allocation id: no association.
                if let Some(attr) = body.attr("allocation_id") {
                    self.association(attr, env, &resource, AssociationKind::NatGateway);
                }
            }
            "aws_lb" | "aws_alb" => {
                for mapping in self.blocks(body, "subnet_mapping", env) {
                    match mapping {
                        BlockInst::Known { body, env, .. } => {
                            if let Some(attr) = body.attr("allocation_id") {
                                self.association(
                                    attr,
                                    &env,
                                    &resource,
                                    AssociationKind::LoadBalancer,
                                );
                            }
                        }
                        BlockInst::Unknown { content, env } => {
                            // Any number of mappings: each found EIP may be associated.
                            if let Some(attr) = content.and_then(|c| c.attr("allocation_id")) {
                                let mut conditional = resource.clone();
                                conditional.conditional = true;
                                self.association(
                                    attr,
                                    &env,
                                    &conditional,
                                    AssociationKind::LoadBalancer,
                                );
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// `type` of an `aws_ebs_volume`: absent or null is the API default (gp2), flagged as
    /// defaulted.
    fn ebs_volume_type(
        &self,
        body: &BodyIr<'_>,
        env: &Env<'a>,
        resource: &ResourceRef,
    ) -> (Field<String>, bool) {
        let default = || {
            crate::aws_data::AwsData::embedded()
                .map(|d| d.ebs.default_volume_type.value.clone())
                .unwrap_or_else(|_| "gp2".to_string())
        };
        match body.attr("type") {
            Some(attr) => {
                let e = self.scope.value_of(attr, env);
                if e.val == Val::Null {
                    return (
                        Field {
                            value: Value::Known(default()),
                            span: attr.value_span,
                            via: e.via,
                        },
                        true,
                    );
                }
                (to_field(attr.value_span, e, Val::as_string), false)
            }
            None => (
                Field {
                    value: Value::Known(default()),
                    span: resource.span,
                    via: Vec::new(),
                },
                true,
            ),
        }
    }

    fn ami(&mut self, body: &BodyIr<'_>, key: &str, resource: &ResourceRef, env: &Env<'a>) {
        if let Some(attr) = body.attr(key) {
            let e = self.scope.value_of(attr, env);
            self.model.ami_refs.push(AmiRef {
                resource: resource.clone(),
                attribute: key.to_string(),
                image: to_field(attr.value_span, e, Val::as_string),
            });
        }
    }

    fn inline_devices(
        &mut self,
        body: &'a BodyIr<'a>,
        resource: &ResourceRef,
        owner: VolumeOwner,
        env: &Env<'a>,
    ) {
        for inst in self.blocks(body, "root_block_device", env) {
            if let BlockInst::Known { decl, body, env } = inst {
                let v = self.volume(
                    decl,
                    body,
                    &env,
                    resource,
                    owner,
                    "root_block_device".into(),
                );
                self.model.volumes.push(v);
            }
        }
        for inst in self.blocks(body, "ebs_block_device", env) {
            if let BlockInst::Known { decl, body, env } = inst {
                let device = match self
                    .field(body, "device_name", &env, Val::as_string)
                    .and_then(|f| f.known().cloned())
                {
                    Some(d) => format!("ebs_block_device {d}"),
                    None => "ebs_block_device".to_string(),
                };
                let v = self.volume(decl, body, &env, resource, owner, device);
                self.model.volumes.push(v);
            }
        }
    }

    /// Instance type, metadata options, public IP settings and launch template of an
    /// instance, launch template or launch configuration.
    fn launch_settings(
        &mut self,
        body: &'a BodyIr<'a>,
        env: &Env<'a>,
        resource: &ResourceRef,
        kind: ComputeKind,
    ) {
        let mut http_tokens = None;
        let mut http_endpoint = None;
        for block in self.blocks(body, "metadata_options", env) {
            match block {
                BlockInst::Known {
                    body: mbody,
                    env: menv,
                    ..
                } => {
                    http_tokens = self.field(mbody, "http_tokens", &menv, Val::as_string);
                    http_endpoint = self.field(mbody, "http_endpoint", &menv, Val::as_string);
                }
                // A `dynamic "metadata_options"` over an unknown collection: cannot tell.
                BlockInst::Unknown { .. } => {
                    http_tokens = Some(Field {
                        value: Value::Unknown,
                        span: resource.span,
                        via: Vec::new(),
                    });
                }
            }
        }
        let mut public_ip = Vec::new();
        if let Some(f) = self.field(body, "associate_public_ip_address", env, Val::as_bool) {
            public_ip.push(f);
        }
        for block in self.blocks(body, "network_interfaces", env) {
            if let BlockInst::Known {
                body: nbody,
                env: nenv,
                ..
            } = block
            {
                if let Some(f) =
                    self.field(nbody, "associate_public_ip_address", &nenv, Val::as_bool)
                {
                    public_ip.push(f);
                }
            }
        }
        let mut launch_template = None;
        for block in self.blocks(body, "launch_template", env) {
            if let BlockInst::Known {
                body: lbody,
                env: lenv,
                ..
            } = block
            {
                let target = ["id", "name"].iter().find_map(|key| {
                    let attr = lbody.attr(key)?;
                    Some(match self.scope.value_of(attr, &lenv).val {
                        Val::Ref { address, .. }
                            if is_resource(&address, "aws_launch_template") =>
                        {
                            Value::Known(address)
                        }
                        _ => Value::Unknown,
                    })
                });
                launch_template = Some(target.unwrap_or(Value::Unknown));
            }
        }
        self.model.launch_settings.push(LaunchSettings {
            resource: resource.clone(),
            kind,
            instance_type: self.field(body, "instance_type", env, Val::as_string),
            http_tokens,
            http_endpoint,
            public_ip,
            launch_template,
        });
    }

    /// An inline block device: without `volume_type` the type comes from the AMI (unknown).
    fn volume(
        &self,
        decl: &BlockIr<'_>,
        body: &BodyIr<'_>,
        env: &Env<'a>,
        resource: &ResourceRef,
        owner: VolumeOwner,
        device: String,
    ) -> Volume {
        let volume_type = self
            .field(body, "volume_type", env, Val::as_string)
            .unwrap_or(Field {
                value: Value::Unknown,
                span: if decl.ident == "dynamic" {
                    decl.header
                } else {
                    decl.ident_span
                },
                via: Vec::new(),
            });
        Volume {
            resource: resource.clone(),
            owner,
            device,
            span: decl.span,
            volume_type,
            type_defaulted: false,
            size_gib: self.field(body, "volume_size", env, Val::as_f64),
            iops: self.field(body, "iops", env, Val::as_f64),
            throughput: self.field(body, "throughput", env, Val::as_f64),
            encrypted: self.field(body, "encrypted", env, Val::as_bool),
            snapshot_id: self.field(body, "snapshot_id", env, Val::as_string),
            kms_key_id: self.field(body, "kms_key_id", env, Val::as_string),
        }
    }

    /// Associations declared by `attr` (`allocation_id`, `public_ip`) of `resource`.
    fn association(
        &mut self,
        attr: &AttrIr<'_>,
        env: &Env<'a>,
        resource: &ResourceRef,
        kind: AssociationKind,
    ) {
        for (eip, conditional) in self.eip_targets(attr, env) {
            self.model.eip_associations.push(EipAssociation {
                declared_by: resource.clone(),
                kind,
                eip,
                span: attr.span,
                conditional: conditional || resource.conditional,
            });
        }
    }

    /// The EIPs an association attribute designates, each with whether the association may not
    /// be to it. A resolved reference (or one of several) is exact; otherwise the EIP
    /// instances the expression mentions (through locals and `for_each` too): exactly one is
    /// taken as the target, several are each possibly the target (conditional), none is
    /// unknown (any EIP of the module may be it).
    fn eip_targets(&mut self, attr: &AttrIr<'_>, env: &Env<'a>) -> Vec<(Value<EipKey>, bool)> {
        let e = self.scope.value_of(attr, env);
        if e.val == Val::Null {
            return Vec::new();
        }
        let unit = self.unit;
        let key = |address: &str| EipKey {
            unit,
            address: address.to_string(),
        };
        if !e.val.is_unknown() {
            let mut keys: Vec<String> = Vec::new();
            let mut maybe_null = false;
            let mut exact = true;
            for alt in e.val.alternatives() {
                match alt {
                    Val::Ref { address, .. } if is_resource(address, "aws_eip") => {
                        if !keys.contains(address) {
                            keys.push(address.clone());
                        }
                    }
                    Val::Null => maybe_null = true,
                    _ => exact = false,
                }
            }
            if exact && !keys.is_empty() {
                let conditional = maybe_null || keys.len() > 1;
                return keys
                    .iter()
                    .map(|a| (Value::Known(key(a)), conditional))
                    .collect();
            }
        }
        let mkey = mention_key(attr, env);
        let mentioned = self.cached_mentions(&mkey, attr, env);
        if mentioned.len() > 1 && !self.inexact.insert(mkey) {
            // Already modeled for another instance of the resource.
            return Vec::new();
        }
        let conditional =
            matches!(e.val, Val::OneOf(_)) || (e.val.is_unknown() && is_conditional(attr));
        match mentioned.len() {
            0 => vec![(Value::Unknown, conditional)],
            1 => mentioned
                .keys()
                .map(|a| (Value::Known(key(a)), conditional))
                .collect(),
            _ => mentioned
                .keys()
                .map(|a| (Value::Known(key(a)), true))
                .collect(),
        }
    }

    fn cached_mentions(
        &mut self,
        key: &MentionKey,
        attr: &AttrIr<'_>,
        env: &Env<'a>,
    ) -> Rc<BTreeMap<String, Span>> {
        if let Some(m) = self.mentions.get(key) {
            return m.clone();
        }
        let mut mentioned = BTreeMap::new();
        Self::eip_mentions(self.scope, attr, env, &mut mentioned, &mut Vec::new());
        let mentioned = Rc::new(mentioned);
        self.mentions.insert(key.clone(), mentioned.clone());
        mentioned
    }

    /// `aws_eip.<name>...id` / `.allocation_id` anywhere in `body` (nested blocks too).
    fn allocation_escapes(&mut self, body: &BodyIr<'_>, resource: &ResourceRef) {
        let mut stack = vec![body];
        while let Some(b) = stack.pop() {
            for attr in &b.attrs {
                let Some(expr) = attr.expr() else {
                    continue;
                };
                let mut visitor = AllocationIdMentions { names: Vec::new() };
                hcl_edit::visit::Visit::visit_expr(&mut visitor, expr);
                for name in visitor.names {
                    let address = format!("aws_eip.{name}");
                    if !self.scope.resources.contains_key(&address) {
                        continue;
                    }
                    for instance in self.scope.expansion(&address).addresses(&address) {
                        self.model.eip_escapes.push(EipEscape {
                            eip: EipKey {
                                unit: self.unit,
                                address: instance,
                            },
                            span: attr.value_span,
                            context: format!("`{}` resource `{}`", resource.kind, resource.address),
                        });
                    }
                }
            }
            stack.extend(b.blocks.iter().map(|blk| &blk.body));
        }
    }

    /// `aws_ebs_volume.<name>` mentioned in an output or module argument: every instance of
    /// that volume may be attached elsewhere.
    fn volume_escapes(&mut self, attr: &AttrIr<'_>, context: &str) {
        // Follow locals (`value = local.volume_ids`), each once.
        let mut names = Vec::new();
        let mut pending: Vec<&AttrIr<'_>> = vec![attr];
        let mut seen_locals: Vec<String> = Vec::new();
        while let Some(current) = pending.pop() {
            let Some(expr) = current.expr() else {
                continue;
            };
            let mut visitor = ResourceMentions {
                kind: "aws_ebs_volume",
                names: Vec::new(),
                locals: Vec::new(),
            };
            hcl_edit::visit::Visit::visit_expr(&mut visitor, expr);
            names.extend(visitor.names);
            for local in visitor.locals {
                if seen_locals.contains(&local) || seen_locals.len() > MAX_EVAL_DEPTH {
                    continue;
                }
                if let Some(def) = self.scope.locals.get(local.as_str()).copied() {
                    pending.push(def);
                }
                seen_locals.push(local);
            }
        }
        names.sort();
        names.dedup();
        for name in names {
            let address = format!("aws_ebs_volume.{name}");
            if !self.scope.resources.contains_key(&address) {
                continue;
            }
            for instance in self.scope.expansion(&address).addresses(&address) {
                self.model.volume_escapes.push(Escape {
                    unit: self.unit,
                    address: format!("{}{instance}", self.scope.modules.prefix),
                    span: attr.value_span,
                    context: context.to_string(),
                });
            }
        }
    }

    fn escapes(&mut self, attr: &AttrIr<'_>, context: &str) {
        let mut mentioned = BTreeMap::new();
        Self::eip_mentions(
            self.scope,
            attr,
            &Env::default(),
            &mut mentioned,
            &mut Vec::new(),
        );
        for (address, span) in mentioned {
            self.model.eip_escapes.push(EipEscape {
                eip: EipKey {
                    unit: self.unit,
                    address,
                },
                span,
                context: context.to_string(),
            });
        }
    }

    /// Every `aws_eip` instance of the module that `attr` mentions (through locals and the
    /// `for_each` of bound `each`/iterators too), except through attributes that cannot
    /// associate it (`public_dns`, `tags`...). A mention of `aws_eip.nat` is all its instances.
    /// Across local modules too: `var.x` in a module instance is followed to the caller's
    /// argument, `module.x.out` to the output in each instance of `x` (`modules.rs`).
    fn eip_mentions(
        scope: &Scope<'a>,
        attr: &AttrIr<'_>,
        env: &Env<'a>,
        out: &mut BTreeMap<String, Span>,
        seen: &mut Vec<String>,
    ) {
        let Some(expr) = attr.expr() else {
            return;
        };
        if seen.len() > MAX_EVAL_DEPTH {
            return;
        }
        let mut visitor = MentionVisitor {
            src: attr.src,
            within: attr.value_span,
            found: Vec::new(),
        };
        hcl_edit::visit::Visit::visit_expr(&mut visitor, expr);
        for mention in visitor.found {
            match mention {
                Mention::Eip { name, span } => {
                    let address = format!("aws_eip.{name}");
                    if !scope.resources.contains_key(&address) {
                        continue;
                    }
                    for instance in scope.expansion(&address).addresses(&address) {
                        out.entry(format!("{}{instance}", scope.modules.prefix))
                            .or_insert(span);
                    }
                }
                Mention::Module { name, output } => {
                    for (child, output, next) in
                        scope.module_output_sources(&name, output.as_deref())
                    {
                        let key = format!("{}output.{output}", child.modules.prefix);
                        if !seen.contains(&key) {
                            seen.push(key);
                            Self::eip_mentions(&child, next, &Env::default(), out, seen);
                        }
                    }
                }
                Mention::Root { name, attr: first } => {
                    let prefix = &scope.modules.prefix;
                    let key = match (name.as_str(), &first) {
                        ("local" | "var", Some(l)) => format!("{prefix}{name}.{l}"),
                        ("local" | "var", None) => continue,
                        _ => format!("{prefix}bound.{name}"),
                    };
                    if seen.contains(&key) {
                        continue;
                    }
                    if name == "var" {
                        // An argument of a module instance: in the caller's scope.
                        let source = first.as_deref().and_then(|v| scope.module_arg_source(v));
                        if let Some((caller, next, caller_env)) = source {
                            seen.push(key);
                            Self::eip_mentions(&caller, next, &caller_env, out, seen);
                        }
                        continue;
                    }
                    let next = if name == "local" {
                        first.as_deref().and_then(|l| scope.locals.get(l).copied())
                    } else {
                        env.lookup(&name).and_then(|b| b.source)
                    };
                    if let Some(next) = next {
                        seen.push(key);
                        Self::eip_mentions(scope, next, env, out, seen);
                    }
                }
            }
        }
    }
}

enum Mention {
    Eip {
        name: String,
        span: Span,
    },
    /// `module.<name>.<output>` (`module.<name>` alone: every output).
    Module {
        name: String,
        output: Option<String>,
    },
    Root {
        name: String,
        attr: Option<String>,
    },
}

struct MentionVisitor {
    src: Src,
    within: Span,
    found: Vec<Mention>,
}

impl hcl_edit::visit::Visit for MentionVisitor {
    fn visit_traversal(&mut self, traversal: &hcl_edit::expr::Traversal) {
        if let Expression::Variable(root) = &traversal.expr {
            let names: Vec<&str> = traversal
                .operators
                .iter()
                .filter_map(|op| match op.value() {
                    TraversalOperator::GetAttr(ident) => Some(ident.as_str()),
                    _ => None,
                })
                .collect();
            match (root.as_str(), names.as_slice()) {
                ("aws_eip", [name, rest @ ..]) => {
                    let harmless = rest
                        .first()
                        .is_some_and(|attr| EIP_HARMLESS_ATTRS.contains(attr));
                    if !harmless {
                        self.found.push(Mention::Eip {
                            name: name.to_string(),
                            span: self.src.span(traversal.span(), self.within),
                        });
                    }
                }
                ("module", [name, rest @ ..]) => self.found.push(Mention::Module {
                    name: name.to_string(),
                    output: rest.first().map(|o| o.to_string()),
                }),
                (root, names) => self.found.push(Mention::Root {
                    name: root.to_string(),
                    attr: names.first().map(|n| n.to_string()),
                }),
            }
        }
        hcl_edit::visit::visit_traversal(self, traversal);
    }

    fn visit_expr(&mut self, expr: &Expression) {
        if let Expression::Variable(var) = expr {
            self.found.push(Mention::Root {
                name: var.as_str().to_string(),
                attr: None,
            });
        }
        hcl_edit::visit::visit_expr(self, expr);
    }
}

/// The names of resources of one type that an expression mentions (`aws_ebs_volume.data.id`),
/// and the locals it reads.
struct ResourceMentions {
    kind: &'static str,
    names: Vec<String>,
    locals: Vec<String>,
}

impl hcl_edit::visit::Visit for ResourceMentions {
    fn visit_traversal(&mut self, traversal: &hcl_edit::expr::Traversal) {
        if let Expression::Variable(root) = &traversal.expr {
            if let Some(hcl_edit::expr::TraversalOperator::GetAttr(name)) =
                traversal.operators.first().map(|op| op.value())
            {
                if root.as_str() == self.kind {
                    self.names.push(name.as_str().to_string());
                } else if root.as_str() == "local" {
                    self.locals.push(name.as_str().to_string());
                }
            }
        }
        hcl_edit::visit::visit_traversal(self, traversal);
    }
}

/// `aws_eip.<name>` read for its `id` or `allocation_id` (through indexes and splats).
struct AllocationIdMentions {
    names: Vec<String>,
}

impl hcl_edit::visit::Visit for AllocationIdMentions {
    fn visit_traversal(&mut self, traversal: &hcl_edit::expr::Traversal) {
        if let Expression::Variable(root) = &traversal.expr {
            if root.as_str() == "aws_eip" {
                let attrs: Vec<&str> = traversal
                    .operators
                    .iter()
                    .filter_map(|op| match op.value() {
                        hcl_edit::expr::TraversalOperator::GetAttr(a) => Some(a.as_str()),
                        _ => None,
                    })
                    .collect();
                if let [name, rest @ ..] = attrs.as_slice() {
                    if rest.iter().any(|a| *a == "id" || *a == "allocation_id") {
                        self.names.push(name.to_string());
                    }
                }
            }
        }
        hcl_edit::visit::visit_traversal(self, traversal);
    }
}
