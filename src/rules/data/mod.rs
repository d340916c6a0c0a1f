//! Data ownership: database per service, and events that carry the state their
//! consumers need (docs/method.md#database-per-service).

pub mod payload_missing_needed_field;
pub mod query_back;
pub mod shared_database;
