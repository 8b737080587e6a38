//! Where a kind of request stands, said as one value instead of flags that could contradict
//! each other: nothing in flight, one in flight, or the last one failed and why.

/// The state of one kind of load (the newest page, older pages, Actions pages).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Load {
    /// Nothing in flight; the last attempt, if any, succeeded.
    #[default]
    Idle,
    /// A request is in flight.
    Loading,
    /// The last attempt failed, for this reason; a reload or reconnect tries again.
    Failed(String),
}

impl Load {
    pub fn is_loading(&self) -> bool {
        matches!(self, Load::Loading)
    }

    pub fn is_failed(&self) -> bool {
        matches!(self, Load::Failed(_))
    }
}
