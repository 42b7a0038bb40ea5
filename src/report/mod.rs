//! Rendering a [`CheckResult`](crate::engine::CheckResult). Only `human` knows miette.

pub mod checkstyle;
pub mod compact;
pub mod diff;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
mod nested_json;
pub mod sarif;

/// What a report is asked besides the result.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportOptions {
    /// `--show-suppressed`: also list the findings silenced by suppressions, marked as such
    /// and never counted as failures (SARIF carries them always).
    pub show_suppressed: bool,
}
