//! The format-independent model rules run over.
//!
//! Every value keeps the span it was written at and may be [`Value::Unknown`]: a variable
//! without a default, a data source, a function we do not evaluate. Rules treat an unknown
//! value as "cannot tell" and never fire on it.

use crate::source::Span;

pub mod account;
pub mod adapt;
pub mod address;
pub mod backup;
pub mod balancing;
pub mod designation;
pub mod field;
pub mod from_cloudformation;
pub mod from_terraform;
pub mod image;
pub mod network;
pub mod placement;
pub mod provider_version;
pub mod scaling;
pub mod tags;

pub use account::AccountDefault;
pub use address::without_instance_key;
pub use backup::{
    BackupPolicy, BackupService, ResourceSelector, ResourceTags, Snapshot, TagAddition,
    TagCondition, TagOp, Target, TargetKind, Tri,
};
pub use balancing::{
    BalancerKind, Listener, ListenerAction, LoadBalancer, Registered, TargetGroup,
    TargetRegistration,
};
pub use designation::{designate, designations, Designated, Designation};
pub use field::{domain_from_vpc, Field, Origin, OriginKind, Ref, Val, Value};
pub use image::ImageChoice;
pub use placement::{
    CapacityReservation, InterfaceAttachment, InterfaceSpec, LaunchPlacement, NetworkInterface,
    PlacementGroup, Subnet,
};
pub use scaling::{AutoScalingGroup, MixedInstancesPolicy};

/// What an inline block device is to the instance: from its block (`root_block_device`,
/// `ebs_block_device`) or, in a block device mapping, from its device name.
pub fn device_role(device_name: Option<&str>) -> DeviceRole {
    let Some(name) = device_name else {
        return DeviceRole::Unknown;
    };
    let root = match crate::aws_data::AwsData::embedded() {
        Ok(d) => d.ebs.root_device.names.iter().any(|n| n == name),
        Err(_) => return DeviceRole::Unknown,
    };
    if root {
        DeviceRole::Root
    } else {
        DeviceRole::Data
    }
}
pub use network::{IngressRule, KeyName, LaunchAccess, SecurityGroup};
pub use tags::Tags;

/// The volume type the CreateVolume API uses when none is given.
pub fn default_volume_type() -> String {
    crate::aws_data::AwsData::embedded()
        .map(|d| d.ebs.default_volume_type.value.clone())
        .unwrap_or_else(|_| "gp2".to_string())
}

/// Terraform or CloudFormation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    Terraform,
    CloudFormation,
}

/// A Terraform module (one directory) or a CloudFormation template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitId(pub u32);

#[derive(Debug, Clone)]
pub struct Unit {
    pub id: UnitId,
    pub kind: SourceKind,
    /// Directory (Terraform) or template path (CloudFormation), as displayed.
    pub name: String,
    /// False when a file of the unit failed to parse: rules that need to see the whole unit
    /// (is this EIP associated anywhere?) stay silent there.
    pub complete: bool,
}

/// The declaring resource of a model object.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceRef {
    /// Terraform address (`aws_eip.web`, `data.aws_ami.ubuntu`) or CloudFormation logical id.
    pub address: String,
    /// `aws_eip` or `AWS::EC2::EIP`.
    pub kind: String,
    pub unit: UnitId,
    /// The resource's header: Terraform block labels, CloudFormation logical id key.
    pub span: Span,
    /// The whole resource block or definition.
    pub body_span: Span,
    /// The resource may not be created: a CloudFormation `Condition`, a Terraform
    /// `count`/`for_each` whose value is unknown.
    pub conditional: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub resource: ResourceRef,
    pub instance_type: Option<Field<String>>,
}

/// A launch template or launch configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchTemplate {
    pub resource: ResourceRef,
    pub is_launch_configuration: bool,
}

/// What declares an EBS volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolumeOwner {
    /// `aws_ebs_volume` / `AWS::EC2::Volume`.
    Standalone,
    Instance,
    LaunchTemplate,
    LaunchConfiguration,
}

/// What a volume is to the instance it is created for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceRole {
    /// The root (boot) volume: `root_block_device`, or a mapping for a device name reserved
    /// for the root volume (`/dev/xvda`, `/dev/sda1`). Created from the AMI's root snapshot.
    Root,
    /// Any other volume: a standalone volume, `ebs_block_device`, a mapping for another
    /// device name. Without a snapshot it is created new and empty.
    Data,
    /// A mapping whose device name is not known.
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Volume {
    pub resource: ResourceRef,
    pub owner: VolumeOwner,
    pub role: DeviceRole,
    /// `root_block_device`, `ebs_block_device /dev/sdf`, `BlockDeviceMappings[0]`: empty for a
    /// standalone volume.
    pub device: String,
    /// The block (inline) or resource (standalone) that declares the volume.
    pub span: Span,
    /// The volume type. For a standalone volume without a type this is `gp2` (the API default)
    /// with `type_defaulted` set; for an inline device without a type it is unknown (the AMI's
    /// block device mapping decides).
    pub volume_type: Field<String>,
    pub type_defaulted: bool,
    pub size_gib: Option<Field<f64>>,
    pub iops: Option<Field<f64>>,
    pub throughput: Option<Field<f64>>,
    pub encrypted: Option<Field<bool>>,
    /// `snapshot_id` / `SnapshotId`: a volume restored from a snapshot inherits its encryption.
    pub snapshot_id: Option<Field<String>>,
    /// `kms_key_id` / `KmsKeyId`: a customer key implies encryption.
    pub kms_key_id: Option<Field<String>>,
}

/// Instance, launch template or launch configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComputeKind {
    Instance,
    LaunchTemplate,
    LaunchConfiguration,
}

/// How an instance, launch template or launch configuration launches instances.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchSettings {
    pub resource: ResourceRef,
    pub kind: ComputeKind,
    pub instance_type: Option<Field<String>>,
    /// `metadata_options.http_tokens` / `MetadataOptions.HttpTokens`: `required` is IMDSv2 only.
    pub http_tokens: Option<Field<String>>,
    /// `metadata_options.http_endpoint` / `HttpEndpoint`: `disabled` turns IMDS off.
    pub http_endpoint: Option<Field<String>>,
    /// Explicit public IPv4 settings: the instance's `associate_public_ip_address`, its network
    /// interfaces' `AssociatePublicIpAddress`.
    pub public_ip: Vec<Field<bool>>,
    /// An instance launched from a launch template: the template's address in the same unit,
    /// unknown when the reference cannot be resolved.
    pub launch_template: Option<Value<String>>,
}

/// `aws_volume_attachment` / `AWS::EC2::VolumeAttachment` / an instance's `Volumes` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct VolumeAttachment {
    pub declared_by: ResourceRef,
    /// The attached volume's address in the unit, or unknown.
    pub volume: Value<String>,
    pub span: Span,
}

/// A resource handed to something that may use it outside what we see (an output, a module
/// argument, a nested stack).
#[derive(Debug, Clone, PartialEq)]
pub struct Escape {
    pub unit: UnitId,
    pub address: String,
    /// The attribute handed out (`dns_name`, `GetAtt`'s attribute); `None` for the resource
    /// itself or its id (`Ref`).
    pub attr: Option<String>,
    pub span: Span,
    pub context: String,
}

/// Identifies an Elastic IP within the run.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EipKey {
    pub unit: UnitId,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ElasticIp {
    pub resource: ResourceRef,
    pub key: EipKey,
    /// `domain`/`vpc` (Terraform) or `Domain` (CloudFormation), when written.
    pub domain: Option<Field<String>>,
}

/// How an association is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssociationKind {
    /// `aws_eip.instance` / `AWS::EC2::EIP.InstanceId`.
    EipInstance,
    /// `aws_eip.network_interface` / `AWS::EC2::EIP.NetworkInterfaceId`...
    EipNetworkInterface,
    /// `aws_eip_association` / `AWS::EC2::EIPAssociation`.
    Association,
    /// `aws_nat_gateway.allocation_id` / `AWS::EC2::NatGateway.AllocationId`.
    NatGateway,
    /// `aws_lb` `subnet_mapping.allocation_id` / `SubnetMappings[].AllocationId`.
    LoadBalancer,
}

impl AssociationKind {
    pub fn describe(self) -> &'static str {
        match self {
            AssociationKind::EipInstance => "the EIP's own instance attribute",
            AssociationKind::EipNetworkInterface => "the EIP's own network interface attribute",
            AssociationKind::Association => "an EIP association",
            AssociationKind::NatGateway => "a NAT gateway",
            AssociationKind::LoadBalancer => "a load balancer subnet mapping",
        }
    }
}

/// One declaration that associates an EIP with something.
#[derive(Debug, Clone, PartialEq)]
pub struct EipAssociation {
    /// The resource that declares the association (the EIP itself for `EipInstance`).
    pub declared_by: ResourceRef,
    pub kind: AssociationKind,
    /// The associated EIP, or unknown when the reference cannot be resolved (then any EIP of
    /// the unit may be the one associated).
    pub eip: Value<EipKey>,
    /// The attribute that makes the association.
    pub span: Span,
    /// The association may not exist: its resource is conditional, or the value is chosen by
    /// an unresolved condition (`!If`, `c ? a : null`).
    pub conditional: bool,
}

/// A use of an EIP that may associate it outside what we see: a Terraform `output` or
/// `module` argument, a CloudFormation `Outputs` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct EipEscape {
    pub eip: EipKey,
    pub span: Span,
    pub context: String,
}

/// How an image id is chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct AmiRef {
    pub resource: ResourceRef,
    /// `ami`, `image_id`, `ImageId`, `LaunchTemplateData.ImageId`.
    pub attribute: String,
    /// The resolved image id or reference string, known when every alternative agrees.
    pub image: Field<String>,
    /// Every image the attribute may designate, one per alternative of its value (a mapping
    /// entry per region, each branch of a condition).
    pub choices: Vec<ImageChoice>,
}

/// A `data "aws_ami"` lookup.
#[derive(Debug, Clone, PartialEq)]
pub struct AmiLookup {
    pub resource: ResourceRef,
    pub most_recent: Option<Field<bool>>,
    /// `owners`: known when the list is literal or resolved.
    pub owners: Option<Field<Vec<String>>>,
    /// Its `filter` blocks.
    pub filters: Vec<AmiFilter>,
    /// Filters generated by a `dynamic "filter"` over a collection that cannot be evaluated:
    /// any filter may exist.
    pub unknown_filters: bool,
    /// `allow_unsafe_filter` (AWS provider v6): accept `most_recent` without an owner or
    /// image id restriction.
    pub allow_unsafe_filter: Option<Field<bool>>,
}

/// One `filter { name = ..., values = [...] }` of an AMI lookup.
#[derive(Debug, Clone, PartialEq)]
pub struct AmiFilter {
    /// The filter name, when known (`owner-id`, `owner-alias`, `image-id`, `is-public`...).
    pub name: Option<String>,
    /// The values, when every one is known.
    pub values: Option<Vec<String>>,
}

impl AmiLookup {
    /// Whether a filter (possibly) has one of these names: a filter whose name is unknown
    /// does not count, filters that may exist do.
    pub fn may_filter_on(&self, names: &[&str]) -> bool {
        self.unknown_filters
            || self
                .filters
                .iter()
                .any(|f| f.name.as_deref().is_some_and(|n| names.contains(&n)))
    }

    /// A `filter` on `owner-id` or `owner-alias`, which restricts the publisher like `owners`.
    pub fn owner_filter(&self) -> bool {
        self.may_filter_on(&["owner-id", "owner-alias"])
    }

    /// The known values of every filter named `name` (several filters of a name all apply),
    /// or `None` when there is none, or one's values are unknown, or filters may exist that
    /// we cannot see.
    pub fn filter_values(&self, name: &str) -> Option<Vec<Vec<String>>> {
        if self.unknown_filters {
            return None;
        }
        let mut out = Vec::new();
        for f in &self.filters {
            match f.name.as_deref() {
                Some(n) if n == name => out.push(f.values.clone()?),
                Some(_) => {}
                // A filter whose name we cannot read may be this one.
                None => return None,
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

/// A `data "aws_ssm_parameter"` lookup: the image id an instance reads from it is the
/// parameter's value.
#[derive(Debug, Clone, PartialEq)]
pub struct SsmParameterLookup {
    pub resource: ResourceRef,
    /// `name`: known when literal or resolved.
    pub name: Option<Field<String>>,
}

/// Lists one after the other, in one allocation.
fn concat<T>(lists: Vec<Vec<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    for list in lists {
        out.extend(list);
    }
    out
}

/// Declares the model's lists once: the struct, and how models of several units are joined.
/// Adding a list to the model is one line here (and the adapters that fill it).
macro_rules! model {
    ($( $(#[$doc:meta])* $field:ident : $ty:ty ),* $(,)?) => {
        /// Everything the rules see.
        #[derive(Debug, Default, Clone)]
        pub struct Model {
            pub units: Vec<Unit>,
            /// Number of resources (of any type) declared.
            pub resource_count: usize,
            $( $(#[$doc])* pub $field: Vec<$ty>, )*
        }

        impl Model {
            /// Joins the models of many units into one, each list allocated once at its final
            /// size and the lists filled in parallel (on 8,000 files, joining them one after
            /// the other was the longest serial step). Unit ids must already be final.
            pub fn merge(models: Vec<Model>) -> Model {
                let mut out = Model::default();
                out.units.reserve_exact(models.iter().map(|m| m.units.len()).sum());
                $( let mut $field: Vec<Vec<$ty>> = Vec::with_capacity(models.len()); )*
                for m in models {
                    out.units.extend(m.units);
                    out.resource_count += m.resource_count;
                    $( $field.push(m.$field); )*
                }
                rayon::scope(|scope| {
                    $(
                        let list = &mut out.$field;
                        scope.spawn(move |_| *list = concat($field));
                    )*
                });
                out
            }
        }
    };
}

model! {
    instances: Instance,
    launch_templates: LaunchTemplate,
    volumes: Volume,
    elastic_ips: ElasticIp,
    eip_associations: EipAssociation,
    eip_escapes: EipEscape,
    ami_refs: AmiRef,
    ami_lookups: AmiLookup,
    ssm_parameter_lookups: SsmParameterLookup,
    launch_settings: LaunchSettings,
    volume_attachments: VolumeAttachment,
    /// EBS volumes referenced from outputs, module arguments, nested stacks.
    volume_escapes: Escape,
    /// Every other resource handed out of its unit (outputs, module arguments we do not
    /// follow, nested stacks, custom resources): load balancers, target groups, capacity
    /// reservations... whatever receives it may use it.
    escapes: Escape,
    /// `aws_ebs_encryption_by_default` resources: `enabled` (true when not written).
    encryption_by_default: AccountDefault<bool>,
    security_groups: SecurityGroup,
    ingress_rules: IngressRule,
    /// Key pairs, security groups and tags of instances, launch templates and launch
    /// configurations.
    launch_access: LaunchAccess,
    /// Lifecycle Manager policies and AWS Backup selections.
    backup_policies: BackupPolicy,
    /// Tags of standalone volumes.
    resource_tags: ResourceTags,
    /// Tags added to a resource by another one (`aws_ec2_tag`).
    tag_additions: TagAddition,
    snapshots: Snapshot,
    /// `aws_ec2_instance_metadata_defaults`: the account's default `http_tokens`.
    instance_metadata_defaults: AccountDefault<String>,
    /// The region of a Terraform module's default `provider "aws"`, when literal.
    unit_regions: (UnitId, Field<String>),
    /// Aliased `provider "aws"` blocks: alias and literal region.
    provider_aliases: (UnitId, String, Field<String>),
    /// Version constraints on the AWS provider, per Terraform unit (see
    /// [`provider_version`]).
    aws_provider_versions: (UnitId, Field<String>),
    /// Resources that name an aliased provider (`provider = aws.west`): address and alias.
    resource_providers: (UnitId, String, String),
    auto_scaling_groups: AutoScalingGroup,
    load_balancers: LoadBalancer,
    listeners: Listener,
    target_groups: TargetGroup,
    target_registrations: TargetRegistration,
    placement_groups: PlacementGroup,
    capacity_reservations: CapacityReservation,
    launch_placements: LaunchPlacement,
    network_interfaces: NetworkInterface,
    interface_attachments: InterfaceAttachment,
    subnets: Subnet,
}

impl Model {
    pub fn unit(&self, id: UnitId) -> Option<&Unit> {
        self.units
            .binary_search_by_key(&id, |u| u.id)
            .ok()
            .and_then(|i| self.units.get(i))
    }

    /// Every resource the model holds something of, once per model object (a resource with
    /// several objects, an instance and its volumes, comes several times). The one list of
    /// the model's lists: a new one is added here.
    pub fn resources(&self) -> impl Iterator<Item = &ResourceRef> {
        self.instances
            .iter()
            .map(|i| &i.resource)
            .chain(self.launch_templates.iter().map(|l| &l.resource))
            .chain(self.launch_settings.iter().map(|l| &l.resource))
            .chain(self.volumes.iter().map(|v| &v.resource))
            .chain(self.volume_attachments.iter().map(|a| &a.declared_by))
            .chain(self.elastic_ips.iter().map(|e| &e.resource))
            .chain(self.eip_associations.iter().map(|a| &a.declared_by))
            .chain(self.ami_refs.iter().map(|a| &a.resource))
            .chain(self.ami_lookups.iter().map(|a| &a.resource))
            .chain(self.auto_scaling_groups.iter().map(|g| &g.resource))
            .chain(self.load_balancers.iter().map(|l| &l.resource))
            .chain(self.listeners.iter().map(|l| &l.resource))
            .chain(self.target_groups.iter().map(|t| &t.resource))
            .chain(self.target_registrations.iter().map(|t| &t.declared_by))
            .chain(self.placement_groups.iter().map(|p| &p.resource))
            .chain(self.capacity_reservations.iter().map(|c| &c.resource))
            .chain(self.launch_placements.iter().map(|l| &l.resource))
            .chain(self.network_interfaces.iter().map(|n| &n.resource))
            .chain(self.interface_attachments.iter().map(|a| &a.declared_by))
            .chain(self.subnets.iter().map(|s| &s.resource))
            .chain(self.ssm_parameter_lookups.iter().map(|a| &a.resource))
            .chain(self.security_groups.iter().map(|g| &g.resource))
            .chain(self.ingress_rules.iter().map(|r| &r.declared_by))
            .chain(self.launch_access.iter().map(|a| &a.resource))
            .chain(self.backup_policies.iter().map(|p| &p.resource))
            .chain(self.tag_additions.iter().map(|t| &t.declared_by))
            .chain(self.snapshots.iter().map(|s| &s.resource))
    }

    /// Whether the resource at `address` of `unit` is handed to something we do not see (an
    /// output, a module argument, a nested stack...), which may use it.
    pub fn escaped(&self, unit: UnitId, address: &str) -> bool {
        self.escaped_except(unit, address, &[])
    }

    /// Whether the resource at `address` of `unit` is handed to something we do not see
    /// through an attribute other than `harmless` ones (those that cannot carry it into the
    /// use in question: a load balancer's DNS name cannot add a listener to it).
    pub fn escaped_except(&self, unit: UnitId, address: &str, harmless: &[&str]) -> bool {
        let base = without_instance_key(address);
        self.escapes.iter().any(|e| {
            e.unit == unit
                && (e.address == address || e.address == base)
                && !e.attr.as_deref().is_some_and(|a| harmless.contains(&a))
        })
    }

    /// The addresses of every modeled resource, sorted, once each.
    pub fn resource_addresses(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.resources().map(|r| r.address.as_str()).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}
