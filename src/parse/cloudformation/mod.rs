//! CloudFormation templates (YAML or JSON) into resolved resources.
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

mod conditions;
mod intrinsics;
pub mod params;
mod references;
mod resolve;
mod sniff;
pub mod suppressions;
mod syntax;
mod template;
#[cfg(test)]
mod tests;
mod values;

use std::collections::BTreeMap;

use crate::model::UnitId;
use crate::parse::syntax::yaml::YamlDoc;
use crate::resolved::{ResolvedUnit, Wanted};
use crate::source::FileId;

pub use sniff::{is_template, looks_like_template};

/// Guards the recursion of the evaluator and of reference walks against hostile nesting.
const MAX_DEPTH: usize = 128;

/// Most candidates a value may have before it is given up as unknown.
const MAX_CANDIDATES: usize = 64;

/// What the run knows about the deployment of a template.
#[derive(Debug, Clone, Default)]
pub struct CfnOptions {
    /// `--parameter Name=Value` and `--parameter-file` values; override `Default`.
    pub parameters: BTreeMap<String, String>,
    /// `--region`: the value of `AWS::Region` (unknown when None).
    pub region: Option<String>,
}

/// Resolves one template into unit `unit`; `name` is the template's display path. The bodies
/// of the resource types `wanted` names are resolved: every property evaluated, nested
/// property maps and list items as blocks.
pub fn resolve(
    unit: UnitId,
    file: FileId,
    name: &str,
    doc: &YamlDoc,
    options: &CfnOptions,
    wanted: Wanted<'_>,
) -> ResolvedUnit {
    resolve::template(unit, file, name, doc, options, wanted)
}
