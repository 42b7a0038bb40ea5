//! CloudFormation templates (YAML or JSON) normalized into the [`Model`].
//!
//! A template is one unit. Property values go through a small evaluator of intrinsic functions
//! that resolves only what it can prove statically and reports everything else as unknown:
//! precision first, never guess.
//!
//! What the evaluator knows:
//! - parameters: a value given on the command line ([`CfnOptions::parameters`]) wins over the
//!   `Default`; without either, the `AllowedValues` are the candidates;
//! - pseudo parameters: `AWS::Region` when [`CfnOptions::region`] is set, `AWS::NoValue`;
//! - `Conditions` (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`): a resource whose
//!   condition is false is not created (not modeled, not counted); `Fn::If` picks its branch
//!   when the condition is known;
//! - `Fn::FindInMap` (with the `DefaultValue` of `AWS::LanguageExtensions`), `Fn::Sub`,
//!   `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::Base64`, `Fn::Length`.
//!
//! A value may be one of several candidates (the allowed values of a parameter, both branches
//! of an `Fn::If` whose condition is unknown, every row of a mapping for an unknown key). A
//! field is known only when every candidate gives the same value: rules then fire on what is
//! deployed whichever candidate is chosen.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};

use crate::model::*;
use crate::parse::yaml::{Node, NodeKind, YamlDoc};
use crate::source::{FileId, Span};

/// What the run knows about the deployment of a template.
#[derive(Debug, Clone, Default)]
pub struct CfnOptions {
    /// `--parameter Name=Value` and `--parameter-file` values; override `Default`.
    pub parameters: BTreeMap<String, String>,
    /// `--region`: the value of `AWS::Region` (unknown when None).
    pub region: Option<String>,
}

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
pub fn normalize(
    unit: UnitId,
    file: FileId,
    name: &str,
    doc: &YamlDoc,
    options: &CfnOptions,
) -> Model {
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
    let template = Template::new(unit, file, root, options);
    if let Some(resources) = root.get("Resources") {
        for (key, def) in resources.entries() {
            if template.resource(key, def, &mut model) {
                model.resource_count += 1;
            }
        }
    }
    if let Some(outputs) = root.get("Outputs") {
        for (key, def) in outputs.entries() {
            let Some(name) = literal_str(key) else {
                continue;
            };
            if template.condition_of(def) == Some(false) {
                continue;
            }
            template.escapes(def, &format!("output `{name}`"), &mut model);
        }
    }
    model
}

/// [`normalize`] without parameter values or region.
pub fn normalize_default(unit: UnitId, file: FileId, name: &str, doc: &YamlDoc) -> Model {
    normalize(unit, file, name, doc, &CfnOptions::default())
}

// ---------------------------------------------------------------------------------------------
// Resource types

const EIP: &str = "AWS::EC2::EIP";

/// Guards the recursion of the evaluator and of reference walks against hostile nesting.
const MAX_DEPTH: usize = 128;

/// Most candidates a value may have before it is given up as unknown.
const MAX_CANDIDATES: usize = 64;

/// A condition being evaluated (to break cycles) or its result.
#[derive(Clone)]
enum CondState {
    Busy,
    Done(Evaluated),
}

/// The template-wide context: what `Ref`, `Fn::GetAtt`, `Fn::FindInMap` and `Fn::If` can
/// point at.
struct Template<'a> {
    unit: UnitId,
    file: FileId,
    options: &'a CfnOptions,
    /// Parameter name -> its key and definition.
    parameters: HashMap<&'a str, (&'a Node, &'a Node)>,
    /// Logical id -> resource type (None when `Type` is missing or not a string).
    resources: HashMap<&'a str, Option<&'a str>>,
    /// Mapping name -> its definition.
    mappings: HashMap<&'a str, &'a Node>,
    /// Condition name -> its key and definition.
    conditions: HashMap<&'a str, (&'a Node, &'a Node)>,
    /// Evaluated conditions.
    condition_memo: RefCell<HashMap<String, CondState>>,
    /// While a resource with an unknown `Condition` is modeled: that condition's name and the
    /// span of the resource's `Condition` value. Wherever the resource exists, it is true.
    assumed: Cell<Option<(&'a str, Span)>>,
}

impl<'a> Template<'a> {
    fn new(unit: UnitId, file: FileId, root: &'a Node, options: &'a CfnOptions) -> Template<'a> {
        let named = |section: &str| {
            let mut out = HashMap::new();
            if let Some(node) = root.get(section) {
                for (key, def) in node.entries() {
                    if let Some(name) = literal_str(key) {
                        out.entry(name).or_insert((key, def));
                    }
                }
            }
            out
        };
        let parameters = named("Parameters");
        let conditions = named("Conditions");
        let mappings = named("Mappings")
            .into_iter()
            .map(|(name, (_, def))| (name, def))
            .collect();
        let resources = named("Resources")
            .into_iter()
            .map(|(id, (_, def))| (id, def.get("Type").and_then(literal_str)))
            .collect();
        Template {
            unit,
            file,
            options,
            parameters,
            resources,
            mappings,
            conditions,
            condition_memo: RefCell::new(HashMap::new()),
            assumed: Cell::new(None),
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

    /// The value of the `Condition` attribute of a resource or output: None when there is
    /// none or it is unknown.
    fn condition_of(&self, def: &Node) -> Option<bool> {
        let name = literal_str(def.get("Condition")?)?;
        truth(&self.condition_named(name, 0).value)
    }

    /// Models one entry of `Resources`. Returns false when the resource is not created (its
    /// condition is false).
    fn resource(&self, key: &'a Node, def: &'a Node, model: &mut Model) -> bool {
        let (conditional, assumed) = match def.get("Condition") {
            None => (false, None),
            Some(c) => match literal_str(c) {
                Some(name) => match truth(&self.condition_named(name, 0).value) {
                    Some(false) => return false,
                    Some(true) => (false, None),
                    None => (true, Some((name, self.span(c)))),
                },
                None => (true, None),
            },
        };
        let Some(id) = literal_str(key) else {
            return true;
        };
        let Some(kind) = def.get("Type").and_then(literal_str) else {
            return true;
        };
        let resource = ResourceRef {
            address: id.to_string(),
            kind: kind.to_string(),
            unit: self.unit,
            span: self.span(key),
            body_span: Span::new(self.file, key.span.start..def.span.end),
            conditional,
        };
        self.assumed.set(assumed);
        self.resource_body(id, kind, resource, def, model);
        self.assumed.set(None);
        true
    }

    fn resource_body(
        &self,
        id: &str,
        kind: &str,
        resource: ResourceRef,
        def: &Node,
        model: &mut Model,
    ) {
        let props = Props(self.pick_map(def.get("Properties"), &mut Vec::new()));
        // An EIP's allocation id handed to any resource (a NAT gateway's
        // `SecondaryAllocationIds`, a Transfer server's `AddressAllocationIds`, types we do not
        // model) may associate it: such a use is an escape, so `eip-unattached` stays silent.
        // (Nested stacks and custom resources already count every reference, below.)
        let scanned_whole = matches!(
            kind,
            "AWS::CloudFormation::Stack"
                | "AWS::Serverless::Application"
                | "AWS::CloudFormation::CustomResource"
        ) || kind.starts_with("Custom::");
        if kind != EIP && kind != "AWS::EC2::EIPAssociation" && !scanned_whole {
            if let Some(p) = def.get("Properties") {
                let mut refs = Vec::new();
                self.allocation_id_references(p, 0, &mut refs);
                for (logical_id, span) in refs {
                    if self.is_eip(&logical_id) {
                        model.eip_escapes.push(EipEscape {
                            eip: self.eip_key(&logical_id),
                            span,
                            context: format!("`{kind}` resource `{id}`"),
                        });
                    }
                }
            }
        }
        match kind {
            "AWS::EC2::Instance" => self.instance(resource, props, model),
            "AWS::EC2::LaunchTemplate" => self.launch_template(resource, props, model),
            "AWS::AutoScaling::LaunchConfiguration" => {
                self.launch_configuration(resource, props, model)
            }
            "AWS::EC2::Volume" => self.volume(resource, def, props, model),
            "AWS::EC2::VolumeAttachment" => {
                if let Some(node) = props.get("VolumeId") {
                    self.volume_attachment(&resource, node, model);
                }
            }
            EIP => self.eip(resource, props, model),
            "AWS::EC2::EIPAssociation" => self.eip_association(resource, props, model),
            "AWS::EC2::NatGateway" => {
                if let Some(node) = props.get("AllocationId") {
                    let (targets, absent) = self.targets(node);
                    self.push_associations(
                        &resource,
                        AssociationKind::NatGateway,
                        targets,
                        absent,
                        model,
                    );
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
        // `LaunchTemplate: {LaunchTemplateId: !Ref T}` (or `LaunchTemplateName`): the instance
        // takes the template's metadata options.
        let launch_template = self
            .pick_map(props.get("LaunchTemplate"), &mut Vec::new())
            .map(|lt| {
                let lt = Props(Some(lt));
                let node = lt
                    .get("LaunchTemplateId")
                    .or_else(|| lt.get("LaunchTemplateName"));
                match node.map(|n| self.eval(n).value) {
                    Some(Val::Resource { logical_id, .. })
                        if self.resources.get(logical_id.as_str()).copied().flatten()
                            == Some("AWS::EC2::LaunchTemplate") =>
                    {
                        Value::Known(logical_id)
                    }
                    _ => Value::Unknown,
                }
            });
        // `Volumes: [{VolumeId: !Ref V, Device: /dev/sdf}]` attaches standalone volumes.
        if let Some(volumes) = self.pick_seq(props.get("Volumes"), &mut Vec::new()) {
            for entry in volumes.items() {
                if let Some(node) = entry.get("VolumeId") {
                    self.volume_attachment(&resource, node, model);
                }
            }
        }
        let public_ip = self.network_interface_public_ips(props.get("NetworkInterfaces"));
        model.launch_settings.push(LaunchSettings {
            resource: resource.clone(),
            kind: ComputeKind::Instance,
            instance_type: self.string_field(props.get("InstanceType")),
            // `AWS::EC2::Instance` has no metadata options of its own.
            http_tokens: None,
            http_endpoint: None,
            public_ip,
            launch_template,
        });
        model.instances.push(Instance {
            instance_type: self.string_field(props.get("InstanceType")),
            resource,
        });
    }

    /// `AssociatePublicIpAddress` of each `NetworkInterfaces` entry.
    fn network_interface_public_ips(&self, node: Option<&Node>) -> Vec<Field<bool>> {
        let mut out = Vec::new();
        if let Some(list) = self.pick_seq(node, &mut Vec::new()) {
            for nic in list.items() {
                if let Some(f) = self.bool_field(nic.get("AssociatePublicIpAddress")) {
                    out.push(f);
                }
            }
        }
        out
    }

    /// `MetadataOptions.HttpTokens` and `HttpEndpoint` of a launch template's data or a launch
    /// configuration.
    fn metadata_options(
        &self,
        node: Option<&Node>,
    ) -> (Option<Field<String>>, Option<Field<String>>) {
        match self.pick_map(node, &mut Vec::new()) {
            Some(m) => (
                self.string_field(m.get("HttpTokens")),
                self.string_field(m.get("HttpEndpoint")),
            ),
            None => (None, None),
        }
    }

    /// A `VolumeId` that attaches a volume: the volume's logical id, or unknown.
    fn volume_attachment(&self, resource: &ResourceRef, node: &Node, model: &mut Model) {
        let volume = match self.eval(node).value {
            Val::Resource { logical_id, .. }
                if self.resources.get(logical_id.as_str()).copied().flatten()
                    == Some("AWS::EC2::Volume") =>
            {
                Value::Known(logical_id)
            }
            _ => Value::Unknown,
        };
        model.volume_attachments.push(VolumeAttachment {
            declared_by: resource.clone(),
            volume,
            span: self.span(node),
        });
    }

    fn launch_template(&self, resource: ResourceRef, props: Props<'_>, model: &mut Model) {
        let data = Props(self.pick_map(props.get("LaunchTemplateData"), &mut Vec::new()));
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
        let (http_tokens, http_endpoint) = self.metadata_options(data.get("MetadataOptions"));
        model.launch_settings.push(LaunchSettings {
            resource: resource.clone(),
            kind: ComputeKind::LaunchTemplate,
            instance_type: self.string_field(data.get("InstanceType")),
            http_tokens,
            http_endpoint,
            public_ip: self.network_interface_public_ips(data.get("NetworkInterfaces")),
            launch_template: None,
        });
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
        let (http_tokens, http_endpoint) = self.metadata_options(props.get("MetadataOptions"));
        model.launch_settings.push(LaunchSettings {
            resource: resource.clone(),
            kind: ComputeKind::LaunchConfiguration,
            instance_type: self.string_field(props.get("InstanceType")),
            http_tokens,
            http_endpoint,
            public_ip: self
                .bool_field(props.get("AssociatePublicIpAddress"))
                .into_iter()
                .collect(),
            launch_template: None,
        });
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
    /// configuration. An `Fn::If` with a known condition is resolved; entries that stay
    /// unresolved (an `Fn::If` on an unknown condition choosing a whole mapping) are skipped:
    /// we cannot tell which device exists.
    fn block_devices(
        &self,
        resource: &ResourceRef,
        owner: VolumeOwner,
        path: &str,
        mappings: Option<&Node>,
        model: &mut Model,
    ) {
        let mut list_via = Vec::new();
        let Some(mappings) = self.pick_seq(mappings, &mut list_via) else {
            return;
        };
        for (i, mapping) in mappings.items().iter().enumerate() {
            let mut via = list_via.clone();
            let Some(mapping) = self.pick_map(Some(mapping), &mut via) else {
                continue;
            };
            let mapping = Props(Some(mapping));
            let Some(ebs) = self.pick_map(mapping.get("Ebs"), &mut via) else {
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
            let mut volume_type = self
                .string_field(ebs_props.get("VolumeType"))
                .unwrap_or_else(|| Field {
                    value: Value::Unknown,
                    span: self.span(ebs),
                    via: Vec::new(),
                });
            extend_via(&mut volume_type.via, &via);
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
                snapshot_id: self.string_field(ebs_props.get("SnapshotId")),
                kms_key_id: self.string_field(ebs_props.get("KmsKeyId")),
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
            snapshot_id: self.string_field(props.get("SnapshotId")),
            kms_key_id: self.string_field(props.get("KmsKeyId")),
            resource,
        });
    }

    /// `AWS::EC2::EIP`. `InstanceId` associates the EIP whichever instance it names; the
    /// association is conditional only when the property may be absent.
    fn eip(&self, resource: ResourceRef, props: Props<'_>, model: &mut Model) {
        let key = self.eip_key(&resource.address);
        if let Some(node) = props.get("InstanceId") {
            let (present, absent) = self.outcomes(node);
            if !present.is_empty() {
                model.eip_associations.push(EipAssociation {
                    declared_by: resource.clone(),
                    kind: AssociationKind::EipInstance,
                    eip: Value::Known(key.clone()),
                    span: self.span(node),
                    conditional: resource.conditional || absent,
                });
            }
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
        let mut targets = Vec::new();
        let mut absent = true;
        if let Some(node) = props.get("AllocationId") {
            let (found, may_be_absent) = self.targets(node);
            targets = found;
            absent = may_be_absent;
        }
        if absent {
            if let Some(node) = props.get("EIP") {
                let (found, may_be_absent) = self.targets(node);
                targets.extend(found);
                absent = may_be_absent;
            }
        }
        if targets.is_empty() {
            model.eip_associations.push(EipAssociation {
                span: resource.span,
                conditional: resource.conditional,
                declared_by: resource,
                kind: AssociationKind::Association,
                eip: Value::Unknown,
            });
            return;
        }
        self.push_associations(
            &resource,
            AssociationKind::Association,
            targets,
            absent,
            model,
        );
    }

    /// `SubnetMappings[].AllocationId` of a load balancer. Each mapping is its own
    /// association; one that an unresolved `Fn::If` chooses (or whose allocation may be
    /// absent, or is one of several) is conditional.
    fn load_balancer(&self, resource: &ResourceRef, props: Props<'_>, model: &mut Model) {
        let Some(node) = props.get("SubnetMappings") else {
            return;
        };
        let mut targets = Vec::new();
        match self.pick_seq(Some(node), &mut Vec::new()) {
            Some(list) => {
                for item in list.items() {
                    let Some(item) = self.pick(item, &mut Vec::new()) else {
                        continue;
                    };
                    if is_literal_map(item) {
                        if let Some(alloc) = Props(Some(item)).get("AllocationId") {
                            let (found, absent) = self.targets(alloc);
                            let found = dedup_targets(found);
                            let alternatives = found.len() > 1;
                            targets.extend(
                                found
                                    .into_iter()
                                    .map(|(eip, span, _)| (eip, span, absent || alternatives)),
                            );
                        }
                    } else {
                        self.evaluated_allocations(self.eval(item), item, &mut targets);
                    }
                }
            }
            None => {
                for list in self.eval(node).split() {
                    match list.value {
                        Val::List(items) => {
                            for item in items {
                                self.evaluated_allocations(item, node, &mut targets);
                            }
                        }
                        Val::NoValue => {}
                        _ => self.unknown_allocation(node, &mut targets),
                    }
                }
            }
        }
        for (eip, span, conditional) in dedup_targets(targets) {
            model.eip_associations.push(EipAssociation {
                declared_by: resource.clone(),
                kind: AssociationKind::LoadBalancer,
                eip,
                span,
                conditional: resource.conditional || conditional,
            });
        }
    }

    /// The allocations of a subnet mapping that is not written literally, from its evaluated
    /// candidates; all conditional. `node` is the expression that builds it.
    fn evaluated_allocations(&self, ev: Evaluated, node: &Node, targets: &mut Vec<Target>) {
        for candidate in ev.split() {
            match candidate.value {
                Val::NoValue => {}
                Val::Map(entries) => {
                    if let Some((_, alloc)) = entries.into_iter().find(|(k, _)| k == "AllocationId")
                    {
                        for value in alloc.split() {
                            if !matches!(value.value, Val::NoValue) {
                                targets.push((self.eip_of(&value.value), self.span(node), true));
                            }
                        }
                    }
                }
                _ => self.unknown_allocation(node, targets),
            }
        }
    }

    /// An allocation we cannot resolve, when `node` mentions one.
    fn unknown_allocation(&self, node: &Node, targets: &mut Vec<Target>) {
        if mentions_key(node, "AllocationId", 0) {
            targets.push((Value::Unknown, self.span(node), true));
        }
    }

    /// The EIPs the expression `node` may name, with its span, and whether it may be absent
    /// (`AWS::NoValue` in a branch).
    fn targets(&self, node: &Node) -> (Vec<Target>, bool) {
        let (present, absent) = self.outcomes(node);
        let targets = present
            .iter()
            .map(|c| (self.eip_of(&c.value), self.span(node), false))
            .collect();
        (targets, absent)
    }

    /// An EIP of this template (`Ref`, or `Fn::GetAtt` of any attribute), or unknown.
    fn eip_of(&self, value: &Val) -> Value<EipKey> {
        match value {
            Val::Resource { logical_id, .. } if self.is_eip(logical_id) => {
                Value::Known(self.eip_key(logical_id))
            }
            _ => Value::Unknown,
        }
    }

    /// One association per distinct target. The targets are alternatives: with more than one,
    /// or when the property may be absent, each is conditional.
    fn push_associations(
        &self,
        resource: &ResourceRef,
        kind: AssociationKind,
        targets: Vec<Target>,
        absent: bool,
        model: &mut Model,
    ) {
        let targets = dedup_targets(targets);
        let alternatives = targets.len() > 1;
        for (eip, span, conditional) in targets {
            model.eip_associations.push(EipAssociation {
                declared_by: resource.clone(),
                kind,
                eip,
                span,
                conditional: resource.conditional || absent || alternatives || conditional,
            });
        }
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
            } else if self.resources.get(logical_id.as_str()).copied().flatten()
                == Some("AWS::EC2::Volume")
            {
                model.volume_escapes.push(Escape {
                    unit: self.unit,
                    address: logical_id,
                    span,
                    context: context.to_string(),
                });
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Structure

    /// Resolves a node in a structural position (a property mapping, a list of mappings): an
    /// `Fn::If` whose condition is known is replaced by its branch (the condition's origins are
    /// added to `via`), `AWS::NoValue` is absence. Anything else is returned as is.
    fn pick<'n>(&self, node: &'n Node, via: &mut Vec<Origin>) -> Option<&'n Node> {
        let mut node = node;
        for depth in 0..MAX_DEPTH {
            match call(node) {
                Call::Function(Func::Ref, arg) if arg.text() == Some("AWS::NoValue") => {
                    return None
                }
                Call::Function(Func::If, arg) => {
                    let Some([cond, yes, no]) = arg.items() else {
                        return Some(node);
                    };
                    let Some(name) = literal_str(cond) else {
                        return Some(node);
                    };
                    let c = self.if_condition(name, depth);
                    match truth(&c.value) {
                        Some(true) => node = yes,
                        Some(false) => node = no,
                        None => return Some(node),
                    }
                    extend_via(via, &c.via);
                }
                _ => return Some(node),
            }
        }
        Some(node)
    }

    fn pick_map<'n>(&self, node: Option<&'n Node>, via: &mut Vec<Origin>) -> Option<&'n Node> {
        self.pick(node?, via).filter(|n| is_literal_map(n))
    }

    fn pick_seq<'n>(&self, node: Option<&'n Node>, via: &mut Vec<Origin>) -> Option<&'n Node> {
        self.pick(node?, via).filter(|n| is_literal_seq(n))
    }

    // -----------------------------------------------------------------------------------------
    // Fields

    /// The possible values of a property other than `AWS::NoValue`, and whether it may be
    /// `AWS::NoValue` (absent).
    fn outcomes(&self, node: &Node) -> (Vec<Evaluated>, bool) {
        let mut absent = false;
        let present = self
            .eval(node)
            .split()
            .into_iter()
            .filter(|c| {
                let no_value = matches!(c.value, Val::NoValue);
                absent |= no_value;
                !no_value
            })
            .collect();
        (present, absent)
    }

    /// A field: None when the property is absent (or `AWS::NoValue`); known when every
    /// candidate converts to the same value; unknown otherwise (including when the property
    /// may be absent).
    fn field<T: PartialEq>(
        &self,
        node: Option<&Node>,
        convert: impl Fn(&Val) -> Option<T>,
    ) -> Option<Field<T>> {
        let node = node?;
        let evaluated = self.eval(node);
        if let Val::NoValue = evaluated.value {
            return None;
        }
        let mut via = Vec::new();
        let mut agreed: Option<T> = None;
        let mut known = true;
        for candidate in evaluated.split() {
            extend_via(&mut via, &candidate.via);
            if !known {
                continue;
            }
            match (convert(&candidate.value), &agreed) {
                (Some(v), None) => agreed = Some(v),
                (Some(v), Some(a)) if v == *a => {}
                _ => known = false,
            }
        }
        let value = match agreed {
            Some(v) if known => Value::Known(v),
            _ => Value::Unknown,
        };
        Some(Field {
            value,
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

    /// The single argument of a function: for the short form (`!Base64 x`) the node's content
    /// without its tag.
    fn eval_arg(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        if depth > MAX_DEPTH {
            return Evaluated::unknown();
        }
        if !arg.short {
            return self.eval_at(arg.node, depth + 1);
        }
        match long_form(arg.node) {
            Some((func, inner)) => self.apply(func, inner, depth + 1),
            None => self.literal(arg.node, depth + 1),
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
            // `AWS::NoValue` removes a list item; an item that may be removed makes the
            // positions of the others unknown.
            NodeKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let e = self.eval_at(item, depth + 1);
                    match &e.value {
                        Val::NoValue => {}
                        Val::OneOf(c) if c.iter().any(|c| matches!(c.value, Val::NoValue)) => {
                            return Evaluated::unknown()
                        }
                        _ => out.push(e),
                    }
                }
                Evaluated::of(Val::List(out))
            }
            // ... and a map entry.
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
            Func::If => self.eval_if(arg, depth),
            Func::Sub => self.sub(arg, depth),
            Func::Join => self.join(arg, depth),
            Func::Select => self.select(arg, depth),
            Func::Split => self.split(arg, depth),
            Func::FindInMap => self.find_in_map(arg, depth),
            Func::Base64 => lift(&[self.eval_arg(arg, depth)], |v| {
                match v[0].value.as_string() {
                    Some(s) => Evaluated::of(Val::Str(base64(s.as_bytes()))),
                    None => Evaluated::unknown(),
                }
            }),
            Func::Length => lift(&[self.eval_arg(arg, depth)], |v| match &v[0].value {
                Val::List(items) => Evaluated::of(Val::Num(items.len() as f64)),
                _ => Evaluated::unknown(),
            }),
            Func::Equals | Func::Not | Func::And | Func::Or | Func::Condition => {
                self.condition_fn(func, arg, depth)
            }
            Func::ImportValue
            | Func::GetAZs
            | Func::Cidr
            | Func::ToJsonString
            | Func::Transform
            | Func::Other => Evaluated::unknown(),
        }
    }

    /// `Ref`: a pseudo parameter, a parameter or a resource.
    fn reference(&self, name: &str) -> Evaluated {
        if let Some(pseudo) = name.strip_prefix("AWS::") {
            return match pseudo {
                "NoValue" => Evaluated::of(Val::NoValue),
                "Region" => match &self.options.region {
                    Some(region) => Evaluated::of(Val::Str(region.clone())),
                    None => Evaluated::unknown(),
                },
                // AccountId, StackName, StackId, NotificationARNs, URLSuffix, Partition.
                _ => Evaluated::unknown(),
            };
        }
        if let Some((key, def)) = self.parameters.get(name) {
            return self.parameter(name, key, def);
        }
        if self.resources.contains_key(name) {
            return Evaluated::of(Val::Resource {
                logical_id: name.to_string(),
                attr: None,
            });
        }
        Evaluated::unknown()
    }

    /// The value of a parameter: the one given for the run, else its literal `Default`, else
    /// one of its `AllowedValues`. SSM-typed parameters resolve at deploy time (their value
    /// names an SSM parameter). List-typed parameters are split on commas.
    fn parameter(&self, name: &str, key: &Node, def: &Node) -> Evaluated {
        let ty = def.get("Type").and_then(literal_str).unwrap_or("String");
        if ty.starts_with("AWS::SSM::") {
            return Evaluated::unknown();
        }
        let list = ty.starts_with("List<") || ty == "CommaDelimitedList";
        let value = if let Some(given) = self.options.parameters.get(name) {
            Evaluated {
                value: Val::Str(given.clone()),
                via: vec![Origin {
                    span: self.span(key),
                    label: format!("parameter `{name}` (from --parameter)"),
                    kind: OriginKind::ParameterGiven,
                }],
            }
        } else if let Some(default) = def.get("Default") {
            match &default.kind {
                NodeKind::Scalar { text, .. } if is_literal(default) && !default.is_null() => {
                    Evaluated {
                        value: Val::Str(text.clone()),
                        via: vec![Origin {
                            span: self.span(default),
                            label: format!("parameter `{name}` default"),
                            kind: OriginKind::ParameterDefault,
                        }],
                    }
                }
                _ => Evaluated::unknown(),
            }
        } else if list {
            // `AllowedValues` of a list parameter constrain each item, not the list.
            Evaluated::unknown()
        } else {
            self.allowed_values(name, def)
        };
        if !list {
            return value;
        }
        lift(&[value], |v| match &v[0].value {
            Val::Str(s) => Evaluated::of(Val::List(
                s.split(',')
                    .map(|item| {
                        // Whether surrounding spaces are kept is not something we rely on.
                        if item.trim() == item {
                            Evaluated::of(Val::Str(item.to_string()))
                        } else {
                            Evaluated::unknown()
                        }
                    })
                    .collect(),
            )),
            _ => Evaluated::unknown(),
        })
    }

    /// A parameter without a value: it is one of its `AllowedValues`, when they are literal.
    fn allowed_values(&self, name: &str, def: &Node) -> Evaluated {
        let Some(allowed) = def.get("AllowedValues").filter(|a| is_literal_seq(a)) else {
            return Evaluated::unknown();
        };
        let origin = Origin {
            span: self.span(allowed),
            label: format!("parameter `{name}` AllowedValues"),
            kind: OriginKind::AllowedValues,
        };
        let mut candidates = Vec::new();
        for item in allowed.items() {
            let Some(text) = literal_str(item) else {
                return Evaluated::unknown();
            };
            candidates.push(Evaluated {
                value: Val::Str(text.to_string()),
                via: vec![origin.clone()],
            });
        }
        one_of(candidates)
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

    /// `Fn::If [Condition, then, else]`: the branch when the condition is known, else either.
    fn eval_if(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        let Some([cond, yes, no]) = arg.items() else {
            return Evaluated::unknown();
        };
        let Some(name) = literal_str(cond) else {
            return Evaluated::unknown();
        };
        let c = self.if_condition(name, depth);
        let branch = match truth(&c.value) {
            Some(true) => yes,
            Some(false) => no,
            None => {
                return one_of(vec![
                    self.eval_at(yes, depth + 1),
                    self.eval_at(no, depth + 1),
                ])
            }
        };
        let mut e = self.eval_at(branch, depth + 1);
        extend_via(&mut e.via, &c.via);
        e
    }

    /// `Fn::Sub`: `template` or `[template, {Name: value}]`.
    fn sub(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        let (text, locals): (&str, &[(Node, Node)]) = if let Some(text) = arg.text() {
            (text, &[])
        } else {
            match arg.items() {
                Some([t]) => match literal_str(t) {
                    Some(text) => (text, &[]),
                    None => return Evaluated::unknown(),
                },
                Some([t, vars]) if is_literal_map(vars) => match literal_str(t) {
                    Some(text) => (text, vars.entries()),
                    None => return Evaluated::unknown(),
                },
                _ => return Evaluated::unknown(),
            }
        };
        let Some(parts) = sub_parts(text) else {
            return Evaluated::unknown();
        };
        let mut values = Vec::new();
        for part in &parts {
            if let SubPart::Var(var) = part {
                let local = locals.iter().find(|(k, _)| literal_str(k) == Some(*var));
                values.push(match local {
                    Some((_, value)) => self.eval_at(value, depth + 1),
                    None if var.starts_with("AWS::") || !var.contains('.') => self.reference(var),
                    // `Resource.Attr`: an attribute, known only at deploy time.
                    None => Evaluated::unknown(),
                });
            }
        }
        lift(&values, |v| {
            let mut out = String::new();
            let mut vars = v.iter();
            for part in &parts {
                match part {
                    SubPart::Text(t) => out.push_str(t),
                    SubPart::Var(_) => match vars.next().and_then(|e| e.value.as_string()) {
                        Some(s) => out.push_str(&s),
                        None => return Evaluated::unknown(),
                    },
                }
            }
            Evaluated::of(Val::Str(out))
        })
    }

    /// `Fn::Join [delimiter, list]`.
    fn join(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        let Some([delim, list]) = arg.items() else {
            return Evaluated::unknown();
        };
        let args = [
            self.eval_at(delim, depth + 1),
            self.eval_at(list, depth + 1),
        ];
        lift(&args, |v| {
            let (Some(delim), Val::List(items)) = (v[0].value.as_string(), &v[1].value) else {
                return Evaluated::unknown();
            };
            lift(items, |items| {
                let mut parts = Vec::with_capacity(items.len());
                for item in items {
                    match item.value.as_string() {
                        Some(s) => parts.push(s),
                        None => return Evaluated::unknown(),
                    }
                }
                Evaluated::of(Val::Str(parts.join(&delim)))
            })
        })
    }

    /// `Fn::Select [index, list]`.
    fn select(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        let Some([index, list]) = arg.items() else {
            return Evaluated::unknown();
        };
        let args = [
            self.eval_at(index, depth + 1),
            self.eval_at(list, depth + 1),
        ];
        lift(&args, |v| {
            let index = v[0]
                .value
                .as_string()
                .and_then(|s| s.trim().parse::<usize>().ok());
            match (index, &v[1].value) {
                (Some(i), Val::List(items)) => {
                    items.get(i).cloned().unwrap_or_else(Evaluated::unknown)
                }
                _ => Evaluated::unknown(),
            }
        })
    }

    /// `Fn::Split [delimiter, string]`.
    fn split(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        let Some([delim, source]) = arg.items() else {
            return Evaluated::unknown();
        };
        let args = [
            self.eval_at(delim, depth + 1),
            self.eval_at(source, depth + 1),
        ];
        lift(&args, |v| {
            match (v[0].value.as_string(), v[1].value.as_string()) {
                (Some(d), Some(s)) if !d.is_empty() => Evaluated::of(Val::List(
                    s.split(d.as_str())
                        .map(|p| Evaluated::of(Val::Str(p.to_string())))
                        .collect(),
                )),
                _ => Evaluated::unknown(),
            }
        })
    }

    /// `Fn::FindInMap [Map, TopKey, SecondKey]`, optionally with `{DefaultValue: x}`
    /// (`AWS::LanguageExtensions`). An unknown key may be any key of the mapping (the stack
    /// fails to deploy with another one, unless there is a default): the candidates are then
    /// every matching entry.
    fn find_in_map(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        let (map, top, second, default) = match arg.items() {
            Some([m, t, s]) => (m, t, s, None),
            Some([m, t, s, d]) => {
                let Some(value) = d.get("DefaultValue").filter(|_| is_literal_map(d)) else {
                    return Evaluated::unknown();
                };
                (m, t, s, Some(value))
            }
            _ => return Evaluated::unknown(),
        };
        let map_name = self.eval_at(map, depth + 1);
        let Val::Str(map_name) = &map_name.value else {
            return Evaluated::unknown();
        };
        let Some(mapping) = self.mappings.get(map_name.as_str()) else {
            return Evaluated::unknown();
        };
        let default = default.map(|d| self.eval_at(d, depth + 1));
        let top = self.eval_at(top, depth + 1);
        let second = self.eval_at(second, depth + 1);

        let mut candidates = Vec::new();
        let Some((tops, mut may_default)) = key_choices(&top, mapping) else {
            return Evaluated::unknown();
        };
        for (k1, via1) in tops {
            let Some(row) = mapping.get(&k1).filter(|r| is_literal_map(r)) else {
                may_default = true;
                continue;
            };
            let Some((seconds, guessed)) = key_choices(&second, row) else {
                return Evaluated::unknown();
            };
            may_default |= guessed;
            for (k2, via2) in seconds {
                let Some(value) = row.get(&k2) else {
                    may_default = true;
                    continue;
                };
                let mut e = self.eval_at(value, depth + 1);
                let mut via = vec![Origin {
                    span: self.span(value),
                    label: format!("mapping `{map_name}.{k1}.{k2}`"),
                    kind: OriginKind::Mapping,
                }];
                extend_via(&mut via, &e.via);
                extend_via(&mut via, &via1);
                extend_via(&mut via, &via2);
                e.via = via;
                candidates.push(e);
                if candidates.len() > MAX_CANDIDATES * 4 {
                    return Evaluated::unknown();
                }
            }
        }
        // A key that is not in the mapping: the default, or a failed deployment.
        if may_default {
            if let Some(default) = default {
                candidates.push(default);
            }
        }
        one_of(candidates)
    }

    // -----------------------------------------------------------------------------------------
    // Conditions

    /// The condition named by `Fn::If`: true when it is the condition of the resource being
    /// modeled (wherever the resource exists, its condition holds).
    fn if_condition(&self, name: &str, depth: usize) -> Evaluated {
        if let Some((assumed, span)) = self.assumed.get() {
            if assumed == name {
                return Evaluated {
                    value: Val::Bool(true),
                    via: vec![Origin {
                        span,
                        label: format!("condition `{name}` holds wherever this resource exists"),
                        kind: OriginKind::Condition,
                    }],
                };
            }
        }
        self.condition_named(name, depth)
    }

    /// A condition of `Conditions`, evaluated once. Cycles and unknown names are unknown.
    fn condition_named(&self, name: &str, depth: usize) -> Evaluated {
        if depth > MAX_DEPTH {
            return Evaluated::unknown();
        }
        let cached = self.condition_memo.borrow().get(name).cloned();
        match cached {
            Some(CondState::Busy) => return Evaluated::unknown(),
            Some(CondState::Done(e)) => return e,
            None => {}
        }
        let Some((key, def)) = self.conditions.get(name).copied() else {
            return Evaluated::unknown();
        };
        self.condition_memo
            .borrow_mut()
            .insert(name.to_string(), CondState::Busy);
        let e = self.eval_condition(def, depth + 1);
        let result = match truth(&e.value) {
            Some(b) => {
                let mut via = vec![Origin {
                    span: self.span(key),
                    label: format!("condition `{name}` is {b}"),
                    kind: OriginKind::Condition,
                }];
                extend_via(&mut via, &e.via);
                Evaluated {
                    value: Val::Bool(b),
                    via,
                }
            }
            None => Evaluated::unknown(),
        };
        self.condition_memo
            .borrow_mut()
            .insert(name.to_string(), CondState::Done(result.clone()));
        result
    }

    /// A condition expression: a condition function, or `{Condition: Name}`.
    fn eval_condition(&self, node: &Node, depth: usize) -> Evaluated {
        if depth > MAX_DEPTH {
            return Evaluated::unknown();
        }
        if let [(k, v)] = node.entries() {
            if is_literal(node) && literal_str(k) == Some("Condition") {
                return match literal_str(v) {
                    Some(name) => self.condition_named(name, depth + 1),
                    None => Evaluated::unknown(),
                };
            }
        }
        match call(node) {
            Call::Function(
                func @ (Func::Equals | Func::Not | Func::And | Func::Or | Func::Condition),
                arg,
            ) => self.condition_fn(func, arg, depth + 1),
            _ => Evaluated::unknown(),
        }
    }

    fn condition_fn(&self, func: Func, arg: Arg<'_>, depth: usize) -> Evaluated {
        if depth > MAX_DEPTH {
            return Evaluated::unknown();
        }
        match func {
            Func::Equals => {
                let Some([a, b]) = arg.items() else {
                    return Evaluated::unknown();
                };
                let args = [self.eval_at(a, depth + 1), self.eval_at(b, depth + 1)];
                lift(&args, |v| match loose_eq(&v[0].value, &v[1].value, 0) {
                    Some(eq) => Evaluated::of(Val::Bool(eq)),
                    None => Evaluated::unknown(),
                })
            }
            Func::Not => {
                let Some([c]) = arg.items() else {
                    return Evaluated::unknown();
                };
                let c = self.eval_condition(c, depth + 1);
                match truth(&c.value) {
                    Some(b) => Evaluated {
                        value: Val::Bool(!b),
                        via: c.via,
                    },
                    None => Evaluated::unknown(),
                }
            }
            Func::And | Func::Or => {
                let Some(items) = arg.items().filter(|i| !i.is_empty()) else {
                    return Evaluated::unknown();
                };
                // The value that decides alone: false for `And`, true for `Or`.
                let decisive = func == Func::Or;
                let results: Vec<Evaluated> = items
                    .iter()
                    .map(|c| self.eval_condition(c, depth + 1))
                    .collect();
                let mut via = Vec::new();
                if results.iter().any(|r| truth(&r.value) == Some(decisive)) {
                    for r in results.iter().filter(|r| truth(&r.value) == Some(decisive)) {
                        extend_via(&mut via, &r.via);
                    }
                    return Evaluated {
                        value: Val::Bool(decisive),
                        via,
                    };
                }
                if results.iter().all(|r| truth(&r.value) == Some(!decisive)) {
                    for r in &results {
                        extend_via(&mut via, &r.via);
                    }
                    return Evaluated {
                        value: Val::Bool(!decisive),
                        via,
                    };
                }
                Evaluated::unknown()
            }
            Func::Condition => match arg.text() {
                Some(name) => self.condition_named(name, depth + 1),
                None => Evaluated::unknown(),
            },
            _ => Evaluated::unknown(),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Reference walk

    /// Collects the logical ids referenced in `node` (`Ref`, `Fn::GetAtt`, `Fn::Sub` variables)
    /// with the span of the referencing expression. Syntactic, except that an `Fn::If` whose
    /// condition is known contributes only its branch.
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
            Func::If => {
                if let Some([cond, yes, no]) = arg.items() {
                    let known = literal_str(cond)
                        .and_then(|name| truth(&self.if_condition(name, depth).value));
                    match known {
                        Some(true) => self.references(yes, depth + 1, out),
                        Some(false) => self.references(no, depth + 1, out),
                        None => {
                            self.references(yes, depth + 1, out);
                            self.references(no, depth + 1, out);
                        }
                    }
                } else {
                    self.arg_references(arg, depth, out);
                }
            }
            _ => self.arg_references(arg, depth, out),
        }
    }

    fn arg_references(&self, arg: Arg<'_>, depth: usize, out: &mut Vec<(String, Span)>) {
        if !arg.short {
            self.references(arg.node, depth + 1, out);
        } else if let Some((func, inner)) = long_form(arg.node) {
            self.call_references(arg.node, func, inner, depth + 1, out);
        } else {
            self.child_references(arg.node, depth, out);
        }
    }

    /// `GetAtt X.AllocationId` (short or long form, string or list argument) anywhere in
    /// `node`: the logical ids and spans.
    fn allocation_id_references(&self, node: &Node, depth: usize, out: &mut Vec<(String, Span)>) {
        if depth > MAX_DEPTH {
            return;
        }
        if let Call::Function(Func::GetAtt, arg) = call(node) {
            let target = match (arg.text(), arg.items()) {
                (Some(text), _) => text.split_once('.').map(|(id, attr)| (id, Some(attr))),
                (None, Some([id, attr, ..])) => literal_str(id).map(|id| (id, literal_str(attr))),
                _ => None,
            };
            if let Some((id, Some("AllocationId"))) = target {
                out.push((id.to_string(), self.span(node)));
            }
            return;
        }
        for child in node.items() {
            self.allocation_id_references(child, depth + 1, out);
        }
        for (_, value) in node.entries() {
            self.allocation_id_references(value, depth + 1, out);
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

/// An association target: the EIP (or unknown), the span of the expression naming it, and
/// whether it is conditional on its own.
type Target = (Value<EipKey>, Span, bool);

/// Merges targets naming the same EIP (keeping the first span); alternatives stay flagged.
fn dedup_targets(targets: Vec<Target>) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    for (eip, span, alt) in targets {
        match out.iter_mut().find(|(e, _, _)| *e == eip) {
            Some(existing) => existing.2 &= alt,
            None => out.push((eip, span, alt)),
        }
    }
    out
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
    /// The result of `Fn::Length`.
    Num(f64),
    /// The result of a condition function (`Fn::Equals`...).
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
    /// One of several values (at least two distinct ones, none itself `OneOf`); see [`one_of`].
    OneOf(Vec<Evaluated>),
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

    /// The possible values: the candidates of a `OneOf` (each also carrying this value's
    /// origins), or the value itself.
    fn split(self) -> Vec<Evaluated> {
        let Evaluated { value, via } = self;
        match value {
            Val::OneOf(candidates) => candidates
                .into_iter()
                .map(|mut c| {
                    extend_via(&mut c.via, &via);
                    c
                })
                .collect(),
            value => vec![Evaluated { value, via }],
        }
    }
}

/// A value that is one of `candidates`: equal candidates are merged (their origins kept),
/// a single one is returned as is, too many are unknown.
fn one_of(candidates: Vec<Evaluated>) -> Evaluated {
    let mut out: Vec<Evaluated> = Vec::new();
    for candidate in candidates {
        for c in candidate.split() {
            match out.iter_mut().find(|o| same_value(&o.value, &c.value, 0)) {
                Some(existing) => extend_via(&mut existing.via, &c.via),
                None => out.push(c),
            }
        }
        if out.len() > MAX_CANDIDATES {
            return Evaluated::unknown();
        }
    }
    match out.len() {
        0 => Evaluated::unknown(),
        1 => out.pop().unwrap_or_else(Evaluated::unknown),
        _ => Evaluated::of(Val::OneOf(out)),
    }
}

/// Applies `f` to every combination of the candidates of `args` and collects the results as
/// candidates; each result also carries the origins of the arguments it was computed from.
fn lift(args: &[Evaluated], f: impl Fn(&[Evaluated]) -> Evaluated) -> Evaluated {
    let mut combos: Vec<Vec<Evaluated>> = vec![Vec::new()];
    for arg in args {
        let candidates = arg.clone().split();
        if combos.len().saturating_mul(candidates.len()) > MAX_CANDIDATES {
            return Evaluated::unknown();
        }
        combos = combos
            .into_iter()
            .flat_map(|combo| {
                candidates.iter().map(move |c| {
                    let mut next = combo.clone();
                    next.push(c.clone());
                    next
                })
            })
            .collect();
    }
    one_of(
        combos
            .iter()
            .map(|combo| {
                let mut result = f(combo);
                for arg in combo {
                    extend_via(&mut result.via, &arg.via);
                }
                result
            })
            .collect(),
    )
}

/// Whether two values are the same, ignoring origins.
fn same_value(a: &Val, b: &Val, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match (a, b) {
        (Val::Null, Val::Null) | (Val::NoValue, Val::NoValue) | (Val::Unknown, Val::Unknown) => {
            true
        }
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::List(x), Val::List(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(x, y)| same_value(&x.value, &y.value, depth + 1))
        }
        (Val::Map(x), Val::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, x), (ky, y))| kx == ky && same_value(&x.value, &y.value, depth + 1))
        }
        (Val::Resource { .. }, Val::Resource { .. }) => a == b,
        _ => false,
    }
}

/// `Fn::Equals`: strings (and numbers, booleans) compare as strings, lists item by item.
/// None when either side is not known.
fn loose_eq(a: &Val, b: &Val, depth: usize) -> Option<bool> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let (Some(x), Some(y)) = (a.as_string(), b.as_string()) {
        return Some(x == y);
    }
    let (Val::List(x), Val::List(y)) = (a, b) else {
        return None;
    };
    let mut all = true;
    for (x, y) in x.iter().zip(y) {
        match loose_eq(&x.value, &y.value, depth + 1) {
            Some(false) => return Some(false),
            Some(true) => {}
            None => all = false,
        }
    }
    if x.len() != y.len() {
        return Some(false);
    }
    all.then_some(true)
}

/// The truth of an evaluated condition: None unless a known boolean.
fn truth(value: &Val) -> Option<bool> {
    match value {
        Val::Bool(b) => Some(*b),
        _ => None,
    }
}

/// The keys a `Fn::FindInMap` key argument may stand for in `map`, with their origins, and
/// whether keys had to be guessed (the argument is unknown: every key of `map`). None when
/// the argument cannot be a key.
#[allow(clippy::type_complexity)]
fn key_choices(arg: &Evaluated, map: &Node) -> Option<(Vec<(String, Vec<Origin>)>, bool)> {
    let mut keys = Vec::new();
    let mut guessed = false;
    for candidate in arg.clone().split() {
        match &candidate.value {
            Val::Str(_) | Val::Num(_) | Val::Bool(_) => {
                let key = candidate.value.as_string()?;
                keys.push((key, candidate.via));
            }
            Val::Unknown | Val::Resource { .. } => {
                if !guessed {
                    guessed = true;
                    for (k, _) in map.entries() {
                        keys.push((literal_str(k)?.to_string(), Vec::new()));
                    }
                }
            }
            _ => return None,
        }
    }
    Some((keys, guessed))
}

fn extend_via(via: &mut Vec<Origin>, more: &[Origin]) {
    for origin in more {
        if !via.contains(origin) {
            via.push(origin.clone());
        }
    }
}

/// Standard base64 with padding (`Fn::Base64`).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
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

/// The argument of a function call. `short` means the node's own tag is the call's (short
/// form, `!Ref x`) and must be ignored when reading the argument; `bare` means the argument
/// is written as is (short form, or an untagged node of the long form).
#[derive(Clone, Copy)]
struct Arg<'n> {
    node: &'n Node,
    bare: bool,
    short: bool,
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
                Some(func) => Call::Function(
                    func,
                    Arg {
                        node,
                        bare: true,
                        short: true,
                    },
                ),
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
    Some((
        func,
        Arg {
            node: arg,
            bare,
            short: false,
        },
    ))
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

/// A piece of a `Fn::Sub` template.
#[derive(Debug, PartialEq)]
enum SubPart<'t> {
    Text(String),
    /// `${Name}` or `${Name.Attr}` (trimmed).
    Var(&'t str),
}

/// Splits a `Fn::Sub` template into text and variables; `${!Literal}` is the text
/// `${Literal}`. None when a `${` is not closed or a variable is empty.
fn sub_parts(text: &str) -> Option<Vec<SubPart<'_>>> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        literal.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        if let Some(escaped) = after.strip_prefix('!') {
            literal.push_str("${");
            rest = escaped;
            continue;
        }
        let end = after.find('}')?;
        let var = after[..end].trim();
        if var.is_empty() {
            return None;
        }
        if !literal.is_empty() {
            parts.push(SubPart::Text(std::mem::take(&mut literal)));
        }
        parts.push(SubPart::Var(var));
        rest = &after[end + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(SubPart::Text(literal));
    }
    Some(parts)
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
        normalize(UNIT, FILE, "t.yaml", &doc, &CfnOptions::default())
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
        let m = normalize(UNIT, FILE, "t.json", &doc, &CfnOptions::default());
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
    fn resource_with_unknown_condition_is_conditional() {
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
        assert!(m.elastic_ips[0].resource.conditional);
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
            let m = normalize(UNIT, FILE, "g.yaml", &doc, &CfnOptions::default());
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
        let m = normalize(UNIT, FILE, "deep.yaml", &doc, &CfnOptions::default());
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

    // -----------------------------------------------------------------------------------------
    // Parameters, conditions and intrinsic functions

    fn model_with(text: &str, options: &CfnOptions) -> Model {
        let doc = yaml::parse(text).expect("test template parses");
        normalize(UNIT, FILE, "t.yaml", &doc, options)
    }

    fn options(params: &[(&str, &str)], region: Option<&str>) -> CfnOptions {
        CfnOptions {
            parameters: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            region: region.map(str::to_string),
        }
    }

    fn volume<'m>(m: &'m Model, address: &str) -> &'m Volume {
        m.volumes
            .iter()
            .find(|v| v.resource.address == address)
            .unwrap_or_else(|| panic!("volume {address}"))
    }

    fn vtype<'m>(m: &'m Model, address: &str) -> Option<&'m str> {
        volume(m, address).volume_type.known().map(String::as_str)
    }

    fn iops(m: &Model, address: &str) -> Option<Value<f64>> {
        volume(m, address).iops.as_ref().map(|f| f.value.clone())
    }

    fn labels(via: &[Origin]) -> Vec<&str> {
        via.iter().map(|o| o.label.as_str()).collect()
    }

    /// A template of one volume per `(name, VolumeType expression)`.
    fn volumes(head: &str, types: &[(&str, &str)]) -> String {
        let mut text = head.to_string();
        if !text.contains("Resources:\n") {
            text.push_str("Resources:\n");
        }
        for (name, expr) in types {
            text.push_str(&format!(
                "  {name}:\n    Type: AWS::EC2::Volume\n    Properties:\n      VolumeType: {expr}\n"
            ));
        }
        text
    }

    #[test]
    fn given_parameter_wins_over_default() {
        let text = "\
Parameters:
  VolType:
    Type: String
    Default: gp3
  Size:
    Type: Number
    Default: 100
  Free:
    Type: String
Resources:
  Data:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref VolType
      Size: {Ref: Size}
      Iops: !Ref Free
";
        let m = model(text);
        assert_eq!(vtype(&m, "Data"), Some("gp3"));
        assert_eq!(iops(&m, "Data"), Some(Value::Unknown));

        let m = model_with(
            text,
            &options(
                &[("VolType", "io1"), ("Free", "4000"), ("Other", "x")],
                None,
            ),
        );
        let v = volume(&m, "Data");
        assert_eq!(vtype(&m, "Data"), Some("io1"));
        assert_eq!(at(text, v.volume_type.span), "!Ref VolType");
        assert_eq!(
            labels(&v.volume_type.via),
            ["parameter `VolType` (from --parameter)"]
        );
        assert_eq!(at(text, v.volume_type.via[0].span), "VolType");
        assert!(v.volume_type.via[0].span.start < text.find("Type: String").unwrap_or(0));
        assert_eq!(iops(&m, "Data"), Some(Value::Known(4000.0)));
        let size = v.size_gib.as_ref().expect("size");
        assert_eq!(size.known(), Some(&100.0));
        assert_eq!(labels(&size.via), ["parameter `Size` default"]);
        assert_eq!(at(text, size.via[0].span), "100");

        // normalize_default is normalize without options.
        let doc = yaml::parse(text).expect("parses");
        let d = normalize_default(UNIT, FILE, "t.yaml", &doc);
        assert_eq!(vtype(&d, "Data"), Some("gp3"));
    }

    #[test]
    fn ssm_and_list_parameters() {
        let text = "\
Parameters:
  Ami:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ami
  Types:
    Type: CommaDelimitedList
    Default: gp2,io1
  Spaced:
    Type: CommaDelimitedList
    Default: 'gp2, io1'
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
    AllowedValues: [subnet-1]
Resources:
  Host:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref Ami
  A:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Select [1, !Ref Types]
  B:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Select [0, !Ref Spaced]
  C:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Select [1, !Ref Spaced]
  D:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Join ['', !Ref Subnets]
";
        let m = model_with(text, &options(&[("Ami", "ami-12345678")], None));
        assert_eq!(m.ami_refs[0].image.value, Value::Unknown);
        let a = volume(&m, "A");
        assert_eq!(vtype(&m, "A"), Some("io1"));
        assert_eq!(labels(&a.volume_type.via), ["parameter `Types` default"]);
        assert_eq!(at(text, a.volume_type.via[0].span), "gp2,io1");
        assert_eq!(vtype(&m, "B"), Some("gp2"));
        assert_eq!(vtype(&m, "C"), None, "surrounding spaces: not relied on");
        assert_eq!(
            vtype(&m, "D"),
            None,
            "AllowedValues of a list constrain items"
        );

        let m = model_with(text, &options(&[("Types", "io2,gp3")], None));
        assert_eq!(vtype(&m, "A"), Some("gp3"));
    }

    #[test]
    fn allowed_values_are_candidates() {
        let text = "\
Parameters:
  Only:
    Type: String
    AllowedValues: [io1]
  Twice:
    Type: String
    AllowedValues: [gp2, gp2]
  Mixed:
    Type: String
    AllowedValues: [io1, io2]
  WithDefault:
    Type: String
    Default: gp3
    AllowedValues: [gp2, gp3]
  Iops:
    Type: Number
    AllowedValues: [3000, '3000.0']
  BadList:
    Type: String
    AllowedValues: [io1, [io1]]
  NotAList:
    Type: String
    AllowedValues: io1
Resources:
  Only:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref Only
      Iops: !Ref Iops
  Twice:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref Twice
  Mixed:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref Mixed
  WithDefault:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref WithDefault
  BadList:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref BadList
  NotAList:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !Ref NotAList
";
        let m = model(text);
        let only = volume(&m, "Only");
        assert_eq!(vtype(&m, "Only"), Some("io1"));
        assert_eq!(
            labels(&only.volume_type.via),
            ["parameter `Only` AllowedValues"]
        );
        assert_eq!(at(text, only.volume_type.via[0].span), "[io1]");
        assert_eq!(
            iops(&m, "Only"),
            Some(Value::Known(3000.0)),
            "equal as numbers"
        );
        assert_eq!(vtype(&m, "Twice"), Some("gp2"));
        assert_eq!(vtype(&m, "Mixed"), None);
        assert_eq!(volume(&m, "Mixed").volume_type.value, Value::Unknown);
        assert_eq!(vtype(&m, "WithDefault"), Some("gp3"));
        assert_eq!(vtype(&m, "BadList"), None);
        assert_eq!(vtype(&m, "NotAList"), None);

        let m = model_with(text, &options(&[("Mixed", "io1")], None));
        assert_eq!(vtype(&m, "Mixed"), Some("io1"));
    }

    #[test]
    fn pseudo_parameters() {
        let text = volumes(
            "",
            &[
                ("Region", "!Ref AWS::Region"),
                ("Account", "!Ref AWS::AccountId"),
                ("Partition", "!Ref AWS::Partition"),
                ("Suffix", "{Ref: 'AWS::URLSuffix'}"),
                ("Stack", "!Sub '${AWS::StackName}'"),
            ],
        );
        let m = model(&text);
        assert!(m
            .volumes
            .iter()
            .all(|v| v.volume_type.value == Value::Unknown));
        let m = model_with(&text, &options(&[], Some("eu-west-1")));
        assert_eq!(vtype(&m, "Region"), Some("eu-west-1"));
        for name in ["Account", "Partition", "Suffix", "Stack"] {
            assert_eq!(vtype(&m, name), None, "{name}");
        }
    }

    #[test]
    fn conditions_decide_which_resources_exist() {
        let text = "\
Parameters:
  Env:
    Type: String
    Default: prod
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  LongProd:
    Fn::Equals: [{Ref: Env}, prod]
  LongNot: {\"Fn::Not\": [{Condition: IsProd}]}
  Shared: !Equals [!Ref AWS::AccountId, '123']
  ProdOrShared: !Or [!Condition IsProd, !Condition Shared]
  DevOrShared: !Or [!Condition IsDev, !Condition Shared]
  ProdAndShared: !And [!Condition IsProd, !Condition Shared]
  DevAndShared: !And [!Condition IsDev, !Condition Shared]
  AllTrue: {\"Fn::And\": [{Condition: IsProd}, {Condition: LongProd}, !Equals [a, a]]}
  ListsEqual: !Equals [[a, b], !Split [',', 'a,b']]
  ListsDiffer: !Equals [[a], [a, b]]
Resources:
  A:
    Type: AWS::EC2::EIP
    Condition: IsProd
  B:
    Type: AWS::EC2::EIP
    Condition: IsDev
  C:
    Type: AWS::EC2::EIP
    Condition: LongProd
  D:
    Type: AWS::EC2::EIP
    Condition: LongNot
  E:
    Type: AWS::EC2::EIP
    Condition: ProdOrShared
  F:
    Type: AWS::EC2::EIP
    Condition: DevOrShared
  G:
    Type: AWS::EC2::EIP
    Condition: ProdAndShared
  H:
    Type: AWS::EC2::EIP
    Condition: DevAndShared
  I:
    Type: AWS::EC2::EIP
    Condition: AllTrue
  J:
    Type: AWS::EC2::EIP
    Condition: Undefined
  K:
    Type: AWS::EC2::EIP
    Condition: [IsProd]
  L:
    Type: AWS::EC2::EIP
    Condition: ListsEqual
  M:
    Type: AWS::EC2::EIP
    Condition: ListsDiffer
  N:
    Type: AWS::SNS::Topic
    Condition: IsDev
";
        let summary = |m: &Model| -> Vec<(String, bool)> {
            m.elastic_ips
                .iter()
                .map(|e| (e.resource.address.clone(), e.resource.conditional))
                .collect()
        };
        let expect = |pairs: &[(&str, bool)]| -> Vec<(String, bool)> {
            pairs.iter().map(|(a, c)| (a.to_string(), *c)).collect()
        };
        let m = model(text);
        assert_eq!(
            summary(&m),
            expect(&[
                ("A", false),
                ("C", false),
                ("E", false),
                ("F", true),
                ("G", true),
                ("I", false),
                ("J", true),
                ("K", true),
                ("L", false),
            ])
        );
        assert_eq!(m.resource_count, 9, "resources not created are not counted");

        let m = model_with(text, &options(&[("Env", "dev")], None));
        assert_eq!(
            summary(&m),
            expect(&[
                ("B", false),
                ("D", false),
                ("E", true),
                ("F", false),
                ("H", true),
                ("J", true),
                ("K", true),
                ("L", false),
            ])
        );
        assert_eq!(m.resource_count, 9, "the topic exists in dev");
    }

    #[test]
    fn condition_cycles_are_unknown() {
        let text = "\
Conditions:
  Self: !Condition Self
  A: !Not [!Condition B]
  B: !And [!Condition A, !Equals [x, x]]
  C: !Or [!Condition A, !Equals [x, x]]
  D: {Condition: D}
Resources:
  Self:
    Type: AWS::EC2::EIP
    Condition: Self
  A:
    Type: AWS::EC2::EIP
    Condition: A
  B:
    Type: AWS::EC2::EIP
    Condition: B
  C:
    Type: AWS::EC2::EIP
    Condition: C
  D:
    Type: AWS::EC2::EIP
    Condition: D
  V:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [A, io1, gp3]
";
        let m = model(text);
        let conditional: Vec<_> = m
            .elastic_ips
            .iter()
            .map(|e| (e.resource.address.as_str(), e.resource.conditional))
            .collect();
        // C is an `Or` with a true operand: true despite the cycle in A.
        assert_eq!(
            conditional,
            [
                ("Self", true),
                ("A", true),
                ("B", true),
                ("C", false),
                ("D", true)
            ]
        );
        assert_eq!(vtype(&m, "V"), None);
    }

    #[test]
    fn if_picks_or_needs_agreement() {
        let text = "\
Parameters:
  Env:
    Type: String
    Default: prod
  Big:
    Type: String
    Default: io1
  Small:
    Type: String
    Default: io1
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Unknown: !Equals [!Ref AWS::AccountId, '1']
Resources:
  Picked:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [IsProd, io1, gp3]
      Iops: !If [IsProd, 4000, !Ref AWS::NoValue]
  Else:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: {\"Fn::If\": [IsProd, {Ref: 'AWS::NoValue'}, io2]}
      Size: {\"Fn::If\": [IsProd, 10, 20]}
  Agree:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [Unknown, io1, io1]
      Iops: !If [Unknown, 3000, '3000']
  AgreeByParameters:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [Unknown, !Ref Big, !Ref Small]
  Differ:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [Unknown, io1, gp3]
      Iops: !If [Unknown, 3000, !Ref AWS::NoValue]
      Encrypted: !If [Unknown, !Ref AWS::NoValue, !Ref AWS::NoValue]
  Nested:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [Unknown, !If [IsProd, io1, gp2], io1]
  BadIf:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [Unknown, io1]
";
        let m = model(text);
        let picked = volume(&m, "Picked");
        assert_eq!(vtype(&m, "Picked"), Some("io1"));
        assert_eq!(at(text, picked.volume_type.span), "!If [IsProd, io1, gp3]");
        assert_eq!(
            labels(&picked.volume_type.via),
            ["condition `IsProd` is true", "parameter `Env` default"]
        );
        assert_eq!(at(text, picked.volume_type.via[0].span), "IsProd");
        assert_eq!(at(text, picked.volume_type.via[1].span), "prod");
        assert_eq!(iops(&m, "Picked"), Some(Value::Known(4000.0)));

        // The chosen branch is AWS::NoValue: a standalone volume then defaults to gp2.
        let e = volume(&m, "Else");
        assert_eq!(vtype(&m, "Else"), Some("gp2"));
        assert!(e.type_defaulted);
        assert_eq!(e.size_gib.as_ref().and_then(|f| f.known()), Some(&10.0));

        assert_eq!(vtype(&m, "Agree"), Some("io1"));
        assert!(volume(&m, "Agree").volume_type.via.is_empty());
        assert_eq!(iops(&m, "Agree"), Some(Value::Known(3000.0)));
        let by_params = volume(&m, "AgreeByParameters");
        assert_eq!(vtype(&m, "AgreeByParameters"), Some("io1"));
        assert_eq!(
            labels(&by_params.volume_type.via),
            ["parameter `Big` default", "parameter `Small` default"]
        );

        let d = volume(&m, "Differ");
        assert_eq!(d.volume_type.value, Value::Unknown);
        assert!(!d.type_defaulted);
        assert_eq!(iops(&m, "Differ"), Some(Value::Unknown), "possibly absent");
        assert!(d.encrypted.is_none(), "absent in both branches");

        assert_eq!(vtype(&m, "Nested"), Some("io1"));
        assert_eq!(vtype(&m, "BadIf"), None);
    }

    #[test]
    fn resource_condition_holds_inside_the_resource() {
        let text = "\
Conditions:
  Dr: !Equals [!Ref AWS::AccountId, '1']
  NotDr: !Not [!Condition Dr]
Resources:
  Replica:
    Type: AWS::EC2::Volume
    Condition: Dr
    Properties:
      VolumeType: !If [Dr, io1, gp3]
      Iops: !If [NotDr, 1, 2]
  Other:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !If [Dr, io1, gp3]
";
        let m = model(text);
        let r = volume(&m, "Replica");
        assert!(r.resource.conditional);
        assert_eq!(vtype(&m, "Replica"), Some("io1"));
        assert_eq!(
            labels(&r.volume_type.via),
            ["condition `Dr` holds wherever this resource exists"]
        );
        assert_eq!(at(text, r.volume_type.via[0].span), "Dr");
        assert!(r.volume_type.via[0].span.start < text.find("Properties").unwrap_or(0));
        // Only the condition itself is assumed, not the ones derived from it.
        assert_eq!(iops(&m, "Replica"), Some(Value::Unknown));
        assert_eq!(vtype(&m, "Other"), None);
    }

    #[test]
    fn if_and_no_value_in_associations() {
        let text = "\
Conditions:
  Unknown: !Equals [!Ref AWS::AccountId, '1']
  Yes: !Equals [a, a]
Resources:
  Web:
    Type: AWS::EC2::Instance
  Spare:
    Type: AWS::EC2::Instance
  Ip1:
    Type: AWS::EC2::EIP
    Properties:
      InstanceId: !If [Unknown, !Ref Web, !Ref Spare]
  Ip2:
    Type: AWS::EC2::EIP
    Properties:
      InstanceId: !If [Unknown, !Ref Web, !Ref AWS::NoValue]
  Ip3:
    Type: AWS::EC2::EIP
    Properties:
      InstanceId: !If [Yes, !Ref AWS::NoValue, !Ref Web]
  EitherIp:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !If [Unknown, !GetAtt Ip1.AllocationId, !GetAtt Ip2.AllocationId]
  SameIp:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !If [Unknown, !GetAtt Ip1.AllocationId, !GetAtt Ip1.AllocationId]
  MaybeIp:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !If [Unknown, !GetAtt Ip3.AllocationId, !Ref AWS::NoValue]
      EIP: !Ref Ip2
  PickedIp:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !If [Yes, !GetAtt Ip3.AllocationId, !ImportValue other]
  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !If [Unknown, !GetAtt Ip1.AllocationId, !ImportValue shared]
";
        let m = model(text);
        assert_eq!(
            association_summary(&m),
            [
                // Either instance: the EIP is associated in both cases.
                ("Ip1", Some("Ip1"), false),
                ("Ip2", Some("Ip2"), true),
                ("EitherIp", Some("Ip1"), true),
                ("EitherIp", Some("Ip2"), true),
                ("SameIp", Some("Ip1"), false),
                ("MaybeIp", Some("Ip3"), true),
                ("MaybeIp", Some("Ip2"), true),
                ("PickedIp", Some("Ip3"), false),
                ("Nat", Some("Ip1"), true),
                ("Nat", None, true),
            ]
        );
        let maybe: Vec<_> = m
            .eip_associations
            .iter()
            .filter(|a| a.declared_by.address == "MaybeIp")
            .map(|a| at(text, a.span))
            .collect();
        assert_eq!(
            maybe,
            [
                "!If [Unknown, !GetAtt Ip3.AllocationId, !Ref AWS::NoValue]",
                "!Ref Ip2"
            ]
        );
    }

    #[test]
    fn load_balancer_mappings_through_if() {
        let text = "\
Conditions:
  Unknown: !Equals [!Ref AWS::AccountId, '1']
  Yes: !Equals [a, a]
Resources:
  A:
    Type: AWS::EC2::EIP
  B:
    Type: AWS::EC2::EIP
  C:
    Type: AWS::EC2::EIP
  Picked:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      SubnetMappings: !If
        - Yes
        - - SubnetId: s-1
            AllocationId: !GetAtt A.AllocationId
          - !If [Yes, {SubnetId: s-2, AllocationId: !GetAtt B.AllocationId}, !Ref AWS::NoValue]
        - !Ref AWS::NoValue
  Maybe:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      SubnetMappings:
        - !If [Unknown, {SubnetId: s-3, AllocationId: !GetAtt C.AllocationId}, !Ref AWS::NoValue]
        - SubnetId: s-4
          AllocationId: !If [Unknown, !GetAtt A.AllocationId, !Ref AWS::NoValue]
  Whole:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      SubnetMappings: !If [Unknown, [{SubnetId: s-5, AllocationId: !GetAtt B.AllocationId}], []]
";
        let m = model(text);
        assert_eq!(
            association_summary(&m),
            [
                ("Picked", Some("A"), false),
                ("Picked", Some("B"), false),
                ("Maybe", Some("C"), true),
                ("Maybe", Some("A"), true),
                ("Whole", Some("B"), true),
            ]
        );
        assert!(m
            .eip_associations
            .iter()
            .all(|a| a.kind == AssociationKind::LoadBalancer));
    }

    #[test]
    fn block_devices_through_if() {
        let text = "\
Conditions:
  Yes: !Equals [a, a]
  No: !Equals [a, b]
Resources:
  Host:
    Type: AWS::EC2::Instance
    Properties:
      BlockDeviceMappings:
        - !If [Yes, {DeviceName: /dev/sdf, Ebs: {VolumeType: gp2, VolumeSize: 10}}, !Ref AWS::NoValue]
        - !If [No, {DeviceName: /dev/sdg, Ebs: {VolumeType: io1}}, !Ref AWS::NoValue]
        - DeviceName: /dev/sdh
          Ebs: !If [No, !Ref AWS::NoValue, {VolumeType: io1}]
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData: !If
        - Yes
        - BlockDeviceMappings: [{DeviceName: /dev/xvda, Ebs: {VolumeType: st1}}]
        - !Ref AWS::NoValue
";
        let m = model(text);
        let found: Vec<_> = m
            .volumes
            .iter()
            .map(|v| (v.device.as_str(), v.volume_type.known().map(String::as_str)))
            .collect();
        assert_eq!(
            found,
            [
                ("BlockDeviceMappings[0] /dev/sdf", Some("gp2")),
                ("BlockDeviceMappings[2] /dev/sdh", Some("io1")),
                (
                    "LaunchTemplateData.BlockDeviceMappings[0] /dev/xvda",
                    Some("st1")
                ),
            ]
        );
        let first = &m.volumes[0];
        assert_eq!(at(text, first.volume_type.span), "gp2");
        assert_eq!(labels(&first.volume_type.via), ["condition `Yes` is true"]);
    }

    #[test]
    fn find_in_map() {
        let text = "\
Parameters:
  Stage:
    Type: String
  Tier:
    Type: String
    Default: small
Mappings:
  RegionMap:
    us-east-1: {Type: gp3, Same: io1}
    eu-west-1: {Type: io1, Same: io1}
  TierMap:
    small: {Size: 10}
    large: {Size: 1000}
Resources:
  ByRegion:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, !Ref AWS::Region, Type]
      Size: !FindInMap [TierMap, !Ref Tier, Size]
  LongForm:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: {\"Fn::FindInMap\": [RegionMap, {Ref: 'AWS::Region'}, Type]}
      Size: {\"Fn::FindInMap\": [TierMap, !Ref Stage, Size]}
  Agreeing:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, !Ref AWS::Region, Same]
  UnknownSecond:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, us-east-1, !Ref Stage]
  Defaulted:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, !Ref AWS::Region, Same, {DefaultValue: io1}]
  DefaultDiffers:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, !Ref AWS::Region, Same, {DefaultValue: gp3}]
  MissingKey:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, sa-east-1, Type]
  MissingWithDefault:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, sa-east-1, Type, {DefaultValue: st1}]
  NoMap:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [Nope, a, b]
  BadArgs:
    Type: AWS::EC2::Volume
    Properties:
      VolumeType: !FindInMap [RegionMap, eu-west-1]
";
        let m = model(text);
        assert_eq!(vtype(&m, "ByRegion"), None, "gp3 or io1");
        let by_region = volume(&m, "ByRegion");
        let size = by_region.size_gib.as_ref().expect("size");
        assert_eq!(size.known(), Some(&10.0));
        assert_eq!(
            labels(&size.via),
            ["mapping `TierMap.small.Size`", "parameter `Tier` default"]
        );
        assert_eq!(at(text, size.via[0].span), "10");
        assert_eq!(vtype(&m, "LongForm"), None);
        assert_eq!(
            volume(&m, "LongForm").size_gib.as_ref().map(|f| &f.value),
            Some(&Value::Unknown)
        );
        let agreeing = volume(&m, "Agreeing");
        assert_eq!(vtype(&m, "Agreeing"), Some("io1"), "every region agrees");
        assert_eq!(
            labels(&agreeing.volume_type.via),
            [
                "mapping `RegionMap.us-east-1.Same`",
                "mapping `RegionMap.eu-west-1.Same`"
            ]
        );
        assert_eq!(vtype(&m, "UnknownSecond"), None);
        assert_eq!(vtype(&m, "Defaulted"), Some("io1"));
        assert_eq!(vtype(&m, "DefaultDiffers"), None, "another region: gp3");
        assert_eq!(vtype(&m, "MissingKey"), None);
        assert_eq!(vtype(&m, "MissingWithDefault"), Some("st1"));
        assert_eq!(vtype(&m, "NoMap"), None);
        assert_eq!(vtype(&m, "BadArgs"), None);

        let m = model_with(
            text,
            &options(&[("Stage", "large"), ("Tier", "large")], Some("eu-west-1")),
        );
        let by_region = volume(&m, "ByRegion");
        assert_eq!(vtype(&m, "ByRegion"), Some("io1"));
        assert_eq!(
            labels(&by_region.volume_type.via),
            ["mapping `RegionMap.eu-west-1.Type`"]
        );
        let entry = by_region.volume_type.via[0].span;
        assert_eq!(at(text, entry), "io1");
        assert!(text[..entry.start].ends_with("eu-west-1: {Type: "));
        assert_eq!(
            by_region.size_gib.as_ref().and_then(|f| f.known()),
            Some(&1000.0)
        );
        assert_eq!(vtype(&m, "LongForm"), Some("io1"));
        assert_eq!(
            volume(&m, "LongForm")
                .size_gib
                .as_ref()
                .and_then(|f| f.known()),
            Some(&1000.0)
        );
        assert_eq!(vtype(&m, "DefaultDiffers"), Some("io1"));

        let m = model_with(text, &options(&[], Some("ap-south-1")));
        assert_eq!(vtype(&m, "ByRegion"), None, "not in the map");
        assert_eq!(vtype(&m, "DefaultDiffers"), Some("gp3"));
    }

    #[test]
    fn sub_forms() {
        let head = "\
Parameters:
  Family:
    Type: String
    Default: io
  Gen:
    Type: String
    Default: '1'
Resources:
  Host:
    Type: AWS::EC2::Instance
";
        let text = volumes(
            head,
            &[
                ("Params", "!Sub '${Family}${Gen}'"),
                ("Long", "{\"Fn::Sub\": \"${Family}${ Gen }\"}"),
                ("Escaped", "!Sub '${!Family}'"),
                ("Region", "!Sub '${AWS::Region}-io1'"),
                ("Resource", "!Sub '${Host}'"),
                ("Attribute", "!Sub '${Host.PrivateIp}'"),
                ("Locals", "!Sub ['${F}${G}', {F: !Ref Family, G: 2}]"),
                ("LocalWins", "!Sub ['${Family}', {Family: st}]"),
                ("OneItem", "!Sub ['gp${Gen}']"),
                ("Unterminated", "!Sub 'io${Gen'"),
                ("Empty", "!Sub 'io${}'"),
                ("Undefined", "!Sub '${Nope}'"),
                ("BadLocals", "!Sub ['${F}', [1]]"),
                ("Plain", "!Sub gp3"),
            ],
        );
        let m = model(&text);
        let params = volume(&m, "Params");
        assert_eq!(vtype(&m, "Params"), Some("io1"));
        assert_eq!(
            labels(&params.volume_type.via),
            ["parameter `Family` default", "parameter `Gen` default"]
        );
        assert_eq!(vtype(&m, "Long"), Some("io1"));
        assert_eq!(vtype(&m, "Escaped"), Some("${Family}"));
        assert_eq!(vtype(&m, "Region"), None);
        assert_eq!(vtype(&m, "Resource"), None);
        assert_eq!(vtype(&m, "Attribute"), None);
        assert_eq!(vtype(&m, "Locals"), Some("io2"));
        assert_eq!(vtype(&m, "LocalWins"), Some("st"));
        assert_eq!(vtype(&m, "OneItem"), Some("gp1"));
        assert_eq!(vtype(&m, "Unterminated"), None);
        assert_eq!(vtype(&m, "Empty"), None);
        assert_eq!(vtype(&m, "Undefined"), None);
        assert_eq!(vtype(&m, "BadLocals"), None);
        assert_eq!(vtype(&m, "Plain"), Some("gp3"));

        let m = model_with(&text, &options(&[], Some("eu-west-1")));
        assert_eq!(vtype(&m, "Region"), Some("eu-west-1-io1"));

        assert_eq!(
            sub_parts("a${B}c${!D}${ E.F }"),
            Some(vec![
                SubPart::Text("a".into()),
                SubPart::Var("B"),
                SubPart::Text("c${D}".into()),
                SubPart::Var("E.F"),
            ])
        );
        assert_eq!(sub_parts("${A"), None);
        assert_eq!(sub_parts(""), Some(vec![]));
    }

    #[test]
    fn join_select_split_base64_length() {
        let head = "\
Parameters:
  Family:
    Type: String
    Default: io
  Csv:
    Type: String
    Default: gp3,io1
  Either:
    Type: String
    AllowedValues: ['0', '1']
";
        let text = volumes(
            head,
            &[
                ("Join", "!Join ['', [!Ref Family, '1']]"),
                ("JoinLong", "{\"Fn::Join\": [\"-\", [\"a\", \"b\", \"c\"]]}"),
                ("JoinEmpty", "!Join [',', []]"),
                ("JoinUnknown", "!Join ['', [io, !Ref AWS::AccountId]]"),
                ("JoinNotList", "!Join ['', io1]"),
                ("Select", "!Select [1, [gp3, io1]]"),
                (
                    "SelectLong",
                    "{\"Fn::Select\": [\"0\", [\"st1\", \"sc1\"]]}",
                ),
                ("SelectOut", "!Select [5, [gp3]]"),
                ("SelectNeg", "!Select [-1, [gp3]]"),
                ("SelectUnknownIndex", "!Select [!Ref Either, [gp3, io1]]"),
                ("SelectAgree", "!Select [!Ref Either, [io1, io1]]"),
                (
                    "SelectMaybeAbsent",
                    "!Select [1, [!If [Nope, a, !Ref AWS::NoValue], io1, gp3]]",
                ),
                ("SelectDropped", "!Select [0, [!Ref AWS::NoValue, io1]]"),
                ("Split", "!Select [1, !Split [',', !Ref Csv]]"),
                (
                    "SplitLong",
                    "{\"Fn::Select\": [0, {\"Fn::Split\": [\"|\", \"sc1|st1\"]}]}",
                ),
                ("SplitEmptyDelim", "!Select [0, !Split ['', abc]]"),
                ("Base64", "!Base64 io1"),
                (
                    "Base64Long",
                    "{\"Fn::Base64\": {\"Fn::Join\": [\"\", [\"a\", \"b\"]]}}",
                ),
                ("Base64Short", "!Base64 {\"Fn::Sub\": \"${Family}\"}"),
                ("Length", "!Length [a, b, c]"),
                ("Equals", "!Equals [a, a]"),
                ("Cidr", "!Select [0, !Cidr [10.0.0.0/16, 2, 8]]"),
                ("Azs", "!Select [0, !GetAZs '']"),
            ],
        );
        let m = model(&text);
        let expect = [
            ("Join", Some("io1")),
            ("JoinLong", Some("a-b-c")),
            ("JoinEmpty", Some("")),
            ("JoinUnknown", None),
            ("JoinNotList", None),
            ("Select", Some("io1")),
            ("SelectLong", Some("st1")),
            ("SelectOut", None),
            ("SelectNeg", None),
            ("SelectUnknownIndex", None),
            ("SelectAgree", Some("io1")),
            ("SelectMaybeAbsent", None),
            ("SelectDropped", Some("io1")),
            ("Split", Some("io1")),
            ("SplitLong", Some("sc1")),
            ("SplitEmptyDelim", None),
            ("Base64", Some("aW8x")),
            ("Base64Long", Some("YWI=")),
            ("Base64Short", Some("aW8=")),
            ("Length", Some("3")),
            ("Equals", Some("true")),
            ("Cidr", None),
            ("Azs", None),
        ];
        for (name, value) in expect {
            assert_eq!(vtype(&m, name), value, "{name}");
        }
        assert_eq!(
            labels(&volume(&m, "Split").volume_type.via),
            ["parameter `Csv` default"]
        );
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn too_many_candidates_are_unknown() {
        let mut text = String::from("Parameters:\n");
        for i in 0..4 {
            text.push_str(&format!(
                "  P{i}:\n    Type: String\n    AllowedValues: [a, b, c, d, e, f, g, h, i]\n"
            ));
        }
        text.push_str("Resources:\n  V:\n    Type: AWS::EC2::Volume\n    Properties:\n");
        text.push_str("      VolumeType: !Sub '${P0}${P1}${P2}${P3}'\n");
        let m = model(&text);
        assert_eq!(vtype(&m, "V"), None);
    }

    #[test]
    fn outputs_and_escapes_follow_conditions() {
        let text = "\
Conditions:
  Yes: !Equals [a, a]
  No: !Not [!Condition Yes]
  Unknown: !Equals [!Ref AWS::AccountId, '1']
Resources:
  A:
    Type: AWS::EC2::EIP
  B:
    Type: AWS::EC2::EIP
  C:
    Type: AWS::EC2::EIP
  D:
    Type: AWS::EC2::EIP
  Child:
    Type: AWS::CloudFormation::Stack
    Condition: No
    Properties:
      Parameters:
        Ip: !Ref D
Outputs:
  Skipped:
    Condition: No
    Value: !Ref A
  Picked:
    Value: !If [Yes, !Ref B, !Ref A]
  Either:
    Condition: Unknown
    Value: !If [Unknown, !Ref C, !Base64 {\"Fn::GetAtt\": [D, AllocationId]}]
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
                ("B", "output `Picked`"),
                ("C", "output `Either`"),
                ("D", "output `Either`")
            ]
        );
        assert_eq!(m.resource_count, 4);
    }

    #[test]
    fn garbage_intrinsics_do_not_panic() {
        let exprs = [
            "!If",
            "!If []",
            "!If [[a], b, c]",
            "!If [!Ref X, a, b]",
            "{\"Fn::If\": \"x\"}",
            "!Sub",
            "!Sub [1, 2, 3]",
            "!Sub [[a], {}]",
            "!Sub ['${A}', {A: [1]}]",
            "!Sub '${!'",
            "!Sub '${}}${'",
            "!Join",
            "!Join [1]",
            "!Join [[], [a]]",
            "!Join ['', [[a]]]",
            "!Join ['', !Ref AWS::NoValue]",
            "!Select [a, [b]]",
            "!Select [99999999999999999999999, [b]]",
            "!Select [0, {a: b}]",
            "!Split [',', [a]]",
            "!Split",
            "!FindInMap",
            "!FindInMap [[a], b, c]",
            "!FindInMap [M, !Ref AWS::NoValue, c]",
            "!FindInMap [M, [x], c]",
            "!FindInMap [M, a, b, c]",
            "!FindInMap [M, a, b, {DefaultValue: [1]}]",
            "!Base64 [a]",
            "!Base64",
            "!Length x",
            "!Equals [a]",
            "!And []",
            "!Or [a, b]",
            "!Not x",
            "!Condition [a]",
            "{Condition: Loop}",
            "!GetAtt [A, !Ref B]",
            "!Ref [x]",
            "!Transform {Name: x}",
            "{\"Fn::Unknown\": 1}",
        ];
        let head = "\
Parameters:
  L:
    Type: CommaDelimitedList
    AllowedValues: [[a]]
  E:
    Type: String
    AllowedValues: []
Mappings:
  M:
    a: {b: x}
    c: [1]
    7: {8: 9}
Conditions:
  Loop: !And [!Condition Loop, {Condition: Loop}]
  Bad: [1]
  Str: x
";
        for expr in exprs {
            let mut text = String::from(head);
            text.push_str("Resources:\n");
            for kind in [
                "AWS::EC2::Volume",
                "AWS::EC2::EIP",
                "AWS::EC2::EIPAssociation",
                "AWS::EC2::NatGateway",
            ] {
                let id = kind.rsplit("::").next().unwrap_or("X");
                text.push_str(&format!(
                    "  {id}:\n    Type: {kind}\n    Condition: Loop\n    Properties:\n      VolumeType: {expr}\n      Size: {expr}\n      InstanceId: {expr}\n      AllocationId: {expr}\n"
                ));
            }
            text.push_str(&format!(
                "  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      SubnetMappings: {expr}\n  Lb2:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      SubnetMappings: [{expr}]\n  Host:\n    Type: AWS::EC2::Instance\n    Condition: Bad\n    Properties:\n      BlockDeviceMappings: [{expr}, {{Ebs: {expr}}}]\n      ImageId: {expr}\nOutputs:\n  O:\n    Condition: Str\n    Value: {expr}\n"
            ));
            let Ok(doc) = yaml::parse(&text) else {
                continue;
            };
            for opts in [
                CfnOptions::default(),
                options(&[("L", "a,b"), ("E", "x")], Some("us-east-1")),
            ] {
                let m = normalize(UNIT, FILE, "g.yaml", &doc, &opts);
                assert_eq!(m.units.len(), 1, "{expr}");
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Fixtures (fixtures/precision/cloudformation)

    fn fixture(text: &str, options: &CfnOptions) -> Model {
        let doc = yaml::parse(text).expect("fixture parses");
        assert!(is_template(&doc.root));
        normalize(UNIT, FILE, "fixture", &doc, options)
    }

    fn file_params(text: &str) -> CfnOptions {
        CfnOptions {
            parameters: crate::parse::cfn_params::parse_parameter_file(text)
                .expect("parameter file parses"),
            region: None,
        }
    }

    fn device<'m>(m: &'m Model, address: &str, index: usize) -> &'m Volume {
        m.volumes
            .iter()
            .filter(|v| v.resource.address == address)
            .nth(index)
            .unwrap_or_else(|| panic!("volume {address}[{index}]"))
    }

    fn association_summary(m: &Model) -> Vec<(&str, Option<&str>, bool)> {
        m.eip_associations
            .iter()
            .map(|a| {
                (
                    a.declared_by.address.as_str(),
                    a.eip.known().map(|k| k.address.as_str()),
                    a.conditional,
                )
            })
            .collect()
    }

    #[test]
    fn fixture_parameter_file() {
        let text = include_str!("../../fixtures/precision/cloudformation/parameter-file.yaml");
        let params = file_params(include_str!(
            "../../fixtures/precision/cloudformation/parameter-file.params.json"
        ));
        assert!(!params.parameters.contains_key("KeyName"));
        let m = fixture(text, &params);
        let data = volume(&m, "OrdersDataVolume");
        assert_eq!(vtype(&m, "OrdersDataVolume"), Some("io1"));
        assert_eq!(
            labels(&data.volume_type.via),
            ["parameter `DataVolumeType` (from --parameter)"]
        );
        assert_eq!(at(text, data.volume_type.via[0].span), "DataVolumeType");
        assert_eq!(iops(&m, "OrdersDataVolume"), Some(Value::Known(16000.0)));
        assert_eq!(vtype(&m, "OrdersLogVolume"), Some("gp3"));
        assert_eq!(m.ami_refs[0].image.value, Value::Unknown);

        let m = fixture(text, &CfnOptions::default());
        assert_eq!(vtype(&m, "OrdersDataVolume"), Some("gp3"));
        assert_eq!(iops(&m, "OrdersDataVolume"), Some(Value::Known(3000.0)));
    }

    #[test]
    fn fixture_parameter_file_pipeline() {
        let text =
            include_str!("../../fixtures/precision/cloudformation/parameter-file-pipeline.json");
        let params = file_params(include_str!(
            "../../fixtures/precision/cloudformation/parameter-file-pipeline.params.json"
        ));
        let m = fixture(text, &params);
        assert_eq!(vtype(&m, "ScratchVolume"), Some("gp2"));
        assert_eq!(vtype(&m, "CacheVolume"), Some("io2"));
        let root = device(&m, "BuildAgentTemplate", 0);
        assert_eq!(root.volume_type.known().map(String::as_str), Some("gp2"));
        assert_eq!(root.size_gib.as_ref().and_then(|f| f.known()), Some(&100.0));
        assert_eq!(at(text, root.volume_type.via[0].span), "\"RootVolumeType\"");

        let m = fixture(text, &CfnOptions::default());
        assert_eq!(vtype(&m, "ScratchVolume"), Some("gp3"));
        assert_eq!(
            device(&m, "BuildAgentTemplate", 0)
                .volume_type
                .known()
                .map(String::as_str),
            Some("gp3")
        );
    }

    #[test]
    fn fixture_allowed_values() {
        let text = include_str!("../../fixtures/precision/cloudformation/allowed-values.yaml");
        let m = fixture(text, &CfnOptions::default());
        assert_eq!(vtype(&m, "LedgerVolume"), Some("io1"));
        assert_eq!(vtype(&m, "ExportVolume"), Some("gp2"));
        assert_eq!(vtype(&m, "JournalVolume"), None);
        assert_eq!(vtype(&m, "SpoolVolume"), None);
        assert_eq!(vtype(&m, "ReportsVolume"), Some("gp3"));
        let ledger = volume(&m, "LedgerVolume");
        assert_eq!(at(text, ledger.volume_type.via[0].span), "- io1");

        let m = fixture(text, &options(&[("JournalVolumeType", "io1")], None));
        assert_eq!(vtype(&m, "JournalVolume"), Some("io1"));
    }

    #[test]
    fn fixture_conditions() {
        let text = include_str!("../../fixtures/precision/cloudformation/conditions.yaml");
        let m = fixture(text, &CfnOptions::default());
        let has = |m: &Model, address: &str| {
            m.volumes.iter().any(|v| v.resource.address == address)
                || m.elastic_ips.iter().any(|e| e.resource.address == address)
        };
        assert!(!has(&m, "StagingIp"));
        assert!(!has(&m, "StagingDataVolume"));
        assert_eq!(m.resource_count, 8);
        let prod = volume(&m, "ProdDataVolume");
        assert!(!prod.resource.conditional);
        assert_eq!(vtype(&m, "ProdDataVolume"), Some("io1"));
        let dr = volume(&m, "DrReplicaVolume");
        assert!(dr.resource.conditional);
        assert_eq!(vtype(&m, "DrReplicaVolume"), Some("io1"));
        assert_eq!(vtype(&m, "ArchiveVolume"), None);
        assert_eq!(
            association_summary(&m),
            [
                ("WebIp", Some("WebIp"), false),
                ("WebIpAssociation", Some("WebIp"), false),
                ("ApiIp", Some("ApiIp"), false),
                ("ApiIpAssociation", Some("ApiIp"), true),
            ]
        );

        let m = fixture(text, &options(&[("Environment", "staging")], None));
        assert!(has(&m, "StagingIp"));
        assert!(has(&m, "StagingDataVolume"));
        assert!(!has(&m, "ProdDataVolume"));
        assert!(!has(&m, "DrReplicaVolume"));
        assert_eq!(vtype(&m, "ArchiveVolume"), Some("gp3"));
        assert_eq!(
            association_summary(&m),
            [
                ("WebIp", Some("WebIp"), false),
                ("WebIpAssociation", Some("WebIp"), true),
                ("ApiIp", Some("ApiIp"), false),
            ]
        );
    }

    #[test]
    fn fixture_if_branches() {
        let text = include_str!("../../fixtures/precision/cloudformation/if-branches.json");
        let m = fixture(text, &CfnOptions::default());
        assert_eq!(vtype(&m, "IndexVolume"), Some("io1"));
        assert_eq!(iops(&m, "IndexVolume"), Some(Value::Known(16000.0)));
        assert_eq!(vtype(&m, "BufferVolume"), Some("io1"));
        assert_eq!(iops(&m, "BufferVolume"), Some(Value::Unknown));
        assert_eq!(vtype(&m, "SegmentVolume"), None);
        let root = device(&m, "QueueHost", 0);
        assert_eq!(root.volume_type.known().map(String::as_str), Some("gp3"));
        let data = device(&m, "QueueHost", 1);
        assert_eq!(data.device, "BlockDeviceMappings[1] /dev/sdf");
        assert_eq!(data.volume_type.known().map(String::as_str), Some("io1"));
        assert_eq!(at(text, data.volume_type.span), "\"io1\"");
        assert_eq!(
            labels(&data.volume_type.via),
            ["condition `IsLarge` is true", "parameter `Tier` default"]
        );
        let instance_type = m.instances[0].instance_type.as_ref().expect("type");
        assert_eq!(
            instance_type.known().map(String::as_str),
            Some("r7i.4xlarge")
        );
        assert_eq!(
            association_summary(&m),
            [
                ("QueueIp", Some("QueueIp"), true),
                ("QueueIpAssociation", Some("ReplicaIp"), true),
                ("QueueIpAssociation", Some("QueueIp"), true),
            ]
        );
        // ReplicaHost has an unknown condition: modeled, conditional.
        assert!(m
            .instances
            .iter()
            .any(|i| i.resource.address == "ReplicaHost" && i.resource.conditional));
    }

    #[test]
    fn fixture_find_in_map() {
        let text = include_str!("../../fixtures/precision/cloudformation/find-in-map.yaml");
        let m = fixture(text, &options(&[], Some("eu-west-1")));
        assert_eq!(vtype(&m, "TileCacheVolume"), Some("io1"));
        let cache = volume(&m, "TileCacheVolume");
        assert_eq!(
            labels(&cache.volume_type.via),
            ["mapping `RegionMap.eu-west-1.CacheVolumeType`"]
        );
        assert_eq!(at(text, cache.volume_type.via[0].span), "io1");
        assert_eq!(
            m.ami_refs[0].image.known().map(String::as_str),
            Some("ami-0f9e8d7c6b5a43210")
        );
        assert_eq!(vtype(&m, "TileLogVolume"), Some("gp2"));
        assert_eq!(vtype(&m, "TileExportVolume"), Some("gp3"));
        assert_eq!(
            volume(&m, "TileExportVolume")
                .size_gib
                .as_ref()
                .map(|f| &f.value),
            Some(&Value::Unknown)
        );
        assert_eq!(vtype(&m, "TileIndexVolume"), Some("io1"));
        assert_eq!(iops(&m, "TileIndexVolume"), Some(Value::Known(6000.0)));

        let m = fixture(text, &CfnOptions::default());
        assert_eq!(vtype(&m, "TileCacheVolume"), None);
        assert_eq!(m.ami_refs[0].image.value, Value::Unknown);
        assert_eq!(vtype(&m, "TileLogVolume"), Some("gp2"));
        let log = volume(&m, "TileLogVolume");
        assert_eq!(
            labels(&log.volume_type.via),
            [
                "mapping `StageMap.dev.LogVolumeType`",
                "mapping `StageMap.prod.LogVolumeType`"
            ]
        );
        assert_eq!(vtype(&m, "TileIndexVolume"), Some("io1"));
    }

    #[test]
    fn fixture_sub_join_select_split() {
        let text =
            include_str!("../../fixtures/precision/cloudformation/sub-join-select-split.json");
        let m = fixture(text, &CfnOptions::default());
        let image = |name: &str| {
            m.ami_refs
                .iter()
                .find(|a| a.resource.address == name)
                .and_then(|a| a.image.known().cloned())
        };
        assert_eq!(image("Ingest").as_deref(), Some("ami-0123456789abcdef0"));
        assert_eq!(
            image("Worker").as_deref(),
            Some("{{resolve:ssm:/golden-ami/prod/id}}")
        );
        assert_eq!(image("Scheduler"), None);
        assert_eq!(vtype(&m, "IngestSpool"), Some("io1"));
        assert_eq!(vtype(&m, "WorkerScratch"), Some("io1"));
        assert_eq!(vtype(&m, "SchedulerState"), Some("gp2"));
        assert_eq!(vtype(&m, "WorkerCache"), None);
        let spool = volume(&m, "IngestSpool");
        assert_eq!(
            labels(&spool.volume_type.via),
            [
                "parameter `VolumeFamily` default",
                "parameter `VolumeGeneration` default"
            ]
        );
        assert_eq!(at(text, spool.volume_type.via[1].span), "\"1\"");
    }
}
