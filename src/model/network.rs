//! How instances are reached: security groups and their inbound rules, SSH key pairs, and the
//! groups and tags an instance, launch template or launch configuration gives what it launches.

use super::{ComputeKind, Field, ResourceRef, Tags, Value};
use crate::source::Span;

/// `aws_security_group` / `AWS::EC2::SecurityGroup`.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityGroup {
    pub resource: ResourceRef,
}

/// One inbound rule: an `ingress` block or entry of a group, or a rule resource
/// (`aws_security_group_rule` of type `ingress`, `aws_vpc_security_group_ingress_rule`,
/// `AWS::EC2::SecurityGroupIngress`).
#[derive(Debug, Clone, PartialEq)]
pub struct IngressRule {
    pub declared_by: ResourceRef,
    /// The group it belongs to: its address in the unit, or unknown (a literal id, a variable).
    pub group: Value<String>,
    /// As written: `tcp`, `6`, `-1`, `all`...
    pub protocol: Field<String>,
    pub from_port: Option<Field<f64>>,
    pub to_port: Option<Field<f64>>,
    /// Source CIDR blocks, IPv4 and IPv6.
    pub cidrs: Vec<Field<String>>,
    /// The rule (block, entry or resource).
    pub span: Span,
}

/// The key pair an instance or template names.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyName {
    /// A name (`key_name = "deploy"`, `KeyName: deploy`).
    Named(String),
    /// A key pair of the unit (`aws_key_pair.deploy.key_name`, `!Ref DeployKey`): its address.
    Pair(String),
}

/// Who can get in to what an instance, launch template or launch configuration launches, and
/// how it is tagged.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchAccess {
    pub resource: ResourceRef,
    pub kind: ComputeKind,
    /// `key_name` / `KeyName`; unknown when it may be empty or null.
    pub key_name: Option<Field<KeyName>>,
    /// Each security group it names: a group of the unit (its address), or unknown (a value
    /// that cannot be told, an interface attached by id). Literal ids are left out.
    pub security_groups: Vec<Field<String>>,
    /// Tags of the instances it launches (`tags`, `Tags`, template `tag_specifications` for
    /// instances). `None`: not an instance or template that tells.
    pub instance_tags: Option<Tags>,
    /// Tags of every volume it creates (`volume_tags`, template `tag_specifications` for
    /// volumes, `PropagateTagsToVolumeOnCreation`); `None` when none are written.
    pub volume_tags: Option<Tags>,
    /// Tags of single block devices (`root_block_device.tags`, `ebs_block_device.tags`), by
    /// device (`root_block_device`, `ebs_block_device /dev/sdf`).
    pub device_tags: Vec<(String, Tags)>,
}
