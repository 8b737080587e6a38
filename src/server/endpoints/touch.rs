//! What a request touches, for Access Manager: each resource (a channel, a channel group, a
//! uuid object) with the permission the endpoint needs on it. Every endpoint declares its
//! permission next to its handler (`NEEDS` constants); the HTTP layer lists a request's
//! touches from its path and query and has the token checked against them.
//! Pure data: it must not decide whether a request may go on.

pub use crate::pubnub::token::{Permissions, Resource};

/// One resource a request touches and the permission it needs there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch {
    pub resource: Resource,
    pub name: String,
    pub needs: Permissions,
}

impl Touch {
    pub fn channel(name: impl Into<String>, needs: Permissions) -> Self {
        Touch {
            resource: Resource::Channel,
            name: name.into(),
            needs,
        }
    }

    pub fn group(name: impl Into<String>, needs: Permissions) -> Self {
        Touch {
            resource: Resource::Group,
            name: name.into(),
            needs,
        }
    }

    /// A uuid (user) object of App Context: its endpoints need get, update or delete on it.
    pub fn uuid(name: impl Into<String>, needs: Permissions) -> Self {
        Touch {
            resource: Resource::Uuid,
            name: name.into(),
            needs,
        }
    }
}
