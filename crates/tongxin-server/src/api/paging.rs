//! Pages of lists that grow with residents' activity (a proposal's
//! pledges, its evaluations) whose answer stays an array, as clients
//! already read it: at most `limit` items (default and most
//! [`MAX_PAGE`]), and an RFC 8288 `Link: <…?cursor=N>; rel="next"` header
//! when there are more — the header the mapping engine's `link` pagination
//! follows. The cursor is the offset of the next item.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::storage::cursor;

/// Items in one page, by default and at the most.
pub const MAX_PAGE: u32 = 100;

/// Which page.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// The `cursor` of the previous page's `Link: rel="next"`.
    pub cursor: Option<String>,
    /// Items in the page, 1–100 (default 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

impl PageQuery {
    /// The page of `items` this query asks for, and the next page's link
    /// (relative to `path`) when there is one.
    pub fn page<T>(&self, items: Vec<T>, path: &str) -> Result<(Vec<T>, Option<String>), ApiError> {
        let limit = match self.limit {
            None => MAX_PAGE,
            Some(n) if (1..=MAX_PAGE).contains(&n) => n,
            Some(_) => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid-query",
                    format!("limit must be between 1 and {MAX_PAGE}"),
                ));
            }
        } as usize;
        let from = match self.cursor.as_deref() {
            None => 0,
            Some(c) => {
                let n = cursor::decode(c, 1)?[0];
                usize::try_from(n)
                    .ok()
                    .filter(|n| *n <= items.len())
                    .ok_or_else(cursor::foreign)?
            }
        };
        let total = items.len();
        let page: Vec<T> = items.into_iter().skip(from).take(limit).collect();
        let next = (from + limit < total).then(|| {
            format!(
                "<{path}?cursor={}&limit={limit}>; rel=\"next\"",
                from + limit
            )
        });
        Ok((page, next))
    }
}

/// `body` as JSON with the `Link` header of the next page, if any.
pub fn with_next(body: impl IntoResponse, next: Option<String>) -> Response {
    let mut res = body.into_response();
    if let Some(link) = next.and_then(|l| HeaderValue::from_str(&l).ok()) {
        res.headers_mut().insert(header::LINK, link);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(cursor: Option<&str>, limit: Option<u32>) -> PageQuery {
        PageQuery {
            cursor: cursor.map(String::from),
            limit,
        }
    }

    #[test]
    fn pages_follow_each_other_to_the_end() {
        let items: Vec<u32> = (0..250).collect();
        let (first, next) = q(None, None).page(items.clone(), "/p").unwrap();
        assert_eq!(
            (first.len(), next.as_deref()),
            (100, Some("</p?cursor=100&limit=100>; rel=\"next\""))
        );
        let (last, next) = q(Some("200"), None).page(items.clone(), "/p").unwrap();
        assert_eq!((last.len(), last[0], next), (50, 200, None));
        let (small, _) = q(Some("10"), Some(5)).page(items, "/p").unwrap();
        assert_eq!(small, [10, 11, 12, 13, 14]);
    }

    #[test]
    fn bad_pages_are_refused() {
        let items: Vec<u32> = (0..5).collect();
        for bad in [
            q(Some("x"), None),
            q(Some("6"), None),
            q(Some("-1"), None),
            q(None, Some(0)),
            q(None, Some(101)),
        ] {
            assert!(bad.page(items.clone(), "/p").is_err(), "{bad:?}");
        }
        assert!(q(Some("5"), None).page(items, "/p").unwrap().0.is_empty());
    }
}
