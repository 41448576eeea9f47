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
pub(super) fn text_of(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// The answer as `R`; a misfit names the operation and the field
/// (`getPoll: "title": null — invalid type: null, expected a string`).
pub(super) fn decode<R: DeserializeOwned>(op: Op, text: &str) -> ClientResult<R> {
    serde_json::from_str(text).map_err(|e| misfit(op, text, &e))
}

/// `decode`, with `fallback` when there was nothing to read.
pub(super) fn decode_or<R: DeserializeOwned>(
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
    let name = op.name();
    #[cfg(feature = "mapping")]
    if let Some(sent) = sent_for(op) {
        return ClientError::misconfigured(format!(
            "{name}: {field} — {why} (mapping: operations.{name}.response); the backend sent: {sent}"
        ));
    }
    ClientError::misconfigured(format!("{name}: {field} — {why}"))
}

/// Whether `answer` (an operation's answer in the contract's JSON shape,
/// as a mapping produced it) fits the contract type of `op`; the misfit's
/// message if not. For `Tongxin.checkMapping(…, {try})`: read operations
/// only (a write would change the backend).
#[cfg(feature = "mapping")]
pub fn check_answer(op: Op, answer: &Value) -> Result<(), String> {
    use tongxin_core::contract as c;
    fn fits<T: DeserializeOwned>(op: Op, text: &str) -> Result<(), String> {
        decode::<T>(op, text).map(drop).map_err(|e| e.to_string())
    }
    let text = text_of(answer);
    match op {
        Op::ListScopes => fits::<Vec<tongxin_core::scope::Scope>>(op, &text),
        #[cfg(feature = "poll")]
        Op::GetPoll => fits::<c::PollView>(op, &text),
        #[cfg(feature = "poll")]
        Op::GetResults => fits::<c::ResultsView>(op, &text),
        #[cfg(feature = "poll")]
        Op::GetMyBallot => fits::<Option<c::MyBallot>>(op, &text),
        #[cfg(feature = "poll")]
        Op::ListBallots => fits::<Vec<tongxin_core::poll::Ballot>>(op, &text),
        #[cfg(feature = "convention")]
        Op::GetConvention => fits::<c::ConventionView>(op, &text),
        #[cfg(feature = "convention")]
        Op::GetSignatureCounts => fits::<c::SignatureCounts>(op, &text),
        #[cfg(feature = "convention")]
        Op::ListSignatures => fits::<c::Page<tongxin_core::convention::PublicSignature>>(op, &text),
        #[cfg(feature = "convention")]
        Op::ListMySignatures => fits::<Vec<c::SignatureReceipt>>(op, &text),
        #[cfg(feature = "proposals")]
        Op::ListProposals => fits::<c::Page<c::ProposalCard>>(op, &text),
        #[cfg(feature = "proposals")]
        Op::GetProposal => fits::<c::ProposalDetail>(op, &text),
        #[cfg(feature = "indicators")]
        Op::GetIndicators => fits::<tongxin_core::indicators::IndicatorsView>(op, &text),
        #[cfg(feature = "budget")]
        Op::GetBudget => fits::<c::BudgetView>(op, &text),
        #[cfg(feature = "budget")]
        Op::GetBudgetResults => fits::<c::BudgetResultsView>(op, &text),
        #[cfg(feature = "budget")]
        Op::GetMyBudgetBallot => fits::<Option<c::MyBudgetBallot>>(op, &text),
        #[cfg(feature = "budget")]
        Op::ListBudgetBallots => fits::<Vec<tongxin_core::budget::BudgetBallot>>(op, &text),
        _ => Err(format!(
            "{}: only read operations of this bundle's widgets can be tried",
            op.name()
        )),
    }
}

#[cfg(feature = "mapping")]
thread_local! {
    /// The last answer a backend sent over HTTP, as it came, by operation.
    static SENT: std::cell::RefCell<(Option<Op>, String)> =
        const { std::cell::RefCell::new((None, String::new())) };
}

/// Keeps what the backend answered to `op`, for the message of an answer
/// that does not fit. A copy into one reused buffer: the excerpt (capped,
/// secrets hidden: [`tongxin_core::mapping::excerpt`]) is only made for a
/// misfit, not for every answer.
#[cfg(feature = "mapping")]
pub(crate) fn remember_sent(op: Op, text: &str) {
    SENT.with(|s| {
        let mut s = s.borrow_mut();
        s.0 = Some(op);
        s.1.clear();
        s.1.push_str(text);
    });
}

#[cfg(feature = "mapping")]
fn sent_for(op: Op) -> Option<String> {
    SENT.with(|s| {
        let s = s.borrow();
        (s.0 == Some(op)).then(|| tongxin_core::mapping::excerpt::excerpt(&s.1))
    })
}

#[cfg(all(test, feature = "mapping"))]
mod tests {
    use super::*;
    use tongxin_core::contract::ResultsView;

    #[test]
    fn a_misfit_names_operation_field_mapping_place_and_what_was_sent() {
        remember_sent(
            Op::GetResults,
            r#"{"data":[{"choice":"yes","n":2}],"token":"s3cret"}"#,
        );
        let text = text_of(&serde_json::json!({
            "poll_id": 1, "status": "open", "visible": true, "visibility": "always",
            "results": {"kind": "choices", "options": [{"option": "yes"}]}
        }));
        let e = decode::<ResultsView>(Op::GetResults, &text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("getResults"), "{e}");
        assert!(e.contains("count"), "names the contract field: {e}");
        assert!(e.contains("operations.getResults.response"), "{e}");
        assert!(e.contains(r#""choice":"yes""#), "{e}");
        assert!(!e.contains("s3cret"), "no secrets: {e}");
    }
}
