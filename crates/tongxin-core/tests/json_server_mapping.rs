//! The json-server example's mapping (`examples/json-server/mapping.json`)
//! read against its own `db.json`, as json-server would answer, into the
//! contract's types — so a mistake in the example fails here before any
//! browser test.

use serde_json::{Value, json};
use tongxin_core::Id;
use tongxin_core::contract::{
    BallotReceipt, ConventionView, MyBallot, Page, PollView, ProposalCard, SignatureCounts,
    SignatureReceipt,
};
use tongxin_core::convention::PublicSignature;
use tongxin_core::mapping::http::vars_of;
use tongxin_core::mapping::{Mapping, Op};
use tongxin_core::poll::Ballot;
use tongxin_core::scope::Scope;

fn mapping() -> Mapping {
    Mapping::from_json(include_str!("../../../examples/json-server/mapping.json")).unwrap()
}

fn db() -> Value {
    serde_json::from_str(include_str!("../../../examples/json-server/db.json")).unwrap()
}

fn read<T: serde::de::DeserializeOwned>(op: Op, vars: &[(&str, Value)], answer: &Value) -> T {
    read_with(op, vars, &[], answer)
}

fn read_with<T: serde::de::DeserializeOwned>(
    op: Op,
    vars: &[(&str, Value)],
    headers: &[(String, String)],
    answer: &Value,
) -> T {
    let v = mapping()
        .read(op, &vars_of(vars), 200, headers, &answer.to_string())
        .unwrap_or_else(|e| panic!("{}: {e:?}", op.name()));
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{}: {e}\n{v:#}", op.name()))
}

#[test]
fn polls_from_surveys_and_votes() {
    let db = db();
    let mut survey = db["surveys"][0].clone();
    survey["votes"] = db["votes"].clone();
    let poll: PollView = read(Op::GetPoll, &[("id", json!(7))], &survey);
    assert_eq!(poll.poll.id, Id::from(7));
    assert_eq!(poll.poll.options[1].label, "21:30");
    assert_eq!(poll.ballots, 3);
    assert!(poll.poll.allow_change);
    let ballots: Vec<Ballot> = read(Op::ListBallots, &[("id", json!(7))], &db["votes"]);
    assert_eq!(ballots.len(), 3);
    let mine: Option<MyBallot> = read(Op::GetMyBallot, &[("id", json!(7))], &json!([]));
    assert_eq!(mine, None);
    let mine: Option<MyBallot> = read(
        Op::GetMyBallot,
        &[("id", json!(7))],
        &json!([db["votes"][0]]),
    );
    assert_eq!(
        mine.unwrap().ballot,
        Some(Ballot::Single {
            option: Id::from(2)
        })
    );

    // The vote as json-server will store it.
    let vars = vars_of(&[
        ("id", json!(7)),
        ("device", json!("dev1")),
        ("now", json!(5)),
    ]);
    let req = mapping()
        .request(
            Op::CastBallot,
            "http://127.0.0.1:3000",
            &vars,
            Some(&json!({"kind": "single", "option": 3})),
        )
        .unwrap();
    assert_eq!(req.url, "http://127.0.0.1:3000/votes");
    let stored: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        stored,
        json!({"id": "dev1-7", "surveyId": "7", "voter": "dev1", "picked": {"kind": "single", "option": 3}, "at": 5})
    );
    let receipt: BallotReceipt = read(Op::CastBallot, &[("id", json!(7))], &stored);
    assert_eq!(receipt.at, 5);
}

#[test]
fn conventions_from_charters_and_signatures() {
    let db = db();
    let c: ConventionView = read(Op::GetConvention, &[("id", json!(1))], &db["charters"][0]);
    assert_eq!(
        (c.convention.articles.len(), c.convention.goal, c.open),
        (3, 50, true)
    );
    let mut embedded = db["charters"][0].clone();
    embedded["signatures"] = db["signatures"].clone();
    let counts: SignatureCounts = read(Op::GetSignatureCounts, &[("id", json!(1))], &embedded);
    assert_eq!((counts.count, counts.goal), (2, 50));
    let link = vec![(
        "link".to_string(),
        r#"<http://127.0.0.1:3000/signatures?charterId=1&_page=2&_limit=1>; rel="next""#
            .to_string(),
    )];
    let page: Page<PublicSignature> = read_with(
        Op::ListSignatures,
        &[("id", json!(1)), ("limit", json!(1))],
        &link,
        &db["signatures"],
    );
    assert_eq!(page.items[0].masked_name, "孙*萌");
    assert_eq!(page.items[1].masked_name, "A**** S****");
    assert_eq!(
        page.next_cursor.as_deref(),
        Some("http://127.0.0.1:3000/signatures?charterId=1&_page=2&_limit=1")
    );
    let mine: Vec<SignatureReceipt> = read(
        Op::ListMySignatures,
        &[("id", json!(1))],
        &json!([db["signatures"][0]]),
    );
    assert_eq!(mine[0].display_name, "孙雨萌");
    let vars = vars_of(&[("id", json!(1)), ("device", json!("d")), ("now", json!(9))]);
    let input = json!({"display_name": "张三", "unit_id": 6, "team": null, "role": "resident", "agreed": true});
    let req = mapping()
        .request(Op::Sign, "http://h", &vars, Some(&input))
        .unwrap();
    let stored: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        stored["signer"],
        json!({"fullName": "张三", "building": "6", "group": null, "as": "resident"})
    );
    let receipt: SignatureReceipt = read(Op::Sign, &[("id", json!(1))], &stored);
    assert_eq!((receipt.unit_id, receipt.signed_at), (Id::from(6), 9));
    let gone: SignatureReceipt = read(
        Op::Withdraw,
        &[("id", json!(1)), ("now", json!(10))],
        &json!({}),
    );
    assert_eq!(gone.withdrawn_at, Some(10));
}

#[test]
fn proposal_cards_from_projects_and_scopes_from_places() {
    let db = db();
    let vars = [("limit", json!(3)), ("cursor", json!("1"))];
    let page: Page<ProposalCard> = read(Op::ListProposals, &vars, &db["projects"]);
    assert_eq!(page.items.len(), 3);
    assert_eq!(page.next_cursor.as_deref(), Some("2"));
    let card = &page.items[1];
    assert_eq!(card.proposal.estimated_cost_fen, 300_000);
    assert_eq!(card.proposal.proposer_name, "李*兰");
    assert_eq!(card.funding.pledged_organisations_fen, 100_000);
    let q = vars_of(&[
        ("step", json!("consult")),
        ("sort", json!("funding")),
        ("limit", json!(20)),
    ]);
    let req = mapping()
        .request(Op::ListProposals, "http://h", &q, None)
        .unwrap();
    assert_eq!(
        req.url,
        "http://h/projects?_limit=20&_order=desc&_page=1&_sort=money.raised&stage=consultation"
    );
    let scopes: Vec<Scope> = read(Op::ListScopes, &[], &db["places"]);
    assert_eq!(scopes.len(), 4);
    assert_eq!(scopes[1].parent_id, Some(Id::from(3)));
}
