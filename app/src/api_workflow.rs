//! API client of a company's approval workflow (issue 10): the draft and active version, saving
//! the draft, activating it, and the simulator. Types come from `ap_core::api_workflow`; calls
//! go through the helpers of [`crate::api`]. Only the workflow editor calls these, so their code
//! lands in that screen's download.

use ap_core::api_approval::VersionedRequest;
use ap_core::api_workflow::{SimulateRequest, SimulationView, WorkflowDraftRequest, WorkflowsView};
use ap_core::workflow::Workflow;

use crate::api::{get, post, put, segment, ApiFailure};

fn path(company: &str, rest: &str) -> String {
    format!("/api/v1/companies/{}/workflow{rest}", segment(company))
}

/// `GET /api/v1/companies/{id}/workflow`: the draft, the active version and who can be named.
pub async fn workflows(company: String) -> Result<WorkflowsView, ApiFailure> {
    get(&path(&company, "")).await
}

/// `PUT /api/v1/companies/{id}/workflow/draft`: saves the draft (a 422 names every problem).
pub async fn save_draft(
    company: String,
    expected_version: u64,
    workflow: Workflow,
) -> Result<WorkflowsView, ApiFailure> {
    let body = WorkflowDraftRequest {
        expected_version,
        workflow,
    };
    put(&path(&company, "/draft"), &body).await
}

/// `POST /api/v1/companies/{id}/workflow/activate`: the draft becomes the next version.
pub async fn activate(company: String, expected_version: u64) -> Result<WorkflowsView, ApiFailure> {
    post(
        &path(&company, "/activate"),
        &VersionedRequest { expected_version },
    )
    .await
}

/// `POST /api/v1/companies/{id}/workflow/simulate`: the route an invoice would take.
pub async fn simulate(
    company: String,
    invoice: SimulateRequest,
) -> Result<SimulationView, ApiFailure> {
    post(&path(&company, "/simulate"), &invoice).await
}
