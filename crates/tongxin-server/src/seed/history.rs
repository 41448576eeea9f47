//! A year of history for the demo's two communities, so the governance
//! indicators show real trends: households on every building, a poll
//! every other month, a convention signed month by month, and proposals
//! started through the year — delivered and rated, adopted and under way,
//! refused at the vote, withdrawn, still gathering supports. Everything is
//! written at past times (`now` minus days), through the same store calls
//! residents and staff use, so every rule applies.

use std::sync::Arc;

use tongxin_core::convention::{ConventionDraft, SignatureInput, SignerRole, WithdrawalPolicy};
use tongxin_core::eligibility::Eligibility;
use tongxin_core::poll::{Ballot, PollDraft, PollEdit, PollKind, ResultVisibility, Stance};
use tongxin_core::proposal::funding::{LedgerInput, LedgerKind, PledgeInput, PledgeSource};
use tongxin_core::proposal::{EvaluationInput, ProposalDraft, ProposalEdit, TransitionAction};
use tongxin_core::{Id, Millis};

use tongxin_core::scope::ScopeLevel;

use super::scopes::Places;
use crate::service;
use crate::storage::{NewScope, ScopeEdit, Store, StoreError, Voter, WriteMeta};

const DAY: Millis = 86_400_000;

/// Households per Bijie building, and in courtyard No. 47 (120, as in the story).
const BIJIE_HOUSEHOLDS: [u32; 4] = [160, 140, 150, 130];
const YARD47_HOUSEHOLDS: u32 = 120;

fn at(now: Millis, days_ago: i64) -> WriteMeta {
    WriteMeta {
        secret: true,
        ..WriteMeta::plain(now - days_ago * DAY)
    }
}

fn voter(i: usize) -> Voter {
    Voter {
        key: format!("history:{i}"),
        code_hash: None,
    }
}

/// Writes the history; `now` is the seeding time.
pub(super) async fn seed(s: &Arc<Store>, p: &Places, now: Millis) -> Result<(), StoreError> {
    for (b, h) in p.buildings.iter().zip(BIJIE_HOUSEHOLDS) {
        let edit = ScopeEdit {
            households: Some(h),
            ..ScopeEdit::default()
        };
        service::scopes::update(s, at(now, 0), *b, edit).await?;
    }
    let edit = ScopeEdit {
        households: Some(YARD47_HOUSEHOLDS),
        ..ScopeEdit::default()
    };
    service::scopes::update(s, at(now, 0), p.yard47, edit).await?;
    let mut n = 0usize;
    polls(s, p, now, &mut n).await?;
    conventions(s, p, now, &mut n).await?;
    proposals(s, p, now, &mut n).await?;
    neighbour(s, p, now, &mut n).await
}

/// 龙门社区, Bijie's neighbour in the same street, so a community can be
/// compared with its street: two buildings and a poll a quarter.
async fn neighbour(
    s: &Arc<Store>,
    p: &Places,
    now: Millis,
    n: &mut usize,
) -> Result<(), StoreError> {
    let scope = |parent, level, name: &str, en: &str, households| NewScope {
        parent_id: Some(parent),
        level,
        name: name.into(),
        name_en: Some(en.into()),
        households,
    };
    let longmen = service::scopes::create(
        s,
        at(now, 0),
        scope(
            p.street,
            ScopeLevel::Community,
            "龙门社区",
            "Longmen Community",
            None,
        ),
    )
    .await?
    .id;
    let group = service::scopes::create(
        s,
        at(now, 0),
        scope(
            longmen,
            ScopeLevel::Group,
            "龙门居民小组",
            "Longmen group",
            None,
        ),
    )
    .await?
    .id;
    for (name, en, h) in [
        ("龙门1栋", "Longmen building 1", 90),
        ("龙门2栋", "Longmen building 2", 110),
    ] {
        service::scopes::create(
            s,
            at(now, 0),
            scope(group, ScopeLevel::Building, name, en, Some(h)),
        )
        .await?;
    }
    let topics = [
        "龙门社区停车位划线 / Parking bays in Longmen",
        "龙门社区绿地认养 / Adopt a patch of green in Longmen",
        "龙门社区夜间巡逻 / Evening patrols in Longmen",
        "龙门社区年终议事会 / Longmen's year-end council",
    ];
    for (k, title) in topics.iter().enumerate() {
        let days_ago = 300 - 90 * k as i64;
        let id = closed_poll(
            s,
            longmen,
            title,
            PollKind::Single,
            &["同意 / Yes", "不同意 / No"],
            now,
            days_ago,
        )
        .await?;
        let voters = 60 + 25 * k;
        vote(
            s,
            id,
            false,
            voters * 3 / 5,
            voters - voters * 3 / 5,
            at(now, days_ago - 2),
            n,
        )
        .await?;
        close(s, id, now, days_ago - 10).await?;
    }
    walk(
        s,
        &Story {
            scope: longmen,
            title: "龙门社区健身步道 / A fitness path in Longmen",
            plan: "沿绿地铺设步道。 A path along the green.",
            who: "孙丽",
            cost_fen: 900_000,
            days_ago: 280,
            fate: Fate::Delivered,
            ratings: &[4, 4, 3, 5, 3, 4, 2, 4],
        },
        now,
        n,
    )
    .await
}

/// Casts `agree` + `disagree` single-choice or approval ballots on `poll` `when`.
async fn vote(
    s: &Arc<Store>,
    poll: Id,
    approval: bool,
    agree: usize,
    disagree: usize,
    when: WriteMeta,
    n: &mut usize,
) -> Result<(), StoreError> {
    let mut tasks = Vec::new();
    for i in 0..agree + disagree {
        let ballot = match (approval, i < agree) {
            (true, yes) => Ballot::Approval {
                stances: [(
                    Id::int(1),
                    if yes { Stance::Agree } else { Stance::Disagree },
                )]
                .into(),
            },
            (false, yes) => Ballot::Single {
                option: if yes { Id::from(1) } else { Id::from(2) },
            },
        };
        let (st, v) = (s.clone(), voter(*n));
        *n += 1;
        let m = when.clone();
        tasks.push(tokio::spawn(async move {
            service::polls::cast(&st, m, poll, v, ballot).await
        }));
    }
    for t in tasks {
        t.await.map_err(|e| StoreError::Internal(e.to_string()))??;
    }
    Ok(())
}

/// A closed poll opened `days_ago`, open for ten days.
async fn closed_poll(
    s: &Arc<Store>,
    scope: Id,
    title: &str,
    kind: PollKind,
    options: &[&str],
    now: Millis,
    days_ago: i64,
) -> Result<Id, StoreError> {
    let draft = PollDraft {
        visibility: ResultVisibility::Always,
        eligibility: Eligibility::Open,
        ..PollDraft::new(scope, title, kind, options.iter().copied())
    };
    Ok(service::polls::create(s, at(now, days_ago), draft)
        .await?
        .id)
}

async fn close(s: &Arc<Store>, poll: Id, now: Millis, days_ago: i64) -> Result<(), StoreError> {
    let edit = PollEdit {
        close_now: true,
        ..Default::default()
    };
    service::polls::update(s, at(now, days_ago), poll, edit)
        .await
        .map(|_| ())
}

/// A poll every other month in each community, turnout rising through the year.
async fn polls(s: &Arc<Store>, p: &Places, now: Millis, n: &mut usize) -> Result<(), StoreError> {
    let topics = [
        (
            "楼道堆物清理日定在周六？ Stairwell clear-out day on Saturdays?",
            "周六 / Saturday",
            "周日 / Sunday",
        ),
        (
            "社区食堂试运营时间 / Trial hours of the community canteen",
            "午餐 / Lunch",
            "早晚餐 / Breakfast and dinner",
        ),
        (
            "垃圾分类督导员轮值 / Who takes turns guiding waste sorting",
            "各楼栋轮值 / Each building in turn",
            "招募志愿者 / Volunteers",
        ),
        (
            "广场舞音响限时 / Square dance loudspeaker hours",
            "21:00 前 / Before 21:00",
            "21:30 前 / Before 21:30",
        ),
        (
            "老年助餐点选址 / Where to put the seniors' meal point",
            "活动中心 / Activity centre",
            "1栋底商 / Building 1 shopfront",
        ),
        (
            "年度议事会代表人数 / Delegates to the yearly council",
            "每楼 2 人 / 2 per building",
            "每楼 3 人 / 3 per building",
        ),
    ];
    for (k, (title, a, b)) in topics.iter().enumerate() {
        let days_ago = 330 - 60 * k as i64;
        let share = 0.35 + 0.08 * k as f64; // of the households asked
        // Bijie: whole community on even turns, one building on odd ones.
        let (scope, households) = if k % 2 == 0 {
            (p.bijie, BIJIE_HOUSEHOLDS.iter().sum::<u32>())
        } else {
            (p.buildings[k % 4], BIJIE_HOUSEHOLDS[k % 4])
        };
        let id = closed_poll(s, scope, title, PollKind::Single, &[a, b], now, days_ago).await?;
        let voters = (f64::from(households) * share) as usize;
        vote(
            s,
            id,
            false,
            voters * 2 / 3,
            voters - voters * 2 / 3,
            at(now, days_ago - 2),
            n,
        )
        .await?;
        close(s, id, now, days_ago - 10).await?;
        // Mingtong: the courtyard, a fortnight later.
        let id = closed_poll(
            s,
            p.yard47,
            title,
            PollKind::Single,
            &[a, b],
            now,
            days_ago - 14,
        )
        .await?;
        let voters = (f64::from(YARD47_HOUSEHOLDS) * (share + 0.1)) as usize;
        vote(
            s,
            id,
            false,
            voters * 3 / 4,
            voters - voters * 3 / 4,
            at(now, days_ago - 16),
            n,
        )
        .await?;
        close(s, id, now, days_ago - 24).await?;
    }
    Ok(())
}

/// One convention per community, signed a few households a week.
async fn conventions(
    s: &Arc<Store>,
    p: &Places,
    now: Millis,
    n: &mut usize,
) -> Result<(), StoreError> {
    let drafts = [
        (
            p.bijie,
            p.buildings.clone(),
            "碧鸡社区垃圾分类承诺 / Bijie waste-sorting pledge",
            300,
        ),
        (
            p.mingtong,
            vec![p.yard47],
            "明通巷47号院院落公约 / Courtyard No. 47 compact",
            100,
        ),
    ];
    let names = [
        "李秀兰",
        "王建华",
        "张丽",
        "刘强",
        "陈红",
        "杨帆",
        "赵磊",
        "黄静",
        "Wang Fang",
        "周敏",
    ];
    for (scope, units, title, goal) in drafts {
        let c = service::conventions::create(s, at(now, 340), ConventionDraft {
                scope_id: scope,
                title: title.into(),
                preamble: "居民自愿承诺，共同维护。 Residents promise of their own will, and keep it together.".into(),
                articles: vec![
                    "按时分类投放。 Sort and drop waste at the set times.".into(),
                    "公共空间不堆物。 Keep shared spaces clear.".into(),
                ],
                goal,
                withdrawal: WithdrawalPolicy::WhileOpen,
                closes_at: None,
                eligibility: Eligibility::Open,
            })
            .await?;
        // Some every week for 48 weeks, more after the spring campaign.
        for week in 0..48i64 {
            let per_week = if week > 12 { 4 } else { 2 } * units.len().min(2);
            for j in 0..per_week {
                let input = SignatureInput {
                    display_name: names[(*n + j) % names.len()].into(),
                    unit_id: units[(*n + j) % units.len()],
                    team: None,
                    role: SignerRole::Resident,
                    version: Some(1),
                    agreed: true,
                };
                service::conventions::sign(s, at(now, 336 - week * 7), c.id, voter(*n), input)
                    .await?;
                *n += 1;
            }
        }
    }
    Ok(())
}

/// How far a history proposal gets.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fate {
    /// Still gathering supports.
    Proposing,
    /// Withdrawn in 合议.
    Withdrawn,
    /// Refused by the 决议 vote.
    Refused,
    /// Adopted, being built.
    Adopted,
    /// Delivered and rated.
    Delivered,
}

struct Story {
    scope: Id,
    title: &'static str,
    plan: &'static str,
    who: &'static str,
    cost_fen: i64,
    days_ago: i64,
    fate: Fate,
    ratings: &'static [u8],
}

async fn proposals(
    s: &Arc<Store>,
    p: &Places,
    now: Millis,
    n: &mut usize,
) -> Result<(), StoreError> {
    let stories = [
        Story {
            scope: p.buildings[0],
            title: "1栋楼道声控灯 / Sound-activated stairwell lights in building 1",
            plan: "每层加装声控灯。 A light on every floor.",
            who: "李秀兰",
            cost_fen: 360_000,
            days_ago: 320,
            fate: Fate::Delivered,
            ratings: &[5, 5, 4, 5, 4, 4, 5, 3, 5, 4, 5, 2],
        },
        Story {
            scope: p.yard47,
            title: "47号院晾衣架 / Drying racks in courtyard No. 47",
            plan: "院内安装可收折晾衣架。 Fold-away drying racks.",
            who: "王建华",
            cost_fen: 240_000,
            days_ago: 300,
            fate: Fate::Delivered,
            ratings: &[5, 4, 5, 5, 4, 5, 5, 4],
        },
        Story {
            scope: p.bijie,
            title: "碧鸡社区儿童游乐角 / A children's corner in Bijie",
            plan: "活动中心旁设游乐角。 Next to the activity centre.",
            who: "张丽",
            cost_fen: 1_200_000,
            days_ago: 250,
            fate: Fate::Delivered,
            ratings: &[4, 3, 5, 4, 2, 4, 5, 3, 4],
        },
        Story {
            scope: p.buildings[2],
            title: "3栋单元门禁维修 / Repair the door entry system of building 3",
            plan: "更换门禁主机。 Replace the door controller.",
            who: "刘强",
            cost_fen: 180_000,
            days_ago: 200,
            fate: Fate::Refused,
            ratings: &[],
        },
        Story {
            scope: p.yard47,
            title: "47号院雨棚 / A rain shelter in courtyard No. 47",
            plan: "院门口加装雨棚。 A shelter over the gate.",
            who: "陈红",
            cost_fen: 300_000,
            days_ago: 170,
            fate: Fate::Adopted,
            ratings: &[],
        },
        Story {
            scope: p.buildings[1],
            title: "2栋屋顶菜园 / A roof garden on building 2",
            plan: "屋顶种菜。 Vegetable beds on the roof.",
            who: "杨帆",
            cost_fen: 500_000,
            days_ago: 140,
            fate: Fate::Withdrawn,
            ratings: &[],
        },
        Story {
            scope: p.bijie,
            title: "碧鸡社区便民修车点 / A bike repair point in Bijie",
            plan: "每周六义务修车。 Volunteer repairs on Saturdays.",
            who: "赵磊",
            cost_fen: 80_000,
            days_ago: 120,
            fate: Fate::Adopted,
            ratings: &[],
        },
        Story {
            scope: p.yard47,
            title: "47号院监控补盲 / Cover the blind spots of courtyard No. 47's cameras",
            plan: "加装2个摄像头。 Two more cameras.",
            who: "黄静",
            cost_fen: 160_000,
            days_ago: 45,
            fate: Fate::Proposing,
            ratings: &[],
        },
    ];
    for story in stories {
        walk(s, &story, now, n).await?;
    }
    Ok(())
}

/// Takes one proposal as far as its fate, each step some days after the last.
async fn walk(s: &Arc<Store>, st: &Story, now: Millis, n: &mut usize) -> Result<(), StoreError> {
    let t0 = st.days_ago;
    let draft = ProposalDraft {
        scope_id: st.scope,
        title: st.title.into(),
        problem: "居民在议事会上提出。 Raised by residents at the council.".into(),
        plan: st.plan.into(),
        estimated_cost_fen: st.cost_fen,
        proposer_name: st.who.into(),
        contact: None,
    };
    let staff = Voter {
        key: "staff".into(),
        code_hash: None,
    };
    let reply = service::proposals::submit(s, at(now, t0), staff, draft, 20).await?;
    let id = serde_json::from_str::<serde_json::Value>(&reply.body)?["id"]
        .as_i64()
        .unwrap_or(0);
    let supports = if st.fate == Fate::Proposing { 14 } else { 24 };
    for i in 0..supports {
        service::proposals::support(s, at(now, t0 - 1 - i / 8), Id::from(id), voter(*n)).await?;
        *n += 1;
    }
    if st.fate == Fate::Proposing {
        return Ok(());
    }
    let step = |days_ago: i64, action: TransitionAction| {
        let s = s.clone();
        async move {
            service::proposals::transition(
                &s,
                at(now, days_ago),
                Id::from(id),
                "社区居委会 / Community committee".into(),
                action,
            )
            .await
        }
    };
    let advance = |note: &str| TransitionAction::Advance {
        note: Some(note.into()),
        override_threshold: false,
    };
    step(t0 - 6, advance("附议达到门槛 / Enough supports")).await?;
    if st.fate == Fate::Withdrawn {
        step(
            t0 - 15,
            TransitionAction::Withdraw {
                note: Some("与物业维修计划合并处理 / Folded into the estate's repair plan".into()),
            },
        )
        .await?;
        return Ok(());
    }
    step(
        t0 - 14,
        advance("合议同意，进入群议 / Council agrees; on to consultation"),
    )
    .await?;
    let vote_id = closed_poll(
        s,
        st.scope,
        st.title,
        PollKind::Approval {
            threshold_percent: 60,
        },
        &["同意 / Approve"],
        now,
        t0 - 24,
    )
    .await?;
    let (agree, against) = if st.fate == Fate::Refused {
        (30, 34)
    } else {
        (70, 14)
    };
    vote(s, vote_id, true, agree, against, at(now, t0 - 25), n).await?;
    close(s, vote_id, now, t0 - 30).await?;
    service::proposals::update(
        s,
        at(now, t0 - 30),
        Id::from(id),
        ProposalEdit {
            resolution_poll_id: Some(vote_id),
            funding_goal_fen: Some(st.cost_fen),
            ..Default::default()
        },
    )
    .await?;
    step(
        t0 - 31,
        advance("群议结束，提交表决 / Consultation closed, to the vote"),
    )
    .await?;
    step(t0 - 32, TransitionAction::Decide { note: None }).await?;
    if st.fate == Fate::Refused {
        return Ok(());
    }
    let residents = st.cost_fen * 2 / 5;
    for (k, (source, fen)) in [
        (PledgeSource::Resident, residents / 2),
        (PledgeSource::Resident, residents - residents / 2),
        (PledgeSource::Organisation, st.cost_fen - residents),
    ]
    .into_iter()
    .enumerate()
    {
        let input = PledgeInput {
            source,
            amount_fen: fen,
            public_name: None,
        };
        service::proposals::pledge(
            s,
            at(now, t0 - 34 - 2 * k as i64),
            Id::from(id),
            voter(*n),
            input,
        )
        .await?;
        *n += 1;
    }
    let entry = |kind, amount_fen, memo: &str| LedgerInput {
        kind,
        amount_fen,
        memo: memo.into(),
    };
    service::proposals::add_ledger(
        s,
        at(now, t0 - 42),
        Id::from(id),
        entry(
            LedgerKind::Received,
            st.cost_fen,
            "认筹款到账 / Pledges received",
        ),
    )
    .await?;
    if st.fate == Fate::Adopted {
        service::proposals::add_ledger(
            s,
            at(now, t0 - 50),
            Id::from(id),
            entry(
                LedgerKind::Spent,
                st.cost_fen / 3,
                "首期材料 / First materials",
            ),
        )
        .await?;
        return Ok(());
    }
    service::proposals::add_ledger(
        s,
        at(now, t0 - 60),
        Id::from(id),
        entry(LedgerKind::Spent, st.cost_fen * 9 / 10, "施工 / Works"),
    )
    .await?;
    step(
        t0 - 75,
        TransitionAction::RecordDelivery {
            note: Some("完工 / Done".into()),
        },
    )
    .await?;
    step(t0 - 76, advance("进入评议 / Open for evaluation")).await?;
    for (k, score) in st.ratings.iter().enumerate() {
        let input = EvaluationInput {
            score: *score,
            comment: None,
        };
        service::proposals::evaluate(
            s,
            at(now, t0 - 80 - k as i64 * 3),
            Id::from(id),
            voter(*n),
            input,
        )
        .await?;
        *n += 1;
    }
    Ok(())
}
