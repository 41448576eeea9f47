//! The running count a building head keys against: per building, the
//! households living there and the answers so far by channel (网上 /
//! 纸质 / 入户 / 会议), reloaded after every slip the server answers.

use leptos::prelude::*;
use tongxin_core::Id;
use tongxin_core::paper::{ChannelSummary, UnitChannels};
use tongxin_core::staff::codes::CodeTarget;

use crate::parts::{ScrollBox, load, show};

fn cell(n: Option<u64>) -> String {
    n.map_or_else(|| "—".into(), |n| n.to_string())
}

fn row(u: UnitChannels) -> impl IntoView {
    let answered = u.online.unwrap_or(0) + u.paper + u.door;
    let of = u
        .households
        .map_or_else(|| answered.to_string(), |h| format!("{answered} / {h}"));
    view! {
        <tr>
            <th scope="row">{u.unit_name.unwrap_or_else(|| "（未注明楼栋）".into())}</th>
            <td class="cx-num">{cell(u.online)}</td>
            <td class="cx-num">{u.paper}</td>
            <td class="cx-num">{u.door}</td>
            <td class="cx-num">{u.meeting}</td>
            <td class="cx-num">{of}</td>
        </tr>
    }
}

/// The table, reloaded when `reload` moves.
#[component]
pub(crate) fn RunningCounts(
    /// Kind of item.
    target: CodeTarget,
    /// The item.
    id: Id,
    /// Bumped after each answered slip.
    #[prop(into)]
    reload: Signal<u32>,
) -> impl IntoView {
    let summary = load::<ChannelSummary>(
        move || {
            format!(
                "/api/v1/admin/channels?target={}&target_id={id}",
                target.as_str()
            )
        },
        reload,
    );
    view! {
        <section aria-labelledby="count-h">
            <h2 id="count-h">"各楼栋已收"</h2>
            {show(summary, |s| {
                let c = s.channels;
                let total = format!(
                    "网上 {} · 纸质 {} · 入户 {} · 会议到会 {}",
                    c.online, c.paper, c.door, c.meeting
                );
                view! {
                    <p class="cx-total" data-testid="channel-total">{total}</p>
                    <ScrollBox label="各楼栋已收表格">
                        <table class="cx-table" aria-labelledby="count-h">
                            <thead><tr>
                                <th scope="col">"楼栋"</th><th scope="col" class="cx-num">"网上"</th>
                                <th scope="col" class="cx-num">"纸质"</th><th scope="col" class="cx-num">"入户"</th>
                                <th scope="col" class="cx-num">"会议"</th><th scope="col" class="cx-num">"已收 / 户数"</th>
                            </tr></thead>
                            <tbody>{s.units.into_iter().map(row).collect_view()}</tbody>
                        </table>
                    </ScrollBox>
                }
            })}
        </section>
    }
}
