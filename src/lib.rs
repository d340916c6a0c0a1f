//! edasmith: a design toolkit for event-driven microservice architectures.
//!
//! Data flows one way, and no module imports one above it: [`source`] (the spec files
//! and byte spans) -> [`diagnostic`] (findings, rule metadata) -> [`spec`] (YAML with a
//! span on every node) -> [`model`] (merged and resolved) -> [`derive`], [`saga`],
//! [`load`] -> [`rules`] -> [`analysis`] -> the renderers ([`report`], [`diagram`],
//! [`export`], [`codegen`]) -> the command line.

pub mod analysis;
pub mod codegen;
pub mod derive;
pub mod diagnostic;
pub mod diagram;
pub mod export;
pub mod load;
pub mod model;
pub mod names;
pub mod outputs;
pub mod parallel;
pub mod report;
pub mod rules;
pub mod saga;
pub mod source;
pub mod spec;
pub mod write;
