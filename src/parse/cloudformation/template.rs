//! The template-wide context every evaluation reads: parameters, resources, mappings and
//! conditions by name, the run's options, and how a node in a structural position is picked
//! through a known `Fn::If`.

use foldhash::HashMap;
use std::cell::{Cell, RefCell};

use super::syntax::{call, is_literal_map, literal_str, Call, Func};
use super::values::{extend_via, truth, Evaluated};
use super::{CfnOptions, MAX_DEPTH};
use crate::model::{Origin, UnitId};
use crate::parse::syntax::yaml::Node;
use crate::source::{FileId, Span};

#[derive(Clone)]
pub(super) enum CondState {
    Busy,
    Done(Evaluated),
}

/// The template-wide context: what `Ref`, `Fn::GetAtt`, `Fn::FindInMap` and `Fn::If` can
/// point at.
pub(super) struct Template<'a> {
    pub unit: UnitId,
    pub file: FileId,
    pub options: &'a CfnOptions,
    /// Parameter name -> its key and definition.
    pub parameters: HashMap<&'a str, (&'a Node, &'a Node)>,
    /// Logical id -> resource type (None when `Type` is missing or not a string).
    pub resources: HashMap<&'a str, Option<&'a str>>,
    /// Mapping name -> its definition.
    pub mappings: HashMap<&'a str, &'a Node>,
    /// Condition name -> its key and definition.
    pub conditions: HashMap<&'a str, (&'a Node, &'a Node)>,
    /// Evaluated conditions.
    pub condition_memo: RefCell<HashMap<String, CondState>>,
    /// While a resource with an unknown `Condition` is modeled: that condition's name and the
    /// span of the resource's `Condition` value. Wherever the resource exists, it is true.
    pub assumed: Cell<Option<(&'a str, Span)>>,
}

impl<'a> Template<'a> {
    pub(super) fn new(
        unit: UnitId,
        file: FileId,
        root: &'a Node,
        options: &'a CfnOptions,
    ) -> Template<'a> {
        let named = |section: &str| {
            let mut out = HashMap::default();
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
            condition_memo: RefCell::new(HashMap::default()),
            assumed: Cell::new(None),
        }
    }

    pub(super) fn span(&self, node: &Node) -> Span {
        Span::new(self.file, node.span.clone())
    }

    /// The value of the `Condition` attribute of a resource or output: None when there is
    /// none or it is unknown.
    pub(super) fn condition_of(&self, def: &Node) -> Option<bool> {
        let name = literal_str(def.get("Condition")?)?;
        truth(&self.condition_named(name, 0).value)
    }

    /// Resolves a node in a structural position (a property mapping, a list of mappings): an
    /// `Fn::If` whose condition is known is replaced by its branch (the condition's origins are
    /// added to `via`), `AWS::NoValue` is absence. Anything else is returned as is.
    pub(super) fn pick<'n>(&self, node: &'n Node, via: &mut Vec<Origin>) -> Option<&'n Node> {
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

    pub(super) fn pick_map<'n>(
        &self,
        node: Option<&'n Node>,
        via: &mut Vec<Origin>,
    ) -> Option<&'n Node> {
        self.pick(node?, via).filter(|n| is_literal_map(n))
    }
}
