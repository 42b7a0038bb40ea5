//! The evaluator of intrinsic functions: what a property value is, as far as the template
//! and the run's parameters determine it (`Ref`, `Fn::GetAtt`, `Fn::If`, `Fn::Sub`,
//! `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::Base64`, `Fn::Length`).

use super::syntax::*;
use super::template::Template;
use super::values::*;
use super::{MAX_CANDIDATES, MAX_DEPTH};
use crate::model::{Origin, OriginKind};
use crate::parse::syntax::yaml::{Node, NodeKind};

impl<'a> Template<'a> {
    pub(super) fn eval(&self, node: &Node) -> Evaluated {
        self.eval_at(node, 0)
    }

    pub(super) fn eval_at(&self, node: &Node, depth: usize) -> Evaluated {
        if depth > MAX_DEPTH {
            return Evaluated::unknown();
        }
        match call(node) {
            Call::Function(func, arg) => self.apply(func, arg, depth + 1),
            Call::UnknownTag => Evaluated::unknown(),
            Call::Literal => self.literal(node, depth),
        }
    }

    /// The single argument of a function: for the short form (`!Base64 x`) the node's content
    /// without its tag.
    pub(super) fn eval_arg(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        if depth > MAX_DEPTH {
            return Evaluated::unknown();
        }
        if !arg.short {
            return self.eval_at(arg.node, depth + 1);
        }
        match long_form(arg.node) {
            Some((func, inner)) => self.apply(func, inner, depth + 1),
            None => self.literal(arg.node, depth + 1),
        }
    }

    pub(super) fn literal(&self, node: &Node, depth: usize) -> Evaluated {
        match &node.kind {
            NodeKind::Scalar { text, .. } => {
                if node.is_null() {
                    Evaluated::of(Val::Null)
                } else {
                    Evaluated::of(Val::Str(text.clone()))
                }
            }
            // `AWS::NoValue` removes a list item; an item that may be removed makes the
            // positions of the others unknown.
            NodeKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let e = self.eval_at(item, depth + 1);
                    match &e.value {
                        Val::NoValue => {}
                        Val::OneOf(c) if c.iter().any(|c| matches!(c.value, Val::NoValue)) => {
                            return Evaluated::unknown()
                        }
                        _ => out.push(e),
                    }
                }
                Evaluated::of(Val::List(out))
            }
            // ... and a map entry.
            NodeKind::Map(entries) => Evaluated::of(Val::Map(
                entries
                    .iter()
                    .filter_map(|(k, v)| {
                        let key = literal_str(k)?;
                        let value = self.eval_at(v, depth + 1);
                        (!matches!(value.value, Val::NoValue)).then(|| (key.to_string(), value))
                    })
                    .collect(),
            )),
        }
    }

    /// Applies an intrinsic function. Add functions here.
    pub(super) fn apply(&self, func: Func, arg: Arg<'_>, depth: usize) -> Evaluated {
        if depth > MAX_DEPTH {
            return Evaluated::unknown();
        }
        match func {
            Func::Ref => arg
                .text()
                .map_or_else(Evaluated::unknown, |name| self.reference(name)),
            Func::GetAtt => self.get_att(arg, depth),
            Func::If => self.eval_if(arg, depth),
            Func::Sub => self.sub(arg, depth),
            Func::Join => self.join(arg, depth),
            Func::Select => self.select(arg, depth),
            Func::Split => self.split(arg, depth),
            Func::FindInMap => self.find_in_map(arg, depth),
            Func::Base64 => lift(&[self.eval_arg(arg, depth)], |v| {
                match v[0].value.as_string() {
                    Some(s) => Evaluated::of(Val::Str(base64(s.as_bytes()))),
                    None => Evaluated::unknown(),
                }
            }),
            Func::Length => lift(&[self.eval_arg(arg, depth)], |v| match &v[0].value {
                Val::List(items) => Evaluated::of(Val::Num(items.len() as f64)),
                _ => Evaluated::unknown(),
            }),
            Func::Equals | Func::Not | Func::And | Func::Or | Func::Condition => {
                self.condition_fn(func, arg, depth)
            }
            Func::ImportValue
            | Func::GetAZs
            | Func::Cidr
            | Func::ToJsonString
            | Func::Transform
            | Func::Other => Evaluated::unknown(),
        }
    }

    /// A parameter of an `AWS::SSM::Parameter::Value<T>` type: the SSM parameter its value
    /// names (given with `--parameter`, else its literal `Default`), read at deploy time.
    fn ssm_parameter(&self, name: &str, key: &Node, def: &Node) -> Evaluated {
        let (ssm_name, origin) = if let Some(given) = self.options.parameters.get(name) {
            (
                given.clone(),
                Origin {
                    span: self.span(key),
                    label: format!("parameter `{name}` (from --parameter)"),
                    kind: OriginKind::ParameterGiven,
                },
            )
        } else {
            match def.get("Default") {
                Some(default) if is_literal(default) && !default.is_null() => {
                    let NodeKind::Scalar { text, .. } = &default.kind else {
                        return Evaluated::unknown();
                    };
                    (
                        text.clone(),
                        Origin {
                            span: self.span(default),
                            label: format!("parameter `{name}` default"),
                            kind: OriginKind::ParameterDefault,
                        },
                    )
                }
                _ => return Evaluated::unknown(),
            }
        };
        if ssm_name.is_empty() {
            return Evaluated::unknown();
        }
        Evaluated {
            value: Val::SsmParameter(ssm_name),
            via: vec![origin],
        }
    }

    /// `Ref`: a pseudo parameter, a parameter or a resource.
    pub(super) fn reference(&self, name: &str) -> Evaluated {
        if let Some(pseudo) = name.strip_prefix("AWS::") {
            return match pseudo {
                "NoValue" => Evaluated::of(Val::NoValue),
                "Region" => match &self.options.region {
                    Some(region) => Evaluated::of(Val::Str(region.clone())),
                    None => Evaluated::unknown(),
                },
                // AccountId, StackName, StackId, NotificationARNs, URLSuffix, Partition.
                _ => Evaluated::unknown(),
            };
        }
        if let Some((key, def)) = self.parameters.get(name) {
            return self.parameter(name, key, def);
        }
        if self.resources.contains_key(name) {
            return Evaluated::of(Val::Resource {
                logical_id: name.to_string(),
                attr: None,
            });
        }
        Evaluated::unknown()
    }

    /// The value of a parameter: the one given for the run, else its literal `Default`, else
    /// one of its `AllowedValues`. SSM-typed parameters resolve at deploy time: their value
    /// (given, or the default) names the SSM parameter read. List-typed parameters are split
    /// on commas.
    pub(super) fn parameter(&self, name: &str, key: &Node, def: &Node) -> Evaluated {
        let ty = def.get("Type").and_then(literal_str).unwrap_or("String");
        if ty.starts_with("AWS::SSM::Parameter::Value<") && !ty.contains("List") {
            return self.ssm_parameter(name, key, def);
        }
        if ty.starts_with("AWS::SSM::") {
            return Evaluated::unknown();
        }
        let list = ty.starts_with("List<") || ty == "CommaDelimitedList";
        let value = if let Some(given) = self.options.parameters.get(name) {
            Evaluated {
                value: Val::Str(given.clone()),
                via: vec![Origin {
                    span: self.span(key),
                    label: format!("parameter `{name}` (from --parameter)"),
                    kind: OriginKind::ParameterGiven,
                }],
            }
        } else if let Some(default) = def.get("Default") {
            match &default.kind {
                NodeKind::Scalar { text, .. } if is_literal(default) && !default.is_null() => {
                    Evaluated {
                        value: Val::Str(text.clone()),
                        via: vec![Origin {
                            span: self.span(default),
                            label: format!("parameter `{name}` default"),
                            kind: OriginKind::ParameterDefault,
                        }],
                    }
                }
                _ => Evaluated::unknown(),
            }
        } else if list {
            // `AllowedValues` of a list parameter constrain each item, not the list.
            Evaluated::unknown()
        } else {
            self.allowed_values(name, def)
        };
        if !list {
            return value;
        }
        lift(&[value], |v| match &v[0].value {
            Val::Str(s) => Evaluated::of(Val::List(
                s.split(',')
                    .map(|item| {
                        // Whether surrounding spaces are kept is not something we rely on.
                        if item.trim() == item {
                            Evaluated::of(Val::Str(item.to_string()))
                        } else {
                            Evaluated::unknown()
                        }
                    })
                    .collect(),
            )),
            _ => Evaluated::unknown(),
        })
    }

    /// A parameter without a value: it is one of its `AllowedValues`, when they are literal.
    pub(super) fn allowed_values(&self, name: &str, def: &Node) -> Evaluated {
        let Some(allowed) = def.get("AllowedValues").filter(|a| is_literal_seq(a)) else {
            return Evaluated::unknown();
        };
        let origin = Origin {
            span: self.span(allowed),
            label: format!("parameter `{name}` AllowedValues"),
            kind: OriginKind::AllowedValues,
        };
        let mut candidates = Vec::new();
        for item in allowed.items() {
            let Some(text) = literal_str(item) else {
                return Evaluated::unknown();
            };
            candidates.push(Evaluated {
                value: Val::Str(text.to_string()),
                via: vec![origin.clone()],
            });
        }
        one_of(candidates)
    }

    /// `Fn::GetAtt`: `Logical.Attr` or `[Logical, Attr]` (the attribute may be a `Ref`).
    pub(super) fn get_att(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        let (logical_id, attr, via) = if let Some(text) = arg.text() {
            let Some((id, attr)) = text.split_once('.') else {
                return Evaluated::unknown();
            };
            (id, attr.to_string(), Vec::new())
        } else if let Some([id, attr]) = arg.items() {
            let Some(id) = literal_str(id) else {
                return Evaluated::unknown();
            };
            let attr = self.eval_at(attr, depth + 1);
            let Some(name) = attr.value.as_string() else {
                return Evaluated::unknown();
            };
            (id, name, attr.via)
        } else {
            return Evaluated::unknown();
        };
        if !self.resources.contains_key(logical_id) || attr.is_empty() {
            return Evaluated::unknown();
        }
        Evaluated {
            value: Val::Resource {
                logical_id: logical_id.to_string(),
                attr: Some(attr),
            },
            via,
        }
    }

    /// `Fn::If [Condition, then, else]`: the branch when the condition is known, else either.
    pub(super) fn eval_if(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        let Some([cond, yes, no]) = arg.items() else {
            return Evaluated::unknown();
        };
        let Some(name) = literal_str(cond) else {
            return Evaluated::unknown();
        };
        let c = self.if_condition(name, depth);
        let branch = match truth(&c.value) {
            Some(true) => yes,
            Some(false) => no,
            None => {
                return one_of(vec![
                    self.eval_at(yes, depth + 1),
                    self.eval_at(no, depth + 1),
                ])
            }
        };
        let mut e = self.eval_at(branch, depth + 1);
        extend_via(&mut e.via, &c.via);
        e
    }

    /// `Fn::Sub`: `template` or `[template, {Name: value}]`.
    pub(super) fn sub(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        let (text, locals): (&str, &[(Node, Node)]) = if let Some(text) = arg.text() {
            (text, &[])
        } else {
            match arg.items() {
                Some([t]) => match literal_str(t) {
                    Some(text) => (text, &[]),
                    None => return Evaluated::unknown(),
                },
                Some([t, vars]) if is_literal_map(vars) => match literal_str(t) {
                    Some(text) => (text, vars.entries()),
                    None => return Evaluated::unknown(),
                },
                _ => return Evaluated::unknown(),
            }
        };
        let Some(parts) = sub_parts(text) else {
            return Evaluated::unknown();
        };
        let mut values = Vec::new();
        for part in &parts {
            if let SubPart::Var(var) = part {
                let local = locals.iter().find(|(k, _)| literal_str(k) == Some(*var));
                values.push(match local {
                    Some((_, value)) => self.eval_at(value, depth + 1),
                    None if var.starts_with("AWS::") || !var.contains('.') => self.reference(var),
                    // `Resource.Attr`: an attribute, known only at deploy time.
                    None => Evaluated::unknown(),
                });
            }
        }
        lift(&values, |v| {
            let mut out = String::new();
            let mut vars = v.iter();
            for part in &parts {
                match part {
                    SubPart::Text(t) => out.push_str(t),
                    SubPart::Var(_) => match vars.next().and_then(|e| e.value.as_string()) {
                        Some(s) => out.push_str(&s),
                        None => return Evaluated::unknown(),
                    },
                }
            }
            Evaluated::of(Val::Str(out))
        })
    }

    /// `Fn::Join [delimiter, list]`.
    pub(super) fn join(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        let Some([delim, list]) = arg.items() else {
            return Evaluated::unknown();
        };
        let args = [
            self.eval_at(delim, depth + 1),
            self.eval_at(list, depth + 1),
        ];
        lift(&args, |v| {
            let (Some(delim), Val::List(items)) = (v[0].value.as_string(), &v[1].value) else {
                return Evaluated::unknown();
            };
            lift(items, |items| {
                let mut parts = Vec::with_capacity(items.len());
                for item in items {
                    match item.value.as_string() {
                        Some(s) => parts.push(s),
                        None => return Evaluated::unknown(),
                    }
                }
                Evaluated::of(Val::Str(parts.join(&delim)))
            })
        })
    }

    /// `Fn::Select [index, list]`.
    pub(super) fn select(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        let Some([index, list]) = arg.items() else {
            return Evaluated::unknown();
        };
        let args = [
            self.eval_at(index, depth + 1),
            self.eval_at(list, depth + 1),
        ];
        lift(&args, |v| {
            let index = v[0]
                .value
                .as_string()
                .and_then(|s| s.trim().parse::<usize>().ok());
            match (index, &v[1].value) {
                (Some(i), Val::List(items)) => {
                    items.get(i).cloned().unwrap_or_else(Evaluated::unknown)
                }
                _ => Evaluated::unknown(),
            }
        })
    }

    /// `Fn::Split [delimiter, string]`.
    pub(super) fn split(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        let Some([delim, source]) = arg.items() else {
            return Evaluated::unknown();
        };
        let args = [
            self.eval_at(delim, depth + 1),
            self.eval_at(source, depth + 1),
        ];
        lift(&args, |v| {
            match (v[0].value.as_string(), v[1].value.as_string()) {
                (Some(d), Some(s)) if !d.is_empty() => Evaluated::of(Val::List(
                    s.split(d.as_str())
                        .map(|p| Evaluated::of(Val::Str(p.to_string())))
                        .collect(),
                )),
                _ => Evaluated::unknown(),
            }
        })
    }

    /// `Fn::FindInMap [Map, TopKey, SecondKey]`, optionally with `{DefaultValue: x}`
    /// (`AWS::LanguageExtensions`). An unknown key may be any key of the mapping (the stack
    /// fails to deploy with another one, unless there is a default): the candidates are then
    /// every matching entry.
    pub(super) fn find_in_map(&self, arg: Arg<'_>, depth: usize) -> Evaluated {
        let (map, top, second, default) = match arg.items() {
            Some([m, t, s]) => (m, t, s, None),
            Some([m, t, s, d]) => {
                let Some(value) = d.get("DefaultValue").filter(|_| is_literal_map(d)) else {
                    return Evaluated::unknown();
                };
                (m, t, s, Some(value))
            }
            _ => return Evaluated::unknown(),
        };
        let map_name = self.eval_at(map, depth + 1);
        let Val::Str(map_name) = &map_name.value else {
            return Evaluated::unknown();
        };
        let Some(mapping) = self.mappings.get(map_name.as_str()) else {
            return Evaluated::unknown();
        };
        let default = default.map(|d| self.eval_at(d, depth + 1));
        let top = self.eval_at(top, depth + 1);
        let second = self.eval_at(second, depth + 1);

        let mut candidates = Vec::new();
        let Some((tops, mut may_default)) = key_choices(&top, mapping) else {
            return Evaluated::unknown();
        };
        for (k1, via1) in tops {
            let Some(row) = mapping.get(&k1).filter(|r| is_literal_map(r)) else {
                may_default = true;
                continue;
            };
            let Some((seconds, guessed)) = key_choices(&second, row) else {
                return Evaluated::unknown();
            };
            may_default |= guessed;
            for (k2, via2) in seconds {
                let Some(value) = row.get(&k2) else {
                    may_default = true;
                    continue;
                };
                let mut e = self.eval_at(value, depth + 1);
                let mut via = vec![Origin {
                    span: self.span(value),
                    label: format!("mapping `{map_name}.{k1}.{k2}`"),
                    kind: OriginKind::Mapping,
                }];
                extend_via(&mut via, &e.via);
                extend_via(&mut via, &via1);
                extend_via(&mut via, &via2);
                e.via = via;
                candidates.push(e);
                if candidates.len() > MAX_CANDIDATES * 4 {
                    return Evaluated::unknown();
                }
            }
        }
        // A key that is not in the mapping: the default, or a failed deployment.
        if may_default {
            if let Some(default) = default {
                candidates.push(default);
            }
        }
        one_of(candidates)
    }
}
