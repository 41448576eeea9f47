//! The five-level scope tree of Kunming's community governance:
//! district → street → community → residents' group → building
//! (区-街道-社区-居民小组-楼栋). Every poll, convention and proposal has a
//! scope; eligibility and filters use "is X inside Y".

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::Id;

/// The level of a scope, from the widest (district) to the narrowest (building).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScopeLevel {
    /// 区
    District,
    /// 街道
    Street,
    /// 社区
    Community,
    /// 居民小组
    Group,
    /// 楼栋
    Building,
}

impl ScopeLevel {
    /// Depth in the tree, 0 for a district.
    pub fn depth(self) -> u8 {
        self as u8
    }

    /// The level directly below, if any.
    pub fn child(self) -> Option<ScopeLevel> {
        use ScopeLevel::*;
        match self {
            District => Some(Street),
            Street => Some(Community),
            Community => Some(Group),
            Group => Some(Building),
            Building => None,
        }
    }

    /// Parses the snake_case name used in the API.
    pub fn parse(s: &str) -> Option<ScopeLevel> {
        use ScopeLevel::*;
        Some(match s {
            "district" => District,
            "street" => Street,
            "community" => Community,
            "group" => Group,
            "building" => Building,
            _ => return None,
        })
    }

    /// The snake_case name used in the API.
    pub fn as_str(self) -> &'static str {
        use ScopeLevel::*;
        match self {
            District => "district",
            Street => "street",
            Community => "community",
            Group => "group",
            Building => "building",
        }
    }
}

/// Most households one scope may record (a district of a big city has
/// fewer than a million).
pub const MAX_HOUSEHOLDS: u32 = 1_000_000;

/// One node of the scope tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scope {
    /// Identifier.
    pub id: Id,
    /// Parent scope; `None` only for districts.
    pub parent_id: Option<Id>,
    /// Level in the five-level tree.
    pub level: ScopeLevel,
    /// Name as residents know it, e.g. 碧鸡社区.
    pub name: String,
    /// Optional English name.
    pub name_en: Option<String>,
    /// Households living in it, where staff recorded the number (usually
    /// on buildings); wider scopes without a number add up their children
    /// (see [`ScopeTree::households`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub households: Option<u32>,
}

/// Why a scope cannot be placed where it was asked to go.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    /// The parent does not exist.
    #[error("parent scope {0} does not exist")]
    UnknownParent(Id),
    /// Only districts may be roots; everything else needs a parent.
    #[error("a {0:?} needs a parent scope")]
    ParentRequired(ScopeLevel),
    /// A district cannot have a parent.
    #[error("a district has no parent scope")]
    DistrictHasNoParent,
    /// The child must be exactly one level below its parent.
    #[error("a {child:?} cannot be placed under a {parent:?}")]
    WrongLevel {
        /// Parent's level.
        parent: ScopeLevel,
        /// Requested child level.
        child: ScopeLevel,
    },
}

/// The whole tree, indexed for "is X inside Y" questions.
#[derive(Debug, Clone, Default)]
pub struct ScopeTree {
    nodes: HashMap<Id, Scope>,
}

impl ScopeTree {
    /// Builds a tree from scopes in any order.
    pub fn new(scopes: impl IntoIterator<Item = Scope>) -> Self {
        Self {
            nodes: scopes.into_iter().map(|s| (s.id, s)).collect(),
        }
    }

    /// The scope with this id.
    pub fn get(&self, id: Id) -> Option<&Scope> {
        self.nodes.get(&id)
    }

    /// Checks that a new scope of `level` may hang under `parent`.
    pub fn check_placement(&self, level: ScopeLevel, parent: Option<Id>) -> Result<(), ScopeError> {
        match (level, parent) {
            (ScopeLevel::District, None) => Ok(()),
            (ScopeLevel::District, Some(_)) => Err(ScopeError::DistrictHasNoParent),
            (level, None) => Err(ScopeError::ParentRequired(level)),
            (level, Some(pid)) => {
                let parent = self.get(pid).ok_or(ScopeError::UnknownParent(pid))?;
                if parent.level.child() == Some(level) {
                    Ok(())
                } else {
                    Err(ScopeError::WrongLevel {
                        parent: parent.level,
                        child: level,
                    })
                }
            }
        }
    }

    /// The rule for every link from one item to another (a proposal's
    /// consultation or resolution poll, a merge): the linked item lies in
    /// the item's scope or below it, so staff of one community never bind
    /// another community's items to theirs.
    pub fn check_link(&self, item_scope: Id, linked_scope: Id) -> Result<(), LinkOutsideScope> {
        if self.is_within(linked_scope, item_scope) {
            Ok(())
        } else {
            Err(LinkOutsideScope {
                item_scope,
                linked_scope,
            })
        }
    }

    /// True when `inner` is `outer` or lies below it. Unknown ids are inside nothing.
    pub fn is_within(&self, inner: Id, outer: Id) -> bool {
        let mut cursor = Some(inner);
        // The tree has at most five levels; the bound also protects against cycles.
        for _ in 0..8 {
            match cursor {
                Some(id) if id == outer => return self.nodes.contains_key(&id),
                Some(id) => cursor = self.nodes.get(&id).and_then(|s| s.parent_id),
                None => return false,
            }
        }
        false
    }

    /// The direct children of `id`, ordered by id.
    pub fn children(&self, id: Id) -> Vec<&Scope> {
        let mut out: Vec<&Scope> = self
            .nodes
            .values()
            .filter(|s| s.parent_id == Some(id))
            .collect();
        out.sort_by_key(|s| s.id);
        out
    }

    /// The child of `outer` that `inner` lies in (`inner` itself when it is
    /// a child); `None` when `inner` is `outer` or outside it.
    pub fn child_toward(&self, inner: Id, outer: Id) -> Option<Id> {
        let mut cursor = inner;
        for _ in 0..8 {
            let parent = self.nodes.get(&cursor)?.parent_id?;
            if parent == outer {
                return self.nodes.contains_key(&outer).then_some(cursor);
            }
            cursor = parent;
        }
        None
    }

    /// Households of every scope: its recorded number, else the sum of its
    /// children's (`None` when nothing below it is recorded either).
    pub fn households(&self) -> HashMap<Id, u64> {
        let mut order: Vec<&Scope> = self.nodes.values().collect();
        // Deepest first, so children are summed before their parents.
        order.sort_by_key(|s| std::cmp::Reverse(s.level));
        let mut below: HashMap<Id, u64> = HashMap::new();
        let mut out = HashMap::new();
        for s in order {
            let value = s
                .households
                .map(u64::from)
                .or_else(|| below.get(&s.id).copied());
            if let Some(v) = value {
                out.insert(s.id, v);
                if let Some(p) = s.parent_id {
                    *below.entry(p).or_default() += v;
                }
            }
        }
        out
    }

    /// The chain from the district down to `id` (inclusive).
    pub fn path(&self, id: Id) -> Vec<&Scope> {
        let mut out = Vec::new();
        let mut cursor = self.get(id);
        while let Some(s) = cursor {
            out.push(s);
            if out.len() > 8 {
                break;
            }
            cursor = s.parent_id.and_then(|p| self.get(p));
        }
        out.reverse();
        out
    }
}

/// A link to an item outside the linking item's scope ([`ScopeTree::check_link`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the linked item (scope {linked_scope}) lies outside this item's scope {item_scope}")]
pub struct LinkOutsideScope {
    /// Scope of the item that links.
    pub item_scope: Id,
    /// Scope of the item linked to.
    pub linked_scope: Id,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_stay_inside_the_items_scope() {
        let tree = tree();
        let (community, building, other) = (Id::from(3), Id::from(5), Id::from(6));
        assert_eq!(tree.check_link(community, community), Ok(()));
        assert_eq!(tree.check_link(community, building), Ok(()));
        let e = tree.check_link(community, other).unwrap_err();
        assert_eq!((e.item_scope, e.linked_scope), (community, other));
        assert!(tree.check_link(building, community).is_err(), "not upwards");
        assert!(
            tree.check_link(community, Id::from(99)).is_err(),
            "unknown scope"
        );
    }

    fn s(id: Id, parent: Option<Id>, level: ScopeLevel) -> Scope {
        Scope {
            id,
            parent_id: parent,
            level,
            name: format!("s{id}"),
            name_en: None,
            households: None,
        }
    }

    fn tree() -> ScopeTree {
        use ScopeLevel::*;
        ScopeTree::new([
            s(Id::from(1), None, District),
            s(Id::from(2), Some(Id::from(1)), Street),
            s(Id::from(3), Some(Id::from(2)), Community),
            s(Id::from(4), Some(Id::from(3)), Group),
            s(Id::from(5), Some(Id::from(4)), Building),
            s(Id::from(6), Some(Id::from(1)), Street),
        ])
    }

    #[test]
    fn within_is_reflexive_and_transitive() {
        let t = tree();
        assert!(t.is_within(Id::from(5), Id::from(5)));
        assert!(t.is_within(Id::from(5), Id::from(4)));
        assert!(t.is_within(Id::from(5), Id::from(1)));
        assert!(!t.is_within(Id::from(1), Id::from(5)));
        assert!(!t.is_within(Id::from(5), Id::from(6)));
        assert!(!t.is_within(Id::from(99), Id::from(1)));
        assert!(!t.is_within(Id::from(5), Id::from(99)));
    }

    #[test]
    fn placement_follows_the_five_levels() {
        use ScopeLevel::*;
        let t = tree();
        assert_eq!(t.check_placement(District, None), Ok(()));
        assert_eq!(
            t.check_placement(District, Some(Id::from(1))),
            Err(ScopeError::DistrictHasNoParent)
        );
        assert_eq!(
            t.check_placement(Street, None),
            Err(ScopeError::ParentRequired(Street))
        );
        assert_eq!(t.check_placement(Building, Some(Id::from(4))), Ok(()));
        assert_eq!(
            t.check_placement(Building, Some(Id::from(3))),
            Err(ScopeError::WrongLevel {
                parent: Community,
                child: Building
            })
        );
        assert_eq!(
            t.check_placement(Group, Some(Id::from(42))),
            Err(ScopeError::UnknownParent(Id::from(42)))
        );
    }

    #[test]
    fn path_runs_from_district_down() {
        let t = tree();
        let ids: Vec<Id> = t.path(Id::from(5)).iter().map(|s| s.id).collect();
        assert_eq!(ids, vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn cycles_do_not_hang() {
        use ScopeLevel::*;
        let t = ScopeTree::new([
            s(Id::from(1), Some(Id::from(2)), Street),
            s(Id::from(2), Some(Id::from(1)), Street),
        ]);
        assert!(!t.is_within(Id::from(1), Id::from(3)));
        assert!(t.path(Id::from(1)).len() <= 9);
    }

    #[test]
    fn levels_round_trip_through_their_names() {
        use ScopeLevel::*;
        for l in [District, Street, Community, Group, Building] {
            assert_eq!(ScopeLevel::parse(l.as_str()), Some(l));
        }
        assert_eq!(ScopeLevel::parse("city"), None);
    }
}
