//! Totals count each resource's money once: a volume that is both unattached (delete it) and
//! gp2 (convert it) adds the larger saving to the summary, by rule and by file, not both.

use std::path::Path;

use infralint::engine::{check, CheckOptions, CheckResult};

/// The run over one fixture directory, which must have no errors.
fn run(path: &str) -> CheckResult {
    let result = check(&CheckOptions {
        paths: vec![Path::new(path).into()],
        ..CheckOptions::default()
    })
    .expect("check runs");
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    result
}

/// The monthly figure of `rule` on `resource`.
fn priced(result: &CheckResult, rule: &str, resource: &str) -> f64 {
    result
        .findings
        .iter()
        .find(|f| f.rule == rule && f.resource == resource)
        .and_then(|f| f.monthly_cost_usd)
        .unwrap_or_else(|| panic!("no priced {rule} on {resource}"))
}

#[test]
fn an_unattached_gp2_volume_counts_its_deletion_only() {
    let result = run("fixtures/totals/unattached-gp2");
    let cost = |rule: &str, resource: &str| priced(&result, rule, resource);
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

#[test]
fn a_launch_template_costs_once_per_instance_of_its_group() {
    let result = run("fixtures/totals/fleet");
    let finding = |resource: &str| {
        result
            .findings
            .iter()
            .find(|f| f.rule == "ec2-previous-generation" && f.resource == resource)
            .unwrap_or_else(|| panic!("no ec2-previous-generation on {resource}"))
    };
    // t2.micro -> t3.micro: ($0.0116 - $0.0104) x 730 = $0.876 per instance; 4 instances.
    let web = finding("aws_launch_template.web");
    let cost = web.monthly_cost_usd.expect("priced");
    assert!((cost - 4.0 * 0.876).abs() < 0.005, "{cost}");
    assert!(
        web.message
            .ends_with("(x4 instances of `aws_autoscaling_group.web`: $3.50/month in all)"),
        "{}",
        web.message
    );
    // Unknown capacity: the per-instance figure, marked as such.
    let batch = finding("aws_launch_template.batch");
    let per_instance = batch.monthly_cost_usd.expect("priced");
    assert!(
        (per_instance - (0.023 - 0.0208) * 730.0).abs() < 0.005,
        "{per_instance}"
    );
    assert!(
        batch.message.ends_with(
            "(per instance: `aws_autoscaling_group.batch` launches it and its capacity cannot be told)"
        ),
        "{}",
        batch.message
    );
}

#[test]
fn a_template_counts_money_once_and_per_instance() {
    let result = run("fixtures/totals/cloudformation");
    let cost = |rule: &str, resource: &str| priced(&result, rule, resource);
    assert!((cost("ebs-volume-unattached", "Scratch") - 50.0).abs() < 0.005);
    assert!((cost("ebs-gp2-iops-ceiling", "Scratch") - 5.0).abs() < 0.005);
    let web = cost("ec2-previous-generation", "WebTemplate");
    assert!((web - 3.0 * 0.876).abs() < 0.005, "{web}");
    assert!(
        (result.monthly_cost_usd() - (50.0 + web)).abs() < 0.005,
        "total {}",
        result.monthly_cost_usd()
    );
}
