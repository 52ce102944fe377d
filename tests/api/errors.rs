//! Every error answers as RFC 9457 problem+json, in Chinese or English.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields};

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = TestApp::spawn().await;
    let resp = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(r#"{"email": "a@example.com", "password": "#)
        .send()
        .await
        .unwrap();
    let body = assert_problem(resp, 400, "malformed_json").await;
    assert!(
        body["detail"].as_str().unwrap().contains("第 1 行"),
        "{body}"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415() {
    let app = TestApp::spawn().await;
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut req = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .body(r#"{"email":"a@example.com","password":"12345678"}"#);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        assert_problem(req.send().await.unwrap(), 415, "unsupported_media_type").await;
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413() {
    let app = TestApp::spawn_with(|s| s.server.body_limit_bytes = 1024).await;
    let big = json!({"email": "a@example.com", "password": "x".repeat(2000)});
    assert_problem(
        app.post("/api/v1/auth/login", &big, None).await,
        413,
        "payload_too_large",
    )
    .await;
    // Without a Content-Length (chunked), the limit holds as well.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(b"{\"email\":\"".to_vec()),
        Ok(vec![b'a'; 4096]),
        Ok(b"\"}".to_vec()),
    ];
    let resp = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_problem(resp, 413, "payload_too_large").await;
}

#[tokio::test]
async fn wrong_shapes_name_the_field() {
    let app = TestApp::spawn().await;
    for (body, field, code) in [
        (json!({"email": "a@example.com"}), "password", "required"),
        (
            json!({"email": 5, "password": "x"}),
            "email",
            "invalid_type",
        ),
        (
            json!({"email": "a@example.com", "password": "x", "remember": true}),
            "remember",
            "unknown_field",
        ),
    ] {
        let resp = app.post("/api/v1/auth/login", &body, None).await;
        let problem = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), vec![field]);
        assert_eq!(problem["errors"][0]["code"], code);
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(!message.is_empty(), "{problem}");
    }
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_answer_in_the_same_format() {
    let app = TestApp::spawn().await;
    assert_problem(
        app.get("/api/v1/nothing-here", None).await,
        404,
        "route_not_found",
    )
    .await;
    assert_problem(
        app.get("/api/no/such/page", None).await,
        404,
        "route_not_found",
    )
    .await;

    let resp = app.get("/api/v1/auth/login", None).await;
    assert_eq!(resp.headers()["allow"], "POST");
    assert_problem(resp, 405, "method_not_allowed").await;

    let resp = app
        .client
        .delete(app.url("/api/v1/users"))
        .send()
        .await
        .unwrap();
    let allow = resp.headers()["allow"].to_str().unwrap().to_string();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    assert_problem(resp, 405, "method_not_allowed").await;

    let resp = app
        .client
        .put(app.url(&format!("/api/v1/users/{}", uuid::Uuid::new_v4())))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["allow"], "PATCH");
    assert_problem(resp, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn bad_path_and_query_parameters() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    // A path id that is not a UUID names nothing: 404.
    assert_problem(
        app.get("/api/v1/organizations/not-a-uuid", Some(&admin.access))
            .await,
        404,
        "not_found",
    )
    .await;
    for (query, field) in [("per_page=abc", "per_page"), ("role=wizard", "role")] {
        let path = format!("/api/v1/users?{query}");
        let resp = app.get(&path, Some(&admin.access)).await;
        let body = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(error_fields(&body), vec![field]);
    }
}

#[tokio::test]
async fn titles_follow_accept_language() {
    let app = TestApp::spawn().await;
    let resp = app.get("/api/v1/me", None).await;
    assert_eq!(
        resp.headers()["www-authenticate"],
        r#"Bearer realm="jiebang""#
    );
    let zh: Value = assert_problem(resp, 401, "unauthenticated").await;
    assert_eq!(zh["title"], "未登录或登录已失效");

    // In English when asked: field messages too, and the responses actix-web makes itself.
    let login = json!({"email": "a@example.com"});
    for (method, path, language, body, (status, code, title)) in [
        (
            Method::GET,
            "/api/v1/me",
            "en-GB,en;q=0.9,zh;q=0.5",
            None,
            (401, "unauthenticated", "Not authenticated"),
        ),
        (
            Method::POST,
            "/api/v1/auth/login",
            "en",
            Some(&login),
            (422, "validation_failed", "Invalid field values"),
        ),
        (
            Method::GET,
            "/api/nowhere",
            "en",
            None,
            (404, "route_not_found", "No such endpoint"),
        ),
    ] {
        let mut req = app
            .request(method, path, None)
            .header("accept-language", language);
        if let Some(body) = body {
            req = req.json(body);
        }
        let en = assert_problem(req.send().await.unwrap(), status, code).await;
        assert_eq!(en["title"], title);
        if status == 422 {
            assert_eq!(en["errors"][0]["message"], "is required");
        }
    }
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_security_headers() {
    let app = TestApp::spawn().await;
    let mut ids = std::collections::HashSet::new();
    for resp in [
        app.get("/health", None).await,
        app.get("/api/v1/me", None).await,
        app.get("/api/nowhere", None).await,
    ] {
        let id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
        assert!(ids.insert(id));
        assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
        assert_eq!(resp.headers()["referrer-policy"], "no-referrer");
        assert!(
            resp.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'none'")
        );
    }
}

#[tokio::test]
async fn the_database_going_away_is_a_503() {
    let app = TestApp::spawn_with(|s| s.database.acquire_timeout_ms = 1000).await;
    let admin = app.admin().await;
    assert_eq!(app.get("/ready", None).await.status(), StatusCode::OK);

    // Take the database away under the running server.
    let (client, connection) = tokio_postgres::connect(
        &std::env::var("TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        tokio_postgres::NoTls,
    )
    .await
    .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", app.db_name))
        .await
        .unwrap();

    let resp = app.get("/ready", None).await;
    assert!(resp.headers().contains_key("retry-after"));
    let body = assert_problem(resp, 503, "service_unavailable").await;
    // Nothing about the cause leaks.
    let text = body.to_string();
    assert!(
        !text.contains(&app.db_name) && !text.contains("postgres"),
        "{text}"
    );
    assert_problem(
        app.get("/api/v1/me", Some(&admin.access)).await,
        503,
        "service_unavailable",
    )
    .await;
    // The process itself is still up.
    assert_eq!(app.get("/health", None).await.status(), StatusCode::OK);
}

/// The problem bodies clients see, whole, in both languages: titles, details with their
/// arguments, and the messages of the fields at fault (snapshots in `tests/api/snapshots/`).
#[tokio::test]
async fn problem_bodies_in_both_languages() {
    let app = TestApp::spawn().await;
    let s = app.scenario().build().await;
    let mut bodies = Vec::new();
    for lang in ["zh-CN", "en"] {
        let send = |method: Method, path: &str, body: Option<Value>, token: Option<&str>| {
            let mut req = app
                .request(method, path, token)
                .header("accept-language", lang);
            if let Some(body) = body {
                req = req.json(&body);
            }
            req
        };
        let cases = [
            (
                "malformed",
                send(Method::POST, "/api/v1/auth/login", None, None)
                    .header("content-type", "application/json")
                    .body("{\"email\": "),
            ),
            (
                "unauthenticated",
                send(Method::GET, "/api/v1/me", None, None),
            ),
            (
                "route",
                send(Method::GET, "/api/v1/no-such-thing", None, None),
            ),
            (
                "validation",
                send(
                    Method::POST,
                    "/api/v1/auth/register",
                    Some(json!({
                        "email": "not an email", "password": "short", "display_name": " ",
                        "role": "solver",
                        "organization": {"name": "某单位", "uscc": "91350200776049653B", "kind": "university"},
                    })),
                    None,
                ),
            ),
            (
                "transition",
                send(
                    Method::POST,
                    &s.path("/approve"),
                    None,
                    Some(&s.admin.access),
                ),
            ),
            (
                "stale",
                send(
                    Method::PATCH,
                    &s.path(""),
                    Some(json!({"title": "新的标题"})),
                    Some(&s.issuer.access),
                )
                .header("if-match", "\"v0\""),
            ),
        ];
        for (name, req) in cases {
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let body: Value = resp.json().await.unwrap();
            bodies.push(format!(
                "{name} ({lang}): {status}\n{}",
                serde_json::to_string_pretty(&body).unwrap()
            ));
        }
    }
    insta::assert_snapshot!("problem_bodies", bodies.join("\n\n"));
}
