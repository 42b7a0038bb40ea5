//! Syntaxes shared by frontends, read into trees that keep the byte span of every node.

pub mod json;
pub mod yaml;
