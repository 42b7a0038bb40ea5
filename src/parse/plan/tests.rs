//! Unit tests of the plan frontend.

use serde_json::Value as Json;

use super::spans::scan_spans;
use super::*;
use super::{numbers_beyond_f64, parse};
use crate::model::address::{parse_module_address, parse_traversal, ModStep, TSeg};
use crate::model::*;

/// A plan's model: resolved by the frontend, read by the Terraform adapters.
fn normalize(
    unit: UnitId,
    file: FileId,
    name: &str,
    text: &str,
) -> Result<Model, (String, Range<usize>)> {
    let plan = parse(text)?;
    let resolved = resolve(
        unit,
        file,
        name,
        &plan,
        crate::model::from_terraform::WANTED,
    );
    Ok(crate::model::from_terraform::adapt(&resolved))
}

fn run(text: &str) -> Model {
    normalize(UnitId(0), FileId(0), "plan.json", text).expect("valid JSON")
}

#[test]
fn sniff() {
    assert!(is_plan(r#"{"format_version":"1.2","planned_values":{}}"#));
    assert!(!is_plan(r#"{"format_version":"1.0","values":{}}"#));
    assert!(!is_plan(r#"{"AWSTemplateFormatVersion":"2010-09-09"}"#));
}

#[test]
fn invalid_json_points_at_the_error() {
    let text = "{\"format_version\": \"1.2\",\n  \"planned_values\": {,}}";
    let (message, range) = normalize(UnitId(0), FileId(0), "p", text).unwrap_err();
    assert!(message.starts_with("invalid plan JSON"), "{message}");
    assert_eq!(&text[range.start..range.start + 1], ",");
    let (_, range) = normalize(UnitId(0), FileId(0), "p", "{\"a\": ").unwrap_err();
    assert!(range.start <= 6);
    let (_, range) = normalize(UnitId(0), FileId(0), "p", "").unwrap_err();
    assert_eq!(range, 0..0);
}

#[test]
fn a_byte_order_mark_is_accepted_with_exact_offsets() {
    // Before: "invalid plan JSON: expected value" at 1:1.
    let text = "\u{feff}{\"format_version\":\"1.2\",\"planned_values\":{\"root_module\":{\"resources\":[{\"address\":\"aws_eip.a\",\"mode\":\"managed\",\"type\":\"aws_eip\",\"name\":\"a\",\"values\":{\"domain\":\"vpc\"}}]}}}";
    let plan = parse(text).expect("a BOM is accepted");
    let a = plan.spans.planned.get("aws_eip.a").expect("the address");
    assert_eq!(&text[a.clone()], "\"aws_eip.a\"");
    assert_eq!(run(text).elastic_ips.len(), 1);
    let text = "\u{feff}{\"format_version\": ,}";
    let (_, range) = parse(text).unwrap_err();
    assert_eq!(&text[range.start..range.start + 1], ",");
}

#[test]
fn numbers_beyond_f64_are_unknown() {
    // terraform 1.11 writes `1e400` in full; serde_json alone says "number out of range".
    let huge = format!("1{}", "0".repeat(400));
    let text = format!(
        r#"{{"format_version":"1.2","variables":{{"n":{{"value":{huge}}}}},"planned_values":{{"root_module":{{"resources":[{{"address":"aws_ebs_volume.v","mode":"managed","type":"aws_ebs_volume","name":"v","values":{{"availability_zone":"a","type":"gp3","size":{huge},"iops":1e-400,"throughput":125,"note":"1e400"}}}}]}}}}}}"#
    );
    let model = run(&text);
    let v = &model.volumes[0];
    assert_eq!(
        v.size_gib.as_ref().map(|f| f.value.clone()),
        Some(Value::Unknown)
    );
    assert_eq!(
        v.iops.as_ref().map(|f| f.value.clone()),
        Some(Value::Unknown)
    );
    assert_eq!(
        v.throughput.as_ref().and_then(|f| f.value.known().copied()),
        Some(125.0)
    );
    // Numbers inside strings are left alone; spans are exact.
    assert_eq!(numbers_beyond_f64(&text).len(), 3);
    let plan = parse(&text).unwrap();
    let at = plan.spans.planned.get("aws_ebs_volume.v").unwrap();
    assert_eq!(&text[at.clone()], "\"aws_ebs_volume.v\"");
    // Errors elsewhere are still located.
    let text = format!("{{\"a\": {huge}, ,}}");
    let (message, range) = parse(&text).unwrap_err();
    assert_eq!(&text[range.start..range.start + 1], ",", "{message}");
}

#[test]
fn garbage_shapes_do_not_panic() {
    for text in [
        "[]",
        "null",
        "42",
        "\"planned_values\"",
        r#"{"format_version":"1.2","planned_values":null}"#,
        r#"{"format_version":"1.2","planned_values":[]}"#,
        r#"{"planned_values":{"root_module":{"resources":{}}}}"#,
        r#"{"planned_values":{"root_module":{"resources":[1,"x",null,[],{}]}}}"#,
        r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_eip.a","mode":"managed","type":"aws_eip","name":"a"}]}}}"#,
        r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_ebs_volume.a","mode":"managed","type":"aws_ebs_volume","name":"a","values":[]}]}}}"#,
        r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_ebs_volume.a","mode":"managed","type":"aws_ebs_volume","name":"a","values":{"type":7,"size":"big","iops":{},"encrypted":"yes"}}]}}}"#,
        r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_instance.a","mode":"managed","type":"aws_instance","name":"a","values":{"root_block_device":{"x":1},"ebs_block_device":[1,null,{"device_name":5}],"ami":[]}}]}}}"#,
        r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_launch_template.a","mode":"managed","type":"aws_launch_template","name":"a","values":{"block_device_mappings":[{"ebs":true},{"ebs":[null,3]},7]}}]}}}"#,
        r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_eip_association.a","mode":"managed","type":"aws_eip_association","name":"a","values":{"allocation_id":5}}]}},"configuration":{"root_module":{"resources":[{"mode":"managed","type":"aws_eip_association","name":"a","expressions":{"allocation_id":{"references":[5,"module","module.","aws_eip","aws_eip.[","var.x[","module.m[\"a].o"]}}}]}}}"#,
        r#"{"planned_values":{"root_module":{"child_modules":[{"address":7},{"address":"not a module","resources":[{"address":"x","mode":"managed","type":"aws_eip","name":"x"}]},{"address":"module.m[","resources":[]}]}},"resource_changes":[1,{"address":"x","change":{"after_unknown":[]}}]}"#,
        r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_lb.a","mode":"managed","type":"aws_lb","name":"a","values":{"subnet_mapping":"x"}}]}},"configuration":{"root_module":{"resources":[{"type":"aws_lb","name":"a","expressions":{"subnet_mapping":[1,{"allocation_id":{"references":["module.x.y"]}}]}}],"outputs":{"o":{"expression":{"references":["aws_eip.nope"]}},"p":7}}},"prior_state":{"values":{"root_module":{"resources":[{"address":"data.aws_ami.a","mode":"data","type":"aws_ami","name":"a","values":{"owners":[1],"most_recent":"no"}}]}}}}"#,
    ] {
        let _ = run(text);
    }
}

#[test]
fn deep_module_references_stop() {
    // A module whose output refers to itself through its own call: followed to the depth
    // limit, then opaque.
    let text = r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[
        {"address":"aws_nat_gateway.n","mode":"managed","type":"aws_nat_gateway","name":"n","values":{}}]}},
        "configuration":{"root_module":{"resources":[{"mode":"managed","type":"aws_nat_gateway","name":"n",
          "expressions":{"allocation_id":{"references":["module.m.o"]}}}],
          "module_calls":{"m":{"expressions":{"v":{"references":["module.m.o"]}},
            "module":{"outputs":{"o":{"expression":{"references":["var.v"]}}}}}}}}}"#;
    let m = run(text);
    assert_eq!(m.eip_associations.len(), 1);
    assert_eq!(m.eip_associations[0].eip, Value::Unknown);
}

#[test]
fn spans_find_addresses_by_path() {
    let text = r#"{"format_version":"1.2","variables":{"t":{"value":"io1"}},"planned_values":{"outputs":{"o":{"value":{"address":"aws_eip.a"}}},"root_module":{"resources":[{"address":"aws_eip.a","mode":"managed","type":"aws_eip","name":"a","values":{"tags":{"address":"aws_eip.b"}}}],"child_modules":[{"address":"module.m[\"k\"]","resources":[{"address":"module.m[\"k\"].aws_eip.b","mode":"managed","type":"aws_eip","name":"b","values":{}}]}]}}}"#;
    let spans = scan_spans(text);
    let a = spans.planned.get("aws_eip.a").expect("root resource");
    assert_eq!(&text[a.clone()], "\"aws_eip.a\"");
    assert!(a.start > text.find("\"root_module\"").unwrap());
    assert!(
        !spans.planned.contains_key("aws_eip.b"),
        "a tag is not an address"
    );
    let b = spans
        .planned
        .get("module.m[\"k\"].aws_eip.b")
        .expect("module resource");
    assert_eq!(&text[b.clone()], r#""module.m[\"k\"].aws_eip.b""#);
    assert_eq!(&text[spans.variables["t"].clone()], "\"t\"");
    assert_eq!(&text[spans.outputs["o"].clone()], "\"o\"");
    let m = run(text);
    assert_eq!(m.elastic_ips.len(), 2);
    assert_eq!(
        m.elastic_ips[1].resource.address,
        "module.m[\"k\"].aws_eip.b"
    );
    assert_eq!(m.elastic_ips[1].resource.span.start, b.start);
}

#[test]
fn traversals() {
    assert_eq!(
        parse_traversal("aws_eip.nat[1].id"),
        Some(vec![
            TSeg::Name("aws_eip".into()),
            TSeg::Name("nat".into()),
            TSeg::Index(Json::from(1u64)),
            TSeg::Name("id".into()),
        ])
    );
    assert_eq!(
        parse_traversal(r#"module.x["a.b]"].out"#).map(|s| s.len()),
        Some(4)
    );
    assert_eq!(parse_traversal("a..b"), None);
    assert_eq!(parse_traversal("a[count.index]").map(|s| s.len()), Some(2));
    assert_eq!(
        parse_module_address(r#"module.a["k"].module.b"#),
        Some(vec![
            ModStep {
                name: "a".into(),
                key: Some(Json::String("k".into()))
            },
            ModStep {
                name: "b".into(),
                key: None
            },
        ])
    );
    assert_eq!(parse_module_address("aws_eip.x"), None);
}

#[test]
fn known_allocation_ids_match_by_value() {
    // The EIP is in the state already: its id is known, and so is the association's.
    let text = r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[
        {"address":"aws_eip.a","mode":"managed","type":"aws_eip","name":"a","values":{"id":"eipalloc-1","domain":"vpc","instance":"i-1"}},
        {"address":"aws_eip.b","mode":"managed","type":"aws_eip","name":"b","values":{"id":"eipalloc-2","domain":"vpc"}},
        {"address":"aws_eip_association.a","mode":"managed","type":"aws_eip_association","name":"a","values":{"allocation_id":"eipalloc-1"}},
        {"address":"aws_nat_gateway.n","mode":"managed","type":"aws_nat_gateway","name":"n","values":{"allocation_id":"eipalloc-elsewhere"}}]}},
        "configuration":{"root_module":{"resources":[
          {"mode":"managed","type":"aws_eip","name":"a","expressions":{"domain":{"constant_value":"vpc"}}},
          {"mode":"managed","type":"aws_eip","name":"b","expressions":{}},
          {"mode":"managed","type":"aws_eip_association","name":"a","expressions":{"allocation_id":{"references":["aws_eip.a.id","aws_eip.a"]}}},
          {"mode":"managed","type":"aws_nat_gateway","name":"n","expressions":{"allocation_id":{"constant_value":"eipalloc-elsewhere"}}}]}},
        "prior_state":{"values":{"root_module":{"resources":[
          {"address":"data.aws_ami.u","mode":"data","type":"aws_ami","name":"u","values":{"most_recent":true,"owners":["099720109477"]}}]}}}}"#;
    let m = run(text);
    // `instance` read back from the association, not written: no second association.
    assert_eq!(m.eip_associations.len(), 1, "{:?}", m.eip_associations);
    assert_eq!(
        m.eip_associations[0].eip,
        Value::Known(EipKey {
            unit: UnitId(0),
            address: "aws_eip.a".into()
        })
    );
    assert!(!m.eip_associations[0].conditional);
    assert_eq!(m.ami_lookups.len(), 1);
    let lookup = &m.ami_lookups[0];
    assert_eq!(lookup.resource.address, "data.aws_ami.u");
    assert_eq!(
        lookup.owners.as_ref().and_then(|o| o.known()),
        Some(&vec!["099720109477".to_string()])
    );
    assert_eq!(
        &text[lookup.resource.span.start..lookup.resource.span.end],
        "\"data.aws_ami.u\""
    );
}

#[test]
fn read_back_values_are_not_settings() {
    // An existing gp2 volume: the state has its baseline `iops` and `encrypted`, which
    // the configuration does not write.
    let text = r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[
        {"address":"aws_ebs_volume.v","mode":"managed","type":"aws_ebs_volume","name":"v",
         "values":{"id":"vol-1","type":"gp2","size":100,"iops":300,"throughput":0,"encrypted":false}}]}},
        "resource_changes":[{"address":"aws_ebs_volume.v","change":{"actions":["no-op"],"after_unknown":{}}}],
        "configuration":{"root_module":{"resources":[{"mode":"managed","type":"aws_ebs_volume","name":"v",
          "expressions":{"size":{"constant_value":100}}}]}}}"#;
    let m = run(text);
    let v = &m.volumes[0];
    assert_eq!(v.volume_type.known().map(String::as_str), Some("gp2"));
    assert!(v.type_defaulted);
    assert_eq!(v.size_gib.as_ref().and_then(|f| f.known()), Some(&100.0));
    assert!(v.iops.is_none());
    assert!(v.throughput.is_none());
    assert!(v.encrypted.is_none());
}

#[test]
fn an_image_looked_up_is_not_pinned() {
    // The plan resolves `ami = data.aws_ami.u.id` to a literal id: not pinned in the
    // configuration, so unknown (ami-stale must not call it pinned). A variable is kept.
    let text = r#"{"format_version":"1.2","variables":{"img":{"value":"ami-2"}},"planned_values":{"root_module":{"resources":[
        {"address":"aws_instance.a","mode":"managed","type":"aws_instance","name":"a","values":{"ami":"ami-1"}},
        {"address":"aws_instance.b","mode":"managed","type":"aws_instance","name":"b","values":{"ami":"ami-2"}}]}},
        "configuration":{"root_module":{"resources":[
          {"mode":"managed","type":"aws_instance","name":"a","expressions":{"ami":{"references":["data.aws_ami.u.id","data.aws_ami.u"]}}},
          {"mode":"managed","type":"aws_instance","name":"b","expressions":{"ami":{"references":["var.img"]}}}]}}}"#;
    let m = run(text);
    assert_eq!(m.ami_refs.len(), 2);
    assert_eq!(m.ami_refs[0].image.value, Value::Unknown);
    assert_eq!(
        m.ami_refs[1].image.known().map(String::as_str),
        Some("ami-2")
    );
    assert_eq!(m.ami_refs[1].image.via.len(), 1);
}
