//! `cargo run -p ap-openapi`: writes the integration API's OpenAPI document where the Worker
//! serves it from (`functions/src/openapi.json`).
use std::path::Path;

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = root.join(ap_openapi::SERVED_PATH);
    std::fs::write(&path, ap_openapi::document_text())?;
    println!("wrote {}", path.display());
    Ok(())
}
