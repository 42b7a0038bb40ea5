//! String templates and heredocs, with `%{if}` and `%{for}` directives and `~` strip
//! markers.

use hcl_edit::template::{Directive, Element, Template};

use super::super::value::{lift, Fail, Val};
use super::operators::to_template_string;
use super::{binding, iterate, Env, Scope, MAX_STRING};
use crate::model::Origin;

impl<'a> Scope<'a> {
    pub(super) fn template(
        &self,
        template: &Template,
        env: &mut Env<'a>,
        via: &mut Vec<Origin>,
    ) -> Result<Val, Fail> {
        self.render(template, false, false, env, via)
    }

    /// Renders a template; `trim_first`/`trim_last` strip whitespace from its first/last
    /// literal (the `~` of the enclosing directive markers).
    pub(super) fn render(
        &self,
        template: &Template,
        trim_first: bool,
        trim_last: bool,
        env: &mut Env<'a>,
        via: &mut Vec<Origin>,
    ) -> Result<Val, Fail> {
        self.budget.count_step();
        let mut pieces: Vec<Val> = Vec::new();
        // Whether the last piece is a literal (strippable) and a strip of the next literal is
        // pending.
        let mut last_literal = false;
        let mut strip_next = trim_first;
        let strip_prev = |pieces: &mut Vec<Val>, last_literal: bool| {
            if last_literal {
                if let Some(Val::Str(s)) = pieces.last_mut() {
                    let kept = s.trim_end().len();
                    s.truncate(kept);
                }
            }
        };
        for element in template.iter() {
            match element {
                Element::Literal(lit) => {
                    let text: &str = lit.value();
                    let text = if strip_next { text.trim_start() } else { text };
                    if !self.budget.charge_str(text.len()) {
                        return Ok(Val::Unknown);
                    }
                    pieces.push(Val::Str(text.to_string()));
                    last_literal = true;
                    strip_next = false;
                }
                Element::Interpolation(interp) => {
                    if interp.strip.strip_start() {
                        strip_prev(&mut pieces, last_literal);
                    }
                    let e = self.eval(&interp.expr, env)?;
                    self.merge_via(via, e.via);
                    pieces.push(lift(vec![e.val], |a| to_template_string(&a[0]))?);
                    last_literal = false;
                    strip_next = interp.strip.strip_end();
                }
                Element::Directive(directive) => match directive.as_ref() {
                    Directive::If(d) => {
                        if d.if_expr.strip.strip_start() {
                            strip_prev(&mut pieces, last_literal);
                        }
                        pieces.push(self.render_if(d, env, via)?);
                        last_literal = false;
                        strip_next = d.endif_expr.strip.strip_end();
                    }
                    Directive::For(d) => {
                        if d.for_expr.strip.strip_start() {
                            strip_prev(&mut pieces, last_literal);
                        }
                        match self.render_for(d, env, via)? {
                            Some(rendered) => pieces.extend(rendered),
                            None => return Ok(Val::Unknown),
                        }
                        last_literal = false;
                        strip_next = d.endfor_expr.strip.strip_end();
                    }
                },
            }
        }
        if trim_last {
            strip_prev(&mut pieces, last_literal);
        }
        self.join(pieces)
    }

    /// An `%{if}` directive: the branch its condition picks, or both when the condition is
    /// unknown.
    fn render_if(
        &self,
        d: &hcl_edit::template::IfDirective,
        env: &mut Env<'a>,
        via: &mut Vec<Origin>,
    ) -> Result<Val, Fail> {
        let c = self.eval(&d.if_expr.cond_expr, env)?;
        let true_trim_last = match &d.else_expr {
            Some(e) => e.strip.strip_start(),
            None => d.endif_expr.strip.strip_start(),
        };
        let when_true = |s: &Self, env: &mut Env<'a>, via: &mut Vec<Origin>| {
            s.render(
                &d.if_expr.template,
                d.if_expr.strip.strip_end(),
                true_trim_last,
                env,
                via,
            )
        };
        let when_false = |s: &Self, env: &mut Env<'a>, via: &mut Vec<Origin>| match &d.else_expr {
            Some(e) => s.render(
                &e.template,
                e.strip.strip_end(),
                d.endif_expr.strip.strip_start(),
                env,
                via,
            ),
            None => Ok(Val::Str(String::new())),
        };
        Ok(match &c.val {
            Val::Null => return Err(Fail),
            Val::Unknown | Val::Ref { .. } | Val::OneOf(_) => {
                match (when_true(self, env, via), when_false(self, env, via)) {
                    (Ok(t), Ok(f)) => Val::one_of(vec![t, f]),
                    _ => Val::Unknown,
                }
            }
            v => {
                if v.as_bool().ok_or(Fail)? {
                    when_true(self, env, via)?
                } else {
                    when_false(self, env, via)?
                }
            }
        })
    }

    /// A `%{for}` directive: its body rendered once per item (`None` when the collection is
    /// unknown or beyond the budget).
    fn render_for(
        &self,
        d: &hcl_edit::template::ForDirective,
        env: &mut Env<'a>,
        via: &mut Vec<Origin>,
    ) -> Result<Option<Vec<Val>>, Fail> {
        let coll = self.eval(&d.for_expr.collection_expr, env)?;
        self.merge_via(via, coll.via);
        let Some(items) = iterate(coll.val)? else {
            return Ok(None);
        };
        // Each iteration is charged, whatever its body (a literal renders without evaluating
        // anything).
        if !self.spend(items.len()) {
            return Ok(None);
        }
        let mut rendered = Vec::with_capacity(items.len());
        for (k, v) in items {
            let mut pushed = 0;
            if let Some(kv) = &d.for_expr.key_var {
                env.bindings.push(binding(kv.as_str(), k));
                pushed += 1;
            }
            env.bindings.push(binding(d.for_expr.value_var.as_str(), v));
            pushed += 1;
            let r = self.render(
                &d.for_expr.template,
                d.for_expr.strip.strip_end(),
                d.endfor_expr.strip.strip_start(),
                env,
                via,
            );
            env.bindings.truncate(env.bindings.len() - pushed);
            rendered.push(r?);
        }
        Ok(Some(rendered))
    }

    /// The rendered pieces as one string: unknown when a piece is, or when the string would
    /// be too long (neither charged nor allocated then).
    fn join(&self, pieces: Vec<Val>) -> Result<Val, Fail> {
        if pieces.iter().any(Val::is_unknown) {
            return Ok(Val::Unknown);
        }
        lift(pieces, |parts| {
            // The length first: too long a string is neither charged nor allocated.
            let mut len = 0usize;
            for p in &parts {
                match p {
                    Val::Str(s) => len = len.saturating_add(s.len()),
                    _ => return Ok(Val::Unknown),
                }
            }
            if len > MAX_STRING {
                self.budget.note_cut();
                return Ok(Val::Unknown);
            }
            if !self.budget.charge_str(len) {
                return Ok(Val::Unknown);
            }
            let mut out = String::with_capacity(len);
            for p in &parts {
                if let Val::Str(s) = p {
                    out.push_str(s);
                }
            }
            Ok(Val::Str(out))
        })
    }
}
