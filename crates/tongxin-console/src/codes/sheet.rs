//! The printable sheet of freshly issued household codes: one slip per
//! household with the code, what it is for, the QR code of the item's page
//! (with the code in its fragment, for the keying form's scanner) and cut
//! lines; A4, eight slips a page (`@media print` in the console's
//! stylesheet hides everything else). Printed as paper ballots (each
//! option with a box) or signature sheets, four a page: the household's
//! code on the slip is what the building head keys it by.

use leptos::prelude::*;

use super::qr::Qr;

/// What a sheet is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SheetInfo {
    /// The item's title.
    pub title: String,
    /// The building the codes are for.
    pub unit: String,
    /// The item's page (the QR code opens it).
    pub page: String,
    /// Printed as a paper ballot: its options, each with a box to tick.
    pub ballot: Vec<String>,
    /// Printed as a signature sheet: a line to sign on.
    pub sign_line: bool,
}

impl SheetInfo {
    fn is_form(&self) -> bool {
        !self.ballot.is_empty() || self.sign_line
    }
}

/// The slips of `codes`, and a button that prints them.
#[component]
pub(super) fn CodeSheet(
    /// Title, building and page.
    info: SheetInfo,
    /// The codes, shown once.
    codes: Vec<String>,
) -> impl IntoView {
    let print = |_| {
        let _ = window().print();
    };
    let count = codes.len();
    let form = info.is_form();
    let help = if form {
        "在方框内打 ✓ 后交给楼栋长；也可扫码在网上作答。每户只算一次。"
    } else {
        "扫码打开页面，输入上面的入户码。每户限用一次。"
    };
    view! {
        <section class="cx-sheet-panel" aria-labelledby="sheet-h">
            <h2 id="sheet-h">{format!("{} 的入户码（{count} 张）", info.unit)}</h2>
            <p class="cx-muted">"入户码只显示这一次：请现在打印，沿虚线剪开，每户一张。"</p>
            <button type="button" class="cx-primary" on:click=print>"打印入户码"</button>
            <div class=if form { "cx-sheet cx-forms" } else { "cx-sheet" }>
                {codes.into_iter().map(|code| {
                    let label = format!("二维码：{}", info.page);
                    // The household's code rides in the fragment, which
                    // browsers never send to a server (no code in any access
                    // log); the console's keying form reads it from a scan.
                    let qr = format!("{}#code={code}", info.page);
                    view! {
                        <div class="cx-slip">
                            <div class="cx-slip-text">
                                <p class="cx-slip-unit">{info.unit.clone()}</p>
                                <p class="cx-slip-title">{info.title.clone()}</p>
                                <p class="cx-slip-code">{code}</p>
                                {(!info.ballot.is_empty()).then(|| view! {
                                    <ol class="cx-slip-ballot">
                                        {info.ballot.iter().map(|o| view! { <li>{format!("☐ {o}")}</li> }).collect_view()}
                                    </ol>
                                })}
                                {info.sign_line.then(|| view! { <p class="cx-slip-sign">"签名：＿＿＿＿＿＿＿＿"</p> })}
                                <p class="cx-slip-help">{help}</p>
                            </div>
                            <Qr text=qr label=label />
                        </div>
                    }
                }).collect_view()}
            </div>
        </section>
    }
}
