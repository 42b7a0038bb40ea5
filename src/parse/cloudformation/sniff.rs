//! Is this file a CloudFormation template?

use super::syntax::literal_str;
use crate::parse::syntax::yaml::{Node, NodeKind};

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

/// A `Transform` other than SAM (`AWS::Serverless-2016-10-31`) can add resources we do not
/// see (macros, `Fn::ForEach` of `AWS::LanguageExtensions`): the template is then incomplete
/// for rules that need to see every association.
pub(super) fn has_generating_transform(root: &Node) -> bool {
    let Some(transform) = root.get("Transform") else {
        return false;
    };
    let is_sam = |n: &Node| n.as_str() == Some("AWS::Serverless-2016-10-31");
    match &transform.kind {
        NodeKind::Seq(items) => !items.iter().all(is_sam),
        _ => !is_sam(transform),
    }
}
