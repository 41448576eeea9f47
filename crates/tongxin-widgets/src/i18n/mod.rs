//! The message catalogue. Every visible string comes from here, in zh-CN
//! and en; the host page may override single strings by key
//! (`data-strings='{"vote": "投我一票"}'`). One table holds both languages,
//! so a key cannot exist in one and be missing in the other.

use std::collections::HashMap;
use std::sync::Arc;

/// Display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 简体中文
    ZhCn,
    /// English
    En,
}

impl Lang {
    /// From a tag such as `zh-CN`, `zh`, `en-GB`; `None` when unsupported.
    pub fn parse(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase();
        if t.starts_with("zh") {
            Some(Lang::ZhCn)
        } else if t.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// `data-lang` if given and supported, else the browser's languages, else zh-CN.
    pub fn pick(attr: Option<&str>) -> Lang {
        if let Some(l) = attr.and_then(Lang::parse) {
            return l;
        }
        let browser = web_sys::window()
            .map(|w| w.navigator().languages().to_vec())
            .unwrap_or_default();
        browser
            .iter()
            .filter_map(|v| v.as_string())
            .find_map(|t| Lang::parse(&t))
            .unwrap_or(Lang::ZhCn)
    }

    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// (key, zh-CN, en). `{n}`, `{x}` are placeholders.
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("loading", "正在加载…", "Loading…"),
    ("retry", "重试", "Try again"),
    (
        "load_failed",
        "投票加载失败。",
        "The poll could not be loaded.",
    ),
    (
        "network_error",
        "网络不通，您的选择已保留，请稍后重试。",
        "No connection. Your choice is kept; try again in a moment.",
    ),
    (
        "timeout",
        "服务器没有及时响应，您的选择已保留，请重试。",
        "The server did not answer in time. Your choice is kept; try again.",
    ),
    (
        "rate_limited",
        "操作太频繁，请 {n} 秒后再试。",
        "Too many attempts. Try again in {n} s.",
    ),
    ("participants", "{n} 人参与", "{n} taking part"),
    ("status_open", "进行中", "Open"),
    ("status_closed", "已结束", "Closed"),
    ("status_scheduled", "未开始", "Not open yet"),
    ("opens_at", "开始时间：{x}", "Opens {x}"),
    ("closes_at", "截止时间：{x}", "Closes {x}"),
    ("vote", "投票", "Vote"),
    ("submit_change", "提交修改", "Save my change"),
    ("change_vote", "修改我的投票", "Change my vote"),
    ("cancel", "取消", "Cancel"),
    ("submitting", "正在提交…", "Sending…"),
    (
        "voted",
        "您已投票，谢谢参与！",
        "You have voted. Thank you!",
    ),
    ("your_ballot", "您的选择：{x}", "Your choice: {x}"),
    (
        "anonymous_ballot",
        "这是匿名投票，您的选择不与您关联保存。",
        "This poll is anonymous: your choice is not stored with you.",
    ),
    ("results", "结果", "Results"),
    (
        "results_after_vote",
        "投票后可查看结果。",
        "Results are shown after you vote.",
    ),
    (
        "results_after_close",
        "投票结束后公布结果。",
        "Results are published when the poll closes.",
    ),
    ("no_votes", "还没有人投票。", "No votes yet."),
    ("choose_one", "请选择一项", "Choose one"),
    ("choose_up_to", "最多选择 {n} 项", "Choose up to {n}"),
    ("chosen_of", "已选 {n} 项", "{n} chosen"),
    ("agree", "同意", "Agree"),
    ("abstain", "弃权", "Abstain"),
    ("disagree", "不同意", "Disagree"),
    ("threshold", "通过线 {n}%", "Threshold {n} %"),
    ("adopted", "已通过", "Adopted"),
    ("not_adopted", "未通过", "Not adopted"),
    ("agree_share", "同意 {x}%", "{x} % agree"),
    ("rate_each", "请为每项打分（1–5）", "Rate each item (1–5)"),
    ("score_n", "{n} 分", "{n}"),
    ("mean", "平均 {x} 分", "Mean {x}"),
    ("satisfaction", "满意度 {x}%", "Satisfaction {x} %"),
    (
        "rank_hint",
        "用 ↑ ↓ 按钮或键盘方向键调整顺序，第一位是最想要的。",
        "Reorder with the ↑ ↓ buttons or the arrow keys; first is your favourite.",
    ),
    ("move_up", "上移 {x}", "Move {x} up"),
    ("move_down", "下移 {x}", "Move {x} down"),
    ("rank_n", "第 {n} 位", "No. {n}"),
    ("first_choices", "第一选择", "First choices"),
    ("round_n", "第 {n} 轮", "Round {n}"),
    ("eliminated", "淘汰：{x}", "Eliminated: {x}"),
    (
        "exhausted",
        "{n} 张选票已无剩余选择",
        "{n} ballots exhausted",
    ),
    ("winner", "胜出：{x}", "Winner: {x}"),
    ("points_left", "还剩 {n} 点", "{n} points left"),
    ("points_n", "{n} 点", "{n} points"),
    ("add_point", "给 {x} 加一点", "Add a point to {x}"),
    ("remove_point", "从 {x} 减一点", "Remove a point from {x}"),
    ("votes_n", "{n} 票", "{n} votes"),
    ("code_label", "入户码", "Household code"),
    (
        "code_hint",
        "由楼栋长发放，每户一码，例如 7KQ2-M9XD-4T",
        "From your building head, one per household, e.g. 7KQ2-M9XD-4T",
    ),
    (
        "code_required",
        "请输入入户码。",
        "Enter your household code.",
    ),
    (
        "code_invalid",
        "入户码无效，请核对后重试。",
        "That household code is not valid. Check it and try again.",
    ),
    (
        "not_eligible_token",
        "此投票仅限本网站登录居民参加，请先登录。",
        "This poll is for signed-in residents of this site. Please sign in.",
    ),
    (
        "already_voted",
        "您已经投过票了。",
        "You have already voted.",
    ),
    ("poll_closed", "投票已结束。", "The poll is closed."),
    (
        "poll_not_open",
        "投票尚未开始。",
        "The poll has not opened yet.",
    ),
    ("invalid_ballot", "选择有误：{x}", "Check your choice: {x}"),
    ("results_table", "结果明细", "Results in detail"),
    ("option", "选项", "Option"),
    ("count", "票数", "Count"),
    ("percent", "比例", "Share"),
    (
        "misconfigured",
        "组件配置有误：{x}",
        "Widget misconfigured: {x}",
    ),
];

/// Looks up and formats messages for one widget.
#[derive(Clone)]
pub struct I18n {
    lang: Lang,
    overrides: Arc<HashMap<String, String>>,
}

impl I18n {
    /// A catalogue in `lang` with host overrides.
    pub fn new(lang: Lang, overrides: HashMap<String, String>) -> Self {
        I18n {
            lang,
            overrides: Arc::new(overrides),
        }
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message for `key` (the key itself if unknown, so a typo is visible).
    pub fn t(&self, key: &str) -> String {
        if let Some(o) = self.overrides.get(key) {
            return o.clone();
        }
        MESSAGES
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, zh, en)| if self.lang == Lang::ZhCn { *zh } else { *en })
            .unwrap_or(key)
            .to_string()
    }

    /// The message with `{n}` replaced.
    pub fn n(&self, key: &str, n: impl std::fmt::Display) -> String {
        self.t(key).replace("{n}", &n.to_string())
    }

    /// The message with `{x}` replaced.
    pub fn x(&self, key: &str, x: impl std::fmt::Display) -> String {
        self.t(key).replace("{x}", &x.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_unique_and_translated() {
        let mut keys: Vec<&str> = MESSAGES.iter().map(|m| m.0).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate keys");
        for (k, zh, en) in MESSAGES {
            assert!(!zh.is_empty() && !en.is_empty(), "{k}");
            for p in ["{n}", "{x}"] {
                assert_eq!(
                    zh.contains(p),
                    en.contains(p),
                    "{k}: placeholder {p} in one language only"
                );
            }
        }
    }

    #[test]
    fn overrides_and_placeholders() {
        let i = I18n::new(
            Lang::En,
            [("vote".to_string(), "Cast it".to_string())].into(),
        );
        assert_eq!(i.t("vote"), "Cast it");
        assert_eq!(i.n("participants", 526), "526 taking part");
        assert_eq!(
            I18n::new(Lang::ZhCn, HashMap::new()).n("participants", 526),
            "526 人参与"
        );
        assert_eq!(Lang::parse("zh-Hans-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("fr"), None);
    }
}
