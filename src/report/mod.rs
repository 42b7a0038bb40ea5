//! Rendering a [`CheckResult`](crate::engine::CheckResult). Only `human` knows miette.

pub mod checkstyle;
pub mod compact;
pub mod diff;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
