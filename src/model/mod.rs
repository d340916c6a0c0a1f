//! The resolved model: every spec file merged, ids checked, references resolved.
//!
//! Built once from the raw spec; every analysis and renderer reads it and never
//! goes back to the YAML.

mod build;
mod types;

pub use build::build;
pub use types::*;
