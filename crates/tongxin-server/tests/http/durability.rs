//! Concurrency, restarts, the demo seed and the generated OpenAPI document.

use std::collections::BTreeSet;

use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_clients_forty_ballots_each_with_retries_count_exactly() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t
        .poll(s[2], json!({"type": "single"}), &["a", "b", "c"], json!({}))
        .await;
    let path = format!("/api/v1/polls/{id}/ballots");
    let mut clients = Vec::new();
    for c in 0..50usize {
        let http = t.http.clone();
        let url = format!("{}{}", t.url, path);
        clients.push(tokio::spawn(async move {
            let mut accepted = BTreeSet::new();
            for b in 0..40usize {
                let n = c * 40 + b;
                let send_once = || {
                    http.post(&url)
                        .header("x-tongxin-device", device(n))
                        .header("idempotency-key", format!("ballot-{n}"))
                        .json(&json!({"kind": "single", "option": n % 3 + 1}))
                        .send()
                };
                let first = send_once().await.unwrap().status().as_u16();
                assert_eq!(first, 201);
                accepted.insert(n);
                // 10 % are retried with the same key, as the offline outbox does.
                if n % 10 == 0 {
                    let again = send_once().await.unwrap();
                    assert_eq!(again.status().as_u16(), 201);
                    assert_eq!(again.headers()["idempotent-replayed"], "true");
                }
            }
            accepted
        }));
    }
    let mut distinct = BTreeSet::new();
    for c in clients {
        distinct.extend(c.await.unwrap());
    }
    assert_eq!(distinct.len(), 2000);
    let r = t.get(&format!("/api/v1/polls/{id}/results")).await;
    assert_eq!(r["ballots"], 2000);
    let sum: i64 = r["results"]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["count"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, 2000);
    let rows = t
        .one(
            "SELECT COUNT(*) FROM ballots WHERE poll_id = ?1",
            &[id.into()],
        )
        .int();
    assert_eq!(rows, 2000);
}

#[tokio::test]
async fn everything_survives_a_restart() {
    let mut t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t
        .poll(s[2], json!({"type": "ranked"}), &["a", "b", "c"], json!({}))
        .await;
    for (n, ranking) in [(1, vec![1, 2]), (2, vec![2, 1]), (3, vec![3, 2])] {
        send(
            t.req(Method::POST, &format!("/api/v1/polls/{id}/ballots"))
                .header("x-tongxin-device", device(n))
                .json(&json!({"kind": "ranked", "ranking": ranking})),
        )
        .await;
    }
    let before: Value = t.get(&format!("/api/v1/polls/{id}/results")).await;
    let snap = t.snapshot();
    t.restart().await;
    assert_eq!(t.snapshot(), snap);
    assert_eq!(t.get(&format!("/api/v1/polls/{id}/results")).await, before);
    assert_eq!(before["results"]["runoff"]["winner"], 2);
    // The same device is still recognised after the restart.
    expect_problem(
        t.req(Method::POST, &format!("/api/v1/polls/{id}/ballots"))
            .header("x-tongxin-device", device(1))
            .json(&json!({"kind": "ranked", "ranking": [3]})),
        409,
        "already-voted",
    )
    .await;
}

#[tokio::test]
async fn demo_seed_tells_the_kunming_story() {
    let t = TestServer::start_with(|c| c.demo = true).await;
    let r = t.get("/api/v1/polls/1/results").await;
    assert_eq!(r["ballots"], 526);
    assert_eq!(r["results"]["threshold_percent"], 80);
    assert_eq!(r["results"]["options"][0]["adopted"], true);
    let c = t.get("/api/v1/conventions/1").await;
    assert!(c["title"].as_str().unwrap().contains("碧鸡广场"));
    assert!(c["articles"].as_array().unwrap().len() >= 5);
    let p = t.get("/api/v1/proposals/1").await;
    assert_eq!(p["proposal"]["step"], "evaluate");
    assert_eq!(p["funding"]["pledged_residents_fen"], 860_000);
    assert_eq!(p["funding"]["pledged_organisations_fen"], 1_000_000);
    let steps: BTreeSet<String> = t.get("/api/v1/proposals?limit=100").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["proposal"]["step"].as_str().unwrap().to_string())
        .collect();
    for step in ["propose", "deliberate", "consult", "resolve", "evaluate"] {
        assert!(steps.contains(step), "{step} missing from {steps:?}");
    }
    let kinds: BTreeSet<String> = t
        .get("/api/v1/polls")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"]["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds.len(), 6, "{kinds:?}");
    // Seeding twice does not duplicate.
    let mut t = t;
    t.restart().await;
    assert_eq!(t.get("/api/v1/polls/1/count").await["ballots"], 526);
}

#[tokio::test]
async fn openapi_document_lists_every_endpoint() {
    let t = TestServer::start().await;
    let doc = t.get("/openapi.json").await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/scopes",
        "/api/v1/polls",
        "/api/v1/polls/{id}",
        "/api/v1/polls/{id}/results",
        "/api/v1/polls/{id}/count",
        "/api/v1/polls/{id}/ballots",
        "/api/v1/polls/{id}/ballots/mine",
        "/api/v1/conventions/{id}/signatures",
        "/api/v1/conventions/{id}/signatures/mine",
        "/api/v1/conventions/{id}/count",
        "/api/v1/proposals",
        "/api/v1/proposals/{id}/supports",
        "/api/v1/proposals/{id}/comments",
        "/api/v1/proposals/{id}/pledges",
        "/api/v1/proposals/{id}/ledger",
        "/api/v1/proposals/{id}/timeline",
        "/api/v1/proposals/{id}/evaluations",
        "/api/v1/admin/polls",
        "/api/v1/admin/proposals/{id}/transitions",
        "/api/v1/admin/codes",
        "/api/v1/budgets/{id}",
        "/api/v1/budgets/{id}/ballots",
        "/api/v1/budgets/{id}/results",
        "/api/v1/budgets/{id}/pabulib.pb",
        "/api/v1/admin/budgets",
    ] {
        assert!(paths.contains_key(p), "{p} missing from /openapi.json");
    }
    // Every operation has its own operationId: code generators (the npm
    // package's `contract.d.ts`) name one type per id, and two handlers
    // called `cast` made TypeScript refuse the file.
    let mut ids = std::collections::BTreeMap::new();
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            if let Some(id) = op["operationId"].as_str()
                && let Some(first) = ids.insert(id.to_owned(), format!("{method} {path}"))
            {
                panic!("operationId {id} used by {first} and {method} {path}");
            }
        }
    }
    assert!(ids.contains_key("budget_cast"), "{ids:?}");
    for schema in [
        "Ballot",
        "Poll",
        "Problem",
        "PollResults",
        "TransitionAction",
        "FundingSummary",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "schema {schema} missing"
        );
    }
}

/// Every `$ref` in the document points at a schema it defines (code
/// generators such as openapi-typescript refuse a document otherwise), and
/// the document and every API answer name the contract version.
#[tokio::test]
async fn openapi_refs_resolve_and_the_contract_version_is_named() {
    fn refs<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match v {
            serde_json::Value::Object(o) => {
                if let Some(r) = o.get("$ref").and_then(|r| r.as_str()) {
                    out.push(r);
                }
                o.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let t = TestServer::start().await;
    let doc = t.get("/openapi.json").await;
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 50, "the document uses references");
    for r in found {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {r}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "$ref {r} names no schema"
        );
    }
    let version = tongxin_core::contract::version::VERSION;
    assert_eq!(doc["info"]["version"], version);
    let r = t.req(Method::GET, "/api/v1/polls/1").send().await.unwrap();
    assert_eq!(r.headers()["tongxin-contract"], version);
    assert_eq!(tongxin_server::api::openapi_document(), doc);
}

#[tokio::test]
async fn serves_www_and_tolerates_a_missing_bundle() {
    let www = tempfile::tempdir().unwrap();
    std::fs::write(www.path().join("index.html"), "<h1>南强街道</h1>").unwrap();
    let dir = www.path().to_path_buf();
    let t = TestServer::start_with(move |c| c.www_dir = Some(dir)).await;
    let r = t.req(Method::GET, "/").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("南强街道"));
    assert_eq!(
        t.req(Method::GET, "/tongxin/tongxin.js")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        t.req(Method::GET, "/healthz")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readme_curl_examples_work() {
    let t = TestServer::start_with(|c| {
        c.demo = true;
        c.admin_token = Some("demo-admin-token".into());
    })
    .await;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let lines: Vec<&str> = readme.lines().filter(|l| l.starts_with("curl ")).collect();
    assert!(lines.len() >= 8, "the README shows curl examples");
    for line in lines {
        let cmd = line
            .replacen("curl ", "curl -sS --fail-with-body -o /dev/null ", 1)
            .replace("http://127.0.0.1:8080", &t.url);
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&cmd)
            .output()
            .expect("sh and curl");
        assert!(
            out.status.success(),
            "{line}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
