//! The Directus example's mapping (`examples/directus/mapping.json`) read
//! against answers Directus 12 gave for the example's collections (recorded
//! from `examples/directus/setup.mjs`), into the contract's types: a mistake
//! in the example fails here before the browser test starts a CMS.

use serde_json::{Value, json};
use tongxin_core::contract::{Page, PollView, ProposalCard, ResultsView, SignatureCounts};
use tongxin_core::convention::PublicSignature;
use tongxin_core::mapping::http::vars_of;
use tongxin_core::mapping::{Mapping, Op};

const SURVEY: &str = "b7e1c0de-8a3f-4c1e-9d2b-0123456789ab";

fn read<T: serde::de::DeserializeOwned>(op: Op, answer: Value) -> T {
    let m = Mapping::from_json(include_str!("../../../examples/directus/mapping.json")).unwrap();
    let vars = vars_of(&[
        ("id", json!(SURVEY)),
        ("limit", json!(10)),
        ("page", json!(1)),
    ]);
    let v = m
        .read(op, &vars, 200, &[], &answer.to_string())
        .unwrap_or_else(|e| panic!("{}: {e:?}", op.name()));
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{}: {e}\n{v:#}", op.name()))
}

#[test]
fn a_survey_with_a_uuid_and_word_keys_is_a_poll() {
    let p: PollView = read(
        Op::GetPoll,
        json!({"data": {"id": SURVEY, "title": "音量", "intro": null, "format": "pick-one",
            "choices": [{"key": "yes", "text": "赞成"}, {"key": "no", "text": "反对"}],
            "reveal": "always", "state": "live", "place": 3,
            "ends": "2030-01-01T00:00:00.000Z", "created": "2026-11-01T08:00:00.000Z"}}),
    );
    assert_eq!(p.poll.id.as_str(), SURVEY);
    assert_eq!(p.poll.options[0].id.as_str(), "yes");
    assert_eq!(p.poll.closes_at, Some(1_893_456_000_000));
    assert_eq!(p.ballots, 0, "participation comes from the results");
}

#[test]
fn grouped_counts_are_results_with_percentages_derived() {
    let r: ResultsView = read(
        Op::GetResults,
        json!({"data": [{"choice": "no", "count": {"id": 1}}, {"choice": "yes", "count": {"id": "3"}}]}),
    );
    assert_eq!(r.ballots, 4);
    let json = serde_json::to_value(r.results.unwrap()).unwrap();
    assert_eq!(json["options"][1]["option"], "yes");
    assert_eq!(json["options"][1]["percent"], 75.0);
}

#[test]
fn signatures_are_counted_by_building_from_the_charters_list() {
    let c: SignatureCounts = read(
        Op::GetSignatureCounts,
        json!({"data": {"edition": 1, "target": 50,
            "signatures": [{"building": 5}, {"building": 5}, {"building": 6}]}}),
    );
    assert_eq!((c.count, c.goal), (3, 50));
    let by: Vec<(i64, u64)> = c
        .by_unit
        .iter()
        .map(|u| (u.unit_id.as_i64().unwrap(), u.count))
        .collect();
    assert_eq!(by, [(5, 2), (6, 1)]);
    let page: Page<PublicSignature> = read(
        Op::ListSignatures,
        json!({"data": [{"id": 3, "full_name": "孙雨萌", "building": 5, "team": "",
            "edition": 1, "signed": "1793000000000"}]}),
    );
    assert_eq!(page.items[0].masked_name, "孙*萌");
}

#[test]
fn projects_with_uuids_are_board_cards() {
    let page: Page<ProposalCard> = read(
        Op::ListProposals,
        json!({"data": [{"id": "0d6f3c2a-1111-4e6a-8c9d-abcdef012345", "title": "修补楼道灯",
            "problem": "暗", "plan": "修", "budget_yuan": 900, "author": "张秀英", "stage": "idea",
            "backers": 1, "backers_needed": 20, "place": 3, "created": "2026-11-01T08:00:00.000Z"}]}),
    );
    assert_eq!(
        page.items[0].proposal.id.as_str(),
        "0d6f3c2a-1111-4e6a-8c9d-abcdef012345"
    );
    assert_eq!(page.items[0].proposal.estimated_cost_fen, 90_000);
}
