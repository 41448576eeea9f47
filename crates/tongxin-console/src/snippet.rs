//! The embed snippet of an item: the exact tag to paste into a community
//! website, in the three forms the widgets accept (a `div`, a custom
//! element, JavaScript), with the item's id and this server filled in,
//! and the real widget beside it as a preview.

use leptos::prelude::*;
use tongxin_core::Id;

/// One form of the snippet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `<div data-tongxin=…>` and the loader.
    Div,
    /// `<tongxin-poll poll-id=…>` and the loader.
    Element,
    /// `mount(el, {…})` from a module script.
    Script,
}

impl Form {
    /// Every form, as the tabs show them.
    pub const ALL: [Form; 3] = [Form::Div, Form::Element, Form::Script];

    fn name(self) -> &'static str {
        match self {
            Form::Div => "div 标签",
            Form::Element => "自定义元素",
            Form::Script => "JavaScript",
        }
    }
}

/// The snippet for `widget` (`poll`, `convention`, `proposal`) number `id`
/// served by `origin` (`https://tongxin.example`).
pub fn snippet(form: Form, widget: &str, id: Id, origin: &str) -> String {
    let api = format!("{origin}/api");
    let loader = format!("{origin}/tongxin/tongxin.js");
    match form {
        Form::Div => format!(
            "<div data-tongxin=\"{widget}\" data-id=\"{id}\" data-api=\"{api}\"></div>\n<script type=\"module\" src=\"{loader}\"></script>"
        ),
        Form::Element => format!(
            "<tongxin-{widget} {widget}-id=\"{id}\" api=\"{api}\"></tongxin-{widget}>\n<script type=\"module\" src=\"{loader}\"></script>"
        ),
        Form::Script => format!(
            "<div id=\"tongxin-{widget}-{id}\"></div>\n<script type=\"module\">\n  import {{ mount }} from \"{loader}\";\n  mount(document.getElementById(\"tongxin-{widget}-{id}\"), {{ widget: \"{widget}\", id: \"{id}\", api: \"{api}\" }});\n</script>"
        ),
    }
}

fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

/// The snippet tabs with a copy button, and the real widget as preview.
#[component]
pub fn SnippetPanel(
    /// The widget kind.
    widget: &'static str,
    /// The item.
    id: Id,
) -> impl IntoView {
    let form = RwSignal::new(Form::Div);
    let copied = RwSignal::new(false);
    let preview = RwSignal::new(false);
    let text = move || snippet(form.get(), widget, id, &origin());
    let copy = move |_| {
        let clipboard = window().navigator().clipboard();
        let promise = clipboard.write_text(&text());
        leptos::task::spawn_local(async move {
            copied.set(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
        });
    };
    view! {
        <section aria-labelledby="snippet-h" class="cx-snippet">
            <h2 id="snippet-h">"嵌入代码"</h2>
            <p class="cx-muted">"把下面的代码粘贴到社区网站的页面里。"</p>
            <div role="radiogroup" aria-label="代码形式" class="cx-tabs">
                {Form::ALL.into_iter().map(|f| view! {
                    <label class="cx-check">
                        <input type="radio" name="snippet-form" checked=move || form.get() == f
                            on:change=move |_| { form.set(f); copied.set(false); } />
                        {f.name()}
                    </label>
                }).collect_view()}
            </div>
            <textarea class="cx-code" readonly rows="5" aria-label="嵌入代码" prop:value=text></textarea>
            <div class="cx-actions">
                <button type="button" on:click=copy>"复制代码"</button>
                <span role="status">{move || copied.get().then_some("已复制")}</span>
                <button type="button" aria-expanded=move || preview.get().to_string()
                    on:click=move |_| preview.update(|p| *p = !*p)>"预览组件"</button>
            </div>
            {move || preview.get().then(|| view! {
                <p class="cx-muted">"这是居民看到的真实组件：在这里投票、签署或支持都会计入。"</p>
                <div class="cx-preview" data-tongxin=widget data-id=id.to_string() data-api=format!("{}/api", origin())></div>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_names_the_item_and_the_server() {
        let id = Id::int(7);
        for f in Form::ALL {
            let s = snippet(f, "poll", id, "https://tx.example");
            assert!(s.contains("https://tx.example/tongxin/tongxin.js"), "{s}");
            assert!(s.contains("https://tx.example/api"), "{s}");
            assert!(s.contains('7'), "{s}");
        }
        assert_eq!(
            snippet(Form::Div, "poll", id, "https://tx.example")
                .lines()
                .next(),
            Some(
                r#"<div data-tongxin="poll" data-id="7" data-api="https://tx.example/api"></div>"#
            )
        );
        assert!(
            snippet(Form::Element, "convention", id, "o")
                .starts_with(r#"<tongxin-convention convention-id="7""#)
        );
    }
}
