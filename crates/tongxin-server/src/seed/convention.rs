//! The demo's convention: 《碧鸡广场活动文明公约》, signed by residents and
//! dance teams of Bijie's buildings.

use std::sync::Arc;

use tongxin_core::convention::{ConventionDraft, SignatureInput, SignerRole, WithdrawalPolicy};
use tongxin_core::eligibility::Eligibility;

use crate::service;
use crate::storage::{Store, StoreError};

use super::scopes::Places;
use super::*;

/// The Bijie Square civility convention and its signatories.
pub(super) async fn seed(s: &Arc<Store>, at: &Places) -> Result<(), StoreError> {
    let bijie = at.bijie;
    let buildings = &at.buildings;
    // 7. The convention itself.
    let c = service::conventions::create(s, meta(), ConventionDraft {
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
        service::conventions::sign(
            s,
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

    Ok(())
}
