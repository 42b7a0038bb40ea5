//! Which account-level default applies to a resource: encryption by default and IMDSv2 by
//! default, declared in code (`aws_ebs_encryption_by_default`,
//! `aws_ec2_instance_metadata_defaults`) or set in `.infralint.toml` (`[account]`).
//!
//! A declared default applies to the account and region its provider deploys to: the
//! resources of its own Terraform root (the root module and the local modules it calls) in
//! the same region, never another root's and never a CloudFormation template's. A configured
//! one applies to every resource of its region (`[account.eu-west-1]`) or of every region
//! (`[account]`); where a resource's region is not known, a setting that holds in some region
//! is taken to possibly hold (the rules stay silent rather than guess).

use super::RuleContext;
use crate::config::AccountDefaults;
use crate::finding::Silencer;
use crate::model::{AccountDefault, Model, ResourceRef};

/// The declared defaults in `target`'s root and region.
fn in_scope<'m, T>(
    defaults: &'m [AccountDefault<T>],
    target: &ResourceRef,
    ctx: &RuleContext,
) -> Vec<&'m AccountDefault<T>> {
    let region = ctx.region_for(target);
    defaults
        .iter()
        .filter(|d| d.resource.unit == target.unit && ctx.region_for(&d.resource) == region)
        .collect()
}

fn declared(d: &AccountDefault<impl Sized>, unknown: bool) -> Silencer {
    Silencer {
        what: if unknown {
            format!("`{}` (its value cannot be told)", d.resource.address)
        } else {
            format!("`{}`", d.resource.address)
        },
        at: Some(d.resource.span),
    }
}

/// The configured settings that may apply to `target`, each with the table it is set in:
/// its region's table then `[account]`, or, with its region unknown, every table.
fn configured<'c, T>(
    target: &ResourceRef,
    ctx: &'c RuleContext,
    get: impl Fn(&'c AccountDefaults) -> Option<T>,
) -> Vec<(T, String)> {
    let account = &ctx.config.account;
    let global = get(&account.defaults).map(|v| (v, "[account]".to_string()));
    match ctx.known_region_for(target) {
        Some(region) => account
            .regions
            .get(region)
            .and_then(&get)
            .map(|v| (v, format!("[account.{region}]")))
            .or(global)
            .into_iter()
            .collect(),
        None => global
            .into_iter()
            .chain(
                account
                    .regions
                    .iter()
                    .filter_map(|(region, r)| get(r).map(|v| (v, format!("[account.{region}]")))),
            )
            .collect(),
    }
}

fn config_name(ctx: &RuleContext) -> String {
    ctx.config
        .path
        .as_ref()
        .map(|p| crate::display::display_path(p))
        .unwrap_or_else(|| ".infralint.toml".to_string())
}

/// What makes EBS encryption by default on (or possibly on) where `target` creates volumes:
/// `None` when it is known to be off or nothing says.
pub(crate) fn encryption_by_default(
    model: &Model,
    target: &ResourceRef,
    ctx: &RuleContext,
) -> Option<Silencer> {
    let declared_here = in_scope(&model.encryption_by_default, target, ctx);
    if let Some(d) = declared_here
        .iter()
        .find(|d| d.value.known() != Some(&false))
    {
        return Some(declared(d, d.value.known().is_none()));
    }
    // `enabled = false` in the root: applying it turns encryption by default off.
    if !declared_here.is_empty() {
        return None;
    }
    configured(target, ctx, |a| a.ebs_encryption_by_default)
        .into_iter()
        .find(|(on, _)| *on)
        .map(|(_, table)| Silencer {
            what: format!(
                "`ebs_encryption_by_default = true` in {table} of {}",
                config_name(ctx)
            ),
            at: None,
        })
}

/// What makes IMDSv2 the account's default where `target` launches instances: a declared
/// `http_tokens = "required"` (or one that cannot be told) in its root and region, else
/// `imds_http_tokens = "required"` in the config. `None`: nothing does (a declared `optional`
/// or `no-preference` in the root is the AWS default: the AMI decides, IMDSv1 allowed).
pub(crate) fn metadata_default(
    model: &Model,
    target: &ResourceRef,
    ctx: &RuleContext,
) -> Option<Silencer> {
    let declared_here = in_scope(&model.instance_metadata_defaults, target, ctx);
    let allows = |d: &AccountDefault<String>| {
        matches!(
            d.value.known().map(String::as_str),
            Some("optional") | Some("no-preference")
        )
    };
    if let Some(d) = declared_here.iter().copied().find(|d| !allows(d)) {
        return Some(declared(d, d.value.known().is_none()));
    }
    if !declared_here.is_empty() {
        return None;
    }
    configured(target, ctx, |a| a.imds_http_tokens.as_deref())
        .into_iter()
        .find(|(tokens, _)| *tokens == "required")
        .map(|(_, table)| Silencer {
            what: format!(
                "`imds_http_tokens = \"required\"` in {table} of {}",
                config_name(ctx)
            ),
            at: None,
        })
}
