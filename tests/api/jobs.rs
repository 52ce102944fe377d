//! The job runner: scheduling, back-off, parking failed jobs, and the admin endpoints.

use chrono::Duration;
use jiebang::i18n::Locale;
use jiebang::jobs::BackgroundJob;
use jiebang::reviews::panel::RemindReviewers;
use serde_json::json;

use crate::helpers::{TestApp, assert_problem, assert_status, email_job, notice_vars};

#[tokio::test]
async fn scheduled_jobs_wait_for_their_time() {
    let app = TestApp::spawn().await;
    let mut conn = app.state.conn().await.unwrap();
    let job = email_job(
        "x@example.com",
        "account_disabled",
        notice_vars("account_disabled"),
        Locale::En,
    );
    let at = app.state.clock.now() + Duration::minutes(30);
    job.enqueue_at(&mut conn, at).await.unwrap();
    // A job with a dedupe key, twice: the second adds nothing while the first is pending (a
    // reminder of a panel that does not exist does nothing when it runs).
    let reminder = RemindReviewers {
        challenge_id: uuid::Uuid::new_v4(),
    };
    for _ in 0..2 {
        reminder.enqueue_at(&mut conn, at).await.unwrap();
    }
    assert_eq!(app.run_jobs().await, 0);
    app.state.clock.advance(Duration::minutes(29));
    assert_eq!(app.run_jobs().await, 0);
    app.state.clock.advance(Duration::minutes(2));
    assert_eq!(app.run_jobs().await, 2);
    assert_eq!(app.sent_mail().await.len(), 1);
}

#[tokio::test]
async fn a_job_that_keeps_failing_is_parked_for_an_admin_to_retry() {
    let app = TestApp::spawn().await;
    let mut conn = app.state.conn().await.unwrap();
    // No such template: fails every time.
    let broken = email_job("x@example.com", "no_such_template", json!({}), Locale::ZhCn);
    broken.enqueue(&mut conn).await.unwrap();
    drop(conn);

    // Each failure waits twice as long as the one before; the twelfth parks the job.
    let mut runs = 0;
    for _ in 0..30 {
        runs += app.run_jobs().await;
        app.state.clock.advance(Duration::hours(1));
    }
    assert_eq!(runs, 12);
    let db = app.db().await;
    let row = db
        .query_one("SELECT id, status, attempts FROM background_jobs", &[])
        .await
        .unwrap();
    let id: i64 = row.get(0);
    assert_eq!(row.get::<_, &str>(1), "failed");
    assert_eq!(row.get::<_, i32>(2), 12);

    let admin = app.admin().await;
    let page = app.get_ok("/api/v1/jobs", Some(&admin.access)).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["kind"], "send_email");
    assert_eq!(page["items"][0]["status"], "failed");
    assert!(
        page["items"][0]["last_error"]
            .as_str()
            .unwrap()
            .contains("no_such_template")
    );

    let retry = async |id: i64| {
        app.post(
            &format!("/api/v1/jobs/{id}/retry"),
            &json!({}),
            Some(&admin.access),
        )
        .await
    };
    let job = assert_status(retry(id).await, 200).await;
    assert_eq!(job["status"], "pending");
    assert_eq!(job["attempts"], 0);
    assert_problem(retry(id).await, 409, "job_not_failed").await;
    assert_problem(retry(999_999).await, 404, "not_found").await;
    assert_eq!(app.run_jobs().await, 1);

    let solver = app.solver().await;
    assert_problem(
        app.get("/api/v1/jobs", Some(&solver.access)).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_runner_inside_serve_delivers_by_itself() {
    let app = TestApp::spawn_with(|s| {
        s.jobs.enabled = true;
        s.jobs.poll_interval_ms = 20;
    })
    .await;
    app.register("auto@example.com", "issuer").await;
    let started = std::time::Instant::now();
    while app.sent_mail().await.is_empty() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the runner never sent the mail"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(app.sent_mail().await[0].to, "auto@example.com");
}
