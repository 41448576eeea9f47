//! Proposals started through the year, each walked as far as its story goes.

use std::sync::Arc;

use tongxin_core::poll::PollKind;
use tongxin_core::proposal::funding::{LedgerInput, LedgerKind, PledgeInput, PledgeSource};
use tongxin_core::proposal::{EvaluationInput, ProposalDraft, ProposalEdit, TransitionAction};
use tongxin_core::{Id, Millis};

use super::{at, close, closed_poll, vote, voter};
use crate::seed::scopes::Places;
use crate::service;
use crate::storage::{Store, StoreError, Voter};

/// How far a history proposal gets.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Fate {
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

pub(super) struct Story {
    pub(super) scope: Id,
    pub(super) title: &'static str,
    pub(super) plan: &'static str,
    pub(super) who: &'static str,
    pub(super) cost_fen: i64,
    pub(super) days_ago: i64,
    pub(super) fate: Fate,
    pub(super) ratings: &'static [u8],
}

pub(super) async fn proposals(
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
pub(super) async fn walk(
    s: &Arc<Store>,
    st: &Story,
    now: Millis,
    n: &mut usize,
) -> Result<(), StoreError> {
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
