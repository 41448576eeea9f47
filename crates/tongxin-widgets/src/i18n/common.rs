//! Strings every widget uses: loading, errors, retry, household codes.

/// (key, zh-CN, en).
pub(super) const COMMON: &[(&str, &str, &str)] = &[
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
    // Shared by several widgets: problem texts, shared parts (unit picker,
    // stepper, rating summary), lists.
    (
        "already_voted",
        "您已经投过票了。",
        "You have already voted.",
    ),
    ("closes_at", "截止时间：{x}", "Closes {x}"),
    ("count", "票数", "Count"),
    ("invalid_ballot", "选择有误：{x}", "Check your choice: {x}"),
    ("mean", "平均 {x} 分", "Mean {x}"),
    (
        "not_eligible_token",
        "此投票仅限本网站登录居民参加，请先登录。",
        "This poll is for signed-in residents of this site. Please sign in.",
    ),
    ("option", "选项", "Option"),
    ("poll_closed", "投票已结束。", "The poll is closed."),
    (
        "poll_not_open",
        "投票尚未开始。",
        "The poll has not opened yet.",
    ),
    ("results_table", "结果明细", "Results in detail"),
    ("satisfaction", "满意度 {x}%", "Satisfaction {x} %"),
    ("score_n", "{n} 分", "{n}"),
    (
        "already_signed",
        "您已经签署过本公约。",
        "You have already signed this convention.",
    ),
    (
        "check_fields",
        "请检查标红的内容。",
        "Please check the fields marked in red.",
    ),
    (
        "convention_closed",
        "本公约已停止签署。",
        "Signing has closed.",
    ),
    (
        "stale_version",
        "公约刚刚更新，请阅读新版本后再签署。",
        "The convention has just been updated. Read the new version, then sign.",
    ),
    ("unit_chosen", "已选择：{x}", "Chosen: {x}"),
    (
        "unit_label",
        "所在楼栋/居民小组",
        "Your building or residents' group",
    ),
    (
        "unit_none_match",
        "没有符合的楼栋或小组。",
        "No building or group matches.",
    ),
    (
        "unit_search",
        "输入楼栋或小组名称筛选",
        "Type to filter buildings and groups",
    ),
    (
        "withdrawal_closed",
        "签名已不能撤回。",
        "Signatures can no longer be withdrawn.",
    ),
    ("load_more", "加载更多", "Load more"),
    ("action_failed", "操作未成功：{x}", "That did not work: {x}"),
    (
        "already_evaluated",
        "您已经评价过了。",
        "You have already rated it.",
    ),
    (
        "already_supported",
        "您已经支持过了。",
        "You already support it.",
    ),
    (
        "being_delivered",
        "项目正在实施，完成后即可评议。",
        "The project is being carried out; you can rate it once it is delivered.",
    ),
    (
        "comments_closed",
        "讨论已结束。",
        "The discussion is closed.",
    ),
    (
        "no_funding",
        "该项目不接受认捐。",
        "This project does not take pledges.",
    ),
    (
        "not_active",
        "该项目已不在进行中。",
        "This project is no longer active.",
    ),
    ("step_consult", "群议", "Consult"),
    ("step_deliberate", "合议", "Deliberate"),
    ("step_evaluate", "评议", "Evaluate"),
    ("step_now", "当前环节：{x}", "Current step: {x}"),
    ("step_propose", "提议", "Propose"),
    ("step_resolve", "决议", "Resolve"),
    (
        "support_closed",
        "提议阶段已结束，不再收集支持。",
        "The propose step is over; supports are closed.",
    ),
];
