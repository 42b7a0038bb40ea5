//! infralint: a fast cost-and-compliance linter for EC2, EBS and Elastic IPs in Terraform and
//! CloudFormation.
//!
//! The pipeline: [`discover`] files, parse them in parallel ([`parse`]), normalize each
//! Terraform module and CloudFormation template into the [`model`], run the [`rules`], and
//! [`report`].

pub mod atomic_write;
pub mod aws_data;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod diff;
pub mod discover;
pub mod display;
pub mod engine;
pub mod finding;
pub mod fix;
pub mod instance_types;
pub mod instances;
pub mod inventory;
pub mod model;
pub mod option_file;
pub mod output_guard;
pub mod parse;
pub mod report;
pub mod resolved;
pub mod rules;
pub mod source;
pub mod suggest;
pub mod suppress;
pub mod usage;
