//! Account-level defaults declared in code: `aws_ebs_encryption_by_default` and
//! `aws_ec2_instance_metadata_defaults`. Each applies to the account and region its provider
//! deploys to: the rules apply it to the resources of its own Terraform root (the root module
//! and the local modules it calls) in the same region, and nowhere else.

use super::{Field, ResourceRef};

/// One declared default: the resource that sets it and its value (`enabled`, `http_tokens`).
#[derive(Debug, Clone, PartialEq)]
pub struct AccountDefault<T> {
    pub resource: ResourceRef,
    pub value: Field<T>,
}
