//! Mounts the app; everything else is in `lib.rs`.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(ap_app::App);
}
