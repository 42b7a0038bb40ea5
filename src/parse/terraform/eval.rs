//! The expression evaluator: a module's variables, locals and resources, and the bindings of
//! the instance being evaluated (`count.index`, `each.key`, dynamic block iterators, `for`
//! variables).
//!
//! Three outcomes: a value (possibly [`Val::OneOf`] several, or with unknown parts), `Unknown`
//! (cannot be known statically), or [`Fail`] (Terraform itself would fail: what `try()` and
//! `can()` catch). Locals, variables and resource expansions are memoized; cycles and
//! evaluation depth are bounded.

use foldhash::HashMap;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::Element;

use super::budget::{Budget, INSTANCE_COST};
use super::ir::{AttrIr, AttrValue};
use super::types::Ty;
use super::value::{
    self, each_alternative, hoist_list, hoist_obj, lift, quote_key, EvalResult, Evaluated, Fail,
    Val, MAX_VALUE_WEIGHT,
};
use crate::model::{Origin, OriginKind};
use crate::source::Span;

mod calls;
mod names;
mod operators;
mod template;

use operators::{binary, get_attr, index_of, step};

/// Deepest evaluation nesting (expressions inside expressions, through locals).
pub(crate) const MAX_EVAL_DEPTH: usize = 96;

/// Most instances a `count`/`for_each` expands to; beyond that the count is treated as
/// unknown (one conditional model object), so `count = 1e9` allocates nothing.
pub(crate) const MAX_INSTANCES: usize = 10_000;

/// Longest string a template builds.
const MAX_STRING: usize = 1 << 20;

/// A name bound while evaluating: `count`, `each`, a dynamic block iterator, a `for` variable.
#[derive(Debug, Clone)]
pub(crate) struct Binding<'a> {
    pub name: String,
    pub value: Evaluated,
    /// The expression the bound values come from (a `for_each`), followed when looking for the
    /// EIPs an expression mentions.
    pub source: Option<&'a AttrIr<'a>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Env<'a> {
    pub bindings: Vec<Binding<'a>>,
}

impl<'a> Env<'a> {
    pub fn with(&self, binding: Binding<'a>) -> Env<'a> {
        let mut env = self.clone();
        env.bindings.push(binding);
        env
    }

    pub fn lookup(&self, name: &str) -> Option<&Binding<'a>> {
        self.bindings.iter().rev().find(|b| b.name == name)
    }
}

/// A declared variable.
pub(crate) struct VarDecl<'a> {
    pub default: Option<&'a AttrIr<'a>>,
    pub ty: Option<Ty>,
    pub nullable: bool,
    /// `variable "x"`.
    pub header: Span,
}

/// A value given to a variable from outside its declaration.
pub(crate) struct VarValue<'a> {
    pub source: VarSource<'a>,
    pub label: String,
    pub kind: OriginKind,
}

pub(crate) enum VarSource<'a> {
    /// A tfvars attribute.
    Attr(&'a AttrIr<'a>),
    /// `--var name=value`, already parsed; the span is the variable's declaration.
    Cli(Val, Span),
    /// An argument of the `module` block that instantiates this module, evaluated in the
    /// caller's scope (see `modules.rs`).
    Module(&'a AttrIr<'a>),
}

/// `count`/`for_each` of a resource or data source.
pub(crate) struct ResDecl<'a> {
    pub count: Option<&'a AttrIr<'a>>,
    pub for_each: Option<&'a AttrIr<'a>>,
}

/// The instances of a resource.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expansion {
    /// No `count`/`for_each`.
    Single,
    Count(usize),
    /// `for_each`: keys with their values, and where the collection came from.
    ForEach(Vec<(String, Val)>, Vec<Origin>),
    /// Unknown (or too large) `count`/`for_each`.
    Unknown,
}

impl Expansion {
    /// Instance addresses of resource `address`.
    pub fn addresses(&self, address: &str) -> Vec<String> {
        match self {
            Expansion::Single | Expansion::Unknown => vec![address.to_string()],
            Expansion::Count(n) => (0..*n).map(|i| format!("{address}[{i}]")).collect(),
            Expansion::ForEach(entries, _) => entries
                .iter()
                .map(|(k, _)| format!("{address}[{}]", quote_key(k)))
                .collect(),
        }
    }
}

type Memo = RefCell<HashMap<String, Result<Rc<Evaluated>, Fail>>>;

/// Everything of a module needed to evaluate expressions.
#[derive(Default)]
pub(crate) struct Scope<'a> {
    pub variables: HashMap<&'a str, VarDecl<'a>>,
    /// The winning value of each variable given one (tfvars, `--var-file`, `--var`).
    pub values: HashMap<&'a str, VarValue<'a>>,
    pub locals: HashMap<&'a str, &'a AttrIr<'a>>,
    /// Managed resources (`aws_eip.web`) and data sources (`data.aws_ami.x`).
    pub resources: HashMap<String, ResDecl<'a>>,
    memo_vars: Memo,
    memo_locals: Memo,
    memo_expansion: RefCell<HashMap<String, Rc<Expansion>>>,
    memo_resources: RefCell<HashMap<String, Rc<Evaluated>>>,
    /// The evaluation budget (see `budget.rs`), shared by the scopes of a module tree.
    budget: Rc<Budget>,
    /// Locals and resources being evaluated (cycle detection).
    active: RefCell<Vec<String>>,
    depth: Rc<Cell<usize>>,
    /// Where the module is in its tree of local modules (`modules.rs`).
    pub modules: super::modules::ModuleScope<'a>,
}

fn plain_env<'a>() -> Env<'a> {
    Env::default()
}

impl<'a> Scope<'a> {
    /// Evaluates an attribute's value.
    pub fn eval_attr(&self, attr: &AttrIr<'_>, env: &mut Env<'a>) -> EvalResult {
        match &attr.value {
            AttrValue::Expr(e) => self.eval(e, env),
            AttrValue::Literal(v) => Ok(Evaluated::plain(self.copy_of(v))),
        }
    }

    /// Evaluates an attribute, failures as unknown.
    pub fn value_of(&self, attr: &AttrIr<'_>, env: &Env<'a>) -> Evaluated {
        self.eval_attr(attr, &mut env.clone())
            .unwrap_or_else(|Fail| Evaluated::unknown())
    }

    /// Accounts for `work` units; false once the module's budget is spent.
    fn spend(&self, work: usize) -> bool {
        self.budget.charge(work)
    }

    /// The evaluation budget of the module tree.
    pub(crate) fn budget(&self) -> &Budget {
        &self.budget
    }

    /// A scope evaluating with `budget` (that of its module tree).
    pub(crate) fn with_budget(budget: Rc<Budget>) -> Scope<'a> {
        Scope {
            budget,
            ..Scope::default()
        }
    }

    /// Shares `other`'s evaluation depth: the scopes of one module tree (their budget is
    /// shared from [`Scope::with_budget`] on).
    pub(crate) fn share_depth(&mut self, other: &Scope<'a>) {
        self.depth = other.depth.clone();
    }

    /// The budget, for a scope of the same tree.
    pub(crate) fn budget_rc(&self) -> Rc<Budget> {
        self.budget.clone()
    }

    /// Charges `n` instances (of a resource, a module, a `dynamic` block) about to be modeled:
    /// false past the budget (the instances are then unknown).
    pub(crate) fn afford_instances(&self, n: usize) -> bool {
        self.spend(n.saturating_mul(INSTANCE_COST))
    }

    /// Merges origins (see [`value::merge_via`]), charged by the origins looked at: a `for`
    /// merges its items' origins into its own at every iteration.
    pub(super) fn merge_via(&self, into: &mut Vec<Origin>, from: Vec<Origin>) {
        if !from.is_empty() {
            self.spend(into.len() + from.len());
            value::merge_via(into, from);
        }
    }

    /// A copy of a bound value and its origins, charged before it is made.
    pub(super) fn copy_evaluated(&self, e: &Evaluated) -> Evaluated {
        if !self.spend(e.via.len()) {
            return Evaluated::unknown();
        }
        Evaluated::with_via(self.copy_of(&e.val), e.via.clone())
    }

    /// A copy of `v`, charged to the budget before it is made (`Unknown` past the budget).
    fn copy_of(&self, v: &Val) -> Val {
        if self.budget.charge_copy(v) {
            v.clone()
        } else {
            Val::Unknown
        }
    }

    /// `v`, just made (by a function, a type conversion), charged by its weight; `Unknown`
    /// past the budget or when larger than one value may be.
    pub(super) fn made(&self, v: Val) -> Val {
        let weight = v.weight(MAX_VALUE_WEIGHT);
        if !self.budget.charge(weight) {
            return Val::Unknown;
        }
        if weight > MAX_VALUE_WEIGHT {
            self.budget.note_cut();
            return Val::Unknown;
        }
        v
    }

    /// A collection just built from values already charged: its alternatives, when hoisting
    /// made some (copies of the other elements), are charged too.
    pub(super) fn built(&self, v: Val) -> Val {
        match v {
            Val::OneOf(_) => self.made(v),
            v => self.bounded(v),
        }
    }

    /// `v`, or `Unknown` when larger than [`MAX_VALUE_WEIGHT`] (noted on the budget: a value
    /// left unknown for its size may hide a finding).
    pub(crate) fn bounded(&self, v: Val) -> Val {
        if v.weight(MAX_VALUE_WEIGHT) > MAX_VALUE_WEIGHT {
            self.budget.note_cut();
            Val::Unknown
        } else {
            v
        }
    }

    pub fn eval(&self, expr: &Expression, env: &mut Env<'a>) -> EvalResult {
        self.budget.count_step();
        let depth = self.depth.get();
        if depth >= MAX_EVAL_DEPTH || !self.spend(1) {
            return Ok(Evaluated::unknown());
        }
        self.depth.set(depth + 1);
        let result = self.eval_inner(expr, env);
        self.depth.set(depth);
        result
    }

    fn eval_inner(&self, expr: &Expression, env: &mut Env<'a>) -> EvalResult {
        match expr {
            Expression::Null(_) => Ok(Evaluated::plain(Val::Null)),
            Expression::Bool(b) => Ok(Evaluated::plain(Val::Bool(*b.value()))),
            Expression::Number(n) => Ok(Evaluated::plain(
                n.value().as_f64().map(Val::Num).unwrap_or(Val::Unknown),
            )),
            Expression::String(s) => Ok(Evaluated::plain(
                if self.budget.charge_str(s.value().len()) {
                    Val::Str(s.value().to_string())
                } else {
                    Val::Unknown
                },
            )),
            Expression::Parenthesis(p) => self.eval(p.inner(), env),
            Expression::Array(items) => {
                let mut via = Vec::new();
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    let e = self.eval(item, env)?;
                    self.merge_via(&mut via, e.via);
                    out.push(e.val);
                }
                Ok(Evaluated::with_via(self.built(hoist_list(out)), via))
            }
            Expression::Object(object) => {
                let mut via = Vec::new();
                let mut out: Vec<(String, Val)> = Vec::with_capacity(object.len());
                let mut unknown_key = false;
                for (key, value) in object.iter() {
                    let key = match key {
                        ObjectKey::Ident(ident) => Some(ident.as_str().to_string()),
                        ObjectKey::Expression(k) => {
                            let k = self.eval(k, env)?;
                            match &k.val {
                                Val::Null => return Err(Fail),
                                Val::List(_) | Val::Obj(_) => return Err(Fail),
                                v => v.as_string(),
                            }
                        }
                    };
                    let e = self.eval(value.expr(), env)?;
                    self.merge_via(&mut via, e.via);
                    match key {
                        Some(key) => out.push((key, e.val)),
                        None => unknown_key = true,
                    }
                }
                // A key given twice fails (found by sorting: an object may have many keys).
                let mut keys: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
                keys.sort_unstable();
                if keys.windows(2).any(|w| w[0] == w[1]) {
                    return Err(Fail);
                }
                if unknown_key {
                    return Ok(Evaluated::unknown());
                }
                Ok(Evaluated::with_via(self.built(hoist_obj(out)), via))
            }
            Expression::StringTemplate(template) => {
                // `"${x}"` is `x` itself, not converted to a string.
                if let (1, Some(Element::Interpolation(interp))) =
                    (template.len(), template.iter().next())
                {
                    return self.eval(&interp.expr, env);
                }
                let mut via = Vec::new();
                let val = self.template(template, env, &mut via)?;
                Ok(Evaluated::with_via(val, via))
            }
            Expression::HeredocTemplate(heredoc) => {
                let mut via = Vec::new();
                let val = self.template(&heredoc.template, env, &mut via)?;
                Ok(Evaluated::with_via(val, via))
            }
            Expression::Conditional(cond) => {
                // Origins are those of the value chosen, not of the condition that chose it.
                let c = self.eval(&cond.cond_expr, env)?;
                let mut via = Vec::new();
                let branch = |s: &Self, e: &Expression, env: &mut Env<'a>| s.eval(e, env);
                let choice = match &c.val {
                    Val::Null => return Err(Fail),
                    Val::Unknown | Val::Ref { .. } => None,
                    Val::OneOf(alts) => {
                        let bools: Option<Vec<bool>> = alts.iter().map(Val::as_bool).collect();
                        match bools {
                            Some(_) => None,
                            None => return Ok(Evaluated::unknown()),
                        }
                    }
                    v => Some(v.as_bool().ok_or(Fail)?),
                };
                match choice {
                    Some(true) => {
                        let e = branch(self, &cond.true_expr, env)?;
                        self.merge_via(&mut via, e.via);
                        Ok(Evaluated::with_via(e.val, via))
                    }
                    Some(false) => {
                        let e = branch(self, &cond.false_expr, env)?;
                        self.merge_via(&mut via, e.via);
                        Ok(Evaluated::with_via(e.val, via))
                    }
                    None => {
                        // Unknown condition: the value is one of the two branches.
                        let (Ok(t), Ok(f)) = (
                            branch(self, &cond.true_expr, env),
                            branch(self, &cond.false_expr, env),
                        ) else {
                            return Ok(Evaluated::unknown());
                        };
                        self.merge_via(&mut via, t.via);
                        self.merge_via(&mut via, f.via);
                        Ok(Evaluated::with_via(Val::one_of(vec![t.val, f.val]), via))
                    }
                }
            }
            Expression::Traversal(traversal) => {
                let ops: Vec<&TraversalOperator> =
                    traversal.operators.iter().map(|op| op.value()).collect();
                self.traversal(&traversal.expr, &ops, env)
            }
            Expression::Variable(v) => match env.lookup(v.as_str()) {
                Some(b) => Ok(self.copy_evaluated(&b.value)),
                None => Ok(Evaluated::unknown()),
            },
            Expression::FuncCall(call) => self.func_call(call, env),
            Expression::UnaryOp(op) => {
                let e = self.eval(&op.expr, env)?;
                let operator = *op.operator.value();
                let val = lift(vec![e.val], |a| match (operator, &a[0]) {
                    (_, Val::Unknown | Val::Ref { .. }) => Ok(Val::Unknown),
                    (UnaryOperator::Neg, v) => v.as_f64().map(|n| Val::Num(-n)).ok_or(Fail),
                    (UnaryOperator::Not, v) => v.as_bool().map(|b| Val::Bool(!b)).ok_or(Fail),
                })?;
                Ok(Evaluated::with_via(val, e.via))
            }
            Expression::BinaryOp(op) => {
                let l = self.eval(&op.lhs_expr, env)?;
                let r = self.eval(&op.rhs_expr, env)?;
                let mut via = l.via;
                self.merge_via(&mut via, r.via);
                let operator = *op.operator.value();
                let val = lift(vec![l.val, r.val], |a| binary(operator, &a[0], &a[1]))?;
                Ok(Evaluated::with_via(val, via))
            }
            Expression::ForExpr(for_expr) => self.for_expr(for_expr, env),
        }
    }

    // ---- traversals ---------------------------------------------------------------------

    fn traversal(
        &self,
        root: &Expression,
        ops: &[&TraversalOperator],
        env: &mut Env<'a>,
    ) -> EvalResult {
        let Expression::Variable(root) = root else {
            // `(expr).attr`, `[...][0]`, `func(...)[0]`.
            let base = self.eval(root, env)?;
            let mut via = base.via;
            let val = self.apply(&base.val, ops, env, &mut via)?;
            return Ok(Evaluated::with_via(val, via));
        };
        let name = root.as_str();
        if let Some(b) = env.lookup(name) {
            // `each.value.size`, `count.index`: only what is reached is copied. An index
            // expression needs the bindings (`x[each.key]`): then the bound value is copied.
            if !ops
                .iter()
                .any(|op| matches!(op, TraversalOperator::Index(_)))
            {
                if !self.spend(b.value.via.len()) {
                    return Ok(Evaluated::unknown());
                }
                let mut via = b.value.via.clone();
                let val = self.apply(&b.value.val, ops, &mut Env::default(), &mut via)?;
                return Ok(Evaluated::with_via(val, via));
            }
            let base = self.copy_evaluated(&b.value);
            let mut via = base.via;
            let val = self.apply(&base.val, ops, env, &mut via)?;
            return Ok(Evaluated::with_via(val, via));
        }
        let attr_at = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(ident)) => Some(ident.as_str()),
            _ => None,
        };
        let (base, rest): (Rc<Evaluated>, &[&TraversalOperator]) = match name {
            "var" => match attr_at(0) {
                Some(v) => (self.var(v)?, &ops[1..]),
                None => return Ok(Evaluated::unknown()),
            },
            "local" => match attr_at(0) {
                Some(l) => (self.local(l)?, &ops[1..]),
                None => return Ok(Evaluated::unknown()),
            },
            "data" => match (attr_at(0), attr_at(1)) {
                (Some(ty), Some(n)) => {
                    let address = format!("data.{ty}.{n}");
                    if !self.resources.contains_key(&address) {
                        return Ok(Evaluated::unknown());
                    }
                    (self.resource_value(&address), &ops[2..])
                }
                _ => return Ok(Evaluated::unknown()),
            },
            "module" => return self.module_traversal(ops, env),
            "path" | "terraform" | "self" | "count" | "each" => return Ok(Evaluated::unknown()),
            ty => match attr_at(0) {
                Some(n) => {
                    let address = format!("{ty}.{n}");
                    if !self.resources.contains_key(&address) {
                        return Ok(Evaluated::unknown());
                    }
                    (self.resource_value(&address), &ops[1..])
                }
                None => return Ok(Evaluated::unknown()),
            },
        };
        if !self.spend(base.via.len()) {
            return Ok(Evaluated::unknown());
        }
        let mut via = base.via.clone();
        let val = self.apply(&base.val, rest, env, &mut via)?;
        Ok(Evaluated::with_via(val, via))
    }

    /// What a resource reference evaluates to: a reference (no `count`/`for_each`), a list
    /// (`count`) or map (`for_each`) of instance references, or unknown.
    fn resource_value(&self, address: &str) -> Rc<Evaluated> {
        if let Some(v) = self.memo_resources.borrow().get(address) {
            return v.clone();
        }
        let expansion = self.expansion(address);
        let size = match &*expansion {
            Expansion::Count(n) => *n,
            Expansion::ForEach(entries, _) => entries.len(),
            _ => 1,
        };
        let val = if self.spend(size) {
            // Inside a module instance, references carry the full address.
            Self::instance_refs(&format!("{}{address}", self.modules.prefix), &expansion)
        } else {
            Val::Unknown
        };
        let v = Rc::new(Evaluated::plain(val));
        self.memo_resources
            .borrow_mut()
            .insert(address.to_string(), v.clone());
        v
    }

    fn instance_refs(address: &str, expansion: &Expansion) -> Val {
        match expansion {
            Expansion::Single => Val::Ref {
                address: address.to_string(),
                attr: None,
            },
            Expansion::Unknown => Val::Unknown,
            e @ Expansion::Count(_) => Val::List(
                e.addresses(address)
                    .into_iter()
                    .map(|address| Val::Ref {
                        address,
                        attr: None,
                    })
                    .collect(),
            ),
            e @ Expansion::ForEach(entries, _) => Val::Obj(
                entries
                    .iter()
                    .zip(e.addresses(address))
                    .map(|((k, _), address)| {
                        (
                            k.clone(),
                            Val::Ref {
                                address,
                                attr: None,
                            },
                        )
                    })
                    .collect(),
            ),
        }
    }

    /// Applies traversal operators to `base`, borrowing into it as long as possible.
    pub(super) fn apply(
        &self,
        base: &Val,
        ops: &[&TraversalOperator],
        env: &mut Env<'a>,
        via: &mut Vec<Origin>,
    ) -> Result<Val, Fail> {
        let mut cur: Cow<'_, Val> = Cow::Borrowed(base);
        let mut i = 0;
        while i < ops.len() {
            match &*cur {
                Val::Unknown => return Ok(Val::Unknown),
                Val::OneOf(alts) => {
                    let rest = &ops[i..];
                    return each_alternative(alts, |alt| self.apply(alt, rest, env, via));
                }
                _ => {}
            }
            match ops[i] {
                TraversalOperator::GetAttr(ident) => {
                    cur = step(cur, |v| get_attr(v, ident.as_str()))?;
                }
                TraversalOperator::Index(index) => {
                    let idx = self.eval(index, env)?;
                    self.merge_via(via, idx.via);
                    if let Val::OneOf(keys) = &idx.val {
                        // One element per key: copies, charged.
                        let next = each_alternative(keys, |k| {
                            Ok(match index_of(&cur, k)? {
                                Cow::Borrowed(v) => self.copy_of(v),
                                Cow::Owned(v) => v,
                            })
                        })?;
                        cur = Cow::Owned(next);
                    } else {
                        let k = idx.val;
                        cur = step(cur, |v| index_of(v, &k))?;
                    }
                }
                TraversalOperator::LegacyIndex(n) => {
                    let k = Val::Num(*n.value() as f64);
                    cur = step(cur, |v| index_of(v, &k))?;
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let end = if matches!(ops[i], TraversalOperator::AttrSplat(_)) {
                        i + 1
                            + ops[i + 1..]
                                .iter()
                                .take_while(|op| matches!(op, TraversalOperator::GetAttr(_)))
                                .count()
                    } else {
                        ops.len()
                    };
                    let sub = &ops[i + 1..end];
                    let mut out = Vec::new();
                    match &*cur {
                        Val::List(items) => {
                            if !self.spend(items.len()) {
                                return Ok(Val::Unknown);
                            }
                            for item in items {
                                out.push(self.apply(item, sub, env, via)?);
                            }
                        }
                        Val::Null => {}
                        Val::Unknown => return Ok(Val::Unknown),
                        other => out.push(self.apply(other, sub, env, via)?),
                    }
                    cur = Cow::Owned(hoist_list(out));
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        // Copying a value out of a variable, local, resource or binding costs its weight.
        Ok(match cur {
            Cow::Borrowed(v) => self.copy_of(v),
            Cow::Owned(v) => v,
        })
    }
}

enum ForItem {
    Skip,
    Unknown,
    Value(Val),
    Entry(String, Val),
}

fn binding<'a>(name: &str, value: Val) -> Binding<'a> {
    Binding {
        name: name.to_string(),
        value: Evaluated::plain(value),
        source: None,
    }
}

/// Whether an expression is a literal value (what `--var` and `optional()` defaults accept).
fn is_literal(expr: &Expression, depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    match expr {
        Expression::Null(_)
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_) => true,
        Expression::Parenthesis(p) => is_literal(p.inner(), depth + 1),
        Expression::UnaryOp(op) => is_literal(&op.expr, depth + 1),
        Expression::Array(items) => items.iter().all(|i| is_literal(i, depth + 1)),
        Expression::Object(object) => object.iter().all(|(k, v)| {
            let key_ok = match k {
                ObjectKey::Ident(_) => true,
                ObjectKey::Expression(e) => is_literal(e, depth + 1),
            };
            key_ok && is_literal(v.expr(), depth + 1)
        }),
        Expression::StringTemplate(t) => t.iter().all(|e| matches!(e, Element::Literal(_))),
        _ => false,
    }
}

/// Elements of a collection to iterate (`for`, template `for`): index or key, and value.
/// `Ok(None)` when the collection is unknown.
fn iterate(coll: Val) -> Result<Option<Vec<(Val, Val)>>, Fail> {
    match coll {
        Val::List(items) => Ok(Some(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Val::Num(i as f64), v))
                .collect(),
        )),
        Val::Obj(entries) => Ok(Some(
            entries.into_iter().map(|(k, v)| (Val::Str(k), v)).collect(),
        )),
        Val::Unknown | Val::Ref { .. } | Val::OneOf(_) => Ok(None),
        _ => Err(Fail),
    }
}

/// Keys and values of a known `for_each` collection (a map, or a set of strings), or `None`.
pub(crate) fn for_each_entries(v: &Val) -> Option<Vec<(String, Val)>> {
    let entries: Vec<(String, Val)> = match v {
        Val::Obj(entries) => entries.clone(),
        Val::List(items) => {
            let mut keys = Vec::with_capacity(items.len());
            for i in items {
                match i {
                    Val::Str(_) | Val::Num(_) | Val::Bool(_) => keys.push(i.as_string()?),
                    _ => return None,
                }
            }
            keys.sort();
            keys.dedup();
            keys.into_iter().map(|k| (k.clone(), Val::Str(k))).collect()
        }
        _ => return None,
    };
    if entries.len() > MAX_INSTANCES {
        return None;
    }
    Some(entries)
}
