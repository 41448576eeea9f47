//! A year of history for the demo's two communities, so the governance
//! indicators show real trends: households on every building, a poll
//! every other month, a convention signed month by month, and proposals
//! started through the year — delivered and rated, adopted and under way,
//! refused at the vote, withdrawn, still gathering supports. Everything is
//! written at past times (`now` minus days), through the same use cases
//! residents and staff use, so every rule applies.

use std::sync::Arc;

use tongxin_core::eligibility::Eligibility;
use tongxin_core::poll::{Ballot, PollDraft, PollEdit, PollKind, ResultVisibility, Stance};
use tongxin_core::{Id, Millis};

use tongxin_core::scope::ScopeLevel;

mod conventions;
mod polls;
mod proposals;

use proposals::{Fate, Story, walk};

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
    polls::polls(s, p, now, &mut n).await?;
    conventions::conventions(s, p, now, &mut n).await?;
    proposals::proposals(s, p, now, &mut n).await?;
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
