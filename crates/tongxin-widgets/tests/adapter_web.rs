//! Widgets on a backend written in JavaScript (the adapter) in a real
//! browser: answers read into the contract, refusals and failures told
//! apart, a misfit named, results counted from stored ballots, and features
//! the backend lacks hidden.

mod common;

use std::rc::Rc;

use leptos::prelude::*;
use tongxin_client::js::JsTransport;
use tongxin_client::{Backend, ClientError, ContractBackend, IdemKey, Op};
use tongxin_core::poll::Ballot;
use tongxin_widgets::poll::PollWidget;
use tongxin_widgets::proposal::ProposalBoard;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

use common::{en, root, tick};
use tongxin_core::Id;

/// The texts of every button in `el`.
fn button_texts(el: &web_sys::HtmlElement) -> Vec<String> {
    common::buttons(el, "button")
        .iter()
        .map(|b| b.text_content().unwrap_or_default())
        .collect()
}

wasm_bindgen_test_configure!(run_in_browser);

/// An adapter object built from JavaScript source (`return { … }`).
fn adapter(source: &str) -> JsValue {
    js_sys::Function::new_no_args(source)
        .call0(&JsValue::NULL)
        .unwrap()
}

const POLL: &str = r#"
    const poll = { id: 1, scope_id: 1, title: 'Where to meet?', description: '', kind: { type: 'single' },
        options: [{ id: 1, label: 'Room' }, { id: 2, label: 'Pavilion' }], visibility: 'always',
        anonymous: false, allow_change: true, eligibility: 'open', created_at: 0 };
    const ballots = [{ kind: 'single', option: 2 }, { kind: 'single', option: 2 }, { kind: 'single', option: 1 },
        { kind: 'single', option: 9 }];
    return {
        async getPoll(id) { return { ...poll, id, status: 'open', ballots: ballots.length }; },
        async listBallots() { return ballots; },
        async getMyBallot(id, ctx) { return window.__voted ? { poll_id: id, ballot: { kind: 'single', option: 1 }, cast_at: 1 } : null; },
        async castBallot(id, ballot, ctx) {
            if (ballot.option === 2) throw { status: 409, code: 'already-voted', message: 'no' };
            if (ballot.option === 3) throw new Error('socket hang up');
            window.__key = ctx.key;
            return { poll_id: id, ballot, ballots: 4, at: 5 };
        },
    };
"#;

fn backend(source: &str) -> Rc<dyn Backend> {
    Rc::new(ContractBackend::new(JsTransport::new(
        adapter(source),
        None,
    )))
}

#[wasm_bindgen_test]
async fn adapter_answers_refusals_failures_and_counts() {
    let b = backend(POLL);
    assert!(b.supports(Op::GetPoll) && b.supports(Op::CastBallot));
    assert!(b.supports(Op::GetResults), "counted from listBallots");
    assert!(!b.supports(Op::ChangeBallot) && !b.supports(Op::ListProposals));

    let poll = b.poll(Id::from(1)).await.unwrap();
    assert_eq!(poll.poll.options[1].label, "Pavilion");
    // Results counted by the kit; the ballot for an unknown option is left out.
    let r = b.results(Id::from(1)).await.unwrap();
    assert_eq!(r.ballots, 3);
    assert!(format!("{:?}", r.results).contains("count: 2"));

    let key = IdemKey::new();
    let ok = b
        .cast(
            Id::from(1),
            &Ballot::Single {
                option: Id::from(1),
            },
            &key,
        )
        .await
        .unwrap();
    assert_eq!(ok.at, 5);
    let sent: String = js_sys::Reflect::get(&js_sys::global(), &"__key".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(sent, key.0, "the idempotency key reaches the adapter");
    match b
        .cast(
            Id::from(1),
            &Ballot::Single {
                option: Id::from(2),
            },
            &key,
        )
        .await
    {
        Err(e @ ClientError::Problem(_)) => assert_eq!(e.code(), Some("already-voted")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        b.cast(Id::from(1), &Ballot::Single { option: Id::from(3) }, &key).await,
        Err(ClientError::Network(m)) if m.contains("socket hang up")
    ));
    // Absent reads have their stand-ins.
    assert_eq!(b.my_signatures(Id::from(1)).await.unwrap(), vec![]);
    assert!(b.scopes().await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn a_misfit_names_the_operation_and_field() {
    let b = backend(
        "return { async getPoll(id) { return { id, title: 5 }; }, async getConvention() { return 'x'; } };",
    );
    let e = b.poll(Id::from(1)).await.unwrap_err().to_string();
    assert!(
        e.contains("getPoll") && e.contains("widget misconfigured"),
        "{e}"
    );
    let e = b.convention(Id::from(1)).await.unwrap_err().to_string();
    assert!(e.contains("getConvention"), "{e}");
    // Hostile values never panic: a function throwing undefined, a cyclic object.
    let b = backend(
        "return { async getPoll() { throw undefined; }, async getConvention() { const o = {}; o.o = o; return o; } };",
    );
    assert!(matches!(
        b.poll(Id::from(1)).await,
        Err(ClientError::Network(_))
    ));
    assert!(matches!(
        b.convention(Id::from(1)).await,
        Err(ClientError::Misconfigured(_))
    ));
}

#[wasm_bindgen_test]
async fn widgets_hide_what_the_backend_lacks() {
    js_sys::Reflect::set(&js_sys::global(), &"__voted".into(), &JsValue::TRUE).unwrap();
    let el = root();
    let b = backend(POLL);
    let _poll = leptos::mount::mount_to(el.clone(), move || {
        view! { <PollWidget poll_id=Id::from(1) backend=b i18n=en() /> }
    });
    for _ in 0..20 {
        tick().await;
    }
    let text = el.text_content().unwrap_or_default();
    assert!(text.contains("You have voted"), "{text}");
    assert!(
        !button_texts(&el).iter().any(|b| b.contains("Change")),
        "no change button without changeBallot: {:?}",
        button_texts(&el)
    );

    let board_el = root();
    let b = backend(
        r#"return { async listProposals() { return { items: [], next_cursor: null }; } };"#,
    );
    let _board = leptos::mount::mount_to(board_el.clone(), move || {
        view! { <ProposalBoard backend=b i18n=en() /> }
    });
    for _ in 0..20 {
        tick().await;
    }
    assert!(
        !button_texts(&board_el)
            .iter()
            .any(|b| b.contains("Propose a project")),
        "no submit button without submitProposal: {:?}",
        button_texts(&board_el)
    );
    let text = board_el.text_content().unwrap_or_default();
    assert!(text.contains("No projects here yet"), "{text}");
}
