//! Synchronous-call rules: a blocking call makes the caller's availability depend on
//! the callee's (eda-notes, "Better availability through asynchronous messaging").

mod graph;
pub mod sync_chain_availability;
pub mod sync_cycle;
