//! Findings and the report of one analysis, and one renderer per output format.

mod finding;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

pub use finding::{Finding, Related, Severity, Summary};
