//! The demo's budget rounds (社区资金 百姓点菜) in 碧鸡社区: this year's
//! "2026 年度惠民资金", ¥200,000 for nine proposals asking ¥412,000 in
//! all, open with about 300 ballots; and last year's round, closed and
//! confirmed, its winners funded in their ledgers.

use std::sync::Arc;

use tongxin_core::budget::{
    BallotRule, BudgetBallot, BudgetConfirm, BudgetDraft, CountingMethod, ProjectDraft,
};
use tongxin_core::eligibility::Eligibility;
use tongxin_core::poll::ResultVisibility;
use tongxin_core::proposal::ProposalDraft;
use tongxin_core::{Id, Millis};

use super::scopes::Places;
use crate::clock::now_ms;
use crate::service;
use crate::storage::{Store, StoreError, Voter, WriteMeta};

const DAY: Millis = 86_400_000;

/// (title, what it solves, plan, cost in yuan).
const THIS_YEAR: [(&str, &str, &str, i64); 9] = [
    (
        "楼道声控灯更换 / Stairwell lights",
        "1–4 栋楼道灯坏了一半。Half the stairwell lights are out.",
        "更换为声控 LED 灯。Motion-sensing LEDs.",
        38_000,
    ),
    (
        "广场增设座椅 / Benches on the square",
        "老人跳舞后没处歇脚。Nowhere to rest after dancing.",
        "增设 12 张座椅。Twelve benches.",
        46_000,
    ),
    (
        "儿童沙池翻新 / Sandpit renewal",
        "沙池破损，雨后积水。The sandpit is broken and floods.",
        "翻新并加排水。Renew it with drainage.",
        52_000,
    ),
    (
        "电动车充电棚 / E-bike charging shed",
        "飞线充电有火灾隐患。Cables from windows are a fire risk.",
        "建 40 位充电棚。A 40-place shed.",
        98_000,
    ),
    (
        "垃圾分类亭 / Waste-sorting kiosk",
        "垃圾桶露天堆放。Bins stand in the open.",
        "建带洗手池的分类亭。A kiosk with a sink.",
        64_000,
    ),
    (
        "无障碍坡道 / Step-free ramps",
        "3 栋、4 栋门口只有台阶。Buildings 3 and 4 have only steps.",
        "加装坡道与扶手。Ramps and rails.",
        35_000,
    ),
    (
        "老年食堂桌椅 / Seniors' canteen tables",
        "食堂桌椅老旧。The canteen furniture is worn out.",
        "更换 20 套桌椅。Twenty sets.",
        27_000,
    ),
    (
        "社区菜园 / Community vegetable garden",
        "空地杂草丛生。The empty plot is overgrown.",
        "开辟 30 块小菜地。Thirty small plots.",
        22_000,
    ),
    (
        "监控补盲 / CCTV blind spots",
        "车棚失窃多发。Bikes keep being stolen.",
        "补装 6 个摄像头。Six more cameras.",
        30_000,
    ),
];

const LAST_YEAR: [(&str, &str, &str, i64); 5] = [
    (
        "单元门禁维修 / Entrance door locks",
        "单元门锁坏了。The entrance locks are broken.",
        "更换门禁。New locks.",
        42_000,
    ),
    (
        "宣传栏更新 / Notice boards",
        "宣传栏褪色。The boards are faded.",
        "更换 4 块宣传栏。Four new boards.",
        18_000,
    ),
    (
        "绿化补种 / Replanting",
        "草地斑秃。The lawn is bare in places.",
        "补种灌木与草皮。Shrubs and turf.",
        36_000,
    ),
    (
        "晾晒架 / Drying racks",
        "没处晒被子。Nowhere to air bedding.",
        "安装 10 组晾晒架。Ten racks.",
        24_000,
    ),
    (
        "篮球架翻新 / Basketball hoops",
        "篮板破裂。The backboards are cracked.",
        "更换篮板与篮网。New boards and nets.",
        30_000,
    ),
];

fn meta(at: Millis) -> WriteMeta {
    WriteMeta::plain(at)
}

/// The proposals of `list` in 碧鸡社区, and the round's projects over them.
async fn projects(
    s: &Arc<Store>,
    scope: Id,
    list: &[(&str, &str, &str, i64)],
    at: Millis,
) -> Result<Vec<ProjectDraft>, StoreError> {
    let mut out = Vec::new();
    for (i, (title, problem, plan, yuan)) in list.iter().enumerate() {
        let draft = ProposalDraft {
            scope_id: scope,
            title: (*title).into(),
            problem: (*problem).into(),
            plan: (*plan).into(),
            estimated_cost_fen: yuan * 100,
            proposer_name: ["王秀英", "李建国", "张伟", "陈静", "孙雨萌"][i % 5].into(),
            contact: None,
        };
        let voter = Voter {
            key: format!("budget-proposer:{at}:{i}"),
            code_hash: None,
        };
        let reply = service::proposals::submit(s, meta(at), voter, draft, 20).await?;
        let id: serde_json::Value = serde_json::from_str(&reply.body)?;
        out.push(ProjectDraft {
            proposal_id: id["id"].as_i64().map(Id::from),
            title: (*title).into(),
            summary: (*plan).into(),
            cost_fen: yuan * 100,
            cost_note: None,
        });
    }
    Ok(out)
}

/// `n` ballots that fit `fund`: each voter takes the projects they care
/// about most (a spread that favours the cheaper, widely felt ones) until
/// the next would not fit.
fn ballots(n: usize, costs: &[i64], fund: i64) -> Vec<Vec<Id>> {
    (0..n)
        .map(|v| {
            let mut chosen = Vec::new();
            let mut spent = 0;
            for k in 0..costs.len() {
                // A fixed pseudo-random order of preference per voter.
                let p = (v * 7 + k * (v % 5 + 1) + v / 3) % costs.len();
                let keen = (v * 31 + p * 17) % 10 < 7 - p.min(5);
                if keen && !chosen.contains(&Id::from(p as i64 + 1)) && spent + costs[p] <= fund {
                    spent += costs[p];
                    chosen.push(Id::from(p as i64 + 1));
                }
            }
            if chosen.is_empty() {
                chosen.push(Id::from((v % costs.len()) as i64 + 1));
            }
            chosen
        })
        .collect()
}

async fn vote(
    s: &Arc<Store>,
    round: Id,
    key: &str,
    all: Vec<Vec<Id>>,
    at: Millis,
) -> Result<(), StoreError> {
    let mut tasks = Vec::new();
    for (i, projects) in all.into_iter().enumerate() {
        let (st, voter) = (
            s.clone(),
            Voter {
                key: format!("{key}:{i}"),
                code_hash: None,
            },
        );
        tasks.push(tokio::spawn(async move {
            service::budgets::cast(&st, meta(at), round, voter, BudgetBallot { projects }).await
        }));
    }
    for t in tasks {
        t.await.map_err(|e| StoreError::Internal(e.to_string()))??;
    }
    Ok(())
}

fn round(
    scope: Id,
    title: &str,
    fund_yuan: i64,
    projects: Vec<ProjectDraft>,
    opens: Millis,
    closes: Millis,
) -> BudgetDraft {
    BudgetDraft {
        scope_id: scope,
        title: title.into(),
        description: "社区惠民资金由居民投票分配：选出你希望资助的项目，所选项目总价不超过资金总额。\nThe community fund is divided by residents' votes: choose the projects you want funded, within the fund.".into(),
        fund_fen: fund_yuan * 100,
        projects,
        rule: BallotRule::Knapsack {
            min_projects: None,
            max_projects: None,
        },
        method: CountingMethod::EqualShares,
        opens_at: Some(opens),
        closes_at: Some(closes),
        visibility: ResultVisibility::AfterClose,
        anonymous: false,
        allow_change: true,
        eligibility: Eligibility::Open,
    }
}

/// Seeds both rounds.
pub(super) async fn seed(s: &Arc<Store>, at: &Places) -> Result<(), StoreError> {
    let now = now_ms();
    // Last year's, closed and confirmed.
    let then = now - 300 * DAY;
    let p = projects(s, at.bijie, &LAST_YEAR, then).await?;
    let costs: Vec<i64> = p.iter().map(|p| p.cost_fen).collect();
    let last = service::budgets::create(
        s,
        meta(then),
        round(
            at.bijie,
            "2025 年度惠民资金",
            100_000,
            p,
            then,
            then + 14 * DAY,
        ),
    )
    .await?;
    vote(
        s,
        last.id,
        "budget-2025",
        ballots(240, &costs, 10_000_000),
        then + DAY,
    )
    .await?;
    service::budgets::confirm(
        s,
        meta(then + 15 * DAY),
        last.id,
        BudgetConfirm::default(),
        "demo-staff".into(),
    )
    .await?;
    // This year's, open for two more weeks.
    let p = projects(s, at.bijie, &THIS_YEAR, now - 7 * DAY).await?;
    let costs: Vec<i64> = p.iter().map(|p| p.cost_fen).collect();
    let current = service::budgets::create(
        s,
        meta(now - 7 * DAY),
        round(
            at.bijie,
            "2026 年度惠民资金",
            200_000,
            p,
            now - 7 * DAY,
            now + 14 * DAY,
        ),
    )
    .await?;
    vote(
        s,
        current.id,
        "budget-2026",
        ballots(300, &costs, 20_000_000),
        now - DAY,
    )
    .await
}
