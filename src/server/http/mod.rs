//! The HTTP layer, where a request comes in: the router ([`router`]) and PubNub's paths
//! ([`routes`], each saying what it touches), reading and inflating bodies ([`body`]), checking
//! signatures ([`auth`]) and Access Manager tokens ([`access`]), and the service's headers and
//! error bodies, one shape per endpoint family ([`errors`]). It calls the endpoints and turns
//! what they return into answers.
//!
//! The top layer: nothing of the server imports it but the server's entry point
//! ([`super::start`]). It must not parse an endpoint's parameters, touch storage beyond the
//! store's clock, or render a successful answer itself.

mod access;
mod auth;
mod body;
mod errors;
mod router;
mod routes;

pub use access::AccessGate;
pub use auth::Verifier;
pub use router::{ServerState, service};
