//! Format frontends: each turns parsed files into the format-independent model.

pub mod cfn_params;
pub mod cloudformation;
mod numbers;
pub mod plan;
pub mod terraform;
pub mod yaml;
