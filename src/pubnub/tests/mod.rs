//! Unit tests of the client's private parts.
