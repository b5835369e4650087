//! The SPA's routing table: which screen a path names, and the id in it. The SPA routes every
//! path through one catch-all route and picks the screen here: a `<Route>` per screen costs
//! code per route in the first download (BENCHMARKS.md, "The SPA split per screen"), a `match`
//! on path segments costs next to nothing, and here it is tested on the host.

/// A screen of the SPA, named by the path of a URL (its query is the screen's own business).
/// The ids are the path's segments as they stand, not percent-decoded (as `leptos_router`'s
/// params).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Place {
    /// `/`: sends on to set-up, sign-in or the task list.
    Home,
    /// `/status`
    Status,
    /// `/setup`
    Setup,
    /// `/sign-in`
    SignIn,
    /// `/choose-password`
    ChoosePassword,
    /// `/tasks`
    Tasks,
    /// `/tasks/:id`
    Task { id: String },
    /// `/signed`
    SignedByMe,
    /// `/process-overview`
    ProcessOverview,
    /// `/process-overview/:id`
    ProcessOverviewDetail { id: String },
    /// `/autopay`
    AutoPay,
    /// `/autopay/payments/:id`
    Payment { id: String },
    /// `/autopay/files/:id`
    PaymentFile { id: String },
    /// `/admin` (no section: sends on to `/admin/companies`) and `/admin/<section>`.
    Administration(Option<AdminSection>),
    /// `/my-details`
    MyDetails,
    /// `/company/:id/autopay`
    CompanyAutoPay { id: String },
    /// `/company/:id/workflow`: the company's approval workflow (System Administrators).
    CompanyWorkflow { id: String },
    /// Any other path.
    NotFound,
}

/// A sub-section of the administration screen, `/admin/<section>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdminSection {
    Companies,
    Users,
    Keys,
    Readiness,
    Events,
}

impl Place {
    /// The screen `path` names. One trailing `/` is allowed (`/tasks/` is `/tasks`); segments
    /// must match exactly, and an id is never empty.
    pub fn at(path: &str) -> Place {
        let path = match path.strip_suffix('/') {
            Some(trimmed) if !trimmed.is_empty() => trimmed,
            _ => path,
        };
        let Some(path) = path.strip_prefix('/') else {
            return Place::NotFound;
        };
        let segments: Vec<&str> = path.split('/').collect();
        let id = |id: &str| (!id.is_empty()).then(|| id.to_owned());
        let place = match segments.as_slice() {
            [""] => Some(Place::Home),
            ["status"] => Some(Place::Status),
            ["setup"] => Some(Place::Setup),
            ["sign-in"] => Some(Place::SignIn),
            ["choose-password"] => Some(Place::ChoosePassword),
            ["tasks"] => Some(Place::Tasks),
            ["tasks", task] => id(task).map(|id| Place::Task { id }),
            ["signed"] => Some(Place::SignedByMe),
            ["process-overview"] => Some(Place::ProcessOverview),
            ["process-overview", process] => {
                id(process).map(|id| Place::ProcessOverviewDetail { id })
            }
            ["autopay"] => Some(Place::AutoPay),
            ["autopay", "payments", payment] => id(payment).map(|id| Place::Payment { id }),
            ["autopay", "files", file] => id(file).map(|id| Place::PaymentFile { id }),
            ["admin"] => Some(Place::Administration(None)),
            ["admin", section] => {
                AdminSection::named(section).map(|s| Place::Administration(Some(s)))
            }
            ["my-details"] => Some(Place::MyDetails),
            ["company", company, "autopay"] => id(company).map(|id| Place::CompanyAutoPay { id }),
            ["company", company, "workflow"] => id(company).map(|id| Place::CompanyWorkflow { id }),
            _ => None,
        };
        place.unwrap_or(Place::NotFound)
    }

    /// The id the path names (`/tasks/:id` and the like), if the screen has one.
    pub fn id(&self) -> Option<&str> {
        match self {
            Place::Task { id }
            | Place::ProcessOverviewDetail { id }
            | Place::Payment { id }
            | Place::PaymentFile { id }
            | Place::CompanyAutoPay { id }
            | Place::CompanyWorkflow { id } => Some(id),
            _ => None,
        }
    }

    /// Whether `other` is the same screen, perhaps for another id or admin section: moving
    /// between such places keeps the screen and changes what it shows.
    pub fn same_screen(&self, other: &Place) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

impl AdminSection {
    fn named(segment: &str) -> Option<AdminSection> {
        Some(match segment {
            "companies" => AdminSection::Companies,
            "users" => AdminSection::Users,
            "keys" => AdminSection::Keys,
            "readiness" => AdminSection::Readiness,
            "events" => AdminSection::Events,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> String {
        s.to_owned()
    }

    #[test]
    fn every_screen_has_its_path() {
        let cases = [
            ("/", Place::Home),
            ("/status", Place::Status),
            ("/setup", Place::Setup),
            ("/sign-in", Place::SignIn),
            ("/choose-password", Place::ChoosePassword),
            ("/tasks", Place::Tasks),
            ("/tasks/t-1", Place::Task { id: id("t-1") }),
            ("/signed", Place::SignedByMe),
            ("/process-overview", Place::ProcessOverview),
            (
                "/process-overview/p1",
                Place::ProcessOverviewDetail { id: id("p1") },
            ),
            ("/autopay", Place::AutoPay),
            ("/autopay/payments/pm1", Place::Payment { id: id("pm1") }),
            ("/autopay/files/f1", Place::PaymentFile { id: id("f1") }),
            ("/admin", Place::Administration(None)),
            (
                "/admin/companies",
                Place::Administration(Some(AdminSection::Companies)),
            ),
            (
                "/admin/users",
                Place::Administration(Some(AdminSection::Users)),
            ),
            (
                "/admin/keys",
                Place::Administration(Some(AdminSection::Keys)),
            ),
            (
                "/admin/readiness",
                Place::Administration(Some(AdminSection::Readiness)),
            ),
            (
                "/admin/events",
                Place::Administration(Some(AdminSection::Events)),
            ),
            ("/my-details", Place::MyDetails),
            (
                "/company/c1/autopay",
                Place::CompanyAutoPay { id: id("c1") },
            ),
            (
                "/company/c1/workflow",
                Place::CompanyWorkflow { id: id("c1") },
            ),
        ];
        for (path, place) in cases {
            assert_eq!(Place::at(path), place, "{path}");
        }
    }

    #[test]
    fn one_trailing_slash_names_the_same_screen() {
        assert_eq!(Place::at("/tasks/"), Place::Tasks);
        assert_eq!(Place::at("/tasks/t-1/"), Place::Task { id: id("t-1") });
        assert_eq!(Place::at("/admin/"), Place::Administration(None));
        assert_eq!(Place::at("/tasks//"), Place::NotFound);
    }

    #[test]
    fn an_unknown_or_incomplete_path_is_not_found() {
        for path in [
            "",
            "tasks",
            "//tasks",
            "/task",
            "/tasks/t-1/more",
            "/tasks//t-1",
            "/Tasks",
            "/autopay/payments",
            "/autopay/payments/",
            "/autopay/other/x",
            "/admin/unknown",
            "/admin/users/u1",
            "/company/c1",
            "/company//autopay",
            "/company//workflow",
            "/company/c1/workflows",
        ] {
            assert_eq!(Place::at(path), Place::NotFound, "{path:?}");
        }
    }

    #[test]
    fn an_id_is_taken_as_it_stands() {
        assert_eq!(Place::at("/tasks/a%20b").id(), Some("a%20b"));
        assert_eq!(Place::at("/tasks").id(), None);
    }

    #[test]
    fn another_id_or_section_is_the_same_screen() {
        let task = Place::at("/tasks/1");
        assert!(task.same_screen(&Place::at("/tasks/2")));
        assert!(!task.same_screen(&Place::at("/tasks")));
        assert!(!task.same_screen(&Place::at("/autopay/payments/1")));
        assert!(Place::at("/admin/users").same_screen(&Place::at("/admin/keys")));
        let workflow = Place::at("/company/c1/workflow");
        assert_eq!(workflow.id(), Some("c1"));
        assert!(!workflow.same_screen(&Place::at("/company/c1/autopay")));
    }
}
