//! The evaluation budget under test: specific constructs that used to run for minutes or ask
//! for gigabytes, and a property over random expression trees built from the dangerous
//! constructors. What is checked is counted, never timed: the evaluations and template
//! renders done (charged or not), and the bytes the evaluating thread allocated, measured by
//! a counting allocator (this test binary's global allocator), independently of the budget's
//! own accounting.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::rc::Rc;

use super::budget::Budget;
use super::eval::Env;
use super::expr_gen::{Choices, FromBytes, Gen, SplitMix};
use super::value::{Fail, Val};
use super::*;

// ---- bytes allocated by the current thread -------------------------------------------------

/// The system allocator, counting the bytes each thread asks for (tests run in parallel
/// threads: each counts its own).
struct CountingAllocator;

thread_local! {
    static ALLOCATED: Cell<u64> = const { Cell::new(0) };
}

fn count(bytes: usize) {
    let _ = ALLOCATED.try_with(|a| a.set(a.get().saturating_add(bytes as u64)));
}

// SAFETY: every call is forwarded to `System` unchanged; counting touches a const-initialized
// thread-local `Cell` only (no allocation, no destructor).
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc_zeroed(layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        System.realloc(ptr, layout, new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn allocated() -> u64 {
    ALLOCATED.with(Cell::get)
}

// ---- evaluating with a budget ----------------------------------------------------------------

/// What evaluating an expression cost.
#[derive(Debug)]
struct Outcome {
    val: Result<Val, Fail>,
    /// Evaluations and template renders done.
    steps: u64,
    /// Bytes allocated while evaluating (parsing the text excluded).
    bytes: u64,
    exhausted: bool,
    cut: bool,
}

/// Evaluates `expr` as a local of `module`, with a budget of `limit` units.
fn eval_budgeted(module: &str, expr: &str, limit: u64) -> Outcome {
    let text = format!("{module}\nlocals {{\n  __probe = {expr}\n}}\n");
    let body = parse(&text).unwrap_or_else(|e| panic!("{text}\n{e:?}"));
    let irs = vec![ir::FileIr {
        body: ir::from_hcl(FileId(0), &body),
    }];
    let budget = Rc::new(Budget::new(limit));
    // Variable types are parsed (their defaults converted) with the scope.
    let before = allocated();
    let scope = build_scope(&irs, &[], &[], &[], budget.clone());
    let attr = scope.locals["__probe"];
    let val = scope.eval_attr(attr, &mut Env::default()).map(|e| e.val);
    let bytes = allocated() - before;
    Outcome {
        val,
        steps: budget.steps(),
        bytes,
        exhausted: budget.exhausted(),
        cut: budget.cut(),
    }
}

/// What the production budget allows (the constructs below are checked against it).
const LIMIT: u64 = super::budget::LIMIT;

/// Most bytes allocated per unit of budget: a unit is a node (a `Val` is 56 bytes, an object
/// entry 80), 64 bytes of string, or an origin; vectors grow by doubling (the counting
/// allocator counts every reallocation in full) and alternatives copy up to 16 times. The
/// property test below measures about a quarter of it at most.
const BYTES_PER_UNIT: u64 = 1_024;

/// Most evaluations and renders per unit: past the budget, each item of a collection already
/// made (and charged) is still looked at by a `for`: its condition, key and value.
const STEPS_PER_UNIT: u64 = 4;

/// Small evaluations cost a constant on top (the value, the memo of locals).
const BASE_BYTES: u64 = 1 << 16;

fn assert_bounded(what: &str, o: &Outcome, limit: u64) {
    assert!(
        o.steps <= STEPS_PER_UNIT * limit + 16,
        "{what}: {} steps for a budget of {limit}",
        o.steps
    );
    assert!(
        o.bytes <= BYTES_PER_UNIT * limit + BASE_BYTES,
        "{what}: {} bytes allocated for a budget of {limit}",
        o.bytes
    );
}

/// `local.a`: a string of one megabyte.
fn megabyte_local() -> String {
    let hundred = "x".repeat(100);
    format!("locals {{\n  a = join(\"\", [for i in range(10000) : \"{hundred}\"])\n}}\n")
}

#[test]
fn megabyte_local_is_known() {
    // The constructs below start from it: it must be within the budget.
    let o = eval_budgeted(&megabyte_local(), "length(local.a)", LIMIT);
    assert_eq!(o.val, Ok(Val::Num(1_000_000.0)));
    assert!(!o.exhausted && !o.cut);
}

#[test]
fn template_for_directives_are_charged() {
    // 10^9 renders of a literal, or of nothing: no expression is evaluated inside the loops,
    // so only the iterations themselves can be charged (they were not: minutes, memory
    // growing).
    for body in ["x", "", "%{ if true }%{ endif }"] {
        let t = format!(
            "\"%{{ for i in range(1000) }}%{{ for j in range(1000) }}%{{~ for k in range(1000) ~}}{body}%{{ endfor }}%{{ endfor }}%{{ endfor }}\""
        );
        let o = eval_budgeted("", &t, LIMIT);
        assert_eq!(o.val, Ok(Val::Unknown), "{t}");
        assert!(o.exhausted, "{t}");
        assert_bounded(&t, &o, LIMIT);
    }
    // Within the budget, the directive renders as before.
    let small = "\"%{ for i in range(3) }%{ for j in range(2) }${i}${j},%{ endfor }%{ endfor }\"";
    let o = eval_budgeted("", small, LIMIT);
    assert_eq!(o.val, Ok(Val::Str("00,01,10,11,20,21,".into())));
}

#[test]
fn string_functions_size_their_result_before_allocating() {
    // Each result would be 10 GB: asked for at once, it aborted the process.
    for expr in [
        "join(local.a, range(10000))",
        "replace(local.a, \"x\", local.a)",
        "split(\"\", replace(local.a, \"x\", \"xx\"))",
    ] {
        let o = eval_budgeted(&megabyte_local(), expr, LIMIT);
        assert_eq!(o.val, Ok(Val::Unknown), "{expr}");
        assert!(o.cut, "{expr}: a value left unknown for its size is noted");
        assert!(o.bytes < 64 << 20, "{expr}: {} bytes allocated", o.bytes);
    }
    // The same functions within bounds.
    let o = eval_budgeted("", "join(\"-\", [\"a\", \"b\"])", LIMIT);
    assert_eq!(o.val, Ok(Val::Str("a-b".into())));
    let o = eval_budgeted("", "replace(\"a.b.c\", \".\", \"::\")", LIMIT);
    assert_eq!(o.val, Ok(Val::Str("a::b::c".into())));
}

#[test]
fn copies_of_locals_are_charged_by_their_size() {
    // 10,000 copies of a megabyte (`"${x}"` is `x` itself): 10 GB, one copy at a time.
    let o = eval_budgeted(
        &megabyte_local(),
        "[for i in range(10000) : \"${local.a}\"]",
        LIMIT,
    );
    assert_eq!(o.val, Ok(Val::Unknown));
    assert!(o.exhausted);
    assert_bounded("for over copies", &o, LIMIT);
    // The same through a `for` variable, and through a function argument.
    for expr in [
        "[for s in [local.a] : [for i in range(10000) : s]]",
        "[for i in range(10000) : length(local.a)]",
    ] {
        let o = eval_budgeted(&megabyte_local(), expr, LIMIT);
        assert!(o.exhausted, "{expr}");
        assert!(matches!(&o.val, Ok(v) if !v.is_wholly_known()), "{expr}");
        assert_bounded(expr, &o, LIMIT);
    }
}

#[test]
fn range_never_allocates_past_its_limit() {
    for expr in [
        "range(1e9)",
        "range(0, 1e15, 0.5)",
        "[for i in range(1e9) : i]",
    ] {
        let o = eval_budgeted("", expr, LIMIT);
        assert_eq!(o.val, Ok(Val::Unknown), "{expr}");
        assert!(o.bytes < 1 << 20, "{expr}: {} bytes", o.bytes);
    }
    let o = eval_budgeted("", "length(range(10000))", LIMIT);
    assert_eq!(o.val, Ok(Val::Num(10_000.0)));
}

#[test]
fn many_keys_and_many_items_are_linear() {
    // Duplicate keys are still found; many distinct ones are fine.
    let o = eval_budgeted("", "length({for i in range(10000) : i => i})", LIMIT);
    assert_eq!(o.val, Ok(Val::Num(10_000.0)));
    let o = eval_budgeted("", "{for i in range(3) : \"k\" => i}", LIMIT);
    assert_eq!(o.val, Err(Fail));
    let o = eval_budgeted("", "{for i in range(5) : i % 2 => i...}", LIMIT);
    assert_eq!(
        o.val,
        Ok(Val::obj(vec![
            (
                "0".into(),
                Val::List(vec![Val::Num(0.0), Val::Num(2.0), Val::Num(4.0)])
            ),
            ("1".into(), Val::List(vec![Val::Num(1.0), Val::Num(3.0)])),
        ]))
    );
    let o = eval_budgeted("", "{ (\"a\") = 1, b = 2, a = 3 }", LIMIT);
    assert_eq!(o.val, Err(Fail));
    // distinct and toset keep Terraform's answers.
    let o = eval_budgeted(
        "",
        "length(distinct(concat(range(10000), range(10000))))",
        LIMIT,
    );
    assert_eq!(o.val, Ok(Val::Num(10_000.0)));
    let o = eval_budgeted("", "distinct([[1], [1], [2], [1]])", LIMIT);
    let one = || Val::List(vec![Val::Num(1.0)]);
    assert_eq!(
        o.val,
        Ok(Val::List(vec![one(), Val::List(vec![Val::Num(2.0)])]))
    );
    let o = eval_budgeted("", "distinct([{a = 1}, {a = 2}, {a = 1}])", LIMIT);
    let a = |n: f64| Val::obj(vec![("a".into(), Val::Num(n))]);
    assert_eq!(o.val, Ok(Val::List(vec![a(1.0), a(2.0)])));
    let o = eval_budgeted("", "distinct([0, -0, 1, 0])", LIMIT);
    assert_eq!(o.val, Ok(Val::List(vec![Val::Num(0.0), Val::Num(1.0)])));
    let o = eval_budgeted("", "toset([\"b\", \"a\", \"b\", \"c\", \"a\"])", LIMIT);
    assert_eq!(
        o.val,
        Ok(Val::List(vec![
            Val::Str("a".into()),
            Val::Str("b".into()),
            Val::Str("c".into())
        ]))
    );
}

#[test]
fn origins_of_long_local_chains_are_merged_in_linear_time_and_charged() {
    // `local.l400` has 800 origins; a `for` merges them at every iteration.
    let mut module = String::from("locals {\n  l0 = 1\n");
    for i in 1..=400 {
        module.push_str(&format!(
            "  l{i} = local.l{} + local.x{i}\n  x{i} = 1\n",
            i - 1
        ));
    }
    module.push_str("}\n");
    // Evaluated bottom-up first (as a module's resources would, one after another), so the
    // chain is not cut by the evaluation depth.
    let mut probe = String::from("[");
    for i in (0..=400).step_by(20) {
        probe.push_str(&format!("local.l{i}, "));
    }
    probe.push_str("[for i in range(10000) : local.l400]]");
    let o = eval_budgeted(&module, &probe, LIMIT);
    assert!(
        o.exhausted,
        "800 origins copied 10,000 times is past the budget"
    );
    assert_bounded("origins", &o, LIMIT);
    // Within the budget, the same chain evaluates.
    let probe = probe.replace("[for i in range(10000) : local.l400]", "local.l400");
    let o = eval_budgeted(&module, &probe, LIMIT);
    let Ok(Val::List(items)) = &o.val else {
        panic!("{:?}", o.val);
    };
    assert_eq!(items.last(), Some(&Val::Num(401.0)));
}

#[test]
fn optional_attribute_defaults_are_charged_where_they_are_copied() {
    // A 64 KB default copied into each of 10,000 objects (640 MB), and the same one level
    // down, the inner default copied into each of the outer default's 100 objects first.
    let big = "x".repeat(64 << 10);
    let limit = 100_000;
    for ty in [
        format!("list(object({{ a = optional(string, \"{big}\") }}))"),
        format!(
            "list(object({{ a = optional(list(object({{ b = optional(string, \"{big}\") }})), [{}]) }}))",
            vec!["{}"; 100].join(", ")
        ),
    ] {
        let module = format!(
            "variable \"v\" {{\n  type = {ty}\n  default = [for i in range(10000) : {{}}]\n}}\n"
        );
        let o = eval_budgeted(&module, "length(var.v)", limit);
        assert_eq!(o.val, Ok(Val::Unknown));
        assert!(o.exhausted || o.cut);
        assert_bounded("defaults", &o, limit);
    }
    // Within the budget, defaults fill in as before.
    let module = "variable \"v\" {\n  type = list(object({ a = optional(string, \"d\") }))\n  default = [{}, { a = \"x\" }]\n}\n";
    let o = eval_budgeted(module, "[for o in var.v : o.a]", limit);
    assert_eq!(
        o.val,
        Ok(Val::List(vec![Val::Str("d".into()), Val::Str("x".into())]))
    );
}

// ---- the property: random expression trees stay within the budget ----------------------------

#[test]
fn random_expression_trees_stay_within_the_budget() {
    // A small budget keeps the test fast; the bounds are per unit, whatever the limit.
    const SMALL: u64 = 20_000;
    let mut cases: Vec<(String, (String, String))> = (0..500u64)
        .map(|seed| (format!("seed {seed}"), Gen::new(SplitMix(seed)).case()))
        .collect();
    // As the fuzz target makes them: choices read from bytes.
    for seed in 0..100u64 {
        let mut rng = SplitMix(seed);
        let len = 16 + rng.below(512);
        let bytes: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
        cases.push((
            format!("bytes {bytes:?}"),
            Gen::new(FromBytes(&bytes)).case(),
        ));
    }
    let (mut exhausted, mut known) = (0, 0);
    let (mut max_steps, mut max_bytes) = (0.0f64, 0.0f64);
    for (name, (module, probe)) in &cases {
        let o = eval_budgeted(module, probe, SMALL);
        assert_bounded(&format!("{name}:\n{module}__probe = {probe}"), &o, SMALL);
        exhausted += usize::from(o.exhausted);
        known += usize::from(matches!(&o.val, Ok(v) if v.is_wholly_known()));
        max_steps = max_steps.max(o.steps as f64 / SMALL as f64);
        max_bytes = max_bytes.max(o.bytes.saturating_sub(BASE_BYTES) as f64 / SMALL as f64);
    }
    // Both regimes are reached: trees that run out of budget, and trees with a known value.
    assert!(
        exhausted >= 30,
        "{exhausted} of 600 cases ran out of budget"
    );
    assert!(known >= 120, "{known} of 600 cases have a known value");
    eprintln!(
        "random trees: {exhausted} exhausted, {known} known; at most {max_steps:.2} steps and \
         {max_bytes:.0} bytes per unit"
    );
}
