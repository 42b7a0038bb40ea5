//! Rendering a [`CheckResult`](crate::engine::CheckResult). Only `human` knows miette.

pub mod human;
pub mod json;
