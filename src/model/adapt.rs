//! Which adapters read a resolved unit: those of its language (Terraform, whether from a
//! configuration or a plan, or CloudFormation).

use super::{from_cloudformation, from_terraform, Model, SourceKind};
use crate::resolved::ResolvedUnit;

/// Whether some adapter reads resources (or data sources) of type `kind` in a unit of
/// `source`: the frontends resolve the bodies of those only.
pub fn adapts(source: SourceKind, kind: &str) -> bool {
    match source {
        SourceKind::Terraform => from_terraform::adapts(kind),
        SourceKind::CloudFormation => from_cloudformation::adapts(kind),
    }
}

/// The model of one resolved unit, read by the adapters of its language.
pub fn adapt(unit: &ResolvedUnit) -> Model {
    match unit.unit.kind {
        SourceKind::Terraform => from_terraform::adapt(unit),
        SourceKind::CloudFormation => from_cloudformation::adapt(unit),
    }
}
