//! A local module called by several roots: a finding identical in each is reported once and
//! names every root; one that differs by root is reported per root; each names its region.

use std::path::Path;

use infralint::engine::{check, CheckOptions};

#[test]
fn a_shared_module_finding_names_its_roots() {
    let result = check(&CheckOptions {
        paths: vec![Path::new("fixtures/roots").into()],
        ..CheckOptions::default()
    })
    .expect("check runs");
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let unattached: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.rule == "ebs-volume-unattached")
        .map(|f| {
            (
                f.resource.as_str(),
                f.roots.clone(),
                f.region.as_deref(),
                f.monthly_cost_usd,
            )
        })
        .collect();
    let both = vec![
        "fixtures/roots/envs/prod".to_string(),
        "fixtures/roots/envs/stage".to_string(),
    ];
    let scratch: Vec<_> = unattached
        .iter()
        .filter(|(r, ..)| *r == "module.app.aws_ebs_volume.scratch")
        .collect();
    assert_eq!(scratch.len(), 1, "{unattached:?}");
    assert_eq!(scratch[0].1, both);
    assert_eq!(scratch[0].2, Some("eu-west-1"));
    // The cache differs by root (20 and 200 GiB): two findings. Nothing in them says which
    // root yields which (no label points into a root), so neither claims a root.
    let cache: Vec<_> = unattached
        .iter()
        .filter(|(r, ..)| *r == "module.app.aws_ebs_volume.cache")
        .collect();
    assert_eq!(cache.len(), 2, "{unattached:?}");
    assert!(cache.iter().all(|c| c.1.is_empty()), "{cache:?}");
    // Both roots are in eu-west-1: the region is known all the same.
    assert!(cache.iter().all(|c| c.2 == Some("eu-west-1")), "{cache:?}");
    assert_eq!(result.priced_regions(), vec!["eu-west-1"]);
}
