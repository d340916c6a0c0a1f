//! Findings and the report of one analysis, and one renderer per output format.

mod finding;
pub mod human;
pub mod json;

pub use finding::{Finding, Related, Severity, Summary};
