//! The EC2 rules of issue #14 on real Terraform plans: `fixtures/plan/<rule>.json` is
//! `terraform show -json` of a plan of `fixtures/plan/<rule>-config/` (Terraform 1.11.4, AWS
//! provider 5.100.0, offline: see `fixtures/plan/README.md`). Each configuration holds the
//! resources the rule must fire on and resources it must stay silent on; the plan must give
//! the findings the configuration gives (same resources, messages and costs).
//!
//! The committed plans are read by every run. `plan_fixtures_are_terraforms_plans` re-plans
//! the configurations with the offline Terraform and skips, saying so, where `terraform` or
//! `/opt/tf-plugins` is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use infralint::engine::{check, CheckOptions};

struct Case {
    rule: &'static str,
    /// The resources it fires on.
    fire: &'static [&'static str],
    /// Resources of the plan it must not fire on.
    silent: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        rule: "asg-capacity-invalid",
        fire: &[
            "aws_autoscaling_group.desired_above",
            "aws_autoscaling_group.desired_below",
            "aws_autoscaling_group.min_over_max",
        ],
        silent: &[
            "aws_autoscaling_group.no_desired",
            "aws_autoscaling_group.unknown_desired",
            "aws_autoscaling_group.valid",
        ],
    },
    Case {
        rule: "lb-idle",
        fire: &["aws_lb.orphan", "aws_lb.web"],
        silent: &[
            "aws_lb.ecs",
            "aws_lb.exported",
            "aws_lb.in_module",
            "aws_lb.mixed",
            "aws_lb.served",
        ],
    },
    Case {
        rule: "ec2-capacity-reservation-unused",
        fire: &["aws_ec2_capacity_reservation.batch"],
        silent: &[
            "aws_ec2_capacity_reservation.exported",
            "aws_ec2_capacity_reservation.open",
            "aws_ec2_capacity_reservation.other",
            "aws_ec2_capacity_reservation.template",
            "aws_ec2_capacity_reservation.via_local",
        ],
    },
    Case {
        rule: "ec2-placement-group-invalid",
        fire: &[
            "aws_autoscaling_group.web",
            "aws_instance.solver",
            "aws_placement_group.mpi",
            "aws_placement_group.quorum",
        ],
        silent: &[
            "aws_autoscaling_group.fits",
            "aws_instance.seven[6]",
            "aws_instance.tight[1]",
            "aws_placement_group.fits",
            "aws_placement_group.kafka",
            "aws_placement_group.seven",
            "aws_placement_group.tight",
        ],
    },
    Case {
        rule: "ec2-spot-max-price",
        fire: &[
            "aws_autoscaling_group.mixed",
            "aws_instance.worker",
            "aws_launch_configuration.legacy",
            "aws_launch_template.batch",
        ],
        silent: &[
            "aws_autoscaling_group.no_max",
            "aws_instance.no_max",
            "aws_launch_template.empty_max",
        ],
    },
    Case {
        rule: "asg-spot-single-type",
        fire: &[
            "aws_autoscaling_group.no_override",
            "aws_autoscaling_group.one_override",
            "aws_autoscaling_group.spot_template",
        ],
        silent: &[
            "aws_autoscaling_group.attribute_based",
            "aws_autoscaling_group.flexible",
            "aws_autoscaling_group.on_demand",
        ],
    },
    Case {
        rule: "ec2-efa-placement",
        fire: &[
            "aws_instance.solo",
            "aws_launch_template.hpc",
            "aws_launch_template.rank_b",
        ],
        silent: &[
            "aws_instance.placed",
            "aws_launch_template.rank_a",
            "aws_launch_template.shared",
            "aws_launch_template.tight",
        ],
    },
    Case {
        rule: "ebs-backup-uncovered",
        fire: &["aws_ebs_volume.data", "aws_instance.worker"],
        silent: &[
            "aws_ebs_volume.computed_tags",
            "aws_ebs_volume.logs",
            "aws_instance.prod",
        ],
    },
    Case {
        rule: "ebs-snapshot-unmanaged",
        fire: &[
            "aws_ebs_snapshot.before_migration",
            "aws_ebs_snapshot.external",
        ],
        silent: &[
            "aws_ebs_snapshot.exported",
            "aws_ebs_snapshot.golden",
            "aws_ebs_snapshot.seed",
            "aws_ebs_snapshot.yearly",
        ],
    },
    Case {
        rule: "ec2-ssh-open-to-world",
        fire: &[
            "aws_instance.bastion",
            "aws_launch_configuration.workers",
            "aws_launch_template.app",
        ],
        silent: &[
            "aws_instance.no_key",
            "aws_instance.office",
            "aws_instance.outside_groups",
            "aws_launch_template.admin",
        ],
    },
    Case {
        rule: "ec2-instance-type-invalid",
        fire: &[
            "aws_instance.web",
            "aws_launch_configuration.legacy",
            "aws_launch_template.app",
        ],
        silent: &[
            "aws_instance.valid",
            "aws_launch_configuration.old_but_real",
            "aws_launch_template.type_elsewhere",
        ],
    },
];

fn plan_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/plan")
}

/// (resource, message, monthly cost) of each finding of `rule` on `path`.
fn findings(path: &Path, rule: &str) -> Vec<(String, String, Option<String>)> {
    let result = check(&CheckOptions {
        paths: vec![path.to_path_buf()],
        ..Default::default()
    })
    .expect("check runs");
    assert!(
        result.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        result.errors
    );
    let mut out: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| {
            (
                f.resource.clone(),
                f.message.clone(),
                f.monthly_cost_usd.map(|c| format!("{c:.2}")),
            )
        })
        .collect();
    out.sort();
    out
}

/// The addresses the plan plans.
fn planned_addresses(plan: &serde_json::Value) -> Vec<String> {
    fn walk(module: &serde_json::Value, out: &mut Vec<String>) {
        for r in module["resources"].as_array().into_iter().flatten() {
            if let Some(a) = r["address"].as_str() {
                out.push(a.to_string());
            }
        }
        for child in module["child_modules"].as_array().into_iter().flatten() {
            walk(child, out);
        }
    }
    let mut out = Vec::new();
    walk(&plan["planned_values"]["root_module"], &mut out);
    out
}

#[test]
fn each_rule_fires_on_its_plan_exactly_where_the_configuration_does() {
    for case in CASES {
        let plan_path = plan_dir().join(format!("{}.json", case.rule));
        let text = std::fs::read_to_string(&plan_path).expect("plan fixture");
        let plan: serde_json::Value = serde_json::from_str(&text).unwrap();
        let planned = planned_addresses(&plan);
        for address in case.fire.iter().chain(case.silent) {
            assert!(
                planned.iter().any(|p| p == address),
                "{}: {address} is not in the plan",
                case.rule
            );
        }
        let on_plan = findings(&plan_path, case.rule);
        let fired: Vec<&str> = on_plan.iter().map(|(r, _, _)| r.as_str()).collect();
        assert_eq!(fired, case.fire, "{}: fired on the plan", case.rule);
        let on_config = findings(&plan_dir().join(format!("{}-config", case.rule)), case.rule);
        assert_eq!(
            on_plan, on_config,
            "{}: the plan and its configuration disagree",
            case.rule
        );
    }
}

/// No Lifecycle Manager policy or AWS Backup selection in the snapshot case's plan: no volume
/// or instance is reported as uncovered (backups may be managed elsewhere).
#[test]
fn backup_coverage_stays_silent_on_a_plan_without_policies() {
    let plan = plan_dir().join("ebs-snapshot-unmanaged.json");
    assert!(findings(&plan, "ebs-backup-uncovered").is_empty());
    // The plan has what the rule would report otherwise.
    let text = std::fs::read_to_string(&plan).unwrap();
    let planned = planned_addresses(&serde_json::from_str(&text).unwrap());
    assert!(planned.iter().any(|a| a == "aws_ebs_volume.data"));
    assert!(planned.iter().any(|a| a == "aws_instance.app"));
}

/// Costs carried by plan findings: the same figures as in the configuration (checked above),
/// here pinned to the priced ones.
#[test]
fn plan_findings_are_priced() {
    let cost = |rule: &str, resource: &str| {
        findings(&plan_dir().join(format!("{rule}.json")), rule)
            .into_iter()
            .find(|(r, _, _)| r == resource)
            .and_then(|(_, _, c)| c)
    };
    // 2 x c6i.large at $0.085/hour x 730.
    assert_eq!(
        cost(
            "ec2-capacity-reservation-unused",
            "aws_ec2_capacity_reservation.batch"
        )
        .as_deref(),
        Some("124.10")
    );
    // 100 GiB at $0.05/GB-month; a volume from outside: not priced.
    assert_eq!(
        cost(
            "ebs-snapshot-unmanaged",
            "aws_ebs_snapshot.before_migration"
        )
        .as_deref(),
        Some("5.00")
    );
    assert_eq!(
        cost("ebs-snapshot-unmanaged", "aws_ebs_snapshot.external"),
        None
    );
    assert!(cost("lb-idle", "aws_lb.orphan").is_some());
}

fn terraform_available() -> bool {
    let version = Command::new("terraform").arg("version").output();
    version.is_ok_and(|o| o.status.success()) && Path::new("/opt/tf-plugins").is_dir()
}

/// Plans `config` offline in a scratch copy; `terraform show -json` of the plan, or the
/// plan's error output.
fn terraform_plan(config: &Path) -> Result<serde_json::Value, String> {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(config, dir.path());
    let run = |args: &[&str]| {
        Command::new("terraform")
            .args(args)
            .current_dir(dir.path())
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .env("TF_IN_AUTOMATION", "1")
            .output()
            .unwrap()
    };
    let init = run(&["init", "-input=false", "-plugin-dir=/opt/tf-plugins"]);
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let plan = run(&[
        "plan",
        "-no-color",
        "-refresh=false",
        "-input=false",
        "-out",
        "plan.bin",
    ]);
    if !plan.status.success() {
        return Err(String::from_utf8_lossy(&plan.stderr).into_owned());
    }
    let show = run(&["show", "-json", "plan.bin"]);
    assert!(show.status.success());
    Ok(serde_json::from_slice(&show.stdout).unwrap())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// The committed plans are Terraform's own output for their configurations: re-planned, the
/// planned values, changes and configuration are the same.
#[test]
fn plan_fixtures_are_terraforms_plans() {
    if !terraform_available() {
        eprintln!("skipped: terraform or /opt/tf-plugins is missing (see /work/shared/terraform-oracle.md)");
        return;
    }
    let cases: Vec<&str> = CASES.iter().map(|c| c.rule).collect();
    // Two at a time: each plan starts the AWS provider.
    for pair in cases.chunks(2) {
        std::thread::scope(|scope| {
            for case in pair {
                scope.spawn(move || {
                    let fresh = terraform_plan(&plan_dir().join(format!("{case}-config")))
                        .unwrap_or_else(|e| panic!("{case}: {e}"));
                    let text =
                        std::fs::read_to_string(plan_dir().join(format!("{case}.json"))).unwrap();
                    let committed: serde_json::Value = serde_json::from_str(&text).unwrap();
                    for key in ["planned_values", "resource_changes", "configuration"] {
                        assert_eq!(fresh[key], committed[key], "{case}: {key}");
                    }
                    // Terraform lists the relevant attributes in no fixed order.
                    let sorted = |v: &serde_json::Value| {
                        let mut all: Vec<String> = v
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|a| a.to_string())
                            .collect();
                        all.sort();
                        all
                    };
                    assert_eq!(
                        sorted(&fresh["relevant_attributes"]),
                        sorted(&committed["relevant_attributes"]),
                        "{case}: relevant_attributes"
                    );
                });
            }
        });
    }
}

/// What a plan cannot express: the provider rejects more than 7 partitions at plan time, so
/// the partition-count check of `ec2-placement-group-invalid` applies to configurations only
/// (`fixtures/plan/README.md`, `rules/ec2-placement-group-invalid.md`).
#[test]
fn terraform_rejects_eight_partitions_at_plan_time() {
    if !terraform_available() {
        eprintln!("skipped: terraform or /opt/tf-plugins is missing (see /work/shared/terraform-oracle.md)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        plan_dir().join("ebs-config/zz_offline_provider.tf"),
        dir.path().join("zz_offline_provider.tf"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_placement_group\" \"kafka\" {\n  name            = \"kafka\"\n  strategy        = \"partition\"\n  partition_count = 8\n}\n",
    )
    .unwrap();
    let error = terraform_plan(dir.path()).expect_err("the provider rejects 8 partitions");
    assert!(
        error.contains("expected partition_count to be in the range (0 - 7), got 8"),
        "{error}"
    );
}

/// The plan's model, as `tests/plan.rs` builds it.
fn plan_model(case: &str) -> infralint::model::Model {
    use infralint::model::{from_terraform, UnitId};
    use infralint::parse::plan;
    let text = std::fs::read_to_string(plan_dir().join(format!("{case}.json"))).unwrap();
    let parsed = plan::parse(&text).expect("a plan");
    let resolved = plan::resolve(
        UnitId(0),
        infralint::source::FileId(0),
        case,
        &parsed,
        from_terraform::WANTED,
    );
    from_terraform::adapt(&resolved)
}

/// The three plan-frontend defects the plans of `lb-idle` and `ec2-ssh-open-to-world` showed,
/// at the model: (1) a planned resource had no references, so an ECS service's use of a
/// target group was no escape (lb-idle fired on `aws_lb.ecs`); (2) a root output escaped the
/// whole resource whatever it read, so `orphan_dns = aws_lb.orphan.dns_name` silenced lb-idle;
/// (3) `security_groups = [aws_security_group.workers.name]` is a known name in the plan,
/// which designated nothing (ec2-ssh-open-to-world missed `aws_launch_configuration.workers`).
#[test]
fn plan_references_output_attributes_and_names() {
    let m = plan_model("lb-idle");
    let escapes: Vec<(&str, Option<&str>, &str)> = m
        .escapes
        .iter()
        .map(|e| (e.address.as_str(), e.attr.as_deref(), e.context.as_str()))
        .collect();
    assert!(
        escapes.contains(&(
            "aws_lb_target_group.ecs",
            Some("arn"),
            "`aws_ecs_service` resource `aws_ecs_service.api`"
        )),
        "{escapes:#?}"
    );
    assert!(
        escapes.contains(&("aws_lb.orphan", Some("dns_name"), "output `orphan_dns`")),
        "{escapes:#?}"
    );
    assert!(
        escapes.contains(&("aws_lb.exported", Some("arn"), "output `exported_arn`")),
        "{escapes:#?}"
    );
    // A listener reads its balancer: no escape; the bare `aws_lb.web` Terraform lists after
    // `aws_lb.web.arn` is not a use of the whole object.
    assert!(!escapes.iter().any(|e| e.0 == "aws_lb.web"), "{escapes:#?}");

    let m = plan_model("ec2-ssh-open-to-world");
    let groups = |address: &str| -> Vec<Option<String>> {
        m.launch_access
            .iter()
            .find(|l| l.resource.address == address)
            .unwrap_or_else(|| panic!("{address}"))
            .security_groups
            .iter()
            .map(|f| f.known().cloned())
            .collect()
    };
    assert_eq!(
        groups("aws_launch_configuration.workers"),
        [Some("aws_security_group.workers".to_string())]
    );
    // A literal id designates nothing of the plan.
    assert!(groups("aws_instance.outside_groups").is_empty());
}
