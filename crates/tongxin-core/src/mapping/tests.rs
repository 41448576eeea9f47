//! Whole mappings: loading and its errors, requests, answers, pages,
//! errors, and a property test that no input makes the evaluator panic.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::http::{link_next, vars_of};
use super::*;

fn load(v: Value) -> Result<Mapping, MappingError> {
    Mapping::from_json(&v.to_string())
}

fn surveys() -> Mapping {
    load(json!({
        "tongxin": 1,
        "base": "https://cms.example.org/api/",
        "vars": {"apiToken": "t0k"},
        "headers": {"authorization": "Bearer {apiToken}", "x-device": "{device}"},
        "errors": {"message": "error.text", "code": {"$path": "error.kind", "$map": {"CLOSED": "poll_closed"}}, "fields": "error.fields"},
        "operations": {
            "getPoll": {"url": "/surveys/{id}", "query": {"expand": "choices"}, "response": {
                "id": {"$path": "id", "$as": "int"},
                "title": "heading",
                "status": {"$path": "state", "$map": {"live": "open", "done": "closed"}},
                "options": {"$each": "choices", "$item": {"id": {"$path": "key", "$as": "int"}, "label": "text"}}
            }},
            "castBallot": {"method": "post", "url": "/votes", "headers": {"idempotency-key": "{key}"},
                "body": {"id": {"$template": "{device}-s{id}"}, "surveyId": {"$var": "id", "$as": "string"}, "picked": {"$path": "option", "$as": "string"}},
                "response": {"poll_id": {"$var": "id"}, "ballot": null, "ballots": 0, "at": {"$path": "createdAt", "$as": "millis"}}},
            "listProposals": {"url": "/projects", "query": {"_page": "{page}", "_limit": "{limit}",
                    "stage": {"$var": "step", "$map": {"propose": "idea", "evaluate": "review"}}},
                "pagination": {"style": "page"}, "response": {"items": {"$each": "$", "$item": "title"}}},
            "listSignatures": {"url": "/signatures", "query": {"charterId": "{id}", "_page": "1"},
                "pagination": {"style": "link"}, "response": {"items": "$", "total": {"$header": "x-total-count", "$as": "int"}}},
            "getResults": null
        }
    }))
    .unwrap()
}

#[test]
fn the_reference_mapping_loads_and_covers_the_contract() {
    let m = Mapping::reference();
    for op in Op::ALL {
        // The server counts ballots itself: it lists none.
        let lists_ballots = matches!(op, Op::ListBallots | Op::ListBudgetBallots);
        assert_eq!(m.has(op), !lists_ballots, "{}", op.name());
    }
    let vars = vars_of(&[
        ("id", json!(3)),
        ("device", json!("dev")),
        ("key", json!("k1")),
    ]);
    let r = m
        .request(
            Op::CastBallot,
            "/api",
            &vars,
            Some(&json!({"kind": "single", "option": 2})),
        )
        .unwrap();
    assert_eq!(r.method, "POST");
    assert_eq!(r.url, "/api/v1/polls/3/ballots");
    assert_eq!(r.body.as_deref(), Some(r#"{"kind":"single","option":2}"#));
    // Query parameters and headers come in name order; empty ones are left out.
    assert_eq!(
        r.headers,
        [
            ("idempotency-key".to_string(), "k1".to_string()),
            ("x-tongxin-device".into(), "dev".into()),
            ("content-type".into(), "application/json".into())
        ]
    );
    let q = vars_of(&[
        ("sort", json!("funding")),
        ("limit", json!(20)),
        ("cursor", json!("17.5")),
    ]);
    let r = m
        .request(Op::ListProposals, "http://h/api", &q, None)
        .unwrap();
    assert_eq!(
        r.url,
        "http://h/api/v1/proposals?cursor=17.5&limit=20&sort=funding"
    );
    let page = json!({"items": [1], "next_cursor": "9"});
    assert_eq!(
        m.read(Op::ListProposals, &q, 200, &[], &page.to_string()),
        Ok(page)
    );
    let problem = json!({"type": "/problems/poll_closed", "title": "Closed", "status": 409, "detail": "The poll is closed."});
    match m.read(Op::CastBallot, &vars, 409, &[], &problem.to_string()) {
        Err(Failure::Problem(p)) => assert_eq!((p.code(), p.status), ("poll_closed", 409)),
        other => panic!("{other:?}"),
    }
    match m.read(Op::GetPoll, &vars, 502, &[], "<html>Bad gateway</html>") {
        Err(Failure::Problem(p)) => assert_eq!((p.status, p.title.as_str()), (502, "HTTP 502")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn requests_fill_templates_value_maps_and_headers() {
    let m = surveys();
    let vars = vars_of(&[
        ("id", json!(7)),
        ("device", json!("d 1")),
        ("key", json!("k")),
    ]);
    let r = m.request(Op::GetPoll, "/ignored", &vars, None).unwrap();
    assert_eq!(
        r.url,
        "https://cms.example.org/api/surveys/7?expand=choices"
    );
    assert!(
        r.headers
            .contains(&("authorization".into(), "Bearer t0k".into()))
    );
    // The host overrides a mapping variable.
    let mut host = vars.clone();
    host.insert("apiToken".into(), json!("host"));
    let r = m.request(Op::GetPoll, "", &host, None).unwrap();
    assert!(
        r.headers
            .contains(&("authorization".into(), "Bearer host".into()))
    );
    let r = m
        .request(
            Op::CastBallot,
            "",
            &vars,
            Some(&json!({"kind": "single", "option": 2})),
        )
        .unwrap();
    assert_eq!(r.method, "POST");
    let body: Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"id": "d 1-s7", "surveyId": "7", "picked": "2"})
    );
    assert!(r.headers.contains(&("idempotency-key".into(), "k".into())));
    // Page numbers from the cursor; an empty variable drops its parameter.
    let q = vars_of(&[("limit", json!(10)), ("step", json!("propose"))]);
    let r = m.request(Op::ListProposals, "", &q, None).unwrap();
    assert_eq!(
        r.url,
        "https://cms.example.org/api/projects?_limit=10&_page=1&stage=idea"
    );
    let q = vars_of(&[("limit", json!(10)), ("cursor", json!("3"))]);
    let r = m.request(Op::ListProposals, "", &q, None).unwrap();
    assert_eq!(
        r.url,
        "https://cms.example.org/api/projects?_limit=10&_page=3"
    );
    // Absent operations say so.
    assert!(!m.has(Op::GetResults));
    assert!(
        m.request(Op::GetResults, "", &vars, None)
            .unwrap_err()
            .contains("no getResults")
    );
    // A header value cannot smuggle a line break.
    let mut evil = vars;
    evil.insert("device".into(), json!("x\r\nx-admin: 1"));
    assert!(
        m.request(Op::GetPoll, "", &evil, None)
            .unwrap_err()
            .contains("line break")
    );
}

#[test]
fn answers_are_read_into_the_contract() {
    let m = surveys();
    let vars = vars_of(&[("id", json!(7))]);
    let answer = json!({"id": "7", "heading": "Quiet hours?", "state": "done",
        "choices": [{"key": "1", "text": "21:00"}, {"key": "2", "text": "<b>22:00</b>"}]});
    assert_eq!(
        m.read(Op::GetPoll, &vars, 200, &[], &answer.to_string()),
        Ok(json!({"id": 7, "title": "Quiet hours?", "status": "closed",
            "options": [{"id": 1, "label": "21:00"}, {"id": 2, "label": "<b>22:00</b>"}]}))
    );
    // A field the answer lacks is left out (the contract then names it as
    // missing; optional fields stay optional).
    let partial = json!({"id": "7", "choices": []});
    assert_eq!(
        m.read(Op::GetPoll, &vars, 200, &[], &partial.to_string()),
        Ok(json!({"id": 7, "options": []}))
    );
    // A wrong type names the field.
    let bad = json!({"id": "seven", "choices": []});
    assert_eq!(
        m.read(Op::GetPoll, &vars, 200, &[], &bad.to_string()),
        Err(Failure::Mapping(
            "response.id: cannot read \"seven\" as an integer".into()
        ))
    );
    assert!(matches!(
        m.read(Op::GetPoll, &vars, 200, &[], "{not json"),
        Err(Failure::Mapping(m)) if m.contains("not JSON")
    ));
    let receipt = m
        .read(
            Op::CastBallot,
            &vars,
            201,
            &[],
            r#"{"createdAt": "1970-01-01T00:00:01Z"}"#,
        )
        .unwrap();
    assert_eq!(receipt["at"], json!(1000));
    // Errors through the mapping's error spec.
    let err = json!({"error": {"text": "Survey is over", "kind": "CLOSED", "fields": {"picked": "required"}}});
    match m.read(Op::CastBallot, &vars, 409, &[], &err.to_string()) {
        Err(Failure::Problem(p)) => {
            assert_eq!(p.code(), "poll_closed");
            assert_eq!(p.detail, "Survey is over");
            assert_eq!(p.errors.unwrap().0["picked"], ["required"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn pages_by_number_and_by_link_header() {
    let m = surveys();
    let q = vars_of(&[("limit", json!(2)), ("cursor", json!("4"))]);
    let full = m.read(
        Op::ListProposals,
        &q,
        200,
        &[],
        r#"[{"title":"a"},{"title":"b"}]"#,
    );
    assert_eq!(full, Ok(json!({"items": ["a", "b"], "next_cursor": "5"})));
    let last = m.read(Op::ListProposals, &q, 200, &[], r#"[{"title":"c"}]"#);
    assert_eq!(last, Ok(json!({"items": ["c"], "next_cursor": null})));

    let link = r#"<https://cms.example.org/api/signatures?_page=1>; rel="first", <https://cms.example.org/api/signatures?charterId=1&_page=2>; rel="next""#;
    let headers = vec![
        ("link".to_string(), link.to_string()),
        ("x-total-count".into(), "31".into()),
    ];
    let v = m
        .read(
            Op::ListSignatures,
            &vars_of(&[("id", json!(1))]),
            200,
            &headers,
            "[]",
        )
        .unwrap();
    assert_eq!(
        v["next_cursor"],
        json!("https://cms.example.org/api/signatures?charterId=1&_page=2")
    );
    assert_eq!(v["total"], json!(31));
    // The next page is requested as linked, but only on this backend.
    let next = vars_of(&[("id", json!(1)), ("cursor", v["next_cursor"].clone())]);
    let r = m.request(Op::ListSignatures, "", &next, None).unwrap();
    assert_eq!(
        r.url,
        "https://cms.example.org/api/signatures?charterId=1&_page=2"
    );
    for evil in [
        "https://evil.example/steal",
        "//evil.example/steal",
        "/\\evil.example/steal",
        "https://cms.example.org@evil.example/x",
        "/\t/evil.example/x",
        "javascript://cms.example.org/%0aalert(1)",
    ] {
        let away = vars_of(&[("cursor", json!(evil))]);
        assert!(
            m.request(Op::ListSignatures, "", &away, None)
                .is_err_and(|e| e.contains("leaves")),
            "{evil}"
        );
    }
    let same = vars_of(&[("cursor", json!("https://CMS.example.org/api/x?_page=3"))]);
    assert!(m.request(Op::ListSignatures, "", &same, None).is_ok());
    assert_eq!(link_next("<a>; rel=prev"), None);
    assert_eq!(link_next("<a>; rel=next").as_deref(), Some("a"));
}

#[test]
fn load_errors_name_the_operation_and_field() {
    let cases = [
        (json!([]), "must be a JSON object"),
        (json!({"operations": {}}), "\"tongxin\": 1 is missing"),
        (json!({"tongxin": 2, "operations": {}}), "format 1, not 2"),
        (
            json!({"tongxin": 1, "operatons": {}}),
            "unknown key \"operatons\"",
        ),
        (
            json!({"tongxin": 1, "operations": {"getPol": {}}}),
            "unknown operation \"getPol\"",
        ),
        (
            json!({"tongxin": 1, "operations": {"getPoll": {"url": "/p/{id}"}}}),
            "operation getPoll: response: missing",
        ),
        (
            json!({"tongxin": 1, "operations": {"getPoll": {"response": "$"}}}),
            "operation getPoll: url: missing",
        ),
        (
            json!({"tongxin": 1, "operations": {"getPoll": {"url": "/p/{idd}", "response": "$"}}}),
            "operation getPoll: url: unknown variable {idd}",
        ),
        (
            json!({"tongxin": 1, "operations": {"getPoll": {"url": "/p", "method": "FETCH", "response": "$"}}}),
            "method: \"FETCH\"",
        ),
        (
            json!({"tongxin": 1, "operations": {"getPoll": {"url": "/p", "response": {"title": "a..b"}}}}),
            "operation getPoll: response.title: empty key",
        ),
        (
            json!({"tongxin": 1, "operations": {"getPoll": {"url": "/p", "respnse": "$"}}}),
            "operation getPoll: the operation has an unknown key \"respnse\"",
        ),
        (
            json!({"tongxin": 1, "operations": {"getPoll": {"url": "/p", "response": "$", "pagination": {"style": "page"}}}}),
            "only list operations",
        ),
        (
            json!({"tongxin": 1, "operations": {"listProposals": {"url": "/p", "response": "$", "pagination": {"style": "pages"}}}}),
            "pagination.style",
        ),
        (
            json!({"tongxin": 1, "vars": {"a-b": 1}, "operations": {}}),
            "not a variable name",
        ),
        (
            json!({"tongxin": 1, "headers": {"x": "{nope}"}, "operations": {}}),
            "headers.x: unknown variable",
        ),
        (
            json!({"tongxin": 1, "errors": {"code": "c"}, "operations": {}}),
            "errors.message: missing",
        ),
    ];
    for (doc, why) in cases {
        let e = load(doc.clone()).unwrap_err().to_string();
        assert!(e.contains(why), "{doc}: {e}");
    }
    assert!(
        Mapping::from_json("{")
            .unwrap_err()
            .to_string()
            .contains("not valid JSON")
    );
    let huge = format!(
        "{{\"tongxin\":1,\"vars\":{{\"a\":\"{}\"}},\"operations\":{{}}}}",
        "x".repeat(2 << 20)
    );
    assert!(
        Mapping::from_json(&huge)
            .unwrap_err()
            .to_string()
            .contains("larger than")
    );
    // serde_json's own recursion limit stops absurd nesting at load.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(Mapping::from_json(&deep).is_err());
    // A null operation is declared absent.
    let m = load(json!({"tongxin": 1, "operations": {"getResults": null}})).unwrap();
    assert!(!m.has(Op::GetResults));
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-z$@.\\[\\]0-9\"*-]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("$path".to_string()),
                    Just("$each".to_string()),
                    Just("$item".to_string()),
                    Just("$map".to_string()),
                    Just("$as".to_string()),
                    Just("$entries".to_string()),
                    Just("$count".to_string()),
                    Just("$first".to_string()),
                    Just("$sum".to_string()),
                    Just("$times".to_string()),
                    Just("$default".to_string()),
                    Just("$if".to_string()),
                    Just("$then".to_string()),
                    Just("$else".to_string()),
                    Just("$group".to_string()),
                    Just("$by".to_string()),
                    Just("$div".to_string()),
                    "[a-z]{1,4}",
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Whatever the expression and whatever the answer, evaluation returns
    /// a value or an error — never a panic.
    #[test]
    fn the_evaluator_never_panics(expr in any_json(), body in any_json()) {
        if let Ok(e) = expr::Expr::parse(&expr, "response", &|n| n == "id") {
            let vars = vars_of(&[("id", json!(1))]);
            let _ = e.eval(&body, &expr::Ctx { body: &body, vars: &vars, headers: &[], drop_nulls: true });
        }
    }

    /// Whatever a mapping document holds, loading it gives a mapping or a
    /// message — and a loaded mapping builds requests and reads answers
    /// without panicking.
    #[test]
    fn loading_and_applying_never_panics(ops in any_json(), answer in any_json(), status in 100u16..600) {
        let doc = json!({"tongxin": 1, "operations": {"getPoll": {"url": "/p/{id}", "response": ops},
            "listProposals": {"url": "/l", "pagination": {"style": "page"}, "response": ops}}});
        if let Ok(m) = Mapping::from_value(&doc) {
            let vars = vars_of(&[("id", json!(1)), ("limit", json!(2))]);
            let _ = m.request(Op::GetPoll, "", &vars, Some(&answer));
            let _ = m.read(Op::GetPoll, &vars, status, &[], &answer.to_string());
            let _ = m.read(Op::ListProposals, &vars, status, &[], &answer.to_string());
        }
    }

    /// `$group` accounts for every item once: the counts add up to the
    /// array's length and no key appears twice.
    #[test]
    fn group_counts_add_up(keys in proptest::collection::vec(0u8..40, 0..300)) {
        let body = Value::Array(keys.iter().map(|k| json!({"unit": k})).collect());
        let e = expr::Expr::parse(&json!({"$group": "$", "$by": "unit"}), "response", &|_| false).unwrap();
        let vars = vars_of(&[]);
        let out = e.eval(&body, &expr::Ctx { body: &body, vars: &vars, headers: &[], drop_nulls: true }).unwrap();
        let rows = out.as_array().unwrap();
        let total: u64 = rows.iter().map(|r| r["count"].as_u64().unwrap()).sum();
        prop_assert_eq!(total as usize, keys.len());
        let seen: std::collections::BTreeSet<String> = rows.iter().map(|r| r["key"].to_string()).collect();
        prop_assert_eq!(seen.len(), rows.len());
        let distinct: std::collections::BTreeSet<u8> = keys.iter().copied().collect();
        prop_assert_eq!(rows.len(), distinct.len());
    }

    /// Paths: any text parses or is refused, and reading never panics.
    #[test]
    fn paths_never_panic(text in "\\PC{0,40}", body in any_json()) {
        if let Ok(p) = path::Path::parse(&text) {
            let _ = p.get(&body, &body);
        }
    }
}

#[test]
fn a_mapping_may_name_event_streams() {
    use crate::contract::live::Topic;
    let m = load(json!({
        "tongxin": 1,
        "base": "https://cms.example.org/api/",
        "vars": {"site": "bj"},
        "events": {"poll": "/surveys/{id}/stream?site={site}", "board": "https://push.example.org/projects"},
        "operations": {}
    }))
    .unwrap();
    let vars = Vars::new();
    assert_eq!(
        m.events_url(Topic::Poll(crate::Id::int(7)), "https://ignored", &vars)
            .as_deref(),
        Some("https://cms.example.org/api/surveys/7/stream?site=bj")
    );
    assert_eq!(
        m.events_url(Topic::Board, "", &vars).as_deref(),
        Some("https://push.example.org/projects")
    );
    assert_eq!(
        m.events_url(Topic::Convention(crate::Id::int(1)), "", &vars),
        None
    );
    for (bad, says) in [
        (json!({"votes": "/x"}), "unknown stream \"votes\""),
        (json!({"poll": 3}), "events.poll: a URL template string"),
        (json!({"poll": "/x/{nope}"}), "events.poll:"),
        (json!([]), "must be an object of stream URLs"),
    ] {
        let e = load(json!({"tongxin": 1, "events": bad, "operations": {}})).unwrap_err();
        assert!(e.message.contains(says), "{e}");
    }
}
