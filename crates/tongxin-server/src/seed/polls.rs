//! The demo's polls: the 526 answers that led to the Bijie Square
//! convention, the square's satisfaction rating, and one of every kind.

use std::sync::Arc;

use tongxin_core::Id;
use tongxin_core::poll::{Ballot, PollDraft, PollKind, ResultVisibility, Stance};

use crate::service;
use crate::storage::{Store, StoreError};

use super::scopes::Places;
use super::*;

/// The approval poll that started the convention, the satisfaction rating
/// and one poll of each remaining kind.
pub(super) async fn seed(s: &Arc<Store>, at: &Places) -> Result<(), StoreError> {
    let bijie = at.bijie;
    let nanqiang = at.nanqiang;
    // 1. The approval poll that started the convention: 526 answers, over 80 % agree.
    let p = service::polls::create(s, meta(), PollDraft {
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
    let p = service::polls::create(s, meta(), PollDraft {
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
    service::polls::create(
        s,
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
    service::polls::create(
        s,
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
    service::polls::create(s, meta(), draft(nanqiang, "南强街巷夜市下一步改进什么？请排序 / Rank the next improvements for the Nanqiang night market", "", PollKind::Ranked, &["增加垃圾分类点 / More sorting bins", "夜间照明 / Night lighting", "公共座椅 / Public seating", "无障碍通道 / Step-free access"])).await?;
    service::polls::create(
        s,
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

    Ok(())
}
