//! Generates the `i18n` module from the translation files in `locales/` (leptos_i18n): one
//! typed key per text, checked at compile time; a key missing in one language is reported here
//! and fails `tests/api/translations.test.mjs`.

use std::error::Error;
use std::path::PathBuf;

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

/// One namespace per screen area; each is a file `locales/<lang>/<namespace>.json`.
const NAMESPACES: [&str; 13] = [
    "layout",
    "widgets",
    "tasks",
    "signing",
    "task",
    "signed",
    "autopay",
    "account",
    "overview",
    "readiness",
    "admin",
    "misc",
    "workflow",
];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    // `interpolate_display`: `tr_string!` may put values into a text, not only `tr!`.
    let cfg = Config::new("en")?
        .add_locale("nb")?
        .add_namespaces(NAMESPACES)?
        .parse_options(ParseOptions::default().interpolate_display(true));
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out)?;
    Ok(())
}
