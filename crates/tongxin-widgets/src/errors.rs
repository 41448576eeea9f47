//! What a resident reads when something fails: every problem code the
//! backend may answer with, mapped to a catalogue key, in one place for all
//! widgets.

use tongxin_client::ClientError;

use crate::i18n::I18n;

/// Problem code → catalogue key.
const PROBLEMS: &[(&str, &str)] = &[
    ("already-voted", "already_voted"),
    ("poll-closed", "poll_closed"),
    ("poll-not-open", "poll_not_open"),
    #[cfg(feature = "budget")]
    ("round-closed", "poll_closed"),
    #[cfg(feature = "budget")]
    ("round-not-open", "poll_not_open"),
    ("already-signed", "already_signed"),
    ("convention-closed", "convention_closed"),
    ("stale-version", "stale_version"),
    ("withdrawal-closed", "withdrawal_closed"),
    ("invalid-code", "code_invalid"),
    ("code-required", "code_required"),
    ("voter-token-required", "not_eligible_token"),
    ("invalid-voter-token", "not_eligible_token"),
    ("validation-failed", "check_fields"),
    ("proposal-not-active", "not_active"),
    ("support-closed", "support_closed"),
    ("comments-closed", "comments_closed"),
    ("evaluation-not-open", "being_delivered"),
    ("no-funding", "no_funding"),
    ("already-supported", "already_supported"),
    ("already-evaluated", "already_evaluated"),
];

/// The resident's text for `e`; problems without a catalogue entry use
/// `fallback` (a key with `{x}`, filled with the server's detail).
pub fn error_text(e: &ClientError, i18n: &I18n, fallback: &str) -> String {
    match e {
        ClientError::Network(_) => i18n.t("network_error"),
        ClientError::Timeout => i18n.t("timeout"),
        ClientError::RateLimited { retry_after_secs } => i18n.n("rate_limited", retry_after_secs),
        ClientError::Problem(p) => PROBLEMS
            .iter()
            .find(|(code, _)| *code == p.code())
            .map(|(_, key)| i18n.t(key))
            .unwrap_or_else(|| i18n.x(fallback, &p.detail)),
        ClientError::Queued => i18n.t("queued_offline"),
        ClientError::Misconfigured(m) => i18n.x("misconfigured", m),
        ClientError::Cancelled => i18n.x(fallback, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use tongxin_core::contract::Problem;

    fn problem(code: &str) -> ClientError {
        ClientError::Problem(Problem {
            type_: format!("/problems/{code}"),
            title: "t".into(),
            status: 409,
            detail: "server detail".into(),
            errors: None,
        })
    }

    #[test]
    fn known_codes_are_translated_and_others_keep_the_detail() {
        let i = I18n::new(Lang::En, Default::default());
        for (code, key) in PROBLEMS {
            assert_eq!(error_text(&problem(code), &i, "invalid_ballot"), i.t(key));
            assert_ne!(i.t(key), *key, "{key} is in the catalogue");
        }
        assert_eq!(
            error_text(&problem("something-new"), &i, "invalid_ballot"),
            "Check your choice: server detail"
        );
        assert!(error_text(&ClientError::Timeout, &i, "x").contains("did not answer"));
    }
}
