//! The scope tree from a spreadsheet: community offices keep their
//! buildings and household counts in Excel, so the console imports a CSV
//! with one row per scope, its path from the district down, and optionally
//! its households. [`parse_csv`] reads it (UTF-8, with or without a BOM;
//! quoted cells; CRLF), [`plan`] matches each path against the tree by
//! name and lists what to create and which counts change, so importing
//! the same file twice changes nothing.

use serde::{Deserialize, Serialize};

use crate::Id;
use crate::scope::{MAX_HOUSEHOLDS, Scope, ScopeLevel};
use crate::text::{self, FieldErrors};

/// Most rows one import may hold.
pub const MAX_ROWS: usize = 5000;

/// The header a file must start with (Chinese or English).
pub const HEADERS: [[&str; 6]; 2] = [
    ["区", "街道", "社区", "居民小组", "楼栋", "户数"],
    [
        "district",
        "street",
        "community",
        "group",
        "building",
        "households",
    ],
];

/// An import as sent to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// The CSV text: header `区,街道,社区,居民小组,楼栋,户数` (or
    /// `district,street,community,group,building,households`), then one row
    /// per scope, its names from the district down, households optional.
    pub csv: String,
    /// Only report what would change.
    #[serde(default)]
    pub dry_run: bool,
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Whether nothing was written.
    pub dry_run: bool,
    /// Scopes created.
    pub created: u32,
    /// Scopes whose household count changed.
    pub updated: u32,
    /// Rows that matched the tree as it is.
    pub unchanged: u32,
}

/// One row of the file: a path of names from the district down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// 1-based line in the file, for error messages.
    pub line: usize,
    /// Names, district first; the last one is the row's scope.
    pub path: Vec<String>,
    /// Its households, if given.
    pub households: Option<u32>,
}

/// Where a scope to create hangs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    /// Nowhere: a district.
    Root,
    /// A scope already in the tree.
    Existing(Id),
    /// A scope created earlier in the same plan (its index in the steps).
    Planned(usize),
}

/// One change of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportStep {
    /// Create a scope.
    Create {
        /// Where it hangs.
        parent: Parent,
        /// Its level (one below its parent's).
        level: ScopeLevel,
        /// Its name.
        name: String,
        /// Its households, if the file gave them.
        households: Option<u32>,
    },
    /// Record a new household count on an existing scope.
    SetHouseholds {
        /// The scope.
        id: Id,
        /// The count.
        households: u32,
    },
}

/// Splits CSV text into rows of cells (RFC 4180: commas, quoted cells
/// with `""` for a quote, CRLF or LF line ends).
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut out = Vec::new();
    let (mut row, mut cell) = (Vec::new(), String::new());
    let (mut quoted, mut line, mut start) = (false, 1usize, 1usize);
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                cell.push(c);
            }
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                out.push((start, std::mem::take(&mut row)));
                line += 1;
                start = line;
            }
            (false, c) => cell.push(c),
        }
    }
    if quoted {
        return Err(format!("line {start}: a quoted cell is not closed"));
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        out.push((start, row));
    }
    Ok(out)
}

/// Reads an import file into rows; every problem names its line.
pub fn parse_csv(text: &str) -> Result<Vec<ImportRow>, FieldErrors> {
    let mut e = FieldErrors::new();
    let records = match records(text) {
        Ok(r) => r,
        Err(m) => {
            e.add("csv", m);
            return Err(e);
        }
    };
    let mut records = records
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let header: Vec<String> = records
        .next()
        .map(|(_, h)| h.iter().map(|c| c.trim().to_lowercase()).collect())
        .unwrap_or_default();
    if !HEADERS.iter().any(|h| header == h) {
        e.add(
            "csv",
            format!("the first line must be {}", HEADERS[0].join(",")),
        );
        return Err(e);
    }
    let mut rows = Vec::new();
    for (line, cells) in records {
        if rows.len() == MAX_ROWS {
            e.add("csv", format!("at most {MAX_ROWS} rows"));
            break;
        }
        if cells.len() > 6 {
            e.add("csv", format!("line {line}: at most 6 cells"));
            continue;
        }
        let names: Vec<&str> = cells.iter().take(5).map(|c| c.trim()).collect();
        let depth = names.iter().take_while(|n| !n.is_empty()).count();
        if depth == 0 || names[depth..].iter().any(|n| !n.is_empty()) {
            e.add(
                "csv",
                format!("line {line}: fill the names from the district down, with no gap"),
            );
            continue;
        }
        if let Some(bad) = names[..depth]
            .iter()
            .find_map(|n| text::check_text(n, text::LABEL).err())
        {
            e.add("csv", format!("line {line}: a name {bad}"));
            continue;
        }
        let households = match cells.get(5).map(|c| c.trim()).filter(|c| !c.is_empty()) {
            None => None,
            Some(h) => match h.parse::<u32>() {
                Ok(n) if n <= MAX_HOUSEHOLDS => Some(n),
                _ => {
                    e.add(
                        "csv",
                        format!("line {line}: households must be a whole number from 0 to {MAX_HOUSEHOLDS}"),
                    );
                    continue;
                }
            },
        };
        rows.push(ImportRow {
            line,
            path: names[..depth].iter().map(|n| n.to_string()).collect(),
            households,
        });
    }
    if rows.is_empty() && e.is_empty() {
        e.add("csv", "the file has no rows after its header");
    }
    e.into_result().map(|()| rows)
}

/// What importing `rows` into the tree of `scopes` changes: scopes are
/// matched by name under the same parent; missing ones are created, and
/// a row's households replace a different count. Returns the steps and
/// the number of rows that changed nothing.
pub fn plan(scopes: &[Scope], rows: &[ImportRow]) -> (Vec<ImportStep>, u32) {
    let mut steps: Vec<ImportStep> = Vec::new();
    // Scopes created by this plan: where they hang, their name, their step.
    let mut planned: Vec<(Parent, String, usize)> = Vec::new();
    let mut unchanged = 0;
    for row in rows {
        let mut parent = Parent::Root;
        let mut changed = false;
        for (depth, name) in row.path.iter().enumerate() {
            let last = depth + 1 == row.path.len();
            let households = row.households.filter(|_| last);
            let existing = match parent {
                Parent::Root => scopes
                    .iter()
                    .find(|s| s.parent_id.is_none() && s.name == *name),
                Parent::Existing(pid) => scopes
                    .iter()
                    .find(|s| s.parent_id == Some(pid) && s.name == *name),
                Parent::Planned(_) => None,
            };
            if let Some(s) = existing {
                if let Some(h) = households.filter(|h| s.households != Some(*h)) {
                    let already = steps.iter().any(|st| {
                        matches!(st, ImportStep::SetHouseholds { id, households } if *id == s.id && *households == h)
                    });
                    if !already {
                        steps.push(ImportStep::SetHouseholds {
                            id: s.id,
                            households: h,
                        });
                        changed = true;
                    }
                }
                parent = Parent::Existing(s.id);
                continue;
            }
            if let Some(&(_, _, i)) = planned.iter().find(|(p, n, _)| *p == parent && n == name) {
                if let (
                    Some(h),
                    ImportStep::Create {
                        households: slot, ..
                    },
                ) = (households, &mut steps[i])
                {
                    changed |= *slot != Some(h);
                    *slot = Some(h);
                }
                parent = Parent::Planned(i);
                continue;
            }
            let level = LEVELS[depth];
            steps.push(ImportStep::Create {
                parent,
                level,
                name: name.clone(),
                households,
            });
            planned.push((parent, name.clone(), steps.len() - 1));
            parent = Parent::Planned(steps.len() - 1);
            changed = true;
        }
        if !changed {
            unchanged += 1;
        }
    }
    (steps, unchanged)
}

/// The levels, district first, as the file's columns hold them.
const LEVELS: [ScopeLevel; 5] = [
    ScopeLevel::District,
    ScopeLevel::Street,
    ScopeLevel::Community,
    ScopeLevel::Group,
    ScopeLevel::Building,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(id: i64, parent: Option<i64>, level: ScopeLevel, name: &str, h: Option<u32>) -> Scope {
        Scope {
            id: Id::int(id),
            parent_id: parent.map(Id::int),
            level,
            name: name.into(),
            name_en: None,
            households: h,
        }
    }

    const FILE: &str = "\u{feff}区,街道,社区,居民小组,楼栋,户数\r\n西山区,碧鸡街道,碧鸡社区,第一居民小组,1栋,120\r\n西山区,碧鸡街道,碧鸡社区,第一居民小组,2栋,96\r\n西山区,碧鸡街道,\"碧鸡社区\",第二居民小组,,\r\n";

    #[test]
    fn a_file_reads_into_paths_with_households() {
        let rows = parse_csv(FILE).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].path.last().unwrap(), "1栋");
        assert_eq!(rows[0].households, Some(120));
        assert_eq!((rows[2].path.len(), rows[2].households), (4, None));
        assert_eq!(rows[2].line, 4);
        let quoted = "district,street,community,group,building,households\n\"西山区\",\"碧鸡\"\"东\"\"街道\"\n";
        assert_eq!(parse_csv(quoted).unwrap()[0].path[1], "碧鸡\"东\"街道");
    }

    #[test]
    fn a_bad_file_names_the_line_that_is_wrong() {
        let head = "区,街道,社区,居民小组,楼栋,户数\n";
        for (body, says) in [
            ("", "no rows"),
            ("西山区,,碧鸡社区\n", "line 2: fill"),
            (
                "西山区,碧鸡街道,碧鸡社区,第一居民小组,1栋,-3\n",
                "line 2: households",
            ),
            (
                "西山区,碧鸡街道,碧鸡社区,第一居民小组,1栋,1000001\n",
                "households",
            ),
            (
                "西山区,碧鸡街道,碧鸡社区,第一居民小组,1栋,12,x\n",
                "at most 6",
            ),
            ("西山区,\"碧鸡街道\n", "not closed"),
            ("西山区,碧鸡\u{202e}街道\n", "line 2: a name"),
        ] {
            let e = parse_csv(&format!("{head}{body}")).unwrap_err();
            let text = format!("{:?}", e.0["csv"]);
            assert!(text.contains(says), "{body:?} → {text}");
        }
        let e = parse_csv("name,households\nx,1\n").unwrap_err();
        assert!(format!("{:?}", e.0["csv"]).contains("first line"));
    }

    #[test]
    fn a_plan_creates_what_is_missing_and_importing_twice_changes_nothing() {
        let tree = vec![
            scope(1, None, ScopeLevel::District, "西山区", None),
            scope(2, Some(1), ScopeLevel::Street, "碧鸡街道", None),
            scope(3, Some(2), ScopeLevel::Community, "碧鸡社区", None),
            scope(4, Some(3), ScopeLevel::Group, "第一居民小组", None),
            scope(5, Some(4), ScopeLevel::Building, "1栋", Some(100)),
        ];
        let rows = parse_csv(FILE).unwrap();
        let (steps, unchanged) = plan(&tree, &rows);
        assert_eq!(unchanged, 0);
        assert_eq!(
            steps,
            vec![
                ImportStep::SetHouseholds {
                    id: Id::int(5),
                    households: 120
                },
                ImportStep::Create {
                    parent: Parent::Existing(Id::int(4)),
                    level: ScopeLevel::Building,
                    name: "2栋".into(),
                    households: Some(96),
                },
                ImportStep::Create {
                    parent: Parent::Existing(Id::int(3)),
                    level: ScopeLevel::Group,
                    name: "第二居民小组".into(),
                    households: None,
                },
            ]
        );
        let mut after = tree;
        after[4].households = Some(120);
        after.push(scope(6, Some(4), ScopeLevel::Building, "2栋", Some(96)));
        after.push(scope(7, Some(3), ScopeLevel::Group, "第二居民小组", None));
        assert_eq!(plan(&after, &rows), (vec![], 3));
    }

    #[test]
    fn new_parents_are_created_once_and_their_children_hang_under_them() {
        let rows = parse_csv(
            "区,街道,社区,居民小组,楼栋,户数\n五华区,华山街道\n五华区,华山街道,翠湖社区,,,\n",
        )
        .unwrap();
        let (steps, _) = plan(&[], &rows);
        assert_eq!(steps.len(), 3);
        assert!(matches!(
            steps[2],
            ImportStep::Create {
                parent: Parent::Planned(1),
                level: ScopeLevel::Community,
                ..
            }
        ));
    }
}
