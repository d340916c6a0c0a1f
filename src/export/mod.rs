//! Exports of the model to other tools' formats: AsyncAPI 3.0 documents, one per service.

pub mod asyncapi;
pub mod ids;
mod schema;

pub use asyncapi::{Catalog, Document, ExportError, Options};
