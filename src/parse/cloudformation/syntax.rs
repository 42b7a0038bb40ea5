//! Intrinsic functions as written: long form (`{"Fn::If": [...]}`) and short tags (`!If`),
//! their arguments, and `Fn::Sub` templates.

use crate::parse::syntax::yaml::{Node, NodeKind};

/// Intrinsic functions, by name without the `Fn::` prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Func {
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
    pub(super) fn from_name(name: &str) -> Option<Func> {
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
pub(super) struct Arg<'n> {
    pub node: &'n Node,
    pub bare: bool,
    pub short: bool,
}

impl<'n> Arg<'n> {
    /// A string argument written literally.
    pub(super) fn text(self) -> Option<&'n str> {
        match &self.node.kind {
            NodeKind::Scalar { text, .. } if self.bare || is_literal(self.node) => Some(text),
            _ => None,
        }
    }

    /// A list argument written literally.
    pub(super) fn items(self) -> Option<&'n [Node]> {
        match &self.node.kind {
            NodeKind::Seq(items) if self.bare || is_literal(self.node) => Some(items),
            _ => None,
        }
    }
}

pub(super) enum Call<'n> {
    Function(Func, Arg<'n>),
    /// A tag that is neither a function nor a YAML core tag: we cannot tell its value.
    UnknownTag,
    Literal,
}

/// Classifies a node: a short-form (`!Ref x`) or long-form (`{Ref: x}`) function call, or a
/// literal.
pub(super) fn call(node: &Node) -> Call<'_> {
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

/// `{Ref: x}` or `{"Fn::Name": args}`: a mapping with a single such key. (`Condition` is a
/// function only in condition contexts, where `{Condition: x}` is unambiguous.)
pub(super) fn long_form(node: &Node) -> Option<(Func, Arg<'_>)> {
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
pub(super) fn is_core_tag(name: &str) -> bool {
    let name = name.trim_start_matches('!');
    name.is_empty()
        || name.starts_with("tag:yaml.org,2002:")
        || matches!(
            name,
            "str" | "int" | "float" | "bool" | "null" | "seq" | "map" | "binary" | "timestamp"
        )
}

/// A node without a function tag.
pub(super) fn is_literal(node: &Node) -> bool {
    node.tag.as_ref().is_none_or(|t| is_core_tag(&t.name))
}

pub(super) fn is_literal_map(node: &Node) -> bool {
    matches!(node.kind, NodeKind::Map(_)) && is_literal(node) && long_form(node).is_none()
}

pub(super) fn is_literal_seq(node: &Node) -> bool {
    matches!(node.kind, NodeKind::Seq(_)) && is_literal(node)
}

/// A scalar written as-is (a key, a logical id, a `Type`).
pub(super) fn literal_str(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Scalar { text, .. } if is_literal(node) && !node.is_null() => Some(text),
        _ => None,
    }
}

/// A piece of a `Fn::Sub` template.
#[derive(Debug, PartialEq)]
pub(super) enum SubPart<'t> {
    Text(String),
    /// `${Name}` or `${Name.Attr}` (trimmed).
    Var(&'t str),
}

/// Splits a `Fn::Sub` template into text and variables; `${!Literal}` is the text
/// `${Literal}`. None when a `${` is not closed or a variable is empty.
pub(super) fn sub_parts(text: &str) -> Option<Vec<SubPart<'_>>> {
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
pub(super) fn sub_variables(text: &str) -> Vec<&str> {
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
