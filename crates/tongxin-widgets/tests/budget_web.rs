//! The budget-round widget in a real browser over a backend written in
//! JavaScript that only stores ballots: results counted by the kit (a
//! ballot the rule refuses left out), the meter refusing what does not
//! fit without sending anything, one ballot sent with its key, the receipt.

mod common;

use std::rc::Rc;

use leptos::prelude::*;
use tongxin_client::js::JsTransport;
use tongxin_client::{Backend, ContractBackend, Op};
use tongxin_core::Id;
use tongxin_widgets::budget::BudgetWidget;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

use common::{button, en, inputs, root, tick};

wasm_bindgen_test_configure!(run_in_browser);

/// A round of ¥1,000 over three projects (¥600, ¥500, ¥300), counted
/// greedily; four stored ballots, one of them over the fund.
const ROUND: &str = r#"
    const round = { id: 1, scope_id: 1, title: 'Our fund', description: '', fund_fen: 100000,
        projects: [{ id: 1, title: 'Lights', cost_fen: 60000 }, { id: 2, title: 'Benches', cost_fen: 50000 },
                   { id: 3, title: 'Sandpit', cost_fen: 30000 }],
        rule: { type: 'knapsack' }, method: 'greedy', visibility: 'always', anonymous: false,
        allow_change: true, eligibility: 'open', created_at: 0 };
    const ballots = [{ projects: [1, 3] }, { projects: [1] }, { projects: [2, 3] }, { projects: [1, 2] }];
    window.__sent = [];
    return {
        async getBudget(id) { return { round: { ...round, id }, status: 'open', ballots: ballots.length, total_cost_fen: 140000 }; },
        async listBudgetBallots() { return ballots; },
        async castBudgetBallot(id, ballot, ctx) {
            window.__sent.push({ ballot, key: ctx.key });
            return { budget_id: id, projects: ballot.projects, at: 5 };
        },
    };
"#;

fn backend() -> Rc<dyn Backend> {
    let adapter = js_sys::Function::new_no_args(ROUND)
        .call0(&JsValue::NULL)
        .unwrap();
    Rc::new(ContractBackend::new(JsTransport::new(adapter, None)))
}

fn sent() -> Vec<String> {
    let list = js_sys::Reflect::get(&js_sys::global(), &"__sent".into()).unwrap();
    js_sys::Array::from(&list)
        .iter()
        .map(|v| js_sys::JSON::stringify(&v).unwrap().into())
        .collect()
}

#[wasm_bindgen_test]
async fn results_are_counted_from_stored_ballots() {
    let b = backend();
    assert!(
        b.supports(Op::GetBudgetResults),
        "counted from listBudgetBallots"
    );
    assert!(!b.supports(Op::ChangeBudgetBallot));
    let view = b.budget_results(Id::from(1)).await.unwrap();
    assert!(view.visible);
    let r = view.results.unwrap();
    assert_eq!(r.ballots, 3, "the ballot over the fund is not counted");
    let funded: Vec<Id> = r
        .projects
        .iter()
        .filter(|p| p.funded)
        .map(|p| p.project_id)
        .collect();
    assert_eq!(funded.len(), 2);
    assert!(funded.contains(&Id::from(1)) && funded.contains(&Id::from(3)));
    assert_eq!((r.spent_fen, r.leftover_fen), (90_000, 10_000));
}

#[wasm_bindgen_test]
async fn the_meter_refuses_what_does_not_fit_and_one_ballot_is_sent() {
    let el = root();
    let b = backend();
    let _w = leptos::mount::mount_to(el.clone(), move || {
        view! { <BudgetWidget budget_id=Id::from(1) backend=b i18n=en() /> }
    });
    for _ in 0..20 {
        tick().await;
    }
    let boxes = inputs(&el, "input[type=checkbox]");
    assert_eq!(boxes.len(), 3);
    boxes[0].click();
    tick().await;
    let text = el.text_content().unwrap_or_default();
    assert!(text.contains("Chosen ¥600.00 of ¥1,000.00"), "{text}");
    // ¥600 + ¥500 is over the fund: refused, said why, left unticked.
    boxes[1].click();
    tick().await;
    assert!(!boxes[1].checked(), "the refused project is unticked");
    let alert = el
        .query_selector("[role=alert]")
        .unwrap()
        .and_then(|a| a.text_content())
        .unwrap_or_default();
    assert!(
        alert.contains("¥400.00 is left") && alert.contains("costs ¥500.00"),
        "{alert}"
    );
    assert!(sent().is_empty(), "nothing was sent");
    boxes[2].click();
    tick().await;
    button(&el, "Send my choice").click();
    for _ in 0..20 {
        tick().await;
    }
    let sent = sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].contains(r#""projects":[1,3]"#), "{sent:?}");
    let text = el.text_content().unwrap_or_default();
    assert!(text.contains("Your choice is in"), "{text}");
    assert!(text.contains("You chose: Lights、Sandpit"), "{text}");
    assert!(
        !text.contains("Change my choice"),
        "no change without changeBudgetBallot"
    );
}
