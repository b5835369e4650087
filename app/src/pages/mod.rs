//! One component per screen.

mod placeholders;
mod status;

pub use placeholders::{Administration, AutoPay, MyDetails, NotFound, ProcessOverview, Tasks};
pub use status::Status;
