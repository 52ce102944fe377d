//! Request heads the server refuses before the application (issue 14, finding 7): too long, too
//! many headers, malformed, too slow. Each gets problem+json with an `X-Request-Id`, and the
//! connection closes; requests before it on the connection get their answers first, and good
//! requests on a kept-alive connection are not disturbed.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::TestApp;
use crate::input::raw_exchange;

/// The answers in `raw`, in order: (head in lower case, body).
fn answers(raw: &str) -> Vec<(String, String)> {
    let mut rest = raw;
    let mut found = Vec::new();
    while let Some((head, after)) = rest.split_once("\r\n\r\n") {
        let head = head.to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        let length = length.min(after.len());
        found.push((head, after[..length].to_string()));
        rest = &after[length..];
    }
    found
}

/// Asserts a refusal: `status` as problem+json with `code`, a request id, `Connection: close`.
fn assert_refused(head: &str, body: &str, status: u16, code: &str) {
    assert!(head.starts_with(&format!("http/1.1 {status} ")), "{head}");
    assert!(
        head.contains("content-type: application/problem+json"),
        "{head}"
    );
    assert!(head.contains("x-request-id: "), "{head}");
    assert!(head.contains("connection: close"), "{head}");
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    let problem: Value = serde_json::from_str(body).unwrap();
    assert_eq!(problem["status"], status, "{problem}");
    assert_eq!(problem["code"], code, "{problem}");
    assert!(problem["title"].as_str().is_some_and(|t| !t.is_empty()));
}

#[tokio::test]
async fn heads_refused_before_the_application_get_problem_json_and_a_request_id() {
    let app = TestApp::spawn().await;
    let many_headers: String = (0..100).map(|i| format!("X-H{i}: 1\r\n")).collect();
    let cases = [
        (
            format!("GET /{} HTTP/1.1\r\nHost: test\r\n\r\n", "a".repeat(70_000)),
            414,
            "uri_too_long",
        ),
        (
            "GET /health HTTP/1.1\r\nHost: test\r\nno colon here\r\n\r\n".to_string(),
            400,
            "bad_request",
        ),
        (
            format!(
                "GET /health HTTP/1.1\r\nHost: test\r\n{}\r\n",
                format!("X-Big: {}\r\n", "b".repeat(4000)).repeat(34)
            ),
            431,
            "headers_too_large",
        ),
        (
            format!("GET /health HTTP/1.1\r\nHost: test\r\n{many_headers}\r\n"),
            431,
            "headers_too_large",
        ),
        (
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\n\
             Transfer-Encoding: chunked\r\n\r\n"
                .to_string(),
            400,
            "bad_request",
        ),
    ];
    for (request, status, code) in cases {
        let (raw, closed) = raw_exchange(&app, &request, b"", Duration::from_secs(10)).await;
        assert!(closed, "the connection stays open after {status}: {raw}");
        let found = answers(&raw);
        assert_eq!(found.len(), 1, "{raw}");
        assert_refused(&found[0].0, &found[0].1, status, code);
    }
}

#[tokio::test]
async fn a_head_that_stalls_gets_408_and_the_connection_closes() {
    let app = TestApp::spawn_with(|s| s.server.head_timeout_ms = 500).await;
    for partial in ["", "GET /health HTTP/1.1\r\nHost: te"] {
        let started = std::time::Instant::now();
        let (raw, closed) = raw_exchange(&app, partial, b"", Duration::from_secs(10)).await;
        assert!(closed, "{raw}");
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );
        let found = answers(&raw);
        assert_eq!(found.len(), 1, "{raw}");
        assert_refused(&found[0].0, &found[0].1, 408, "request_timeout");
    }
}

#[tokio::test]
async fn requests_before_a_bad_head_on_the_connection_are_answered_first() {
    let app = TestApp::spawn().await;
    let requests = "GET /health HTTP/1.1\r\nHost: test\r\n\r\n\
                    GET /health HTTP/1.1\r\nHost: test\r\nBad Header: 1\r\n\r\n\
                    GET /health HTTP/1.1\r\nHost: test\r\n\r\n";
    let (raw, closed) = raw_exchange(&app, requests, b"", Duration::from_secs(10)).await;
    assert!(closed, "{raw}");
    let found = answers(&raw);
    assert_eq!(found.len(), 2, "{raw}");
    assert!(found[0].0.starts_with("http/1.1 200 "), "{raw}");
    assert!(found[0].0.contains("x-request-id: "), "{raw}");
    assert_refused(&found[1].0, &found[1].1, 400, "bad_request");
}

#[tokio::test]
async fn a_kept_alive_connection_carries_requests_with_bodies() {
    let app = TestApp::spawn().await;
    let host = app.address.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(host).await.unwrap();
    let login = r#"{"email":"nobody@example.com","password":"12345678"}"#;
    let chunked: String = login
        .as_bytes()
        .chunks(10)
        .map(|c| format!("{:x};ext=1\r\n{}\r\n", c.len(), String::from_utf8_lossy(c)))
        .collect();
    let exchanges = [
        format!(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{login}",
            login.len()
        ),
        format!(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
             Transfer-Encoding: chunked\r\n\r\n{chunked}0\r\nX-Trailer: yes\r\n\r\n"
        ),
        "GET /health HTTP/1.1\r\nHost: test\r\n\r\n".to_string(),
    ];
    for (i, request) in exchanges.iter().enumerate() {
        // Sent in two pieces, the head cut in the middle.
        let (first, second) = request.split_at(request.len() / 3);
        socket.write_all(first.as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        socket.write_all(second.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        let mut buf = [0u8; 8192];
        let found = loop {
            let n = tokio::time::timeout(Duration::from_secs(10), socket.read(&mut buf))
                .await
                .unwrap()
                .unwrap();
            assert!(n > 0, "closed after request {i}");
            raw.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&raw).into_owned();
            let found = answers(&text);
            if found.len() == 1
                && let Some((head, body)) = found.first()
                && head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length: "))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    == Some(body.len())
            {
                break found;
            }
        };
        let (head, body) = &found[0];
        if i < 2 {
            assert!(head.starts_with("http/1.1 401 "), "request {i}: {head}");
            let problem: Value = serde_json::from_str(body).unwrap();
            assert_eq!(problem["code"], "invalid_credentials", "{problem}");
        } else {
            assert!(head.starts_with("http/1.1 200 "), "{head}");
        }
        assert!(!head.contains("connection: close"), "{head}");
    }
}
