//! The convention signed month by month, some signatures withdrawn.

use std::sync::Arc;

use tongxin_core::Millis;
use tongxin_core::convention::{ConventionDraft, SignatureInput, SignerRole, WithdrawalPolicy};
use tongxin_core::eligibility::Eligibility;

use super::{at, voter};
use crate::seed::scopes::Places;
use crate::service;
use crate::storage::{Store, StoreError};

/// One convention per community, signed a few households a week.
pub(super) async fn conventions(
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
