//! Email through a real SMTP server on loopback: content and encoding, an unreachable server,
//! racing runners, and the cost of enqueueing.

use std::sync::{Arc, Mutex};

use diesel_async::{AsyncConnection, AsyncPgConnection};
use jiebang::config::{MailBackend, SmtpTls};
use jiebang::i18n::Locale;
use jiebang::jobs::BackgroundJob;
use jiebang::mail::SendEmail;
use mail_parser::MessageParser;

use crate::helpers::{
    Registration, TestApp, database_url, email_job, new_uscc, notice_vars, sent_mail_of,
};
use crate::smtp_sink::SmtpSink;

fn smtp_app(port: u16) -> impl FnOnce(&mut jiebang::config::Settings) {
    move |s| {
        s.mail.backend = MailBackend::Smtp;
        s.mail.smtp.host = "127.0.0.1".into();
        s.mail.smtp.port = port;
        s.mail.smtp.tls = SmtpTls::None;
        s.mail.smtp.timeout_secs = 2;
    }
}

async fn register(app: &TestApp, email: &str, locale: &str) {
    let uscc = new_uscc();
    let registration = Registration::new("solver")
        .email(email)
        .name("陈思远")
        .org("海西大学材料学院", &uscc)
        .kind("university")
        .locale(locale);
    app.register_as(&registration).await;
}

#[tokio::test]
async fn the_welcome_mail_arrives_over_smtp_in_chinese_and_well_encoded() {
    let sink = SmtpSink::start("127.0.0.1:0").await.unwrap();
    let app = TestApp::spawn_with(smtp_app(sink.port())).await;
    register(&app, "chen@example.edu.cn", "zh-CN").await;
    // Nothing is sent inside the request.
    assert_eq!(sink.count(), 0);
    assert_eq!(app.run_jobs().await, 1);

    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let received = &messages[0];
    assert_eq!(received.mail_from, "noreply@jiebang.local");
    assert_eq!(received.rcpt_to, vec!["chen@example.edu.cn"]);
    let raw = String::from_utf8(received.data.clone()).expect("7-bit clean on the wire");
    // Non-ASCII headers are RFC 2047 encoded words; the raw message carries no bare UTF-8.
    assert!(raw.is_ascii(), "{raw}");
    assert!(raw.contains("Subject: =?utf-8?"), "{raw}");
    assert!(raw.contains("Message-ID: <"), "{raw}");

    let parsed = MessageParser::default().parse(&received.data).unwrap();
    assert_eq!(parsed.subject(), Some("欢迎使用揭榜挂帅平台，陈思远"));
    let from = parsed.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("揭榜挂帅平台"));
    assert_eq!(from.address(), Some("noreply@jiebang.local"));
    assert_eq!(parsed.to().unwrap().first().unwrap().name(), Some("陈思远"));
    let text = parsed.body_text(0).unwrap();
    assert!(text.contains("您的揭榜挂帅平台账号已开通"), "{text}");
    assert!(text.contains("海西大学材料学院"), "{text}");
    let html = parsed.body_html(0).unwrap();
    assert!(html.contains("<p>陈思远，您好：</p>"), "{html}");
}

#[tokio::test]
async fn english_readers_get_english_mail() {
    let sink = SmtpSink::start("127.0.0.1:0").await.unwrap();
    let app = TestApp::spawn_with(smtp_app(sink.port())).await;
    register(&app, "en@example.com", "en").await;
    app.run_jobs().await;
    let parsed_messages = sink.messages();
    let parsed = MessageParser::default()
        .parse(&parsed_messages[0].data)
        .unwrap();
    assert_eq!(
        parsed.subject(),
        Some("Welcome to the Jiebang challenge platform, 陈思远")
    );
    assert!(
        parsed
            .body_text(0)
            .unwrap()
            .contains("Your account on the Jiebang")
    );
}

#[tokio::test]
async fn a_mail_server_that_is_down_loses_nothing_and_sends_once_when_back() {
    // A port where nothing listens yet.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = TestApp::spawn_with(smtp_app(port)).await;

    // The request does not wait for, or fail with, the mail server.
    register(&app, "later@example.com", "zh-CN").await;
    assert_eq!(app.run_jobs().await, 1);
    let db = app.db().await;
    let row = db
        .query_one(
            "SELECT attempts, status, last_error FROM background_jobs",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i32>(0), 1);
    assert_eq!(row.get::<_, &str>(1), "pending");
    assert!(!row.get::<_, &str>(2).is_empty());

    // The server comes back; the retry waits for its back-off.
    let sink = SmtpSink::start(&format!("127.0.0.1:{port}")).await.unwrap();
    assert_eq!(app.run_jobs().await, 0);
    assert_eq!(sink.count(), 0);
    app.state.clock.advance(chrono::Duration::seconds(11));
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(sink.count(), 1);

    // Done means gone: nothing is sent twice.
    app.state.clock.advance(chrono::Duration::hours(2));
    assert_eq!(app.run_jobs().await, 0);
    assert_eq!(sink.count(), 1);
    let left = db
        .query_one("SELECT count(*) FROM background_jobs", &[])
        .await
        .unwrap();
    assert_eq!(left.get::<_, i64>(0), 0);
}

fn job(n: usize) -> SendEmail {
    email_job(
        &format!("user{n}@example.com"),
        "account_disabled",
        notice_vars("account_disabled"),
        Locale::ZhCn,
    )
}

#[tokio::test]
async fn two_runners_racing_do_each_job_once() {
    let app = TestApp::spawn().await;
    let mut conn = app.state.conn().await.unwrap();
    for n in 0..60 {
        job(n).enqueue(&mut conn).await.unwrap();
    }
    drop(conn);

    // A second instance on the same database, with its own mailer.
    let other = jiebang::startup::assemble(
        app.state.settings.clone(),
        jiebang::db::build_pool(&app.state.settings.database).unwrap(),
    )
    .unwrap();
    let (a, b) = tokio::join!(
        jiebang::jobs::run_until_idle(&app.state),
        jiebang::jobs::run_until_idle(&other)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a + b, 60, "{a} + {b}");
    let mut ids: Vec<String> = app
        .sent_mail()
        .await
        .into_iter()
        .chain(sent_mail_of(&other).await)
        .map(|m| m.message_id)
        .collect();
    assert_eq!(ids.len(), 60);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 60, "a message went out twice");
}

#[tokio::test]
async fn enqueueing_a_mail_is_one_insert_in_the_callers_transaction() {
    let app = TestApp::spawn().await;
    let mut conn = <AsyncPgConnection as AsyncConnection>::establish(&database_url(&app.db_name))
        .await
        .unwrap();
    let statements: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = statements.clone();
    conn.set_instrumentation(move |event: diesel::connection::InstrumentationEvent<'_>| {
        if let diesel::connection::InstrumentationEvent::StartQuery { query, .. } = event {
            seen.lock().unwrap().push(query.to_string());
        }
    });
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        job(1)
            .enqueue(conn)
            .await
            .map_err(|_| diesel::result::Error::RollbackTransaction)?;
        Ok(())
    })
    .await
    .unwrap();
    let statements = statements.lock().unwrap().clone();
    let work: Vec<&String> = statements
        .iter()
        .filter(|q| !matches!(q.trim(), "BEGIN" | "COMMIT"))
        .collect();
    assert_eq!(work.len(), 1, "{statements:?}");
    assert!(
        work[0].starts_with("INSERT INTO \"background_jobs\""),
        "{}",
        work[0]
    );

    // And a rolled-back change takes its mail with it.
    let _ = conn
        .transaction::<(), diesel::result::Error, _>(async |conn| {
            job(2)
                .enqueue(conn)
                .await
                .map_err(|_| diesel::result::Error::RollbackTransaction)?;
            Err(diesel::result::Error::RollbackTransaction)
        })
        .await;
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(app.sent_mail().await.len(), 1);
}
