//! Values as the frontends resolve them, and the one lowering of a resolved value into a
//! typed [`Field`].
//!
//! Every frontend hands adapters the same [`Val`]: a value that is known, unknown, one of
//! several alternatives (a condition that cannot be evaluated, the allowed values of a
//! parameter), or a reference to another resource of the unit. [`Field::lower`] is where
//! "known only when every alternative agrees" is defined, once for every format.

use crate::source::Span;

/// A value that is either known statically or not.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<T> {
    Known(T),
    Unknown,
}

impl<T> Value<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Value::Known(v) => Some(v),
            Value::Unknown => None,
        }
    }
}

/// What kind of definition a value was resolved through: machine-readable provenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OriginKind {
    /// A Terraform variable's `default`.
    VariableDefault,
    /// `terraform.tfvars`, `*.auto.tfvars` (and their JSON forms).
    Tfvars,
    /// A `--var-file` file.
    VarFile,
    /// `--var` or `--parameter` on the command line.
    CommandLine,
    /// A Terraform `locals` entry.
    Local,
    /// An argument of a local module call.
    ModuleArgument,
    /// An output of a local module.
    ModuleOutput,
    /// A CloudFormation parameter's `Default`.
    ParameterDefault,
    /// A CloudFormation parameter given in a parameter file.
    ParameterGiven,
    /// A CloudFormation parameter's `AllowedValues`: one of them.
    AllowedValues,
    /// A CloudFormation `Mappings` entry.
    Mapping,
    /// A CloudFormation condition that decided a branch.
    Condition,
    /// The value recorded in a Terraform plan.
    Plan,
}

impl OriginKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OriginKind::VariableDefault => "variable-default",
            OriginKind::Tfvars => "tfvars",
            OriginKind::VarFile => "var-file",
            OriginKind::CommandLine => "command-line",
            OriginKind::Local => "local",
            OriginKind::ModuleArgument => "module-argument",
            OriginKind::ModuleOutput => "module-output",
            OriginKind::ParameterDefault => "parameter-default",
            OriginKind::ParameterGiven => "parameter-given",
            OriginKind::AllowedValues => "allowed-values",
            OriginKind::Mapping => "mapping",
            OriginKind::Condition => "condition",
            OriginKind::Plan => "plan",
        }
    }
}

/// Where a value came from, when it is not the literal at the use site: a variable's default,
/// a local, a CloudFormation parameter's `Default`.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub span: Span,
    pub label: String,
    pub kind: OriginKind,
}

/// A value with the span of the expression that produced it and the chain of definitions it
/// was resolved through.
#[derive(Debug, Clone, PartialEq)]
pub struct Field<T> {
    pub value: Value<T>,
    pub span: Span,
    pub via: Vec<Origin>,
}

impl<T> Field<T> {
    pub fn known(&self) -> Option<&T> {
        self.value.known()
    }

    /// A known value written (or defaulted) at `span`.
    pub fn known_at(value: T, span: Span) -> Field<T> {
        Field {
            value: Value::Known(value),
            span,
            via: Vec::new(),
        }
    }

    /// An unknown value at `span`.
    pub fn unknown_at(span: Span) -> Field<T> {
        Field {
            value: Value::Unknown,
            span,
            via: Vec::new(),
        }
    }
}

/// A resource of the unit that a value designates (`aws_eip.web.id`, `!GetAtt Web.PublicIp`):
/// its address (Terraform, module path and instance key included) or logical id, and the
/// attribute read from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ref {
    pub address: String,
    pub attr: Option<String>,
}

/// A resolved value, whatever format it was written in.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// `null`; CloudFormation's `AWS::NoValue`: not set.
    Null,
    Bool(bool),
    Num(f64),
    /// A string; CloudFormation scalars are strings (usable as numbers and booleans).
    Str(String),
    List(Vec<Val>),
    /// An object or map, in the order the frontend gives (Terraform: sorted by key).
    Map(Vec<(String, Val)>),
    /// A resource of the unit (its value is only known after deployment).
    Ref(Ref),
    /// One of several values (at least two distinct ones, none itself `OneOf`).
    OneOf(Vec<Val>),
    /// A value read at deploy time from the SSM parameter of this name: a CloudFormation
    /// parameter of an `AWS::SSM::Parameter::Value<...>` type, a `{{resolve:ssm:NAME}}`
    /// dynamic reference. Unknown to every conversion: only its name is known (an image read
    /// from an AWS public parameter, `/aws/service/...`, is a public image).
    SsmParameter(String),
    Unknown,
}

impl Val {
    /// The alternatives of a `OneOf`, or the value itself.
    pub fn alternatives(&self) -> &[Val] {
        match self {
            Val::OneOf(alts) => alts,
            other => std::slice::from_ref(other),
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Val::Unknown)
    }

    /// Terraform's conversion to string: strings, numbers (`3` not `3.0`) and booleans.
    pub fn as_string(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) => Some(format_number(*n)),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Terraform's conversion to number: numbers and numeric strings.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
            _ => None,
        }
    }

    /// Terraform's conversion to bool: booleans and the strings `true`/`false`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            Val::Str(s) if s == "true" => Some(true),
            Val::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// A list whose every element converts to a string.
    pub fn as_strings(&self) -> Option<Vec<String>> {
        match self {
            Val::List(items) => items.iter().map(Val::as_string).collect(),
            _ => None,
        }
    }

    /// CloudFormation's reading of a scalar as a number: a decimal number (`100`, `-1.5`,
    /// `1e3`), never `inf`, `NaN`, hex or surrounding spaces.
    pub fn as_cfn_number(&self) -> Option<f64> {
        match self {
            Val::Str(s) => parse_decimal(s),
            Val::Num(n) => Some(*n),
            _ => None,
        }
    }

    /// CloudFormation's reading of a scalar as a boolean: `true`/`false` in any letter case.
    pub fn as_cfn_bool(&self) -> Option<bool> {
        match self {
            Val::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Val::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            Val::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// CloudFormation's reading of a scalar as a string (a condition's result or a length
    /// printed as Rust prints them).
    pub fn as_cfn_string(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) => Some(n.to_string()),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// A number as Terraform prints it: whole numbers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A decimal number (`100`, `-1.5`, `1e3`); not `inf`, `NaN` or hex.
fn parse_decimal(s: &str) -> Option<f64> {
    let decimal = !s.is_empty()
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    if !decimal {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

impl<T: PartialEq> Field<T> {
    /// The one lowering of a resolved value: known only when every alternative converts to
    /// the same value. A known field keeps the origins it was resolved through; an unknown one
    /// keeps them only when `keep_via_when_unknown` (CloudFormation shows which parameter left
    /// a value open; Terraform does not).
    pub fn lower(
        value: &Val,
        span: Span,
        via: &[Origin],
        keep_via_when_unknown: bool,
        convert: impl Fn(&Val) -> Option<T>,
    ) -> Field<T> {
        let mut agreed: Option<T> = None;
        let mut known = true;
        for alt in value.alternatives() {
            match (convert(alt), &agreed) {
                (Some(v), None) => agreed = Some(v),
                (Some(v), Some(a)) if v == *a => {}
                _ => {
                    known = false;
                    break;
                }
            }
        }
        match agreed {
            Some(v) if known => Field {
                value: Value::Known(v),
                span,
                via: via.to_vec(),
            },
            _ => Field {
                value: Value::Unknown,
                span,
                via: if keep_via_when_unknown {
                    via.to_vec()
                } else {
                    Vec::new()
                },
            },
        }
    }
}

/// The deprecated Terraform `vpc = true|false` of an EIP as the `domain` it stands for.
pub fn domain_from_vpc(f: Field<bool>) -> Field<String> {
    Field {
        value: match f.value {
            Value::Known(true) => Value::Known("vpc".to_string()),
            Value::Known(false) => Value::Known("standard".to_string()),
            Value::Unknown => Value::Unknown,
        },
        span: f.span,
        via: f.via,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn span() -> Span {
        Span::new(FileId(0), 0..1)
    }

    #[test]
    fn known_only_when_every_alternative_agrees() {
        let one = Val::OneOf(vec![Val::Str("io1".into()), Val::Num(3.0)]);
        let f = Field::lower(&one, span(), &[], false, Val::as_string);
        assert_eq!(f.value, Value::Unknown);
        let same = Val::OneOf(vec![Val::Str("3".into()), Val::Num(3.0)]);
        let f = Field::lower(&same, span(), &[], false, Val::as_string);
        assert_eq!(f.value, Value::Known("3".to_string()));
        let f = Field::lower(&Val::Unknown, span(), &[], false, Val::as_string);
        assert_eq!(f.value, Value::Unknown);
    }

    #[test]
    fn origins_of_unknown_values_are_kept_only_when_asked() {
        let via = vec![Origin {
            span: span(),
            label: "parameter `T` AllowedValues".into(),
            kind: OriginKind::AllowedValues,
        }];
        let open = Val::OneOf(vec![Val::Str("a".into()), Val::Str("b".into())]);
        assert!(Field::lower(&open, span(), &via, false, Val::as_string)
            .via
            .is_empty());
        assert_eq!(
            Field::lower(&open, span(), &via, true, Val::as_string).via,
            via
        );
    }

    #[test]
    fn conversions_by_format() {
        assert_eq!(Val::Str(" 12 ".into()).as_f64(), Some(12.0));
        assert_eq!(Val::Str(" 12 ".into()).as_cfn_number(), None);
        assert_eq!(Val::Str("True".into()).as_bool(), None);
        assert_eq!(Val::Str("True".into()).as_cfn_bool(), Some(true));
        assert_eq!(Val::Num(3.0).as_string().as_deref(), Some("3"));
    }
}
