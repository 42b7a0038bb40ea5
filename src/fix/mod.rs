//! Fixes: what a rule proposes to change, and how `check --fix` applies it.
//!
//! A rule attaches a [`Fix`] to a finding: format-neutral [`Edit`]s over the spans of the
//! model (replace the literal written at this span, add an attribute beside this one), a
//! [`Safety`] and a description. Rules never render syntax: [`text`] turns edits into byte
//! edits for the file's own syntax (HCL, JSON, YAML), keeping quoting, indentation and every
//! byte outside the edited value, and refuses what it cannot edit exactly (a value that comes
//! from a variable or a parameter, a value not written as a plain literal, a plan JSON).
//! [`run`] is the `check --fix` / `--diff` loop: lint, plan the edits per file, write each file
//! atomically, lint again to prove the fixed findings gone, and roll back when they are not.
//!
//! Safety is about what is deployed, not the text: a safe fix is an in-place modification that
//! keeps the resource and its data (ruff's "safe" means "keeps the meaning of the code"; here
//! the meaning is the infrastructure). Anything that replaces a resource, or may break
//! software relying on the old behaviour, is unsafe and applied only with `--unsafe-fixes`.

pub mod diff;
pub mod run;
pub mod text;

use crate::model::Field;
use crate::source::Span;

/// Whether applying a fix keeps what is deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Safety {
    /// An in-place modification: the resource and its data stay.
    Safe,
    /// Replaces a resource or changes behaviour: applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Safety {
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Unsafe => "unsafe",
        }
    }
}

/// What a rule proposes for one finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub safety: Safety,
    /// What the fix does and, when unsafe, why (`gp2 -> gp3 (in place)`).
    pub description: String,
    pub edits: Vec<Edit>,
    /// Why the fix cannot be applied although the rule knows what it would be (`iops` must be
    /// chosen by hand, the size is unknown...): reported, never applied.
    pub blocked: Option<String>,
}

impl Fix {
    pub fn new(safety: Safety, description: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            safety,
            description: description.into(),
            edits,
            blocked: None,
        }
    }

    /// A fix the rule knows but cannot apply, with the reason.
    pub fn blocked(safety: Safety, description: impl Into<String>, why: impl Into<String>) -> Fix {
        Fix {
            safety,
            description: description.into(),
            edits: Vec::new(),
            blocked: Some(why.into()),
        }
    }
}

/// An attribute or property name in each format family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub terraform: &'static str,
    pub cloudformation: &'static str,
}

/// A scalar to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Int(u64),
    Bool(bool),
    /// A string of letters, digits, `.`, `-` and `_` (no quoting decision to make).
    Str(&'static str),
}

impl Scalar {
    /// The value as written in `syntax`: strings quoted in HCL and JSON, plain in YAML.
    pub fn render(&self, syntax: text::Syntax) -> String {
        match (self, syntax) {
            (Scalar::Int(n), _) => n.to_string(),
            (Scalar::Bool(b), _) => b.to_string(),
            (Scalar::Str(s), text::Syntax::Yaml) => s.to_string(),
            (Scalar::Str(s), _) => format!("\"{s}\""),
        }
    }
}

/// One format-neutral change.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// The scalar written at `span` is the literal `old` (quoted or not): it becomes `new`,
    /// quoted the same way. Anything else at the span (a variable, a function, an intrinsic)
    /// is not edited.
    Replace {
        span: Span,
        old: String,
        new: String,
        /// The definitions the value came through: named when the value is not a literal at
        /// the span (`var.disk_type`), to say why the fix is skipped.
        via: Vec<String>,
    },
    /// Attributes added beside the attribute whose value is at `after` (the same block, its
    /// indentation), in order.
    AddSiblings {
        after: Span,
        entries: Vec<(Key, Scalar)>,
    },
    /// The attribute whose value is at `value` is removed, with its line.
    Remove { value: Span },
    /// `entries` set in the nested block `block` of the resource declared at `resource` (its
    /// whole declaration): added to the block when it is written, else a new block at the end
    /// of the resource. Terraform syntax only.
    AddToBlock {
        resource: Span,
        block: &'static str,
        entries: Vec<(Key, Scalar)>,
    },
}

/// The edit that turns the literal value of `field` from `old` into `new`.
pub fn replace<T>(field: &Field<T>, old: &str, new: &str) -> Edit {
    Edit::Replace {
        span: field.span,
        old: old.to_string(),
        new: new.to_string(),
        via: field.via.iter().map(|o| o.label.clone()).collect(),
    }
}
