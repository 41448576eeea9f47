//! Ballot secrecy, tried as the operator would: 200 anonymous ballots with
//! known devices, keys and choices; the server is stopped and the attacker
//! gets the database files (main file, WAL, shared memory), the pepper, every
//! device token and idempotency key — everything except the pairing. Three
//! attacks from the hardening report plus a byte-level history search must
//! link no ballot to its voter; the best per-voter guess is then bounded by
//! chance: the share of the most popular option (see `docs/security.md`).
//!
//! On PostgreSQL the copy is every table's rows as `pg_dump` would give them
//! (the ballots go through the group-commit writers); a physical copy (the
//! WAL, base backups, old row versions) is out of this test's reach there,
//! and `docs/deploy.md` says what it holds. Row order is only checked on
//! SQLite: PostgreSQL keeps rows in the order they were written.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::*;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::json;
use sha2::{Digest, Sha256};

const VOTERS: usize = 200;
const OPTIONS: u32 = 4;

fn sha_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A deterministic spread of choices, uneven like real polls.
fn choice(n: usize) -> u32 {
    let x = (n as u64).wrapping_mul(2_654_435_761) % 100;
    match x {
        0..=39 => 1,
        40..=69 => 2,
        70..=89 => 3,
        _ => 4,
    }
}

/// Every tally of the poll found anywhere in the files' bytes.
fn tally_snapshots(bytes: &[u8]) -> BTreeSet<String> {
    let needle = br#"{"ballots":"#;
    let mut found = BTreeSet::new();
    let mut i = 0;
    while let Some(pos) = bytes[i..].windows(needle.len()).position(|w| w == needle) {
        let start = i + pos;
        let rest = &bytes[start..bytes.len().min(start + 4000)];
        // A stored tally (or the figures it last published, nested in it):
        // its ballots and counts are one version of the tally.
        if let Some(Ok(v)) = serde_json::Deserializer::from_slice(rest)
            .into_iter::<serde_json::Value>()
            .next()
            && v["counts"]["choices"]["votes"].is_object()
        {
            found.insert(format!("{}/{}", v["ballots"], v["counts"]));
        }
        i = start + 1;
    }
    found
}

/// Every row of every PostgreSQL table, in the order the database keeps
/// them, each value as its bytes: what `pg_dump` would hand the attacker.
fn dump(db: &std::path::Path) -> Vec<u8> {
    use crate::common::store::{Cell, rows};
    let tables = rows(
        db,
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
        &[],
    );
    let mut out = Vec::new();
    for t in tables {
        for row in rows(db, &format!("SELECT * FROM {}", t[0].text()), &[]) {
            for cell in row {
                match cell {
                    Cell::Text(s) => out.extend_from_slice(s.as_bytes()),
                    Cell::Bytes(b) => out.extend_from_slice(&b),
                    other => out.extend_from_slice(format!("{other:?}").as_bytes()),
                }
                out.push(b'\t');
            }
            out.push(b'\n');
        }
    }
    out
}

/// The database's files as they are on disk now.
fn attacker_files(db: &std::path::Path) -> Vec<(&'static str, Vec<u8>)> {
    if crate::common::store::is_postgres(db) {
        return vec![("dump", dump(db))];
    }
    let mut files = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        if let Ok(b) = std::fs::read(&p) {
            files.push((suffix, b));
        }
    }
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_with_the_database_cannot_pair_voters_with_choices() {
    let mut t = TestServer::start().await;
    let s = t.scopes().await;
    let id = t
        .poll(
            s[2],
            json!({"type": "single"}),
            &["东门", "西门", "南门", "北门"],
            json!({"anonymous": true}),
        )
        .await;
    let path = format!("/api/v1/polls/{id}/ballots");
    let mut truth = BTreeMap::new();
    let cast = |n: usize| {
        t.req(Method::POST, &path)
            .header("x-tongxin-device", device(n))
            .header("idempotency-key", format!("ballot-{n}"))
            .json(&json!({"kind": "single", "option": choice(n)}))
    };
    for n in 0..VOTERS {
        let (status, receipt) = send(cast(n)).await;
        assert_eq!(status, 201, "{receipt}");
        assert!(receipt["ballot"].is_null(), "no ballot in the receipt");
        assert_eq!(receipt["ballots"], 0, "no sequence number in the receipt");
        if n % 7 == 0 {
            // The offline outbox retries; the replay must not carry more.
            let (again, replay) = send(cast(n)).await;
            assert_eq!(again, 201);
            assert_eq!(replay, receipt);
        }
        truth.insert(device_key(&device(n)), choice(n));
    }
    let results = t.get(&format!("/api/v1/polls/{id}/results")).await;
    assert_eq!(results["ballots"], VOTERS);
    // A copy taken while the server runs (a backup mid-poll) ...
    let live = attacker_files(&t.db);
    t.running.take().unwrap().stop().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // ... and the files after it stopped.
    let files = attacker_files(&t.db);
    let all: Vec<u8> = files.iter().flat_map(|(_, b)| b.clone()).collect();
    let mut linked: BTreeMap<String, u32> = BTreeMap::new();

    // Attack 1: idempotency records. Which voter each record belongs to is
    // computable (keys are known); its fingerprint or stored answer must not
    // say what they chose, old scheme or new.
    let rows: Vec<(String, String, String)> =
        crate::common::store::rows(&t.db, "SELECT key, fingerprint, body FROM idempotency", &[])
            .into_iter()
            .map(|r| (r[0].text(), r[1].text(), r[2].text()))
            .collect();
    assert!(!rows.is_empty(), "the retries need idempotency records");
    let by_key: BTreeMap<&str, (&str, &str)> = rows
        .iter()
        .map(|(k, fp, b)| (k.as_str(), (fp.as_str(), b.as_str())))
        .collect();
    for n in 0..VOTERS {
        let voter = device_key(&device(n));
        let client_key = format!("ballot-{n}");
        let scoped = sha_hex(&[
            &(voter.len() as u64).to_be_bytes(),
            voter.as_bytes(),
            &4u64.to_be_bytes(),
            b"POST",
            &(path.len() as u64).to_be_bytes(),
            path.as_bytes(),
            &(client_key.len() as u64).to_be_bytes(),
            client_key.as_bytes(),
        ]);
        for c in 1..=OPTIONS {
            let body = serde_json::to_vec(&json!({"kind": "single", "option": c})).unwrap();
            let old = sha_hex(&[
                b"POST ",
                path.as_bytes(),
                b"\0",
                voter.as_bytes(),
                b"\0",
                &body,
            ]);
            let new = sha_hex(&[&(body.len() as u64).to_be_bytes(), &body]);
            // The old scheme put the voter in the fingerprint: any row will do.
            if rows.iter().any(|(_, fp, _)| *fp == old) {
                linked.insert(voter.clone(), c);
            }
            // The new scheme: the voter's own record, found by its key.
            if let Some((fp, stored)) = by_key.get(scoped.as_str())
                && (*fp == new || stored.contains(&format!("\"option\":{c}")))
            {
                linked.insert(voter.clone(), c);
            }
        }
    }
    assert!(
        by_key.len() >= VOTERS,
        "every voter's record is found by its key (the attacker knows who voted)"
    );
    assert!(
        rows.iter()
            .all(|(_, _, b)| b.contains("\"ballot\":null") && b.contains("\"ballots\":0")),
        "stored answers hold neither ballot nor count"
    );

    // Attack 2: history. Every version of the tally left in the files (WAL
    // frames, freed pages, old cells) is a step the attacker could pair with
    // a participation row; each extra version is credited as one link.
    let mut history_links = 0;
    for copy in [&live, &files] {
        let bytes: Vec<u8> = copy.iter().flat_map(|(_, b)| b.clone()).collect();
        let snapshots = tally_snapshots(&bytes);
        assert!(!snapshots.is_empty(), "the search finds the tally itself");
        history_links += snapshots.len() - 1;
        let wal = copy
            .iter()
            .find(|(s, _)| *s == "-wal")
            .map(|(_, b)| b.len());
        assert_eq!(
            wal.unwrap_or(0),
            0,
            "the WAL keeps no frames after anonymous commits"
        );
    }

    // Attack 3: the public default pepper. Hashes without the secret pepper
    // must not appear: a phone's token alone must not find its row.
    for n in 0..VOTERS {
        let mut mac = Hmac::<Sha256>::new_from_slice(b"tongxin-default-pepper").unwrap();
        mac.update(b"device\0");
        mac.update(device(n).as_bytes());
        let b = mac.finalize().into_bytes();
        let hex: String = b[..16].iter().map(|b| format!("{b:02x}")).collect();
        assert!(
            !all.windows(hex.len()).any(|w| w == hex.as_bytes()),
            "a hash under the public pepper is stored"
        );
        assert!(
            !all.windows(device(n).len())
                .any(|w| w == device(n).as_bytes()),
            "a raw device token is stored"
        );
    }

    // Attack 4: order. Participation rows are kept in key order (a keyed
    // hash), not in casting order; nothing else holds a time and a choice.
    let order: Vec<String> = crate::common::store::rows(
        &t.db,
        "SELECT voter FROM participations WHERE poll_id = ?1",
        &[id.into()],
    )
    .into_iter()
    .map(|r| r[0].text())
    .collect();
    assert_eq!(order.len(), VOTERS);
    if !crate::common::store::is_postgres(&t.db) {
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted, "participations are stored in hash order");
    }

    // The bound. Certain links: none. The best guess for a voter is the most
    // popular option of the final tally, right for the share of its voters.
    assert!(
        linked.is_empty(),
        "linked {} of {VOTERS} ballots",
        linked.len()
    );
    assert_eq!(history_links, 0, "tally history found in the files");
    let mut counts = BTreeMap::new();
    for c in truth.values() {
        *counts.entry(*c).or_insert(0usize) += 1;
    }
    let (best, best_count) = counts.iter().max_by_key(|(_, n)| **n).unwrap();
    let guessed_right = truth.values().filter(|c| *c == best).count();
    assert_eq!(guessed_right, *best_count);
    assert!(
        guessed_right <= VOTERS / 2,
        "chance here is {guessed_right}/{VOTERS}"
    );
}
