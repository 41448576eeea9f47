//! A QR code as an SVG path (one square per dark module), drawn by the
//! browser at any print size; no image is made.

use leptos::prelude::*;
use qrcode::{Color, EcLevel, QrCode};

/// The path of the dark modules of `text`'s QR code, and its width in
/// modules (quiet zone of 2 included); `None` when `text` is too long.
pub(super) fn qr_path(text: &str) -> Option<(String, usize)> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let mut d = String::new();
    for (i, c) in code.to_colors().into_iter().enumerate() {
        if c == Color::Dark {
            let (x, y) = (i % width + 2, i / width + 2);
            d.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some((d, width + 4))
}

/// The QR code of `text`, labelled for screen readers.
#[component]
pub(super) fn Qr(
    /// What the code holds (a page address).
    text: String,
    /// Its accessible name.
    label: String,
) -> impl IntoView {
    let Some((d, size)) = qr_path(&text) else {
        return view! { <span>{text}</span> }.into_any();
    };
    view! {
        <svg class="cx-qr" viewBox=format!("0 0 {size} {size}") role="img" aria-label=label shape-rendering="crispEdges">
            <rect width=size height=size fill="#fff"></rect>
            <path d=d fill="#000"></path>
        </svg>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::qr_path;

    #[test]
    fn an_address_makes_a_square_code_with_a_quiet_zone() {
        let (d, size) = qr_path("https://tx.example/item.html?poll=7").unwrap();
        // Version 3 (29 modules) for this length at level M, plus 2 × 2 of quiet zone.
        assert!(size >= 25 + 4, "{size}");
        assert!(
            d.starts_with("M2 2h1v1h-1z"),
            "the finder pattern's corner is dark"
        );
        assert!(qr_path(&"x".repeat(5000)).is_none());
    }
}
