//! Load at a spike (the source document's failure case): rules over [`crate::load`].

pub mod capacity_exceeded;
pub mod capacity_undeclared;
pub mod spike_not_isolated;
