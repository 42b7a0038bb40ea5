//! Which Terraform roots a finding comes from, and the region it was priced in.
//!
//! A local module called by several roots (`envs/stage` and `envs/prod` calling
//! `modules/app`) yields the same finding once per root; postprocessing reports it once, and
//! the finding lists every root it holds for. The region is the one `ctx.region_for` prices
//! the finding's resource in (its provider's, else the run's).

use foldhash::HashMap;

use rayon::prelude::*;

use crate::finding::Finding;
use crate::model::{Model, ResourceRef, SourceKind};
use crate::rules::RuleContext;
use crate::source::SourceMap;

/// Sets `roots` and `region` on every finding whose resource the model holds.
pub(super) fn attribute(
    findings: &mut [Finding],
    model: &Model,
    ctx: &RuleContext,
    sources: &SourceMap,
) {
    let mut by_address: HashMap<&str, Vec<&ResourceRef>> = HashMap::default();
    for r in model.resources() {
        let entry = by_address.entry(r.address.as_str()).or_default();
        if !entry.iter().any(|e| e.unit == r.unit) {
            entry.push(r);
        }
    }
    // How many copies of each finding the rules produced: one per root that yields it.
    let copies: Vec<usize> = {
        let mut count: HashMap<_, usize> = HashMap::default();
        for f in findings.iter() {
            *count.entry(copy_key(f)).or_default() += 1;
        }
        findings
            .iter()
            .map(|f| count.get(&copy_key(f)).copied().unwrap_or(1))
            .collect()
    };
    findings.par_iter_mut().zip(copies).for_each(|(f, n)| {
        let Some(candidates) = by_address.get(f.resource.as_str()) else {
            return;
        };
        let file = f.primary.span.file;
        let display = sources.display(file);
        // The units whose resource is declared in the finding's file, else whose directory
        // holds that file, else the only unit with that address.
        let mut units: Vec<&ResourceRef> = candidates
            .iter()
            .copied()
            .filter(|r| r.span.file == file)
            .collect();
        if units.is_empty() {
            units = candidates
                .iter()
                .copied()
                .filter(|r| {
                    model.unit(r.unit).is_some_and(|u| {
                        u.name == display || crate::display::directory_of(display) == u.name
                    })
                })
                .collect();
        }
        if units.is_empty() && candidates.len() == 1 {
            units = candidates.clone();
        }
        // The region, when every root that may yield the finding agrees on it.
        if let Some(first) = units.first() {
            let region = ctx.region_for(first);
            if units.iter().all(|r| ctx.region_for(r) == region) {
                f.region = Some(region.to_string());
            }
        }
        // Several roots yield this resource but not this very finding in each (a module
        // argument that differs): which root yielded it cannot be told from the place alone.
        // Its labels may still tell: a value that came from one root's module argument.
        if units.len() > 1 && n != units.len() {
            let label_dirs: Vec<&str> = f
                .secondary
                .iter()
                .map(|l| crate::display::directory_of(sources.display(l.span.file)))
                .collect();
            units.retain(|r| {
                model
                    .unit(r.unit)
                    .is_some_and(|u| label_dirs.contains(&u.name.as_str()))
            });
            if units.len() != 1 {
                units.clear();
            }
        }
        if let Some(r) = units.first() {
            f.region = Some(ctx.region_for(r).to_string());
            if units.len() == 1 {
                super::fleet::multiply(f, model, r);
            }
        }
        let mut roots: Vec<String> = units
            .iter()
            .filter_map(|r| model.unit(r.unit))
            .filter(|u| u.kind == SourceKind::Terraform)
            .map(|u| u.name.clone())
            .collect();
        roots.sort();
        roots.dedup();
        f.roots = roots;
    });
}

/// What makes two findings copies of one: the same rule, place, resource and message.
fn copy_key(f: &Finding) -> (&'static str, crate::source::Span, &str, &str) {
    (f.rule, f.primary.span, &f.resource, &f.message)
}
