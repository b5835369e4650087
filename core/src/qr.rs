//! QR codes as SVG documents, for the two-step enrolment screen.

use qrcodegen::{QrCode, QrCodeEcc};

/// Modules of quiet zone around the code (the QR specification asks for four).
const BORDER: i32 = 4;

/// Why a text could not become a QR code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The text is too long for a QR code.")]
pub struct QrTooLong;

/// Renders `text` as a QR code (error correction level M) in a standalone SVG document: one
/// path of dark modules on a white background, scaled by the viewer.
pub fn qr_svg(text: &str) -> Result<String, QrTooLong> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).map_err(|_| QrTooLong)?;
    let size = code.size();
    let dim = size + BORDER * 2;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if code.get_module(x, y) {
                if !path.is_empty() {
                    path.push(' ');
                }
                path.push_str(&format!("M{},{}h1v1h-1z", x + BORDER, y + BORDER));
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 {dim} {dim}\" \
         shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>\
         <path d=\"{path}\" fill=\"#000000\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_otpauth_uri_becomes_an_svg_document_with_dark_modules() {
        let svg = qr_svg("otpauth://totp/Approve%20%26%20Pay:a@example.com?secret=ABC").unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("<path d=\"M"));
        assert!(
            !svg.contains("otpauth"),
            "the secret must not appear as text"
        );
    }

    #[test]
    fn the_view_box_includes_the_quiet_zone() {
        // "A" fits version 1: 21 modules plus 4 on each side.
        assert!(qr_svg("A").unwrap().contains("viewBox=\"0 0 29 29\""));
    }

    #[test]
    fn text_beyond_qr_capacity_is_refused() {
        assert_eq!(qr_svg(&"x".repeat(5000)), Err(QrTooLong));
    }
}
