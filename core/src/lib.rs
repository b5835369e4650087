//! The rules of Approve & Pay.
//!
//! Architecture Invariant: this crate knows nothing of Workers, KV, Durable Objects or the
//! browser. It performs no I/O, reads no clock and draws no random numbers: time and random
//! bytes are passed in. Everything here is tested with `cargo test -p ap-core` on the host.

pub mod account;
pub mod api;
pub mod api_approval;
pub mod api_autopay;
pub mod api_workflow;
pub mod approval;
pub mod autopay;
pub mod bank_report;
pub mod bundle;
pub mod dates;
pub mod document;
pub mod format;
pub mod guard;
pub mod iban;
pub mod ids;
pub mod integration;
pub mod iso20022;
pub mod listing;
pub mod messages;
pub mod money;
pub mod notify;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod org;
#[cfg(feature = "passkey")]
pub mod passkey;
pub mod password;
pub mod payment_ref;
pub mod places;
pub mod process;
pub mod process_route;
pub mod qr;
pub mod readiness;
pub mod recovery;
pub mod roles;
pub mod screens;
pub mod seal;
pub mod session;
pub mod settlement;
pub mod signings;
pub mod task_list;
pub mod task_standing;
pub mod throttle;
pub mod token;
pub mod totp;
pub mod warnings;
pub mod workflow;
