//! The finishing pass over the generated OpenAPI document: what is true of
//! every operation is written here once instead of on 41 handlers.
//!
//! * errors are `application/problem+json` (the `Problem` schema);
//! * the statuses the shared layers can answer are documented where they
//!   can happen: 400 (bad header or query), 401/403 (credentials), 404
//!   (an id in the path), 409 (state), 413/415/422 (a body), 429 (write
//!   limits), 503 (overload or the request deadline);
//! * residents' identity headers (`X-Tongxin-Device`, `X-Tongxin-Code`,
//!   `X-Tongxin-Voter`) and `Idempotency-Key` are declared as parameters;
//! * the staff API carries the `staff` bearer security scheme;
//! * every response declares the `Tongxin-Contract` header.

use serde_json::{Map, Value, json};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    })
}

fn header(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "header", "required": false, "description": description, "schema": schema})
}

/// Residents' identity headers, as the server checks them.
fn identity_headers() -> [Value; 3] {
    [
        header(
            "X-Tongxin-Device",
            "The widget's random device token (items with `open` eligibility).",
            json!({"type": "string", "pattern": "^[A-Za-z0-9_-]{16,128}$"}),
        ),
        header(
            "X-Tongxin-Code",
            "A household code as printed, e.g. `7KQ2-M9XD-4T` (items with `code` eligibility).",
            json!({"type": "string", "minLength": 1, "maxLength": 64}),
        ),
        header(
            "X-Tongxin-Voter",
            "A host-signed HS256 JWT with `sub` and `exp` (items with `token` eligibility).",
            json!({"type": "string", "minLength": 1, "maxLength": 4096}),
        ),
    ]
}

fn idempotency_header() -> Value {
    header(
        "Idempotency-Key",
        "Retrying a write with the same key replays its first answer for 24 hours (scoped to the caller and the operation).",
        json!({"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"}),
    )
}

/// Applies the shared truths to a generated document.
pub fn finish(mut doc: Value) -> Value {
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            for method in METHODS {
                if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                    finish_operation(path, method, op);
                }
            }
        }
    }
    let components = doc
        .as_object_mut()
        .expect("an OpenAPI document is an object")
        .entry("components")
        .or_insert_with(|| json!({}));
    components["securitySchemes"] = json!({
        "staff": {"type": "http", "scheme": "bearer", "description": "A personal API token of a staff account (`tongxin-server user token LOGIN`, `txs_…`), or the shared TONGXIN_ADMIN_TOKEN (an administrator token, kept for compatibility)."},
        "console": {"type": "apiKey", "in": "cookie", "name": "tongxin_session", "description": "A console session (`POST /api/v1/staff/session`). Changes made with it must also send the session's `csrf_token` as `X-Tongxin-CSRF`."}
    });
    doc
}

fn finish_operation(path: &str, method: &str, op: &mut Map<String, Value>) {
    let admin = path.starts_with("/api/v1/admin");
    let resident_item = ["/api/v1/polls", "/api/v1/conventions", "/api/v1/proposals"]
        .iter()
        .any(|p| path.starts_with(p));
    let write = method != "get";
    let has_body = op.contains_key("requestBody");
    let has_query = op
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
    // Where the server reads residents' credentials.
    let identifies = write
        || path.ends_with("/mine")
        || path.ends_with("/results")
        || path == "/api/v1/proposals/{id}";
    let responses = op
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("responses is an object");
    for (_, r) in responses.iter_mut() {
        let Some(content) = r.get_mut("content").and_then(Value::as_object_mut) else {
            continue;
        };
        let is_problem = content
            .get("application/json")
            .and_then(|c| c.pointer("/schema/$ref"))
            .and_then(Value::as_str)
            .is_some_and(|s| s.ends_with("/Problem"));
        if is_problem && let Some(c) = content.remove("application/json") {
            content.insert("application/problem+json".into(), c);
        }
    }
    let mut add = |code: &str, description: &str| {
        responses
            .entry(code.to_string())
            .or_insert_with(|| problem(description));
    };
    add("400", "A malformed header, query or path value.");
    add(
        "503",
        "The server is busy or the request took too long; retry after `Retry-After` seconds.",
    );
    if path.contains('{') {
        add("404", "No such item.");
    }
    if has_query {
        add(
            "422",
            "A query value is not one this server made (a cursor) or is out of range.",
        );
    }
    if has_body {
        add("413", "The body is larger than 64 KiB.");
        add("415", "The body is not `application/json`.");
        add(
            "422",
            "The body is not the expected shape, or a field is out of range (`errors` names the fields).",
        );
    }
    if identifies {
        add("401", "Credentials are missing or not valid.");
        add("403", "The credentials do not allow this.");
    }
    if write {
        add(
            "409",
            "The item's state does not allow this, or the voter already did it.",
        );
        add("429", "Too many writes; retry after `Retry-After` seconds.");
    }
    if admin {
        add("401", "The staff token is missing or wrong.");
        add(
            "403",
            "The token's owner lacks the role for this operation, or the server has no shared admin token and no personal token was sent.",
        );
        op.insert("security".into(), json!([{"staff": []}, {"console": []}]));
    }
    // Every answer names the contract version (`api::router`'s layer).
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
        for r in responses.values_mut().filter_map(Value::as_object_mut) {
            let headers = r.entry("headers").or_insert_with(|| json!({}));
            headers["Tongxin-Contract"] = json!({
                "description": "The REST contract version this server speaks (major.minor.patch).",
                "schema": {"type": "string"}
            });
        }
    }
    if resident_item && !admin && identifies {
        let params = op
            .entry("parameters")
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .expect("parameters is an array");
        params.extend(identity_headers());
        if write {
            params.push(idempotency_header());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_become_problem_json_and_shared_statuses_appear() {
        let doc = json!({"paths": {"/api/v1/polls/{id}/ballots": {"post": {
            "requestBody": {},
            "responses": {"201": {"description": "ok"}, "404": {"description": "x", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
        }}, "/api/v1/admin/polls": {"post": {"requestBody": {}, "responses": {}}}}});
        let doc = finish(doc);
        let op = &doc["paths"]["/api/v1/polls/{id}/ballots"]["post"];
        assert!(op["responses"]["404"]["content"]["application/problem+json"].is_object());
        assert!(op["responses"]["201"]["headers"]["Tongxin-Contract"].is_object());
        for code in [
            "400", "401", "403", "409", "413", "415", "422", "429", "503",
        ] {
            assert!(op["responses"][code].is_object(), "{code}");
        }
        let names: Vec<&str> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "X-Tongxin-Device",
                "X-Tongxin-Code",
                "X-Tongxin-Voter",
                "Idempotency-Key"
            ]
        );
        let admin = &doc["paths"]["/api/v1/admin/polls"]["post"];
        assert_eq!(admin["security"], json!([{"staff": []}, {"console": []}]));
        assert!(admin.get("parameters").is_none());
        assert_eq!(
            doc["components"]["securitySchemes"]["staff"]["scheme"],
            "bearer"
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["console"]["in"],
            "cookie"
        );
    }

    #[test]
    fn signing_in_needs_no_credential_and_may_be_limited() {
        let doc = crate::api::openapi_document();
        let sign_in = &doc["paths"]["/api/v1/staff/session"]["post"];
        assert!(sign_in.get("security").is_none(), "{sign_in}");
        assert!(sign_in["responses"]["429"].is_object());
        let me = &doc["paths"]["/api/v1/staff/session"]["get"];
        assert_eq!(me["security"], json!([{"console": []}]));
    }
}
