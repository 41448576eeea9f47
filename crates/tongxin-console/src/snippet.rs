//! The embed snippet of an item: the exact tag to paste into a community
//! website, in the three forms the widgets accept (a `div`, a custom
//! element, JavaScript), with the item's id and this server filled in,
//! and the real widget beside it as a preview. Above the tag, for the
//! page's `<head>`, hints that let the browser fetch the loader and the
//! widget's bundle while it reads the page (from the bundle's manifest:
//! they name this release's files).

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

/// The files of the bundle that draws one widget alone on a page (as the
/// loader picks it: the smallest bundle with the widget), by name under
/// `/tongxin/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hints {
    /// The bundle's JavaScript module.
    pub js: String,
    /// Its WebAssembly.
    pub wasm: String,
    /// Its stylesheet.
    pub css: String,
}

impl Hints {
    /// The files for `widget` in the bundle's `manifest.json`, or `None`
    /// when it has no bundle for it.
    pub fn from_manifest(manifest: &serde_json::Value, widget: &str) -> Option<Hints> {
        let text = |v: &serde_json::Value, k: &str| v.get(k)?.as_str().map(str::to_string);
        let bundle = manifest
            .get("bundles")?
            .as_array()?
            .iter()
            .filter(|b| {
                b.get("widgets")
                    .and_then(|w| w.as_array())
                    .is_some_and(|w| w.iter().any(|w| w.as_str() == Some(widget)))
            })
            .min_by_key(|b| b.get("bytes").and_then(|n| n.as_u64()).unwrap_or(u64::MAX))?;
        Some(Hints {
            js: text(bundle, "js")?,
            wasm: text(bundle, "wasm")?,
            css: text(bundle, "css")?,
        })
    }

    /// The `<link>` lines for the page's `<head>`.
    fn lines(&self, origin: &str) -> String {
        let dir = format!("{origin}/tongxin");
        format!(
            "<!-- 放在页面的 <head> 里：浏览器读页面时就下载组件（只对本版本有效，升级 Tongxin 后请重新复制） -->\n\
             <link rel=\"modulepreload\" href=\"{dir}/tongxin.js\">\n\
             <link rel=\"modulepreload\" href=\"{dir}/{js}\">\n\
             <link rel=\"preload\" href=\"{dir}/{wasm}\" as=\"fetch\" crossorigin>\n\
             <link rel=\"preload\" href=\"{dir}/{css}\" as=\"style\">\n",
            js = self.js,
            wasm = self.wasm,
            css = self.css,
        )
    }
}

/// The snippet for `widget` (`poll`, `convention`, `proposal`) number `id`
/// served by `origin` (`https://tongxin.example`), with the `<head>` hints
/// first when the bundle's files are known.
pub fn snippet(form: Form, widget: &str, id: Id, origin: &str, hints: Option<&Hints>) -> String {
    let head = hints.map(|h| h.lines(origin)).unwrap_or_default();
    format!("{head}{}", tag(form, widget, id, origin))
}

/// The tag itself, for the page's body.
fn tag(form: Form, widget: &str, id: Id, origin: &str) -> String {
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
    // This release's bundle files, for the hints; without them the tag alone.
    let manifest =
        LocalResource::new(|| crate::api::get::<serde_json::Value>("/tongxin/manifest.json"));
    let hints = move || {
        manifest
            .get()
            .and_then(|m| m.ok())
            .and_then(|m| Hints::from_manifest(&m, widget))
    };
    let text = move || snippet(form.get(), widget, id, &origin(), hints().as_ref());
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
            <textarea class="cx-code" readonly rows="10" aria-label="嵌入代码" prop:value=text></textarea>
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
            let s = snippet(f, "poll", id, "https://tx.example", None);
            assert!(s.contains("https://tx.example/tongxin/tongxin.js"), "{s}");
            assert!(s.contains("https://tx.example/api"), "{s}");
            assert!(s.contains('7'), "{s}");
        }
        assert_eq!(
            snippet(Form::Div, "poll", id, "https://tx.example", None)
                .lines()
                .next(),
            Some(
                r#"<div data-tongxin="poll" data-id="7" data-api="https://tx.example/api"></div>"#
            )
        );
        assert!(
            snippet(Form::Element, "convention", id, "o", None)
                .starts_with(r#"<tongxin-convention convention-id="7""#)
        );
    }

    /// The hints name the smallest bundle with the widget, as the loader
    /// picks it, and come before the tag.
    #[test]
    fn hints_name_the_smallest_bundle_with_the_widget() {
        let manifest = serde_json::json!({
            "bundles": [
                {"name": "poll", "js": "poll.aaaaaaaaaa.js", "wasm": "poll.aaaaaaaaaa.wasm", "css": "poll.0123456789.css", "widgets": ["poll"], "bytes": 10},
                {"name": "proposals", "js": "proposals.bbbbbbbbbb.js", "wasm": "proposals.bbbbbbbbbb.wasm", "css": "proposals.0123456789.css", "widgets": ["proposals", "proposal", "poll"], "bytes": 30},
            ]
        });
        let poll = Hints::from_manifest(&manifest, "poll").unwrap();
        assert_eq!(poll.wasm, "poll.aaaaaaaaaa.wasm");
        assert_eq!(
            Hints::from_manifest(&manifest, "proposal").unwrap().js,
            "proposals.bbbbbbbbbb.js"
        );
        assert_eq!(Hints::from_manifest(&manifest, "budget"), None);
        assert_eq!(Hints::from_manifest(&serde_json::json!({}), "poll"), None);
        let s = snippet(
            Form::Div,
            "poll",
            Id::int(7),
            "https://tx.example",
            Some(&poll),
        );
        let link = |l: &str| {
            s.lines()
                .position(|x| x == l)
                .unwrap_or_else(|| panic!("{l} in {s}"))
        };
        let tag = s
            .lines()
            .position(|l| l.starts_with("<div data-tongxin"))
            .unwrap();
        for l in [
            r#"<link rel="modulepreload" href="https://tx.example/tongxin/tongxin.js">"#,
            r#"<link rel="modulepreload" href="https://tx.example/tongxin/poll.aaaaaaaaaa.js">"#,
            r#"<link rel="preload" href="https://tx.example/tongxin/poll.aaaaaaaaaa.wasm" as="fetch" crossorigin>"#,
            r#"<link rel="preload" href="https://tx.example/tongxin/poll.0123456789.css" as="style">"#,
        ] {
            assert!(link(l) < tag);
        }
    }
}
