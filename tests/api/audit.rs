//! The audit log: what is recorded, who may read it, that it cannot be changed through SQL, and
//! that changes behind the application's back are found by `audit verify`.

use jiebang::audit::{self, Verdict};
use serde_json::{Value, json};

use crate::cli::jiebang;
use crate::helpers::{TestApp, assert_problem, assert_status, database_url, ids};

/// Some history: a registration, a failed and a good login, an admin change.
async fn history(app: &TestApp) -> (crate::helpers::Tokens, Value) {
    let admin = app.admin().await;
    let user = app.register("audited@example.com", "issuer").await;
    app.assert_login_refused(
        "audited@example.com",
        "wrong-password",
        "invalid_credentials",
    )
    .await;
    app.assert_login_refused(
        "nobody@example.com",
        "wrong-password",
        "invalid_credentials",
    )
    .await;
    app.login_ok("audited@example.com").await;
    let path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());
    let change = json!({"disabled": true, "password": "another-password"});
    assert_status(app.patch(&path, &change, Some(&admin.access)).await, 200).await;
    (admin, user)
}

#[tokio::test]
async fn account_events_are_recorded_and_admins_can_search_them() {
    let app = TestApp::spawn().await;
    let (admin, user) = history(&app).await;
    let user_id = user["id"].as_str().unwrap();

    let audit = async |query: &str| {
        let path = format!("/api/v1/audit?{query}");
        app.get_ok(&path, Some(&admin.access)).await
    };
    let page = audit(&format!("object_type=user&object_id={user_id}")).await;
    let actions = ids(&page["items"], "action");
    assert_eq!(
        actions,
        vec![
            "user.update",
            "auth.login",
            "auth.login_failed",
            "user.register"
        ]
    );
    let update = &page["items"][0];
    assert_eq!(update["actor_id"], admin.user_id.as_str());
    assert_eq!(update["summary"]["before"]["disabled"], false);
    assert_eq!(update["summary"]["after"]["disabled"], true);
    assert_eq!(update["summary"]["after"]["password"], "changed");
    assert!(!update.to_string().contains("another-password"));
    assert_eq!(update["client_addr"], "127.0.0.1");
    assert!(uuid::Uuid::parse_str(update["request_id"].as_str().unwrap()).is_ok());

    // The failed login of an unknown email is there too, without an object.
    let failed = audit("action=auth.login_failed").await;
    assert_eq!(failed["total"], 2);
    assert!(
        failed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["summary"]["email"] == "nobody@example.com" && e["object_id"].is_null())
    );

    let by_admin = audit(&format!("actor_id={}", admin.user_id)).await;
    assert!(
        by_admin["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor_id"] == admin.user_id.as_str())
    );
    let future = (chrono::Utc::now() + chrono::Duration::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(audit(&format!("from={future}")).await["total"], 0);
    let all = audit(&format!("to={future}")).await;
    assert!(all["total"].as_i64().unwrap() >= 6);
    // The disabled account's login attempt with its new password is refused and recorded.
    app.assert_login_refused(
        "audited@example.com",
        "another-password",
        "account_disabled",
    )
    .await;
    let refused = audit("action=auth.login_failed").await;
    assert_eq!(refused["items"][0]["summary"]["reason"], "account_disabled");
}

#[tokio::test]
async fn only_admins_read_the_audit_log() {
    let app = TestApp::spawn().await;
    let solver = app.solver().await;
    let resp = app.get("/api/v1/audit", Some(&solver.access)).await;
    assert_problem(resp, 403, "forbidden").await;
    assert_problem(app.get("/api/v1/audit", None).await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn audit_rows_cannot_be_changed_or_removed_through_sql() {
    let app = TestApp::spawn().await;
    history(&app).await;
    let db = app.db().await;
    for sql in [
        "UPDATE audit_log SET action = 'nothing' WHERE id = (SELECT min(id) FROM audit_log)",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let err = db.batch_execute(sql).await.expect_err(sql);
        assert!(
            err.to_string().contains("append-only") || format!("{err:?}").contains("append-only"),
            "{sql}: {err:?}"
        );
    }
}

async fn verdict(app: &TestApp) -> Verdict {
    let mut conn = app.state.conn().await.unwrap();
    audit::verify(&mut conn, &app.state.audit_key)
        .await
        .unwrap()
}

/// Runs SQL as a superuser with triggers off, as someone going behind the application's back would.
async fn tamper(app: &TestApp, sql: &str) {
    app.db()
        .await
        .batch_execute(&format!("SET session_replication_role = replica; {sql}"))
        .await
        .unwrap();
}

async fn entry_ids(app: &TestApp) -> Vec<i64> {
    app.column("SELECT id FROM audit_log ORDER BY id", &[])
        .await
}

#[tokio::test]
async fn verify_finds_a_changed_entry() {
    let app = TestApp::spawn().await;
    history(&app).await;
    let Verdict::Intact { entries, .. } = verdict(&app).await else {
        panic!("not intact")
    };
    assert!(entries >= 6);
    let ids = entry_ids(&app).await;
    tamper(&app, &format!("UPDATE audit_log SET summary = '{{\"email\": \"someone-else@example.com\"}}' WHERE id = {}", ids[2])).await;
    assert_eq!(verdict(&app).await, Verdict::Changed { id: ids[2] });
}

#[tokio::test]
async fn verify_finds_a_removed_entry() {
    let app = TestApp::spawn().await;
    history(&app).await;
    let ids = entry_ids(&app).await;
    tamper(
        &app,
        &format!("DELETE FROM audit_log WHERE id = {}", ids[3]),
    )
    .await;
    assert_eq!(
        verdict(&app).await,
        Verdict::Broken {
            id: ids[4],
            after: Some(ids[2])
        }
    );
}

#[tokio::test]
async fn verify_finds_an_inserted_entry() {
    let app = TestApp::spawn().await;
    history(&app).await;
    let ids = entry_ids(&app).await;
    // A forged entry that even copies the link to its predecessor: without the key its own hash
    // cannot be right, and the entry after it no longer follows.
    tamper(
        &app,
        &format!(
            "INSERT INTO audit_log (id, at, action, object_type, summary, prev_hash, hash)
             SELECT {id}, at, 'user.update', 'user', '{{}}', hash, hash FROM audit_log WHERE id = {prev}",
            id = ids[1] * 1000,
            prev = ids[ids.len() - 1],
        ),
    )
    .await;
    assert_eq!(verdict(&app).await, Verdict::Changed { id: ids[1] * 1000 });
}

#[tokio::test]
async fn the_verify_command_reports_and_fails_on_tampering() {
    let app = TestApp::spawn().await;
    history(&app).await;
    let run = || {
        jiebang(&database_url(&app.db_name))
            .args(["audit", "verify"])
            .output()
            .unwrap()
    };
    let out = run();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("audit log intact:"));

    let ids = entry_ids(&app).await;
    tamper(
        &app,
        &format!(
            "UPDATE audit_log SET action = 'user.nothing' WHERE id = {}",
            ids[0]
        ),
    )
    .await;
    let out = run();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("entry #{}", ids[0])), "{stderr}");
}
