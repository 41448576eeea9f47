//! Small pieces every console page uses: the problem line, labelled
//! fields and choices, and loading an answer into a signal.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;

use crate::api::{self, Problem};

/// A problem from the server, read out when it appears.
#[component]
pub(crate) fn ProblemNote(
    /// The problem to show, if any.
    #[prop(into)]
    problem: Signal<Option<Problem>>,
) -> impl IntoView {
    view! {
        <p class="cx-problem" role="alert">
            {move || problem.get().map(|p| api::describe(&p))}
        </p>
    }
}

/// A labelled one-line text field bound to `value`.
#[component]
pub(crate) fn TextField(
    /// The label shown above the field.
    label: &'static str,
    /// What is typed.
    value: RwSignal<String>,
    /// `text`, `password`, `number`, `datetime-local` … Default `text`.
    #[prop(default = "text")]
    kind: &'static str,
    /// Browser autocomplete hint. Default `off`.
    #[prop(default = "off")]
    autocomplete: &'static str,
) -> impl IntoView {
    view! {
        <label class="cx-field">
            <span>{label}</span>
            <input type=kind autocomplete=autocomplete bind:value=value />
        </label>
    }
}

/// A labelled multi-line text field bound to `value`.
#[component]
pub(crate) fn TextArea(
    /// The label.
    label: &'static str,
    /// What is typed.
    value: RwSignal<String>,
    /// Visible lines. Default 3.
    #[prop(default = 3)]
    rows: u32,
) -> impl IntoView {
    view! {
        <label class="cx-field">
            <span>{label}</span>
            <textarea rows=rows bind:value=value></textarea>
        </label>
    }
}

/// A labelled choice among fixed `options` (value, label), bound to `value`.
#[component]
pub(crate) fn SelectField(
    /// The label (also the select's accessible name).
    label: &'static str,
    /// The chosen option's value.
    value: RwSignal<String>,
    /// (value, label) pairs in the order shown.
    options: &'static [(&'static str, &'static str)],
) -> impl IntoView {
    view! {
        <label class="cx-field">
            <span>{label}</span>
            <select aria-label=label on:change=move |ev| value.set(event_target_value(&ev))>
                {options.iter().map(|(v, l)| view! {
                    <option value=*v selected=move || value.get() == *v>{*l}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// A table that may scroll sideways on a phone: a named region that the
/// keyboard can reach and scroll.
#[component]
pub(crate) fn ScrollBox(
    /// What it holds, for screen readers.
    label: &'static str,
    /// The table.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="cx-scroll" role="region" tabindex="0" aria-label=label>{children()}</div>
    }
}

/// What a page loads: nothing yet, the answer, or why not.
#[derive(Debug, Clone)]
pub(crate) enum Loaded<T> {
    /// Still waiting.
    Loading,
    /// The answer.
    Ready(T),
    /// The problem.
    Failed(Problem),
}

/// Loads `path` into a signal now and whenever `reload` changes.
pub(crate) fn load<T>(
    path: impl Fn() -> String + 'static,
    reload: Signal<u32>,
) -> ReadSignal<Loaded<T>>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    let (data, set_data) = signal(Loaded::Loading);
    Effect::new(move |_| {
        reload.track();
        let p = path();
        spawn_local(async move {
            set_data.set(match api::get::<T>(&p).await {
                Ok(v) => Loaded::Ready(v),
                Err(e) => Loaded::Failed(e),
            });
        });
    });
    data
}

/// Shows a [`Loaded`] value: a waiting line, the problem, or `ready`.
pub(crate) fn show<T, V>(
    data: ReadSignal<Loaded<T>>,
    ready: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    move || match data.get() {
        Loaded::Loading => view! { <p class="cx-muted">"加载中…"</p> }.into_any(),
        Loaded::Failed(p) => {
            view! { <p class="cx-problem" role="alert">{api::describe(&p)}</p> }.into_any()
        }
        Loaded::Ready(v) => ready(v).into_any(),
    }
}

/// Field problems found before anything is sent, shown like the server's.
pub(crate) fn invalid(errors: tongxin_core::text::FieldErrors) -> Problem {
    Problem {
        type_: "/problems/validation-failed".into(),
        title: "validation failed".into(),
        status: 422,
        detail: "请修改以下内容".into(),
        errors: Some(errors),
    }
}

/// One field's problem found before anything is sent.
pub(crate) fn local_problem(field: &str, message: &str) -> Problem {
    let mut errors = tongxin_core::text::FieldErrors::new();
    errors.add(field, message);
    invalid(errors)
}

/// Creates an item: `draft`, checked by the core's rules first
/// (`checked`), is posted to `path`; the console then goes to
/// `route_of(answer)`, or shows the problem.
pub(crate) fn create<D, T>(
    path: &'static str,
    draft: D,
    checked: Result<(), tongxin_core::text::FieldErrors>,
    busy: RwSignal<bool>,
    problem: RwSignal<Option<Problem>>,
    route_of: impl FnOnce(T) -> crate::route::Route + 'static,
) where
    D: serde::Serialize + 'static,
    T: DeserializeOwned + 'static,
{
    if let Err(errors) = checked {
        problem.set(Some(invalid(errors)));
        return;
    }
    busy.set(true);
    spawn_local(async move {
        match api::post::<_, T>(path, &draft).await {
            Ok(t) => crate::route::go(route_of(t)),
            Err(p) => problem.set(Some(p)),
        }
        busy.set(false);
    });
}
