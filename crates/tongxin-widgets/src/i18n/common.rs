//! Strings every widget uses: loading, errors, retry, household codes.

/// (key, zh-CN, en).
pub const COMMON: &[(&str, &str, &str)] = &[
    ("loading", "正在加载…", "Loading…"),
    ("retry", "重试", "Try again"),
    (
        "network_error",
        "网络不通，您填写的内容已保留，请稍后重试。",
        "No connection. What you entered is kept; try again in a moment.",
    ),
    (
        "timeout",
        "服务器没有及时响应，您填写的内容已保留，请重试。",
        "The server did not answer in time. What you entered is kept; try again.",
    ),
    (
        "rate_limited",
        "操作太频繁，请 {n} 秒后再试。",
        "Too many attempts. Try again in {n} s.",
    ),
    ("status_open", "进行中", "Open"),
    ("status_closed", "已结束", "Closed"),
    ("cancel", "取消", "Cancel"),
    ("submitting", "正在提交…", "Sending…"),
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
        "misconfigured",
        "组件配置有误（请联系网站管理员）：{x}",
        "Widget misconfigured (please tell the site's administrator): {x}",
    ),
    (
        "queued_offline",
        "已保存在本机，联网后会自动提交。",
        "Saved on this phone; it will be sent when you are back online.",
    ),
    (
        "outbox_refused",
        "您离线时保存的内容未能提交：{x}",
        "What you saved offline could not be sent: {x}",
    ),
];
