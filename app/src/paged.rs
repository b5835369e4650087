//! Lists that load a page at a time: the first page on opening, the next with "Load more",
//! never a list that silently stops. One place for what every paged screen needs: the items so
//! far, the cursor of the next page, a refresh that drops answers it made stale (`Paged`), and
//! how a screen shows them (`PagedList`).

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use ap_core::api::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiFailure;
use crate::widgets::{ErrorNote, Loaded};

type Fetch<T> =
    Rc<dyn Fn(Option<String>) -> Pin<Box<dyn Future<Output = Result<Page<T>, ApiFailure>>>>>;

/// A paged list. `items` is `None` while the first page loads.
pub struct Paged<T: Send + Sync + 'static> {
    pub items: RwSignal<Option<Result<Vec<T>, String>>>,
    next: RwSignal<Option<String>>,
    loading_more: RwSignal<bool>,
    more_error: RwSignal<Option<String>>,
    generation: StoredValue<u32>,
    fetch: StoredValue<Fetch<T>, LocalStorage>,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: Send + Sync + 'static> Paged<T> {
    /// A list whose pages `fetch` answers (given the cursor; `None` for the first page). The
    /// first page is asked for at once.
    pub fn new<F, Fut>(fetch: F) -> Self
    where
        F: Fn(Option<String>) -> Fut + 'static,
        Fut: Future<Output = Result<Page<T>, ApiFailure>> + 'static,
    {
        let fetch: Fetch<T> = Rc::new(move |cursor| Box::pin(fetch(cursor)));
        let paged = Self {
            items: RwSignal::new(None),
            next: RwSignal::new(None),
            loading_more: RwSignal::new(false),
            more_error: RwSignal::new(None),
            generation: StoredValue::new(0),
            fetch: StoredValue::new_local(fetch),
        };
        paged.reload();
        paged
    }

    /// Loads the first page again (after a change or a new filter); answers to earlier loads
    /// that arrive later are dropped.
    pub fn reload(self) {
        self.load(false);
    }

    fn load(self, more: bool) {
        let cursor = if more {
            self.next.get_untracked()
        } else {
            None
        };
        let this = self.generation.get_value() + u32::from(!more);
        self.generation.set_value(this);
        self.more_error.set(None);
        if more {
            self.loading_more.set(true);
        } else {
            self.loading_more.set(false);
            self.next.set(None);
        }
        let future = (self.fetch.get_value())(cursor);
        spawn_local(async move {
            let result = future.await;
            if self.generation.get_value() != this {
                return; // reloaded meanwhile: this answer is stale
            }
            self.loading_more.set(false);
            match result {
                Ok(page) => {
                    self.next.set(page.next_cursor);
                    if more {
                        self.items.update(|s| {
                            if let Some(Ok(list)) = s {
                                list.extend(page.items);
                            }
                        });
                    } else {
                        self.items.set(Some(Ok(page.items)));
                    }
                }
                Err(e) if more => self.more_error.set(Some(e.message)),
                Err(e) => self.items.set(Some(Err(e.message))),
            }
        });
    }

    /// Changes one loaded item in place (after an action answered its new state).
    pub fn update_where(self, matches: impl Fn(&T) -> bool, new: T) {
        self.items.update(|s| {
            if let Some(Ok(list)) = s {
                if let Some(slot) = list.iter_mut().find(|item| matches(item)) {
                    *slot = new;
                }
            }
        });
    }
}

/// A paged list on screen: a note while the first page loads (or why it failed), then
/// `children` given the items so far (or the `empty` note when there are none), and "Load more"
/// while there is more.
#[component]
pub fn PagedList<T, F, V>(
    paged: Paged<T>,
    /// The note while the first page loads, e.g. "Loading keys…".
    loading: &'static str,
    /// The note for an empty list; without one, `children` shows the empty list.
    #[prop(optional)]
    empty: Option<&'static str>,
    /// `data-testid` of the "Load more" button.
    more_testid: &'static str,
    /// The view of the items so far.
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(Vec<T>) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Loaded from=paged loading=loading let:items>
            {match empty {
                Some(note) if items.is_empty() => view! { <p class="muted">{note}</p> }.into_any(),
                _ => children(items).into_any(),
            }}
        </Loaded>
        <LoadMore paged=paged testid=more_testid />
    }
}

/// "Load more" under a paged list while there is more, with the failure of the last try.
#[component]
fn LoadMore<T: Send + Sync + 'static>(
    paged: Paged<T>,
    /// `data-testid` of the button.
    testid: &'static str,
) -> impl IntoView {
    view! {
        {move || paged.more_error.get().map(|m| view! { <ErrorNote message=m /> })}
        {move || paged.next.get().map(|_| view! {
            <div class="actions">
                <button type="button" class="secondary" data-testid=testid
                    disabled=move || paged.loading_more.get()
                    on:click=move |_| paged.load(true)>{crate::tr!(misc.load_more)}</button>
            </div>
        })}
    }
}
