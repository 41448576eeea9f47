//! The reference server's route for each operation, written out.
//!
//! A page whose widgets talk to the reference server needs none of the
//! mapping language: these few lines build the same requests and read the
//! same answers as `mapping/reference.json` does through the mapping engine
//! (a unit test holds the two equal), so the engine is only downloaded by
//! pages that name another backend.

use serde_json::Value;

use crate::mapping::http::{Failure, HttpRequest, answer_json, parse_answer, problem_of};
use crate::mapping::template::{encode_component, var_text};
use crate::mapping::{Op, Vars};

/// Method and path (`{id}`, `{commentId}` filled in) of `op`, with the
/// query variables it takes (by name, as the mapping orders them), or
/// `None` for operations the server lacks.
fn route(op: Op) -> Option<(&'static str, &'static str, &'static [&'static str])> {
    use Op::*;
    Some(match op {
        GetPoll => ("GET", "/v1/polls/{id}", &[]),
        GetResults => ("GET", "/v1/polls/{id}/results", &[]),
        GetMyBallot => ("GET", "/v1/polls/{id}/ballots/mine", &[]),
        ListBallots => return None,
        CastBallot => ("POST", "/v1/polls/{id}/ballots", &[]),
        ChangeBallot => ("PUT", "/v1/polls/{id}/ballots/mine", &[]),
        ListScopes => ("GET", "/v1/scopes", &[]),
        GetConvention => ("GET", "/v1/conventions/{id}", &[]),
        GetSignatureCounts => ("GET", "/v1/conventions/{id}/count", &[]),
        ListSignatures => (
            "GET",
            "/v1/conventions/{id}/signatures",
            &["cursor", "limit"],
        ),
        ListMySignatures => ("GET", "/v1/conventions/{id}/signatures/mine", &[]),
        Sign => ("POST", "/v1/conventions/{id}/signatures", &[]),
        Withdraw => ("DELETE", "/v1/conventions/{id}/signatures/mine", &[]),
        ListProposals => (
            "GET",
            "/v1/proposals",
            &["cursor", "limit", "scope_id", "sort", "step"],
        ),
        GetProposal => ("GET", "/v1/proposals/{id}", &[]),
        SubmitProposal => ("POST", "/v1/proposals", &[]),
        Support => ("POST", "/v1/proposals/{id}/supports", &[]),
        Unsupport => ("DELETE", "/v1/proposals/{id}/supports/mine", &[]),
        GetTimeline => ("GET", "/v1/proposals/{id}/timeline", &[]),
        ListComments => ("GET", "/v1/proposals/{id}/comments", &["order"]),
        AddComment => ("POST", "/v1/proposals/{id}/comments", &[]),
        ReportComment => (
            "POST",
            "/v1/proposals/{id}/comments/{commentId}/reports",
            &[],
        ),
        ListPledges => ("GET", "/v1/proposals/{id}/pledges", &[]),
        Pledge => ("POST", "/v1/proposals/{id}/pledges", &[]),
        GetLedger => ("GET", "/v1/proposals/{id}/ledger", &[]),
        GetEvaluations => ("GET", "/v1/proposals/{id}/evaluations", &[]),
        Evaluate => ("POST", "/v1/proposals/{id}/evaluations", &[]),
        GetIndicators => ("GET", "/v1/indicators", &["period", "scope"]),
        GetBudget => ("GET", "/v1/budgets/{id}", &[]),
        GetBudgetResults => ("GET", "/v1/budgets/{id}/results", &[]),
        GetMyBudgetBallot => ("GET", "/v1/budgets/{id}/ballots/mine", &[]),
        ListBudgetBallots => return None,
        CastBudgetBallot => ("POST", "/v1/budgets/{id}/ballots", &[]),
        ChangeBudgetBallot => ("PUT", "/v1/budgets/{id}/ballots/mine", &[]),
    })
}

/// Headers every request carries when their variable is set (in the
/// mapping's order, by name).
const HEADERS: [(&str, &str); 4] = [
    ("idempotency-key", "key"),
    ("x-tongxin-code", "code"),
    ("x-tongxin-device", "device"),
    ("x-tongxin-voter", "voterToken"),
];

/// The reads each widget (`data-tongxin` name) makes as soon as it is
/// drawn on the reference server, as paths (`{id}`: the item's id). The
/// loader starts them while the bundle downloads (`cargo xtask bundle`
/// writes them into its manifest) and hands each answer to the request the
/// widget then sends with the same URL and headers: a phone's round trips
/// overlap the download instead of following it. The board's is its first
/// page of every scope, newest first (a board of one scope, or one the
/// resident sorted, reads for itself); the indicators (scope, period) have
/// none.
pub fn first_reads() -> Vec<(&'static str, Vec<String>)> {
    use Op::*;
    let plain = |ops: &[Op]| -> Vec<String> {
        ops.iter()
            .filter_map(|op| read_path(*op).map(str::to_string))
            .collect()
    };
    let board = Vars::from([
        ("limit".to_string(), Value::from(super::BOARD_PAGE)),
        (
            "sort".to_string(),
            Value::from(super::ProposalSort::default().as_str()),
        ),
    ]);
    vec![
        ("poll", plain(&[GetPoll, GetResults, GetMyBallot])),
        (
            "convention",
            plain(&[
                GetConvention,
                GetSignatureCounts,
                ListMySignatures,
                ListScopes,
            ]),
        ),
        ("proposal", plain(&[GetProposal, GetTimeline, ListScopes])),
        (
            "proposals",
            request(ListProposals, "", &board, None)
                .map(|r| vec![r.url])
                .unwrap_or_default(),
        ),
        (
            "budget",
            plain(&[GetBudget, GetBudgetResults, GetMyBudgetBallot]),
        ),
    ]
}

/// The path of a read without query variables (`/v1/polls/{id}`), for the
/// loader's first reads; `None` for writes and paged or filtered reads.
pub fn read_path(op: Op) -> Option<&'static str> {
    route(op)
        .and_then(|(method, path, query)| (method == "GET" && query.is_empty()).then_some(path))
}

/// The header that carries the variable `var` (`device`, `voterToken`, …).
pub fn header_of(var: &str) -> Option<&'static str> {
    HEADERS.iter().find(|(_, v)| *v == var).map(|(h, _)| *h)
}

/// Whether the reference server has `op`.
pub fn has(op: Op) -> bool {
    route(op).is_some()
}

/// The request for `op` to the reference server at `base` (e.g.
/// `https://example.org/api`). Empty variables are left out of the query
/// and the headers, as the mapping does.
pub fn request(
    op: Op,
    base: &str,
    vars: &Vars,
    body: Option<&Value>,
) -> Result<HttpRequest, String> {
    let (method, path, query) =
        route(op).ok_or_else(|| format!("the backend has no {} operation", op.name()))?;
    let text = |name: &str| vars.get(name).and_then(var_text);
    let mut url = base.trim_end_matches('/').to_string();
    for (i, part) in path.split(['{', '}']).enumerate() {
        if i % 2 == 0 {
            url.push_str(part);
        } else {
            let value =
                text(part).ok_or_else(|| format!("url: a variable of {} is empty", op.name()))?;
            url.push_str(&encode_component(&value));
        }
    }
    let mut sep = '?';
    for name in query {
        // The query names the server's; the widget's variable is camelCase.
        let var = if *name == "scope_id" { "scopeId" } else { name };
        if let Some(v) = text(var) {
            url.push(sep);
            url.push_str(name);
            url.push('=');
            url.push_str(&encode_component(&v));
            sep = '&';
        }
    }
    let mut headers = Vec::new();
    for (name, var) in HEADERS {
        if let Some(v) = text(var) {
            if v.contains(['\r', '\n']) {
                return Err(format!("header {name}: a line break in its value"));
            }
            headers.push((name.to_string(), v));
        }
    }
    // Reads carry no body; every write but `support` and `withdraw` sends the widget's.
    let sends_body = method != "GET" && !matches!(op, Op::Support | Op::Unsupport | Op::Withdraw);
    let body = sends_body.then(|| {
        headers.push(("content-type".into(), "application/json".into()));
        body.cloned().unwrap_or(Value::Null).to_string()
    });
    Ok(HttpRequest {
        method: method.into(),
        url,
        headers,
        body,
    })
}

/// The reference server's answer to `op`: the contract's value, or the
/// problem it sent.
pub fn read(op: Op, status: u16, text: &str) -> Result<Value, Failure> {
    let parsed = parse_answer(text)?;
    if !(200..300).contains(&status) {
        return Err(Failure::Problem(problem_of(
            status,
            parsed.unwrap_or(Value::Null),
        )));
    }
    let mut value = answer_json(parsed)?;
    if op.is_paged() {
        let obj = value.as_object_mut().ok_or_else(|| {
            Failure::Mapping("response: a page must be an object with items".into())
        })?;
        obj.entry("next_cursor").or_insert(Value::Null);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::Mapping;
    use crate::mapping::http::MAX_RESPONSE_BYTES;
    use serde_json::json;

    fn vars(pairs: &[(&str, Value)]) -> Vars {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    /// Every first read is a read the widget sends as it is drawn: the
    /// request built for it is the path the loader fills in.
    #[test]
    fn first_reads_are_the_requests_the_widgets_send() {
        let v = vars(&[
            ("id", json!("p-7")),
            ("device", json!("tx-0123456789abcdef")),
        ]);
        let reads = first_reads();
        for (widget, paths) in &reads {
            assert!(!paths.is_empty(), "{widget}");
        }
        let poll = &reads.iter().find(|(w, _)| *w == "poll").unwrap().1;
        for (op, path) in [Op::GetPoll, Op::GetResults, Op::GetMyBallot]
            .into_iter()
            .zip(poll)
        {
            let r = request(op, "/api", &v, None).unwrap();
            assert_eq!(r.url, format!("/api{}", path.replace("{id}", "p-7")));
            assert_eq!(r.method, "GET");
            assert_eq!(
                r.headers,
                vec![(
                    "x-tongxin-device".to_string(),
                    "tx-0123456789abcdef".to_string()
                )]
            );
        }
        let board = &reads.iter().find(|(w, _)| *w == "proposals").unwrap().1;
        assert_eq!(
            board,
            &vec!["/v1/proposals?limit=10&sort=newest".to_string()]
        );
        assert_eq!(read_path(Op::CastBallot), None);
        assert_eq!(read_path(Op::ListProposals), None);
        assert_eq!(header_of("device"), Some("x-tongxin-device"));
        assert_eq!(header_of("voterToken"), Some("x-tongxin-voter"));
        assert_eq!(header_of("nothing"), None);
    }

    /// The written-out routes build exactly what the reference mapping
    /// builds, for every operation and with variables set or empty.
    #[test]
    fn routes_equal_the_reference_mapping() {
        let m = Mapping::reference();
        let full = vars(&[
            ("id", json!(42)),
            ("commentId", json!(7)),
            ("cursor", json!("c/ü 1")),
            ("limit", json!(20)),
            ("sort", json!("supports")),
            ("step", json!("propose")),
            ("scopeId", json!(3)),
            ("order", json!("newest")),
            ("key", json!("k-1")),
            ("device", json!("dev-123")),
            ("code", json!("ABCD-EFGH")),
            ("voterToken", json!("a.b.c")),
        ]);
        let sparse = vars(&[("id", json!("x y")), ("commentId", json!(1))]);
        let body = json!({"kind": "single", "option": 2, "text": "<b>孙</b>"});
        for op in Op::ALL {
            assert_eq!(has(op), m.has(op), "{}", op.name());
            if !has(op) {
                continue;
            }
            for v in [&full, &sparse] {
                for b in [None, Some(&body)] {
                    let mapped = m.request(op, "https://h.example/api/", v, b);
                    let written = request(op, "https://h.example/api/", v, b);
                    assert_eq!(written, mapped, "{} {v:?} {b:?}", op.name());
                }
            }
        }
        // A line break in a header value is refused, as by the mapping.
        let bad = vars(&[("id", json!(1)), ("device", json!("a\r\nx: y"))]);
        assert!(request(Op::GetPoll, "/api", &bad, None).is_err());
        assert!(request(Op::ListBallots, "/api", &full, None).is_err());
        assert!(request(Op::GetPoll, "/api", &Vars::new(), None).is_err());
    }

    #[test]
    fn answers_read_like_the_reference_mapping() {
        let m = Mapping::reference();
        let v = Vars::new();
        let cases: &[(Op, u16, &str)] = &[
            (Op::GetPoll, 200, r#"{"id": 1, "title": "t"}"#),
            (Op::ListSignatures, 200, r#"{"items": []}"#),
            (
                Op::ListProposals,
                200,
                r#"{"items": [], "next_cursor": "n"}"#,
            ),
            (Op::ListSignatures, 200, r#"[1, 2]"#),
            (Op::GetMyBallot, 200, ""),
            (Op::GetPoll, 200, "{not json"),
            (
                Op::CastBallot,
                409,
                r#"{"type": "/problems/already-voted", "title": "t", "status": 409, "detail": "d"}"#,
            ),
            (Op::CastBallot, 500, "<html>oops</html>"),
            (Op::CastBallot, 422, r#"{"type": 3}"#),
        ];
        for (op, status, text) in cases {
            let mapped = m.read(*op, &v, *status, &[], text);
            assert_eq!(
                read(*op, *status, text),
                mapped,
                "{} {status} {text}",
                op.name()
            );
        }
        let huge = " ".repeat(MAX_RESPONSE_BYTES + 1);
        assert!(matches!(
            read(Op::GetPoll, 200, &huge),
            Err(Failure::Mapping(_))
        ));
    }
}
