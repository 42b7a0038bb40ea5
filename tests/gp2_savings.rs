//! The gp2 -> gp3 saving to the cent, end to end: gp3 is priced at what the gp2 volume
//! sustains (baseline IOPS, at least 3,000; baseline IOPS x 256 KiB of throughput, at least
//! 125 MiB/s, in whole MiB/s), never at its burst figures.

use std::path::Path;

use infralint::engine::{check, CheckOptions};

#[test]
fn gp2_savings_at_sustained_performance_us_east_1() {
    let result = check(&CheckOptions {
        paths: vec![Path::new("fixtures/ebs-gp2-iops-ceiling/fire/tf-sustained-throughput").into()],
        ..CheckOptions::default()
    })
    .expect("check runs");
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let expect = [
        ("aws_ebs_volume.tiny", 0.08, "gp3 with 3,000 IOPS and 125 MiB/s costs $0.32/month instead of $0.40 (saves $0.08/month)"),
        ("aws_ebs_volume.just_above_170", 3.26, "gp3 with 3,000 IOPS and 129 MiB/s costs $13.84/month instead of $17.10 (saves $3.26/month)"),
        ("aws_ebs_volume.medium", 3.00, "gp3 with 3,000 IOPS and 150 MiB/s costs $17.00/month instead of $20.00 (saves $3.00/month)"),
        ("aws_ebs_volume.one_tib", 15.00, "gp3 with 3,000 IOPS and 250 MiB/s costs $85.00/month instead of $100.00 (saves $15.00/month)"),
        ("aws_ebs_volume.largest", 257.68, "gp3 with 16,000 IOPS and 250 MiB/s costs $1,380.72/month instead of $1,638.40 (saves $257.68/month)"),
    ];
    for (resource, saving, text) in expect {
        let f = result
            .findings
            .iter()
            .find(|f| f.rule == "ebs-gp2-iops-ceiling" && f.resource == resource)
            .unwrap_or_else(|| panic!("no finding for {resource}"));
        let cost = f.monthly_cost_usd.expect("priced");
        assert!(
            (cost - saving).abs() < 0.005,
            "{resource}: saving {cost}, expected {saving}"
        );
        assert!(f.message.contains(text), "{resource}: {}", f.message);
    }
}
