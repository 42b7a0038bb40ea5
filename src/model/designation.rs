//! What an attribute that names other resources names: a resource of the unit, something
//! created elsewhere (a literal name or id), or we cannot tell. One reading for both
//! languages, since both frontends resolve a reference to a resource of the unit into
//! [`Val::Ref`].

use super::Val;
use crate::resolved::Attr;
use crate::source::Span;

/// The resource an attribute names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Designated {
    /// A resource of the unit of the expected type, by address (Terraform, with module path
    /// and instance key) or logical id.
    Resource(String),
    /// A literal name or id: a resource created outside the unit (the unit's own resources
    /// have no id before they exist; a name may still match one of them: see the rules).
    Literal(String),
    /// Cannot tell: an unknown value, a resource of another type, a map.
    Unknown,
}

/// One resource named by an attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct Designation {
    pub target: Designated,
    /// The expression that names it.
    pub span: Span,
    /// It is one of several alternatives (an unresolved condition), or the attribute may be
    /// null: the name may not hold.
    pub conditional: bool,
}

impl Designation {
    /// The address of the unit's resource it names, when it is one for sure.
    pub fn resource(&self) -> Option<&str> {
        match &self.target {
            Designated::Resource(a) if !self.conditional => Some(a),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        self.target == Designated::Unknown
    }
}

/// Every resource a value names, each once: references to a resource of the expected type
/// (`is_target`), in lists and among alternatives too; literal strings; `Unknown` for each
/// part that cannot be told. An empty string or `null` names nothing. A resource that not
/// every alternative of a `OneOf` names (one may be null) is conditional.
pub fn designations(value: &Val, span: Span, is_target: &dyn Fn(&str) -> bool) -> Vec<Designation> {
    let per_alternative: Vec<Vec<Designation>> = value
        .alternatives()
        .iter()
        .map(|alt| {
            let mut named = Vec::new();
            collect(alt, span, false, is_target, &mut named);
            named
        })
        .collect();
    let mut out: Vec<Designation> = Vec::new();
    for named in &per_alternative {
        for d in named {
            if out.iter().any(|o| o.target == d.target) {
                continue;
            }
            let everywhere = per_alternative
                .iter()
                .all(|other| other.iter().any(|o| o.target == d.target && !o.conditional));
            out.push(Designation {
                conditional: d.conditional || !everywhere,
                ..d.clone()
            });
        }
    }
    out
}

/// What a resolved attribute names. Where its value cannot be resolved but the expression
/// mentions resources of the expected type (`element(aws_lb_target_group.x[*].arn, 0)`), each
/// of those is possibly the one (conditional) instead of an unknown; an expression that
/// mentions none stays unknown.
pub fn designate(attr: &Attr, is_target: &dyn Fn(&str) -> bool) -> Vec<Designation> {
    let mut out = designations(&attr.value, attr.value_span, is_target);
    if !out.iter().any(Designation::is_unknown) {
        return out;
    }
    let mentioned: Vec<&str> = attr
        .mentions
        .iter()
        .filter(|m| is_target(&m.address))
        .map(|m| m.address.as_str())
        .collect();
    if mentioned.is_empty() {
        return out;
    }
    out.retain(|d| !d.is_unknown());
    for address in mentioned {
        if !out
            .iter()
            .any(|d| d.target == Designated::Resource(address.to_string()))
        {
            out.push(Designation {
                target: Designated::Resource(address.to_string()),
                span: attr.value_span,
                conditional: true,
            });
        }
    }
    out
}

fn collect(
    value: &Val,
    span: Span,
    conditional: bool,
    is_target: &dyn Fn(&str) -> bool,
    out: &mut Vec<Designation>,
) {
    let target = match value {
        Val::Null => return,
        Val::Str(s) if s.is_empty() => return,
        Val::Ref(r) if is_target(&r.address) => Designated::Resource(r.address.clone()),
        Val::Str(s) => Designated::Literal(s.clone()),
        Val::Num(_) | Val::Bool(_) => match value.as_string() {
            Some(s) => Designated::Literal(s),
            None => Designated::Unknown,
        },
        Val::List(items) => {
            for item in items {
                collect(item, span, conditional, is_target, out);
            }
            return;
        }
        // A choice inside a list: each element possibly.
        Val::OneOf(items) => {
            for item in items {
                collect(item, span, true, is_target, out);
            }
            return;
        }
        Val::Ref(_) | Val::Map(_) | Val::SsmParameter(_) | Val::Unknown => Designated::Unknown,
    };
    match out.iter_mut().find(|d| d.target == target) {
        Some(existing) => existing.conditional &= conditional,
        None => out.push(Designation {
            target,
            span,
            conditional,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Ref;
    use crate::source::FileId;

    fn span() -> Span {
        Span::new(FileId(0), 0..1)
    }

    fn r(address: &str) -> Val {
        Val::Ref(Ref {
            address: address.into(),
            attr: Some("arn".into()),
        })
    }

    fn is_tg(a: &str) -> bool {
        a.starts_with("aws_lb_target_group.")
    }

    #[test]
    fn references_literals_and_unknowns() {
        let value = Val::List(vec![
            r("aws_lb_target_group.a"),
            r("aws_lb.other"),
            Val::Str("arn:aws:...:targetgroup/x".into()),
            Val::Unknown,
            Val::Str(String::new()),
            r("aws_lb_target_group.a"),
        ]);
        let d = designations(&value, span(), &is_tg);
        let targets: Vec<&Designated> = d.iter().map(|d| &d.target).collect();
        assert_eq!(
            targets,
            [
                &Designated::Resource("aws_lb_target_group.a".into()),
                &Designated::Unknown,
                &Designated::Literal("arn:aws:...:targetgroup/x".into()),
            ]
        );
        assert!(d.iter().all(|d| !d.conditional));
        assert_eq!(d[0].resource(), Some("aws_lb_target_group.a"));
    }

    #[test]
    fn alternatives_are_conditional_unless_every_one_names_it() {
        let value = Val::OneOf(vec![r("aws_lb_target_group.a"), Val::Null]);
        let d = designations(&value, span(), &is_tg);
        assert_eq!(d.len(), 1);
        assert!(d[0].conditional);
        assert_eq!(d[0].resource(), None);
        let both = Val::OneOf(vec![
            Val::List(vec![r("aws_lb_target_group.a")]),
            Val::List(vec![r("aws_lb_target_group.a"), r("aws_lb_target_group.b")]),
        ]);
        let d = designations(&both, span(), &is_tg);
        assert_eq!(d.len(), 2);
        // `a` in every alternative holds; `b` in one only may not.
        assert!(!d[0].conditional);
        assert!(d[1].conditional);
        assert!(designations(&Val::Null, span(), &is_tg).is_empty());
    }
}
