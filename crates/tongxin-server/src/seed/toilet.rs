//! The demo's Mingtong Lane No. 47 story (百姓点菜): a courtyard's shared
//! toilet, from proposal to rating through all five steps.

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

/// Mingtong Lane No. 47's courtyard toilet, walked through all five steps:
/// proposed and supported, voted on, deliberated, funded and delivered,
/// rated.
pub(super) async fn toilet(s: &Arc<Store>, at: &Places) -> Result<(), StoreError> {
    let toilet = propose(s, at).await?;
    for i in 0..26 {
        service::proposals::support(s, meta(), toilet, seeder(20_000 + i)).await?;
    }
    let resolution = binding_vote(s, at).await?;
    attach(s, toilet, resolution).await?;
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
    // 提议 → 合议 → 群议 (with comments) → 决议.
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
    fund(s, toilet).await?;
    step(TransitionAction::RecordDelivery {
        note: Some("公厕改造完工并投入使用 / Rebuilt toilet in use".into()),
    })
    .await?;
    step(TransitionAction::Advance {
        note: Some("进入评议 / Open for evaluation".into()),
        override_threshold: false,
    })
    .await?;
    rate(s, toilet).await?;
    Ok(())
}

/// Residents and public units pledge; the committee records what came in
/// and what was spent.
async fn fund(s: &Arc<Store>, toilet: Id) -> Result<(), StoreError> {
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
    Ok(())
}

/// Ten residents rate the rebuilt toilet.
async fn rate(s: &Arc<Store>, toilet: Id) -> Result<(), StoreError> {
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

/// Submitted by staff for the courtyard (the story's residents' council).
async fn propose(s: &Arc<Store>, at: &Places) -> Result<Id, StoreError> {
    let staff = Voter {
        key: "staff".into(),
        code_hash: None,
    };
    let reply = service::proposals::submit(s, meta(), staff.clone(), ProposalDraft {
            scope_id: at.yard47,
            title: "明通巷47号院公厕改造 / Rebuild the shared toilet of Mingtong Lane No. 47".into(),
            problem: "院内120户居民共用一个老旧公厕，漏水、无照明、老人如厕不便。\n120 households share one old toilet: it leaks, has no light, and is hard for the elderly to use.".into(),
            plan: "翻修公厕，增设照明、扶手和无障碍设施；成立院落自管会，制定卫生公约，轮流保洁。\nRenovate it with lighting, grab bars and step-free access; set up a courtyard self-management committee with written rules and a cleaning rota.".into(),
            estimated_cost_fen: 1_860_000,
            proposer_name: "孙雨萌".into(),
            contact: Some("院落议事会".into()),
        }, 20)
        .await?;
    Ok(Id::from(
        serde_json::from_str::<serde_json::Value>(&reply.body)?["id"]
            .as_i64()
            .unwrap_or(1),
    ))
}

/// The binding vote (approval, 80 % threshold), 110 ballots, closed.
async fn binding_vote(s: &Arc<Store>, at: &Places) -> Result<Id, StoreError> {
    let resolution = service::polls::create(
        s,
        meta(),
        draft(
            at.yard47,
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
    Ok(resolution.id)
}

/// The funding goal, the binding vote and who is responsible.
async fn attach(s: &Arc<Store>, toilet: Id, resolution: Id) -> Result<(), StoreError> {
    service::proposals::update(
        s,
        meta(),
        toilet,
        ProposalEdit {
            funding_goal_fen: Some(1_860_000),
            resolution_poll_id: Some(resolution),
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
    .await
    .map(|_| ())
}
