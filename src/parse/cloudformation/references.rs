//! Which resources an expression refers to (`Ref`, `Fn::GetAtt`, `Fn::Sub` variables).

use super::syntax::*;
use super::template::Template;
use super::values::truth;
use super::MAX_DEPTH;
use crate::parse::syntax::yaml::{Node, NodeKind};
use crate::resolved::Mention;
use crate::source::Span;

impl<'a> Template<'a> {
    /// Collects the logical ids referenced in `node` (`Ref`, `Fn::GetAtt`, `Fn::Sub` variables)
    /// with the span of the referencing expression. Syntactic, except that an `Fn::If` whose
    /// condition is known contributes only its branch.
    pub(super) fn references(&self, node: &Node, depth: usize, out: &mut Vec<Mention>) {
        if depth > MAX_DEPTH {
            return;
        }
        match call(node) {
            Call::Function(func, arg) => self.call_references(node, func, arg, depth, out),
            Call::UnknownTag | Call::Literal => self.child_references(node, depth, out),
        }
    }

    pub(super) fn call_references(
        &self,
        node: &Node,
        func: Func,
        arg: Arg<'_>,
        depth: usize,
        out: &mut Vec<Mention>,
    ) {
        let span = self.span(node);
        match func {
            Func::Ref => {
                if let Some(name) = arg.text() {
                    out.push(mention(name, None, span));
                }
            }
            Func::GetAtt => {
                if let Some(text) = arg.text() {
                    let (id, attr) = match text.split_once('.') {
                        Some((id, attr)) => (id, Some(attr)),
                        None => (text, None),
                    };
                    out.push(mention(id, attr, span));
                } else if let Some(items) = arg.items() {
                    if let Some(id) = items.first().and_then(literal_str) {
                        let attr = items.get(1).and_then(literal_str);
                        out.push(mention(id, attr, span));
                    }
                    for item in items.iter().skip(1) {
                        self.references(item, depth + 1, out);
                    }
                }
            }
            Func::Sub => {
                if let Some(text) = arg.text() {
                    for var in sub_variables(text) {
                        out.push(mention(var, None, span));
                    }
                } else if let Some(items) = arg.items() {
                    let locals = items.get(1).map(|m| m.entries()).unwrap_or_default();
                    if let Some(text) = items.first().and_then(literal_str) {
                        for var in sub_variables(text) {
                            let local = locals.iter().any(|(k, _)| literal_str(k) == Some(var));
                            if !local {
                                out.push(mention(var, None, span));
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

    pub(super) fn arg_references(&self, arg: Arg<'_>, depth: usize, out: &mut Vec<Mention>) {
        if !arg.short {
            self.references(arg.node, depth + 1, out);
        } else if let Some((func, inner)) = long_form(arg.node) {
            self.call_references(arg.node, func, inner, depth + 1, out);
        } else {
            self.child_references(arg.node, depth, out);
        }
    }

    /// Every `Ref` and `Fn::GetAtt` anywhere in `node`, in every branch of every `Fn::If`
    /// (what a resource hands anywhere, whatever the conditions), with the attribute read.
    pub(super) fn written_references(&self, node: &Node, depth: usize, out: &mut Vec<Mention>) {
        if depth > MAX_DEPTH {
            return;
        }
        match call(node) {
            Call::Function(Func::GetAtt, arg) => {
                let target = match (arg.text(), arg.items()) {
                    (Some(text), _) => text.split_once('.').map(|(id, attr)| (id, Some(attr))),
                    (None, Some([id, attr, ..])) => {
                        literal_str(id).map(|id| (id, literal_str(attr)))
                    }
                    _ => None,
                };
                if let Some((id, attr)) = target {
                    out.push(mention(id, attr, self.span(node)));
                }
                return;
            }
            Call::Function(Func::Ref, arg) => {
                if let Some(name) = arg.text() {
                    out.push(mention(name, None, self.span(node)));
                }
                return;
            }
            _ => {}
        }
        for child in node.items() {
            self.written_references(child, depth + 1, out);
        }
        for (_, value) in node.entries() {
            self.written_references(value, depth + 1, out);
        }
    }

    pub(super) fn child_references(&self, node: &Node, depth: usize, out: &mut Vec<Mention>) {
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

fn mention(logical_id: &str, attr: Option<&str>, span: Span) -> Mention {
    Mention {
        address: logical_id.to_string(),
        attr: attr.map(str::to_string),
        span,
    }
}
