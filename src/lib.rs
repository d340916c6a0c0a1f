//! edasmith: a design toolkit for event-driven microservice architectures.
//!
//! Data flows one way: [`spec`] loads YAML with a span on every node, [`model`] merges
//! and resolves it, [`derive`] finds aggregates and domain events, [`rules`] and
//! [`saga`] check it, and [`report`] renders the result.

pub mod analysis;
pub mod codegen;
pub mod derive;
pub mod diagram;
pub mod export;
pub mod load;
pub mod model;
pub mod names;
pub mod outputs;
pub mod report;
pub mod rules;
pub mod saga;
pub mod source;
pub mod spec;
pub mod write;
