//! The report of one analysis: one renderer per output format.

pub mod github;
pub mod human;
pub mod json;
pub mod paths;
pub mod sarif;
