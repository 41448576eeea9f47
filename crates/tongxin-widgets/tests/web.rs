//! Component tests in headless Chromium: mount the poll's inputs and
//! results, click, and check what the resident sees and what would be sent.

use leptos::prelude::*;
use tongxin_core::Id;
use tongxin_core::poll::{Ballot, Poll, PollDraft, PollKind, Stance, Tally};
use tongxin_widgets::i18n::Lang;
use tongxin_widgets::parts::{BarRow, ResultBars, Text};
use tongxin_widgets::poll::draft::Draft;
use tongxin_widgets::poll::form::BallotForm;
use tongxin_widgets::poll::results::PollResultsView;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

mod common;
use common::{buttons, en, inputs, root, tick};

wasm_bindgen_test_configure!(run_in_browser);

fn poll(kind: PollKind, n: usize) -> Poll {
    PollDraft::new(
        Id::from(1),
        "测试",
        kind,
        (1..=n).map(|i| format!("option {i}")),
    )
    .into_poll(Id::from(9), 0)
}

fn mount_form(p: Poll) -> (HtmlElement, RwSignal<Draft>, impl Drop) {
    let r = root();
    let draft = RwSignal::new(Draft::new(&p));
    let handle = leptos::mount::mount_to(
        r.clone(),
        move || view! { <BallotForm poll=p draft=draft i18n=en() /> },
    );
    (r, draft, handle)
}

#[wasm_bindgen_test]
async fn single_choice_sets_the_option() {
    let p = poll(PollKind::Single, 3);
    let (r, draft, _h) = mount_form(p.clone());
    let radios = inputs(&r, "input[type=radio]");
    assert_eq!(radios.len(), 3);
    radios[1].click();
    tick().await;
    assert_eq!(
        draft.get_untracked().to_ballot(&p.kind).unwrap(),
        Ballot::Single {
            option: Id::from(2)
        }
    );
    assert!(
        draft
            .get_untracked()
            .to_ballot(&p.kind)
            .unwrap()
            .validate(&p)
            .is_ok()
    );
}

#[wasm_bindgen_test]
async fn multiple_choice_shows_and_enforces_the_maximum() {
    let p = poll(PollKind::Multiple { max_choices: 2 }, 3);
    let (r, draft, _h) = mount_form(p.clone());
    assert!(r.text_content().unwrap().contains("Choose up to 2"));
    let boxes = inputs(&r, "input[type=checkbox]");
    boxes[0].click();
    boxes[2].click();
    tick().await;
    assert!(boxes[1].disabled(), "a third choice is disabled");
    boxes[1].click();
    tick().await;
    assert_eq!(draft.get_untracked().multiple.len(), 2);
    assert!(r.text_content().unwrap().contains("2 chosen"));
}

#[wasm_bindgen_test]
async fn approval_and_score_need_every_answer() {
    let p = poll(
        PollKind::Approval {
            threshold_percent: 80,
        },
        2,
    );
    let (r, draft, _h) = mount_form(p.clone());
    let radios = inputs(&r, "input[type=radio]");
    assert_eq!(
        radios.len(),
        6,
        "agree / abstain / disagree for each motion"
    );
    radios[0].click();
    tick().await;
    assert!(
        draft
            .get_untracked()
            .to_ballot(&p.kind)
            .unwrap()
            .validate(&p)
            .is_err(),
        "the second motion is unanswered"
    );
    radios[5].click();
    tick().await;
    assert_eq!(
        draft.get_untracked().to_ballot(&p.kind).unwrap(),
        Ballot::Approval {
            stances: [(Id::int(1), Stance::Agree), (Id::int(2), Stance::Disagree)].into()
        }
    );
    let s = poll(PollKind::Score, 1);
    let (r, draft, _h2) = mount_form(s.clone());
    let stars = inputs(&r, "input[type=radio]");
    assert_eq!(stars.len(), 5);
    stars[3].click();
    tick().await;
    assert_eq!(
        draft.get_untracked().to_ballot(&s.kind).unwrap(),
        Ballot::Score {
            scores: [(Id::int(1), 4)].into()
        }
    );
}

#[wasm_bindgen_test]
async fn ranking_moves_with_buttons() {
    let p = poll(PollKind::Ranked, 3);
    let (r, draft, _h) = mount_form(p.clone());
    let downs = buttons(&r, "button[aria-label^='Move option 1 down']");
    assert_eq!(downs.len(), 1);
    downs[0].click();
    tick().await;
    assert_eq!(draft.get_untracked().ranking, vec![2, 1, 3]);
    let labels: Vec<String> = buttons(&r, ".tx-rank-label")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert_eq!(labels, vec!["option 2", "option 1", "option 3"]);
    let first_up = buttons(&r, "button[aria-label^='Move option 2 up']");
    assert!(
        first_up[0]
            .unchecked_ref::<web_sys::HtmlButtonElement>()
            .disabled(),
        "the first cannot move up"
    );
}

#[wasm_bindgen_test]
async fn dot_vote_shows_points_left_and_stops_at_the_budget() {
    let p = poll(PollKind::Dot { points: 3 }, 2);
    let (r, draft, _h) = mount_form(p.clone());
    assert!(r.text_content().unwrap().contains("3 points left"));
    let plus = buttons(&r, "button[aria-label^='Add a point to option 1']");
    for _ in 0..5 {
        plus[0].click();
        tick().await;
    }
    assert_eq!(draft.get_untracked().dots_used(), 3);
    assert!(r.text_content().unwrap().contains("0 points left"));
}

#[wasm_bindgen_test]
async fn result_bars_are_accessible() {
    let r = root();
    let rows = vec![
        BarRow {
            label: "21:30".into(),
            value: "3 votes · 75%".into(),
            percent: 75.0,
            highlight: true,
        },
        BarRow {
            label: "<b>22:00</b>".into(),
            value: "1 votes · 25%".into(),
            percent: 25.0,
            highlight: false,
        },
    ];
    let _h = leptos::mount::mount_to(r.clone(), move || {
        view! { <ResultBars rows threshold=80.0 threshold_label="Threshold 80 %" caption="Results in detail" headings=("Option".to_string(), "Count".to_string()) lang=Lang::En /> }
    });
    tick().await;
    let img = r.query_selector("[role=img]").unwrap().unwrap();
    let alt = img.get_attribute("aria-label").unwrap();
    assert!(
        alt.contains("21:30: 3 votes · 75%") && alt.contains("Threshold 80 %"),
        "{alt}"
    );
    assert_eq!(r.query_selector_all("table tbody tr").unwrap().length(), 2);
    assert_eq!(
        r.query_selector_all("line.tx-threshold").unwrap().length(),
        2,
        "a threshold line on each bar"
    );
    assert_eq!(
        r.query_selector("b").unwrap(),
        None,
        "labels are text, not markup"
    );
}

#[wasm_bindgen_test]
async fn bilingual_texts_mark_the_other_language_only() {
    let r = root();
    let _h = leptos::mount::mount_to(r.clone(), move || {
        view! {
            <p id="zh"><Text text="清晨 6–8点 / Early morning" lang=Lang::ZhCn /></p>
            <p id="en"><Text text="Bike shed" lang=Lang::En /></p>
        }
    });
    tick().await;
    let zh = r.query_selector("#zh").unwrap().unwrap();
    assert_eq!(zh.text_content().unwrap(), "清晨 6–8点 / Early morning");
    let marked = zh.query_selector_all("[lang]").unwrap();
    assert_eq!(marked.length(), 1);
    let en: web_sys::Element = marked.item(0).unwrap().unchecked_into();
    assert_eq!(en.get_attribute("lang").unwrap(), "en");
    assert_eq!(en.text_content().unwrap(), "Early morning");
    let same = r.query_selector("#en").unwrap().unwrap();
    assert_eq!(
        same.query_selector("[lang]").unwrap(),
        None,
        "nothing to mark"
    );
}

#[wasm_bindgen_test]
async fn ranked_results_show_rounds_and_winner() {
    let p = poll(PollKind::Ranked, 3);
    let ballots = [
        Ballot::Ranked {
            ranking: vec![Id::from(1)],
        },
        Ballot::Ranked {
            ranking: vec![Id::from(1)],
        },
        Ballot::Ranked {
            ranking: vec![Id::from(2)],
        },
        Ballot::Ranked {
            ranking: vec![Id::from(2)],
        },
        Ballot::Ranked {
            ranking: vec![Id::from(3), Id::from(2)],
        },
    ];
    let results = Tally::from_ballots(&p, &ballots).unwrap().results(&p);
    let r = root();
    let pp = p.clone();
    let _h = leptos::mount::mount_to(
        r.clone(),
        move || view! { <PollResultsView poll=pp results=results mine=None i18n=en() /> },
    );
    tick().await;
    let text = r.text_content().unwrap();
    // Option 3 goes first; its ballot moves to option 2, which then has 3 of 5.
    assert!(
        text.contains("Round 1") && text.contains("Eliminated: option 3"),
        "{text}"
    );
    assert!(text.contains("Round 2: option 1 2 · option 2 3"), "{text}");
    assert!(text.contains("Winner: option 2"), "{text}");
}
