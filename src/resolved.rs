//! Resolved resources: what every frontend hands the adapters.
//!
//! A frontend (Terraform HCL and JSON, Terraform plan JSON, CloudFormation) turns one unit (a
//! Terraform root module with the local modules it calls, a plan, a template) into a
//! [`ResolvedUnit`]: its resources as written (type, address, spans, whether they may not
//! exist) with every attribute resolved into a [`Val`] that is known, unknown, one of several
//! alternatives, or a reference to another resource of the unit, together with the span it was
//! written at and the definitions it was resolved through. Terraform HCL, Terraform JSON and
//! plan JSON give Terraform-shaped bodies (attributes and nested blocks by their Terraform
//! names); CloudFormation gives property-shaped ones (properties, and nested property maps and
//! lists as blocks).
//!
//! The adapters (`model::from_terraform`, `model::from_cloudformation`) read these into the
//! typed model. They never evaluate anything: everything that needs the language (variables,
//! intrinsic functions, module calls, which resource a reference designates) is done here by
//! the frontend.

use std::sync::Arc;

use crate::model::{Field, Origin, Unit, UnitId, Val};
use crate::source::Span;

/// One unit as its frontend resolved it.
#[derive(Debug, Clone)]
pub struct ResolvedUnit {
    pub unit: Unit,
    /// Resource declarations counted by the frontend (what the summary calls resources).
    pub resource_count: usize,
    pub resources: Vec<Resource>,
    /// Resources handed to something that may use them outside the unit: a Terraform
    /// `output` or module argument, a CloudFormation output, nested stack or custom resource.
    pub escapes: Vec<Escape>,
    /// Terraform: the literal region of the default `provider "aws"`.
    pub region: Option<Field<String>>,
    /// Terraform: aliased `provider "aws"` blocks with a literal region (alias, region).
    pub provider_aliases: Vec<(String, Field<String>)>,
    /// Terraform: the version constraints on the AWS provider (`terraform {
    /// required_providers { aws = { version = ">= 6.0" } } }`) of the root module and of the
    /// local modules it calls; one provider version satisfies them all.
    pub aws_provider_versions: Vec<Field<String>>,
    /// Terraform: the `default_tags` of `provider "aws"` blocks, by alias (`None`: the default
    /// provider); the attribute is `None` when the block cannot be read (a `dynamic` block).
    pub default_tags: Vec<(Option<String>, Option<Attr>)>,
    /// Terraform: the variables the root module declares (what `--var` may set), sorted;
    /// `None` for a unit without input variables (a template, a plan).
    pub declared_variables: Option<Vec<String>>,
    /// Terraform: every instance of a local module call in the tree, with the `module` block
    /// that made it (what a suppression on that block covers).
    pub module_calls: Vec<ModuleCall>,
}

/// One instance of a local module call: the `module "x"` block (in the caller's file) and the
/// address prefix of the resources it holds (`module.x.`, `module.a.module.x[0].`), nested
/// calls below it included.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleCall {
    /// The whole `module` block.
    pub block: Span,
    /// The instance's address with a trailing `.`.
    pub prefix: String,
}

impl ModuleCall {
    /// Whether the resource at `address` lies in this instance or in a module it calls.
    pub fn holds(&self, address: &str) -> bool {
        address.starts_with(&self.prefix)
    }
}

impl ResolvedUnit {
    pub fn new(unit: Unit) -> ResolvedUnit {
        ResolvedUnit {
            unit,
            resource_count: 0,
            resources: Vec::new(),
            escapes: Vec::new(),
            region: None,
            provider_aliases: Vec::new(),
            aws_provider_versions: Vec::new(),
            default_tags: Vec::new(),
            declared_variables: None,
            module_calls: Vec::new(),
        }
    }

    /// The resource declared at `address`.
    pub fn resource(&self, address: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.address == address)
    }
}

/// One resource (Terraform: one instance of a `count`/`for_each` resource) or data source.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The type as written: `aws_ebs_volume`, `AWS::EC2::Volume`.
    pub kind: String,
    /// Terraform address with module path and instance key
    /// (`module.disk.aws_ebs_volume.this[0]`, `data.aws_ami.ubuntu`), or logical id.
    pub address: String,
    pub unit: UnitId,
    /// The header: Terraform block labels, CloudFormation logical id key.
    pub span: Span,
    /// The whole declaration.
    pub body_span: Span,
    /// The definition without its name (CloudFormation: the mapping under the logical id;
    /// Terraform: the whole block).
    pub definition: Span,
    /// The resource may not be created: a CloudFormation `Condition` that cannot be
    /// evaluated, a Terraform `count`/`for_each` whose value is unknown.
    pub conditional: bool,
    /// A Terraform data source (`data "aws_ami"`).
    pub data: bool,
    /// Terraform: the alias of the provider it names (`provider = aws.west`).
    pub provider: Option<String>,
    /// Its attributes. Empty for types no adapter reads (frontends resolve only what is
    /// asked for: see [`Wanted`]).
    pub body: Body,
    /// Every reference to another resource of the unit written anywhere in the declaration,
    /// whatever its type (for uses that may happen outside what we see). Shared by the
    /// instances of one declaration.
    pub references: Arc<[Mention]>,
}

/// The attributes and nested blocks of a resource or block.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub attrs: Vec<(String, Attr)>,
    pub blocks: Vec<(String, Block)>,
}

impl Body {
    /// The attribute `key` (the last one written, as Terraform and YAML parsers use).
    pub fn attr(&self, key: &str) -> Option<&Attr> {
        self.attrs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, a)| a)
    }

    /// The nested blocks `key`, in order.
    pub fn blocks<'b>(&'b self, key: &'b str) -> impl Iterator<Item = &'b Block> + 'b {
        self.blocks
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, b)| b)
    }

    /// Attribute `key` lowered into a typed field (Terraform's conversions, origins dropped
    /// when unknown); `None` when absent or null.
    pub fn field<T: PartialEq>(
        &self,
        key: &str,
        convert: impl Fn(&Val) -> Option<T>,
    ) -> Option<Field<T>> {
        let attr = self.attr(key)?;
        if attr.value == Val::Null {
            return None;
        }
        Some(attr.field(convert))
    }
}

/// A resolved attribute.
#[derive(Debug, Clone)]
pub struct Attr {
    /// The whole attribute (`key = value`; for CloudFormation, the value).
    pub span: Span,
    /// Its value as written.
    pub value_span: Span,
    pub value: Val,
    /// The definitions the value was resolved through.
    pub via: Vec<Origin>,
    /// The frontend cannot tell whether the attribute is set (a plan without its
    /// configuration): a value here is no proof that it is written.
    pub maybe_unset: bool,
    /// The value is chosen by a condition (`c ? a : b`, `Fn::If`) that cannot be evaluated.
    pub chosen_by_condition: bool,
    /// The value came from another resource or a data source at plan time (a plan records
    /// the id a lookup returned): it is not what the configuration pins.
    pub from_lookup: bool,
    /// When the value does not designate resources exactly: the resources the expression
    /// mentions (through locals, module arguments and outputs, iterators), each possibly the
    /// one it designates. Shared by every instance of the expression.
    pub mentions: Arc<[Mention]>,
    /// The written expression this value comes from: the same for every instance of a
    /// counted resource or dynamic block (what "modeled once per expression" keys on).
    pub expression: u64,
}

impl Attr {
    /// A literal attribute with no origins.
    pub fn literal(value: Val, span: Span) -> Attr {
        Attr {
            span,
            value_span: span,
            value,
            via: Vec::new(),
            maybe_unset: false,
            chosen_by_condition: false,
            from_lookup: false,
            mentions: Arc::from([]),
            expression: 0,
        }
    }

    /// Lowered with Terraform's conversions: known only when every alternative converts to
    /// the same value; origins dropped when unknown.
    pub fn field<T: PartialEq>(&self, convert: impl Fn(&Val) -> Option<T>) -> Field<T> {
        Field::lower(&self.value, self.value_span, &self.via, false, convert)
    }
}

/// A nested block (Terraform), or a nested property map or list item (CloudFormation).
#[derive(Debug, Clone)]
pub struct Block {
    /// The whole block.
    pub span: Span,
    /// Its type keyword (`root_block_device`), or the header of the `dynamic` block that
    /// generates it.
    pub header: Span,
    /// Conditions that chose this block (a CloudFormation `Fn::If` around it).
    pub via: Vec<Origin>,
    pub body: Body,
    /// How many such blocks exist.
    pub expansion: BlockExpansion,
    /// CloudFormation: an item that is not a literal map (an `Fn::If` on an unknown
    /// condition, a reference): its value, as resolved.
    pub value: Option<Attr>,
}

/// Whether a nested block is known to exist once, or is the content of a `dynamic` block over
/// a collection that cannot be evaluated (any number of such blocks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockExpansion {
    Once,
    AnyNumber,
}

/// A resource the unit mentions, with the attribute read and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Address with module path and instance key, or logical id.
    pub address: String,
    /// The attribute read (`id`, `allocation_id`, `GetAtt`'s attribute); `None` for the
    /// resource itself.
    pub attr: Option<String>,
    pub span: Span,
}

/// A resource handed to something that may use it outside what we see.
#[derive(Debug, Clone, PartialEq)]
pub struct Escape {
    pub mention: Mention,
    /// What receives it: "output `ip`", "module `net`", "nested stack `Db`".
    pub context: String,
    /// The receiver is seen too: an argument of a local module (whose uses are resolved) or
    /// an output of a local module instance (followed where its caller uses it).
    pub followed: bool,
}

/// What a frontend resolves: the bodies of the resource types adapters read, and in them the
/// attributes and nested blocks (CloudFormation: properties) adapters read, at any depth.
#[derive(Clone, Copy)]
pub struct Wanted<'w> {
    pub kinds: &'w (dyn Fn(&str) -> bool + Sync),
    pub keys: &'w (dyn Fn(&str) -> bool + Sync),
}

impl Wanted<'_> {
    /// Whether the bodies of resources of type `kind` are resolved.
    pub fn kind(&self, kind: &str) -> bool {
        (self.kinds)(kind)
    }

    /// Whether attributes and nested blocks named `key` are resolved.
    pub fn key(&self, key: &str) -> bool {
        (self.keys)(key)
    }
}
