//! Hostile input (issue 14, "Bad input"): control characters in bodies and query strings, bodies
//! that stall, bodies that `POST /auth/logout` used to swallow, and the order in which a
//! transition refuses (role before `If-Match`).

use std::time::Duration;

use chrono::Duration as Days;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

use crate::helpers::{
    Registration, TestApp, assert_problem, assert_status, assert_token_works, error_fields, id_of,
};
use crate::scenario::{challenge_body, create_challenge, publish};

/// Asserts a 422 naming `field` with `control_character`.
async fn assert_control(resp: reqwest::Response, field: &str, what: &str) {
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec![field], "{what}: {problem}");
    assert_eq!(problem["errors"][0]["code"], "control_character", "{what}");
}

#[tokio::test]
async fn nul_in_a_json_string_is_a_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let issuer = app.issuer().await;
    let mut register = Registration::new("solver").body;
    register["display_name"] = json!("张\u{0}伟");
    let somewhere = Uuid::new_v4();
    let cases: Vec<(Method, String, Option<&str>, Value, &str)> = vec![
        (
            Method::POST,
            "/api/v1/auth/login".into(),
            None,
            json!({"email": "a\u{0}@example.com", "password": "12345678"}),
            "email",
        ),
        (
            Method::POST,
            "/api/v1/auth/register".into(),
            None,
            register,
            "display_name",
        ),
        (
            Method::POST,
            "/api/v1/challenges".into(),
            Some(&issuer.access),
            json!({"title": "标题", "kpis": [{"name": "强度\u{0}", "target": "1"}]}),
            "kpis[0].name",
        ),
        (
            Method::POST,
            format!("/api/v1/challenges/{somewhere}/clarifications"),
            Some(&issuer.access),
            json!({"answer": "\u{0}"}),
            "answer",
        ),
        (
            Method::POST,
            "/api/v1/credit/records".into(),
            Some(&admin.access),
            json!({"subject_name": "某公司\u{0}"}),
            "subject_name",
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            Some(&admin.access),
            json!({"email": "b@example.com", "display_name": "\u{0}"}),
            "display_name",
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{somewhere}"),
            Some(&admin.access),
            json!({"display_name": "李\u{0}"}),
            "display_name",
        ),
    ];
    for (method, path, token, body, field) in cases {
        let resp = app
            .request(method, &path, token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_control(resp, field, &path).await;
    }
}

#[tokio::test]
async fn nul_in_a_query_string_is_a_422_naming_the_parameter() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    for (path, token, field) in [
        ("/api/v1/challenges?q=%00", None, "q"),
        ("/api/v1/users?q=a%00b", Some(&admin.access), "q"),
        (
            "/api/v1/audit?object_type=%00",
            Some(&admin.access),
            "object_type",
        ),
        ("/api/v1/jobs?kind=%00", Some(&admin.access), "kind"),
        (
            "/api/v1/credit/records?source=%00",
            Some(&admin.access),
            "source",
        ),
        ("/api/v1/challenges?page=1&q=%07", None, "q"),
    ] {
        let resp = app.get(path, token.map(String::as_str)).await;
        assert_control(resp, field, path).await;
    }
}

#[tokio::test]
async fn one_line_fields_refuse_control_characters_and_long_texts_keep_line_breaks() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let mut bell = challenge_body(&app, "高强碳纤维", Days::days(30));
    bell["title"] = json!("高强\u{7}碳纤维");
    let resp = app
        .post("/api/v1/challenges", &bell, Some(&issuer.access))
        .await;
    assert_control(resp, "title", "a title with U+0007").await;
    let mut broken = challenge_body(&app, "高强碳纤维", Days::days(30));
    broken["title"] = json!("高强\n碳纤维");
    let resp = app
        .post("/api/v1/challenges", &broken, Some(&issuer.access))
        .await;
    assert_control(resp, "title", "a title with a line break").await;

    let mut lines = challenge_body(&app, "高强碳纤维", Days::days(30));
    lines["description"] = json!("第一段。\n\n第二段：\t要求如下。\r\n完。");
    let created = create_challenge(&app, &issuer, &lines).await;
    assert_eq!(created["description"], lines["description"]);
}

/// Sends `head` and then `body` over a raw connection, and reads what the server answers until it
/// closes the connection (or `wait` passes).
pub(crate) async fn raw_exchange(
    app: &TestApp,
    head: &str,
    body: &[u8],
    wait: Duration,
) -> (String, bool) {
    let host = app.address.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(host).await.unwrap();
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(body).await.unwrap();
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(wait, socket.read_to_end(&mut answer))
        .await
        .is_ok();
    (String::from_utf8_lossy(&answer).into_owned(), closed)
}

#[tokio::test]
async fn a_body_that_stalls_gets_408_and_the_connection_closes() {
    let app = TestApp::spawn_with(|s| s.server.body_idle_timeout_ms = 300).await;
    let admin = app.admin().await;
    // A JSON body, and a credit file (read by the import's own route).
    for (head, sent) in [
        (
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
             Content-Length: 100\r\n\r\n"
                .to_string(),
            &br#"{"email":"#[..],
        ),
        (
            format!(
                "POST /api/v1/credit/imports HTTP/1.1\r\nHost: test\r\nContent-Type: text/csv\r\n\
                 Authorization: Bearer {}\r\nContent-Length: 100000\r\n\r\n",
                admin.access
            ),
            "主体类型,主体名称\n".as_bytes(),
        ),
    ] {
        let started = std::time::Instant::now();
        let (answer, closed) = raw_exchange(&app, &head, sent, Duration::from_secs(10)).await;
        assert!(closed, "the connection stays open: {answer}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        let head = head.to_ascii_lowercase();
        assert!(head.starts_with("http/1.1 408"), "{head}");
        assert!(
            head.contains("content-type: application/problem+json"),
            "{head}"
        );
        assert!(head.contains("connection: close"), "{head}");
        assert!(head.contains("x-request-id:"), "{head}");
        let problem: Value = serde_json::from_str(body).unwrap();
        assert_eq!(problem["code"], "request_timeout", "{problem}");
    }
}

#[tokio::test]
async fn a_slow_but_steady_body_goes_through() {
    let app = TestApp::spawn_with(|s| s.server.body_idle_timeout_ms = 400).await;
    let body = br#"{"email":"nobody@example.com","password":"12345678"}"#.to_vec();
    // Ten pieces, one every 150 ms: longer than the idle timeout in all, never idle that long.
    let pieces: Vec<Vec<u8>> = body
        .chunks(body.len().div_ceil(10))
        .map(<[u8]>::to_vec)
        .collect();
    let stream = futures_util::stream::unfold(pieces.into_iter(), |mut rest| async move {
        let piece = rest.next()?;
        tokio::time::sleep(Duration::from_millis(150)).await;
        Some((Ok::<_, std::io::Error>(piece), rest))
    });
    let started = std::time::Instant::now();
    let resp = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() > Duration::from_millis(1000));
    assert_problem(resp, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn logout_validates_its_body_before_ending_the_session() {
    let app = TestApp::spawn().await;
    let solver = app.solver().await;
    let resp = app
        .post(
            "/api/v1/auth/logout",
            &json!({"refresh_token": solver.refresh, "everywhere": true}),
            Some(&solver.access),
        )
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["everywhere"]);
    assert_token_works(&app, &solver.access).await;

    let resp = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("content-type", "application/json")
        .body(r#"{"refresh_token": "#)
        .send()
        .await
        .unwrap();
    assert_problem(resp, 400, "malformed_json").await;

    // A good body still logs out.
    let resp = app
        .post("/api/v1/auth/logout", &json!({}), Some(&solver.access))
        .await;
    assert_status(resp, 204).await;
}

#[tokio::test]
async fn a_transition_refuses_by_role_before_if_match_and_by_state_after() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let issuer = app.issuer().await;
    let solver = app.solver().await;
    let body = challenge_body(&app, "高强碳纤维", Days::days(30));
    let id = publish(&app, &issuer, &admin, &body).await;
    let submit = format!("/api/v1/challenges/{id}/submit");
    let stale = |token: &str| {
        app.request(Method::POST, &submit, Some(token))
            .header("if-match", "\"v999\"")
            .json(&json!({}))
    };
    // A solver may never submit: 403, whatever the version says.
    assert_problem(
        stale(&solver.access).send().await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    // The issuer may submit, from another state: the stale version first (412), …
    assert_problem(
        stale(&issuer.access).send().await.unwrap(),
        412,
        "stale_version",
    )
    .await;
    // … then the state (409).
    let resp = app.post(&submit, &json!({}), Some(&issuer.access)).await;
    assert_problem(resp, 409, "invalid_transition").await;
    assert_eq!(
        id_of(&app.get_ok(&format!("/api/v1/challenges/{id}"), None).await),
        id
    );
}
