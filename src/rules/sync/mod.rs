//! Synchronous-call rules: a blocking call makes the caller's availability depend on
//! the callee's (docs/method.md#synchronous-calls-and-availability).

mod graph;
pub mod sync_chain_availability;
pub mod sync_cycle;
