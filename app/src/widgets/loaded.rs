//! The one way a screen shows something it loads: a loading note while it is on its way, the
//! failure as an `ErrorNote`, otherwise what the screen makes of the value.

use ap_core::api::SessionState;
use leptos::prelude::*;

use super::ErrorNote;
use crate::api::ApiFailure;
use crate::paged::Paged;
use crate::session::Session;

/// Something that loads: `None` while it does, then the value or the sentence saying why not.
pub trait Loading: Copy + Send + Sync + 'static {
    type Value;
    fn state(&self) -> Option<Result<Self::Value, String>>;
}

impl<T: Clone + 'static> Loading for LocalResource<Result<T, ApiFailure>> {
    type Value = T;
    fn state(&self) -> Option<Result<T, String>> {
        self.get().map(|r| r.map_err(|e| e.message))
    }
}

/// A value that an action may replace after it was loaded (e.g. the answer of an action).
impl<T: Clone + Send + Sync + 'static> Loading for Signal<Option<Result<T, ApiFailure>>> {
    type Value = T;
    fn state(&self) -> Option<Result<T, String>> {
        self.get().map(|r| r.map_err(|e| e.message))
    }
}

/// The first page of a paged list (`LoadMore` handles the next ones).
impl<T: Clone + Send + Sync + 'static> Loading for Paged<T> {
    type Value = Vec<T>;
    fn state(&self) -> Option<Result<Vec<T>, String>> {
        self.items.get()
    }
}

impl Loading for Session {
    type Value = SessionState;
    fn state(&self) -> Option<Result<SessionState, String>> {
        Session::state(self).map(|r| r.map_err(|e| e.message))
    }
}

/// What `from` loads: `loading` (a muted note) while it is on its way, the failure announced,
/// otherwise `children` given the value.
#[component]
pub fn Loaded<S, F, V>(
    /// A resource, signal, paged list or the session.
    from: S,
    /// The note while loading, e.g. "Loading payments…" (a text, or a translated text that
    /// follows the language).
    #[prop(into)]
    loading: TextProp,
    /// Announce the loading note to screen readers (for a whole screen's content).
    #[prop(optional)]
    live: bool,
    /// The view of the loaded value.
    children: F,
) -> impl IntoView
where
    S: Loading,
    F: Fn(S::Value) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let loading = StoredValue::new(loading);
    move || match from.state() {
        None => {
            let note = move || loading.with_value(|l| l.get());
            view! { <p class="muted" aria-live=live.then_some("polite")>{note}</p> }.into_any()
        }
        Some(Err(message)) => view! { <ErrorNote message=message /> }.into_any(),
        Some(Ok(value)) => children(value).into_any(),
    }
}
