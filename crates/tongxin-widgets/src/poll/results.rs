//! Results of every poll kind, drawn with the shared [`ResultBars`], and
//! what the card says where there are none to show.

use leptos::prelude::*;
use tongxin_core::Id;
use tongxin_core::contract::ResultsView;
use tongxin_core::paper::Channels;
use tongxin_core::poll::{Ballot, Poll, PollResults, ResultVisibility};

use crate::i18n::I18n;
use crate::parts::{BarRow, ResultBars, ScoreSummaryView, Text, fmt1};

fn bars(i18n: &I18n, rows: Vec<BarRow>, threshold: Option<(f64, String)>, figure: &str) -> AnyView {
    let (t, tl) = threshold.map_or((None, String::new()), |(t, l)| (Some(t), l));
    let headings = (i18n.t("option"), i18n.t(figure));
    match t {
        Some(t) => view! { <ResultBars rows threshold=t threshold_label=tl caption=i18n.t("results_table") headings lang=i18n.lang() /> }.into_any(),
        None => view! { <ResultBars rows caption=i18n.t("results_table") headings lang=i18n.lang() /> }.into_any(),
    }
}

/// The results block.
#[component]
pub fn PollResultsView(
    /// The poll (for labels).
    poll: Poll,
    /// Per-kind results.
    results: PollResults,
    /// The viewer's ballot, to highlight their choice.
    mine: Option<Ballot>,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let label = |id: Id| poll.option_label(id).unwrap_or_default().to_string();
    let results = results.in_poll_order(&poll);
    let region = i18n.x("results_of", &poll.title);
    let chose = |id: Id| mine.as_ref().is_some_and(|b| b.options().contains(&id));
    let body = match results {
        PollResults::Choices { options } => {
            let rows = options
                .iter()
                .map(|o| BarRow {
                    label: o.label.clone(),
                    value: format!("{} · {}%", i18n.n("votes_n", o.count), fmt1(o.percent)),
                    percent: o.percent,
                    highlight: chose(o.option),
                })
                .collect();
            bars(&i18n, rows, None, "count")
        }
        PollResults::Approval {
            threshold_percent,
            options,
        } => {
            let rows = options
                .iter()
                .map(|o| BarRow {
                    label: format!(
                        "{} — {}",
                        o.label,
                        if o.adopted {
                            i18n.t("adopted")
                        } else {
                            i18n.t("not_adopted")
                        }
                    ),
                    value: format!(
                        "{} · {} {} · {} {} · {} {}",
                        i18n.x("agree_share", fmt1(o.agree_percent)),
                        i18n.t("agree"),
                        o.agree,
                        i18n.t("abstain"),
                        o.abstain,
                        i18n.t("disagree"),
                        o.disagree
                    ),
                    percent: o.agree_percent,
                    highlight: o.adopted,
                })
                .collect();
            bars(
                &i18n,
                rows,
                Some((
                    f64::from(threshold_percent),
                    i18n.n("threshold", threshold_percent),
                )),
                "percent",
            )
        }
        PollResults::Score { options } => options
            .iter()
            .map(|o| {
                view! { <ScoreSummaryView title=o.label.clone() summary=o.summary.clone() i18n=i18n.clone() /> }
                    .into_any()
            })
            .collect_view()
            .into_any(),
        PollResults::Ranked { options, runoff } => {
            let rows = options
                .iter()
                .map(|o| BarRow {
                    label: o.label.clone(),
                    value: format!("{} · {}%", i18n.n("votes_n", o.count), fmt1(o.percent)),
                    percent: o.percent,
                    highlight: runoff.winner == Some(o.option),
                })
                .collect();
            let rounds = runoff
                .rounds
                .iter()
                .enumerate()
                .map(|(n, r)| {
                    let counts = r
                        .counts
                        .iter()
                        .map(|(o, c)| format!("{} {}", label(*o), c))
                        .collect::<Vec<_>>()
                        .join(" · ");
                    let mut line = format!("{}: {counts}", i18n.n("round_n", n + 1));
                    if r.exhausted > 0 {
                        line.push_str(&format!(" · {}", i18n.n("exhausted", r.exhausted)));
                    }
                    if let Some(e) = r.eliminated {
                        line.push_str(&format!(" → {}", i18n.x("eliminated", label(e))));
                    }
                    view! { <li><Text text=line lang=i18n.lang() /></li> }
                })
                .collect_view();
            view! {
                <h4 class="tx-subhead">{i18n.t("first_choices")}</h4>
                {bars(&i18n, rows, None, "count")}
                <ol class="tx-rounds">{rounds}</ol>
                {runoff.winner.map(|w| view! { <p class="tx-winner"><Text text=i18n.x("winner", label(w)) lang=i18n.lang() /></p> })}
            }
            .into_any()
        }
        PollResults::Dot { options, .. } => {
            let rows = options
                .iter()
                .map(|o| BarRow {
                    label: o.label.clone(),
                    value: format!("{} · {}%", i18n.n("points_n", o.points), fmt1(o.percent)),
                    percent: o.percent,
                    highlight: chose(o.option),
                })
                .collect();
            bars(&i18n, rows, None, "count")
        }
    };
    view! {
        <section class="tx-results" aria-label=region>
            <h3 class="tx-section-title">{i18n.t("results")}</h3>
            {body}
        </section>
    }
}

/// The results part of the card: the bars (the resident's own ballot
/// `mine` marked), or why there are none to show (no votes yet, published
/// in batches, hidden until the resident votes or the poll closes).
pub fn results_block(
    poll: Poll,
    results: ResultsView,
    open: bool,
    mine: Option<Ballot>,
    i: I18n,
) -> AnyView {
    match results.results {
        Some(res) if results.ballots > 0 => {
            let note = results.channels.and_then(|c| channel_note(&c, &i));
            view! {
                <PollResultsView poll=poll results=res mine=mine i18n=i.clone() />
                {note.map(|n| view! { <p class="tx-hint tx-channels"><Text text=n lang=i.lang() /></p> })}
            }
            .into_any()
        }
        // An open anonymous poll shows its figures in batches (server side).
        Some(_) if poll.anonymous && open => {
            view! { <p class="tx-hint">{i.t("results_in_batches")}</p> }.into_any()
        }
        Some(_) => view! { <p class="tx-hint">{i.t("no_votes")}</p> }.into_any(),
        None => {
            let why = match results.visibility {
                ResultVisibility::AfterClose => i.t("results_after_close"),
                _ => i.t("results_after_vote"),
            };
            view! { <p class="tx-hint tx-hidden-results">{why}</p> }.into_any()
        }
    }
}

/// What of the count did not come online: "其中纸质 N 份", door-to-door
/// slips, and meetings' shows of hands counted apart; `None` when all of
/// it came online.
fn channel_note(c: &Channels, i: &I18n) -> Option<String> {
    let parts: Vec<String> = [
        ("paper_share", c.paper),
        ("door_share", c.door),
        ("meeting_share", c.meeting),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(key, n)| i.n(key, n))
    .collect();
    (!parts.is_empty()).then(|| parts.join(i.t("list_sep").as_str()))
}
