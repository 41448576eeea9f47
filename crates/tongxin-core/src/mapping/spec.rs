//! A mapping file, read and checked: which operations a backend has, and
//! for each the request to make and how to read the answer.
//!
//! Everything is checked when the mapping is loaded — unknown keys,
//! operation names, methods, paths, templates, variables — so a mistake is
//! one message naming the operation and the field, before any request.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::expr::Expr;
use super::ops::Op;
use super::template::Template;
use super::{BUILTIN_VARS, Vars};

/// Largest mapping document accepted, in bytes.
pub const MAX_MAPPING_BYTES: usize = 1 << 20;

/// A loaded mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// Base URL; `None` uses the widget's `api` setting.
    pub base: Option<String>,
    /// Headers sent with every request.
    pub headers: Vec<(String, Param)>,
    /// Variables the mapping defines (the host may override them).
    pub vars: Vars,
    /// How errors look, for every operation.
    pub errors: Option<ErrorSpec>,
    /// The operations this backend has.
    pub ops: BTreeMap<Op, OpSpec>,
    /// Server-Sent Events stream URLs by kind (`poll`, `convention`,
    /// `proposal`, `board`): an event on one makes the widget read the
    /// item again through the operations. Without one it polls.
    pub events: Vec<(String, Template)>,
}

/// A header or query value: a template string or an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// `"Bearer {apiToken}"`.
    Template(Template),
    /// `{"$var": "step", "$map": {…}}`.
    Expr(Expr),
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct OpSpec {
    /// HTTP method.
    pub method: String,
    /// URL template, relative to the base or absolute.
    pub url: Template,
    /// Query parameters (left out when their value is empty).
    pub query: Vec<(String, Param)>,
    /// Extra headers.
    pub headers: Vec<(String, Param)>,
    /// The request body, built from the widget's body (`$`) and variables.
    pub body: Option<Expr>,
    /// The answer in the contract's shape.
    pub response: Expr,
    /// How pages follow each other (paged operations).
    pub pagination: Pagination,
    /// How this operation's errors look (overrides the mapping's).
    pub errors: Option<ErrorSpec>,
}

/// How a paged operation finds the next page.
#[derive(Debug, Clone, PartialEq)]
pub enum Pagination {
    /// The response mapping gives `next_cursor`; requests use `{cursor}`.
    Cursor,
    /// Page numbers: requests use `{page}` (from `first`); there is a next
    /// page while `more` is true (default: a full page came back).
    Page {
        /// Number of the first page. Default 1.
        first: i64,
        /// Whether another page exists.
        more: Option<Expr>,
    },
    /// RFC 8288 `Link: <…>; rel="next"` headers.
    Link,
}

/// Where an error answer keeps its parts. Without one, errors are read as
/// problem+json (RFC 9457).
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorSpec {
    /// The message shown (`detail`).
    pub message: Expr,
    /// A stable code (for the widget's own texts: `poll_closed`, …).
    pub code: Option<Expr>,
    /// Messages by field: `{ "name": ["too long"] }`.
    pub fields: Option<Expr>,
}

/// Why a mapping cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingError {
    /// The operation concerned, if one.
    pub op: Option<String>,
    /// What is wrong, with the field's place.
    pub message: String,
}

impl std::fmt::Display for MappingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.op {
            Some(op) => write!(f, "operation {op}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

fn top(message: impl Into<String>) -> MappingError {
    MappingError {
        op: None,
        message: message.into(),
    }
}

const TOP_KEYS: &[&str] = &[
    "tongxin",
    "base",
    "headers",
    "vars",
    "errors",
    "operations",
    "events",
];
/// What a mapping's `events` may name (see [`crate::contract::live::Topic::kind`]).
const EVENT_KINDS: &[&str] = &["poll", "convention", "proposal", "board"];
const OP_KEYS: &[&str] = &[
    "method",
    "url",
    "query",
    "headers",
    "body",
    "response",
    "pagination",
    "errors",
];
const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

impl Mapping {
    /// Reads a mapping document.
    pub fn from_json(text: &str) -> Result<Mapping, MappingError> {
        if text.len() > MAX_MAPPING_BYTES {
            return Err(top(format!(
                "the mapping is larger than {MAX_MAPPING_BYTES} bytes"
            )));
        }
        let v: Value = serde_json::from_str(text)
            .map_err(|e| top(format!("the mapping is not valid JSON: {e}")))?;
        Mapping::from_value(&v)
    }

    /// Reads a mapping already parsed as JSON.
    pub fn from_value(v: &Value) -> Result<Mapping, MappingError> {
        let m = v
            .as_object()
            .ok_or_else(|| top("the mapping must be a JSON object"))?;
        unknown_keys(m, TOP_KEYS, "the mapping").map_err(top)?;
        match m.get("tongxin") {
            Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
            Some(other) => {
                return Err(top(format!(
                    "\"tongxin\": this bundle reads mapping format 1, not {other}"
                )));
            }
            None => {
                return Err(top(
                    "\"tongxin\": 1 is missing (the mapping format version)",
                ));
            }
        }
        let base = match m.get("base") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.trim_end_matches('/').to_string()),
            Some(_) => return Err(top("\"base\" must be a URL string")),
        };
        let vars: Vars = match m.get("vars") {
            None => Vars::new(),
            Some(Value::Object(o)) => {
                for k in o.keys() {
                    if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        return Err(top(format!(
                            "vars: \"{k}\" is not a variable name (letters, digits, _)"
                        )));
                    }
                }
                o.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
            }
            Some(_) => return Err(top("\"vars\" must be an object")),
        };
        let known = |n: &str| BUILTIN_VARS.contains(&n) || vars.contains_key(n);
        let headers = pairs(m.get("headers"), "headers", &known).map_err(top)?;
        let errors = match m.get("errors") {
            None | Some(Value::Null) => None,
            Some(e) => Some(ErrorSpec::parse(e, "errors", &known).map_err(top)?),
        };
        let ops_v = match m.get("operations") {
            Some(Value::Object(o)) => o,
            _ => return Err(top("\"operations\" must be an object of operations")),
        };
        let mut ops = BTreeMap::new();
        for (name, spec) in ops_v {
            let op = Op::from_name(name).ok_or_else(|| {
                top(format!(
                    "operations: unknown operation \"{name}\" (known: {})",
                    Op::ALL.map(Op::name).join(", ")
                ))
            })?;
            if spec.is_null() {
                continue; // declared absent
            }
            let parsed = OpSpec::parse(op, spec, &known).map_err(|message| MappingError {
                op: Some(name.clone()),
                message,
            })?;
            ops.insert(op, parsed);
        }
        let events = match m.get("events") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(o)) => {
                let mut out = Vec::new();
                for (kind, url) in o {
                    if !EVENT_KINDS.contains(&kind.as_str()) {
                        return Err(top(format!(
                            "events: unknown stream \"{kind}\" (known: {})",
                            EVENT_KINDS.join(", ")
                        )));
                    }
                    let t = match url {
                        Value::String(s) if !s.trim().is_empty() => Template::parse(s, &known)
                            .map_err(|e| top(format!("events.{kind}: {e}")))?,
                        _ => return Err(top(format!("events.{kind}: a URL template string"))),
                    };
                    out.push((kind.clone(), t));
                }
                out
            }
            Some(_) => return Err(top("\"events\" must be an object of stream URLs")),
        };
        Ok(Mapping {
            base,
            headers,
            vars,
            errors,
            ops,
            events,
        })
    }

    /// Whether the backend has `op`.
    pub fn has(&self, op: Op) -> bool {
        self.ops.contains_key(&op)
    }

    /// The contract v1 of the reference server (`tongxin-server`), as a
    /// mapping: every operation, answers passed through as they are.
    pub fn reference() -> Mapping {
        Mapping::from_json(include_str!("reference.json"))
            .expect("the reference mapping is checked by a unit test")
    }
}

impl OpSpec {
    fn parse(op: Op, v: &Value, known: &dyn Fn(&str) -> bool) -> Result<OpSpec, String> {
        let m = v.as_object().ok_or(
            "must be an object with method, url and response (or null when the backend lacks it)",
        )?;
        unknown_keys(m, OP_KEYS, "the operation")?;
        let method = match m.get("method") {
            None => "GET".to_string(),
            Some(Value::String(s)) if METHODS.contains(&s.to_ascii_uppercase().as_str()) => {
                s.to_ascii_uppercase()
            }
            Some(other) => {
                return Err(format!(
                    "method: {other} is not one of {}",
                    METHODS.join(", ")
                ));
            }
        };
        let url = match m.get("url") {
            Some(Value::String(s)) if !s.trim().is_empty() => {
                Template::parse(s, known).map_err(|e| format!("url: {e}"))?
            }
            _ => return Err("url: missing (a template such as \"/surveys/{id}\")".into()),
        };
        let body = match m.get("body") {
            None | Some(Value::Null) => None,
            Some(b) => Some(Expr::parse(b, "body", known)?),
        };
        let response = Expr::parse(
            m.get("response")
                .ok_or("response: missing (use \"$\" to take the answer as it is)")?,
            "response",
            known,
        )?;
        let pagination = match m.get("pagination") {
            None | Some(Value::Null) => Pagination::Cursor,
            Some(p) => parse_pagination(p, known)?,
        };
        if pagination != Pagination::Cursor && !op.is_paged() {
            return Err("pagination: only list operations with pages have one".into());
        }
        Ok(OpSpec {
            method,
            url,
            query: pairs(m.get("query"), "query", known)?,
            headers: pairs(m.get("headers"), "headers", known)?,
            body,
            response,
            pagination,
            errors: match m.get("errors") {
                None | Some(Value::Null) => None,
                Some(e) => Some(ErrorSpec::parse(e, "errors", known)?),
            },
        })
    }
}

impl ErrorSpec {
    fn parse(v: &Value, at: &str, known: &dyn Fn(&str) -> bool) -> Result<ErrorSpec, String> {
        let m = v
            .as_object()
            .ok_or_else(|| format!("{at} must be an object with message (and code, fields)"))?;
        unknown_keys(m, &["message", "code", "fields"], at)?;
        let part = |k: &str| {
            m.get(k)
                .map(|e| Expr::parse(e, &format!("{at}.{k}"), known))
                .transpose()
        };
        Ok(ErrorSpec {
            message: part("message")?.ok_or_else(|| format!("{at}.message: missing"))?,
            code: part("code")?,
            fields: part("fields")?,
        })
    }
}

fn parse_pagination(v: &Value, known: &dyn Fn(&str) -> bool) -> Result<Pagination, String> {
    let m = v
        .as_object()
        .ok_or("pagination must be an object with style")?;
    unknown_keys(m, &["style", "first", "more"], "pagination")?;
    match m.get("style").and_then(Value::as_str) {
        Some("cursor") => Ok(Pagination::Cursor),
        Some("link") => Ok(Pagination::Link),
        Some("page") => Ok(Pagination::Page {
            first: match m.get("first") {
                None => 1,
                Some(f) => f
                    .as_i64()
                    .ok_or("pagination.first must be a whole number")?,
            },
            more: m
                .get("more")
                .map(|e| Expr::parse(e, "pagination.more", known))
                .transpose()?,
        }),
        _ => Err("pagination.style must be \"cursor\", \"page\" or \"link\"".into()),
    }
}

fn pairs(
    v: Option<&Value>,
    at: &str,
    known: &dyn Fn(&str) -> bool,
) -> Result<Vec<(String, Param)>, String> {
    let Some(v) = v else {
        return Ok(Vec::new());
    };
    let m = v
        .as_object()
        .ok_or_else(|| format!("{at} must be an object of name → value"))?;
    m.iter()
        .map(|(k, v)| {
            let place = format!("{at}.{k}");
            let value = match v {
                Value::String(s) => {
                    Param::Template(Template::parse(s, known).map_err(|e| format!("{place}: {e}"))?)
                }
                other => Param::Expr(Expr::parse(other, &place, known)?),
            };
            Ok((k.clone(), value))
        })
        .collect()
}

fn unknown_keys(m: &Map<String, Value>, allowed: &[&str], what: &str) -> Result<(), String> {
    match m.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "{what} has an unknown key \"{k}\" (allowed: {})",
            allowed.join(", ")
        )),
        None => Ok(()),
    }
}
