//! Language marking for bilingual item texts. Community items are often
//! written in both languages ("制定广场活动文明公约 / Adopt a square civility
//! convention"); a screen reader reads the English half with Chinese
//! pronunciation unless that half carries `lang="en"`. [`Text`] splits a
//! text into runs of one script and marks the runs that are not in the
//! widget's language; a text all in the widget's language stays one text
//! node.

use leptos::prelude::*;

use crate::i18n::Lang;

/// The writing system of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Chinese characters and full-width punctuation.
    Han,
    /// Latin letters.
    Latin,
}

fn script(c: char) -> Option<Script> {
    match c {
        'a'..='z' | 'A'..='Z' => Some(Script::Latin),
        '\u{3000}'..='\u{303f}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{ff00}'..='\u{ffef}' => Some(Script::Han),
        _ => None,
    }
}

/// Splits `text` into runs of one script (`None`: no letters at all, e.g.
/// "21:00"). Digits, spaces and punctuation join the run they follow; at a
/// change of script the break goes after the last space or slash between
/// the two, so "？ Which" and " / Early" split before the English word.
pub fn runs(text: &str) -> Vec<(Option<Script>, &str)> {
    let mut out = Vec::new();
    let (mut start, mut current) = (0, None);
    // Where the current run may end: after the last space or slash seen
    // since its last letter.
    let mut cut: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match script(c) {
            Some(s) if current.is_some_and(|cur| cur != s) => {
                let end = cut.unwrap_or(i);
                out.push((current, &text[start..end]));
                (start, current, cut) = (end, Some(s), None);
            }
            Some(s) => (current, cut) = (Some(s), None),
            None if c.is_whitespace() || c == '/' => cut = Some(i + c.len_utf8()),
            None => {}
        }
    }
    if start < text.len() {
        out.push((current, &text[start..]));
    }
    out
}

/// The `lang` a run needs inside a widget speaking `widget`: `None` when it
/// is in the widget's language (or has no letters).
pub fn foreign(script: Option<Script>, widget: Lang) -> Option<&'static str> {
    match (script?, widget) {
        (Script::Latin, Lang::ZhCn) => Some("en"),
        (Script::Han, Lang::En) => Some("zh-CN"),
        _ => None,
    }
}

/// An item text with its other-language runs marked.
#[component]
pub fn Text(
    /// The text, as the item gives it.
    #[prop(into)]
    text: String,
    /// The widget's language (a prop, not a context: a context costs every
    /// bundle ~1 KB brotli).
    lang: Lang,
) -> impl IntoView {
    runs(&text)
        .into_iter()
        .map(|(s, run)| match foreign(s, lang) {
            Some(lang) => view! { <span lang=lang>{run.to_string()}</span> }.into_any(),
            None => run.to_string().into_any(),
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, widget: Lang) -> Vec<(Option<&'static str>, &str)> {
        runs(text)
            .into_iter()
            .map(|(s, r)| (foreign(s, widget), r))
            .collect()
    }

    #[test]
    fn bilingual_titles_split_before_the_other_language() {
        assert_eq!(
            marked("清晨 6–8点 / Early morning", Lang::ZhCn),
            vec![(None, "清晨 6–8点 / "), (Some("en"), "Early morning")]
        );
        assert_eq!(
            marked(
                "广场音响每晚几点停止？ When should loudspeakers stop?",
                Lang::ZhCn
            ),
            vec![
                (None, "广场音响每晚几点停止？ "),
                (Some("en"), "When should loudspeakers stop?")
            ]
        );
        assert_eq!(
            marked("社区微更新预算怎么分？(10点) / Spread 10 points", Lang::En),
            vec![
                (Some("zh-CN"), "社区微更新预算怎么分？(10点) / "),
                (None, "Spread 10 points")
            ]
        );
        assert_eq!(
            marked("第一段。\nThe second.", Lang::ZhCn),
            vec![(None, "第一段。\n"), (Some("en"), "The second.")]
        );
    }

    #[test]
    fn one_language_or_no_letters_stays_one_run() {
        assert_eq!(marked("21:00", Lang::ZhCn), vec![(None, "21:00")]);
        assert_eq!(marked("公共座椅", Lang::ZhCn), vec![(None, "公共座椅")]);
        assert_eq!(marked("Bike shed", Lang::En), vec![(None, "Bike shed")]);
        assert_eq!(marked("", Lang::En), vec![]);
        assert_eq!(
            marked("在 WeChat 里", Lang::ZhCn),
            vec![(None, "在 "), (Some("en"), "WeChat "), (None, "里")]
        );
    }
}
