//! `/autopay/files/:id`: one uploaded payment file: its outcome per payment, and "Sign upload"
//! while it waits in Pending signing.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api_autopay;
use crate::pages::autopay::{AutoPayOnly, UploadOutcome};
use crate::routes::use_path_id;
use crate::widgets::{Loaded, SignedInScreen};
use crate::{tr, tr_string};

/// One payment file.
#[component]
pub fn PaymentFile() -> impl IntoView {
    view! {
        <SignedInScreen title=crate::tr_prop!(autopay.screen_file_title)>
            <AutoPayOnly><PaymentFileScreen /></AutoPayOnly>
        </SignedInScreen>
    }
}

#[component]
fn PaymentFileScreen() -> impl IntoView {
    let id = use_path_id();
    let loaded = LocalResource::new(move || api_autopay::file(id.get()));
    view! {
        <p class="back"><A href="/autopay">{tr!(autopay.back)}</A></p>
        <Loaded from=loaded loading=tr_string!(autopay.loading_file) let:r>
            <section class="card" aria-labelledby="file-title">
                <h2 id="file-title">{tr!(autopay.file_link, file = r.msg_id.clone())}</h2>
                <p class="muted mono">{format!("SHA-256 {}", r.content_sha256)}</p>
                <UploadOutcome result=r sign_here=true on_signed=Callback::new(|_| ()) />
            </section>
        </Loaded>
    }
}
