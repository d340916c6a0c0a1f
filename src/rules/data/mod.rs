//! Data ownership: database per service, and events that carry the state their
//! consumers need (eda-notes, "Event-driven architecture" and "Domain events").

pub mod payload_missing_needed_field;
pub mod query_back;
pub mod shared_database;
