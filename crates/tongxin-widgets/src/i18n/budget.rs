//! Strings of the budget-round widget (it also uses the poll widget's
//! status, change and anonymity strings).

/// (key, zh-CN, en).
pub(super) const BUDGET: &[(&str, &str, &str)] = &[
    (
        "budget_load_failed",
        "预算投票加载失败。",
        "The budget round could not be loaded.",
    ),
    (
        "fund_and_costs",
        "社区资金 ¥{x}，{n} 个项目",
        "Community fund ¥{x}, {n} projects",
    ),
    (
        "rule_knapsack",
        "请选择您希望资助的项目，所选项目的费用合计不能超过社区资金。",
        "Choose the projects you would fund; together they may cost no more than the fund.",
    ),
    (
        "rule_at_most",
        "最多选择 {n} 个项目。",
        "Choose at most {n} projects.",
    ),
    (
        "rule_at_least",
        "至少选择 {n} 个项目。",
        "Choose at least {n} projects.",
    ),
    ("cost", "费用 ¥{x}", "Cost ¥{x}"),
    ("see_proposal", "查看提议", "See the proposal"),
    ("meter_fund", "已选 ¥{n} / 共 ¥{x}", "Chosen ¥{n} of ¥{x}"),
    (
        "meter_count",
        "已选 {n} 项 / 最多 {x} 项",
        "Chosen {n} of at most {x}",
    ),
    ("meter_left", "还剩 ¥{x}", "¥{x} left"),
    (
        "does_not_fit",
        "放不下：还剩 ¥{x}，这个项目需要 ¥{n}。请先取消别的项目。",
        "It does not fit: ¥{x} is left and this project costs ¥{n}. Remove another one first.",
    ),
    (
        "one_too_many",
        "最多只能选 {n} 个项目。请先取消别的项目。",
        "You can choose at most {n} projects. Remove another one first.",
    ),
    (
        "too_few_projects",
        "请至少选择 {n} 个项目。",
        "Choose at least {n} projects.",
    ),
    (
        "choose_project",
        "请至少选择一个项目。",
        "Choose at least one project.",
    ),
    ("send_budget", "提交我的选择", "Send my choice"),
    (
        "budget_voted",
        "您的选择已提交，谢谢参与！",
        "Your choice is in. Thank you!",
    ),
    ("your_projects", "您选择了：{x}", "You chose: {x}"),
    ("change_choice", "修改我的选择", "Change my choice"),
    ("budget_results", "计票结果", "Results"),
    (
        "funded_line",
        "以上 {n} 个项目获得资助，共 ¥{x}",
        "The {n} projects above are funded, ¥{x} in all",
    ),
    ("leftover", "剩余资金 ¥{x}", "¥{x} of the fund is left"),
    ("approvals", "{n} 票支持", "{n} approvals"),
    ("funded", "获得资助", "Funded"),
    ("not_funded", "未获资助", "Not funded"),
    (
        "explain_greedy",
        "计票方法：按支持票数从多到少依次资助，资金放不下的项目跳过。",
        "How it was counted: projects are funded by approvals, most first, skipping any the money left cannot pay for.",
    ),
    (
        "explain_equal_shares",
        "计票方法：平均分配法。每位投票人分到同样一份资金，只用于自己支持的项目；项目由支持者分摊买下，支持者越多，每人出得越少。",
        "How it was counted: the Method of Equal Shares. Every voter gets the same share of the fund, spent only on projects they support; a project is bought by its supporters together, so the more supporters, the less each pays.",
    ),
    (
        "bought_in_round",
        "第 {n} 轮买下，每位支持者最多出 ¥{x}",
        "Bought in round {n}; no supporter paid more than ¥{x}",
    ),
    (
        "filled_by_approvals",
        "用剩余资金按支持票数补足",
        "Funded from the money left, by approvals",
    ),
    (
        "override_reason",
        "工作人员调整了资助结果，理由：{x}",
        "Staff changed the funded projects. Their reason: {x}",
    ),
    (
        "round_confirmed",
        "结果已确认，资金已记入各项目的公开账目。",
        "The results are confirmed; the money is in each project's public ledger.",
    ),
];
