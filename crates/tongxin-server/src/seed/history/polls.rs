//! A poll every other month in each community, turnout rising.

use std::sync::Arc;

use tongxin_core::Millis;
use tongxin_core::poll::PollKind;

use super::{BIJIE_HOUSEHOLDS, YARD47_HOUSEHOLDS, at, close, closed_poll, vote};
use crate::seed::scopes::Places;
use crate::storage::{Store, StoreError};

/// A poll every other month in each community, turnout rising through the year.
pub(super) async fn polls(
    s: &Arc<Store>,
    p: &Places,
    now: Millis,
    n: &mut usize,
) -> Result<(), StoreError> {
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
