//! Module calls in expressions: a module instance's arguments (evaluated in the caller's
//! scope), its outputs (in the instance's own scope), and the instances of a call.

use foldhash::HashMap;
use std::rc::Rc;

use hcl_edit::expr::TraversalOperator;

use super::super::build_scope;
use super::super::eval::{Env, Expansion, Scope, VarSource, VarValue};
use super::super::ir::AttrIr;
use super::super::value::{hoist_list, hoist_obj, quote_key, EvalResult, Evaluated, Val};
use super::{attach, expand_instances, Caller, DirIrs, Instances, ModInstance, META_ARGUMENTS};
use crate::model::{Origin, OriginKind};

impl<'a> Scope<'a> {
    /// The value of an argument of this module instance, in the caller's scope.
    pub(in crate::parse::terraform) fn module_arg(&self, attr: &AttrIr<'_>) -> Evaluated {
        let Some(caller) = &self.modules.caller else {
            return Evaluated::unknown();
        };
        match caller.scope.upgrade() {
            Some(scope) => scope.value_of(attr, &caller.env),
            None => Evaluated::unknown(),
        }
    }

    /// `module.<name>...`: an output of a local module (or all of them), else unknown.
    pub(in crate::parse::terraform) fn module_traversal(
        &self,
        ops: &[&TraversalOperator],
        env: &mut Env<'a>,
    ) -> EvalResult {
        let Some(TraversalOperator::GetAttr(name)) = ops.first() else {
            return Ok(Evaluated::unknown());
        };
        let name = name.as_str();
        if !self.is_local_call(name) {
            return Ok(Evaluated::unknown());
        }
        let address = format!("module.{name}");
        let expansion = self.expansion(&address);
        let mut via = Vec::new();
        let (base, rest): (Evaluated, &[&TraversalOperator]) =
            match (&*expansion, ops.get(1), ops.get(2)) {
                (Expansion::Unknown, ..) => return Ok(Evaluated::unknown()),
                (Expansion::Single, Some(TraversalOperator::GetAttr(out)), _) => {
                    (self.output_of(name, &address, out.as_str()), &ops[2..])
                }
                (Expansion::Single, ..) => (self.outputs_of(name, &address), &ops[1..]),
                (
                    _,
                    Some(TraversalOperator::Index(index)),
                    Some(TraversalOperator::GetAttr(out)),
                ) => {
                    let key = self.eval(index, env)?;
                    match instance_address(&address, &expansion, &key.val) {
                        Some(instance) => {
                            self.merge_via(&mut via, key.via);
                            (self.output_of(name, &instance, out.as_str()), &ops[3..])
                        }
                        None => (self.all_instances(name, &expansion), &ops[1..]),
                    }
                }
                _ => (self.all_instances(name, &expansion), &ops[1..]),
            };
        self.merge_via(&mut via, base.via);
        let val = self.apply(&base.val, rest, env, &mut via)?;
        Ok(Evaluated::with_via(val, via))
    }

    pub(in crate::parse::terraform) fn is_local_call(&self, name: &str) -> bool {
        self.modules
            .calls
            .get(name)
            .is_some_and(|c| c.dir.is_some())
    }

    /// The instances of call `name` (memoized).
    pub(crate) fn module_instances(&self, name: &str) -> Rc<Instances<'a>> {
        if let Some(i) = self.modules.memo_instances.borrow().get(name) {
            return i.clone();
        }
        let list = self.module_instances_uncached(name);
        let index = list
            .iter()
            .enumerate()
            .map(|(i, m)| (m.address.clone(), i))
            .collect();
        let instances = Rc::new(Instances { list, index });
        self.modules
            .memo_instances
            .borrow_mut()
            .insert(name.to_string(), instances.clone());
        instances
    }

    fn module_instances_uncached(&self, name: &str) -> Vec<ModInstance<'a>> {
        let Some(call) = self.modules.calls.get(name) else {
            return Vec::new();
        };
        let address = format!("module.{name}");
        let expansion = self.expansion(&address);
        expand_instances(address, &expansion, &call.block.body)
    }

    /// The scope of instance `address` (`module.disk[0]`) of call `name`, made on first use.
    pub(crate) fn module_instance(&self, name: &str, address: &str) -> Option<Rc<Scope<'a>>> {
        if let Some(child) = self.modules.children.borrow().get(address) {
            return child.clone();
        }
        let instances = self.module_instances(name);
        let child = instances
            .index
            .get(address)
            .and_then(|&i| self.instantiate(name, instances.list[i].clone()));
        self.modules
            .children
            .borrow_mut()
            .insert(address.to_string(), child.clone());
        child
    }

    fn instantiate(&self, name: &str, instance: ModInstance<'a>) -> Option<Rc<Scope<'a>>> {
        let m = &self.modules;
        let tree = m.tree.as_ref()?;
        let call = m.calls.get(name)?;
        let dir = call.dir.as_ref()?;
        let d: &'a DirIrs<'a> = tree.dirs.get(dir)?;
        let left = tree.instances_left.get();
        if left == 0 {
            tree.incomplete.set(true);
            return None;
        }
        tree.instances_left.set(left - 1);

        let mut child = build_scope(&d.files, &[], &[], &[], self.budget_rc());
        child.share_depth(self);
        let mut stack = m.stack.clone();
        stack.push(d.id.clone());
        attach(&mut child, tree.clone(), &d.files, dir.clone(), stack);
        let args: HashMap<&'a str, &'a AttrIr<'a>> = call
            .block
            .body
            .attrs
            .iter()
            .filter(|a| !META_ARGUMENTS.contains(&a.key))
            .map(|a| (a.key, a))
            .collect();
        for (key, attr) in &args {
            if child.variables.contains_key(key) {
                child.values.insert(
                    key,
                    VarValue {
                        source: VarSource::Module(attr),
                        label: format!("module `{name}` argument `{key}`"),
                        kind: OriginKind::ModuleArgument,
                    },
                );
            }
        }
        let cm = &mut child.modules;
        cm.prefix = format!("{}{}.", m.prefix, instance.address);
        cm.conditional = m.conditional || instance.conditional;
        cm.files = &d.files;
        cm.caller = Some(Caller {
            scope: m.me.clone(),
            name: name.to_string(),
            args,
            env: instance.env,
        });
        Some(Rc::new_cyclic(|me| {
            child.modules.me = me.clone();
            child
        }))
    }

    /// Output `name` of this module instance.
    fn output(&self, name: &str) -> Rc<Evaluated> {
        if let Some(e) = self.modules.memo_outputs.borrow().get(name) {
            return e.clone();
        }
        let Some(attr) = self.modules.outputs.get(name).copied() else {
            return Rc::new(Evaluated::unknown());
        };
        if self.modules.active.borrow().iter().any(|a| a == name) {
            // An output that depends on itself through the caller.
            return Rc::new(Evaluated::unknown());
        }
        self.modules.active.borrow_mut().push(name.to_string());
        let mut e = self.value_of(attr, &Env::default());
        self.modules.active.borrow_mut().pop();
        if !e.val.is_unknown() {
            let call = self
                .modules
                .caller
                .as_ref()
                .map(|c| c.name.as_str())
                .unwrap_or_default();
            e.via.push(Origin {
                span: attr.value_span,
                label: format!("module `{call}` output `{name}`"),
                kind: OriginKind::ModuleOutput,
            });
        }
        let e = Rc::new(e);
        self.modules
            .memo_outputs
            .borrow_mut()
            .insert(name.to_string(), e.clone());
        e
    }

    fn output_of(&self, name: &str, instance: &str, output: &str) -> Evaluated {
        match self.module_instance(name, instance) {
            Some(child) => self.copy_evaluated(&child.output(output)),
            None => Evaluated::unknown(),
        }
    }

    /// The object of every output of an instance.
    fn outputs_of(&self, name: &str, instance: &str) -> Evaluated {
        let Some(child) = self.module_instance(name, instance) else {
            return Evaluated::unknown();
        };
        let mut via = Vec::new();
        let mut entries = Vec::new();
        let mut names: Vec<&str> = child.modules.outputs.keys().copied().collect();
        names.sort_unstable();
        for output in names {
            let e = child.output(output);
            self.merge_via(&mut via, e.via.clone());
            entries.push((output.to_string(), e.val.clone()));
        }
        // Copies of the outputs.
        Evaluated::with_via(self.made(hoist_obj(entries)), via)
    }

    /// `module.x` of a call with `count` (a list of instances) or `for_each` (a map).
    fn all_instances(&self, name: &str, expansion: &Expansion) -> Evaluated {
        let mut via = Vec::new();
        let objects: Vec<Val> = self
            .module_instances(name)
            .list
            .iter()
            .map(|i| {
                let e = self.outputs_of(name, &i.address);
                self.merge_via(&mut via, e.via);
                e.val
            })
            .collect();
        let val = match expansion {
            Expansion::Count(_) => hoist_list(objects),
            Expansion::ForEach(entries, _) => hoist_obj(
                entries
                    .iter()
                    .map(|(k, _)| k.clone())
                    .zip(objects)
                    .collect(),
            ),
            _ => Val::Unknown,
        };
        Evaluated::with_via(self.built(val), via)
    }

    /// For the EIP mention walker: the argument variable `var` of this instance was given, and
    /// where to follow it (the caller's scope, with the instance's `count`/`each`).
    pub(in crate::parse::terraform) fn module_arg_source(
        &self,
        var: &str,
    ) -> Option<(Rc<Scope<'a>>, &'a AttrIr<'a>, Env<'a>)> {
        let caller = self.modules.caller.as_ref()?;
        let attr = *caller.args.get(var)?;
        Some((caller.scope.upgrade()?, attr, caller.env.clone()))
    }

    /// For the EIP mention walker: output `output` (every output when `None`) of each
    /// instance of call `name`, with the instance's scope and the output's name.
    pub(in crate::parse::terraform) fn module_output_sources(
        &self,
        name: &str,
        output: Option<&str>,
    ) -> Vec<(Rc<Scope<'a>>, &'a str, &'a AttrIr<'a>)> {
        if !self.is_local_call(name) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for instance in &self.module_instances(name).list {
            let Some(child) = self.module_instance(name, &instance.address) else {
                continue;
            };
            let mut outputs: Vec<(&'a str, &'a AttrIr<'a>)> = child
                .modules
                .outputs
                .iter()
                .filter(|(k, _)| output.is_none_or(|o| o == **k))
                .map(|(k, v)| (*k, *v))
                .collect();
            outputs.sort_unstable_by_key(|(k, _)| *k);
            for (k, attr) in outputs {
                out.push((child.clone(), k, attr));
            }
        }
        out
    }
}

/// The instance a known index designates.
fn instance_address(address: &str, expansion: &Expansion, key: &Val) -> Option<String> {
    match expansion {
        Expansion::Count(n) => match key {
            Val::Num(_) | Val::Str(_) => key
                .as_index()
                .filter(|i| i < n)
                .map(|i| format!("{address}[{i}]")),
            _ => None,
        },
        Expansion::ForEach(entries, _) => {
            let k = match key {
                Val::Str(_) | Val::Num(_) | Val::Bool(_) => key.as_string()?,
                _ => return None,
            };
            entries
                .iter()
                .any(|(e, _)| *e == k)
                .then(|| format!("{address}[{}]", quote_key(&k)))
        }
        _ => None,
    }
}
