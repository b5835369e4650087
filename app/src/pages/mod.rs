//! One component per screen.

mod account;
mod admin;
mod my_details;
mod placeholders;
mod status;

pub use account::{ChoosePassword, Home, Setup, SignIn};
pub use admin::{
    AdminCompanies, AdminEvents, AdminKeys, AdminReadiness, AdminUsers, Administration,
};
pub use my_details::MyDetails;
pub use placeholders::{AutoPay, NotFound, ProcessOverview, Tasks};
pub use status::Status;
