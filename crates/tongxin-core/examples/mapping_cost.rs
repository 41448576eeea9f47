//! What reading an answer through a mapping costs (run by `cargo xtask
//! bench`, natively; the browser's wasm is slower by a small factor): the
//! json-server example's poll answer, a page of 1,000 signatures (paths,
//! ISO dates, name masking per item), and the reference mapping's
//! pass-through. Prints `key value` lines.

use std::time::Instant;

use serde_json::{Value, json};
use tongxin_core::mapping::http::vars_of;
use tongxin_core::mapping::{Mapping, Op};

fn per_sec(label: &str, iterations: u32, mut f: impl FnMut()) {
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{label}_per_sec {:.0}\n{label}_us {:.1}",
        f64::from(iterations) / secs,
        secs * 1e6 / f64::from(iterations)
    );
}

fn main() {
    let mapping =
        Mapping::from_json(include_str!("../../../examples/json-server/mapping.json")).unwrap();
    let db: Value =
        serde_json::from_str(include_str!("../../../examples/json-server/db.json")).unwrap();
    let mut survey = db["surveys"][0].clone();
    survey["votes"] = Value::Array(vec![db["votes"][0].clone(); 50]);
    let survey = survey.to_string();
    let vars = vars_of(&[("id", json!(7)), ("limit", json!(1000))]);
    per_sec("mapped_poll_answers", 20_000, || {
        mapping.read(Op::GetPoll, &vars, 200, &[], &survey).unwrap();
    });

    let page: Vec<Value> = (0..1000)
        .map(|i| {
            let mut s = db["signatures"][i % 2].clone();
            s["serial"] = json!(i);
            s
        })
        .collect();
    let page = Value::Array(page).to_string();
    per_sec("mapped_1000_signature_pages", 200, || {
        mapping
            .read(Op::ListSignatures, &vars, 200, &[], &page)
            .unwrap();
    });

    let reference = Mapping::reference();
    let view =
        json!({"id": 3, "scope_id": 3, "title": "t", "description": "", "kind": {"type": "single"},
        "options": [{"id": 1, "label": "a"}, {"id": 2, "label": "b"}], "visibility": "always",
        "anonymous": false, "allow_change": true, "eligibility": "open", "created_at": 0,
        "status": "open", "ballots": 10})
        .to_string();
    per_sec("reference_poll_answers", 50_000, || {
        reference.read(Op::GetPoll, &vars, 200, &[], &view).unwrap();
    });
}
