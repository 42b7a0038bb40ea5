//! The evaluation budget: one counter per root module and its local modules, so that no
//! expression, however small its text, makes the evaluator run for long or allocate much.
//!
//! What is charged, in units (one unit ≈ one evaluation step ≈ one value node ≈ 64 bytes):
//!
//! - every expression evaluated, and every iteration of a `for` expression or of a template
//!   `%{ for }` directive (one unit each);
//! - every value the evaluator makes, by its [`Val::weight`] (one unit per node, plus one per
//!   64 bytes of string): a copy out of a local, variable, output or bound name, a string
//!   literal, the string a template renders, every function's result;
//! - every origin copied or merged (the `via` of a value);
//! - every instance of a resource, module or `dynamic` block expanded ([`INSTANCE_COST`]).
//!
//! Where a result can be far larger than what it is made from (`join`, `replace`, `range`,
//! `split`, a template's concatenation), its size is computed and checked *before* it is
//! allocated ([`Budget::fits`]), so `join(local.big, range(10000))` never asks for gigabytes; a
//! single value is never larger than [`MAX_VALUE_WEIGHT`] (else it is unknown, and "cut").
//!
//! Everything else the evaluator does is at most a constant factor over what was charged (the
//! combinations of [`super::value::lift`] copy each argument at most
//! [`super::value::MAX_ALTERNATIVES`] times; a value is scanned once per nesting level of the
//! expression that built it).
//!
//! Past the limit every evaluation is `Unknown` (never an error, never a hang), and the budget
//! remembers it was exhausted (or that a value was cut): the root module is then treated as
//! incomplete, with a warning that says where (see `modules.rs`), since findings may hide
//! behind those unknown values.

use std::cell::Cell;

use super::value::{Val, MAX_VALUE_WEIGHT};

/// Units allowed per root module, its local modules included (a module called 1,000 times
/// shares it). Real modules spend a tiny fraction of it: at most about 11,000 in the shared
/// corpus (`terraform-aws-ec2-instance/examples/complete`), 1,700 in `fixtures/`. Measured on
/// pathological modules, a unit costs 50 to 170 ns in a release build and at most about 220
/// bytes allocated (the property test in `budget_tests.rs`): spending it all takes a fraction
/// of a second.
pub(crate) const LIMIT: u64 = 2_000_000;

/// Units an instance of a resource, module or `dynamic` block costs when it is expanded: the
/// model objects it becomes (fields with their spans and origins: a few kilobytes).
pub(crate) const INSTANCE_COST: usize = 64;

/// Bytes of string that cost one unit (as in [`Val::weight`]).
pub(crate) const BYTES_PER_UNIT: usize = 64;

/// The budget of one module tree (shared through `Rc` by the scopes of its modules).
#[derive(Debug)]
pub(crate) struct Budget {
    limit: u64,
    spent: Cell<u64>,
    /// A value was left unknown for its size alone (larger than one value may be).
    cut: Cell<bool>,
    /// Evaluations and template renders done, charged or not: the tests check that it stays
    /// proportional to the limit, independently of what was charged.
    #[cfg(test)]
    steps: Cell<u64>,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new(LIMIT)
    }
}

impl Budget {
    pub fn new(limit: u64) -> Budget {
        Budget {
            limit,
            spent: Cell::new(0),
            cut: Cell::new(false),
            #[cfg(test)]
            steps: Cell::new(0),
        }
    }

    /// Charges `units`: false once the budget is spent (and from then on, for every charge).
    pub fn charge(&self, units: usize) -> bool {
        let spent = self.spent.get().saturating_add(units as u64);
        self.spent.set(spent);
        spent <= self.limit
    }

    /// Whether a value of `weight`, about to be made, may be: not larger than one value may
    /// be ([`MAX_VALUE_WEIGHT`]; else noted as cut) nor than what is left (else the budget is
    /// spent). Nothing is charged: the evaluator charges the value once made.
    pub fn fits(&self, weight: usize) -> bool {
        if weight > MAX_VALUE_WEIGHT {
            self.note_cut();
            return false;
        }
        if self.spent.get().saturating_add(weight as u64) > self.limit {
            self.spent.set(self.limit.saturating_add(1));
            return false;
        }
        true
    }

    /// Charges a string of `len` bytes about to be made.
    pub fn charge_str(&self, len: usize) -> bool {
        self.charge(1 + len / BYTES_PER_UNIT)
    }

    /// Charges a copy of `v` about to be made (or just made), by its weight. Counting stops
    /// at what is left, so the cost of counting is bounded by the budget too.
    pub fn charge_copy(&self, v: &Val) -> bool {
        let left = self.limit.saturating_sub(self.spent.get());
        let left = usize::try_from(left).unwrap_or(usize::MAX);
        self.charge(v.weight(left))
    }

    /// Counts an evaluation or a template render (see `steps`; nothing outside tests).
    #[inline]
    pub fn count_step(&self) {
        #[cfg(test)]
        self.steps.set(self.steps.get() + 1);
    }

    #[cfg(test)]
    pub fn steps(&self) -> u64 {
        self.steps.get()
    }

    /// Whether a charge was refused: some values were left unknown for lack of budget.
    pub fn exhausted(&self) -> bool {
        self.spent.get() > self.limit
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Records that a value was left unknown because it alone was too large (a string over
    /// the template limit, a value over [`super::value::MAX_VALUE_WEIGHT`]).
    pub fn note_cut(&self) {
        self.cut.set(true);
    }

    /// Whether a value was left unknown for its size alone.
    pub fn cut(&self) -> bool {
        self.cut.get()
    }
}
