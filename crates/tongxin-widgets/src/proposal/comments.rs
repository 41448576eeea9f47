//! The discussion (群议): comments threaded one level, oldest or newest
//! first, a reply to any top-level comment, a report button for moderation,
//! the author's own hidden comments marked with the moderator's reason, and
//! the form, whose text survives a failed send.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::Id;
use tongxin_core::contract::{CommentHidden, HiddenBy, PublicComment};
use tongxin_core::proposal::CommentInput;
use tongxin_core::text::FieldErrors;

use crate::action::ActionState;
use crate::env::Env;
use crate::parts::{
    Field, Notice, NoticeKind, described_by, field_error, focus_soon, focused_root, invalid,
};

/// The discussion of one proposal.
#[component]
pub fn Comments(
    /// Proposal id.
    proposal_id: Id,
    /// Whether new comments are accepted.
    open: bool,
    /// Backend, strings, events.
    env: Env,
) -> impl IntoView {
    let id = proposal_id;
    let items: RwSignal<Vec<PublicComment>> = RwSignal::new(Vec::new());
    let newest = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let reply_to: RwSignal<Option<(Id, String)>> = RwSignal::new(None);
    let reported: RwSignal<BTreeSet<Id>> = RwSignal::new(BTreeSet::new());
    let errors = RwSignal::new(FieldErrors::new());
    let send = ActionState::new();
    // Bumped on each comment sent: the "posted" notice appears and takes
    // the focus (the disabled button lost it).
    let sent = RwSignal::new(0u32);

    let load = move || {
        let newest_first = newest.get_untracked();
        spawn_local(async move {
            let Some(b) = env.backend() else { return };
            if let Ok(c) = b.comments(id, newest_first).await {
                items.set(c);
            }
        });
    };
    Effect::new(move |_| {
        newest.track();
        load();
    });

    let submit = move || {
        let input = CommentInput {
            author_name: name.get_untracked().trim().to_string(),
            body: body.get_untracked().trim().to_string(),
            parent_id: reply_to.get_untracked().map(|(p, _)| p),
        };
        let checked = input.validate().map(|_| input);
        let root = focused_root();
        env.submit(
            send,
            errors,
            checked,
            move |b, input, key| async move { b.add_comment(id, &input, &key).await },
            move |result| {
                if result.is_ok() {
                    sent.update(|n| *n += 1);
                    if let Some(r) = root.clone() {
                        focus_soon(r, "tx-comment-sent".into());
                    }
                    body.set(String::new());
                    reply_to.set(None);
                    load();
                }
            },
        );
    };

    let report = move |cid: Id| {
        spawn_local(async move {
            let Some(b) = env.backend() else { return };
            env.with_code(&b);
            if let Ok(r) = b.report_comment(id, cid).await {
                reported.update(|s| {
                    s.insert(cid);
                });
                if r.hidden {
                    items.update(|c| c.retain(|x| x.id != cid));
                }
            }
        });
    };

    let i = env.i18n();
    let i18n = env.i18n_stored();
    let row = move |c: PublicComment, replies: Vec<PublicComment>| {
        let i = env.i18n();
        let cid = c.id;
        let author = c.author.clone();
        let hidden = hidden_note(env, c.hidden.as_ref());
        let acts = c.hidden.is_none();
        let reply_button = (open && acts && c.parent_id.is_none()).then(|| {
            let label = i.t("reply");
            view! { <button type="button" class="tx-link-button" on:click=move |_| reply_to.set(Some((cid, author.clone())))>{label}</button> }
        });
        let (report_label, done) = (i.t("report"), i.t("reported"));
        view! {
            <li class="tx-comment">
                <p class="tx-comment-head"><strong>{c.author}</strong>" · "<time class="tx-hint">{i.time(c.created_at)}</time></p>
                <p class="tx-description">{c.body}</p>
                {hidden}
                {acts.then(|| view! { <div class="tx-comment-actions">
                    {reply_button}
                    {move || if reported.with(|r| r.contains(&cid)) {
                        view! { <span class="tx-hint">{done.clone()}</span> }.into_any()
                    } else {
                        let label = report_label.clone();
                        view! { <button type="button" class="tx-link-button" on:click=move |_| report(cid)>{label}</button> }.into_any()
                    }}
                </div> })}
                {(!replies.is_empty()).then(|| view! {
                    <ul class="tx-replies">
                        {replies.into_iter().map(|r| {
                            let hidden = hidden_note(env, r.hidden.as_ref());
                            view! { <li class="tx-comment tx-reply"><p class="tx-comment-head"><strong>{r.author}</strong></p><p class="tx-description">{r.body}</p>{hidden}</li> }
                        }).collect_view()}
                    </ul>
                })}
            </li>
        }
    };

    view! {
        <section id="tx-comments" class="tx-comments" tabindex="-1">
            <h3 class="tx-subhead">{i.t("comments")}</h3>
            <div class="tx-actions">
                <button type="button" class="tx-link-button" aria-pressed=move || (!newest.get()).to_string() on:click=move |_| newest.set(false)>{i.t("order_oldest")}</button>
                <button type="button" class="tx-link-button" aria-pressed=move || newest.get().to_string() on:click=move |_| newest.set(true)>{i.t("order_newest")}</button>
            </div>
            {move || {
                let all = items.get();
                if all.is_empty() {
                    return view! { <p class="tx-hint">{env.t("no_comments")}</p> }.into_any();
                }
                let tops: Vec<PublicComment> = all.iter().filter(|c| c.parent_id.is_none()).cloned().collect();
                view! {
                    <ul class="tx-comment-list">
                        {tops.into_iter().map(|c| {
                            let replies = all.iter().filter(|r| r.parent_id == Some(c.id)).cloned().collect();
                            row(c, replies)
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {if open {
                view! {
                    <form class="tx-form" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
                        <Field id="tx-author_name" label=i.t("your_name") error=field_error(errors.into(), "author_name", i18n)>
                            <input id="tx-author_name" class="tx-input" type="text" maxlength="40" autocomplete="name"
                                aria-describedby=described_by("tx-author_name")
                                aria-invalid=invalid(field_error(errors.into(), "author_name", i18n))
                                prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                        </Field>
                        <Field
                            id="tx-body"
                            label=i.t("comment_label")
                            error=field_error(errors.into(), "body", i18n)
                        >
                            <textarea id="tx-body" class="tx-input tx-textarea" rows="3" maxlength="2000"
                                aria-describedby=described_by("tx-body")
                                aria-invalid=invalid(field_error(errors.into(), "body", i18n))
                                prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                        </Field>
                        {move || reply_to.get().map(|(_, who)| {
                            let text = env.i18n().x("reply_label", who);
                            let cancel = env.t("cancel");
                            view! { <p class="tx-hint">{text}" "<button type="button" class="tx-link-button" on:click=move |_| reply_to.set(None)>{cancel}</button></p> }
                        })}
                        <div class="tx-actions">
                            <button type="submit" class="tx-button" prop:disabled=move || send.busy.get()>{i.t("send_comment")}</button>
                        </div>
                        {move || (sent.get() > 0).then(|| view! { <Notice kind=NoticeKind::Success text=env.t("comment_sent") id="tx-comment-sent" /> })}
                        {send.error_view(Callback::new(move |_| submit()), env.t("retry"))}
                    </form>
                }
                .into_any()
            } else {
                view! { <p class="tx-hint">{i.t("comments_closed")}</p> }.into_any()
            }}
        </section>
    }
}

/// What the author of a hidden comment is told (nobody else gets it).
fn hidden_note(env: Env, hidden: Option<&CommentHidden>) -> Option<impl IntoView + use<>> {
    let i = env.i18n();
    let text = match hidden? {
        CommentHidden {
            by: HiddenBy::Staff,
            reason,
        } => i.x("hidden_by_staff", reason.as_deref().unwrap_or("")),
        CommentHidden { .. } => i.t("hidden_by_reports"),
    };
    Some(view! { <p class="tx-hint tx-comment-hidden" role="note">{text}</p> })
}
