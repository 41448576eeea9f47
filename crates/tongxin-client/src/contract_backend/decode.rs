//! Reading an answer into a contract type, and naming the field when it
//! does not fit.
//!
//! Answers arrive as `serde_json::Value` (what a mapping or an adapter
//! produces). They are written out one field per line and read back with
//! serde's string reader, which every type has anyway: much smaller in wasm
//! than a `Value` reader (or a path-tracking one) per type, and serde's line
//! number then points at the field.

use serde::de::DeserializeOwned;
use serde_json::Value;
use tongxin_core::mapping::Op;

use crate::{ClientError, ClientResult};

/// The answer written out one field per line.
pub fn text_of(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// The answer as `R`; a misfit names the operation and the field
/// (`getPoll: "title": null — invalid type: null, expected a string`).
pub fn decode<R: DeserializeOwned>(op: Op, text: &str) -> ClientResult<R> {
    serde_json::from_str(text).map_err(|e| misfit(op, text, &e))
}

/// `decode`, with `fallback` when there was nothing to read.
pub fn decode_or<R: DeserializeOwned>(
    op: Op,
    text: Option<String>,
    fallback: R,
) -> ClientResult<R> {
    match text {
        Some(t) => decode(op, &t),
        None => Ok(fallback),
    }
}

fn misfit(op: Op, text: &str, e: &serde_json::Error) -> ClientError {
    let field = text
        .lines()
        .nth(e.line().saturating_sub(1))
        .map(str::trim)
        // A flattened view reports at its closing brace: no field to name.
        .filter(|l| !l.is_empty() && !l.starts_with(['}', ']']))
        .unwrap_or("the answer");
    let why = e.to_string();
    let why = why.split(" at line ").next().unwrap_or(&why);
    ClientError::misconfigured(format!("{}: {field} — {why}", op.name()))
}
