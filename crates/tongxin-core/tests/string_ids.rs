//! Ids as strings through the contract's types: a backend that names its
//! items by UUID or slug and its options by word gets them back exactly as
//! it sent them, and integer ids stay JSON numbers (the reference server's
//! answers are unchanged).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tongxin_core::contract::{ConventionView, Page, PollView, ProposalCard, SignatureCounts};
use tongxin_core::convention::PublicSignature;
use tongxin_core::poll::Ballot;

const POLL: &str = "b7e1c0de-8a3f-4c1e-9d2b-0123456789ab";

/// `v` read as `T` and written again is `v` itself.
fn round_trip<T: DeserializeOwned + Serialize>(v: Value) {
    let t: T = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"));
    assert_eq!(serde_json::to_value(&t).unwrap(), v);
}

#[test]
fn ballots_of_every_kind_keep_word_keys_and_integer_keys() {
    for ids in [["yes", "no"].map(Value::from), [1, 2].map(Value::from)] {
        let [a, b] = ids.clone();
        let key = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
        let (ka, kb) = (key(&a), key(&b));
        for ballot in [
            json!({"kind": "single", "option": a}),
            json!({"kind": "multiple", "options": [a, b]}),
            json!({"kind": "approval", "stances": {&ka: "agree", &kb: "disagree"}}),
            json!({"kind": "score", "scores": {&ka: 5, &kb: 1}}),
            json!({"kind": "ranked", "ranking": [b, a]}),
            json!({"kind": "dot", "points": {&ka: 3, &kb: 2}}),
        ] {
            round_trip::<Ballot>(ballot);
        }
    }
    // "2" and 2 are one id: written back as the number.
    let b: Ballot = serde_json::from_value(json!({"kind": "single", "option": "2"})).unwrap();
    assert_eq!(
        serde_json::to_value(b).unwrap(),
        json!({"kind": "single", "option": 2})
    );
}

#[test]
fn items_named_by_uuid_and_slug_round_trip() {
    round_trip::<PollView>(json!({
        "id": POLL, "scope_id": "bijie", "title": "音量", "description": "",
        "kind": {"type": "single"},
        "options": [{"id": "yes", "label": "赞成"}, {"id": "no", "label": "反对"}],
        "opens_at": null, "closes_at": 1_893_456_000_000_i64, "visibility": "always",
        "anonymous": false, "allow_change": false, "eligibility": "open",
        "created_at": 1, "status": "open", "ballots": 3
    }));
    round_trip::<ConventionView>(json!({
        "id": "bijie-square", "scope_id": 3, "title": "公约", "preamble": "我们约定：",
        "articles": [{"number": 1, "text": "安静"}], "version": 1, "version_at": 1,
        "goal": 50, "withdrawal": {"mode": "never"}, "closes_at": null, "eligibility": "open",
        "created_at": 1, "open": true, "withdrawal_open": false
    }));
    round_trip::<SignatureCounts>(json!({
        "convention_id": "bijie-square", "version": 1, "count": 3, "earlier_versions": 0, "goal": 50,
        "by_unit": [{"unit_id": "building-5", "name": "", "count": 2}, {"unit_id": 6, "name": "", "count": 1}]
    }));
    round_trip::<Page<PublicSignature>>(json!({
        "items": [{"id": "sig-01HZX", "masked_name": "孙*萌", "unit_id": "building-5", "team": null,
                   "role": "resident", "version": 1, "signed_at": 1}],
        "next_cursor": null
    }));
    let card = json!({
        "proposal": {
            "id": "0d6f3c2a-1111-4e6a-8c9d-abcdef012345", "scope_id": "bijie", "title": "灯",
            "problem": "暗", "plan": "修", "estimated_cost_fen": 90000, "proposer_name": "张*英",
            "step": "propose", "status": "active", "support_threshold": 20,
            "supports": 1, "funding_goal_fen": 90000, "responsible": [], "merged_into": "0d6f3c2a-0000",
            "consultation_poll_id": POLL, "resolution_poll_id": null,
            "created_at": 1, "updated_at": 1
        },
        "funding": {"goal_fen": 90000, "pledged_residents_fen": 0, "pledged_organisations_fen": 0,
            "pledged_total_fen": 0, "remaining_fen": 90000, "received_fen": 0, "spent_fen": 0,
            "balance_fen": 0, "pledges": 0}
    });
    let read: ProposalCard = serde_json::from_value(card).unwrap();
    assert_eq!(
        read.proposal.id.as_str(),
        "0d6f3c2a-1111-4e6a-8c9d-abcdef012345"
    );
    assert_eq!(
        read.proposal.merged_into.map(|p| p.to_string()).as_deref(),
        Some("0d6f3c2a-0000")
    );
    assert_eq!(
        read.proposal
            .consultation_poll_id
            .map(|p| p.to_string())
            .as_deref(),
        Some(POLL)
    );
}

#[test]
fn hostile_ids_are_refused_by_every_type() {
    for bad in [
        json!(""),
        json!("a b"),
        json!("x".repeat(47)),
        json!(1.5),
        json!(true),
        json!({}),
    ] {
        let ballot = json!({"kind": "single", "option": bad});
        assert!(serde_json::from_value::<Ballot>(ballot).is_err(), "{bad}");
        let sig = json!({"id": bad, "masked_name": "x", "unit_id": 1, "team": null,
                         "role": "resident", "version": 1, "signed_at": 1});
        assert!(
            serde_json::from_value::<PublicSignature>(sig).is_err(),
            "{bad}"
        );
    }
}
