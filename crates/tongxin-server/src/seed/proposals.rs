//! The demo's proposals (百姓点菜): the Mingtong Lane No. 47 story from
//! proposal to rating, and others waiting in each step.

use std::sync::Arc;

use tongxin_core::Id;
use tongxin_core::poll::{Ballot, PollEdit, PollKind, Stance};
use tongxin_core::proposal::funding::{LedgerInput, LedgerKind, PledgeInput, PledgeSource};
use tongxin_core::proposal::{
    CommentInput, EvaluationInput, ProposalDraft, ProposalEdit, ResponsiblePerson, TransitionAction,
};

use crate::service;
use crate::storage::{Store, StoreError, Voter};

use super::scopes::Places;
use super::*;

/// Mingtong Lane No. 47's courtyard toilet, walked through all five steps.
pub(super) async fn toilet(s: &Arc<Store>, at: &Places) -> Result<(), StoreError> {
    let yard47 = at.yard47;
    // 8. Mingtong Lane No. 47: the whole five-step story, delivered and rated.
    let staff = Voter {
        key: "staff".into(),
        code_hash: None,
    };
    let reply = service::proposals::submit(s, meta(), staff.clone(), ProposalDraft {
            scope_id: yard47,
            title: "明通巷47号院公厕改造 / Rebuild the shared toilet of Mingtong Lane No. 47".into(),
            problem: "院内120户居民共用一个老旧公厕，漏水、无照明、老人如厕不便。\n120 households share one old toilet: it leaks, has no light, and is hard for the elderly to use.".into(),
            plan: "翻修公厕，增设照明、扶手和无障碍设施；成立院落自管会，制定卫生公约，轮流保洁。\nRenovate it with lighting, grab bars and step-free access; set up a courtyard self-management committee with written rules and a cleaning rota.".into(),
            estimated_cost_fen: 1_860_000,
            proposer_name: "孙雨萌".into(),
            contact: Some("院落议事会".into()),
        }, 20)
        .await?;
    let toilet: Id = Id::from(
        serde_json::from_str::<serde_json::Value>(&reply.body)?["id"]
            .as_i64()
            .unwrap_or(1),
    );
    for i in 0..26 {
        service::proposals::support(s, meta(), toilet, seeder(20_000 + i)).await?;
    }
    let resolution = service::polls::create(
        s,
        meta(),
        draft(
            yard47,
            "明通巷47号院公厕改造方案表决 / Binding vote: the Mingtong Lane No. 47 toilet plan",
            "",
            PollKind::Approval {
                threshold_percent: 80,
            },
            &["同意改造方案 / Approve the plan"],
        ),
    )
    .await?;
    let votes = (0..110)
        .map(|i| Ballot::Approval {
            stances: [(
                Id::int(1),
                if i < 96 {
                    Stance::Agree
                } else if i < 102 {
                    Stance::Abstain
                } else {
                    Stance::Disagree
                },
            )]
            .into(),
        })
        .collect();
    cast_many(s, resolution.id, votes).await?;
    service::polls::update(
        s,
        meta(),
        resolution.id,
        PollEdit {
            close_now: true,
            ..Default::default()
        },
    )
    .await?;
    service::proposals::update(
        s,
        meta(),
        toilet,
        ProposalEdit {
            funding_goal_fen: Some(1_860_000),
            resolution_poll_id: Some(resolution.id),
            responsible: Some(vec![
                ResponsiblePerson {
                    name: "李建国".into(),
                    role: "院落自管会主任 / Chair, courtyard committee".into(),
                },
                ResponsiblePerson {
                    name: "王秀英".into(),
                    role: "财务监督 / Treasurer".into(),
                },
            ]),
            ..Default::default()
        },
    )
    .await?;
    let step = |action: TransitionAction| {
        let s = s.clone();
        async move {
            service::proposals::transition(
                &s,
                meta(),
                toilet,
                "明通社区居委会 / Mingtong community committee".into(),
                action,
            )
            .await
        }
    };
    step(TransitionAction::Advance {
        note: Some("26位居民附议，进入合议 / 26 supports, on to joint deliberation".into()),
        override_threshold: false,
    })
    .await?;
    step(TransitionAction::Advance { note: Some("居民议事会合议意见：同意改造，建议居民自筹与驻区单位支持相结合。 Council opinion: approve; combine residents' own funds with support from public units.".into()), override_threshold: false }).await?;
    service::comments::add(
        s,
        meta(),
        toilet,
        seeder(30_000),
        CommentInput {
            author_name: "张伟".into(),
            body: "支持！希望加装扶手。 Support — please add grab bars.".into(),
            parent_id: None,
        },
    )
    .await?;
    service::comments::add(
        s,
        meta(),
        toilet,
        seeder(30_001),
        CommentInput {
            author_name: "陈静".into(),
            body: "保洁轮值表要公示。 Publish the cleaning rota.".into(),
            parent_id: None,
        },
    )
    .await?;
    step(TransitionAction::Advance {
        note: Some("群议结束，提交表决 / Consultation closed, put to the vote".into()),
        override_threshold: false,
    })
    .await?;
    step(TransitionAction::Decide { note: None }).await?;
    let pledges: [(PledgeSource, i64, Option<&str>); 5] = [
        (
            PledgeSource::Resident,
            300_000,
            Some("47号院居民（第一批）"),
        ),
        (
            PledgeSource::Resident,
            360_000,
            Some("47号院居民（第二批）"),
        ),
        (PledgeSource::Resident, 200_000, None),
        (
            PledgeSource::Organisation,
            600_000,
            Some("驻区单位A / Public unit A"),
        ),
        (
            PledgeSource::Organisation,
            400_000,
            Some("驻区单位B / Public unit B"),
        ),
    ];
    for (i, (source, amount_fen, name)) in pledges.into_iter().enumerate() {
        service::proposals::pledge(
            s,
            meta(),
            toilet,
            seeder(40_000 + i),
            PledgeInput {
                source,
                amount_fen,
                public_name: name.map(String::from),
            },
        )
        .await?;
    }
    for (kind, amount_fen, memo) in [
        (
            LedgerKind::Received,
            860_000,
            "居民自筹 8,600元 / Residents' contributions",
        ),
        (
            LedgerKind::Received,
            1_000_000,
            "驻区单位支持 10,000元 / Public units' support",
        ),
        (
            LedgerKind::Spent,
            1_120_000,
            "土建及防水 / Building work and waterproofing",
        ),
        (
            LedgerKind::Spent,
            480_000,
            "照明、扶手、无障碍设施 / Lights, grab bars, step-free access",
        ),
    ] {
        service::proposals::add_ledger(
            s,
            meta(),
            toilet,
            LedgerInput {
                kind,
                amount_fen,
                memo: memo.into(),
            },
        )
        .await?;
    }
    step(TransitionAction::RecordDelivery {
        note: Some("公厕改造完工并投入使用 / Rebuilt toilet in use".into()),
    })
    .await?;
    step(TransitionAction::Advance {
        note: Some("进入评议 / Open for evaluation".into()),
        override_threshold: false,
    })
    .await?;
    for (i, score) in [5u8, 5, 4, 5, 4, 5, 3, 5, 4, 5].into_iter().enumerate() {
        let comment = (i == 0)
            .then(|| "干净了，老人方便多了。 Clean now, much easier for the elderly.".to_string());
        service::proposals::evaluate(
            s,
            meta(),
            toilet,
            seeder(50_000 + i),
            EvaluationInput { score, comment },
        )
        .await?;
    }

    Ok(())
}

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
