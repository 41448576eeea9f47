//! Strings of the convention-signing widget.

/// (key, zh-CN, en).
pub(super) const CONVENTION: &[(&str, &str, &str)] = &[
    (
        "conv_load_failed",
        "公约加载失败。",
        "The convention could not be loaded.",
    ),
    (
        "conv_version",
        "第 {n} 版 · {x} 发布",
        "Version {n} · published {x}",
    ),
    ("conv_open", "签署中", "Open for signing"),
    ("article_n", "第 {n} 条", "Article {n}"),
    (
        "show_full_text",
        "展开全文（共 {n} 条）",
        "Show the full text ({n} articles)",
    ),
    ("collapse_text", "收起", "Show less"),
    (
        "sig_progress",
        "已有 {n} 人签署，目标 {x} 人",
        "{n} of {x} signatures",
    ),
    ("sig_progress_label", "签署进度：{x}", "Signatures: {x}"),
    (
        "goal_reached",
        "已达到签署目标，谢谢大家！",
        "Goal reached. Thank you all!",
    ),
    (
        "earlier_versions",
        "另有 {n} 人签署了旧版本",
        "{n} more signed an earlier version",
    ),
    (
        "by_unit",
        "各楼栋/小组签署情况",
        "Signatures by building or group",
    ),
    ("unit", "楼栋/小组", "Building or group"),
    ("signatures_col", "签署人数", "Signatures"),
    ("signatures_n", "{n} 人", "{n}"),
    ("signatories", "签署名单", "Signatories"),
    (
        "no_signatures",
        "还没有人签署，欢迎成为第一位。",
        "No one has signed yet. Be the first.",
    ),
    (
        "list_failed",
        "名单加载失败。",
        "The list could not be loaded.",
    ),
    ("role_label", "签署身份", "Signing as"),
    ("role_resident", "居民", "Resident"),
    ("role_team_leader", "团队队长", "Team leader"),
    (
        "role_organisation_rep",
        "单位代表",
        "Organisation representative",
    ),
    ("sign_title", "签署公约", "Sign the convention"),
    ("name_label", "姓名", "Your name"),
    (
        "name_hint",
        "公开名单中显示为：{x}",
        "Shown in the public list as: {x}",
    ),
    (
        "name_hint_empty",
        "公开名单只显示部分姓名，例如 孙*萌。",
        "The public list shows your name partly masked.",
    ),
    (
        "team_label",
        "所在团队/单位（选填）",
        "Team or organisation (optional)",
    ),
    (
        "team_hint",
        "例如：夕阳红舞蹈队",
        "For example: Sunset Dance Team",
    ),
    (
        "agree_label",
        "我已阅读并同意第 1–{n} 条全部内容",
        "I have read and agree to articles 1–{n}",
    ),
    ("sign_button", "签署", "Sign"),
    (
        "signed_ok",
        "您已签署，谢谢！",
        "You have signed. Thank you!",
    ),
    (
        "signed_version",
        "您于 {x} 签署了第 {n} 版",
        "You signed version {n} on {x}",
    ),
    (
        "receipt_no",
        "回执编号：{n}（已保存在本机）",
        "Receipt No. {n} (kept on this device)",
    ),
    ("withdraw", "撤回签名", "Withdraw my signature"),
    (
        "withdraw_confirm",
        "确定要撤回您的签名吗？撤回后会从公开名单中移除。",
        "Withdraw your signature? It will be removed from the public list.",
    ),
    ("withdraw_yes", "确定撤回", "Yes, withdraw"),
    (
        "withdrawn_ok",
        "您的签名已撤回。",
        "Your signature has been withdrawn.",
    ),
    (
        "withdrawal_never",
        "本公约签署后不能撤回。",
        "Signatures on this convention cannot be withdrawn.",
    ),
    (
        "withdrawal_until",
        "可在 {x} 前撤回签名。",
        "You can withdraw until {x}.",
    ),
    (
        "newer_version",
        "公约已更新为第 {n} 版，您签署的是旧版本。",
        "The convention is now at version {n}; you signed an earlier version.",
    ),
    (
        "sign_new_version",
        "阅读并签署新版本",
        "Read and sign the new version",
    ),
    (
        "sign_token_required",
        "本公约仅限本网站登录居民签署，请先登录。",
        "This convention is for signed-in residents of this site. Please sign in.",
    ),
    ("sign_failed", "未能签署：{x}", "Not signed: {x}"),
    (
        "err_display_name",
        "请填写姓名（1–40 个字）。",
        "Enter your name (1–40 characters).",
    ),
    (
        "err_unit_id",
        "请选择您所在的楼栋或小组。",
        "Choose your building or group.",
    ),
    (
        "err_team",
        "团队名称最多 80 个字。",
        "A team name has at most 80 characters.",
    ),
    (
        "err_agreed",
        "请勾选确认已阅读并同意。",
        "Tick the box to confirm you have read and agree.",
    ),
    (
        "err_role",
        "请选择签署身份。",
        "Choose how you are signing.",
    ),
];
