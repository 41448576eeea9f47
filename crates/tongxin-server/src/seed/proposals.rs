//! The demo's other proposals (百姓点菜): some waiting in each step, one
//! at the binding vote.

use std::sync::Arc;

use tongxin_core::Id;
use tongxin_core::poll::{Ballot, PollKind, Stance};
use tongxin_core::proposal::funding::{PledgeInput, PledgeSource};
use tongxin_core::proposal::{ProposalDraft, ProposalEdit, TransitionAction};

use crate::service;
use crate::storage::{Store, StoreError, Voter};

use super::scopes::Places;
use super::*;

/// Proposals waiting in the earlier steps, and one at the binding vote.
pub(super) async fn waiting(s: &Arc<Store>, at: &Places) -> Result<(), StoreError> {
    let bijie = at.bijie;
    let nanqiang = at.nanqiang;
    let lane = at.lane;
    // 9. Proposals waiting in the earlier steps.
    let submit = |title: &str, problem: &str, plan: &str, cost: i64, who: &str, scope: Id| {
        let s = s.clone();
        let d = ProposalDraft {
            scope_id: scope,
            title: title.into(),
            problem: problem.into(),
            plan: plan.into(),
            estimated_cost_fen: cost,
            proposer_name: who.into(),
            contact: None,
        };
        async move {
            let r = service::proposals::submit(
                &s,
                meta(),
                Voter {
                    key: "staff".into(),
                    code_hash: None,
                },
                d,
                20,
            )
            .await?;
            Ok::<Id, StoreError>(Id::from(
                serde_json::from_str::<serde_json::Value>(&r.body)?["id"]
                    .as_i64()
                    .unwrap_or(0),
            ))
        }
    };
    let lights = submit(
        "南强街巷背街路灯 / Lights for the back lanes of Nanqiang",
        "夜市散场后背街很黑。 The back lanes are dark after the night market closes.",
        "安装8盏太阳能路灯。 Install 8 solar lamps.",
        960_000,
        "刘洋",
        nanqiang,
    )
    .await?;
    for i in 0..12 {
        service::proposals::support(s, meta(), lights, seeder(60_000 + i)).await?;
    }
    let shed = submit(
        "碧鸡社区电动车充电棚 / E-bike charging shed in Bijie",
        "楼道充电有火灾隐患。 Charging in stairwells is a fire risk.",
        "在3栋旁建充电棚。 Build a charging shed next to building 3.",
        2_400_000,
        "赵敏",
        bijie,
    )
    .await?;
    service::proposals::transition(
        s,
        meta(),
        shed,
        "碧鸡社区居委会".into(),
        TransitionAction::Advance {
            note: Some("街道已列入年度民生实事 / Already in the street's yearly plan".into()),
            override_threshold: true,
        },
    )
    .await?;
    let seats = submit(
        "广场增设休息座椅 / More benches on Bijie Square",
        "跳舞的老人没有地方休息。 Older dancers have nowhere to rest.",
        "增设12张座椅。 Add 12 benches.",
        360_000,
        "周杰",
        bijie,
    )
    .await?;
    for i in 0..21 {
        service::proposals::support(s, meta(), seats, seeder(70_000 + i)).await?;
    }
    let consult = service::polls::create(
        s,
        meta(),
        draft(
            bijie,
            "座椅放在哪里？ Where should the benches go?",
            "",
            PollKind::Single,
            &[
                "东侧树荫下 / East side, in the shade",
                "舞台两侧 / Beside the stage",
            ],
        ),
    )
    .await?;
    service::proposals::update(
        s,
        meta(),
        seats,
        ProposalEdit {
            consultation_poll_id: Some(consult.id),
            ..Default::default()
        },
    )
    .await?;
    for note in [
        "21位居民附议 / 21 supports",
        "合议意见：同意，位置请群议。 Opinion: approve; let residents choose the place.",
    ] {
        service::proposals::transition(
            s,
            meta(),
            seats,
            "碧鸡社区居委会".into(),
            TransitionAction::Advance {
                note: Some(note.into()),
                override_threshold: false,
            },
        )
        .await?;
    }

    // 10. One at the binding vote (决议), co-funding already open.
    let room = submit(
        "明通巷老年活动室添置桌椅 / Tables and chairs for the Mingtong Lane seniors' room",
        "活动室只有两张旧桌子。 The seniors' room has two old tables.",
        "添置6张桌子、30把椅子。 Buy 6 tables and 30 chairs.",
        540_000,
        "陈静",
        lane,
    )
    .await?;
    for i in 0..20 {
        service::proposals::support(s, meta(), room, seeder(80_000 + i)).await?;
    }
    let vote = service::polls::create(
        s,
        meta(),
        draft(
            lane,
            "老年活动室添置桌椅表决 / Binding vote: seniors' room furniture",
            "",
            PollKind::Approval {
                threshold_percent: 67,
            },
            &["同意添置 / Approve the purchase"],
        ),
    )
    .await?;
    let votes = (0..31)
        .map(|i| Ballot::Approval {
            stances: [(
                Id::int(1),
                if i < 27 {
                    Stance::Agree
                } else {
                    Stance::Abstain
                },
            )]
            .into(),
        })
        .collect();
    cast_many(s, vote.id, votes).await?;
    service::proposals::update(
        s,
        meta(),
        room,
        ProposalEdit {
            resolution_poll_id: Some(vote.id),
            funding_goal_fen: Some(540_000),
            ..Default::default()
        },
    )
    .await?;
    for note in [
        "20位居民附议 / 20 supports",
        "合议意见：同意，费用由居民与共建单位共担。 Opinion: approve; residents and partner units share the cost.",
        "群议结束，无反对意见 / Consultation closed without objections",
    ] {
        service::proposals::transition(
            s,
            meta(),
            room,
            "明通社区居委会".into(),
            TransitionAction::Advance {
                note: Some(note.into()),
                override_threshold: false,
            },
        )
        .await?;
    }
    for (i, (source, fen)) in [
        (PledgeSource::Resident, 120_000),
        (PledgeSource::Organisation, 200_000),
    ]
    .into_iter()
    .enumerate()
    {
        service::proposals::pledge(
            s,
            meta(),
            room,
            seeder(90_000 + i),
            PledgeInput {
                source,
                amount_fen: fen,
                public_name: None,
            },
        )
        .await?;
    }
    Ok(())
}
