//! Demo data from the Kunming story (see `shared/SEED-NOTES.md`): the Bijie
//! Square civility convention and its 80 % approval poll, a satisfaction
//! rating, polls of every kind, and the Mingtong Lane No. 47 courtyard
//! toilet proposal co-funded with 8,600 yuan from residents and 10,000 yuan
//! from public units, walked through all five steps. Seeds only an empty
//! database, so restarting `--demo` keeps what visitors did.

mod accounts;
mod history;

pub use accounts::{DEMO_ACCOUNTS, seed_demo_accounts};

use std::sync::Arc;

use tongxin_core::Id;
use tongxin_core::convention::{ConventionDraft, SignatureInput, SignerRole, WithdrawalPolicy};
use tongxin_core::eligibility::Eligibility;
use tongxin_core::poll::{Ballot, PollDraft, PollEdit, PollKind, ResultVisibility, Stance};
use tongxin_core::proposal::funding::{LedgerInput, LedgerKind, PledgeInput, PledgeSource};
use tongxin_core::proposal::{
    CommentInput, EvaluationInput, ProposalDraft, ProposalEdit, ResponsiblePerson, TransitionAction,
};
use tongxin_core::scope::ScopeLevel;

use crate::clock::now_ms;
use crate::storage::{NewScope, Store, StoreError, Voter, WriteMeta};

fn meta() -> WriteMeta {
    WriteMeta {
        // Demo ballots include anonymous ones: keep no history of any.
        secret: true,
        ..WriteMeta::plain(now_ms())
    }
}

fn seeder(i: usize) -> Voter {
    Voter {
        key: format!("seed:{i}"),
        code_hash: None,
    }
}

/// Well-known ids of the demo items (the database is seeded in this order).
pub mod ids {
    /// 《碧鸡广场活动文明公约》 approval poll (80 % threshold).
    pub const CONVENTION_POLL: i64 = 1;
    /// Square order satisfaction rating.
    pub const SATISFACTION_POLL: i64 = 2;
    /// Bijie Square civility convention.
    pub const CONVENTION: i64 = 1;
    /// Mingtong Lane No. 47 courtyard toilet proposal.
    pub const TOILET_PROPOSAL: i64 = 1;
}

/// Casts many ballots at once so the writer commits them in batches.
async fn cast_many(
    store: &Arc<dyn Store>,
    poll: Id,
    ballots: Vec<Ballot>,
) -> Result<(), StoreError> {
    let mut tasks = Vec::new();
    for (i, b) in ballots.into_iter().enumerate() {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.cast_ballot(meta(), poll, seeder(i), b).await
        }));
    }
    for t in tasks {
        t.await.map_err(|e| StoreError::Internal(e.to_string()))??;
    }
    Ok(())
}

fn draft(scope: Id, title: &str, description: &str, kind: PollKind, options: &[&str]) -> PollDraft {
    PollDraft {
        description: description.into(),
        allow_change: true,
        ..PollDraft::new(scope, title, kind, options.iter().copied())
    }
}

/// Seeds the demo data if the database has no scopes yet.
pub async fn seed_demo(store: Arc<dyn Store>) -> Result<(), StoreError> {
    if !store.list_scopes().await?.is_empty() {
        return Ok(());
    }
    let s = &store;
    let scope = |parent: Option<Id>, level: ScopeLevel, name: &str, en: &str| NewScope {
        parent_id: parent,
        level,
        name: name.into(),
        name_en: Some(en.into()),
        households: None,
    };
    use ScopeLevel::*;
    let xishan = s
        .create_scope(meta(), scope(None, District, "西山区", "Xishan District"))
        .await?
        .id;
    let bijie_st = s
        .create_scope(
            meta(),
            scope(Some(xishan), Street, "碧鸡街道", "Bijie Street"),
        )
        .await?
        .id;
    let bijie = s
        .create_scope(
            meta(),
            scope(Some(bijie_st), Community, "碧鸡社区", "Bijie Community"),
        )
        .await?
        .id;
    let g1 = s
        .create_scope(
            meta(),
            scope(Some(bijie), Group, "第一居民小组", "Residents' group 1"),
        )
        .await?
        .id;
    let g2 = s
        .create_scope(
            meta(),
            scope(Some(bijie), Group, "第二居民小组", "Residents' group 2"),
        )
        .await?
        .id;
    let mut buildings = Vec::new();
    for (g, n) in [(g1, 1), (g1, 2), (g2, 3), (g2, 4)] {
        buildings.push(
            s.create_scope(
                meta(),
                scope(
                    Some(g),
                    Building,
                    &format!("{n}栋"),
                    &format!("Building {n}"),
                ),
            )
            .await?
            .id,
        );
    }
    let wuhua = s
        .create_scope(meta(), scope(None, District, "五华区", "Wuhua District"))
        .await?
        .id;
    let nanqiang = s
        .create_scope(
            meta(),
            scope(Some(wuhua), Street, "南强街道", "Nanqiang Street"),
        )
        .await?
        .id;
    let mingtong = s
        .create_scope(
            meta(),
            scope(Some(nanqiang), Community, "明通社区", "Mingtong Community"),
        )
        .await?
        .id;
    let lane = s
        .create_scope(
            meta(),
            scope(
                Some(mingtong),
                Group,
                "明通巷居民小组",
                "Mingtong Lane group",
            ),
        )
        .await?
        .id;
    let yard47 = s
        .create_scope(
            meta(),
            scope(
                Some(lane),
                Building,
                "明通巷47号院",
                "Mingtong Lane No. 47 courtyard",
            ),
        )
        .await?
        .id;

    // 1. The approval poll that started the convention: 526 answers, over 80 % agree.
    let p = s
        .create_poll(meta(), PollDraft {
            visibility: ResultVisibility::Always,
            ..draft(
                bijie,
                "是否制定《碧鸡广场活动文明公约》？ Establish a civility convention for Bijie Square?",
                "广场日均游客超过一万人次，舞蹈队音响引发纠纷。街道召开6场座谈会、160余名居民代表和队长参加。\nThe square sees over 10,000 visitors a day; dance teams' loudspeakers caused disputes. Six forums with 160+ residents and team leaders were held.",
                PollKind::Approval { threshold_percent: 80 },
                &["制定广场活动文明公约 / Adopt a square civility convention"],
            )
        })
        .await?;
    let stances: Vec<Ballot> = (0..526)
        .map(|i| {
            let st = if i < 441 {
                Stance::Agree
            } else if i < 487 {
                Stance::Abstain
            } else {
                Stance::Disagree
            };
            Ballot::Approval {
                stances: [(Id::int(1), st)].into(),
            }
        })
        .collect();
    cast_many(s, p.id, stances).await?;

    // 2. Satisfaction with order on the square, results after voting.
    let p = s
        .create_poll(meta(), PollDraft {
            visibility: ResultVisibility::AfterVote,
            ..draft(bijie, "您对公约实施后广场秩序的满意度 / How satisfied are you with order on the square since the convention?", "", PollKind::Score, &["广场秩序 / Order on the square"])
        })
        .await?;
    let ratings = (0..120)
        .map(|i| Ballot::Score {
            scores: [(Id::int(1), [5, 5, 4, 5, 4, 3, 5, 4, 2, 5][i % 10])].into(),
        })
        .collect();
    cast_many(s, p.id, ratings).await?;

    // 3–6. One poll of each remaining kind.
    s.create_poll(
        meta(),
        draft(
            bijie,
            "广场音响每晚几点停止？ When should loudspeakers stop each evening?",
            "",
            PollKind::Single,
            &["21:00", "21:30", "22:00"],
        ),
    )
    .await?;
    s.create_poll(
        meta(),
        draft(
            bijie,
            "哪些时段需要安静？（最多选2项） Which times need quiet? (up to 2)",
            "",
            PollKind::Multiple { max_choices: 2 },
            &[
                "清晨 6–8点 / Early morning",
                "午休 12–14点 / Midday rest",
                "晚间 21点后 / After 21:00",
            ],
        ),
    )
    .await?;
    s.create_poll(meta(), draft(nanqiang, "南强街巷夜市下一步改进什么？请排序 / Rank the next improvements for the Nanqiang night market", "", PollKind::Ranked, &["增加垃圾分类点 / More sorting bins", "夜间照明 / Night lighting", "公共座椅 / Public seating", "无障碍通道 / Step-free access"])).await?;
    s.create_poll(
        meta(),
        draft(
            bijie,
            "社区微更新预算怎么分？(10点) / Spread 10 points over micro-renewal projects",
            "",
            PollKind::Dot { points: 10 },
            &[
                "健身器材 / Fitness equipment",
                "儿童游乐 / Children's play",
                "绿化 / Greenery",
                "停车棚 / Bike shed",
            ],
        ),
    )
    .await?;

    // 7. The convention itself.
    let c = s
        .create_convention(meta(), ConventionDraft {
            scope_id: bijie,
            title: "碧鸡广场活动文明公约 / Bijie Square Activity Civility Convention".into(),
            preamble: "为营造文明、和谐、有序的广场环境，经6场座谈会和526份问卷征求意见，超过80%的受访者赞成，制定本公约。由“要我遵守”变为“我要遵守”。\nAfter six forums and a survey of 526 people, over 80 % approved this convention. From “I am made to comply” to “I choose to comply”.".into(),
            articles: vec![
                "音响音量白天不超过60分贝、夜间不超过50分贝，音箱朝向广场中心。 Loudspeakers stay under 60 dB by day and 50 dB at night, facing the centre of the square.".into(),
                "早上8点前、晚上21:30后不使用音响。 No loudspeakers before 8:00 or after 21:30.".into(),
                "各团队按协商划分的区域和时段活动，轮流使用中心场地。 Teams use the agreed areas and time slots and take turns in the central space.".into(),
                "活动结束后带走垃圾，爱护绿地和设施。 Take litter home and look after lawns and fixtures.".into(),
                "出现分歧先由队长协商，协商不成请社区调解。 Disagreements go first to the team leaders, then to community mediation.".into(),
            ],
            goal: 500,
            withdrawal: WithdrawalPolicy::WhileOpen,
            closes_at: None,
            eligibility: Eligibility::Open,
        })
        .await?;
    let names = [
        "孙雨萌",
        "李建国",
        "王秀英",
        "张伟",
        "欧阳娜娜",
        "陈静",
        "刘洋",
        "赵敏",
        "周杰",
        "吴芳",
        "Alice Smith",
        "杨光",
    ];
    let teams = [
        Some("夕阳红舞蹈队"),
        None,
        Some("碧鸡太极队"),
        None,
        Some("广场排舞队"),
        None,
    ];
    for i in 0..48 {
        s.sign(
            meta(),
            c.id,
            seeder(10_000 + i),
            SignatureInput {
                display_name: names[i % names.len()].into(),
                unit_id: buildings[i % buildings.len()],
                team: teams[i % teams.len()].map(String::from),
                role: if i % 6 == 0 {
                    SignerRole::TeamLeader
                } else {
                    SignerRole::Resident
                },
                version: Some(1),
                agreed: true,
            },
        )
        .await?;
    }

    // 8. Mingtong Lane No. 47: the whole five-step story, delivered and rated.
    let staff = Voter {
        key: "staff".into(),
        code_hash: None,
    };
    let reply = s
        .submit_proposal(meta(), staff.clone(), ProposalDraft {
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
        s.support(meta(), toilet, seeder(20_000 + i)).await?;
    }
    let resolution = s
        .create_poll(
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
    s.update_poll(
        meta(),
        resolution.id,
        PollEdit {
            close_now: true,
            ..Default::default()
        },
    )
    .await?;
    s.update_proposal(
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
            s.transition(
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
    s.add_comment(
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
    s.add_comment(
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
        s.pledge(
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
        s.add_ledger_entry(
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
        s.evaluate(
            meta(),
            toilet,
            seeder(50_000 + i),
            EvaluationInput { score, comment },
        )
        .await?;
    }

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
            let r = s
                .submit_proposal(
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
        s.support(meta(), lights, seeder(60_000 + i)).await?;
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
    s.transition(
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
        s.support(meta(), seats, seeder(70_000 + i)).await?;
    }
    let consult = s
        .create_poll(
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
    s.update_proposal(
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
        s.transition(
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
        s.support(meta(), room, seeder(80_000 + i)).await?;
    }
    let vote = s
        .create_poll(
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
    s.update_proposal(
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
        s.transition(
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
        s.pledge(
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
    let places = history::Places {
        street: bijie_st,
        bijie,
        buildings,
        mingtong,
        yard47,
    };
    history::seed(s, &places, now_ms()).await
}
