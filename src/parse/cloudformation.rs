//! CloudFormation templates (YAML or JSON) normalized into the [`Model`].
//!
//! A template is one unit. Property values go through a small evaluator of intrinsic functions
//! that resolves only what it can prove statically (literals, parameter defaults, references to
//! resources of the template) and reports everything else as unknown: precision first, never
//! guess.

use std::collections::HashMap;

use crate::model::*;
use crate::parse::yaml::{Node, NodeKind, YamlDoc};
use crate::source::{FileId, Span};

/// Cheap content sniff before parsing: true when the text could be a CloudFormation template.
pub fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"))
}

/// After parsing: true when the root declares `AWSTemplateFormatVersion`, or has a top-level
/// `Resources` mapping with at least one entry whose `Type` is an AWS (or custom / Alexa)
/// resource type.
pub fn is_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources").is_some_and(|resources| {
        resources.entries().iter().any(|(_, def)| {
            def.get("Type").and_then(literal_str).is_some_and(|t| {
                ["AWS::", "Custom::", "Alexa::"]
                    .iter()
                    .any(|p| t.starts_with(p))
            })
        })
    })
}

/// Normalizes one template into a model fragment for unit `unit`; `name` is the template's
/// display path.
pub fn normalize(unit: UnitId, file: FileId, name: &str, doc: &YamlDoc) -> Model {
    let mut model = Model {
        units: vec![Unit {
            id: unit,
            kind: SourceKind::CloudFormation,
            name: name.to_string(),
            complete: !has_generating_transform(&doc.root),
        }],
        ..Model::default()
    };
    let root = &doc.root;
    let template = Template::new(unit, file, root);
    if let Some(resources) = root.get("Resources") {
        let entries = resources.entries();
        model.resource_count = entries.len();
        for (key, def) in entries {
            template.resource(key, def, &mut model);
        }
    }
    if let Some(outputs) = root.get("Outputs") {
        for (key, def) in outputs.entries() {
            let Some(name) = literal_str(key) else {
                continue;
            };
            template.escapes(def, &format!("output `{name}`"), &mut model);
        }
    }
    model
}

// ---------------------------------------------------------------------------------------------
// Resource types

const EIP: &str = "AWS::EC2::EIP";

/// Guards the recursion of the evaluator and of reference walks against hostile nesting.
const MAX_DEPTH: usize = 128;

/// The template-wide context: what `Ref` and `Fn::GetAtt` can point at.
struct Template<'a> {
    unit: UnitId,
    file: FileId,
    /// Parameter name -> its definition.
    parameters: HashMap<&'a str, &'a Node>,
    /// Logical id -> resource type (None when `Type` is missing or not a string).
    resources: HashMap<&'a str, Option<&'a str>>,
}

impl<'a> Template<'a> {
    fn new(unit: UnitId, file: FileId, root: &'a Node) -> Template<'a> {
        let mut parameters = HashMap::new();
        if let Some(params) = root.get("Parameters") {
            for (key, def) in params.entries() {
                if let Some(name) = literal_str(key) {
                    parameters.entry(name).or_insert(def);
                }
            }
        }
        let mut resources = HashMap::new();
        if let Some(res) = root.get("Resources") {
            for (key, def) in res.entries() {
                if let Some(id) = literal_str(key) {
                    resources
                        .entry(id)
                        .or_insert_with(|| def.get("Type").and_then(literal_str));
                }
            }
        }
        Template {
            unit,
            file,
            parameters,
            resources,
        }
    }

    fn span(&self, node: &Node) -> Span {
        Span::new(self.file, node.span.clone())
    }

    fn is_eip(&self, logical_id: &str) -> bool {
        self.resources.get(logical_id).copied().flatten() == Some(EIP)
    }

    fn eip_key(&self, logical_id: &str) -> EipKey {
        EipKey {
            unit: self.unit,
            address: logical_id.to_string(),
        }
    }

    /// Models one entry of `Resources`.
    fn resource(&self, key: &Node, def: &Node, model: &mut Model) {
        let Some(id) = literal_str(key) else {
            return;
        };
        let Some(kind) = def.get("Type").and_then(literal_str) else {
            return;
        };
        let resource = ResourceRef {
            address: id.to_string(),
            kind: kind.to_string(),
            unit: self.unit,
            span: self.span(key),
            body_span: Span::new(self.file, key.span.start..def.span.end),
            conditional: def.get("Condition").is_some(),
        };
        let props = Props(def.get("Properties").filter(|p| is_literal_map(p)));
        match kind {
            "AWS::EC2::Instance" => self.instance(resource, props, model),
            "AWS::EC2::LaunchTemplate" => self.launch_template(resource, props, model),
            "AWS::AutoScaling::LaunchConfiguration" => {
                self.launch_configuration(resource, props, model)
            }
            "AWS::EC2::Volume" => self.volume(resource, def, props, model),
            EIP => self.eip(resource, props, model),
            "AWS::EC2::EIPAssociation" => self.eip_association(resource, props, model),
            "AWS::EC2::NatGateway" => {
                if let Some(node) = self.present(props.get("AllocationId")) {
                    self.associate(&resource, AssociationKind::NatGateway, node, model);
                }
            }
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                self.load_balancer(&resource, props, model)
            }
            "AWS::CloudFormation::Stack" | "AWS::Serverless::Application" => {
                if let Some(p) = def.get("Properties") {
                    self.escapes(p, &format!("nested stack `{id}`"), model);
                }
            }
            "AWS::CloudFormation::CustomResource" => {
                if let Some(p) = def.get("Properties") {
                    self.escapes(p, &format!("custom resource `{id}`"), model);
                }
            }
            k if k.starts_with("Custom::") => {
                if let Some(p) = def.get("Properties") {
                    self.escapes(p, &format!("custom resource `{id}`"), model);
                }
            }
            _ => {}
        }
    }

    fn instance(&self, resource: ResourceRef, props: Props<'_>, model: &mut Model) {
        self.block_devices(
            &resource,
            VolumeOwner::Instance,
            "BlockDeviceMappings",
            props.get("BlockDeviceMappings"),
            model,
        );
        self.ami(&resource, "ImageId", props.get("ImageId"), model);
        model.instances.push(Instance {
            instance_type: self.string_field(props.get("InstanceType")),
            resource,
        });
    }

    fn launch_template(&self, resource: ResourceRef, props: Props<'_>, model: &mut Model) {
        let data = Props(
            props
                .get("LaunchTemplateData")
                .filter(|d| is_literal_map(d)),
        );
        self.block_devices(
            &resource,
            VolumeOwner::LaunchTemplate,
            "LaunchTemplateData.BlockDeviceMappings",
            data.get("BlockDeviceMappings"),
            model,
        );
        self.ami(
            &resource,
            "LaunchTemplateData.ImageId",
            data.get("ImageId"),
            model,
        );
        model.launch_templates.push(LaunchTemplate {
            resource,
            is_launch_configuration: false,
        });
    }

    fn launch_configuration(&self, resource: ResourceRef, props: Props<'_>, model: &mut Model) {
        self.block_devices(
            &resource,
            VolumeOwner::LaunchConfiguration,
            "BlockDeviceMappings",
            props.get("BlockDeviceMappings"),
            model,
        );
        self.ami(&resource, "ImageId", props.get("ImageId"), model);
        model.launch_templates.push(LaunchTemplate {
            resource,
            is_launch_configuration: true,
        });
    }

    fn ami(&self, resource: &ResourceRef, attribute: &str, node: Option<&Node>, model: &mut Model) {
        if let Some(image) = self.string_field(node) {
            model.ami_refs.push(AmiRef {
                resource: resource.clone(),
                attribute: attribute.to_string(),
                image,
            });
        }
    }

    /// Inline `BlockDeviceMappings[].Ebs` of an instance, launch template or launch
    /// configuration. Entries that are not literal (an `Fn::If` choosing a whole mapping) are
    /// skipped: we cannot tell which device exists.
    fn block_devices(
        &self,
        resource: &ResourceRef,
        owner: VolumeOwner,
        path: &str,
        mappings: Option<&Node>,
        model: &mut Model,
    ) {
        let Some(mappings) = mappings.filter(|m| is_literal_seq(m)) else {
            return;
        };
        for (i, mapping) in mappings.items().iter().enumerate() {
            if !is_literal_map(mapping) {
                continue;
            }
            let mapping = Props(Some(mapping));
            let Some(ebs) = mapping.get("Ebs").filter(|e| is_literal_map(e)) else {
                continue;
            };
            let device = match self
                .string_field(mapping.get("DeviceName"))
                .and_then(|f| f.known().cloned())
            {
                Some(name) => format!("{path}[{i}] {name}"),
                None => format!("{path}[{i}]"),
            };
            let ebs_props = Props(Some(ebs));
            let volume_type = self
                .string_field(ebs_props.get("VolumeType"))
                .unwrap_or_else(|| Field {
                    value: Value::Unknown,
                    span: self.span(ebs),
                    via: Vec::new(),
                });
            model.volumes.push(Volume {
                resource: resource.clone(),
                owner,
                device,
                span: self.span(ebs),
                volume_type,
                type_defaulted: false,
                size_gib: self.number_field(ebs_props.get("VolumeSize")),
                iops: self.number_field(ebs_props.get("Iops")),
                throughput: self.number_field(ebs_props.get("Throughput")),
                encrypted: self.bool_field(ebs_props.get("Encrypted")),
            });
        }
    }

    /// `AWS::EC2::Volume`: without `VolumeType` the API creates a `gp2` volume.
    fn volume(&self, resource: ResourceRef, def: &Node, props: Props<'_>, model: &mut Model) {
        let (volume_type, type_defaulted) = match self.string_field(props.get("VolumeType")) {
            Some(field) => (field, false),
            None => (
                Field {
                    value: Value::Known("gp2".to_string()),
                    span: resource.span,
                    via: Vec::new(),
                },
                true,
            ),
        };
        model.volumes.push(Volume {
            owner: VolumeOwner::Standalone,
            device: String::new(),
            span: self.span(def),
            volume_type,
            type_defaulted,
            size_gib: self.number_field(props.get("Size")),
            iops: self.number_field(props.get("Iops")),
            throughput: self.number_field(props.get("Throughput")),
            encrypted: self.bool_field(props.get("Encrypted")),
            resource,
        });
    }

    fn eip(&self, resource: ResourceRef, props: Props<'_>, model: &mut Model) {
        let key = self.eip_key(&resource.address);
        if let Some(node) = self.present(props.get("InstanceId")) {
            model.eip_associations.push(EipAssociation {
                declared_by: resource.clone(),
                kind: AssociationKind::EipInstance,
                eip: Value::Known(key.clone()),
                span: self.span(node),
                conditional: resource.conditional || is_if(node),
            });
        }
        model.elastic_ips.push(ElasticIp {
            domain: self.string_field(props.get("Domain")),
            resource,
            key,
        });
    }

    /// `AWS::EC2::EIPAssociation`: the EIP is named by `AllocationId` (VPC) or `EIP` (the
    /// public IP, EC2-Classic style); without either we cannot tell which EIP it is.
    fn eip_association(&self, resource: ResourceRef, props: Props<'_>, model: &mut Model) {
        let target = self
            .present(props.get("AllocationId"))
            .or_else(|| self.present(props.get("EIP")));
        match target {
            Some(node) => self.associate(&resource, AssociationKind::Association, node, model),
            None => model.eip_associations.push(EipAssociation {
                span: resource.span,
                conditional: resource.conditional,
                declared_by: resource,
                kind: AssociationKind::Association,
                eip: Value::Unknown,
            }),
        }
    }

    /// `SubnetMappings[].AllocationId` of a load balancer.
    fn load_balancer(&self, resource: &ResourceRef, props: Props<'_>, model: &mut Model) {
        let Some(mappings) = self.present(props.get("SubnetMappings")) else {
            return;
        };
        if !is_literal_seq(mappings) {
            // An intrinsic picks the mappings: if it mentions an allocation id, some EIP is
            // associated but we cannot tell which.
            if mentions_key(mappings, "AllocationId", 0) {
                self.unknown_association(resource, AssociationKind::LoadBalancer, mappings, model);
            }
            return;
        }
        for mapping in mappings.items() {
            if is_literal_map(mapping) {
                if let Some(node) = self.present(Props(Some(mapping)).get("AllocationId")) {
                    self.associate(resource, AssociationKind::LoadBalancer, node, model);
                }
            } else if mentions_key(mapping, "AllocationId", 0) {
                self.unknown_association(resource, AssociationKind::LoadBalancer, mapping, model);
            }
        }
    }

    /// An association whose EIP is given by the expression `node`: known when it resolves to
    /// an EIP of this template (`Ref`, or `Fn::GetAtt` of any attribute), unknown otherwise.
    fn associate(
        &self,
        resource: &ResourceRef,
        kind: AssociationKind,
        node: &Node,
        model: &mut Model,
    ) {
        let eip = match self.eval(node).value {
            Val::Resource { logical_id, .. } if self.is_eip(&logical_id) => {
                Value::Known(self.eip_key(&logical_id))
            }
            _ => Value::Unknown,
        };
        model.eip_associations.push(EipAssociation {
            declared_by: resource.clone(),
            kind,
            eip,
            span: self.span(node),
            conditional: resource.conditional || is_if(node),
        });
    }

    fn unknown_association(
        &self,
        resource: &ResourceRef,
        kind: AssociationKind,
        node: &Node,
        model: &mut Model,
    ) {
        model.eip_associations.push(EipAssociation {
            declared_by: resource.clone(),
            kind,
            eip: Value::Unknown,
            span: self.span(node),
            conditional: true,
        });
    }

    /// Every reference to an EIP of this template inside `node` is an escape: what receives
    /// it (another stack, a nested stack, a custom resource) may associate the EIP.
    fn escapes(&self, node: &Node, context: &str, model: &mut Model) {
        let mut refs = Vec::new();
        self.references(node, 0, &mut refs);
        for (logical_id, span) in refs {
            if self.is_eip(&logical_id) {
                model.eip_escapes.push(EipEscape {
                    eip: self.eip_key(&logical_id),
                    span,
                    context: context.to_string(),
                });
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Fields

    /// The property node if it is set: present, not null, not `!Ref AWS::NoValue`.
    fn present<'n>(&self, node: Option<&'n Node>) -> Option<&'n Node> {
        node.filter(|n| !matches!(self.eval(n).value, Val::NoValue))
    }

    fn field<T>(
        &self,
        node: Option<&Node>,
        convert: impl Fn(&Val) -> Option<T>,
    ) -> Option<Field<T>> {
        let node = node?;
        let Evaluated { value, via } = self.eval(node);
        if let Val::NoValue = value {
            return None;
        }
        Some(Field {
            value: convert(&value).map_or(Value::Unknown, Value::Known),
            span: self.span(node),
            via,
        })
    }

    fn string_field(&self, node: Option<&Node>) -> Option<Field<String>> {
        self.field(node, Val::as_string)
    }

    fn number_field(&self, node: Option<&Node>) -> Option<Field<f64>> {
        self.field(node, Val::as_number)
    }

    fn bool_field(&self, node: Option<&Node>) -> Option<Field<bool>> {
        self.field(node, Val::as_bool)
    }

    // -----------------------------------------------------------------------------------------
    // Evaluator

    fn eval(&self, node: &Node) -> Evaluated {
        self.eval_at(node, 0)
    }

    fn eval_at(&self, node: &Node, depth: usize) -> Evaluated {
        if depth > MAX_DEPTH {
            return Evaluated::unknown();
        }
        match call(node) {
            Call::Function(func, arg) => self.apply(func, arg, depth + 1),
            Call::UnknownTag => Evaluated::unknown(),
            Call::Literal => self.literal(node, depth),
        }
    }

    fn literal(&self, node: &Node, depth: usize) -> Evaluated {
        match &node.kind {
            NodeKind::Scalar { text, .. } => {
                if node.is_null() {
                    Evaluated::of(Val::Null)
                } else {
                    Evaluated::of(Val::Str(text.clone()))
                }
            }
            // `AWS::NoValue` removes a list item or a map entry.
            NodeKind::Seq(items) => Evaluated::of(Val::List(
                items
                    .iter()
                    .map(|item| self.eval_at(item, depth + 1))
                    .filter(|e| !matches!(e.value, Val::NoValue))
                    .collect(),
            )),
            NodeKind::Map(entries) => Evaluated::of(Val::Map(
                entries
                    .iter()
                    .filter_map(|(k, v)| {
                        let key = literal_str(k)?;
                        let value = self.eval_at(v, depth + 1);
                        (!matches!(value.value, Val::NoValue)).then(|| (key.to_string(), value))
                    })
                    .collect(),
            )),
        }
    }

    /// Applies an intrinsic function. Add functions here.
    fn apply(&self, func: Func, arg: Arg<'_>, depth: usize) -> Evaluated {
        if depth > MAX_DEPTH {
            return Evaluated::unknown();
        }
        match func {
            Func::Ref => arg
                .text()
                .map_or_else(Evaluated::unknown, |name| self.reference(name)),
            Func::GetAtt => self.get_att(arg, depth),
            _ => Evaluated::unknown(),
        }
    }

    /// `Ref`: a pseudo parameter, a parameter or a resource.
    fn reference(&self, name: &str) -> Evaluated {
        if name.starts_with("AWS::") {
            return if name == "AWS::NoValue" {
                Evaluated::of(Val::NoValue)
            } else {
                Evaluated::unknown()
            };
        }
        if let Some(def) = self.parameters.get(name) {
            return self.parameter(name, def);
        }
        if self.resources.contains_key(name) {
            return Evaluated::of(Val::Resource {
                logical_id: name.to_string(),
                attr: None,
            });
        }
        Evaluated::unknown()
    }

    /// The value of a parameter when the stack is created without overriding it: its literal
    /// `Default`. SSM-typed parameters resolve at deploy time (their default names an SSM
    /// parameter) and list-typed ones are not modeled yet.
    fn parameter(&self, name: &str, def: &Node) -> Evaluated {
        let ty = def.get("Type").and_then(literal_str).unwrap_or("String");
        if ty.starts_with("AWS::SSM::") || ty.starts_with("List<") || ty == "CommaDelimitedList" {
            return Evaluated::unknown();
        }
        let Some(default) = def.get("Default") else {
            return Evaluated::unknown();
        };
        if default.is_null() || !is_literal(default) {
            return Evaluated::unknown();
        }
        let NodeKind::Scalar { text, .. } = &default.kind else {
            return Evaluated::unknown();
        };
        Evaluated {
            value: Val::Str(text.clone()),
            via: vec![Origin {
                span: self.span(default),
                label: format!("parameter `{name}` default"),
            }],
        }
    }

    /// `Fn::GetAtt`: `Logical.Attr` or `[Logical, Attr]` (the attribute may be a `Ref`).
    fn get_att(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        let (logical_id, attr, via) = if let Some(text) = arg.text() {
            let Some((id, attr)) = text.split_once('.') else {
                return Evaluated::unknown();
            };
            (id, attr.to_string(), Vec::new())
        } else if let Some([id, attr]) = arg.items() {
            let Some(id) = literal_str(id) else {
                return Evaluated::unknown();
            };
            let attr = self.eval_at(attr, depth + 1);
            let Some(name) = attr.value.as_string() else {
                return Evaluated::unknown();
            };
            (id, name, attr.via)
        } else {
            return Evaluated::unknown();
        };
        if !self.resources.contains_key(logical_id) || attr.is_empty() {
            return Evaluated::unknown();
        }
        Evaluated {
            value: Val::Resource {
                logical_id: logical_id.to_string(),
                attr: Some(attr),
            },
            via,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Reference walk

    /// Collects the logical ids referenced in `node` (`Ref`, `Fn::GetAtt`, `Fn::Sub` variables)
    /// with the span of the referencing expression. Purely syntactic: every branch of an
    /// `Fn::If` counts.
    fn references(&self, node: &Node, depth: usize, out: &mut Vec<(String, Span)>) {
        if depth > MAX_DEPTH {
            return;
        }
        match call(node) {
            Call::Function(func, arg) => self.call_references(node, func, arg, depth, out),
            Call::UnknownTag | Call::Literal => self.child_references(node, depth, out),
        }
    }

    fn call_references(
        &self,
        node: &Node,
        func: Func,
        arg: Arg<'_>,
        depth: usize,
        out: &mut Vec<(String, Span)>,
    ) {
        let span = self.span(node);
        match func {
            Func::Ref => {
                if let Some(name) = arg.text() {
                    out.push((name.to_string(), span));
                }
            }
            Func::GetAtt => {
                if let Some(text) = arg.text() {
                    let id = text.split_once('.').map_or(text, |(id, _)| id);
                    out.push((id.to_string(), span));
                } else if let Some(items) = arg.items() {
                    if let Some(id) = items.first().and_then(literal_str) {
                        out.push((id.to_string(), span));
                    }
                    for item in items.iter().skip(1) {
                        self.references(item, depth + 1, out);
                    }
                }
            }
            Func::Sub => {
                if let Some(text) = arg.text() {
                    for var in sub_variables(text) {
                        out.push((var.to_string(), span));
                    }
                } else if let Some(items) = arg.items() {
                    let locals = items.get(1).map(|m| m.entries()).unwrap_or_default();
                    if let Some(text) = items.first().and_then(literal_str) {
                        for var in sub_variables(text) {
                            let local = locals.iter().any(|(k, _)| literal_str(k) == Some(var));
                            if !local {
                                out.push((var.to_string(), span));
                            }
                        }
                    }
                    for (_, value) in locals {
                        self.references(value, depth + 1, out);
                    }
                }
            }
            _ => match arg {
                Arg { node, bare: true } => self.child_references(node, depth, out),
                Arg { node, bare: false } => self.references(node, depth + 1, out),
            },
        }
    }

    fn child_references(&self, node: &Node, depth: usize, out: &mut Vec<(String, Span)>) {
        match &node.kind {
            NodeKind::Scalar { .. } => {}
            NodeKind::Seq(items) => {
                for item in items {
                    self.references(item, depth + 1, out);
                }
            }
            NodeKind::Map(entries) => {
                for (_, value) in entries {
                    self.references(value, depth + 1, out);
                }
            }
        }
    }
}

/// The properties of a resource (or any literal mapping), possibly absent.
#[derive(Clone, Copy)]
struct Props<'a>(Option<&'a Node>);

impl<'a> Props<'a> {
    /// The value of `key`, unless absent or null.
    fn get(self, key: &str) -> Option<&'a Node> {
        self.0?.get(key).filter(|v| !(v.is_null() && is_literal(v)))
    }
}

// ---------------------------------------------------------------------------------------------
// Values

/// The statically known value of an expression.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Null,
    /// A string. CloudFormation values are strings; numbers and booleans written as scalars
    /// are strings usable as numbers and booleans.
    Str(String),
    /// Results of functions that compute numbers (`Fn::Length`), once evaluated.
    #[allow(dead_code)]
    Num(f64),
    /// Results of condition functions (`Fn::Equals`...), once evaluated.
    #[allow(dead_code)]
    Bool(bool),
    List(Vec<Evaluated>),
    Map(Vec<(String, Evaluated)>),
    /// A resource of the template (`Ref`) or one of its attributes (`Fn::GetAtt`).
    Resource {
        logical_id: String,
        attr: Option<String>,
    },
    /// `AWS::NoValue`: the property is not set.
    NoValue,
    Unknown,
}

impl Val {
    fn as_string(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) => Some(n.to_string()),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<f64> {
        match self {
            Val::Str(s) => parse_number(s),
            Val::Num(n) => Some(*n),
            _ => None,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Val::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            Val::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// A decimal number (`100`, `-1.5`, `1e3`); not `inf`, `NaN` or hex.
fn parse_number(s: &str) -> Option<f64> {
    let decimal = !s.is_empty()
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    if !decimal {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A value and the definitions it was resolved through.
#[derive(Debug, Clone, PartialEq)]
struct Evaluated {
    value: Val,
    via: Vec<Origin>,
}

impl Evaluated {
    fn of(value: Val) -> Evaluated {
        Evaluated {
            value,
            via: Vec::new(),
        }
    }

    fn unknown() -> Evaluated {
        Evaluated::of(Val::Unknown)
    }
}

// ---------------------------------------------------------------------------------------------
// Intrinsic functions: syntax

/// Intrinsic functions, by name without the `Fn::` prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Ref,
    GetAtt,
    Sub,
    If,
    Join,
    Select,
    FindInMap,
    Base64,
    ImportValue,
    GetAZs,
    Equals,
    Not,
    And,
    Or,
    Condition,
    Split,
    Cidr,
    Length,
    ToJsonString,
    Transform,
    /// An `Fn::` function we do not know.
    Other,
}

impl Func {
    fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "Ref" => Func::Ref,
            "GetAtt" => Func::GetAtt,
            "Sub" => Func::Sub,
            "If" => Func::If,
            "Join" => Func::Join,
            "Select" => Func::Select,
            "FindInMap" => Func::FindInMap,
            "Base64" => Func::Base64,
            "ImportValue" => Func::ImportValue,
            "GetAZs" => Func::GetAZs,
            "Equals" => Func::Equals,
            "Not" => Func::Not,
            "And" => Func::And,
            "Or" => Func::Or,
            "Condition" => Func::Condition,
            "Split" => Func::Split,
            "Cidr" => Func::Cidr,
            "Length" => Func::Length,
            "ToJsonString" => Func::ToJsonString,
            "Transform" => Func::Transform,
            _ => return None,
        })
    }
}

/// The argument of a function call. `bare` means the node's own tag is the call's (short
/// form) and must be ignored when reading the argument.
#[derive(Clone, Copy)]
struct Arg<'n> {
    node: &'n Node,
    bare: bool,
}

impl<'n> Arg<'n> {
    /// A string argument written literally.
    fn text(self) -> Option<&'n str> {
        match &self.node.kind {
            NodeKind::Scalar { text, .. } if self.bare || is_literal(self.node) => Some(text),
            _ => None,
        }
    }

    /// A list argument written literally.
    fn items(self) -> Option<&'n [Node]> {
        match &self.node.kind {
            NodeKind::Seq(items) if self.bare || is_literal(self.node) => Some(items),
            _ => None,
        }
    }
}

enum Call<'n> {
    Function(Func, Arg<'n>),
    /// A tag that is neither a function nor a YAML core tag: we cannot tell its value.
    UnknownTag,
    Literal,
}

/// Classifies a node: a short-form (`!Ref x`) or long-form (`{Ref: x}`) function call, or a
/// literal.
fn call(node: &Node) -> Call<'_> {
    if let Some(tag) = &node.tag {
        if !is_core_tag(&tag.name) {
            let name = tag.name.strip_prefix("Fn::").unwrap_or(&tag.name);
            return match Func::from_name(name) {
                Some(func) => Call::Function(func, Arg { node, bare: true }),
                None => Call::UnknownTag,
            };
        }
    }
    match long_form(node) {
        Some((func, arg)) => Call::Function(func, arg),
        None => Call::Literal,
    }
}

/// A `Transform` other than SAM (`AWS::Serverless-2016-10-31`) can add resources we do not
/// see (macros, `Fn::ForEach` of `AWS::LanguageExtensions`): the template is then incomplete
/// for rules that need to see every association.
fn has_generating_transform(root: &Node) -> bool {
    let Some(transform) = root.get("Transform") else {
        return false;
    };
    let is_sam = |n: &Node| n.as_str() == Some("AWS::Serverless-2016-10-31");
    match &transform.kind {
        NodeKind::Seq(items) => !items.iter().all(is_sam),
        _ => !is_sam(transform),
    }
}

/// `!If [...]` / `{"Fn::If": [...]}`: the value depends on a condition.
fn is_if(node: &Node) -> bool {
    matches!(call(node), Call::Function(Func::If, _))
}

/// `{Ref: x}` or `{"Fn::Name": args}`: a mapping with a single such key. (`Condition` is a
/// function only in condition contexts, where `{Condition: x}` is unambiguous.)
fn long_form(node: &Node) -> Option<(Func, Arg<'_>)> {
    let [(key, arg)] = node.entries() else {
        return None;
    };
    let name = literal_str(key)?;
    let func = if name == "Ref" {
        Func::Ref
    } else {
        let name = name.strip_prefix("Fn::")?;
        Func::from_name(name)
            .filter(|f| *f != Func::Ref && *f != Func::Condition)
            .unwrap_or(Func::Other)
    };
    let bare = is_literal(arg);
    Some((func, Arg { node: arg, bare }))
}

/// YAML's own tags (`!!str`, `tag:yaml.org,2002:int`, the non-specific `!`...) do not change
/// what CloudFormation sees.
fn is_core_tag(name: &str) -> bool {
    let name = name.trim_start_matches('!');
    name.is_empty()
        || name.starts_with("tag:yaml.org,2002:")
        || matches!(
            name,
            "str" | "int" | "float" | "bool" | "null" | "seq" | "map" | "binary" | "timestamp"
        )
}

/// A node without a function tag.
fn is_literal(node: &Node) -> bool {
    node.tag.as_ref().is_none_or(|t| is_core_tag(&t.name))
}

fn is_literal_map(node: &Node) -> bool {
    matches!(node.kind, NodeKind::Map(_)) && is_literal(node) && long_form(node).is_none()
}

fn is_literal_seq(node: &Node) -> bool {
    matches!(node.kind, NodeKind::Seq(_)) && is_literal(node)
}

/// A scalar written as-is (a key, a logical id, a `Type`).
fn literal_str(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Scalar { text, .. } if is_literal(node) && !node.is_null() => Some(text),
        _ => None,
    }
}

/// Whether a mapping key `key` appears anywhere under `node`.
fn mentions_key(node: &Node, key: &str, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match &node.kind {
        NodeKind::Scalar { .. } => false,
        NodeKind::Seq(items) => items.iter().any(|i| mentions_key(i, key, depth + 1)),
        NodeKind::Map(entries) => entries
            .iter()
            .any(|(k, v)| literal_str(k) == Some(key) || mentions_key(v, key, depth + 1)),
    }
}

/// The logical ids (or parameter names) a `Fn::Sub` string refers to: `${Name}` and
/// `${Name.Attr}`; `${!Literal}` is an escape and pseudo parameters are skipped.
fn sub_variables(text: &str) -> Vec<&str> {
    let mut vars = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find('}') else {
            break;
        };
        let var = rest[..end].trim();
        rest = &rest[end + 1..];
        if var.starts_with('!') || var.starts_with("AWS::") {
            continue;
        }
        let id = var.split_once('.').map_or(var, |(id, _)| id);
        if !id.is_empty() {
            vars.push(id);
        }
    }
    vars
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    const FILE: FileId = FileId(3);
    const UNIT: UnitId = UnitId(7);

    fn model(text: &str) -> Model {
        let doc = yaml::parse(text).expect("test template parses");
        normalize(UNIT, FILE, "t.yaml", &doc)
    }

    fn at(text: &str, span: Span) -> &str {
        assert_eq!(span.file, FILE);
        &text[span.start..span.end]
    }

    fn key(address: &str) -> EipKey {
        EipKey {
            unit: UNIT,
            address: address.to_string(),
        }
    }

    #[test]
    fn sniff_and_detect() {
        assert!(looks_like_template(
            "AWSTemplateFormatVersion: '2010-09-09'"
        ));
        assert!(looks_like_template(
            "Resources:\n  A:\n    Type: AWS::EC2::EIP\n"
        ));
        assert!(!looks_like_template("resource \"aws_eip\" \"a\" {}"));

        let root = |t: &str| yaml::parse(t).expect("parses").root;
        assert!(is_template(&root(
            "AWSTemplateFormatVersion: '2010-09-09'\n"
        )));
        assert!(is_template(&root(
            "Resources:\n  A:\n    Type: AWS::EC2::EIP\n"
        )));
        assert!(is_template(&root(
            "Resources:\n  A:\n    Type: Custom::Thing\n"
        )));
        assert!(!is_template(&root(
            "Resources:\n  A:\n    Type: Other::Thing\n"
        )));
        assert!(!is_template(&root("Resources: [AWS::EC2::EIP]\n")));
        assert!(!is_template(&root("- a\n- b\n")));
        assert!(!is_template(&root(
            "Resources:\n  A:\n    Type: !Ref AWS::EC2::EIP\n"
        )));
    }

    #[test]
    fn unit_and_resource_refs() {
        let text = "\
Resources:
  Ip:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  Topic:
    Type: AWS::SNS::Topic
";
        let m = model(text);
        assert_eq!(m.units.len(), 1);
        let unit = &m.units[0];
        assert_eq!(unit.id, UNIT);
        assert_eq!(unit.kind, SourceKind::CloudFormation);
        assert_eq!(unit.name, "t.yaml");
        assert!(unit.complete);
        assert_eq!(m.resource_count, 2);
        assert_eq!(m.elastic_ips.len(), 1);
        let eip = &m.elastic_ips[0];
        assert_eq!(eip.key, key("Ip"));
        assert_eq!(eip.resource.address, "Ip");
        assert_eq!(eip.resource.kind, "AWS::EC2::EIP");
        assert_eq!(eip.resource.unit, UNIT);
        assert_eq!(at(text, eip.resource.span), "Ip");
        let body = at(text, eip.resource.body_span);
        assert!(body.starts_with("Ip:"), "{body:?}");
        assert!(body.trim_end().ends_with("Domain: vpc"), "{body:?}");
        let domain = eip.domain.as_ref().expect("domain");
        assert_eq!(domain.known().map(String::as_str), Some("vpc"));
        assert_eq!(at(text, domain.span), "vpc");
        assert!(m.eip_associations.is_empty());
    }

    #[test]
    fn eip_with_instance_id_is_associated() {
        let text = "\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
  Ip:
    Type: AWS::EC2::EIP
    Properties:
      InstanceId: !Ref Web
  Other:
    Type: AWS::EC2::EIP
    Properties:
      InstanceId: !Ref AWS::NoValue
";
        let m = model(text);
        assert_eq!(m.elastic_ips.len(), 2);
        assert_eq!(m.eip_associations.len(), 1);
        let a = &m.eip_associations[0];
        assert_eq!(a.kind, AssociationKind::EipInstance);
        assert_eq!(a.eip, Value::Known(key("Ip")));
        assert_eq!(a.declared_by.address, "Ip");
        assert!(at(text, a.span).contains("Web"));
    }

    #[test]
    fn eip_association_forms() {
        let text = "\
Resources:
  Ip:
    Type: AWS::EC2::EIP
  Ip2:
    Type: AWS::EC2::EIP
  Ip3:
    Type: AWS::EC2::EIP
  Ip4:
    Type: AWS::EC2::EIP
  Short:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !GetAtt Ip.AllocationId
      InstanceId: i-123
  ShortList:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !GetAtt [Ip4, AllocationId]
  Long:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: {\"Fn::GetAtt\": [\"Ip2\", \"AllocationId\"]}
  ByIp:
    Type: AWS::EC2::EIPAssociation
    Properties:
      EIP: !Ref Ip3
  LongRef:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId:
        Ref: Ip
  Imported:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !ImportValue shared-ip
  Literal:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: eipalloc-0123
  Neither:
    Type: AWS::EC2::EIPAssociation
    Properties:
      InstanceId: i-123
";
        let m = model(text);
        let by = |name: &str| {
            m.eip_associations
                .iter()
                .find(|a| a.declared_by.address == name)
                .unwrap_or_else(|| panic!("association {name}"))
        };
        assert_eq!(m.eip_associations.len(), 8);
        assert!(m
            .eip_associations
            .iter()
            .all(|a| a.kind == AssociationKind::Association));
        assert_eq!(by("Short").eip, Value::Known(key("Ip")));
        assert!(at(text, by("Short").span).contains("Ip.AllocationId"));
        assert_eq!(by("ShortList").eip, Value::Known(key("Ip4")));
        assert_eq!(by("Long").eip, Value::Known(key("Ip2")));
        assert!(at(text, by("Long").span).contains("Fn::GetAtt"));
        assert_eq!(by("ByIp").eip, Value::Known(key("Ip3")));
        assert_eq!(by("LongRef").eip, Value::Known(key("Ip")));
        assert_eq!(by("Imported").eip, Value::Unknown);
        assert_eq!(at(text, by("Imported").span), "!ImportValue shared-ip");
        assert_eq!(by("Literal").eip, Value::Unknown);
        assert_eq!(at(text, by("Literal").span), "eipalloc-0123");
        assert_eq!(by("Neither").eip, Value::Unknown);
        assert_eq!(at(text, by("Neither").span), "Neither");
    }

    #[test]
    fn association_to_a_non_eip_resource_is_unknown() {
        let text = "\
Resources:
  Ip:
    Type: AWS::EC2::EIP
  Thing:
    Type: Custom::AllocateIp
  Assoc:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !GetAtt Thing.AllocationId
";
        let m = model(text);
        assert_eq!(m.eip_associations.len(), 1);
        assert_eq!(m.eip_associations[0].eip, Value::Unknown);
    }

    #[test]
    fn nat_gateway_and_load_balancer() {
        let text = "\
Resources:
  NatIp:
    Type: AWS::EC2::EIP
  LbIp1:
    Type: AWS::EC2::EIP
  LbIp2:
    Type: AWS::EC2::EIP
  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatIp.AllocationId
      SubnetId: subnet-1
  PrivateNat:
    Type: AWS::EC2::NatGateway
    Properties:
      ConnectivityType: private
      SubnetId: subnet-1
  Nlb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Type: network
      SubnetMappings:
        - SubnetId: subnet-1
          AllocationId: !GetAtt LbIp1.AllocationId
        - SubnetId: subnet-2
          AllocationId: !GetAtt [LbIp2, AllocationId]
        - SubnetId: subnet-3
        - !If [Cond, {SubnetId: subnet-4, AllocationId: !ImportValue x}, !Ref AWS::NoValue]
";
        let m = model(text);
        let nat: Vec<_> = m
            .eip_associations
            .iter()
            .filter(|a| a.kind == AssociationKind::NatGateway)
            .collect();
        assert_eq!(nat.len(), 1);
        assert_eq!(nat[0].eip, Value::Known(key("NatIp")));
        assert_eq!(nat[0].declared_by.address, "Nat");
        assert!(at(text, nat[0].span).contains("NatIp.AllocationId"));
        let lb: Vec<_> = m
            .eip_associations
            .iter()
            .filter(|a| a.kind == AssociationKind::LoadBalancer)
            .collect();
        assert_eq!(lb.len(), 3);
        assert_eq!(lb[0].eip, Value::Known(key("LbIp1")));
        assert_eq!(lb[1].eip, Value::Known(key("LbIp2")));
        assert_eq!(lb[2].eip, Value::Unknown);
        assert!(lb.iter().all(|a| a.declared_by.address == "Nlb"));
    }

    #[test]
    fn standalone_volume_type_defaults_to_gp2() {
        let text = "\
Resources:
  Data:
    Type: AWS::EC2::Volume
    Properties:
      Size: 100
      AvailabilityZone: us-east-1a
      Encrypted: true
";
        let m = model(text);
        assert_eq!(m.volumes.len(), 1);
        let v = &m.volumes[0];
        assert_eq!(v.owner, VolumeOwner::Standalone);
        assert_eq!(v.device, "");
        assert!(at(text, v.span).starts_with("Type: AWS::EC2::Volume"));
        assert_eq!(v.volume_type.known().map(String::as_str), Some("gp2"));
        assert!(v.type_defaulted);
        assert_eq!(at(text, v.volume_type.span), "Data");
        assert!(v.volume_type.via.is_empty());
        let size = v.size_gib.as_ref().expect("size");
        assert_eq!(size.known(), Some(&100.0));
        assert_eq!(at(text, size.span), "100");
        assert_eq!(v.encrypted.as_ref().and_then(|f| f.known()), Some(&true));
        assert!(v.iops.is_none());
        assert!(v.throughput.is_none());
    }

    #[test]
    fn parameter_defaults_and_no_value() {
        let text = "\
Parameters:
  VolType:
    Type: String
    Default: io1
  Size:
    Type: Number
    Default: 200
  Free:
    Type: String
Resources:
  Data:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref VolType
      Size: !Ref Size
      Iops: !Ref AWS::NoValue
      Throughput: !Ref Free
      Encrypted: \"false\"
";
        let m = model(text);
        let v = &m.volumes[0];
        assert!(!v.type_defaulted);
        assert_eq!(v.volume_type.known().map(String::as_str), Some("io1"));
        assert_eq!(at(text, v.volume_type.span), "!Ref VolType");
        assert_eq!(v.volume_type.via.len(), 1);
        assert_eq!(at(text, v.volume_type.via[0].span), "io1");
        assert_eq!(v.volume_type.via[0].label, "parameter `VolType` default");
        let size = v.size_gib.as_ref().expect("size");
        assert_eq!(size.known(), Some(&200.0));
        assert_eq!(at(text, size.via[0].span), "200");
        assert!(v.iops.is_none(), "AWS::NoValue means not set");
        let throughput = v.throughput.as_ref().expect("throughput set");
        assert_eq!(throughput.value, Value::Unknown);
        assert!(throughput.via.is_empty());
        assert_eq!(v.encrypted.as_ref().and_then(|f| f.known()), Some(&false));
    }

    #[test]
    fn image_ids() {
        let text = "\
Parameters:
  Ami:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
  Fixed:
    Type: AWS::EC2::Image::Id
    Default: ami-0fixed
Resources:
  FromSsm:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref Ami
      InstanceType: t3.micro
  Literal:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0abc
  FromParam:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: {Ref: Fixed}
  Resolve:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: '{{resolve:ssm:/my/ami}}'
  NoImage:
    Type: AWS::EC2::Instance
";
        let m = model(text);
        assert_eq!(m.instances.len(), 5);
        assert_eq!(m.ami_refs.len(), 4);
        let ami = |name: &str| {
            m.ami_refs
                .iter()
                .find(|a| a.resource.address == name)
                .unwrap_or_else(|| panic!("ami {name}"))
        };
        assert_eq!(ami("FromSsm").attribute, "ImageId");
        assert_eq!(ami("FromSsm").image.value, Value::Unknown);
        assert_eq!(
            ami("Literal").image.known().map(String::as_str),
            Some("ami-0abc")
        );
        assert_eq!(at(text, ami("Literal").image.span), "ami-0abc");
        assert_eq!(
            ami("FromParam").image.known().map(String::as_str),
            Some("ami-0fixed")
        );
        assert_eq!(at(text, ami("FromParam").image.via[0].span), "ami-0fixed");
        assert_eq!(
            ami("Resolve").image.known().map(String::as_str),
            Some("{{resolve:ssm:/my/ami}}")
        );
        let from_ssm = m
            .instances
            .iter()
            .find(|i| i.resource.address == "FromSsm")
            .expect("instance");
        let ty = from_ssm.instance_type.as_ref().expect("type");
        assert_eq!(ty.known().map(String::as_str), Some("t3.micro"));
        assert_eq!(at(text, ty.span), "t3.micro");
        let no_image = m
            .instances
            .iter()
            .find(|i| i.resource.address == "NoImage")
            .expect("instance");
        assert!(no_image.instance_type.is_none());
    }

    #[test]
    fn inline_block_devices() {
        let text = "\
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      BlockDeviceMappings:
        - DeviceName: /dev/xvda
          Ebs:
            VolumeSize: 50
            Iops: !Ref AWS::NoValue
        - DeviceName: /dev/sdf
          Ebs:
            VolumeType: io2
            VolumeSize: '500'
            Iops: 3000
            Encrypted: true
        - DeviceName: /dev/sdg
          VirtualName: ephemeral0
        - !If [Big, {DeviceName: /dev/sdh, Ebs: {VolumeType: gp2}}, !Ref AWS::NoValue]
  Lt:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        ImageId: ami-2
        BlockDeviceMappings:
          - DeviceName: /dev/xvda
            Ebs:
              VolumeType: gp3
              Throughput: 250
  Lc:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      ImageId: ami-3
      InstanceType: t3.micro
      BlockDeviceMappings:
        - DeviceName: /dev/sda1
          Ebs:
            VolumeType: standard
";
        let m = model(text);
        assert_eq!(m.volumes.len(), 4);

        let root = &m.volumes[0];
        assert_eq!(root.owner, VolumeOwner::Instance);
        assert_eq!(root.resource.address, "Web");
        assert_eq!(root.device, "BlockDeviceMappings[0] /dev/xvda");
        assert_eq!(root.volume_type.value, Value::Unknown);
        assert!(!root.type_defaulted);
        assert_eq!(root.volume_type.span, root.span);
        assert!(at(text, root.span).starts_with("VolumeSize: 50"));
        assert_eq!(root.size_gib.as_ref().and_then(|f| f.known()), Some(&50.0));
        assert!(root.iops.is_none());

        let data = &m.volumes[1];
        assert_eq!(data.device, "BlockDeviceMappings[1] /dev/sdf");
        assert_eq!(data.volume_type.known().map(String::as_str), Some("io2"));
        assert_eq!(at(text, data.volume_type.span), "io2");
        assert_eq!(data.size_gib.as_ref().and_then(|f| f.known()), Some(&500.0));
        assert_eq!(data.iops.as_ref().and_then(|f| f.known()), Some(&3000.0));
        assert_eq!(data.encrypted.as_ref().and_then(|f| f.known()), Some(&true));

        let lt = &m.volumes[2];
        assert_eq!(lt.owner, VolumeOwner::LaunchTemplate);
        assert_eq!(lt.resource.address, "Lt");
        assert_eq!(
            lt.device,
            "LaunchTemplateData.BlockDeviceMappings[0] /dev/xvda"
        );
        assert_eq!(lt.volume_type.known().map(String::as_str), Some("gp3"));
        assert_eq!(lt.throughput.as_ref().and_then(|f| f.known()), Some(&250.0));

        let lc = &m.volumes[3];
        assert_eq!(lc.owner, VolumeOwner::LaunchConfiguration);
        assert_eq!(lc.resource.address, "Lc");
        assert_eq!(lc.device, "BlockDeviceMappings[0] /dev/sda1");
        assert_eq!(lc.volume_type.known().map(String::as_str), Some("standard"));

        assert_eq!(m.launch_templates.len(), 2);
        assert!(!m.launch_templates[0].is_launch_configuration);
        assert_eq!(m.launch_templates[0].resource.address, "Lt");
        assert!(m.launch_templates[1].is_launch_configuration);

        let attrs: Vec<_> = m
            .ami_refs
            .iter()
            .map(|a| {
                (
                    a.resource.address.as_str(),
                    a.attribute.as_str(),
                    a.image.known().cloned(),
                )
            })
            .collect();
        assert_eq!(
            attrs,
            [
                ("Web", "ImageId", Some("ami-1".to_string())),
                (
                    "Lt",
                    "LaunchTemplateData.ImageId",
                    Some("ami-2".to_string())
                ),
                ("Lc", "ImageId", Some("ami-3".to_string())),
            ]
        );
    }

    #[test]
    fn outputs_and_nested_stacks_are_escapes() {
        let text = "\
Resources:
  Ip:
    Type: AWS::EC2::EIP
  Ip2:
    Type: AWS::EC2::EIP
  Quiet:
    Type: AWS::EC2::EIP
  Record:
    Type: AWS::Route53::RecordSet
    Properties:
      ResourceRecords: [!Ref Quiet]
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://example.com/t.yaml
      Parameters:
        Allocation: !GetAtt Ip2.AllocationId
Outputs:
  IpAllocation:
    Value: !GetAtt Ip.AllocationId
    Export:
      Name: shared-ip
  Address:
    Value: !Sub 'http://${Ip}/ and ${!Literal} in ${AWS::Region}'
  Unrelated:
    Value: !Ref Record
";
        let m = model(text);
        let escapes: Vec<_> = m
            .eip_escapes
            .iter()
            .map(|e| (e.eip.address.as_str(), e.context.as_str()))
            .collect();
        assert_eq!(
            escapes,
            [
                ("Ip2", "nested stack `Child`"),
                ("Ip", "output `IpAllocation`"),
                ("Ip", "output `Address`"),
            ]
        );
        assert!(at(text, m.eip_escapes[0].span).contains("Ip2.AllocationId"));
        assert!(at(text, m.eip_escapes[1].span).contains("Ip.AllocationId"));
        assert!(m.eip_escapes.iter().all(|e| e.eip.unit == UNIT));
        assert!(m.eip_associations.is_empty());
    }

    #[test]
    fn json_template() {
        let text = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {
    "VolType": {"Type": "String", "Default": "io1"}
  },
  "Resources": {
    "Ip": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
    "Assoc": {
      "Type": "AWS::EC2::EIPAssociation",
      "Properties": {
        "AllocationId": {"Fn::GetAtt": ["Ip", "AllocationId"]},
        "InstanceId": "i-1"
      }
    },
    "Data": {
      "Type": "AWS::EC2::Volume",
      "Properties": {"VolumeType": {"Ref": "VolType"}, "Size": 20, "Iops": {"Ref": "AWS::NoValue"}}
    },
    "Ip2": {"Type": "AWS::EC2::EIP"}
  },
  "Outputs": {
    "Alloc": {"Value": {"Fn::GetAtt": "Ip2.AllocationId"}}
  }
}"#;
        let doc = yaml::parse(text).expect("parses");
        assert!(looks_like_template(text));
        assert!(is_template(&doc.root));
        let m = normalize(UNIT, FILE, "t.json", &doc);
        assert_eq!(m.resource_count, 4);
        assert_eq!(m.elastic_ips.len(), 2);
        assert_eq!(m.eip_associations.len(), 1);
        assert_eq!(m.eip_associations[0].eip, Value::Known(key("Ip")));
        assert!(at(text, m.eip_associations[0].span).contains("Fn::GetAtt"));
        let v = &m.volumes[0];
        assert_eq!(v.volume_type.known().map(String::as_str), Some("io1"));
        assert_eq!(at(text, v.volume_type.via[0].span), "\"io1\"");
        assert_eq!(v.size_gib.as_ref().and_then(|f| f.known()), Some(&20.0));
        assert!(v.iops.is_none());
        assert_eq!(m.eip_escapes.len(), 1);
        assert_eq!(m.eip_escapes[0].eip, key("Ip2"));
        assert_eq!(m.eip_escapes[0].context, "output `Alloc`");
        assert!(at(text, m.elastic_ips[0].resource.span).contains("Ip"));
    }

    #[test]
    fn numbers_and_unknowns() {
        let text = "\
Resources:
  A:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Sub '${AWS::Region}-gp3'
      Size: .inf
      Iops: 0x10
      Throughput: !FindInMap [M, a, b]
      Encrypted: yes
  B:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref Missing
      Size: -1.5e2
      Iops: !Custom 100
";
        let m = model(text);
        let a = &m.volumes[0];
        assert_eq!(a.volume_type.value, Value::Unknown);
        assert!(!a.type_defaulted);
        assert_eq!(a.size_gib.as_ref().map(|f| &f.value), Some(&Value::Unknown));
        assert_eq!(a.iops.as_ref().map(|f| &f.value), Some(&Value::Unknown));
        assert_eq!(
            a.throughput.as_ref().map(|f| &f.value),
            Some(&Value::Unknown)
        );
        assert_eq!(
            a.encrypted.as_ref().map(|f| &f.value),
            Some(&Value::Unknown)
        );
        let b = &m.volumes[1];
        assert_eq!(b.volume_type.value, Value::Unknown);
        assert_eq!(b.size_gib.as_ref().and_then(|f| f.known()), Some(&-150.0));
        assert_eq!(b.iops.as_ref().map(|f| &f.value), Some(&Value::Unknown));
    }

    #[test]
    fn resource_condition_is_ignored() {
        let text = "\
Conditions:
  Prod: !Equals [!Ref AWS::AccountId, '123']
Resources:
  Ip:
    Type: AWS::EC2::EIP
    Condition: Prod
";
        let m = model(text);
        assert_eq!(m.elastic_ips.len(), 1);
    }

    #[test]
    fn garbage_does_not_panic() {
        let cases = [
            "Resources:\n  - Type: AWS::EC2::EIP\n",
            "Resources: AWS::EC2::EIP\n",
            "Resources:\n  A:\n    Type: AWS::EC2::Volume\n    Properties: oops\n",
            "Resources:\n  A:\n    Properties:\n      Size: 1\n",
            "Resources:\n  A: [1, 2]\n  B: ~\n",
            "Resources:\n  123:\n    Type: AWS::EC2::EIP\n",
            "Resources:\n  [a, b]:\n    Type: AWS::EC2::EIP\n",
            "Resources:\n  A:\n    Type: [AWS::EC2::EIP]\n",
            "Resources:\n  A:\n    Type: AWS::EC2::Instance\n    Properties:\n      BlockDeviceMappings: {Ebs: 1}\n",
            "Resources:\n  A:\n    Type: AWS::EC2::Instance\n    Properties:\n      BlockDeviceMappings: [1, [2], {Ebs: [3]}, {Ebs: !Ref X}]\n",
            "Resources:\n  A:\n    Type: AWS::EC2::EIPAssociation\n    Properties:\n      AllocationId: !GetAtt [Ip]\n",
            "Resources:\n  A:\n    Type: AWS::EC2::EIPAssociation\n    Properties:\n      AllocationId: !GetAtt\n",
            "Resources:\n  A:\n    Type: AWS::EC2::EIPAssociation\n    Properties:\n      AllocationId: {Ref: [1]}\n",
            "Resources:\n  A:\n    Type: AWS::EC2::EIPAssociation\n    Properties:\n      AllocationId: {\"Fn::GetAtt\": {x: y}}\n",
            "Resources:\n  A:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      SubnetMappings: 7\n",
            "Parameters: [1]\nResources:\n  A:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: !Ref P\n",
            "Parameters:\n  P: 5\nResources:\n  A:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: !Ref P\n",
            "Parameters:\n  P:\n    Default: [1]\nResources:\n  A:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: !Ref P\n",
            "Outputs: [1]\nResources: {}\n",
            "Outputs:\n  O: !Sub '${'\nResources: {}\n",
            "Outputs:\n  O: !Sub ['${A}', 3]\nResources: {}\n",
            "just a string",
            "",
        ];
        for text in cases {
            let Ok(doc) = yaml::parse(text) else {
                continue;
            };
            let _ = is_template(&doc.root);
            let m = normalize(UNIT, FILE, "g.yaml", &doc);
            assert_eq!(m.units.len(), 1);
        }

        let m = model("Resources:\n  - Type: AWS::EC2::EIP\n");
        assert_eq!(m.resource_count, 0);
        assert!(m.elastic_ips.is_empty());
        let m = model("Resources:\n  A:\n    Type: AWS::EC2::Volume\n    Properties: oops\n");
        assert_eq!(m.resource_count, 1);
        assert_eq!(m.volumes.len(), 1);
        assert!(m.volumes[0].type_defaulted);
        assert!(m.volumes[0].size_gib.is_none());
        let m = model("Resources:\n  A:\n    Properties:\n      Size: 1\n");
        assert_eq!(m.resource_count, 1);
        assert!(m.volumes.is_empty());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 400;
        let mut text = String::from(
            "Resources:\n  A:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: ",
        );
        for _ in 0..depth {
            text.push_str("{\"Fn::Base64\": ");
        }
        text.push('1');
        for _ in 0..depth {
            text.push('}');
        }
        text.push_str("\nOutputs:\n  O:\n    Value: ");
        for _ in 0..depth {
            text.push('[');
        }
        for _ in 0..depth {
            text.push(']');
        }
        text.push('\n');
        let limits = yaml::Limits {
            max_depth: yaml::HARD_MAX_DEPTH,
            ..yaml::Limits::default()
        };
        let doc = yaml::parse_with_limits(&text, limits).expect("parses");
        let m = normalize(UNIT, FILE, "deep.yaml", &doc);
        assert_eq!(m.volumes.len(), 1);
        assert_eq!(
            m.volumes[0].size_gib.as_ref().map(|f| &f.value),
            Some(&Value::Unknown)
        );
    }

    #[test]
    fn core_tags_and_custom_resources() {
        let text = "\
Resources:
  Ip:
    Type: AWS::EC2::EIP
  Data:
    Type: !!str AWS::EC2::Volume
    Properties:
      VolumeType: !!str gp3
      Size: ! 100
      Iops: !Unknown 3000
  Allocator:
    Type: Custom::Allocator
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:123:function:x
      Ip: !Ref Ip
";
        let m = model(text);
        let v = &m.volumes[0];
        assert_eq!(v.volume_type.known().map(String::as_str), Some("gp3"));
        assert_eq!(v.size_gib.as_ref().and_then(|f| f.known()), Some(&100.0));
        assert_eq!(v.iops.as_ref().map(|f| &f.value), Some(&Value::Unknown));
        assert_eq!(m.eip_escapes.len(), 1);
        assert_eq!(m.eip_escapes[0].context, "custom resource `Allocator`");
        assert_eq!(at(text, m.eip_escapes[0].span), "!Ref Ip");
    }

    #[test]
    fn sub_variable_parsing() {
        assert_eq!(
            sub_variables("${A}-${B.Attr}-${!C}-${AWS::Region}-${ D }"),
            ["A", "B", "D"]
        );
        assert!(sub_variables("${unterminated").is_empty());
        assert!(sub_variables("plain").is_empty());
    }
}
