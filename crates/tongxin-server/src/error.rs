//! The one error type of the HTTP layer. Every failure leaves as
//! `application/problem+json` (RFC 9457) with a stable `type`
//! (`/problems/<code>`), a `title`, a human `detail` and, for validation
//! failures, per-field `errors`.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tongxin_core::budget::ConfirmError;
pub use tongxin_core::contract::Problem;
use tongxin_core::poll::BallotError;
use tongxin_core::proposal::TransitionError;
use tongxin_core::proposal::funding::FundingError;
use tongxin_core::text::FieldErrors;

use crate::storage::StoreError;

/// An HTTP error on its way out.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// Status.
    pub status: StatusCode,
    /// Stable code (the last part of `type`).
    pub code: &'static str,
    /// Human detail.
    pub detail: String,
    /// Field errors.
    pub errors: Option<FieldErrors>,
    /// Seconds to wait (429).
    pub retry_after: Option<u64>,
    /// Where a household's first answer came from (`already-voted` and its
    /// kin), as the `channel` member of the problem.
    pub channel: Option<&'static str>,
}

impl ApiError {
    /// A new error.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            detail: detail.into(),
            errors: None,
            retry_after: None,
            channel: None,
        }
    }

    /// 404.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("{what} not found"),
        )
    }

    /// 422 with field errors.
    pub fn invalid(errors: FieldErrors) -> Self {
        let fields: Vec<&str> = errors.0.keys().map(String::as_str).collect();
        let detail = format!("some fields are not valid: {}", fields.join(", "));
        ApiError {
            errors: Some(errors),
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation-failed",
                detail,
            )
        }
    }

    /// 422 naming one field.
    pub fn field(code: &'static str, field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = FieldErrors::new();
        e.add(field, message.clone());
        ApiError {
            errors: Some(e),
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
        }
    }

    /// 429 with Retry-After.
    pub fn rate_limited(retry_after: u64) -> Self {
        ApiError {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                format!("too many requests; try again in {retry_after} s"),
            )
        }
    }

    fn title(&self) -> &'static str {
        match self.status {
            StatusCode::BAD_REQUEST => "Bad request",
            StatusCode::UNAUTHORIZED => "Identification required",
            StatusCode::FORBIDDEN => "Not allowed",
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::METHOD_NOT_ALLOWED => "Method not allowed",
            StatusCode::CONFLICT => "Conflict with the current state",
            StatusCode::PAYLOAD_TOO_LARGE => "Request body too large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "Unsupported media type",
            StatusCode::UNPROCESSABLE_ENTITY => "Invalid input",
            StatusCode::TOO_MANY_REQUESTS => "Too many requests",
            _ => "Server error",
        }
    }
}

/// A problem naming where a household's first answer came from.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ChannelProblem {
    /// The problem.
    #[serde(flatten)]
    pub body: Problem,
    /// `online`, `paper`, `door` or `meeting`.
    pub channel: &'static str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Problem {
            type_: format!("/problems/{}", self.code),
            title: self.title().to_string(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
        };
        let mut res = match self.channel {
            Some(channel) => (self.status, Json(ChannelProblem { body, channel })).into_response(),
            None => (self.status, Json(body)).into_response(),
        };
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        use StatusCode as S;
        let detail = e.to_string();
        match e {
            StoreError::NotFound(what) => ApiError::not_found(what),
            StoreError::Invalid(fields) => ApiError::invalid(fields),
            StoreError::Ballot(b) => match b {
                BallotError::NotOpenYet
                | BallotError::Closed
                | BallotError::AlreadyVoted { .. }
                | BallotError::ChangeNotAllowed => ApiError::new(S::CONFLICT, b.code(), detail),
                other => ApiError::field(other.code(), "ballot", other.to_string()),
            },
            StoreError::Convention(c) => ApiError::new(S::CONFLICT, c.code(), detail),
            StoreError::Budget(b) if b.is_conflict() => {
                ApiError::new(S::CONFLICT, b.code(), detail)
            }
            StoreError::Budget(b) => ApiError::field(b.code(), "projects", detail),
            StoreError::Confirm(ConfirmError::Invalid(errors)) => ApiError {
                code: "invalid-override",
                ..ApiError::invalid(errors)
            },
            StoreError::Confirm(c) => ApiError::new(S::CONFLICT, c.code(), detail),
            StoreError::Action(a) => ApiError::new(S::CONFLICT, a.code(), detail),
            StoreError::Transition(t @ TransitionError::BadNote(_)) => {
                ApiError::field(t.code(), "note", detail)
            }
            StoreError::Transition(t) => ApiError::new(S::CONFLICT, t.code(), detail),
            StoreError::Funding(f @ FundingError::Overflow) => {
                ApiError::field(f.code(), "amount_fen", detail)
            }
            StoreError::Funding(f) => ApiError::new(S::CONFLICT, f.code(), detail),
            StoreError::Scope(_) => ApiError::field("invalid-scope", "parent_id", detail),
            StoreError::TookPart { code, channel, .. } => ApiError {
                channel: Some(channel.as_str()),
                ..ApiError::new(S::CONFLICT, code, detail)
            },
            StoreError::Duplicate { code, .. } | StoreError::Conflict { code, .. } => {
                ApiError::new(S::CONFLICT, code, detail)
            }
            StoreError::InvalidCode => ApiError::new(S::FORBIDDEN, "invalid-code", detail),
            StoreError::OutsideScope(_) => {
                ApiError::new(S::FORBIDDEN, "outside-your-scope", detail)
            }
            StoreError::IdempotencyMismatch => {
                ApiError::new(S::UNPROCESSABLE_ENTITY, "idempotency-key-reused", detail)
            }
            StoreError::Busy(msg) => {
                tracing::warn!("database busy: {msg}");
                ApiError {
                    retry_after: Some(1),
                    ..ApiError::new(
                        S::SERVICE_UNAVAILABLE,
                        "busy",
                        "the database is busy; send the same request again (with the same Idempotency-Key)",
                    )
                }
            }
            StoreError::Internal(msg) => {
                tracing::error!("internal error: {msg}");
                ApiError::new(
                    S::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server could not complete the request",
                )
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        use StatusCode as S;
        match r {
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "send the body as Content-Type: application/json",
            ),
            JsonRejection::JsonSyntaxError(e) => ApiError::new(
                S::BAD_REQUEST,
                "malformed-json",
                format!("the body is not valid JSON: {}", e.body_text()),
            ),
            JsonRejection::JsonDataError(e) => {
                ApiError::new(S::UNPROCESSABLE_ENTITY, "invalid-body", e.body_text())
            }
            JsonRejection::BytesRejection(e) if e.status() == S::PAYLOAD_TOO_LARGE => {
                ApiError::new(
                    S::PAYLOAD_TOO_LARGE,
                    "body-too-large",
                    format!(
                        "the body is larger than {} bytes",
                        crate::config::BODY_LIMIT
                    ),
                )
            }
            other => ApiError::new(S::BAD_REQUEST, "bad-request", other.body_text()),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("no such item: {}", r.body_text()),
        )
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid-query", r.body_text())
    }
}
