//! Unit tests of the CloudFormation frontend, through the adapters: resources, associations
//! and escapes (`structure.rs`), parameters, conditions and intrinsic functions
//! (`intrinsics.rs`), and the precision fixtures (`fixtures.rs`).

mod fixtures;
mod intrinsics;
mod structure;

use super::params;
use super::syntax::*;
use super::values::base64;
use super::*;
use crate::model::*;
use crate::parse::syntax::yaml;
use crate::source::Span;

/// A template's model: resolved by the frontend, read by the CloudFormation adapters.
fn normalize(unit: UnitId, file: FileId, name: &str, doc: &YamlDoc, options: &CfnOptions) -> Model {
    let resolved = resolve(unit, file, name, doc, options, from_cloudformation::WANTED);
    from_cloudformation::adapt(&resolved)
}

fn normalize_default(unit: UnitId, file: FileId, name: &str, doc: &YamlDoc) -> Model {
    normalize(unit, file, name, doc, &CfnOptions::default())
}

pub(super) const FILE: FileId = FileId(3);
pub(super) const UNIT: UnitId = UnitId(7);

pub(super) fn model(text: &str) -> Model {
    let doc = yaml::parse(text).expect("test template parses");
    normalize(UNIT, FILE, "t.yaml", &doc, &CfnOptions::default())
}

pub(super) fn at(text: &str, span: Span) -> &str {
    assert_eq!(span.file, FILE);
    &text[span.start..span.end]
}

pub(super) fn key(address: &str) -> EipKey {
    EipKey {
        unit: UNIT,
        address: address.to_string(),
    }
}

pub(super) fn model_with(text: &str, options: &CfnOptions) -> Model {
    let doc = yaml::parse(text).expect("test template parses");
    normalize(UNIT, FILE, "t.yaml", &doc, options)
}

pub(super) fn options(params: &[(&str, &str)], region: Option<&str>) -> CfnOptions {
    CfnOptions {
        parameters: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        region: region.map(str::to_string),
    }
}

pub(super) fn volume<'m>(m: &'m Model, address: &str) -> &'m Volume {
    m.volumes
        .iter()
        .find(|v| v.resource.address == address)
        .unwrap_or_else(|| panic!("volume {address}"))
}

pub(super) fn vtype<'m>(m: &'m Model, address: &str) -> Option<&'m str> {
    volume(m, address).volume_type.known().map(String::as_str)
}

pub(super) fn iops(m: &Model, address: &str) -> Option<Value<f64>> {
    volume(m, address).iops.as_ref().map(|f| f.value.clone())
}

pub(super) fn labels(via: &[Origin]) -> Vec<&str> {
    via.iter().map(|o| o.label.as_str()).collect()
}

/// A template of one volume per `(name, VolumeType expression)`.
pub(super) fn volumes(head: &str, types: &[(&str, &str)]) -> String {
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

pub(super) fn fixture(text: &str, options: &CfnOptions) -> Model {
    let doc = yaml::parse(text).expect("fixture parses");
    assert!(is_template(&doc.root));
    normalize(UNIT, FILE, "fixture", &doc, options)
}

pub(super) fn file_params(text: &str) -> CfnOptions {
    CfnOptions {
        parameters: params::parse_parameter_file(text).expect("parameter file parses"),
        region: None,
    }
}

pub(super) fn device<'m>(m: &'m Model, address: &str, index: usize) -> &'m Volume {
    m.volumes
        .iter()
        .filter(|v| v.resource.address == address)
        .nth(index)
        .unwrap_or_else(|| panic!("volume {address}[{index}]"))
}

pub(super) fn association_summary(m: &Model) -> Vec<(&str, Option<&str>, bool)> {
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
