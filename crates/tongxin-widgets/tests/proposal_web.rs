//! Component tests of the proposal widget's parts in headless Chromium: the
//! five-step stepper, the timeline, the split funding bar, the rating input
//! and the board's card.

use leptos::prelude::*;
use tongxin_core::contract::ProposalCard;
use tongxin_core::proposal::funding::{FundingSummary, PledgeSource};
use tongxin_core::proposal::{ProposalDraft, Step};
use tongxin_widgets::parts::{ProgressBar, RatingInput, Stepper, Timeline, TimelineEntry};
use tongxin_widgets::proposal::card::ProposalCardView;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

mod common;
use common::{button, en, inputs, root, tick};
use tongxin_core::Id;

wasm_bindgen_test_configure!(run_in_browser);

fn card(step: Step, goal: i64, residents: i64, orgs: i64) -> ProposalCard {
    let mut proposal = ProposalDraft {
        scope_id: Id::from(1),
        title: "<b>Lights</b> for the back lanes".into(),
        problem: "dark".into(),
        plan: "lights".into(),
        estimated_cost_fen: 120_000,
        proposer_name: "Z*".into(),
        contact: None,
    }
    .into_proposal(Id::from(7), 3, 0);
    proposal.step = step;
    proposal.supports = 2;
    proposal.funding_goal_fen = goal;
    let mut funding = FundingSummary::new(goal);
    funding
        .add_pledge(PledgeSource::Resident, residents)
        .unwrap();
    funding
        .add_pledge(PledgeSource::Organisation, orgs)
        .unwrap();
    ProposalCard { proposal, funding }
}

#[wasm_bindgen_test]
async fn the_stepper_marks_done_current_and_coming_steps() {
    let r = root();
    let _h = leptos::mount::mount_to(
        r.clone(),
        || view! { <Stepper current=Step::Consult i18n=en() /> },
    );
    tick().await;
    let classes: Vec<String> = common::buttons(&r, ".tx-step")
        .iter()
        .map(|e| e.class_name())
        .collect();
    assert_eq!(classes.len(), 5);
    assert!(classes[0].contains("tx-done") && classes[1].contains("tx-done"));
    assert!(classes[2].contains("tx-current"));
    assert!(classes[3].contains("tx-todo") && classes[4].contains("tx-todo"));
    let current = r.query_selector("[aria-current=step]").unwrap().unwrap();
    assert_eq!(current.text_content().unwrap(), "Consult");
    assert_eq!(
        r.query_selector("ol")
            .unwrap()
            .unwrap()
            .get_attribute("aria-label")
            .as_deref(),
        Some("Current step: Consult")
    );
}

#[wasm_bindgen_test]
async fn the_timeline_shows_who_when_and_the_note_as_text() {
    let r = root();
    let entries = vec![
        TimelineEntry {
            title: "Propose → Deliberate".into(),
            actor: "Committee".into(),
            when: "1 May".into(),
            note: None,
        },
        TimelineEntry {
            title: "Deliberate → Consult".into(),
            actor: "Committee".into(),
            when: "3 May".into(),
            note: Some("<script>window.__t=1</script>Agreed".into()),
        },
    ];
    let _h = leptos::mount::mount_to(
        r.clone(),
        move || view! { <Timeline entries=entries title="Timeline" /> },
    );
    tick().await;
    assert_eq!(r.query_selector_all(".tx-tl-item").unwrap().length(), 2);
    let note = r.query_selector("blockquote").unwrap().unwrap();
    assert_eq!(
        note.text_content().unwrap(),
        "<script>window.__t=1</script>Agreed"
    );
    assert!(r.query_selector("script").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn the_funding_bar_draws_residents_first_then_organisations() {
    let r = root();
    let _h = leptos::mount::mount_to(r.clone(), || {
        view! { <ProgressBar label="Funding: Lights" value=1_500u64 max=2_000u64 first_part=500u64 text="1,500 of 2,000" /> }
    });
    tick().await;
    let bar = r.query_selector("[role=progressbar]").unwrap().unwrap();
    assert_eq!(bar.get_attribute("aria-label").unwrap(), "Funding: Lights");
    let fills: Vec<HtmlElement> = common::buttons(&r, ".tx-progress-fill");
    assert_eq!(fills.len(), 2);
    assert_eq!(fills[0].style().get_property_value("width").unwrap(), "25%");
    assert_eq!(fills[1].style().get_property_value("width").unwrap(), "50%");
}

#[wasm_bindgen_test]
async fn the_rating_input_reports_the_chosen_score() {
    let r = root();
    let value = RwSignal::new(None::<u8>);
    let _h = leptos::mount::mount_to(r.clone(), move || {
        view! { <RatingInput legend="How satisfied?" name="t-rate" value=value on_change=Callback::new(move |s| value.set(Some(s))) i18n=en() /> }
    });
    tick().await;
    let radios = inputs(&r, "input[type=radio]");
    assert_eq!(radios.len(), 5);
    radios[3].click();
    tick().await;
    assert_eq!(value.get_untracked(), Some(4));
    assert!(radios[3].checked());
}

#[wasm_bindgen_test]
async fn a_card_shows_supports_while_proposed_and_funding_when_there_is_a_goal() {
    let r = root();
    let opened = RwSignal::new(None);
    let c = card(Step::Propose, 0, 0, 0);
    let _h = leptos::mount::mount_to(r.clone(), move || {
        view! { <ProposalCardView card=c on_open=Callback::new(move |id| opened.set(Some(id))) i18n=en() /> }
    });
    tick().await;
    let text = r.text_content().unwrap();
    assert!(text.contains("2 of 3 supports"), "{text}");
    assert!(!text.contains("pledged"), "no funding bar without a goal");
    assert!(r.query_selector("b").unwrap().is_none(), "titles are text");
    button(&r, "<b>Lights</b> for the back lanes").click();
    assert_eq!(opened.get_untracked(), Some(Id::int(7)));

    let r2 = root();
    let funded = card(Step::Evaluate, 120_000, 60_000, 30_000);
    let _h2 = leptos::mount::mount_to(r2.clone(), move || {
        view! { <ProposalCardView card=funded on_open=Callback::new(|_| {}) i18n=en() /> }
    });
    tick().await;
    let text = r2.text_content().unwrap();
    assert!(text.contains("¥900.00 pledged, 75 % of the goal"), "{text}");
    assert!(!text.contains("supports"), "supports only while proposed");
    let bar = r2.query_selector("[role=progressbar]").unwrap().unwrap();
    assert_eq!(bar.get_attribute("aria-valuenow").as_deref(), Some("90000"));
    let _ = bar.dyn_into::<HtmlElement>().unwrap();
}
