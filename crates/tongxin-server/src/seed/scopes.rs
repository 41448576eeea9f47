//! The demo's scope tree: two districts down to Bijie's four buildings and
//! Mingtong Lane's courtyard No. 47.

use std::sync::Arc;

use tongxin_core::Id;
use tongxin_core::scope::ScopeLevel;

use crate::service;
use crate::storage::{NewScope, Store, StoreError};

use super::*;

/// The demo's places: the scope tree of 西山区 and 五华区, and the ids the
/// other parts of the seed put their items in.
pub(super) struct Places {
    /// 碧鸡街道.
    pub(super) street: Id,
    /// 碧鸡社区.
    pub(super) bijie: Id,
    /// Its four buildings.
    pub(super) buildings: Vec<Id>,
    /// 南强街道.
    pub(super) nanqiang: Id,
    /// 明通社区.
    pub(super) mingtong: Id,
    /// 明通巷居民小组.
    pub(super) lane: Id,
    /// 明通巷47号院.
    pub(super) yard47: Id,
}

/// Creates the scope tree.
pub(super) async fn create(s: &Arc<Store>) -> Result<Places, StoreError> {
    let scope = |parent: Option<Id>, level: ScopeLevel, name: &str, en: &str| NewScope {
        parent_id: parent,
        level,
        name: name.into(),
        name_en: Some(en.into()),
        households: None,
    };
    use ScopeLevel::*;
    let xishan = service::scopes::create(
        s,
        meta(),
        scope(None, District, "西山区", "Xishan District"),
    )
    .await?
    .id;
    let bijie_st = service::scopes::create(
        s,
        meta(),
        scope(Some(xishan), Street, "碧鸡街道", "Bijie Street"),
    )
    .await?
    .id;
    let bijie = service::scopes::create(
        s,
        meta(),
        scope(Some(bijie_st), Community, "碧鸡社区", "Bijie Community"),
    )
    .await?
    .id;
    let g1 = service::scopes::create(
        s,
        meta(),
        scope(Some(bijie), Group, "第一居民小组", "Residents' group 1"),
    )
    .await?
    .id;
    let g2 = service::scopes::create(
        s,
        meta(),
        scope(Some(bijie), Group, "第二居民小组", "Residents' group 2"),
    )
    .await?
    .id;
    let mut buildings = Vec::new();
    for (g, n) in [(g1, 1), (g1, 2), (g2, 3), (g2, 4)] {
        buildings.push(
            service::scopes::create(
                s,
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
    let wuhua =
        service::scopes::create(s, meta(), scope(None, District, "五华区", "Wuhua District"))
            .await?
            .id;
    let nanqiang = service::scopes::create(
        s,
        meta(),
        scope(Some(wuhua), Street, "南强街道", "Nanqiang Street"),
    )
    .await?
    .id;
    let mingtong = service::scopes::create(
        s,
        meta(),
        scope(Some(nanqiang), Community, "明通社区", "Mingtong Community"),
    )
    .await?
    .id;
    let lane = service::scopes::create(
        s,
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
    let yard47 = service::scopes::create(
        s,
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

    Ok(Places {
        street: bijie_st,
        bijie,
        buildings,
        nanqiang,
        mingtong,
        lane,
        yard47,
    })
}
