//! Staff accounts and what their roles let them do. The people who run
//! items in the seed story are street-office and community staff, residents'
//! group leaders and building heads: each holds roles bound to a scope of
//! the tree, and may act only inside it. The server asks [`allows`] before
//! every staff operation; the rule lives here, once.

use serde::{Deserialize, Serialize};

mod audit;
pub mod codes;
pub mod moderation;
mod requests;
mod sign_in;

pub use audit::AuditEntry;
pub use requests::{AccountChange, NewAccount, SessionView, SignInRequest};
pub use sign_in::*;

use crate::scope::ScopeTree;
use crate::{Id, Millis};

/// What a staff member is to a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, everywhere: accounts, scopes, every item.
    Administrator,
    /// Staff of a street or community: creates and runs items inside it.
    Staff,
    /// Building head or residents' group leader: sees the participation of
    /// their units, hands out household codes and keys their paper and
    /// door-to-door answers; read-only otherwise.
    BuildingHead,
}

impl Role {
    /// Every role, widest first.
    pub const ALL: [Role; 3] = [Role::Administrator, Role::Staff, Role::BuildingHead];

    /// The snake_case name used in the API, the database and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Staff => "staff",
            Role::BuildingHead => "building_head",
        }
    }

    /// Parses [`Role::as_str`].
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A role held on a scope; an administrator's scope is the whole tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// The scope it is bound to; `None` only for an administrator.
    pub scope_id: Option<Id>,
}

impl Grant {
    /// Checks that the grant is well formed: an administrator holds the
    /// whole tree, every other role one scope of it.
    pub fn check(&self, tree: &ScopeTree) -> Result<(), StaffError> {
        match (self.role, self.scope_id) {
            (Role::Administrator, None) => Ok(()),
            (Role::Administrator, Some(_)) => Err(StaffError::AdministratorHasNoScope),
            (_, None) => Err(StaffError::ScopeRequired),
            (_, Some(s)) if tree.get(s).is_none() => Err(StaffError::UnknownScope),
            _ => Ok(()),
        }
    }
}

/// A staff account as administrators see it (never its password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccount {
    /// Identifier.
    pub id: Id,
    /// Sign-in name ([`check_login`]).
    pub login: String,
    /// The name colleagues know, e.g. 王丽 (碧鸡社区).
    pub display_name: String,
    /// Roles and their scopes.
    pub grants: Vec<Grant>,
    /// A disabled account can neither sign in nor use its tokens.
    pub disabled: bool,
    /// When it was created.
    pub created_at: Millis,
}

/// A personal API token as listed (the token itself is shown once, when
/// it is made, and only its hash is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    /// Identifier (what `revoke` takes).
    pub id: Id,
    /// What it is for, e.g. "nightly export".
    pub label: String,
    /// When it was made.
    pub created_at: Millis,
    /// When it was revoked; a revoked token opens nothing.
    pub revoked_at: Option<Millis>,
}

/// What a staff operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Power {
    /// Create, edit, open, close and move items; moderate; write the ledger.
    Run,
    /// Generate, print and revoke household codes.
    HandOutCodes,
    /// See participation and results by unit, and export them.
    SeeParticipation,
    /// Key paper and door-to-door answers and meeting tallies.
    EnterPaper,
    /// Create and change accounts and the scope tree.
    ManageAccounts,
}

impl Role {
    /// Whether the role carries `power` (inside its scope).
    pub fn carries(self, power: Power) -> bool {
        match self {
            Role::Administrator => true,
            Role::Staff => power != Power::ManageAccounts,
            Role::BuildingHead => {
                matches!(
                    power,
                    Power::HandOutCodes | Power::SeeParticipation | Power::EnterPaper
                )
            }
        }
    }
}

/// Whether someone holding `grants` may use `power` on an item of scope
/// `target` (`None`: something of the whole tree, such as a new top-level
/// scope or the account list, which only an administrator may touch).
pub fn allows(grants: &[Grant], power: Power, target: Option<Id>, tree: &ScopeTree) -> bool {
    grants.iter().any(|g| {
        g.role.carries(power)
            && match (g.role, g.scope_id, target) {
                (Role::Administrator, _, _) => true,
                (_, Some(mine), Some(t)) => tree.is_within(t, mine),
                _ => false,
            }
    })
}

/// Whether someone holding `grants` may use `power` on some part of an item
/// of scope `target`: on all of it ([`allows`]), or on a unit inside it (a
/// building head sees the participation of their own building in a
/// community's poll).
pub fn allows_part(grants: &[Grant], power: Power, target: Id, tree: &ScopeTree) -> bool {
    allows(grants, power, Some(target), tree)
        || grants.iter().any(|g| {
            g.role.carries(power) && g.scope_id.is_some_and(|mine| tree.is_within(mine, target))
        })
}

/// Why an account or a grant is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StaffError {
    /// The sign-in name is not 3–32 of `a-z 0-9 . _ -`, starting with a letter.
    #[error("a sign-in name is 3 to 32 of a-z, 0-9, '.', '_' and '-', starting with a letter")]
    BadLogin,
    /// The password is shorter than 10 or longer than 128 characters.
    #[error("a password is 10 to 128 characters")]
    BadPassword,
    /// An administrator's grant names a scope.
    #[error("an administrator holds the whole tree: give no scope")]
    AdministratorHasNoScope,
    /// A staff or building-head grant names no scope.
    #[error("staff and building heads need the scope they serve")]
    ScopeRequired,
    /// The grant's scope is not in the tree.
    #[error("no such scope")]
    UnknownScope,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::{Scope, ScopeLevel};

    fn scope(id: i64, level: ScopeLevel, parent: Option<i64>) -> Scope {
        Scope {
            id: Id::int(id),
            level,
            parent_id: parent.map(Id::int),
            name: format!("s{id}"),
            name_en: None,
            households: None,
        }
    }

    /// District 1 → street 2 → communities 3 and 4 → building 5 (in 3).
    fn tree() -> ScopeTree {
        ScopeTree::new([
            scope(1, ScopeLevel::District, None),
            scope(2, ScopeLevel::Street, Some(1)),
            scope(3, ScopeLevel::Community, Some(2)),
            scope(4, ScopeLevel::Community, Some(2)),
            scope(5, ScopeLevel::Building, Some(3)),
        ])
    }

    fn on(role: Role, scope: i64) -> Grant {
        Grant {
            role,
            scope_id: Some(Id::int(scope)),
        }
    }

    const ADMIN: Grant = Grant {
        role: Role::Administrator,
        scope_id: None,
    };

    #[test]
    fn an_administrator_may_do_everything_everywhere() {
        let t = tree();
        for p in [
            Power::Run,
            Power::HandOutCodes,
            Power::SeeParticipation,
            Power::ManageAccounts,
        ] {
            assert!(allows(&[ADMIN], p, None, &t));
            assert!(allows(&[ADMIN], p, Some(Id::int(5)), &t));
        }
    }

    #[test]
    fn staff_run_items_inside_their_scope_only() {
        let t = tree();
        let g = [on(Role::Staff, 3)];
        assert!(allows(&g, Power::Run, Some(Id::int(3)), &t));
        assert!(
            allows(&g, Power::Run, Some(Id::int(5)), &t),
            "a building of the community"
        );
        assert!(
            !allows(&g, Power::Run, Some(Id::int(4)), &t),
            "the neighbouring community"
        );
        assert!(
            !allows(&g, Power::Run, Some(Id::int(2)), &t),
            "the street above"
        );
        assert!(!allows(&g, Power::Run, None, &t), "the whole tree");
        assert!(!allows(&g, Power::ManageAccounts, Some(Id::int(3)), &t));
        assert!(
            !allows(&g, Power::Run, Some(Id::int(99)), &t),
            "an unknown scope"
        );
    }

    #[test]
    fn a_building_head_reads_and_hands_out_codes_but_creates_nothing() {
        let t = tree();
        let g = [on(Role::BuildingHead, 5)];
        assert!(allows(&g, Power::SeeParticipation, Some(Id::int(5)), &t));
        assert!(allows(&g, Power::HandOutCodes, Some(Id::int(5)), &t));
        assert!(!allows(&g, Power::Run, Some(Id::int(5)), &t));
        assert!(
            !allows(&g, Power::SeeParticipation, Some(Id::int(3)), &t),
            "not the whole community"
        );
    }

    #[test]
    fn several_grants_add_up() {
        let t = tree();
        let g = [on(Role::BuildingHead, 5), on(Role::Staff, 4)];
        assert!(allows(&g, Power::Run, Some(Id::int(4)), &t));
        assert!(!allows(&g, Power::Run, Some(Id::int(5)), &t));
        assert!(
            !allows(&[], Power::SeeParticipation, Some(Id::int(5)), &t),
            "no grant, nothing"
        );
    }

    #[test]
    fn grants_are_checked_against_the_tree() {
        let t = tree();
        assert_eq!(ADMIN.check(&t), Ok(()));
        assert_eq!(on(Role::Staff, 3).check(&t), Ok(()));
        assert_eq!(
            on(Role::Administrator, 3).check(&t),
            Err(StaffError::AdministratorHasNoScope)
        );
        assert_eq!(
            Grant {
                role: Role::Staff,
                scope_id: None
            }
            .check(&t),
            Err(StaffError::ScopeRequired)
        );
        assert_eq!(
            on(Role::BuildingHead, 99).check(&t),
            Err(StaffError::UnknownScope)
        );
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
        assert_eq!(Role::parse("Administrator"), None);
    }

    #[test]
    fn a_building_head_has_a_part_in_their_community_only() {
        let t = tree();
        let head = [on(Role::BuildingHead, 5)];
        let see = Power::SeeParticipation;
        assert!(allows_part(&head, see, Id::int(3), &t));
        assert!(allows_part(&head, see, Id::int(5), &t));
        assert!(!allows(&head, see, Some(Id::int(3)), &t));
        assert!(!allows_part(&head, see, Id::int(4), &t));
        assert!(!allows_part(&head, Power::Run, Id::int(3), &t));
        assert!(allows_part(&[on(Role::Staff, 2)], see, Id::int(3), &t));
    }
}
