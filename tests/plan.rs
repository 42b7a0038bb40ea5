//! Terraform plan JSON (`terraform show -json plan.out`): the model built from real plans.
//!
//! The fixtures under `fixtures/plan/` were produced offline by Terraform 1.11.4 with the AWS
//! provider 5.100.0 from the sibling `<case>-config/` directories (see
//! `fixtures/plan/README.md`).

use std::path::Path;

use infralint::model::from_terraform;
use infralint::model::*;
use infralint::parse::plan;
use infralint::source::FileId;

/// A plan's model: resolved by the frontend, read by the Terraform adapters.
fn normalize(
    unit: UnitId,
    file: FileId,
    name: &str,
    text: &str,
) -> Result<Model, (String, std::ops::Range<usize>)> {
    let parsed = plan::parse(text)?;
    Ok(normalize_parsed(unit, file, name, &parsed))
}

fn normalize_parsed(unit: UnitId, file: FileId, name: &str, parsed: &plan::PlanJson) -> Model {
    let resolved = plan::resolve(unit, file, name, parsed, from_terraform::WANTED);
    from_terraform::adapt(&resolved)
}

struct Plan {
    text: String,
    model: Model,
}

fn load(case: &str) -> Plan {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/plan")
        .join(format!("{case}.json"));
    let text = std::fs::read_to_string(&path).expect("fixture");
    assert!(plan::is_plan(&text), "{case}: not sniffed as a plan");
    let model = normalize(UnitId(3), FileId(7), &format!("{case}.json"), &text)
        .unwrap_or_else(|(m, r)| panic!("{case}: {m} at {r:?}"));
    Plan { text, model }
}

impl Plan {
    /// The text a span covers.
    fn at(&self, span: infralint::source::Span) -> &str {
        assert_eq!(span.file, FileId(7));
        &self.text[span.start..span.end]
    }

    fn volume(&self, address: &str, device: &str) -> &Volume {
        self.model
            .volumes
            .iter()
            .find(|v| v.resource.address == address && v.device == device)
            .unwrap_or_else(|| panic!("no volume {address} {device}: {:#?}", self.addresses()))
    }

    fn addresses(&self) -> Vec<String> {
        self.model
            .resource_addresses()
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    /// EIP address -> (association kind, declaring address, conditional).
    fn associations_of(&self, eip: &str) -> Vec<(AssociationKind, &str, bool)> {
        self.model
            .eip_associations
            .iter()
            .filter(|a| matches!(&a.eip, Value::Known(k) if k.address == eip))
            .map(|a| (a.kind, a.declared_by.address.as_str(), a.conditional))
            .collect()
    }
}

fn known<T: Clone>(f: &Option<Field<T>>) -> Option<T> {
    f.as_ref().and_then(|f| f.known().cloned())
}

#[test]
fn sniffing_tells_plans_from_state_and_templates() {
    assert!(plan::is_plan(
        r#"{"format_version":"1.2","planned_values":{}}"#
    ));
    // `terraform show -json` of a state.
    assert!(!plan::is_plan(
        r#"{"format_version":"1.0","terraform_version":"1.11.4","values":{"root_module":{}}}"#
    ));
    for template in ["fixtures/demo", "fixtures/eip-unattached"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(template);
        for entry in walk(&dir) {
            if entry.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&entry).unwrap();
                assert!(!plan::is_plan(&text), "{}", entry.display());
            }
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn unit_is_terraform_and_complete() {
    let p = load("ebs");
    assert_eq!(p.model.units.len(), 1);
    let unit = &p.model.units[0];
    assert_eq!(unit.id, UnitId(3));
    assert_eq!(unit.kind, SourceKind::Terraform);
    assert_eq!(unit.name, "ebs.json");
    assert!(unit.complete);
    // Managed resource instances: four volumes, an instance, an attachment.
    assert_eq!(p.model.resource_count, 6);
    // The default provider's literal region.
    let (unit, region) = &p.model.unit_regions[0];
    assert_eq!(*unit, UnitId(3));
    assert_eq!(region.known().map(String::as_str), Some("us-east-1"));
}

#[test]
fn a_targeted_plan_is_incomplete() {
    // `terraform plan -target=...`: `"complete": false`, so "nothing associates this EIP"
    // cannot be concluded from it.
    let p = load("targeted");
    assert!(!p.model.units[0].complete);
}

#[test]
fn standalone_volumes_resolved_by_the_plan() {
    let p = load("ebs");

    let io1 = p.volume("aws_ebs_volume.provisioned", "");
    assert_eq!(io1.owner, VolumeOwner::Standalone);
    assert_eq!(io1.volume_type.known().map(String::as_str), Some("io1"));
    assert!(!io1.type_defaulted);
    assert_eq!(known(&io1.size_gib), Some(1000.0));
    assert_eq!(known(&io1.iops), Some(40000.0));
    assert_eq!(known(&io1.encrypted), Some(true));
    // Not written: computed by the provider, so "not set", as in the configuration.
    assert!(io1.throughput.is_none());
    assert!(io1.snapshot_id.is_none());
    assert!(io1.kms_key_id.is_none());
    // Spans point at the resource's address in `planned_values`.
    assert_eq!(p.at(io1.resource.span), "\"aws_ebs_volume.provisioned\"");
    assert_eq!(io1.resource.body_span, io1.resource.span);
    assert_eq!(io1.volume_type.span, io1.resource.span);
    let planned_values = p.text.find("\"planned_values\"").unwrap();
    let resource_changes = p.text.find("\"resource_changes\"").unwrap();
    assert!(io1.resource.span.start > planned_values);
    assert!(io1.resource.span.start < resource_changes);

    let gp2 = p.volume("aws_ebs_volume.big_gp2", "");
    assert_eq!(gp2.volume_type.known().map(String::as_str), Some("gp2"));
    assert!(!gp2.type_defaulted);
    assert_eq!(known(&gp2.size_gib), Some(500.0));
    // `encrypted` not written: unknown in the plan (the account default decides), "not set".
    assert!(gp2.encrypted.is_none());
    assert!(gp2.iops.is_none());

    // No `type`: unknown in the plan (computed), the API default gp2 here.
    let defaulted = p.volume("aws_ebs_volume.defaulted", "");
    assert_eq!(
        defaulted.volume_type.known().map(String::as_str),
        Some("gp2")
    );
    assert!(defaulted.type_defaulted);

    // `type = var.volume_type`, planned with `-var volume_type=io1`: the plan has io1, and
    // the origin points at the plan's input variable.
    let from_var = p.volume("aws_ebs_volume.from_var", "");
    assert_eq!(
        from_var.volume_type.known().map(String::as_str),
        Some("io1")
    );
    assert_eq!(known(&from_var.iops), Some(10000.0));
    let via = &from_var.volume_type.via;
    assert_eq!(via.len(), 1, "{via:?}");
    assert!(via[0].label.contains("volume_type"), "{}", via[0].label);
    assert_eq!(p.at(via[0].span), "\"volume_type\"");
}

#[test]
fn volume_attachments_and_escapes() {
    let p = load("ebs");
    let attachments: Vec<(&str, &Value<String>)> = p
        .model
        .volume_attachments
        .iter()
        .map(|a| (a.declared_by.address.as_str(), &a.volume))
        .collect();
    assert_eq!(
        attachments,
        vec![(
            "aws_volume_attachment.db",
            &Value::Known("aws_ebs_volume.from_var".to_string())
        )]
    );
    let escapes: Vec<(&str, &str)> = p
        .model
        .volume_escapes
        .iter()
        .map(|e| (e.address.as_str(), e.context.as_str()))
        .collect();
    assert_eq!(
        escapes,
        vec![("aws_ebs_volume.big_gp2", "output `big_gp2_volume_id`")]
    );
    let escape = &p.model.volume_escapes[0];
    assert_eq!(p.at(escape.span), "\"big_gp2_volume_id\"");
}

#[test]
fn elastic_ips_and_their_associations() {
    let p = load("eip");
    let mut eips: Vec<&str> = p
        .model
        .elastic_ips
        .iter()
        .map(|e| e.key.address.as_str())
        .collect();
    eips.sort_unstable();
    assert_eq!(
        eips,
        [
            "aws_eip.assoc",
            "aws_eip.both",
            "aws_eip.by_ip",
            "aws_eip.exported",
            "aws_eip.idle"
        ]
    );
    for eip in &p.model.elastic_ips {
        assert_eq!(eip.key.unit, UnitId(3));
        assert_eq!(
            eip.domain
                .as_ref()
                .and_then(|d| d.known())
                .map(String::as_str),
            Some("vpc")
        );
        assert_eq!(p.at(eip.resource.span), format!("\"{}\"", eip.key.address));
    }

    // The allocation id is unknown in the plan (computed): resolved through the
    // configuration's references.
    assert!(p
        .text
        .contains(r#""allocation_id":{"references":["aws_eip.assoc.id","aws_eip.assoc"]}"#));
    assert_eq!(
        p.associations_of("aws_eip.assoc"),
        [(
            AssociationKind::Association,
            "aws_eip_association.assoc",
            false
        )]
    );
    // Its own `instance` and an association: two exact associations (remaps).
    assert_eq!(
        p.associations_of("aws_eip.both"),
        [
            (AssociationKind::EipInstance, "aws_eip.both", false),
            (
                AssociationKind::Association,
                "aws_eip_association.both",
                false
            ),
        ]
    );
    // Through `public_ip`.
    assert_eq!(
        p.associations_of("aws_eip.by_ip"),
        [(
            AssociationKind::Association,
            "aws_eip_association.by_ip",
            false
        )]
    );
    assert!(p.associations_of("aws_eip.idle").is_empty());
    assert!(p.associations_of("aws_eip.exported").is_empty());
    // No association is left unresolved (which would silence `eip-unattached` for the plan).
    assert!(p
        .model
        .eip_associations
        .iter()
        .all(|a| a.eip != Value::Unknown));

    let escapes: Vec<(&str, &str)> = p
        .model
        .eip_escapes
        .iter()
        .map(|e| (e.eip.address.as_str(), e.context.as_str()))
        .collect();
    assert_eq!(
        escapes,
        [("aws_eip.exported", "output `exported_allocation_id`")]
    );
}

#[test]
fn counted_nat_eips_load_balancers_and_indexed_references() {
    let p = load("nat");
    // `element(aws_eip.nat.*.id, count.index)`: either EIP may be either gateway's, so each
    // is associated, conditionally (no remap is claimed), modeled once.
    for eip in ["aws_eip.nat[0]", "aws_eip.nat[1]"] {
        let assocs = p.associations_of(eip);
        assert_eq!(assocs.len(), 1, "{eip}: {assocs:?}");
        let (kind, by, conditional) = assocs[0];
        assert_eq!(kind, AssociationKind::NatGateway);
        assert!(by.starts_with("aws_nat_gateway.nat["), "{by}");
        assert!(conditional);
    }
    assert_eq!(
        p.associations_of("aws_eip.lb"),
        [(AssociationKind::LoadBalancer, "aws_lb.nlb", false)]
    );
    // `aws_eip.pinned[1].id`: exactly the second one.
    assert_eq!(
        p.associations_of("aws_eip.pinned[1]"),
        [(
            AssociationKind::Association,
            "aws_eip_association.pinned",
            false
        )]
    );
    assert!(p.associations_of("aws_eip.pinned[0]").is_empty());
    let eip = p
        .model
        .elastic_ips
        .iter()
        .find(|e| e.key.address == "aws_eip.nat[1]")
        .unwrap();
    assert_eq!(p.at(eip.resource.span), "\"aws_eip.nat[1]\"");
}

#[test]
fn instances_templates_and_inline_devices() {
    let p = load("compute");

    let root = p.volume("aws_instance.app", "root_block_device");
    assert_eq!(root.owner, VolumeOwner::Instance);
    assert_eq!(root.volume_type.known().map(String::as_str), Some("gp2"));
    assert_eq!(known(&root.size_gib), Some(100.0));
    assert!(root.iops.is_none(), "not written: {:?}", root.iops);

    let sdf = p.volume("aws_instance.app", "ebs_block_device /dev/sdf");
    assert_eq!(sdf.volume_type.known().map(String::as_str), Some("io1"));
    assert_eq!(known(&sdf.iops), Some(5000.0));
    assert_eq!(known(&sdf.encrypted), Some(true));
    // No `volume_type`: computed (the AMI's mapping decides), unknown.
    let sdg = p.volume("aws_instance.app", "ebs_block_device /dev/sdg");
    assert_eq!(sdg.volume_type.value, Value::Unknown);
    assert_eq!(known(&sdg.size_gib), Some(50.0));

    let lt = p.volume("aws_launch_template.app", "block_device_mappings /dev/xvda");
    assert_eq!(lt.owner, VolumeOwner::LaunchTemplate);
    assert_eq!(lt.volume_type.known().map(String::as_str), Some("gp3"));
    assert_eq!(known(&lt.throughput), Some(250.0));
    let magnetic = p.volume("aws_launch_template.app", "block_device_mappings /dev/xvdb");
    assert_eq!(
        magnetic.volume_type.known().map(String::as_str),
        Some("standard")
    );

    let lc_root = p.volume("aws_launch_configuration.legacy", "root_block_device");
    assert_eq!(lc_root.owner, VolumeOwner::LaunchConfiguration);
    let lc_sdh = p.volume(
        "aws_launch_configuration.legacy",
        "ebs_block_device /dev/sdh",
    );
    assert_eq!(known(&lc_sdh.iops), Some(3000.0));

    // Instances without block devices in the configuration have none in the model.
    assert!(!p
        .model
        .volumes
        .iter()
        .any(|v| v.resource.address == "aws_instance.old"));

    let mut templates: Vec<(&str, bool)> = p
        .model
        .launch_templates
        .iter()
        .map(|l| (l.resource.address.as_str(), l.is_launch_configuration))
        .collect();
    templates.sort_unstable();
    assert_eq!(
        templates,
        [
            ("aws_launch_configuration.legacy", true),
            ("aws_launch_template.app", false)
        ]
    );

    // Literal AMIs.
    let amis: Vec<(&str, &str, Option<&str>)> = p
        .model
        .ami_refs
        .iter()
        .map(|a| {
            (
                a.resource.address.as_str(),
                a.attribute.as_str(),
                a.image.known().map(String::as_str),
            )
        })
        .collect();
    assert!(amis.contains(&("aws_instance.app", "ami", Some("ami-0123456789abcdef0"))));
    assert!(amis.contains(&(
        "aws_launch_template.app",
        "image_id",
        Some("ami-0fedcba9876543210")
    )));
    // Launched from a template: no `ami` of its own.
    assert!(!amis.iter().any(|a| a.0 == "aws_instance.from_template"));

    let settings = |address: &str| {
        p.model
            .launch_settings
            .iter()
            .find(|s| s.resource.address == address)
            .unwrap_or_else(|| panic!("no launch settings for {address}"))
    };
    let app = settings("aws_instance.app");
    assert_eq!(app.kind, ComputeKind::Instance);
    assert_eq!(known(&app.instance_type).as_deref(), Some("m5.large"));
    assert_eq!(known(&app.http_tokens).as_deref(), Some("required"));
    let old = settings("aws_instance.old");
    assert_eq!(known(&old.instance_type).as_deref(), Some("m4.large"));
    assert!(old.http_tokens.is_none());
    assert!(old.launch_template.is_none());
    let from_template = settings("aws_instance.from_template");
    assert_eq!(
        from_template.launch_template,
        Some(Value::Known("aws_launch_template.app".to_string()))
    );
    assert!(from_template.instance_type.is_none());
    let legacy = settings("aws_launch_configuration.legacy");
    assert_eq!(legacy.kind, ComputeKind::LaunchConfiguration);
    let public: Vec<Option<&bool>> = legacy.public_ip.iter().map(|f| f.known()).collect();
    assert_eq!(public, [Some(&true)]);
}

#[test]
fn module_resources_keep_their_full_addresses() {
    let p = load("module");
    assert_eq!(
        p.addresses(),
        [
            "aws_nat_gateway.main",
            "module.disk.aws_ebs_volume.extra[\"x\"]",
            "module.disk.aws_ebs_volume.this",
            "module.disks[\"a\"].aws_ebs_volume.this",
            "module.disks[\"b\"].aws_ebs_volume.this",
            "module.net.aws_eip.bastion",
            "module.net.aws_eip.idle",
            "module.net.aws_eip.nat",
            "module.net.aws_eip_association.bastion",
            "module.net.aws_instance.bastion",
        ]
    );

    let disk = p.volume("module.disk.aws_ebs_volume.this", "");
    assert_eq!(disk.volume_type.known().map(String::as_str), Some("gp2"));
    assert_eq!(known(&disk.size_gib), Some(500.0));
    assert_eq!(
        p.at(disk.resource.span),
        "\"module.disk.aws_ebs_volume.this\""
    );
    // `iops = var.iops`, null by default: the provider computes it, unknown (never guessed).
    assert_eq!(disk.iops.as_ref().map(|f| &f.value), Some(&Value::Unknown));

    // The JSON escapes the key's quotes; the span covers the escaped string.
    let extra = p.volume("module.disk.aws_ebs_volume.extra[\"x\"]", "");
    assert!(extra.type_defaulted);
    assert_eq!(
        p.at(extra.resource.span),
        r#""module.disk.aws_ebs_volume.extra[\"x\"]""#
    );

    let a = p.volume("module.disks[\"a\"].aws_ebs_volume.this", "");
    assert_eq!(a.volume_type.known().map(String::as_str), Some("io1"));
    assert_eq!(known(&a.iops), Some(3000.0));

    // Inside the module: `aws_eip.bastion.id` is the module's own EIP.
    assert_eq!(
        p.associations_of("module.net.aws_eip.bastion"),
        [(
            AssociationKind::Association,
            "module.net.aws_eip_association.bastion",
            false
        )]
    );
    // `allocation_id = module.net.eip_id`: through the module's output to its EIP.
    assert_eq!(
        p.associations_of("module.net.aws_eip.nat"),
        [(AssociationKind::NatGateway, "aws_nat_gateway.main", false)]
    );
    assert!(p.associations_of("module.net.aws_eip.idle").is_empty());
    assert!(p
        .model
        .eip_associations
        .iter()
        .all(|a| a.eip != Value::Unknown));
}

#[test]
fn every_fixture_normalizes_and_points_into_planned_values() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/plan");
    let mut cases = 0;
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        cases += 1;
        let case = path.file_stem().unwrap().to_string_lossy().into_owned();
        let p = load(&case);
        let start = p.text.find("\"planned_values\"").unwrap();
        let spans = p
            .model
            .volumes
            .iter()
            .map(|v| &v.resource)
            .chain(p.model.elastic_ips.iter().map(|e| &e.resource))
            .chain(p.model.instances.iter().map(|i| &i.resource))
            .chain(p.model.launch_templates.iter().map(|l| &l.resource));
        for r in spans {
            assert!(r.span.start > start, "{case}: {}", r.address);
            let quoted = serde_json::to_string(&r.address).unwrap();
            assert_eq!(p.at(r.span), quoted, "{case}");
        }
        // Truncated plans are errors with a position, not panics.
        for cut in [1, p.text.len() / 3, p.text.trim_end().len() - 1] {
            let (message, range) =
                normalize(UnitId(0), FileId(0), "cut.json", &p.text[..cut]).unwrap_err();
            assert!(message.contains("JSON"), "{message}");
            assert!(range.start <= cut, "{range:?} past {cut}");
        }
    }
    assert!(cases >= 6, "only {cases} plan fixtures");
}

#[test]
fn dynamic_blocks_and_locals_missing_from_the_configuration_section() {
    let p = load("dynamic");
    // The configuration section has no `dynamic` blocks: the planned devices of a resource
    // being created are kept; what the configuration does not say stays unknown.
    assert!(!p.text.contains(r#""ebs_block_device":[{"device_name":{"#));
    for (device, size) in [("/dev/sdf", 100.0), ("/dev/sdg", 200.0)] {
        let v = p.volume("aws_instance.app", &format!("ebs_block_device {device}"));
        assert_eq!(v.volume_type.known().map(String::as_str), Some("gp2"));
        assert_eq!(known(&v.size_gib), Some(size));
        assert_eq!(
            v.encrypted.as_ref().map(|f| &f.value),
            Some(&Value::Unknown)
        );
    }
    // `allocation_id = local.nat_allocation_id`: locals are not in the plan; the EIPs the
    // configuration mentions (`relevant_attributes`) are each possibly the one.
    assert_eq!(
        p.associations_of("aws_eip.nat"),
        [(AssociationKind::NatGateway, "aws_nat_gateway.main", true)]
    );
    assert!(p.associations_of("aws_eip.idle").is_empty());
    assert!(p
        .model
        .eip_associations
        .iter()
        .all(|a| a.eip != Value::Unknown));
    // Same for a volume attachment through a local.
    let attached: Vec<&Value<String>> = p
        .model
        .volume_attachments
        .iter()
        .map(|a| &a.volume)
        .collect();
    assert_eq!(attached, [&Value::Known("aws_ebs_volume.data".to_string())]);
}

#[test]
fn parse_then_normalize_is_normalize() {
    // The engine parses in parallel at load time and normalizes per unit later.
    fn send_sync<T: Send + Sync>() {}
    send_sync::<plan::PlanJson>();
    let p = load("nat");
    let parsed = plan::parse(&p.text).expect("valid");
    let model = normalize_parsed(UnitId(3), FileId(7), "nat.json", &parsed);
    assert_eq!(model.eip_associations, p.model.eip_associations);
    assert_eq!(model.elastic_ips, p.model.elastic_ips);
    let (message, range) = plan::parse("{\"planned_values\": [}").unwrap_err();
    assert!(message.starts_with("invalid plan JSON"), "{message}");
    assert_eq!(range, 20..20);
}

/// End to end: a plan file given to `check` is linted like the configuration it came from.
#[test]
fn check_lints_a_plan_file_end_to_end() {
    let result = infralint::engine::check(&infralint::engine::CheckOptions {
        paths: vec!["fixtures/plan/eip.json".into()],
        ..Default::default()
    })
    .expect("check runs");
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let mut got: Vec<(String, String)> = result
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("eip-"))
        .map(|f| (f.rule.to_string(), f.resource.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (
                "eip-excessive-remaps".to_string(),
                "aws_eip.both".to_string()
            ),
            ("eip-unattached".to_string(), "aws_eip.idle".to_string()),
        ]
    );
    // Findings point into the plan file at the resource's address.
    let f = result
        .findings
        .iter()
        .find(|f| f.rule == "eip-unattached")
        .unwrap();
    let file = result.sources.get(f.primary.span.file).unwrap();
    assert_eq!(file.display, "fixtures/plan/eip.json");
    assert_eq!(
        &file.text[f.primary.span.start..f.primary.span.end],
        "\"aws_eip.idle\""
    );
}

/// A plan next to its configuration: findings point at the configuration, with the plan's
/// value as a related location, and are not reported twice.
#[test]
fn a_plan_next_to_its_configuration_points_at_the_configuration() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("plan-with-config");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir("fixtures/plan/ebs-config")
        .unwrap()
        .flatten()
    {
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    std::fs::copy("fixtures/plan/ebs.json", dir.join("plan.json")).unwrap();
    let result = infralint::engine::check(&infralint::engine::CheckOptions {
        paths: vec![dir.clone()],
        ..Default::default()
    })
    .expect("check runs");
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let io1: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.rule == "ebs-io1-to-io2" && f.resource == "aws_ebs_volume.from_var")
        .collect();
    // The configuration alone says gp3 (the default); the plan says io1 (`-var` at plan time).
    assert_eq!(io1.len(), 1, "{io1:#?}");
    let f = io1[0];
    let file = result.sources.get(f.primary.span.file).unwrap();
    assert!(
        file.display.ends_with("plan-with-config/main.tf"),
        "{}",
        file.display
    );
    assert_eq!(
        &file.text[f.primary.span.start..f.primary.span.end],
        "var.volume_type"
    );
    let related = &f.secondary;
    assert!(related.iter().any(|l| l.message == "value in the plan"
        && result.sources.display(l.span.file).ends_with("plan.json")));
    // Findings the configuration produces too are reported once.
    let gp2 = result
        .findings
        .iter()
        .filter(|f| f.rule == "ebs-gp2-iops-ceiling" && f.resource == "aws_ebs_volume.big_gp2")
        .count();
    assert_eq!(gp2, 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A plan next to its configuration: every planned resource takes the spans of its
/// declaration, attributes the spans of the same attribute, so a finding the configuration
/// gives too is reported once, where it is written (before, the plan's launch configuration
/// stayed in the plan file, and its public IP pointed at the resource header: both reported
/// twice).
#[test]
fn a_planned_resource_points_at_its_declaration_and_its_attributes() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("compute-plan-with-config");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir("fixtures/plan/compute-config")
        .unwrap()
        .flatten()
    {
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    std::fs::copy("fixtures/plan/compute.json", dir.join("plan.json")).unwrap();
    let result = infralint::engine::check(&infralint::engine::CheckOptions {
        paths: vec![dir.clone()],
        ..Default::default()
    })
    .expect("check runs");
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let at = |rule: &str| -> Vec<(String, String)> {
        result
            .findings
            .iter()
            .filter(|f| f.rule == rule && f.resource == "aws_launch_configuration.legacy")
            .map(|f| {
                let file = result.sources.get(f.primary.span.file).unwrap();
                let line_start = file.text[..f.primary.span.start]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                let line_end = file.text[f.primary.span.start..]
                    .find('\n')
                    .map_or(file.text.len(), |i| f.primary.span.start + i);
                (
                    file.display.rsplit('/').next().unwrap_or("").to_string(),
                    file.text[line_start..line_end]
                        .trim()
                        .chars()
                        .take(60)
                        .collect::<String>(),
                )
            })
            .collect()
    };
    assert_eq!(
        at("asg-launch-configuration"),
        [(
            "main.tf".to_string(),
            "resource \"aws_launch_configuration\" \"legacy\" {".to_string()
        )]
    );
    assert_eq!(
        at("ec2-public-ip"),
        [(
            "main.tf".to_string(),
            "associate_public_ip_address = true".to_string()
        )]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
