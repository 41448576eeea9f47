//! Staff accounts end to end: the real `tongxin-server user …` binary on
//! the test server's SQLite file, personal API tokens over real HTTP
//! (working, revoked, of a disabled account, of a role without the power),
//! and what is kept of passwords and tokens.

use std::process::Output;

use crate::common::*;
use reqwest::Method;
use serde_json::json;

fn user(t: &TestServer, args: &[&str], password: Option<&str>) -> Output {
    t.user_cli(args, password)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

const PASSWORD: &str = STAFF_PASSWORD;

#[tokio::test]
async fn the_command_line_creates_lists_and_disables_accounts() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let add = user(
        &t,
        &[
            "add",
            "wang.li",
            "--role",
            "administrator",
            "--name",
            "王丽",
        ],
        Some(PASSWORD),
    );
    assert!(add.status.success(), "{}", stderr(&add));
    assert!(stdout(&add).contains("wang.li"));
    let community = format!("staff:{}", s[2]);
    let head = format!("building_head:{}", s[4]);
    let add = user(
        &t,
        &["add", "zhao", "--role", &community, "--role", &head],
        Some(PASSWORD),
    );
    assert!(add.status.success(), "{}", stderr(&add));

    let list = stdout(&user(&t, &["list"], None));
    assert!(list.contains("wang.li\t王丽\tadministrator"), "{list}");
    assert!(list.contains("zhao\tzhao\t"), "{list}");
    assert!(list.contains(&community) && list.contains(&head), "{list}");

    // The password is kept as an argon2id hash, never as typed.
    let hash = t
        .one(
            "SELECT password_hash FROM staff_users WHERE login = 'wang.li'",
            &[],
        )
        .text();
    assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
    assert!(!hash.contains(PASSWORD));

    // A new password replaces the hash; disabling shows in the list.
    assert!(
        user(&t, &["passwd", "wang.li"], Some("另一个足够长的新密码吧"))
            .status
            .success()
    );
    let again = t
        .one(
            "SELECT password_hash FROM staff_users WHERE login = 'wang.li'",
            &[],
        )
        .text();
    assert_ne!(hash, again);
    assert!(user(&t, &["disable", "zhao"], None).status.success());
    assert!(stdout(&user(&t, &["list"], None)).contains("disabled"));
    assert!(user(&t, &["enable", "zhao"], None).status.success());
    assert!(!stdout(&user(&t, &["list"], None)).contains("disabled"));
}

#[tokio::test]
async fn bad_accounts_are_refused_with_a_reason_and_write_nothing() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let before = t.snapshot();
    let staff = format!("staff:{}", s[2]);
    for (args, password, says) in [
        (
            vec!["add", "Wang Li", "--role", "administrator"],
            Some(PASSWORD),
            "sign-in name",
        ),
        (
            vec!["add", "<script>", "--role", "administrator"],
            Some(PASSWORD),
            "sign-in name",
        ),
        (
            vec!["add", "wang", "--role", "administrator"],
            Some("short"),
            "10 to 128",
        ),
        (
            vec!["add", "wang", "--role", "administrator"],
            Some(&"长".repeat(129)),
            "10 to 128",
        ),
        (
            vec!["add", "wang", "--role", "mayor"],
            Some(PASSWORD),
            "unknown role",
        ),
        (
            vec!["add", "wang", "--role", "staff"],
            Some(PASSWORD),
            "need the scope",
        ),
        (
            vec!["add", "wang", "--role", "staff:999999"],
            Some(PASSWORD),
            "no such scope",
        ),
        (
            vec!["add", "wang", "--role", "administrator:1"],
            Some(PASSWORD),
            "whole tree",
        ),
        (vec!["add", "wang"], Some(PASSWORD), "--role"),
        (
            vec!["add", "wang", "--role", &staff, "--name", "\u{202e}evil"],
            Some(PASSWORD),
            "display_name",
        ),
        (vec!["passwd", "nobody"], Some(PASSWORD), "no such account"),
        (vec!["disable", "nobody"], None, "no such account"),
        (vec!["token", "nobody"], None, "no such account"),
        (vec!["revoke", "12345"], None, "no such token"),
    ] {
        let o = user(&t, &args, password);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(says),
            "{args:?} should say {says:?}: {}",
            stderr(&o)
        );
    }
    assert_eq!(t.snapshot(), before, "refused commands wrote nothing");

    // A taken login is refused, and the first account stays as it was.
    assert!(
        user(
            &t,
            &["add", "wang", "--role", "administrator"],
            Some(PASSWORD)
        )
        .status
        .success()
    );
    let o = user(&t, &["add", "wang", "--role", &staff], Some(PASSWORD));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already an account"), "{}", stderr(&o));
    assert!(stdout(&user(&t, &["list"], None)).contains("wang\twang\tadministrator"));
}

#[tokio::test]
async fn personal_tokens_open_the_admin_api_until_revoked_or_disabled() {
    let t = TestServer::start().await;
    assert!(
        user(
            &t,
            &["add", "admin.li", "--role", "administrator"],
            Some(PASSWORD)
        )
        .status
        .success()
    );
    let o = user(
        &t,
        &["token", "admin.li", "--label", "nightly export"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let token = stdout(&o);
    assert!(token.starts_with("txs_") && token.len() > 40, "{token}");

    // Only the token's SHA-256 is kept.
    let kept = t.one("SELECT token_hash FROM staff_tokens", &[]).bytes();
    assert_eq!(kept.len(), 32);
    assert!(!String::from_utf8_lossy(&kept).contains(&token[4..]));

    let scope = |name: &str| json!({"level": "district", "name": name});
    let (st, body) = send(
        t.req(Method::POST, "/api/v1/admin/scopes")
            .bearer_auth(&token)
            .json(&scope("五华区")),
    )
    .await;
    assert_eq!(st, 201, "{body}");

    // Disabled: the token stops working; enabled again, it works again.
    assert!(user(&t, &["disable", "admin.li"], None).status.success());
    let before = t.snapshot();
    expect_problem(
        t.req(Method::POST, "/api/v1/admin/scopes")
            .bearer_auth(&token)
            .json(&scope("盘龙区")),
        401,
        "admin-token-required",
    )
    .await;
    assert!(user(&t, &["enable", "admin.li"], None).status.success());
    let (st, _) = send(
        t.req(Method::POST, "/api/v1/admin/scopes")
            .bearer_auth(&token)
            .json(&scope("盘龙区")),
    )
    .await;
    assert_eq!(st, 201);

    // Revoked: 401, and nothing written.
    let id = stdout(&user(&t, &["tokens", "admin.li"], None));
    assert!(id.ends_with("nightly export\tlive"), "{id}");
    let id = id.split('\t').next().unwrap().to_string();
    assert!(user(&t, &["revoke", &id], None).status.success());
    assert!(stdout(&user(&t, &["tokens", "admin.li"], None)).ends_with("revoked"));
    let before_revoked = t.snapshot();
    expect_problem(
        t.req(Method::POST, "/api/v1/admin/scopes")
            .bearer_auth(&token)
            .json(&scope("官渡区")),
        401,
        "admin-token-required",
    )
    .await;
    assert_eq!(t.snapshot(), before_revoked);
    assert_ne!(before, before_revoked, "the enabled token wrote 盘龙区");

    // Look-alikes of a token open nothing.
    for fake in [
        format!("{token}x"),
        token.replace("txs_", "txt_"),
        "txs_".into(),
        "x".repeat(5000),
    ] {
        expect_problem(
            t.req(Method::POST, "/api/v1/admin/scopes")
                .bearer_auth(&fake)
                .json(&scope("假区")),
            401,
            "admin-token-required",
        )
        .await;
    }
    assert_eq!(t.snapshot(), before_revoked);
}

#[tokio::test]
async fn a_token_does_what_its_owners_role_allows_and_no_more() {
    let t = TestServer::start().await;
    let s = t.scopes().await;
    let staff = format!("staff:{}", s[2]);
    assert!(
        user(&t, &["add", "zhao", "--role", &staff], Some(PASSWORD))
            .status
            .success()
    );
    let token = stdout(&user(&t, &["token", "zhao"], None));

    // Staff create items inside their community, not in the street above
    // (403, nothing written; the whole matrix is in tests/http/staff_access.rs).
    let poll = |scope: i64| {
        t.req(Method::POST, "/api/v1/admin/polls").bearer_auth(&token).json(&json!({
            "scope_id": scope, "title": "周末活动", "kind": {"type": "single"}, "options": ["a", "b"]
        }))
    };
    let before = t.snapshot();
    expect_problem(poll(s[1]), 403, "outside-your-scope").await;
    assert_eq!(t.snapshot(), before);
    assert_eq!(send(poll(s[2])).await.0, 201);

    // Hidden results: the community's staff see them, like administrators;
    // a resident does not, nor staff of elsewhere.
    let inside = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["a", "b"],
            json!({"visibility": "after_close"}),
        )
        .await;
    let path = format!("/api/v1/polls/{inside}/results");
    let (_, r) = send(t.req(Method::GET, &path).bearer_auth(&token)).await;
    assert_eq!(r["visible"], true, "{r}");
    let (_, r) = send(t.req(Method::GET, &path)).await;
    assert_eq!(r["visible"], false, "{r}");
    let elsewhere = t.neighbour_community(s[1]).await;
    let outside = t
        .poll(
            elsewhere,
            json!({"type": "single"}),
            &["a", "b"],
            json!({"visibility": "after_close"}),
        )
        .await;
    let (_, r) = send(
        t.req(Method::GET, &format!("/api/v1/polls/{outside}/results"))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(r["visible"], false, "staff of another community: {r}");
}

#[tokio::test]
async fn the_demo_has_one_account_per_role_with_its_documented_password() {
    let t = TestServer::start_with(|c| c.demo = true).await;
    let list = stdout(&user(&t, &["list"], None));
    for (login, _, password, role) in tongxin_server::seed::DEMO_ACCOUNTS {
        assert!(
            list.contains(&format!("{login}\t")) && list.contains(role.as_str()),
            "{list}"
        );
        let hash = t
            .one(
                "SELECT password_hash FROM staff_users WHERE login = ?1",
                &[(*login).into()],
            )
            .text();
        assert!(
            tongxin_server::service::staff::verify_password(&hash, password),
            "{login}"
        );
    }
    // Staff and the building head are bound to 碧鸡社区 and its 1栋.
    let scopes: Vec<String> = t
        .rows(
            "SELECT s.name FROM staff_grants g JOIN scopes s ON s.id = g.scope_id ORDER BY s.name",
            &[],
        )
        .iter()
        .map(|r| r[0].text())
        .collect();
    assert_eq!(scopes, ["1栋", "碧鸡社区"]);
}
