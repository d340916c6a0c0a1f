//! Exports of the model to other tools' formats: AsyncAPI 3.0 documents, one per service.

pub mod asyncapi;
pub mod ids;
mod schema;
pub mod write;

pub use asyncapi::{Document, ExportError, Options, documents};
pub use write::{WriteError, write_files};
