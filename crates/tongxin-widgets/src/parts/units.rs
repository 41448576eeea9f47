//! Places residents choose from, labelled by their path below an area
//! ("第一居民小组 · 1栋"): the units a signer lives in (groups and
//! buildings) and the places a project can be for (the area and everything
//! inside it), and the search that filters them.

use tongxin_core::Id;
use tongxin_core::scope::{Scope, ScopeLevel, ScopeTree};

use crate::i18n::Lang;

/// One choosable unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Scope id.
    pub id: Id,
    /// Path below the convention's scope, in the resident's language.
    pub label: String,
}

fn name(s: &Scope, lang: Lang) -> &str {
    match (lang, s.name_en.as_deref()) {
        (Lang::En, Some(en)) if !en.is_empty() => en,
        _ => &s.name,
    }
}

/// Groups and buildings inside `root`, in tree order (parents first, then by id).
pub fn units_within(scopes: Vec<Scope>, root: Id, lang: Lang) -> Vec<Unit> {
    labelled(&scopes, Some(root), lang, |s| {
        s.id != root && matches!(s.level, ScopeLevel::Group | ScopeLevel::Building)
    })
}

/// `root` itself and every place inside it (everything when `root` is
/// `None`), in tree order; `root` is labelled by its own name.
pub fn places_within(scopes: Vec<Scope>, root: Option<Id>, lang: Lang) -> Vec<Unit> {
    labelled(&scopes, root, lang, |_| true)
}

fn labelled(
    scopes: &[Scope],
    root: Option<Id>,
    lang: Lang,
    keep: impl Fn(&Scope) -> bool,
) -> Vec<Unit> {
    let tree = ScopeTree::new(scopes.iter().cloned());
    let mut units: Vec<(Vec<Id>, Unit)> = scopes
        .iter()
        .filter(|s| root.is_none_or(|r| tree.is_within(s.id, r)) && keep(s))
        .map(|s| {
            let path = tree.path(s.id);
            let order = path.iter().map(|p| p.id).collect();
            let shown: Vec<&Scope> = match root {
                Some(r) if s.id != r => {
                    path.into_iter().skip_while(|p| p.id != r).skip(1).collect()
                }
                Some(_) => vec![s],
                None => path,
            };
            let label = shown
                .iter()
                .map(|p| name(p, lang))
                .collect::<Vec<_>>()
                .join(" · ");
            (order, Unit { id: s.id, label })
        })
        .collect();
    units.sort_by(|a, b| a.0.cmp(&b.0));
    units.into_iter().map(|(_, u)| u).collect()
}

/// The units whose label contains every word of `query` (case-insensitive).
pub fn filter<'a>(units: &'a [Unit], query: &str) -> Vec<&'a Unit> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    units
        .iter()
        .filter(|u| {
            let label = u.label.to_lowercase();
            words.iter().all(|w| label.contains(w.as_str()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: Id, parent: Option<Id>, level: ScopeLevel, name: &str, en: &str) -> Scope {
        Scope {
            id,
            parent_id: parent,
            level,
            name: name.into(),
            name_en: Some(en.into()),
            households: None,
        }
    }

    fn scopes() -> Vec<Scope> {
        use ScopeLevel::*;
        vec![
            s(Id::from(1), None, District, "西山区", "Xishan"),
            s(
                Id::from(2),
                Some(Id::from(1)),
                Street,
                "碧鸡街道",
                "Bijie Street",
            ),
            s(
                Id::from(3),
                Some(Id::from(2)),
                Community,
                "碧鸡社区",
                "Bijie Community",
            ),
            s(
                Id::from(4),
                Some(Id::from(3)),
                Group,
                "第一居民小组",
                "Group 1",
            ),
            s(
                Id::from(5),
                Some(Id::from(3)),
                Group,
                "第二居民小组",
                "Group 2",
            ),
            s(
                Id::from(6),
                Some(Id::from(4)),
                Building,
                "1栋",
                "Building 1",
            ),
            s(
                Id::from(7),
                Some(Id::from(5)),
                Building,
                "3栋",
                "Building 3",
            ),
            s(
                Id::from(8),
                Some(Id::from(4)),
                Building,
                "2栋",
                "Building 2",
            ),
            s(
                Id::from(9),
                Some(Id::from(2)),
                Community,
                "别的社区",
                "Elsewhere",
            ),
            s(
                Id::from(10),
                Some(Id::from(9)),
                Group,
                "外面小组",
                "Outside group",
            ),
        ]
    }

    #[test]
    fn units_are_inside_the_scope_in_tree_order() {
        let u = units_within(scopes(), Id::from(3), Lang::ZhCn);
        let labels: Vec<&str> = u.iter().map(|u| u.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "第一居民小组",
                "第一居民小组 · 1栋",
                "第一居民小组 · 2栋",
                "第二居民小组",
                "第二居民小组 · 3栋"
            ]
        );
        let en = units_within(scopes(), Id::from(3), Lang::En);
        assert_eq!(en[1].label, "Group 1 · Building 1");
        assert!(units_within(scopes(), Id::from(6), Lang::En).is_empty());
    }

    #[test]
    fn places_include_the_area_itself_and_everything_inside() {
        let p = places_within(scopes(), Some(Id::from(3)), Lang::ZhCn);
        let labels: Vec<&str> = p.iter().map(|u| u.label.as_str()).collect();
        assert_eq!(labels[0], "碧鸡社区");
        assert_eq!(labels[1], "第一居民小组");
        assert_eq!(p.len(), 6);
        let all = places_within(scopes(), None, Lang::En);
        assert_eq!(all.len(), 10);
        assert_eq!(all[0].label, "Xishan");
        assert_eq!(all[2].label, "Xishan · Bijie Street · Bijie Community");
    }

    #[test]
    fn search_matches_every_word_case_insensitively() {
        let u = units_within(scopes(), Id::from(3), Lang::En);
        let ids = |q: &str| filter(&u, q).iter().map(|u| u.id).collect::<Vec<_>>();
        assert_eq!(ids("building 3"), [7]);
        assert_eq!(ids("GROUP 1"), [4, 6, 8]);
        assert_eq!(ids(""), [4, 6, 8, 5, 7]);
        assert!(ids("<script>").is_empty());
    }
}
