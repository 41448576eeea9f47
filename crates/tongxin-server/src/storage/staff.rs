//! What is written of a staff account (the rows are in
//! [`super::sql::staff`]). Persistence only: the rules (who may hold what,
//! password lengths, hashing) are in the staff use cases and
//! `tongxin_core::staff`.

use tongxin_core::staff::Grant;

/// A new account, checked and with its password already hashed.
#[derive(Debug, Clone)]
pub struct NewStaff {
    /// Sign-in name, unique.
    pub login: String,
    /// Display name.
    pub display_name: String,
    /// Argon2id hash in PHC form.
    pub password_hash: String,
    /// Roles and their scopes.
    pub grants: Vec<Grant>,
}

/// A change to an existing account.
#[derive(Debug, Clone)]
pub enum StaffChange {
    /// A new password (its argon2id hash).
    Password(String),
    /// Disabled (`true`) or enabled again.
    Disabled(bool),
}
