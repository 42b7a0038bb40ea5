//! Numbers beyond `f64` and byte-order marks.

use super::*;

/// Terraform accepts `1e400` (arbitrary precision; `terraform console`: `1e400 > 5` is true,
/// `1e400 - 1e400` is 0). No f64 is that number, so it is unknown; before, the file was
/// "invalid HCL".
#[test]
fn numbers_beyond_f64_are_unknown_not_errors() {
    for expr in [
        "1e400",
        "-1e400",
        "1e400 > 5",
        "1e400 - 1e400",
        "1e-400",
        "\"${1e400}\"",
    ] {
        assert_eq!(eval_in("", expr), Ok(Val::Unknown), "{expr}");
    }
    let big = format!("1{}", "0".repeat(400));
    assert_eq!(eval_in("", &big), Ok(Val::Unknown));
    assert_eq!(eval_in("", "[1e400, 2]"), Ok(list(&[Val::Unknown, n(2.0)])));
    // Within f64: its nearest f64, as for every number.
    assert_eq!(eval_in("", "99999999999999999999"), Ok(n(1e20)));
    assert_eq!(eval_in("", "1e308"), Ok(n(1e308)));
    // The number's text stays where it was: spans are exact.
    let (model, texts) = Case {
        files: &[(
            "main.tf",
            "resource \"aws_ebs_volume\" \"v\" {\n  availability_zone = \"a\"\n  size = 1e400\n}\n",
        )],
        ..Case::default()
    }
    .run();
    let size = model.volumes[0].size_gib.as_ref().expect("a size field");
    assert_eq!(size.known(), None, "unknown: {size:?}");
    assert_eq!(&texts[0][size.span.start..size.span.end], "1e400");
}

#[test]
fn numbers_beyond_f64_in_json_are_unknown() {
    let (model, texts) = Case {
        files: &[
            ("main.tf", "variable \"s\" {}\n"),
            (
                "v.tf.json",
                r#"{"resource": {"aws_ebs_volume": {"a": {"size": 1e400, "iops": [1e400, 3000]}, "b": {"size": "${var.s}"}}}}"#,
            ),
        ],
        tfvars: &[("terraform.tfvars.json", r#"{"s": -1e400}"#)],
        ..Case::default()
    }
    .run();
    for v in &model.volumes {
        let size = v.size_gib.as_ref().expect("a size field");
        assert_eq!(size.known(), None, "{}: {size:?}", v.resource.address);
    }
    let a = &model.volumes[0];
    let span = a.size_gib.as_ref().unwrap().span;
    assert_eq!(&texts[1][span.start..span.end], "1e400");
    // JSON numbers Terraform rejects ("Invalid JSON number") are errors.
    for bad in ["01", "1.", "-.5", "+1", "1e", "--1"] {
        let text = format!(r#"{{"locals": {{"a": {bad}}}}}"#);
        assert!(parse_json(&text).is_err(), "{bad}");
    }
}

#[test]
fn a_byte_order_mark_is_accepted_with_exact_spans() {
    // Terraform accepts it; hcl-edit does not. Before, only the engine's file loader worked
    // around it (not `--var-file`).
    let text = "\u{feff}resource \"aws_ebs_volume\" \"v\" {\n  size = 8\n}\n";
    let body = parse(text).expect("parses");
    let block = body.blocks().next().expect("a block");
    assert_eq!(
        &text[hcl_edit::Span::span(&block.ident).unwrap()],
        "resource"
    );
    assert!(parse_vars_json("\u{feff}{\"x\": 1}").is_ok());
}

/// Before: `metadata_options`, `network_interfaces` and `launch_template` were missing, so in
/// a `.tf.json` file they were attributes, the adapters saw no such block, and `ec2-imdsv1`
/// fired on an instance that requires tokens.
#[test]
fn json_reads_every_block_type_the_adapters_read() {
    // Every adapter file, so a new one is covered too.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model/from_terraform");
    let sources: Vec<String> = std::fs::read_dir(&dir)
        .expect("the adapters")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("readable"))
        .collect();
    let read: Vec<&str> = sources
        .iter()
        .flat_map(|source| source.split(".blocks(").skip(1))
        .filter_map(|rest| rest.split('"').nth(1))
        .collect();
    assert!(read.len() >= 9, "{read:?}");
    for name in read {
        assert!(ir::JSON_NESTED_BLOCKS.contains(&name), "{name}");
    }
    let model = Case {
        files: &[(
            "main.tf.json",
            r#"{"resource": {"aws_instance": {"web": {"ami": "ami-1", "instance_type": "t3.micro", "metadata_options": {"http_tokens": "required"}}}}}"#,
        )],
        ..Case::default()
    }
    .run()
    .0;
    let tokens = model.launch_settings[0].http_tokens.as_ref();
    assert_eq!(
        tokens.and_then(|f| f.known()).map(String::as_str),
        Some("required")
    );
}
