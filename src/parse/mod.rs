//! Format frontends: each turns parsed files into resolved resources (`crate::resolved`).

pub mod cloudformation;
mod numbers;
pub mod plan;
pub mod syntax;
pub mod terraform;
