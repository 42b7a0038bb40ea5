//! Random Terraform expression trees built from the constructors that make large values or
//! many steps, for the evaluation budget's property test (`budget_tests.rs`, choices from a
//! seeded generator) and its fuzz target (`fuzz/fuzz_targets/evaluator.rs`, choices from the
//! fuzzer's bytes, which includes this file by path). Self-contained: std only.

/// Where a generator's choices come from.
pub trait Choices {
    /// A number below `n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize;
}

/// SplitMix64: a small deterministic generator (no dependency; a case is reproducible from
/// its seed).
pub struct SplitMix(pub u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl Choices for SplitMix {
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Choices read from bytes (a fuzzer's input), one byte each; past the end every choice is
/// 0, which ends the tree (0 picks a leaf).
pub struct FromBytes<'b>(pub &'b [u8]);

impl Choices for FromBytes<'_> {
    fn below(&mut self, n: usize) -> usize {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                usize::from(*b) % n
            }
            None => 0,
        }
    }
}

/// What an expression is meant to be (so that most trees evaluate instead of failing at
/// their first type error).
#[derive(Clone, Copy, PartialEq)]
pub enum Kind {
    Num,
    Str,
    List,
    Map,
    Any,
}

/// Builds random Terraform expressions from the constructors that make large values or many
/// steps: `range`, `for` expressions and template `%{ for }` directives, `join`, `replace`,
/// `format`, `concat`, `flatten`, `merge`, `split`, `distinct`/`toset`/`sort`, `setproduct`,
/// strings and lists doubled (`"${x}${x}"`, `[x, x]`), locals referencing locals, unknown
/// conditions.
pub struct Gen<C> {
    rng: C,
    /// The locals `l0..` an expression may reference, with what they are.
    locals: Vec<Kind>,
    /// `for` variables in scope, with what they are.
    vars: Vec<(String, Kind)>,
    fresh: usize,
}

const SIZES: &[&str] = &[
    "0", "1", "3", "20", "100", "1000", "10000", "1e9", "-5", "2.5",
];

impl<C: Choices> Gen<C> {
    pub fn new(rng: C) -> Gen<C> {
        Gen {
            rng,
            locals: Vec::new(),
            vars: Vec::new(),
            fresh: 0,
        }
    }

    fn pick<'x>(&mut self, items: &[&'x str]) -> &'x str {
        items[self.rng.below(items.len())]
    }

    fn any_kind(&mut self) -> Kind {
        [Kind::Num, Kind::Str, Kind::List, Kind::List, Kind::Map][self.rng.below(5)]
    }

    /// A local or a `for` variable of kind `kind`, if there is one.
    fn reference(&mut self, kind: Kind) -> Option<String> {
        let fits = |k: Kind| kind == Kind::Any || k == kind || k == Kind::Any;
        let mut names: Vec<String> = (self.locals.iter().enumerate())
            .filter(|(_, k)| fits(**k))
            .map(|(i, _)| format!("local.l{i}"))
            .collect();
        names.extend(
            self.vars
                .iter()
                .filter(|(_, k)| fits(*k))
                .map(|(v, _)| v.clone()),
        );
        match names.len() {
            0 => None,
            n => Some(names.swap_remove(self.rng.below(n))),
        }
    }

    fn var(&mut self) -> String {
        self.fresh += 1;
        format!("v{}", self.fresh)
    }

    fn leaf(&mut self, kind: Kind) -> String {
        if self.rng.below(3) == 0 {
            if let Some(r) = self.reference(kind) {
                return r;
            }
        }
        match kind {
            Kind::Any => {
                let k = self.any_kind();
                self.leaf(k)
            }
            Kind::Num => self.pick(SIZES).to_string(),
            Kind::Str => {
                let n = [0, 1, 10, 100, 1000][self.rng.below(5)];
                format!("\"{}\"", "ab".repeat(n / 2))
            }
            Kind::List => format!("range({})", self.pick(SIZES)),
            Kind::Map => format!("{{a = {}}}", self.pick(SIZES)),
        }
    }

    /// `[for v in C : body]`, `{for k, v in C : key => body}` (grouped or not), with `k` and
    /// `v` bound in `body`.
    fn for_expr(&mut self, kind: Kind, depth: u32) -> String {
        let coll = if self.rng.below(3) == 0 {
            self.expr(Kind::Map, depth - 1)
        } else {
            self.expr(Kind::List, depth - 1)
        };
        let (k, v) = (self.var(), self.var());
        self.vars.push((k.clone(), Kind::Any));
        self.vars.push((v.clone(), Kind::Any));
        let body_kind = self.any_kind();
        let body = self.expr(body_kind, depth - 1);
        let out = match (kind, self.rng.below(2)) {
            (Kind::List, 0) => format!("[for {v} in {coll} : {body}]"),
            (Kind::List, _) => format!("[for {k}, {v} in {coll} : {body} if {k} != 1]"),
            (_, 0) => format!("{{for {k}, {v} in {coll} : {k} => {body}}}"),
            _ => format!("{{for {k}, {v} in {coll} : \"g\" => {body}...}}"),
        };
        self.vars.truncate(self.vars.len() - 2);
        out
    }

    /// The inside of a template: literals, interpolations, `%{ for }` and `%{ if }`.
    fn template_parts(&mut self, depth: u32) -> String {
        let mut out = String::new();
        // Possibly none: a directive's body may be empty.
        for _ in 0..self.rng.below(4) {
            match self.rng.below(if depth == 0 { 2 } else { 5 }) {
                0 => out.push_str(&"ab".repeat(1 + self.rng.below(40))),
                1 => {
                    let kind = [Kind::Str, Kind::Num][self.rng.below(2)];
                    let e = match depth {
                        0 => self.leaf(kind),
                        _ => self.expr(kind, depth - 1),
                    };
                    out.push_str(&format!("${{{e}}}"));
                }
                2 | 3 => {
                    // Often a large range: nested directives multiply.
                    let coll = match self.rng.below(2) {
                        0 => format!("range({})", self.pick(&["1000", "10000"])),
                        _ => self.expr(Kind::List, depth - 1),
                    };
                    let v = self.var();
                    self.vars.push((v.clone(), Kind::Any));
                    let body = self.template_parts(depth - 1);
                    self.vars.pop();
                    let strip = ["", "~"][self.rng.below(2)];
                    out.push_str(&format!(
                        "%{{{strip} for {v} in {coll} {strip}}}{body}%{{{strip} endfor {strip}}}"
                    ));
                }
                _ => {
                    let cond = match self.rng.below(2) {
                        0 => "var.u".to_string(),
                        _ => format!("{} > 3", self.expr(Kind::Num, depth - 1)),
                    };
                    let t = self.template_parts(depth - 1);
                    let f = self.template_parts(depth - 1);
                    out.push_str(&format!("%{{ if {cond} }}{t}%{{ else }}{f}%{{ endif }}"));
                }
            }
        }
        out
    }

    fn expr(&mut self, kind: Kind, depth: u32) -> String {
        if depth == 0 || self.rng.below(8) == 0 {
            return self.leaf(kind);
        }
        let d = depth - 1;
        let kind = match kind {
            Kind::Any => self.any_kind(),
            k => k,
        };
        if self.rng.below(10) == 0 {
            let (t, f) = (self.expr(kind, d), self.expr(kind, d));
            return format!("var.u ? {t} : {f}");
        }
        match kind {
            Kind::Num => match self.rng.below(3) {
                0 => format!("length({})", self.expr(Kind::List, d)),
                1 => format!("length({})", self.expr(Kind::Str, d)),
                _ => format!("{} + {}", self.expr(Kind::Num, d), self.expr(Kind::Num, d)),
            },
            Kind::Str => match self.rng.below(10) {
                0..=2 => format!("\"{}\"", self.template_parts(depth)),
                3 => format!(
                    "join({}, {})",
                    self.expr(Kind::Str, d),
                    self.expr(Kind::List, d)
                ),
                4 => format!(
                    "replace({}, \"ab\", {})",
                    self.expr(Kind::Str, d),
                    self.expr(Kind::Str, d)
                ),
                5 => format!(
                    "format(\"%s%s\", {}, {})",
                    self.expr(Kind::Str, d),
                    self.expr(Kind::Num, d)
                ),
                6 => format!("format(\"%v\", {})", self.expr(Kind::Any, d)),
                7 => format!("upper({})", self.expr(Kind::Str, d)),
                8 => format!(
                    "lookup({}, \"a\", {})",
                    self.expr(Kind::Map, d),
                    self.expr(Kind::Str, d)
                ),
                _ => {
                    let x = self.expr(Kind::Str, d);
                    format!("\"${{{x}}}${{{x}}}\"")
                }
            },
            Kind::List => match self.rng.below(12) {
                0 => format!("range({})", self.expr(Kind::Num, d)),
                1 | 2 => self.for_expr(Kind::List, depth),
                3 => format!(
                    "concat({}, {})",
                    self.expr(Kind::List, d),
                    self.expr(Kind::List, d)
                ),
                4 => format!(
                    "flatten([{}, {}])",
                    self.expr(Kind::List, d),
                    self.expr(Kind::List, d)
                ),
                5 => format!(
                    "split(\"{}\", {})",
                    self.pick(&["", "a"]),
                    self.expr(Kind::Str, d)
                ),
                6 => format!(
                    "{}({})",
                    self.pick(&["distinct", "toset", "sort", "reverse"]),
                    self.expr(Kind::List, d)
                ),
                7 => format!(
                    "{}({})",
                    self.pick(&["keys", "values"]),
                    self.expr(Kind::Map, d)
                ),
                8 => format!(
                    "setproduct({}, {})",
                    self.expr(Kind::List, d),
                    self.expr(Kind::List, d)
                ),
                9 => format!("({})[*]", self.expr(Kind::Any, d)),
                10 => {
                    let k = self.any_kind();
                    format!(
                        "[{}, {}, {}]",
                        self.expr(k, d),
                        self.expr(k, d),
                        self.expr(k, d)
                    )
                }
                _ => {
                    let x = self.expr(Kind::List, d);
                    format!("[{x}, {x}]")
                }
            },
            Kind::Map | Kind::Any => match self.rng.below(3) {
                0 => self.for_expr(Kind::Map, depth),
                1 => format!(
                    "merge({}, {})",
                    self.expr(Kind::Map, d),
                    self.expr(Kind::Map, d)
                ),
                _ => format!(
                    "{{a = {}, b = {}}}",
                    self.expr(Kind::Any, d),
                    self.expr(Kind::Any, d)
                ),
            },
        }
    }

    /// A module of locals, each built from the ones before it (doubling chains among them),
    /// and the probe over all of them.
    pub fn case(&mut self) -> (String, String) {
        let n = 1 + self.rng.below(6);
        let mut module = String::from("variable \"u\" {}\nlocals {\n");
        for i in 0..n {
            let last = i
                .checked_sub(1)
                .and_then(|p| Some((p, *self.locals.get(p)?)));
            let (e, kind) = match (self.rng.below(4), last) {
                (0, Some((p, k @ (Kind::Str | Kind::Num)))) => {
                    let _ = k;
                    (format!("\"${{local.l{p}}}${{local.l{p}}}\""), Kind::Str)
                }
                (1, Some((p, _))) => (format!("[local.l{p}, local.l{p}]"), Kind::List),
                _ => {
                    let kind = self.any_kind();
                    let depth = 1 + self.rng.below(3) as u32;
                    (self.expr(kind, depth), kind)
                }
            };
            self.locals.push(kind);
            module.push_str(&format!("  l{i} = {e}\n"));
        }
        module.push_str("}\n");
        let depth = 1 + self.rng.below(4) as u32;
        let probe = self.expr(Kind::Any, depth);
        (module, probe)
    }
}
