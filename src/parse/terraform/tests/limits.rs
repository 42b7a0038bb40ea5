//! Limits: deep local chains, exponential values, alternatives.

use super::*;

#[test]
fn deep_local_chains_are_bounded() {
    let mut module = String::from("locals {\n  l0 = \"io1\"\n");
    for i in 1..2000 {
        module.push_str(&format!("  l{i} = local.l{}\n", i - 1));
    }
    module.push_str("}\n");
    // Run on a small stack: evaluation depth is bounded, not the thread's stack.
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let shallow = eval_in(&module, "local.l10");
            let deep = eval_in(&module, "local.l1999");
            (shallow, deep)
        })
        .unwrap();
    let (shallow, deep) = handle.join().expect("no stack overflow");
    assert_eq!(shallow, Ok(s("io1")));
    assert_eq!(deep, Ok(Val::Unknown));
}

#[test]
fn exponential_values_are_bounded() {
    let mut module = String::from("locals {\n  l0 = [\"x\", \"y\"]\n  s0 = \"ab\"\n");
    for i in 1..60 {
        module.push_str(&format!("  l{i} = [local.l{p}, local.l{p}]\n", p = i - 1));
        module.push_str(&format!(
            "  s{i} = \"${{local.s{p}}}${{local.s{p}}}\"\n",
            p = i - 1
        ));
    }
    module.push_str("}\n");
    let start = std::time::Instant::now();
    for probe in ["local.l59", "local.s59"] {
        let v = eval_in(&module, probe).unwrap();
        let max = super::value::MAX_VALUE_WEIGHT;
        assert!(v.weight(max) <= max, "{probe} is bounded");
    }
    assert_eq!(eval_in(&module, "length(local.l5)"), Ok(n(2.0)));
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn alternatives_are_bounded() {
    let module = r#"
variable "u" {}
locals {
  a = var.u ? 1 : 2
  b = var.u ? 10 : 20
  c = var.u ? 100 : 200
  d = var.u ? 1000 : 2000
  e = var.u ? 10000 : 20000
}
"#;
    assert_eq!(
        eval_in(module, "local.a + local.b > 0"),
        Ok(Val::Bool(true))
    );
    assert_eq!(
        eval_in(module, "local.a + local.b + local.c + local.d + local.e"),
        Ok(Val::Unknown),
        "32 combinations"
    );
}
