//! A plan next to its configuration: the plan's resources point at the configuration.
//!
//! A plan has no spans of its own worth showing (every value points at the resource's
//! address in the plan), while the configuration it was made from is where a person fixes
//! things. When the plan's directory is a Terraform root of the run, each planned resource
//! takes the spans of the configuration resource at the same address (instance key aside),
//! and each planned attribute the spans of the configuration attribute at the same path:
//! nested blocks are paired by position, blocks that are sets in the provider's schema by
//! their key attribute (as the plan frontend pairs a planned block with its configuration
//! expressions). The plan's value stays what the rules read, with the plan as an origin
//! ("value in the plan"); the configuration's origins explain it only when the configuration
//! resolved to the same value (a `-var` given at plan time overrides the default the
//! configuration shows).

use foldhash::HashMap;

use super::node::SET_BLOCKS;
use crate::model::{without_instance_key, Origin, OriginKind, Val};
use crate::resolved::{Attr, Block, Body, ResolvedUnit, Resource};
use crate::source::Span;

/// Points the resources of `plan` at their declarations in `config`, the resolved
/// configuration the plan was made from.
pub fn attach(plan: &mut ResolvedUnit, config: &ResolvedUnit) {
    let mut declared: HashMap<&str, &Resource> = HashMap::default();
    for r in &config.resources {
        declared.entry(r.address.as_str()).or_insert(r);
    }
    for r in &mut plan.resources {
        let found = declared
            .get(r.address.as_str())
            .or_else(|| declared.get(without_instance_key(&r.address)));
        let Some(c) = found else {
            continue;
        };
        let planned = r.span;
        r.span = c.span;
        r.body_span = c.body_span;
        r.definition = c.definition;
        retarget_body(&mut r.body, Some(&c.body), c.span, planned);
    }
}

/// Retargets the attributes and blocks of a planned body to those of its configuration body
/// (`None`: no configuration block pairs with it); what has no counterpart points at
/// `fallback`. `planned` is where the plan names the resource.
fn retarget_body(body: &mut Body, config: Option<&Body>, fallback: Span, planned: Span) {
    for (key, attr) in &mut body.attrs {
        retarget_attr(attr, config.and_then(|c| c.attr(key)), fallback, planned);
    }
    let mut keys: Vec<String> = Vec::new();
    for (key, _) in &body.blocks {
        if !keys.contains(key) {
            keys.push(key.clone());
        }
    }
    for key in keys {
        let written: Vec<&Block> = config.map(|c| c.blocks(&key).collect()).unwrap_or_default();
        let mut planned_blocks: Vec<&mut Block> = body
            .blocks
            .iter_mut()
            .filter(|(k, _)| *k == key)
            .map(|(_, b)| b)
            .collect();
        let pairs = pair_blocks(&key, &planned_blocks, &written);
        for (b, c) in planned_blocks.iter_mut().zip(pairs) {
            match c {
                Some(c) => {
                    b.span = c.span;
                    b.header = c.header;
                    retarget_body(&mut b.body, Some(&c.body), c.span, planned);
                }
                None => {
                    b.span = fallback;
                    b.header = fallback;
                    retarget_body(&mut b.body, None, fallback, planned);
                }
            }
        }
    }
}

/// The configuration block of each planned block `key`: by position when both have as many,
/// by the key attribute for blocks that are sets (the one block with the same value; the
/// only block when there is one of each).
fn pair_blocks<'c>(
    key: &str,
    planned: &[&mut Block],
    written: &[&'c Block],
) -> Vec<Option<&'c Block>> {
    let by = SET_BLOCKS.iter().find(|(k, _)| *k == key).map(|(_, a)| *a);
    planned
        .iter()
        .enumerate()
        .map(|(i, p)| match by {
            None if written.len() == planned.len() => written.get(i).copied(),
            None => None,
            Some(attr) => {
                let own = p.body.attr(attr).and_then(|a| a.value.as_string());
                let same: Vec<&'c Block> = written
                    .iter()
                    .copied()
                    .filter(|c| {
                        own.is_some() && c.body.attr(attr).and_then(|a| a.value.as_string()) == own
                    })
                    .collect();
                match (same.as_slice(), written, planned.len()) {
                    ([one], _, _) => Some(*one),
                    ([], [one], 1) => Some(*one),
                    _ => None,
                }
            }
        })
        .collect()
}

/// A planned attribute at its configuration attribute (or at `fallback`), with the plan's
/// value as an origin.
fn retarget_attr(attr: &mut Attr, config: Option<&Attr>, fallback: Span, planned: Span) {
    match config {
        Some(c) => {
            attr.span = c.span;
            attr.value_span = c.value_span;
            attr.via = if same_value(&c.value, &attr.value) {
                c.via.clone()
            } else {
                Vec::new()
            };
        }
        None => {
            attr.span = fallback;
            attr.value_span = fallback;
            attr.via = Vec::new();
        }
    }
    attr.via.push(Origin {
        span: planned,
        label: "value in the plan".to_string(),
        kind: OriginKind::Plan,
    });
}

/// Whether the configuration resolved to the plan's value: every alternative of it is that
/// value (a string, number or bool compared as Terraform converts it to a string).
fn same_value(config: &Val, planned: &Val) -> bool {
    config.alternatives().iter().all(|c| {
        c == planned || matches!((c.as_string(), planned.as_string()), (Some(a), Some(b)) if a == b)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SourceKind, Unit, UnitId};
    use crate::resolved::BlockExpansion;
    use crate::source::FileId;

    fn span(file: u32, at: usize) -> Span {
        Span::new(FileId(file), at..at + 1)
    }

    fn attr(value: Val, at: Span, via: &[Origin]) -> Attr {
        Attr {
            via: via.to_vec(),
            ..Attr::literal(value, at)
        }
    }

    fn block(at: Span, attrs: Vec<(&str, Attr)>) -> Block {
        Block {
            span: at,
            header: at,
            via: Vec::new(),
            body: Body {
                attrs: attrs.into_iter().map(|(k, a)| (k.to_string(), a)).collect(),
                blocks: Vec::new(),
            },
            expansion: BlockExpansion::Once,
            value: None,
        }
    }

    fn unit(file: u32, address: &str, body: Body) -> ResolvedUnit {
        let at = span(file, 0);
        let mut u = ResolvedUnit::new(Unit {
            id: UnitId(file),
            kind: SourceKind::Terraform,
            name: String::new(),
            complete: true,
        });
        u.resources.push(Resource {
            kind: "aws_instance".to_string(),
            address: address.to_string(),
            unit: UnitId(file),
            span: at,
            body_span: span(file, 1),
            definition: span(file, 2),
            conditional: false,
            data: false,
            provider: None,
            body,
            references: std::sync::Arc::from([]),
        });
        u
    }

    fn origin(at: Span, label: &str) -> Origin {
        Origin {
            span: at,
            label: label.to_string(),
            kind: OriginKind::Local,
        }
    }

    /// Attributes take the configuration's spans; its origins only when it resolved to the
    /// plan's value; set blocks pair by their key attribute whatever their order; what has
    /// no counterpart points at the resource.
    #[test]
    fn planned_attributes_and_blocks_point_at_their_configuration() {
        let (p, c) = (0, 1);
        let planned = Body {
            attrs: vec![
                (
                    "instance_type".into(),
                    attr(Val::Str("m5.large".into()), span(p, 0), &[]),
                ),
                ("monitoring".into(), attr(Val::Bool(true), span(p, 0), &[])),
                ("ebs_optimized".into(), attr(Val::Num(1.0), span(p, 0), &[])),
            ],
            blocks: vec![
                (
                    "ebs_block_device".into(),
                    block(
                        span(p, 0),
                        vec![(
                            "device_name",
                            attr(Val::Str("/dev/sdg".into()), span(p, 0), &[]),
                        )],
                    ),
                ),
                (
                    "ebs_block_device".into(),
                    block(
                        span(p, 0),
                        vec![(
                            "device_name",
                            attr(Val::Str("/dev/sdf".into()), span(p, 0), &[]),
                        )],
                    ),
                ),
                ("root_block_device".into(), block(span(p, 0), Vec::new())),
            ],
        };
        let written = Body {
            attrs: vec![
                // A variable's default the plan overrode (`-var`): the origin does not explain it.
                (
                    "instance_type".into(),
                    attr(
                        Val::Str("t3.micro".into()),
                        span(c, 10),
                        &[origin(span(c, 90), "default")],
                    ),
                ),
                // The same value, written as a string: the origin stands.
                (
                    "ebs_optimized".into(),
                    attr(
                        Val::Str("1".into()),
                        span(c, 20),
                        &[origin(span(c, 91), "local")],
                    ),
                ),
            ],
            blocks: vec![
                (
                    "ebs_block_device".into(),
                    block(
                        span(c, 30),
                        vec![(
                            "device_name",
                            attr(Val::Str("/dev/sdf".into()), span(c, 31), &[]),
                        )],
                    ),
                ),
                (
                    "ebs_block_device".into(),
                    block(
                        span(c, 40),
                        vec![(
                            "device_name",
                            attr(Val::Str("/dev/sdg".into()), span(c, 41), &[]),
                        )],
                    ),
                ),
            ],
        };
        let mut plan = unit(p, "aws_instance.web[0]", planned);
        let config = unit(c, "aws_instance.web", written);
        attach(&mut plan, &config);
        let r = &plan.resources[0];
        assert_eq!(
            (r.span, r.body_span, r.definition),
            (span(c, 0), span(c, 1), span(c, 2))
        );
        let labels = |a: &Attr| {
            a.via
                .iter()
                .map(|o| (o.span, o.label.clone()))
                .collect::<Vec<_>>()
        };
        let in_plan = (span(p, 0), "value in the plan".to_string());
        let instance_type = r.body.attr("instance_type").unwrap();
        assert_eq!(
            instance_type.value,
            Val::Str("m5.large".into()),
            "the plan's value stays"
        );
        assert_eq!(instance_type.value_span, span(c, 10));
        assert_eq!(labels(instance_type), vec![in_plan.clone()]);
        let optimized = r.body.attr("ebs_optimized").unwrap();
        assert_eq!(
            labels(optimized),
            [(span(c, 91), "local".to_string()), in_plan.clone()]
        );
        // Not in the configuration: at the resource.
        let monitoring = r.body.attr("monitoring").unwrap();
        assert_eq!(monitoring.value_span, span(c, 0));
        assert_eq!(labels(monitoring), vec![in_plan]);
        let devices: Vec<(Span, Span)> = r
            .body
            .blocks("ebs_block_device")
            .map(|b| (b.span, b.body.attr("device_name").unwrap().value_span))
            .collect();
        assert_eq!(
            devices,
            [(span(c, 40), span(c, 41)), (span(c, 30), span(c, 31))]
        );
        // A block the configuration does not write (computed by the provider): at the resource.
        let root = r.body.blocks("root_block_device").next().unwrap();
        assert_eq!((root.span, root.header), (span(c, 0), span(c, 0)));
    }

    /// A planned resource the configuration does not declare keeps the plan's spans.
    #[test]
    fn a_resource_the_configuration_does_not_declare_is_left_alone() {
        let mut plan = unit(0, "aws_instance.other", Body::default());
        let config = unit(1, "aws_instance.web", Body::default());
        attach(&mut plan, &config);
        assert_eq!(plan.resources[0].span, span(0, 0));
    }
}
