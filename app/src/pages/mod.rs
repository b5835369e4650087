//! One component per screen.

mod absences;
mod account;
mod admin;
mod autopay;
mod autopay_files;
mod company_autopay;
mod invoice;
mod my_details;
mod notifications;
mod payment;
mod placeholders;
mod process_overview;
mod signed;
mod signing;
mod status;
mod task;
mod task_actions;
mod tasks;
mod workflow;

pub use account::{ChoosePassword, Home, Setup, SignIn};
pub use admin::{
    AdminCompanies, AdminEvents, AdminKeys, AdminReadiness, AdminUsers, Administration,
};
pub use autopay::AutoPay;
pub use autopay_files::PaymentFile;
pub use company_autopay::CompanyAutoPay;
pub use my_details::MyDetails;
pub use payment::Payment;
pub use placeholders::NotFound;
pub use process_overview::{ProcessOverview, ProcessOverviewDetail};
pub use signed::SignedByMe;
pub use status::Status;
pub use task::Task;
pub use tasks::Tasks;
pub use workflow::CompanyWorkflow;
