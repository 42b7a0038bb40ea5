//! Terraform: hcl-edit bodies of one module (a directory) into the model.
//!
//! Values are resolved as far as this module can see: literals, `var.x` (tfvars, then the
//! variable's default), `local.x`, string templates of known parts, known conditionals, and
//! references between resources of the module. Anything else is [`Val::Unknown`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Attribute, Block, Body};
use hcl_edit::template::Element;
use hcl_edit::Span as _;

use crate::model::*;
use crate::source::{FileId, Span};

/// A parse error with its byte offset.
#[derive(Debug, Clone)]
pub struct HclError {
    pub message: String,
    pub offset: usize,
}

/// Parses one `.tf` or `.tfvars` file.
pub fn parse(text: &str) -> Result<Body, HclError> {
    hcl_edit::parser::parse_body(text).map_err(|e| HclError {
        message: e.message().to_string(),
        offset: e.location().offset(),
    })
}

/// A parsed file of a module.
pub struct ModuleFile<'a> {
    pub file: FileId,
    pub body: &'a Body,
}

/// An evaluated value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    List(Vec<Val>),
    Obj(Vec<(String, Val)>),
    /// A reference to a resource or data source of the module (`aws_eip.web`,
    /// `data.aws_ami.ubuntu`), with the attribute read from it.
    Ref {
        address: String,
        attr: Option<String>,
    },
    Unknown,
}

impl Val {
    fn as_string(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) => Some(format_number(*n)),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            Val::Str(s) if s == "true" => Some(true),
            Val::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A value and the definitions it was resolved through.
#[derive(Debug, Clone)]
pub struct Evaluated {
    pub val: Val,
    pub via: Vec<Origin>,
}

impl Evaluated {
    fn plain(val: Val) -> Evaluated {
        Evaluated {
            val,
            via: Vec::new(),
        }
    }
}

/// Recursion guard for locals that refer to each other (and pathological inputs).
const MAX_EVAL_DEPTH: usize = 64;

/// Resource types whose attributes may carry an EIP into an association we cannot see.
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

struct Definition<'a> {
    file: FileId,
    expr: &'a Expression,
}

/// Everything of a module needed to evaluate expressions.
struct Scope<'a> {
    variables: HashMap<&'a str, Definition<'a>>,
    /// Values from `terraform.tfvars` / `*.auto.tfvars` (later files win).
    tfvars: HashMap<&'a str, Definition<'a>>,
    locals: HashMap<&'a str, Definition<'a>>,
    /// Addresses of the module's managed resources and data sources.
    resources: HashSet<String>,
}

impl<'a> Scope<'a> {
    fn eval(&self, file: FileId, expr: &Expression) -> Evaluated {
        let mut stack = Vec::new();
        self.eval_in(file, expr, &mut stack)
    }

    fn eval_in(&self, file: FileId, expr: &Expression, stack: &mut Vec<&'a str>) -> Evaluated {
        if stack.len() > MAX_EVAL_DEPTH {
            return Evaluated::plain(Val::Unknown);
        }
        match expr {
            Expression::Null(_) => Evaluated::plain(Val::Null),
            Expression::Bool(b) => Evaluated::plain(Val::Bool(*b.value())),
            Expression::Number(n) => Evaluated::plain(
                n.value()
                    .as_f64()
                    .map(Val::Num)
                    .unwrap_or(Val::Unknown),
            ),
            Expression::String(s) => Evaluated::plain(Val::Str(s.value().clone())),
            Expression::Parenthesis(p) => self.eval_in(file, p.inner(), stack),
            Expression::Array(items) => {
                let mut via = Vec::new();
                let mut out = Vec::new();
                for item in items.iter() {
                    let e = self.eval_in(file, item, stack);
                    via.extend(e.via);
                    out.push(e.val);
                }
                Evaluated {
                    val: Val::List(out),
                    via,
                }
            }
            Expression::Object(object) => {
                let mut via = Vec::new();
                let mut out = Vec::new();
                for (key, value) in object.iter() {
                    let key = match key {
                        ObjectKey::Ident(ident) => Some(ident.as_str().to_string()),
                        ObjectKey::Expression(k) => self.eval_in(file, k, stack).val.as_string(),
                    };
                    let Some(key) = key else {
                        return Evaluated::plain(Val::Unknown);
                    };
                    let e = self.eval_in(file, value.expr(), stack);
                    via.extend(e.via);
                    out.push((key, e.val));
                }
                Evaluated {
                    val: Val::Obj(out),
                    via,
                }
            }
            Expression::StringTemplate(template) => {
                let mut out = String::new();
                let mut via = Vec::new();
                for element in template.iter() {
                    match element {
                        Element::Literal(lit) => out.push_str(lit.value()),
                        Element::Interpolation(interp) => {
                            let e = self.eval_in(file, &interp.expr, stack);
                            match e.val.as_string() {
                                Some(s) => out.push_str(&s),
                                None => return Evaluated::plain(Val::Unknown),
                            }
                            via.extend(e.via);
                        }
                        Element::Directive(_) => return Evaluated::plain(Val::Unknown),
                    }
                }
                Evaluated {
                    val: Val::Str(out),
                    via,
                }
            }
            Expression::Conditional(cond) => {
                let c = self.eval_in(file, &cond.cond_expr, stack);
                match c.val.as_bool() {
                    Some(true) => self.eval_in(file, &cond.true_expr, stack),
                    Some(false) => self.eval_in(file, &cond.false_expr, stack),
                    None => Evaluated::plain(Val::Unknown),
                }
            }
            Expression::Traversal(traversal) => {
                self.eval_traversal(file, &traversal.expr, &traversal.operators, stack)
            }
            Expression::Variable(_)
            | Expression::HeredocTemplate(_)
            | Expression::FuncCall(_)
            | Expression::UnaryOp(_)
            | Expression::BinaryOp(_)
            | Expression::ForExpr(_) => Evaluated::plain(Val::Unknown),
        }
    }

    fn eval_traversal(
        &self,
        file: FileId,
        root: &Expression,
        operators: &[hcl_edit::Decorated<TraversalOperator>],
        stack: &mut Vec<&'a str>,
    ) -> Evaluated {
        let Expression::Variable(root) = root else {
            // `(expr).attr`, `[...][0]`: evaluate and apply the operators.
            let base = self.eval_in(file, root, stack);
            return self.apply_operators(file, base, operators, stack);
        };
        let root = root.as_str();
        let first = operators.first().and_then(|op| match op.value() {
            TraversalOperator::GetAttr(ident) => Some(ident.as_str()),
            _ => None,
        });
        let Some(first) = first else {
            return Evaluated::plain(Val::Unknown);
        };
        match root {
            "var" => {
                let (definition, label) = match self.tfvars.get(first) {
                    Some(d) => (Some(d), "value from tfvars"),
                    None => (self.variables.get(first), "default"),
                };
                let Some(definition) = definition else {
                    return Evaluated::plain(Val::Unknown);
                };
                let mut base = self.eval_in(definition.file, definition.expr, stack);
                if base.val != Val::Unknown {
                    base.via.insert(
                        0,
                        Origin {
                            span: span_of(definition.file, definition.expr.span()),
                            label: format!("variable `{first}` {label}"),
                        },
                    );
                }
                self.apply_operators(file, base, &operators[1..], stack)
            }
            "local" => {
                let Some((&name, definition)) = self.locals.get_key_value(first) else {
                    return Evaluated::plain(Val::Unknown);
                };
                if stack.contains(&name) {
                    return Evaluated::plain(Val::Unknown);
                }
                stack.push(name);
                let mut base = self.eval_in(definition.file, definition.expr, stack);
                stack.pop();
                if base.val != Val::Unknown {
                    base.via.push(Origin {
                        span: span_of(definition.file, definition.expr.span()),
                        label: format!("local `{first}`"),
                    });
                }
                self.apply_operators(file, base, &operators[1..], stack)
            }
            "data" => {
                let name = operators.get(1).and_then(|op| match op.value() {
                    TraversalOperator::GetAttr(ident) => Some(ident.as_str()),
                    _ => None,
                });
                match name {
                    Some(name) => self.resource_ref(
                        format!("data.{first}.{name}"),
                        &operators[2..],
                    ),
                    None => Evaluated::plain(Val::Unknown),
                }
            }
            "module" | "count" | "each" | "path" | "self" | "terraform" => {
                Evaluated::plain(Val::Unknown)
            }
            resource_type => {
                self.resource_ref(format!("{resource_type}.{first}"), &operators[1..])
            }
        }
    }

    /// `aws_eip.web`, `aws_eip.web[0].id`, `aws_eip.web.*.id`: a reference to the resource,
    /// whichever instance, with the first attribute read.
    fn resource_ref(
        &self,
        address: String,
        rest: &[hcl_edit::Decorated<TraversalOperator>],
    ) -> Evaluated {
        if !self.resources.contains(&address) {
            return Evaluated::plain(Val::Unknown);
        }
        let attr = rest.iter().find_map(|op| match op.value() {
            TraversalOperator::GetAttr(ident) => Some(ident.as_str().to_string()),
            _ => None,
        });
        Evaluated::plain(Val::Ref { address, attr })
    }

    fn apply_operators(
        &self,
        file: FileId,
        mut base: Evaluated,
        operators: &[hcl_edit::Decorated<TraversalOperator>],
        stack: &mut Vec<&'a str>,
    ) -> Evaluated {
        for op in operators {
            let next = match (op.value(), &base.val) {
                (TraversalOperator::GetAttr(ident), Val::Obj(entries)) => entries
                    .iter()
                    .find(|(k, _)| k == ident.as_str())
                    .map(|(_, v)| v.clone())
                    .unwrap_or(Val::Unknown),
                (TraversalOperator::Index(index), value) => {
                    let index = self.eval_in(file, index, stack);
                    base.via.extend(index.via);
                    index_value(value, &index.val)
                }
                (TraversalOperator::LegacyIndex(i), value) => {
                    index_value(value, &Val::Num(*i.value() as f64))
                }
                _ => Val::Unknown,
            };
            base.val = next;
            if base.val == Val::Unknown {
                return Evaluated::plain(Val::Unknown);
            }
        }
        base
    }
}

fn index_value(value: &Val, index: &Val) -> Val {
    match (value, index) {
        (Val::List(items), Val::Num(n)) if *n >= 0.0 && n.fract() == 0.0 => {
            items.get(*n as usize).cloned().unwrap_or(Val::Unknown)
        }
        (Val::Obj(entries), key) => match key.as_string() {
            Some(key) => entries
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or(Val::Unknown),
            None => Val::Unknown,
        },
        _ => Val::Unknown,
    }
}

fn span_of(file: FileId, range: Option<Range<usize>>) -> Span {
    Span::new(file, range.unwrap_or(0..0))
}

/// Normalizes one module. `files` are its `.tf` files, `tfvars` its `terraform.tfvars` and
/// `*.auto.tfvars` files in Terraform's load order (later wins).
pub fn normalize(
    unit: UnitId,
    name: &str,
    files: &[ModuleFile<'_>],
    tfvars: &[ModuleFile<'_>],
    complete: bool,
) -> Model {
    let mut scope = Scope {
        variables: HashMap::new(),
        tfvars: HashMap::new(),
        locals: HashMap::new(),
        resources: HashSet::new(),
    };
    for mf in tfvars {
        for attr in mf.body.attributes() {
            scope.tfvars.insert(
                attr.key.as_str(),
                Definition {
                    file: mf.file,
                    expr: &attr.value,
                },
            );
        }
    }
    for mf in files {
        for block in mf.body.blocks() {
            match (block.ident.as_str(), labels(block).as_slice()) {
                ("variable", [name]) => {
                    if let Some(default) = block.body.get_attribute("default") {
                        scope.variables.insert(
                            name,
                            Definition {
                                file: mf.file,
                                expr: &default.value,
                            },
                        );
                    }
                }
                ("locals", []) => {
                    for attr in block.body.attributes() {
                        scope.locals.insert(
                            attr.key.as_str(),
                            Definition {
                                file: mf.file,
                                expr: &attr.value,
                            },
                        );
                    }
                }
                ("resource", [kind, name]) => {
                    scope.resources.insert(format!("{kind}.{name}"));
                }
                ("data", [kind, name]) => {
                    scope.resources.insert(format!("data.{kind}.{name}"));
                }
                _ => {}
            }
        }
    }

    let mut n = Normalizer {
        unit,
        scope: &scope,
        model: Model::default(),
    };
    n.model.units.push(Unit {
        id: unit,
        kind: SourceKind::Terraform,
        name: name.to_string(),
        complete,
    });
    for mf in files {
        for block in mf.body.blocks() {
            n.block(mf.file, block);
        }
    }
    n.model
}

fn to_field<T>(
    file: FileId,
    attr: &Attribute,
    e: Evaluated,
    convert: impl Fn(&Val) -> Option<T>,
) -> Field<T> {
    match convert(&e.val) {
        Some(v) => Field {
            value: Value::Known(v),
            span: span_of(file, attr.value.span()),
            via: e.via,
        },
        None => Field {
            value: Value::Unknown,
            span: span_of(file, attr.value.span()),
            via: Vec::new(),
        },
    }
}

fn labels(block: &Block) -> Vec<&str> {
    block.labels.iter().map(|l| l.as_str()).collect()
}

struct Normalizer<'s, 'a> {
    unit: UnitId,
    scope: &'s Scope<'a>,
    model: Model,
}

impl Normalizer<'_, '_> {
    fn block(&mut self, file: FileId, block: &Block) {
        let labels = labels(block);
        match (block.ident.as_str(), labels.as_slice()) {
            ("resource", [kind, name]) => {
                self.model.resource_count += 1;
                let resource = self.resource_ref(file, block, kind, format!("{kind}.{name}"));
                if self.not_created(file, &block.body) {
                    return;
                }
                self.resource(file, block, resource);
            }
            ("data", [kind, name]) if *kind == "aws_ami" => {
                let resource =
                    self.resource_ref(file, block, kind, format!("data.{kind}.{name}"));
                if self.not_created(file, &block.body) {
                    return;
                }
                self.model.ami_lookups.push(AmiLookup {
                    most_recent: self.field(file, &block.body, "most_recent", Val::as_bool),
                    owners: self.field(file, &block.body, "owners", |v| match v {
                        Val::List(items) => items.iter().map(Val::as_string).collect(),
                        _ => None,
                    }),
                    resource,
                });
            }
            ("output", [name]) => {
                let context = format!("output `{name}`");
                for attr in block.body.attributes() {
                    self.escapes(file, &attr.value, &context);
                }
            }
            ("module", [name]) => {
                let context = format!("module `{name}`");
                for attr in block.body.attributes() {
                    self.escapes(file, &attr.value, &context);
                }
            }
            _ => {}
        }
    }

    fn resource_ref(&self, file: FileId, block: &Block, kind: &str, address: String) -> ResourceRef {
        let body_span = span_of(file, block.span());
        let header_start = block.ident.span().map(|r| r.start).unwrap_or(body_span.start);
        let header_end = block
            .labels
            .last()
            .and_then(|l| l.span())
            .map(|r| r.end)
            .unwrap_or(header_start);
        ResourceRef {
            address,
            kind: kind.to_string(),
            unit: self.unit,
            span: Span::new(file, header_start..header_end),
            body_span,
            conditional: self.maybe_not_created(file, &block.body),
        }
    }

    /// `count`/`for_each` whose value is unknown: the resource may not be created.
    fn maybe_not_created(&self, file: FileId, body: &Body) -> bool {
        if let Some(count) = body.get_attribute("count") {
            if self.scope.eval(file, &count.value).val.as_f64().is_none() {
                return true;
            }
        }
        if let Some(for_each) = body.get_attribute("for_each") {
            if !matches!(
                self.scope.eval(file, &for_each.value).val,
                Val::List(_) | Val::Obj(_)
            ) {
                return true;
            }
        }
        false
    }

    /// `count = 0` or an empty `for_each`: the resource is not created.
    fn not_created(&self, file: FileId, body: &Body) -> bool {
        if let Some(count) = body.get_attribute("count") {
            if let Some(n) = self.scope.eval(file, &count.value).val.as_f64() {
                return n <= 0.0;
            }
        }
        if let Some(for_each) = body.get_attribute("for_each") {
            match self.scope.eval(file, &for_each.value).val {
                Val::List(items) => return items.is_empty(),
                Val::Obj(entries) => return entries.is_empty(),
                _ => {}
            }
        }
        false
    }

    /// Evaluates attribute `key` of `body` into a field; `None` when the attribute is absent
    /// or explicitly null.
    fn field<T>(
        &self,
        file: FileId,
        body: &Body,
        key: &str,
        convert: impl Fn(&Val) -> Option<T>,
    ) -> Option<Field<T>> {
        let attr = body.get_attribute(key)?;
        let e = self.scope.eval(file, &attr.value);
        if e.val == Val::Null {
            return None;
        }
        Some(to_field(file, attr, e, convert))
    }

    fn attr_field<T>(
        &self,
        file: FileId,
        attr: &Attribute,
        convert: impl Fn(&Val) -> Option<T>,
    ) -> Field<T> {
        to_field(file, attr, self.scope.eval(file, &attr.value), convert)
    }

    fn resource(&mut self, file: FileId, block: &Block, resource: ResourceRef) {
        let body = &block.body;
        match resource.kind.as_str() {
            "aws_instance" => {
                self.model.instances.push(Instance {
                    instance_type: self.field(file, body, "instance_type", Val::as_string),
                    resource: resource.clone(),
                });
                self.ami(file, body, "ami", &resource);
                self.inline_devices(file, body, &resource, VolumeOwner::Instance, "volume_size");
            }
            "aws_launch_configuration" => {
                self.model.launch_templates.push(LaunchTemplate {
                    resource: resource.clone(),
                    is_launch_configuration: true,
                });
                self.ami(file, body, "image_id", &resource);
                self.inline_devices(
                    file,
                    body,
                    &resource,
                    VolumeOwner::LaunchConfiguration,
                    "volume_size",
                );
            }
            "aws_launch_template" => {
                self.model.launch_templates.push(LaunchTemplate {
                    resource: resource.clone(),
                    is_launch_configuration: false,
                });
                self.ami(file, body, "image_id", &resource);
                for mapping in body.get_blocks("block_device_mappings") {
                    let device = self
                        .field(file, &mapping.body, "device_name", Val::as_string)
                        .and_then(|f| f.known().cloned());
                    for ebs in mapping.body.get_blocks("ebs") {
                        let device = match &device {
                            Some(d) => format!("block_device_mappings {d}"),
                            None => "block_device_mappings".to_string(),
                        };
                        let volume = self.volume(
                            file,
                            ebs,
                            &resource,
                            VolumeOwner::LaunchTemplate,
                            device,
                            "volume_size",
                        );
                        self.model.volumes.push(volume);
                    }
                }
            }
            "aws_ebs_volume" => {
                let volume_type = match body.get_attribute("type") {
                    Some(attr) => (self.attr_field(file, attr, Val::as_string), false),
                    None => (
                        Field {
                            value: Value::Known(crate::aws_data::AwsData::embedded()
                                .map(|d| d.ebs.default_volume_type.value.clone())
                                .unwrap_or_else(|_| "gp2".to_string())),
                            span: resource.span,
                            via: Vec::new(),
                        },
                        true,
                    ),
                };
                self.model.volumes.push(Volume {
                    owner: VolumeOwner::Standalone,
                    device: String::new(),
                    span: resource.body_span,
                    volume_type: volume_type.0,
                    type_defaulted: volume_type.1,
                    size_gib: self.field(file, body, "size", Val::as_f64),
                    iops: self.field(file, body, "iops", Val::as_f64),
                    throughput: self.field(file, body, "throughput", Val::as_f64),
                    encrypted: self.field(file, body, "encrypted", Val::as_bool),
                    resource,
                });
            }
            "aws_eip" => {
                let key = EipKey {
                    unit: self.unit,
                    address: resource.address.clone(),
                };
                let domain = match self.field(file, body, "domain", Val::as_string) {
                    Some(d) => Some(d),
                    None => self.field(file, body, "vpc", Val::as_bool).map(|f| Field {
                        value: match f.value {
                            Value::Known(true) => Value::Known("vpc".to_string()),
                            Value::Known(false) => Value::Known("standard".to_string()),
                            Value::Unknown => Value::Unknown,
                        },
                        span: f.span,
                        via: f.via,
                    }),
                };
                for (attr, kind) in [
                    ("instance", AssociationKind::EipInstance),
                    ("network_interface", AssociationKind::EipNetworkInterface),
                ] {
                    if let Some(a) = body.get_attribute(attr) {
                        let value = self.scope.eval(file, &a.value).val;
                        if value != Val::Null {
                            self.model.eip_associations.push(EipAssociation {
                                declared_by: resource.clone(),
                                kind,
                                eip: Value::Known(key.clone()),
                                span: span_of(file, a.span()),
                                conditional: resource.conditional
                                    || (value == Val::Unknown
                                        && matches!(a.value, Expression::Conditional(_))),
                            });
                        }
                    }
                }
                self.model.elastic_ips.push(ElasticIp {
                    resource,
                    key,
                    domain,
                });
            }
            "aws_eip_association" => {
                let attr = body
                    .get_attribute("allocation_id")
                    .or_else(|| body.get_attribute("public_ip"));
                self.association(file, attr, resource, AssociationKind::Association);
            }
            "aws_nat_gateway" => {
                // A private NAT gateway has no allocation id: no association.
                if let Some(attr) = body.get_attribute("allocation_id") {
                    self.association(file, Some(attr), resource, AssociationKind::NatGateway);
                }
            }
            "aws_lb" | "aws_alb" => {
                for mapping in body.get_blocks("subnet_mapping") {
                    if let Some(attr) = mapping.body.get_attribute("allocation_id") {
                        self.association(
                            file,
                            Some(attr),
                            resource.clone(),
                            AssociationKind::LoadBalancer,
                        );
                    }
                }
            }
            _ => {}
        }
    }

    fn ami(&mut self, file: FileId, body: &Body, key: &str, resource: &ResourceRef) {
        if let Some(attr) = body.get_attribute(key) {
            self.model.ami_refs.push(AmiRef {
                resource: resource.clone(),
                attribute: key.to_string(),
                image: self.attr_field(file, attr, Val::as_string),
            });
        }
    }

    fn inline_devices(
        &mut self,
        file: FileId,
        body: &Body,
        resource: &ResourceRef,
        owner: VolumeOwner,
        size_key: &str,
    ) {
        for block in body.get_blocks("root_block_device") {
            let v = self.volume(file, block, resource, owner, "root_block_device".into(), size_key);
            self.model.volumes.push(v);
        }
        for block in body.get_blocks("ebs_block_device") {
            let device = match self
                .field(file, &block.body, "device_name", Val::as_string)
                .and_then(|f| f.known().cloned())
            {
                Some(d) => format!("ebs_block_device {d}"),
                None => "ebs_block_device".to_string(),
            };
            let v = self.volume(file, block, resource, owner, device, size_key);
            self.model.volumes.push(v);
        }
    }

    /// An inline block device: without `volume_type` the type comes from the AMI (unknown).
    fn volume(
        &self,
        file: FileId,
        block: &Block,
        resource: &ResourceRef,
        owner: VolumeOwner,
        device: String,
        size_key: &str,
    ) -> Volume {
        let body = &block.body;
        let span = span_of(file, block.span());
        let volume_type = self
            .field(file, body, "volume_type", Val::as_string)
            .unwrap_or(Field {
                value: Value::Unknown,
                span: span_of(file, block.ident.span()),
                via: Vec::new(),
            });
        Volume {
            resource: resource.clone(),
            owner,
            device,
            span,
            volume_type,
            type_defaulted: false,
            size_gib: self.field(file, body, size_key, Val::as_f64),
            iops: self.field(file, body, "iops", Val::as_f64),
            throughput: self.field(file, body, "throughput", Val::as_f64),
            encrypted: self.field(file, body, "encrypted", Val::as_bool),
        }
    }

    /// An association whose EIP is given by `attr` (`allocation_id`, `public_ip`).
    fn association(
        &mut self,
        file: FileId,
        attr: Option<&Attribute>,
        resource: ResourceRef,
        kind: AssociationKind,
    ) {
        let (eip, span, conditional) = match attr {
            Some(attr) => (
                self.eip_target(file, &attr.value),
                span_of(file, attr.span()),
                matches!(attr.value, Expression::Conditional(_))
                    && self.scope.eval(file, &attr.value).val == Val::Unknown,
            ),
            None => (Value::Unknown, resource.span, false),
        };
        self.model.eip_associations.push(EipAssociation {
            conditional: conditional || resource.conditional,
            declared_by: resource,
            kind,
            eip,
            span,
        });
    }

    /// The EIP an expression designates: a resolved reference to an `aws_eip` of this module,
    /// or, when the expression cannot be evaluated (`element(aws_eip.nat.*.id, count.index)`),
    /// the only `aws_eip` it mentions.
    fn eip_target(&self, file: FileId, expr: &Expression) -> Value<EipKey> {
        if let Val::Ref { address, .. } = self.scope.eval(file, expr).val {
            if address.starts_with("aws_eip.") {
                return Value::Known(EipKey {
                    unit: self.unit,
                    address,
                });
            }
        }
        let mut mentioned = BTreeMap::new();
        self.eip_mentions(file, expr, &mut mentioned, &mut Vec::new());
        let mut addresses = mentioned.into_keys();
        match (addresses.next(), addresses.next()) {
            (Some(address), None) => Value::Known(EipKey {
                unit: self.unit,
                address,
            }),
            _ => Value::Unknown,
        }
    }

    fn escapes(&mut self, file: FileId, expr: &Expression, context: &str) {
        let mut mentioned = BTreeMap::new();
        self.eip_mentions(file, expr, &mut mentioned, &mut Vec::new());
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

    /// Every `aws_eip` of the module that `expr` mentions (through locals too), except through
    /// attributes that cannot associate it (`public_dns`, `tags`...).
    fn eip_mentions(
        &self,
        file: FileId,
        expr: &Expression,
        out: &mut BTreeMap<String, Span>,
        locals_seen: &mut Vec<String>,
    ) {
        let mut visitor = MentionVisitor {
            file,
            found: Vec::new(),
        };
        hcl_edit::visit::Visit::visit_expr(&mut visitor, expr);
        for mention in visitor.found {
            match mention {
                Mention::Eip { address, span } => {
                    if self.scope.resources.contains(&address) {
                        out.entry(address).or_insert(span);
                    }
                }
                Mention::Local(name) => {
                    if locals_seen.contains(&name) || locals_seen.len() > MAX_EVAL_DEPTH {
                        continue;
                    }
                    if let Some(def) = self.scope.locals.get(name.as_str()) {
                        locals_seen.push(name);
                        self.eip_mentions(def.file, def.expr, out, locals_seen);
                    }
                }
            }
        }
    }
}

enum Mention {
    Eip { address: String, span: Span },
    Local(String),
}

struct MentionVisitor {
    file: FileId,
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
                            address: format!("aws_eip.{name}"),
                            span: span_of(self.file, traversal.span()),
                        });
                    }
                }
                ("local", [name, ..]) => self.found.push(Mention::Local(name.to_string())),
                _ => {}
            }
        }
        hcl_edit::visit::visit_traversal(self, traversal);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model_of(files: &[&str]) -> (Model, Vec<String>) {
        let bodies: Vec<Body> = files.iter().map(|t| parse(t).unwrap()).collect();
        let mfs: Vec<ModuleFile> = bodies
            .iter()
            .enumerate()
            .map(|(i, body)| ModuleFile {
                file: FileId(i as u32),
                body,
            })
            .collect();
        let model = normalize(UnitId(0), "m", &mfs, &[], true);
        (model, files.iter().map(|s| s.to_string()).collect())
    }

    fn text<'a>(texts: &'a [String], span: Span) -> &'a str {
        &texts[span.file.0 as usize][span.start..span.end]
    }

    #[test]
    fn resolves_variable_default_and_local_with_origins() {
        let (model, texts) = model_of(&[r#"
variable "disk_type" {
  default = "io1"
}
locals {
  size = 200
}
resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  type              = var.disk_type
  size              = local.size
  iops              = 4000
}
"#]);
        assert_eq!(model.volumes.len(), 1);
        let v = &model.volumes[0];
        assert_eq!(v.volume_type.known().map(String::as_str), Some("io1"));
        assert_eq!(text(&texts, v.volume_type.span), "var.disk_type");
        assert_eq!(text(&texts, v.volume_type.via[0].span), "\"io1\"");
        assert_eq!(v.volume_type.via[0].label, "variable `disk_type` default");
        assert_eq!(v.size_gib.as_ref().unwrap().known(), Some(&200.0));
        assert_eq!(v.iops.as_ref().unwrap().known(), Some(&4000.0));
        assert!(!v.type_defaulted);
    }

    #[test]
    fn standalone_volume_without_type_is_gp2_and_inline_is_unknown() {
        let (model, texts) = model_of(&[r#"
resource "aws_ebs_volume" "logs" {
  size = 500
}
resource "aws_instance" "web" {
  ami = "ami-0123456789abcdef0"
  root_block_device {
    volume_size = 30
  }
  ebs_block_device {
    device_name = "/dev/sdf"
    volume_type = "gp2"
  }
}
"#]);
        let logs = &model.volumes[0];
        assert!(logs.type_defaulted);
        assert_eq!(logs.volume_type.known().map(String::as_str), Some("gp2"));
        assert_eq!(text(&texts, logs.volume_type.span), "resource \"aws_ebs_volume\" \"logs\"");
        let root = &model.volumes[1];
        assert_eq!(root.volume_type.value, Value::Unknown);
        assert_eq!(root.device, "root_block_device");
        assert_eq!(model.volumes[2].device, "ebs_block_device /dev/sdf");
        assert_eq!(model.ami_refs[0].image.known().map(String::as_str), Some("ami-0123456789abcdef0"));
    }

    #[test]
    fn unknown_values_stay_unknown() {
        let (model, _) = model_of(&[r#"
variable "disk_type" {}
resource "aws_ebs_volume" "a" {
  type = var.disk_type
  size = max(10, 20)
}
resource "aws_ebs_volume" "b" {
  type = var.undeclared
}
resource "aws_ebs_volume" "c" {
  type = "${var.disk_type}x"
}
"#]);
        for v in &model.volumes {
            assert_eq!(v.volume_type.value, Value::Unknown, "{}", v.resource.address);
        }
        assert_eq!(model.volumes[0].size_gib.as_ref().unwrap().value, Value::Unknown);
    }

    #[test]
    fn associations_across_files_and_kinds() {
        let (model, _) = model_of(&[
            r#"
resource "aws_eip" "a" { domain = "vpc" }
resource "aws_eip" "b" { domain = "vpc" }
resource "aws_eip" "c" { instance = aws_instance.x.id }
resource "aws_eip" "nat" {
  count = 2
}
resource "aws_eip" "never" {
  count = 0
}
"#,
            r#"
resource "aws_eip_association" "a" {
  allocation_id = aws_eip.a.id
  instance_id   = "i-123"
}
resource "aws_nat_gateway" "gw" {
  count         = 2
  allocation_id = element(aws_eip.nat.*.id, count.index)
  subnet_id     = "subnet-1"
}
resource "aws_lb" "nlb" {
  subnet_mapping {
    subnet_id     = "subnet-1"
    allocation_id = aws_eip.b.allocation_id
  }
}
"#,
        ]);
        assert_eq!(model.elastic_ips.len(), 4, "count = 0 creates nothing");
        let targets: Vec<_> = model
            .eip_associations
            .iter()
            .map(|a| (a.kind, a.eip.known().map(|k| k.address.clone())))
            .collect();
        assert_eq!(
            targets,
            vec![
                (AssociationKind::EipInstance, Some("aws_eip.c".to_string())),
                (AssociationKind::Association, Some("aws_eip.a".to_string())),
                (AssociationKind::NatGateway, Some("aws_eip.nat".to_string())),
                (AssociationKind::LoadBalancer, Some("aws_eip.b".to_string())),
            ]
        );
    }

    #[test]
    fn outputs_and_module_arguments_are_escapes_but_dns_is_not() {
        let (model, _) = model_of(&[r#"
resource "aws_eip" "a" {}
resource "aws_eip" "b" {}
resource "aws_eip" "c" {}
locals {
  ids = [aws_eip.b.id]
}
output "a" { value = aws_eip.a.allocation_id }
module "m" {
  source = "./m"
  ids    = local.ids
}
output "dns" { value = aws_eip.c.public_dns }
"#]);
        let escaped: Vec<_> = model.eip_escapes.iter().map(|e| e.eip.address.as_str()).collect();
        assert_eq!(escaped, vec!["aws_eip.a", "aws_eip.b"]);
    }

    #[test]
    fn tfvars_override_defaults() {
        let main = parse(
            r#"
variable "t" { default = "gp3" }
resource "aws_ebs_volume" "a" { type = var.t }
"#,
        )
        .unwrap();
        let vars = parse("t = \"io1\"\n").unwrap();
        let model = normalize(
            UnitId(0),
            "m",
            &[ModuleFile { file: FileId(0), body: &main }],
            &[ModuleFile { file: FileId(1), body: &vars }],
            true,
        );
        let v = &model.volumes[0];
        assert_eq!(v.volume_type.known().map(String::as_str), Some("io1"));
        assert_eq!(v.volume_type.via[0].label, "variable `t` value from tfvars");
        assert_eq!(v.volume_type.via[0].span.file, FileId(1));
    }

    #[test]
    fn local_cycles_do_not_hang() {
        let (model, _) = model_of(&[r#"
locals {
  a = local.b
  b = local.a
}
resource "aws_ebs_volume" "x" { type = local.a }
resource "aws_eip_association" "y" { allocation_id = local.a }
"#]);
        assert_eq!(model.volumes[0].volume_type.value, Value::Unknown);
        assert_eq!(model.eip_associations[0].eip, Value::Unknown);
    }

    #[test]
    fn ami_lookup_fields() {
        let (model, _) = model_of(&[r#"
data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"]
}
data "aws_ami" "loose" {
  filter {
    name   = "name"
    values = ["x"]
  }
}
"#]);
        assert_eq!(model.ami_lookups.len(), 2);
        assert_eq!(model.ami_lookups[0].most_recent.as_ref().unwrap().known(), Some(&true));
        assert_eq!(
            model.ami_lookups[0].owners.as_ref().unwrap().known(),
            Some(&vec!["099720109477".to_string()])
        );
        assert!(model.ami_lookups[1].most_recent.is_none());
        assert!(model.ami_lookups[1].owners.is_none());
    }
}
