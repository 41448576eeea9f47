//! Component tests of the convention widget's parts in headless Chromium:
//! the progress bar, the signing form's errors and preview, the unit
//! search, the public list and the withdrawal confirmation.

use leptos::prelude::*;
use tongxin_core::contract::SignatureReceipt;
use tongxin_core::convention::{PublicSignature, SignerRole, WithdrawalPolicy};
use tongxin_core::text::FieldErrors;
use tongxin_widgets::convention::draft::SignDraft;
use tongxin_widgets::convention::form::SignForm;
use tongxin_widgets::convention::receipt::SignedReceipt;
use tongxin_widgets::convention::signatories::Signatories;
use tongxin_widgets::parts::{ProgressBar, Unit, UnitPicker};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlInputElement;

mod common;
use common::{button, en, inputs, root, tick};
use tongxin_core::Id;

wasm_bindgen_test_configure!(run_in_browser);

fn units(n: i64) -> Vec<Unit> {
    (1..=n)
        .map(|i| Unit {
            id: Id::from(i),
            label: format!("Group {} · Building {i}", (i + 1) / 2),
        })
        .collect()
}

fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn the_progress_bar_announces_its_value() {
    let r = root();
    let value = RwSignal::new(412u64);
    let _h = leptos::mount::mount_to(r.clone(), move || {
        view! { <ProgressBar label="Signatures: Bijie Square" value=value max=500u64 text=Signal::derive(move || format!("{} of 500 signatures", value.get())) /> }
    });
    tick().await;
    let bar = r.query_selector("[role=progressbar]").unwrap().unwrap();
    assert_eq!(bar.get_attribute("aria-valuenow").as_deref(), Some("412"));
    assert_eq!(bar.get_attribute("aria-valuemax").as_deref(), Some("500"));
    assert_eq!(
        bar.get_attribute("aria-valuetext").as_deref(),
        Some("412 of 500 signatures")
    );
    let fill: web_sys::HtmlElement = r
        .query_selector(".tx-progress-fill")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(fill.style().get_property_value("width").unwrap(), "82.4%");
    value.set(600);
    tick().await;
    assert_eq!(
        bar.get_attribute("aria-valuenow").as_deref(),
        Some("500"),
        "capped at the goal"
    );
    assert_eq!(fill.style().get_property_value("width").unwrap(), "100%");
}

#[wasm_bindgen_test]
async fn the_form_shows_errors_by_their_fields_and_previews_the_masked_name() {
    let r = root();
    let draft = RwSignal::new(SignDraft::default());
    let errors = RwSignal::new(FieldErrors::new());
    let sent = RwSignal::new(0);
    let _h = leptos::mount::mount_to(r.clone(), move || {
        view! {
            <SignForm draft=draft errors=errors units=units(2) articles=5 submitting=false
                on_submit=Callback::new(move |_| sent.update(|n| *n += 1)) i18n=en() />
        }
    });
    tick().await;
    assert!(
        r.text_content()
            .unwrap()
            .contains("I have read and agree to articles 1–5")
    );
    button(&r, "Sign").click();
    assert_eq!(
        sent.get_untracked(),
        1,
        "the widget decides; the form only asks"
    );
    errors.set(SignDraft::default().to_input(1).unwrap_err());
    tick().await;
    let shown: Vec<String> = common::buttons(&r, ".tx-field-error")
        .iter()
        .filter_map(|e| e.text_content())
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(
        shown,
        [
            "Enter your name (1–40 characters).",
            "Choose your building or group.",
            "Tick the box to confirm you have read and agree."
        ]
    );
    let name = inputs(&r, "#tx-display_name").remove(0);
    let active = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .unwrap();
    assert_eq!(
        active.id(),
        "tx-display_name",
        "focus on the first field to fix"
    );
    type_into(&name, "孙雨萌");
    tick().await;
    assert_eq!(draft.get_untracked().display_name, "孙雨萌");
    assert!(
        r.text_content()
            .unwrap()
            .contains("Shown in the public list as: 孙*萌")
    );
    inputs(&r, "input[type=radio]")[1].click();
    inputs(&r, "input[type=checkbox]")[0].click();
    tick().await;
    let d = draft.get_untracked();
    assert_eq!((d.unit_id, d.agreed), (Some(Id::int(2)), true));
    let select: web_sys::HtmlSelectElement = r
        .query_selector("select")
        .unwrap()
        .unwrap()
        .unchecked_into();
    select.set_value("team_leader");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    tick().await;
    assert_eq!(draft.get_untracked().role, SignerRole::TeamLeader);
}

#[wasm_bindgen_test]
async fn the_unit_picker_filters_long_lists() {
    let r = root();
    let picked = RwSignal::new(None);
    let _h = leptos::mount::mount_to(r.clone(), move || {
        view! {
            <UnitPicker units=units(9) selected=picked on_pick=Callback::new(move |id| picked.set(Some(id)))
                error=Signal::derive(|| None::<String>) i18n=en() />
        }
    });
    tick().await;
    assert_eq!(inputs(&r, "input[type=radio]").len(), 9);
    let search = inputs(&r, "input[type=search]").remove(0);
    type_into(&search, "building 7");
    tick().await;
    let radios = inputs(&r, "input[type=radio]");
    assert_eq!(radios.len(), 1);
    radios[0].click();
    tick().await;
    assert_eq!(picked.get_untracked(), Some(Id::int(7)));
    assert!(
        r.text_content()
            .unwrap()
            .contains("Chosen: Group 4 · Building 7")
    );
    type_into(&search, "<script>");
    tick().await;
    assert!(
        r.text_content()
            .unwrap()
            .contains("No building or group matches.")
    );
}

#[wasm_bindgen_test]
async fn the_public_list_renders_text_and_loads_more() {
    let r = root();
    let sig = |id, team: Option<&str>| PublicSignature {
        id,
        masked_name: "<*g src=x onerror=alert(1)>".into(),
        unit_id: Id::from(2),
        team: team.map(String::from),
        role: SignerRole::TeamLeader,
        version: 1,
        signed_at: 0,
        channel: Default::default(),
    };
    let items = RwSignal::new(vec![
        sig(Id::from(2), Some("<b>Sunset</b>")),
        sig(Id::from(1), None),
    ]);
    let more = RwSignal::new(0);
    let _h = leptos::mount::mount_to(r.clone(), move || {
        view! {
            <Signatories items=items has_more=true loading=false units=units(2)
                on_more=Callback::new(move |_| more.update(|n| *n += 1)) i18n=en() />
        }
    });
    tick().await;
    assert_eq!(r.query_selector_all(".tx-sig").unwrap().length(), 2);
    assert!(
        r.query_selector(".tx-sig b, .tx-sig img")
            .unwrap()
            .is_none(),
        "text, not markup"
    );
    let text = r.text_content().unwrap();
    assert!(
        text.contains("<b>Sunset</b>")
            && text.contains("Group 1 · Building 2")
            && text.contains("Team leader"),
        "{text}"
    );
    button(&r, "Load more").click();
    assert_eq!(more.get_untracked(), 1);
}

#[wasm_bindgen_test]
async fn withdrawing_asks_for_confirmation_first() {
    let r = root();
    let withdrawn = RwSignal::new(0);
    let receipt = SignatureReceipt {
        id: Id::from(77),
        convention_id: Id::from(1),
        version: 1,
        display_name: "孙雨萌".into(),
        unit_id: Id::from(2),
        team: None,
        signed_at: 0,
        withdrawn_at: None,
    };
    let _h = leptos::mount::mount_to(r.clone(), move || {
        view! {
            <SignedReceipt receipt=receipt current_version=2 open=true withdrawal_open=true
                withdrawal=WithdrawalPolicy::WhileOpen busy=false
                on_withdraw=Callback::new(move |_| withdrawn.update(|n| *n += 1))
                on_sign_new=Callback::new(|_| {}) i18n=en() />
        }
    });
    tick().await;
    let text = r.text_content().unwrap();
    assert!(
        text.contains("Receipt No. 77") && text.contains("now at version 2"),
        "{text}"
    );
    button(&r, "Withdraw my signature").click();
    tick().await;
    assert_eq!(
        withdrawn.get_untracked(),
        0,
        "nothing happens before confirming"
    );
    button(&r, "Cancel").click();
    tick().await;
    button(&r, "Withdraw my signature").click();
    tick().await;
    button(&r, "Yes, withdraw").click();
    assert_eq!(withdrawn.get_untracked(), 1);
}
