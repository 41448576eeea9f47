//! Shape expressions: how to build one JSON value from another — a backend's
//! response into the contract's shape, or the contract's request body into
//! the backend's.
//!
//! * a string is a [path](super::path) (`"meta.title"`);
//! * a number, `true`, `false` or `null` is itself;
//! * an array is an array of expressions;
//! * an object without `$` keys is an object of expressions (one per field);
//! * an object with `$` keys is an operator: exactly one *source* —
//!   `$path`, `$const`, `$var` (a request variable), `$header` (a response
//!   header), `$template` (text with `{variables}`), `$each` + `$item` (map
//!   an array), `$entries` (an object as `[{key, value}]`), `$first` (the
//!   first element of an array, `null` when empty), `$count` (length of an
//!   array), `$sum` (sum of an array of numbers), `$group` + `$by`
//!   (count an array's items by a key: `[{key, count}]`, first seen
//!   first), `$add` / `$sub` / `$mul` / `$div` (`[a, b]`: arithmetic on two
//!   numbers; `null` when either is `null` or on division by zero) — and
//!   optional
//!   *modifiers* applied in this order: `$map` (value map, `"*"` for any
//!   other value), `$default` (when the result is `null`), `$as` (a
//!   [conversion](super::convert)), `$times` (multiply a number).

use serde_json::{Map, Value};

use super::Vars;
use super::convert::{Conv, short};
use super::path::Path;
use super::template::{Escape, Template};

/// Deepest nesting of expressions accepted.
pub const MAX_DEPTH: usize = 32;
/// Longest array `$each`, `$count`, `$sum` or `$group` will walk.
pub const MAX_ITEMS: usize = 100_000;
/// Most distinct keys `$group` counts (units of a community are hundreds).
pub const MAX_GROUPS: usize = 512;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A path into the current value or the body.
    Path(Path),
    /// A literal.
    Const(Value),
    /// An object, field by field.
    Object(Vec<(String, Expr)>),
    /// An array, item by item.
    Array(Vec<Expr>),
    /// An operator with its modifiers.
    Op(Box<OpExpr>),
}

/// An operator: one source and its modifiers.
#[derive(Debug, Clone, PartialEq)]
pub struct OpExpr {
    /// Where the value comes from.
    pub source: Source,
    /// `$map`: value map, keys are the source value as text.
    pub map: Option<Map<String, Value>>,
    /// `$default`: used when the value is `null`.
    pub default: Option<Value>,
    /// `$as`: a conversion.
    pub conv: Option<Conv>,
    /// `$times`: a factor for numbers (yuan → fen is 100).
    pub times: Option<f64>,
}

/// The source of an operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// `$path`.
    Path(Path),
    /// `$const`.
    Const(Value),
    /// `$var`: a request variable.
    Var(String),
    /// `$header`: a response header (case-insensitive).
    Header(String),
    /// `$template`: text with variables.
    Template(Template),
    /// `$each` + `$item`: every element of an array mapped by `item`.
    Each(Expr, Expr),
    /// `$entries`: an object as `[{ "key": k, "value": v }]`.
    Entries(Expr),
    /// `$first`: the first element of an array (`null` when empty).
    First(Expr),
    /// `$count`: the length of an array (0 when absent).
    Count(Expr),
    /// `$sum`: the sum of an array of numbers (0 when absent).
    Sum(Expr),
    /// `$group` + `$by`: the array's items counted by the key `by` gives
    /// each, as `[{ "key": k, "count": n }]` in the order keys first appear.
    Group(Expr, Expr),
    /// `$add`, `$sub`, `$mul`, `$div`: `[a, b]` combined.
    Arith(Arith, Box<[Expr; 2]>),
    /// `$if` + `$then` (+ `$else`): `then` when the condition holds (is
    /// not `null`, `false`, `0`, `""` or `[]`), else `else` (`null` when
    /// left out) — a default that depends on the answer.
    If(Box<[Expr; 3]>),
}

/// The arithmetic of `$add`, `$sub`, `$mul` and `$div`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arith {
    /// a + b
    Add,
    /// a − b
    Sub,
    /// a × b
    Mul,
    /// a ÷ b (`null` when b is 0)
    Div,
}

impl Arith {
    fn name(self) -> &'static str {
        match self {
            Arith::Add => "$add",
            Arith::Sub => "$sub",
            Arith::Mul => "$mul",
            Arith::Div => "$div",
        }
    }

    /// `a op b`, `None` for a division by zero or a result out of range.
    fn apply(self, a: f64, b: f64) -> Option<f64> {
        let r = match self {
            Arith::Add => a + b,
            Arith::Sub => a - b,
            Arith::Mul => a * b,
            Arith::Div if b == 0.0 => return None,
            Arith::Div => a / b,
        };
        r.is_finite().then_some(r)
    }
}

/// What an expression can read besides the value it maps.
pub struct Ctx<'a> {
    /// The whole body (`$` in paths).
    pub body: &'a Value,
    /// Request variables.
    pub vars: &'a Vars,
    /// Response headers, names in lower case.
    pub headers: &'a [(String, String)],
    /// Leave out object fields whose value is `null` (when reading answers:
    /// a field the backend lacks is then *missing*, which the contract
    /// reports by name, and optional fields stay optional).
    pub drop_nulls: bool,
}

impl Expr {
    /// Parses `v`; `at` names its place for messages, `known` checks
    /// variable names.
    pub fn parse(v: &Value, at: &str, known: &dyn Fn(&str) -> bool) -> Result<Expr, String> {
        super::parse::parse(v, at, known, 0)
    }

    /// The value of this expression for `current` (the body at the top);
    /// an error names the field it happened in (`options[2].id: …`).
    pub fn eval(&self, current: &Value, ctx: &Ctx) -> Result<Value, String> {
        self.value(current, ctx).map_err(|e| {
            if e.at.is_empty() {
                e.msg
            } else {
                format!("{}: {}", e.at, e.msg)
            }
        })
    }

    fn value(&self, current: &Value, ctx: &Ctx) -> Result<Value, EvalError> {
        match self {
            Expr::Path(p) => Ok(p.get(ctx.body, current).cloned().unwrap_or(Value::Null)),
            Expr::Const(v) => Ok(v.clone()),
            Expr::Object(fields) => {
                let mut out = Map::new();
                for (k, e) in fields {
                    let v = e.value(current, ctx).map_err(|m| prefix(k, m))?;
                    if !(ctx.drop_nulls && v.is_null()) {
                        out.insert(k.clone(), v);
                    }
                }
                Ok(Value::Object(out))
            }
            Expr::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    e.value(current, ctx)
                        .map_err(|m| prefix(&format!("[{i}]"), m))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            Expr::Op(op) => op.value(current, ctx),
        }
    }
}

/// A failed evaluation: where (a field path) and what.
#[derive(Debug)]
struct EvalError {
    at: String,
    msg: String,
}

impl From<String> for EvalError {
    fn from(msg: String) -> Self {
        EvalError {
            at: String::new(),
            msg,
        }
    }
}

/// Puts `seg` in front of the error's place.
fn prefix(seg: &str, mut e: EvalError) -> EvalError {
    e.at = if e.at.is_empty() || e.at.starts_with('[') {
        format!("{seg}{}", e.at)
    } else {
        format!("{seg}.{}", e.at)
    };
    e
}

impl OpExpr {
    fn value(&self, current: &Value, ctx: &Ctx) -> Result<Value, EvalError> {
        let mut v = match &self.source {
            Source::Path(p) => p.get(ctx.body, current).cloned().unwrap_or(Value::Null),
            Source::Const(c) => c.clone(),
            Source::Var(name) => ctx.vars.get(name).cloned().unwrap_or(Value::Null),
            Source::Header(name) => ctx
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| Value::String(v.clone()))
                .unwrap_or(Value::Null),
            Source::Template(t) => t
                .render(ctx.vars, Escape::None)
                .map(Value::String)
                .unwrap_or(Value::Null),
            Source::Each(of, item) => match array_of(of, current, ctx, "$each")? {
                None => Value::Null,
                Some(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| item.value(x, ctx).map_err(|m| prefix(&format!("[{i}]"), m)))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::Array)?,
            },
            Source::Entries(of) => match of.value(current, ctx)? {
                Value::Object(m) => Value::Array(
                    m.into_iter()
                        .map(|(k, v)| serde_json::json!({ "key": k, "value": v }))
                        .collect(),
                ),
                Value::Null => Value::Null,
                other => {
                    return Err(format!("$entries needs an object, got {}", short(&other)).into());
                }
            },
            Source::First(of) => array_of(of, current, ctx, "$first")?
                .and_then(|a| a.into_iter().next())
                .unwrap_or(Value::Null),
            Source::Count(of) => {
                Value::from(array_of(of, current, ctx, "$count")?.map_or(0, |a| a.len()))
            }
            Source::Sum(of) => {
                let mut total = 0.0;
                for x in array_of(of, current, ctx, "$sum")?.unwrap_or_default() {
                    total += x
                        .as_f64()
                        .ok_or_else(|| format!("$sum needs numbers, got {}", short(&x)))?;
                }
                number(total)
            }
            Source::Group(of, by) => {
                let mut groups: Vec<(Value, u64)> = Vec::new();
                for (i, x) in array_of(of, current, ctx, "$group")?
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    let key = by.value(x, ctx).map_err(|m| prefix(&format!("[{i}]"), m))?;
                    match groups.iter().position(|(k, _)| *k == key) {
                        Some(at) => groups[at].1 += 1,
                        None if groups.len() == MAX_GROUPS => {
                            return Err(
                                format!("$group: more than {MAX_GROUPS} distinct keys").into()
                            );
                        }
                        None => groups.push((key, 1)),
                    }
                }
                Value::Array(
                    groups
                        .into_iter()
                        .map(|(key, count)| serde_json::json!({ "key": key, "count": count }))
                        .collect(),
                )
            }
            Source::If(parts) => {
                let [cond, then, otherwise] = parts.as_ref();
                let holds = match cond.value(current, ctx)? {
                    Value::Null | Value::Bool(false) => false,
                    Value::Number(n) => n.as_f64() != Some(0.0),
                    Value::String(s) => !s.is_empty(),
                    Value::Array(a) => !a.is_empty(),
                    Value::Bool(true) | Value::Object(_) => true,
                };
                if holds { then } else { otherwise }.value(current, ctx)?
            }
            Source::Arith(op, ab) => {
                let [a, b] = ab.as_ref();
                let (a, b) = (a.value(current, ctx)?, b.value(current, ctx)?);
                if a.is_null() || b.is_null() {
                    Value::Null
                } else {
                    let num = |v: &Value| {
                        v.as_f64().ok_or_else(|| {
                            EvalError::from(format!(
                                "{} needs numbers, got {}",
                                op.name(),
                                short(v)
                            ))
                        })
                    };
                    op.apply(num(&a)?, num(&b)?)
                        .map(|r| number((r * 1e6).round() / 1e6))
                        .unwrap_or(Value::Null)
                }
            }
        };
        if let Some(map) = &self.map {
            let key = match &v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            v = map
                .get(&key)
                .or_else(|| map.get("*"))
                .cloned()
                .unwrap_or(Value::Null);
        }
        if v.is_null()
            && let Some(d) = &self.default
        {
            v = d.clone();
        }
        if let Some(conv) = self.conv {
            v = conv.apply(v)?;
        }
        if let Some(f) = self.times
            && !v.is_null()
        {
            let n = v
                .as_f64()
                .ok_or_else(|| format!("$times needs a number, got {}", short(&v)))?;
            v = number((n * f * 1e6).round() / 1e6);
        }
        Ok(v)
    }
}

/// An integer when it is one, else a float.
fn number(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Value::from(f as i64)
    } else {
        serde_json::json!(f)
    }
}

fn array_of(
    of: &Expr,
    current: &Value,
    ctx: &Ctx,
    op: &str,
) -> Result<Option<Vec<Value>>, EvalError> {
    match of.value(current, ctx)? {
        Value::Null => Ok(None),
        Value::Array(a) if a.len() > MAX_ITEMS => Err(format!(
            "{op}: array of {} items is longer than {MAX_ITEMS}",
            a.len()
        )
        .into()),
        Value::Array(a) => Ok(Some(a)),
        other => Err(format!("{op} needs an array, got {}", short(&other)).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(expr: Value, body: Value) -> Result<Value, String> {
        let vars: Vars = [("id".into(), json!(7)), ("device".into(), json!("d1"))].into();
        let headers = vec![("x-total-count".to_string(), "12".to_string())];
        let e = Expr::parse(&expr, "response", &|n| n == "id" || n == "device")?;
        e.eval(
            &body,
            &Ctx {
                body: &body,
                vars: &vars,
                headers: &headers,
                drop_nulls: false,
            },
        )
    }

    #[test]
    fn shapes_paths_and_constants() {
        let body = json!({"meta": {"heading": "Hi"}, "n": 3});
        assert_eq!(
            run(
                json!({"title": "meta.heading", "n": "n", "k": 1, "x": null}),
                body
            ),
            Ok(json!({"title": "Hi", "n": 3, "k": 1, "x": null}))
        );
        assert_eq!(run(json!("$"), json!([1])), Ok(json!([1])));
        assert_eq!(run(json!(["n", "n"]), json!({"n": 2})), Ok(json!([2, 2])));
    }

    #[test]
    fn operators_and_modifiers() {
        let body = json!({
            "state": "live",
            "choices": [{"key": "1", "text": "A"}, {"key": "2", "text": "B"}],
            "tally": {"1": 4, "2": 6},
            "raised": 12.5
        });
        let e = json!({
            "status": {"$path": "state", "$map": {"live": "open", "done": "closed"}},
            "other": {"$path": "state", "$map": {"x": 1, "*": "fallback"}},
            "unmapped": {"$path": "state", "$map": {"x": 1}, "$default": "none"},
            "options": {"$each": "choices", "$item": {"id": {"$path": "key", "$as": "int"}, "label": "text", "root": "$.state"}},
            "counts": {"$each": {"$entries": "tally"}, "$item": {"option": {"$path": "key", "$as": "int"}, "count": "value"}},
            "total": {"$sum": {"$each": {"$entries": "tally"}, "$item": "value"}},
            "n": {"$count": "choices"},
            "first": {"$first": {"$each": "choices", "$item": "text"}},
            "if_then": {"$if": "choices", "$then": {"$const": "has choices"}, "$else": {"$const": "none"}},
            "if_else": {"$if": "nothing", "$then": {"$const": "yes"}, "$else": "state"},
            "if_no_else": {"$if": {"$count": "nothing"}, "$then": 1, "$default": "fallback"},
            "nofirst": {"$first": {"$each": "nothing", "$item": "text"}},
            "none": {"$count": "missing"},
            "fen": {"$path": "raised", "$times": 100},
            "id": {"$var": "id", "$as": "string"},
            "key": {"$template": "{device}-s{id}"},
            "count": {"$header": "X-Total-Count", "$as": "int"},
            "c": {"$const": "meta.heading"}
        });
        assert_eq!(
            run(e, body),
            Ok(json!({
                "status": "open", "other": "fallback", "unmapped": "none",
                "options": [{"id": 1, "label": "A", "root": "live"}, {"id": 2, "label": "B", "root": "live"}],
                "counts": [{"option": 1, "count": 4}, {"option": 2, "count": 6}],
                "total": 10, "n": 2, "first": "A", "nofirst": null,
                "if_then": "has choices", "if_else": "live", "if_no_else": "fallback", "none": 0, "fen": 1250, "id": "7", "key": "d1-s7", "count": 12,
                "c": "meta.heading"
            }))
        );
    }

    #[test]
    fn parse_errors_name_the_place() {
        for (e, why) in [
            (json!({"a": {"$if": "x"}}), "response.a: $if takes $then"),
            (
                json!({"a": {"$path": "x", "$else": 1}}),
                "response.a: $if takes $then",
            ),
            (
                json!({"a": {"$path": "x", "$var": "id"}}),
                "response.a: needs exactly one",
            ),
            (
                json!({"a": {"$pth": "x"}}),
                "response.a: unknown operator $pth",
            ),
            (
                json!({"a": {"$path": "x", "b": 1}}),
                "\"b\" next to $ operators",
            ),
            (json!({"a": {"$each": "x"}}), "$each and $item go together"),
            (
                json!({"a": {"$var": "nope"}}),
                "response.a.$var: unknown variable",
            ),
            (
                json!({"a": {"$path": "x", "$as": "date"}}),
                "response.a.$as: unknown $as",
            ),
            (
                json!({"a": {"$path": "x", "$map": [1]}}),
                "$map must be an object",
            ),
            (
                json!({"a": {"$path": "x", "$times": "2"}}),
                "$times must be a number",
            ),
            (json!({"a": {"b": "c..d"}}), "response.a.b: empty key"),
            (
                json!({"a": {"$template": "{nope}"}}),
                "unknown variable {nope}",
            ),
        ] {
            let err = run(e.clone(), json!({})).unwrap_err();
            assert!(err.contains(why), "{e}: {err}");
        }
    }

    #[test]
    fn hostile_input_is_an_error_not_a_panic() {
        // Deep nesting of the expression.
        let mut deep = json!("x");
        for _ in 0..200 {
            deep = json!({ "a": deep });
        }
        assert!(run(deep, json!({})).unwrap_err().contains("deeper than"));
        // A huge array.
        let big = Value::Array(vec![json!(1); MAX_ITEMS + 1]);
        let err = run(json!({"$count": "$"}), big).unwrap_err();
        assert!(err.contains("longer than"), "{err}");
        // Wrong types.
        let err = run(json!({"o": {"$each": "x", "$item": "@"}}), json!({"x": 5})).unwrap_err();
        assert_eq!(err, "o: $each needs an array, got 5");
        let err = run(
            json!({"list": {"$each": "x", "$item": {"id": {"$path": "@", "$as": "int"}}}}),
            json!({"x": ["1", "b"]}),
        )
        .unwrap_err();
        assert_eq!(err, "list[1].id: cannot read \"b\" as an integer");
        assert!(run(json!({"$entries": "$"}), json!([1])).is_err());
        assert!(run(json!({"$sum": "$"}), json!(["a"])).is_err());
        assert!(run(json!({"$path": "$", "$times": 2}), json!("a")).is_err());
    }

    #[test]
    fn group_counts_items_by_key_in_first_seen_order() {
        let body = json!({"signatures": [
            {"unit": {"id": 7}}, {"unit": {"id": 3}}, {"unit": {"id": 7}}, {"unit": null}, {"unit": {"id": 7}}
        ]});
        let by_unit = json!({"$group": "signatures", "$by": "unit.id"});
        assert_eq!(
            run(by_unit, body),
            Ok(json!([{"key": 7, "count": 3}, {"key": 3, "count": 1}, {"key": null, "count": 1}]))
        );
        assert_eq!(
            run(json!({"$group": "none", "$by": "x"}), json!({})),
            Ok(json!([]))
        );
        let rows = json!({"$each": {"$group": "votes", "$by": "choice"}, "$item": {"option": "key", "count": "count"}});
        assert_eq!(
            run(
                rows,
                json!({"votes": [{"choice": "yes"}, {"choice": "no"}, {"choice": "yes"}]})
            ),
            Ok(json!([{"option": "yes", "count": 2}, {"option": "no", "count": 1}]))
        );
    }

    #[test]
    fn group_is_bounded_and_paired_with_by() {
        let many: Vec<Value> = (0..=MAX_GROUPS).map(|i| json!({"k": i})).collect();
        let err = run(json!({"$group": "$", "$by": "k"}), Value::Array(many)).unwrap_err();
        assert!(err.contains("distinct keys"), "{err}");
        for bad in [json!({"$group": "x"}), json!({"$path": "x", "$by": "k"})] {
            let err = run(bad, json!({})).unwrap_err();
            assert!(err.contains("$group and $by go together"), "{err}");
        }
        let err = run(json!({"$group": "x", "$by": "k"}), json!({"x": 5})).unwrap_err();
        assert!(err.contains("$group needs an array"), "{err}");
    }

    #[test]
    fn arithmetic_on_two_numbers() {
        let body = json!({"yes": 421, "no": 79, "total": 500, "zero": 0, "raised": 12.5});
        assert_eq!(
            run(json!({"$add": ["yes", "no"]}), body.clone()),
            Ok(json!(500))
        );
        assert_eq!(
            run(json!({"$sub": ["total", "yes"]}), body.clone()),
            Ok(json!(79))
        );
        assert_eq!(
            run(json!({"$mul": ["raised", 100]}), body.clone()),
            Ok(json!(1250))
        );
        // A percentage from counts: 421 / 500 × 100.
        assert_eq!(
            run(
                json!({"$div": ["yes", "total"], "$times": 100}),
                body.clone()
            ),
            Ok(json!(84.2))
        );
        // Nothing to divide by: null, so $default can say what it means.
        assert_eq!(
            run(json!({"$div": ["yes", "zero"]}), body.clone()),
            Ok(Value::Null)
        );
        assert_eq!(
            run(
                json!({"$div": ["yes", "zero"], "$default": 0}),
                body.clone()
            ),
            Ok(json!(0))
        );
        assert_eq!(
            run(json!({"$add": ["yes", "missing"]}), body),
            Ok(Value::Null)
        );
        assert_eq!(
            run(
                json!({"$add": [{"$count": "$.list"}, 1]}),
                json!({"list": [1, 2]})
            ),
            Ok(json!(3))
        );
    }

    #[test]
    fn arithmetic_refuses_what_is_not_two_numbers() {
        for (bad, says) in [
            (
                json!({"$add": ["a"]}),
                "$add must be an array of two expressions",
            ),
            (
                json!({"$div": "a"}),
                "$div must be an array of two expressions",
            ),
            (
                json!({"$sub": ["a", "b", "c"]}),
                "$sub must be an array of two expressions",
            ),
        ] {
            let err = run(bad, json!({})).unwrap_err();
            assert!(err.contains(says), "{err}");
        }
        let err = run(json!({"$mul": ["t", 2]}), json!({"t": "<script>"})).unwrap_err();
        assert!(err.contains("$mul needs numbers"), "{err}");
        assert!(err.len() < 200, "the backend's text is shortened: {err}");
        // Overflow is not a number.
        assert_eq!(
            run(json!({"$mul": [1e300, 1e300]}), json!({})),
            Ok(Value::Null)
        );
    }
}
