//! Who is signed in: the answer of `GET /api/v1/session`, loaded once at the App root and
//! provided as context so every screen knows the user.
//!
//! It is a signal rather than a resource because the answers of sign-in, setup and two-step
//! activation carry the new state themselves: setting it at once means no screen ever acts on
//! a stale "still signed in" (or "must change password") while a reload is on its way.

use ap_core::api::{Me, SessionState};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiFailure};

/// The session; `Copy`, so screens can capture it freely.
#[derive(Clone, Copy)]
pub struct Session {
    state: RwSignal<Option<Result<SessionState, ApiFailure>>>,
}

impl Session {
    /// `None` while the first answer is on its way.
    pub fn state(&self) -> Option<Result<SessionState, ApiFailure>> {
        self.state.get()
    }

    /// The signed-in user, if any.
    pub fn me(&self) -> Option<Me> {
        self.state.with(|s| {
            s.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|s| s.user.clone())
        })
    }

    /// Takes the state a sign-in or setup answered with.
    pub fn set(&self, state: SessionState) {
        self.state.set(Some(Ok(state)));
    }

    /// Takes the user's details a My details call answered with.
    pub fn set_me(&self, me: Me) {
        self.state.update(|s| {
            if let Some(Ok(state)) = s {
                state.user = Some(me);
            }
        });
    }

    /// The notice of a sign-in with a recovery code has served its purpose (new codes).
    pub fn forget_recovery_code_used(&self) {
        self.state.update(|s| {
            if let Some(Ok(state)) = s {
                state.recovery_code_used = false;
            }
        });
    }

    /// Signed out: nobody is signed in, and the organisation is set up.
    pub fn signed_out(&self) {
        self.set(SessionState {
            first_run: false,
            user: None,
            recovery_code_used: false,
        });
    }

    /// Asks the server again and waits for the answer.
    pub async fn refresh(&self) {
        let answer = api::session().await;
        self.state.set(Some(answer));
    }
}

/// Loads the session and provides it to everything below.
pub fn provide_session() -> Session {
    let session = Session {
        state: RwSignal::new(None),
    };
    spawn_local(async move { session.refresh().await });
    provide_context(session);
    session
}

/// The session provided by [`provide_session`] at the App root.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Only same-site paths are followed after sign-in, so `?next=` cannot send a user elsewhere.
pub fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\"))
        .unwrap_or_else(|| "/tasks".to_string())
}
