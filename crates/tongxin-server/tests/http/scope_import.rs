//! Importing the scope tree from CSV over real HTTP: a dry run reports and
//! writes nothing; the import creates what is missing and replaces counts;
//! the same file again changes nothing; staff import inside their own
//! community only; a bad file is refused whole, naming its line.

use crate::common::*;
use reqwest::Method;
use serde_json::{Value, json};

const HEAD: &str = "\u{feff}区,街道,社区,居民小组,楼栋,户数\r\n";

async fn import(
    t: &TestServer,
    req: reqwest::RequestBuilder,
    csv: &str,
    dry: bool,
) -> (u16, Value) {
    let _ = t;
    send(req.json(&json!({"csv": csv, "dry_run": dry}))).await
}

fn named<'a>(scopes: &'a Value, name: &str) -> Option<&'a Value> {
    scopes
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
}

#[tokio::test]
async fn an_import_creates_what_is_missing_and_again_changes_nothing() {
    let t = TestServer::start().await;
    t.scopes().await; // 西山区 / 碧鸡街道 / 碧鸡社区 / 第一居民小组 / 1栋, 2栋
    let csv = format!(
        "{HEAD}西山区,碧鸡街道,碧鸡社区,第一居民小组,1栋,120\r\n西山区,碧鸡街道,碧鸡社区,第一居民小组,3栋,64\r\n西山区,碧鸡街道,碧鸡社区,\"第二居民小组\",5栋,80\r\n"
    );
    let path = "/api/v1/admin/scopes/import";
    let before = t.snapshot();
    let (st, v) = import(&t, t.admin(Method::POST, path), &csv, true).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        v,
        json!({"dry_run": true, "created": 3, "updated": 1, "unchanged": 0})
    );
    assert_eq!(t.snapshot(), before, "a dry run writes nothing");

    let (st, v) = import(&t, t.admin(Method::POST, path), &csv, false).await;
    assert_eq!(
        (st, &v["created"], &v["updated"]),
        (200, &json!(3), &json!(1)),
        "{v}"
    );
    let scopes = t.get("/api/v1/scopes").await;
    assert_eq!(named(&scopes, "1栋").unwrap()["households"], 120);
    let group = named(&scopes, "第二居民小组").unwrap();
    let five = named(&scopes, "5栋").unwrap();
    assert_eq!(
        (&five["parent_id"], &five["households"]),
        (&group["id"], &json!(80))
    );
    assert_eq!(group["level"], "group");

    let (st, v) = import(&t, t.admin(Method::POST, path), &csv, false).await;
    assert_eq!(st, 200);
    assert_eq!(
        v,
        json!({"dry_run": false, "created": 0, "updated": 0, "unchanged": 3})
    );
}

#[tokio::test]
async fn staff_import_inside_their_community_only_and_building_heads_not_at_all() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let staff = t.staff_token("bijie.staff", &format!("staff:{}", s[2]));
    let head = t.staff_token("head.one", &format!("building_head:{}", s[4]));
    let path = "/api/v1/admin/scopes/import";
    let inside = format!("{HEAD}西山区,碧鸡街道,碧鸡社区,第一居民小组,7栋,40\n");
    let (st, v) = import(
        &t,
        t.req(Method::POST, path).bearer_auth(&staff),
        &inside,
        false,
    )
    .await;
    assert_eq!((st, &v["created"]), (200, &json!(1)), "{v}");
    let before = t.snapshot();
    // One row outside their community refuses the whole file.
    let mixed = format!(
        "{HEAD}西山区,碧鸡街道,碧鸡社区,第一居民小组,8栋,40\n西山区,碧鸡街道,金碧社区,,,\n"
    );
    expect_problem(
        t.req(Method::POST, path)
            .bearer_auth(&staff)
            .json(&json!({"csv": mixed})),
        403,
        "outside-your-scope",
    )
    .await;
    let district = format!("{HEAD}五华区,,,,,\n");
    expect_problem(
        t.req(Method::POST, path)
            .bearer_auth(&staff)
            .json(&json!({"csv": district})),
        403,
        "outside-your-scope",
    )
    .await;
    expect_problem(
        t.req(Method::POST, path)
            .bearer_auth(&head)
            .json(&json!({"csv": inside})),
        403,
        "role-required",
    )
    .await;
    assert_eq!(t.snapshot(), before, "nothing written when refused");
}

#[tokio::test]
async fn a_bad_file_is_refused_whole_and_names_its_line() {
    let t = TestServer::start().await;
    t.scopes().await;
    let path = "/api/v1/admin/scopes/import";
    let good = "西山区,碧鸡街道,碧鸡社区,第一居民小组,9栋,30\n";
    let before = t.snapshot();
    for (csv, says) in [
        ("name,households\n".to_string(), "first line"),
        (format!("{HEAD}{good}西山区,,碧鸡社区\n"), "line 3"),
        (
            format!("{HEAD}{good}西山区,碧鸡街道,碧鸡社区,第一居民小组,10栋,很多\n"),
            "line 3: households",
        ),
        (
            format!("{HEAD}西山区,碧鸡街道,碧鸡社区,第一居民小组,\u{202e}栋01\n"),
            "line 2: a name",
        ),
        (format!("{HEAD}{good}西山区,\"碧鸡街道\n"), "not closed"),
        (HEAD.to_string(), "no rows"),
    ] {
        let v = expect_problem(
            t.admin(Method::POST, path).json(&json!({"csv": csv})),
            422,
            "validation-failed",
        )
        .await;
        assert!(
            v["errors"]["csv"].to_string().contains(says),
            "{csv:?} → {v}"
        );
    }
    // An XSS payload is only a name: stored as typed, never markup.
    let xss =
        format!("{HEAD}西山区,碧鸡街道,碧鸡社区,第一居民小组,<img src=x onerror=alert(1)>,3\n");
    let (st, v) = import(&t, t.admin(Method::POST, path), &xss, true).await;
    assert_eq!((st, &v["created"]), (200, &json!(1)), "{v}");
    for body in [
        json!({"csv": 7}),
        json!({}),
        json!({"csv": good, "extra": true}),
    ] {
        expect_problem(t.admin(Method::POST, path).json(&body), 422, "invalid-body").await;
    }
    let huge = format!("{HEAD}{}", good.repeat(2000));
    expect_problem(
        t.admin(Method::POST, path).json(&json!({"csv": huge})),
        413,
        "body-too-large",
    )
    .await;
    assert_eq!(t.snapshot(), before, "nothing written");
}
