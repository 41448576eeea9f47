//! The articles of a convention as the clerk edits them: one text box per
//! article, numbered as shown, moved up or down, removed, or added at the
//! end. Each row keeps its own signal so typing never redraws the list.

use leptos::prelude::*;

/// One article being edited: a key that stays with it when it moves, and
/// its text.
pub(crate) type Row = (u32, RwSignal<String>);

/// Rows for `texts`, keyed 0…n.
pub(crate) fn rows_of(texts: &[String]) -> Vec<Row> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| (i as u32, RwSignal::new(t.clone())))
        .collect()
}

/// The article texts in order, trimmed, blank ones left out.
pub(crate) fn texts(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .map(|(_, t)| t.get_untracked().trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Swaps the row at `at` with its neighbour `by` places away, if there is one.
fn shift(rows: &mut [Row], at: usize, by: isize) {
    let to = at as isize + by;
    if (0..rows.len() as isize).contains(&to) {
        rows.swap(at, to as usize);
    }
}

/// The article list editor.
#[component]
pub(crate) fn ArticleEditor(
    /// The articles, in order.
    rows: RwSignal<Vec<Row>>,
) -> impl IntoView {
    let position = move |key: u32| {
        rows.with(|r| r.iter().position(|(k, _)| *k == key))
            .unwrap_or(0)
    };
    let add = move |_| {
        rows.update(|r| {
            let key = r.iter().map(|(k, _)| k + 1).max().unwrap_or(0);
            r.push((key, RwSignal::new(String::new())));
        });
    };
    view! {
        <fieldset class="cx-articles">
            <legend>"条款"</legend>
            <ol class="cx-article-list">
                <For each=move || rows.get() key=|(k, _)| *k let:row>
                    {
                        let (key, text) = row;
                        let n = move || position(key) + 1;
                        view! {
                            <li>
                                <label class="cx-field">
                                    <span>{move || format!("第 {} 条", n())}</span>
                                    <textarea rows=2 bind:value=text></textarea>
                                </label>
                                <div class="cx-actions">
                                    <button type="button" aria-label=move || format!("上移第 {} 条", n())
                                        on:click=move |_| { let at = position(key); rows.update(|r| shift(r, at, -1)) }>"上移"</button>
                                    <button type="button" aria-label=move || format!("下移第 {} 条", n())
                                        on:click=move |_| { let at = position(key); rows.update(|r| shift(r, at, 1)) }>"下移"</button>
                                    <button type="button" class="cx-danger" aria-label=move || format!("删除第 {} 条", n())
                                        on:click=move |_| rows.update(|r| r.retain(|(k, _)| *k != key))>"删除"</button>
                                </div>
                            </li>
                        }
                    }
                </For>
            </ol>
            <button type="button" on:click=add>"添加一条"</button>
        </fieldset>
    }
}
