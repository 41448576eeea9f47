//! Applying a mapping: the HTTP request for an operation, and the answer
//! read back into the contract's shape (or a problem). Pure — the client
//! does the sending.

use serde_json::Value;

use super::Vars;
use super::expr::{Ctx, Expr};
use super::ops::Op;
use super::spec::{ErrorSpec, Mapping, OpSpec, Pagination, Param};
use super::template::{Escape, encode_component, var_text};
use crate::contract::Problem;
use crate::text::FieldErrors;

/// Largest answer read, in bytes.
pub const MAX_RESPONSE_BYTES: usize = 8 << 20;

/// A request to send (kept as it is in the offline outbox).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HttpRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// Full URL with its query.
    pub url: String,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// JSON body.
    pub body: Option<String>,
}

/// Why an answer could not be used.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The backend said no (status ≥ 400), read into a problem.
    Problem(Problem),
    /// The answer does not fit the mapping (a misconfiguration).
    Mapping(String),
}

impl Mapping {
    /// The URL of `topic`'s event stream, if the mapping names one (its
    /// template filled with `vars` and the item's `id`).
    pub fn events_url(
        &self,
        topic: crate::contract::live::Topic,
        base: &str,
        vars_in: &Vars,
    ) -> Option<String> {
        let (_, t) = self.events.iter().find(|(k, _)| k == topic.kind())?;
        let mut vars = self.vars.clone();
        vars.extend(vars_in.iter().map(|(k, v)| (k.clone(), v.clone())));
        if let Some(id) = topic.id() {
            vars.insert("id".into(), Value::from(id));
        }
        let path = t.render(&vars, Escape::Url)?;
        let base = self.base.as_deref().unwrap_or(base).trim_end_matches('/');
        Some(
            if path.starts_with("http://") || path.starts_with("https://") {
                path
            } else {
                format!("{base}{path}")
            },
        )
    }

    /// The request for `op`. `base` is used when the mapping has none;
    /// `body` is the widget's body in the contract's shape. Variables the
    /// mapping defines are filled in under the caller's.
    pub fn request(
        &self,
        op: Op,
        base: &str,
        vars: &Vars,
        body: Option<&Value>,
    ) -> Result<HttpRequest, String> {
        let spec = self.spec(op)?;
        let vars = self.all_vars(spec, vars);
        let base = self.base.as_deref().unwrap_or(base).trim_end_matches('/');
        let ctx_body = body.cloned().unwrap_or(Value::Null);
        let ctx = Ctx {
            body: &ctx_body,
            vars: &vars,
            headers: &[],
            drop_nulls: false,
        };
        let cursor = vars.get("cursor").and_then(var_text);
        let url = match (&spec.pagination, cursor) {
            // A Link header's URL is the next page as it is; it must stay on
            // this backend so the headers go nowhere else.
            (Pagination::Link, Some(next)) => {
                if !same_origin(&next, base) {
                    return Err(format!("the next page link {next} leaves {base}"));
                }
                next
            }
            _ => {
                let path = spec
                    .url
                    .render(&vars, Escape::Url)
                    .ok_or_else(|| format!("url: a variable of {} is empty", op.name()))?;
                let mut url = if path.starts_with("http://") || path.starts_with("https://") {
                    path
                } else {
                    format!("{base}{path}")
                };
                let mut sep = if url.contains('?') { '&' } else { '?' };
                for (name, param) in &spec.query {
                    if let Some(v) = param_text(param, &ctx, &vars)? {
                        url.push(sep);
                        url.push_str(&encode_component(name));
                        url.push('=');
                        url.push_str(&encode_component(&v));
                        sep = '&';
                    }
                }
                url
            }
        };
        let mut headers = Vec::new();
        for (name, param) in self.headers.iter().chain(&spec.headers) {
            if let Some(v) = param_text(param, &ctx, &vars)? {
                if v.contains(['\r', '\n']) {
                    return Err(format!("header {name}: a line break in its value"));
                }
                headers.retain(|(n, _): &(String, String)| !n.eq_ignore_ascii_case(name));
                headers.push((name.to_ascii_lowercase(), v));
            }
        }
        let body = match &spec.body {
            None => None,
            Some(e) => {
                let v = e.eval(&ctx_body, &ctx).map_err(|m| format!("body.{m}"))?;
                if !headers.iter().any(|(n, _)| n == "content-type") {
                    headers.push(("content-type".into(), "application/json".into()));
                }
                Some(v.to_string())
            }
        };
        Ok(HttpRequest {
            method: spec.method.clone(),
            url,
            headers,
            body,
        })
    }

    /// Reads the answer to `op` (sent with `vars`): the contract's value, or
    /// why not. `headers` have lower-case names.
    pub fn read(
        &self,
        op: Op,
        vars: &Vars,
        status: u16,
        headers: &[(String, String)],
        text: &str,
    ) -> Result<Value, Failure> {
        let spec = self.spec(op).map_err(Failure::Mapping)?;
        let vars = self.all_vars(spec, vars);
        let parsed = parse_answer(text)?;
        if !(200..300).contains(&status) {
            let body = parsed.unwrap_or(Value::Null);
            let ctx = Ctx {
                body: &body,
                vars: &vars,
                headers,
                drop_nulls: true,
            };
            let problem = match spec.errors.as_ref().or(self.errors.as_ref()) {
                Some(e) => e.problem(status, &body, &ctx),
                None => problem_of(status, body),
            };
            return Err(Failure::Problem(problem));
        }
        let body = answer_json(parsed)?;
        let ctx = Ctx {
            body: &body,
            vars: &vars,
            headers,
            drop_nulls: true,
        };
        let mut value = spec
            .response
            .eval(&body, &ctx)
            .map_err(|m| Failure::Mapping(format!("response.{m}")))?;
        if op.is_paged() {
            let next = next_cursor(spec, &vars, &value, &body, &ctx).map_err(Failure::Mapping)?;
            let obj = value.as_object_mut().ok_or_else(|| {
                Failure::Mapping("response: a page must be an object with items".into())
            })?;
            if let Some(next) = next {
                obj.insert("next_cursor".into(), next);
            }
            obj.entry("next_cursor").or_insert(Value::Null);
        }
        Ok(value)
    }

    fn spec(&self, op: Op) -> Result<&OpSpec, String> {
        self.ops
            .get(&op)
            .ok_or_else(|| format!("the backend has no {} operation", op.name()))
    }

    /// The mapping's variables, then the caller's; `page` from the cursor.
    fn all_vars(&self, spec: &OpSpec, vars: &Vars) -> Vars {
        let mut all = self.vars.clone();
        all.extend(vars.iter().map(|(k, v)| (k.clone(), v.clone())));
        if let Pagination::Page { first, .. } = spec.pagination {
            let page = all
                .get("cursor")
                .and_then(var_text)
                .and_then(|c| c.parse::<i64>().ok())
                .unwrap_or(first);
            all.insert("page".into(), Value::from(page));
        }
        all
    }
}

impl ErrorSpec {
    fn problem(&self, status: u16, body: &Value, ctx: &Ctx) -> Problem {
        let text = |e: &Expr| e.eval(body, ctx).ok().as_ref().and_then(var_text);
        let code = self.code.as_ref().and_then(text);
        let detail = text(&self.message);
        let errors = self
            .fields
            .as_ref()
            .and_then(|e| e.eval(body, ctx).ok())
            .and_then(field_errors);
        let mut problem = generic_problem(status, code);
        if let Some(d) = detail {
            problem.detail = d;
        }
        problem.errors = errors;
        problem
    }
}

/// An answer's text as JSON (`null` when empty), refused when larger than
/// [`MAX_RESPONSE_BYTES`]; the inner error is kept, since an error status
/// may come with any text.
pub(crate) fn parse_answer(text: &str) -> Result<Result<Value, serde_json::Error>, Failure> {
    if text.len() > MAX_RESPONSE_BYTES {
        return Err(Failure::Mapping(format!(
            "the answer is larger than {MAX_RESPONSE_BYTES} bytes"
        )));
    }
    Ok(if text.trim().is_empty() {
        Ok(Value::Null)
    } else {
        serde_json::from_str::<Value>(text)
    })
}

/// A successful answer's JSON, or why it is not.
pub(crate) fn answer_json(parsed: Result<Value, serde_json::Error>) -> Result<Value, Failure> {
    parsed.map_err(|e| Failure::Mapping(format!("the answer is not JSON: {e}")))
}

/// An error answer read as problem+json, or a generic problem for its status.
pub(crate) fn problem_of(status: u16, body: Value) -> Problem {
    serde_json::from_value::<Problem>(body).unwrap_or_else(|_| generic_problem(status, None))
}

pub(crate) fn generic_problem(status: u16, code: Option<String>) -> Problem {
    Problem {
        type_: code.map_or_else(|| "about:blank".into(), |c| format!("/problems/{c}")),
        title: format!("HTTP {status}"),
        status,
        detail: format!("the server answered {status}"),
        errors: None,
    }
}

/// `{field: "msg"}` or `{field: ["msg", …]}` as field errors.
fn field_errors(v: Value) -> Option<FieldErrors> {
    let Value::Object(m) = v else {
        return None;
    };
    let mut out = FieldErrors::default();
    for (k, v) in m {
        let msgs: Vec<String> = match v {
            Value::String(s) => vec![s],
            Value::Array(a) => a.iter().filter_map(var_text).collect(),
            other => var_text(&other).into_iter().collect(),
        };
        if !msgs.is_empty() {
            out.0.insert(k, msgs);
        }
    }
    (!out.0.is_empty()).then_some(out)
}

fn param_text(param: &Param, ctx: &Ctx, vars: &Vars) -> Result<Option<String>, String> {
    Ok(match param {
        Param::Template(t) => t.render(vars, Escape::None),
        Param::Expr(e) => var_text(&e.eval(ctx.body, ctx)?),
    })
}

fn next_cursor(
    spec: &OpSpec,
    vars: &Vars,
    value: &Value,
    body: &Value,
    ctx: &Ctx,
) -> Result<Option<Value>, String> {
    Ok(match &spec.pagination {
        Pagination::Cursor => None,
        Pagination::Link => Some(
            ctx.headers
                .iter()
                .find(|(k, _)| k == "link")
                .and_then(|(_, v)| link_next(v))
                .map_or(Value::Null, Value::String),
        ),
        Pagination::Page { more, .. } => {
            let page = vars.get("page").and_then(Value::as_i64).unwrap_or(1);
            let more = match more {
                Some(e) => e
                    .eval(body, ctx)
                    .map_err(|m| format!("pagination.more: {m}"))?
                    .as_bool()
                    .unwrap_or(false),
                None => {
                    let items = value
                        .get("items")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len);
                    let limit = vars
                        .get("limit")
                        .and_then(var_text)
                        .and_then(|l| l.parse::<usize>().ok())
                        .unwrap_or(usize::MAX);
                    items > 0 && items >= limit
                }
            };
            Some(if more {
                Value::String((page + 1).to_string())
            } else {
                Value::Null
            })
        }
    })
}

/// The `rel="next"` target of a Link header.
pub fn link_next(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .any(|p| {
                let p = p.trim().replace(' ', "");
                p.eq_ignore_ascii_case("rel=\"next\"") || p.eq_ignore_ascii_case("rel=next")
            })
            .then(|| target.to_string())
    })
}

/// Whether the link `url` stays on the origin of `base`. Parsed the way a
/// browser would resolve it: scheme-relative (`//evil/x`), backslash
/// (`/\\evil`), userinfo (`https://good@evil`) and whitespace tricks all
/// count as leaving.
fn same_origin(url: &str, base: &str) -> bool {
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return false;
    }
    let origin = |u: &str| -> Option<String> {
        let (scheme, rest) = u.split_once("://")?;
        if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
            return None;
        }
        let host = rest.split(['/', '?', '#']).next()?;
        if host.is_empty() || host.contains('@') {
            return None;
        }
        Some(format!("{scheme}://{host}").to_ascii_lowercase())
    };
    // A path on the same host: one slash, not two.
    let path_absolute = url.starts_with('/') && !url.starts_with("//");
    match (url.contains("://"), origin(base)) {
        (true, Some(b)) => origin(url).is_some_and(|a| a == b),
        (false, _) => path_absolute,
        (true, None) => false,
    }
}

/// Variables from `(name, value)` pairs.
pub fn vars_of(pairs: &[(&str, Value)]) -> Vars {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}
