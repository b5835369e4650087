//! The rules of Approve & Pay.
//!
//! Architecture Invariant: this crate knows nothing of Workers, KV, Durable Objects or the
//! browser. It performs no I/O, reads no clock and draws no random numbers: time and random
//! bytes are passed in. Everything here is tested with `cargo test -p ap-core` on the host.

pub mod api;
pub mod ids;
pub mod roles;
