//! Reading a shape expression from the mapping's JSON, checking every
//! operator, path, template and variable name on the way, so that a mistake
//! is reported at load with its place (`response.options.$item.id.$as: …`).

use serde_json::{Map, Value};

use super::convert::Conv;
use super::expr::{Arith, Expr, MAX_DEPTH, OpExpr, Source};
use super::path::Path;
use super::template::Template;

const SOURCES: &[&str] = &[
    "$path",
    "$const",
    "$var",
    "$header",
    "$template",
    "$each",
    "$entries",
    "$first",
    "$count",
    "$sum",
    "$group",
    "$add",
    "$sub",
    "$mul",
    "$div",
    "$if",
];
const MODIFIERS: &[&str] = &[
    "$map", "$default", "$as", "$times", "$item", "$by", "$then", "$else",
];

pub(super) fn parse(
    v: &Value,
    at: &str,
    known: &dyn Fn(&str) -> bool,
    depth: usize,
) -> Result<Expr, String> {
    if depth > MAX_DEPTH {
        return Err(format!("{at}: nested deeper than {MAX_DEPTH} levels"));
    }
    let sub = |v: &Value, at: String| parse(v, &at, known, depth + 1);
    match v {
        Value::String(s) => Path::parse(s)
            .map(Expr::Path)
            .map_err(|m| format!("{at}: {m}")),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, x)| sub(x, format!("{at}[{i}]")))
            .collect::<Result<Vec<_>, _>>()
            .map(Expr::Array),
        Value::Object(m) if m.keys().any(|k| k.starts_with('$')) => {
            parse_op(m, at, known, depth).map(|o| Expr::Op(Box::new(o)))
        }
        Value::Object(m) => m
            .iter()
            .map(|(k, x)| Ok((k.clone(), sub(x, format!("{at}.{k}"))?)))
            .collect::<Result<Vec<_>, String>>()
            .map(Expr::Object),
        other => Ok(Expr::Const(other.clone())),
    }
}

fn parse_op(
    m: &Map<String, Value>,
    at: &str,
    known: &dyn Fn(&str) -> bool,
    depth: usize,
) -> Result<OpExpr, String> {
    if let Some(k) = m.keys().find(|k| !k.starts_with('$')) {
        return Err(format!(
            "{at}: \"{k}\" next to $ operators (put fields in a plain object)"
        ));
    }
    if let Some(k) = m
        .keys()
        .find(|k| !SOURCES.contains(&k.as_str()) && !MODIFIERS.contains(&k.as_str()))
    {
        return Err(format!(
            "{at}: unknown operator {k} (sources: {}; modifiers: $map, $default, $as, $times)",
            SOURCES.join(", ")
        ));
    }
    let sources: Vec<&String> = m.keys().filter(|k| SOURCES.contains(&k.as_str())).collect();
    let [name] = sources[..] else {
        return Err(format!(
            "{at}: needs exactly one of {} (found {})",
            SOURCES.join(", "),
            sources.len()
        ));
    };
    let arg = &m[name];
    let sub = |v: &Value, what: &str| parse(v, &format!("{at}.{what}"), known, depth + 1);
    let text = |what: &str| {
        arg.as_str()
            .ok_or_else(|| format!("{at}.{what} must be a string"))
    };
    if m.contains_key("$item") != (name == "$each") {
        return Err(format!("{at}: $each and $item go together"));
    }
    if m.contains_key("$by") != (name == "$group") {
        return Err(format!("{at}: $group and $by go together"));
    }
    if m.contains_key("$then") != (name == "$if") || (m.contains_key("$else") && name != "$if") {
        return Err(format!(
            "{at}: $if takes $then (and $else); they go together"
        ));
    }
    let pair = |what: &str| match arg {
        Value::Array(two) if two.len() == 2 => Ok(Box::new([
            sub(&two[0], &format!("{what}[0]"))?,
            sub(&two[1], &format!("{what}[1]"))?,
        ])),
        _ => Err(format!("{at}.{what} must be an array of two expressions")),
    };
    let source = match name.as_str() {
        "$path" => {
            Source::Path(Path::parse(text("$path")?).map_err(|e| format!("{at}.$path: {e}"))?)
        }
        "$const" => Source::Const(arg.clone()),
        "$var" => {
            let v = text("$var")?;
            if !known(v) {
                return Err(format!("{at}.$var: unknown variable \"{v}\""));
            }
            Source::Var(v.to_string())
        }
        "$header" => Source::Header(text("$header")?.to_ascii_lowercase()),
        "$template" => Source::Template(
            Template::parse(text("$template")?, known)
                .map_err(|e| format!("{at}.$template: {e}"))?,
        ),
        "$each" => Source::Each(sub(arg, "$each")?, sub(&m["$item"], "$item")?),
        "$entries" => Source::Entries(sub(arg, "$entries")?),
        "$first" => Source::First(sub(arg, "$first")?),
        "$count" => Source::Count(sub(arg, "$count")?),
        "$sum" => Source::Sum(sub(arg, "$sum")?),
        "$group" => Source::Group(sub(arg, "$group")?, sub(&m["$by"], "$by")?),
        "$add" => Source::Arith(Arith::Add, pair("$add")?),
        "$sub" => Source::Arith(Arith::Sub, pair("$sub")?),
        "$mul" => Source::Arith(Arith::Mul, pair("$mul")?),
        "$if" => Source::If(Box::new([
            sub(arg, "$if")?,
            sub(&m["$then"], "$then")?,
            match m.get("$else") {
                Some(e) => sub(e, "$else")?,
                None => Expr::Const(Value::Null),
            },
        ])),
        _ => Source::Arith(Arith::Div, pair("$div")?),
    };
    let map = match m.get("$map") {
        None => None,
        Some(Value::Object(map)) => Some(map.clone()),
        Some(_) => return Err(format!("{at}.$map must be an object of values")),
    };
    let conv = match m.get("$as") {
        None => None,
        Some(Value::String(s)) => Some(Conv::parse(s).map_err(|e| format!("{at}.$as: {e}"))?),
        Some(_) => return Err(format!("{at}.$as must be a string")),
    };
    let times = match m.get("$times") {
        None => None,
        Some(v) => Some(
            v.as_f64()
                .filter(|f| f.is_finite())
                .ok_or_else(|| format!("{at}.$times must be a number"))?,
        ),
    };
    Ok(OpExpr {
        source,
        map,
        default: m.get("$default").cloned(),
        conv,
        times,
    })
}
