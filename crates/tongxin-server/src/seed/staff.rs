//! The demo's staff accounts, one per role, with the well-known passwords
//! the README lists. Seeded only when the demo listens on a loopback
//! address: on any other address nobody should sign in with a password
//! printed in a README.

use tongxin_core::Id;
use tongxin_core::staff::{Grant, Role};

use crate::clock::now_ms;
use crate::service;
use crate::service::staff;
use crate::storage::{Store, StoreError};

/// Sign-in name, display name, password and role of each demo account.
/// The scopes are the demo's 碧鸡社区 and its 1栋.
pub const DEMO_ACCOUNTS: [(&str, &str, &str, Role); 3] = [
    (
        "admin",
        "管理员 Administrator",
        "demo-admin-password",
        Role::Administrator,
    ),
    (
        "bijie.staff",
        "王丽（碧鸡社区）",
        "demo-staff-password",
        Role::Staff,
    ),
    (
        "building1.head",
        "张伟（1栋楼栋长）",
        "demo-head-password",
        Role::BuildingHead,
    ),
];

/// Creates the demo accounts unless there are accounts already.
pub async fn seed_demo_accounts(store: &Store) -> Result<(), StoreError> {
    if !service::staff::list(store).await?.is_empty() {
        return Ok(());
    }
    let scopes = service::scopes::list(store).await?;
    let find =
        |name: &str| -> Option<Id> { scopes.iter().filter(|s| s.name == name).map(|s| s.id).min() };
    let (Some(community), Some(building)) = (find("碧鸡社区"), find("1栋")) else {
        return Ok(());
    };
    for (login, name, password, role) in DEMO_ACCOUNTS {
        let scope_id = match role {
            Role::Administrator => None,
            Role::Staff => Some(community),
            Role::BuildingHead => Some(building),
        };
        staff::add(
            store,
            now_ms(),
            login,
            name,
            password,
            vec![Grant { role, scope_id }],
        )
        .await?;
    }
    Ok(())
}
