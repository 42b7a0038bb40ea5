//! Totals count each resource's money once: a volume that is both unattached (delete it) and
//! gp2 (convert it) adds the larger saving to the summary, by rule and by file, not both.

use std::path::Path;

use infralint::engine::{check, CheckOptions};

#[test]
fn an_unattached_gp2_volume_counts_its_deletion_only() {
    let result = check(&CheckOptions {
        paths: vec![Path::new("fixtures/totals/unattached-gp2").into()],
        ..CheckOptions::default()
    })
    .expect("check runs");
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let cost = |rule: &str, resource: &str| {
        result
            .findings
            .iter()
            .find(|f| f.rule == rule && f.resource == resource)
            .and_then(|f| f.monthly_cost_usd)
            .unwrap_or_else(|| panic!("no priced {rule} on {resource}"))
    };
    // Per-finding figures stay.
    assert!((cost("ebs-volume-unattached", "aws_ebs_volume.scratch") - 50.0).abs() < 0.005);
    assert!((cost("ebs-gp2-iops-ceiling", "aws_ebs_volume.scratch") - 5.0).abs() < 0.005);
    assert!((cost("ebs-gp2-iops-ceiling", "aws_ebs_volume.data") - 5.0).abs() < 0.005);
    let previous = cost("ec2-previous-generation", "aws_instance.worker");
    // The totals leave out the conversion of the volume that can be deleted.
    let total = 50.0 + 5.0 + previous;
    assert!(
        (result.monthly_cost_usd() - total).abs() < 0.005,
        "total {} expected {total}",
        result.monthly_cost_usd()
    );
    let by_rule: Vec<(&str, f64)> = result.monthly_cost_by_rule();
    let of = |rule: &str| by_rule.iter().find(|(r, _)| *r == rule).map(|(_, c)| *c);
    assert_eq!(
        of("ebs-volume-unattached").map(|c| (c * 100.0).round()),
        Some(5000.0)
    );
    assert_eq!(
        of("ebs-gp2-iops-ceiling").map(|c| (c * 100.0).round()),
        Some(500.0)
    );
    let by_file = result.monthly_cost_by_file();
    assert_eq!(by_file.len(), 1);
    assert!((by_file[0].1 - total).abs() < 0.005);
    assert_eq!(result.uncounted_costs(), 1);
}
