//! The web client served at `/` from `server.web_dir`: its files, the fallback to `index.html`
//! for its own routes, the server's paths kept, the CSP and caching, and the page shown where the
//! client is not built.

use jiebang::http::headers::WEB_CLIENT_CSP;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, assert_problem};

const INDEX: &str = "<!doctype html><title>Jiebang</title><div id=\"app\"></div>\
                     <script type=\"module\" src=\"/assets/app-abc123.js\"></script>";
const SCRIPT: &str = "console.log('jiebang');";

/// A built client in a folder of its own (kept alive with the app).
fn built_client() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), INDEX).unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::write(dir.path().join("assets/app-abc123.js"), SCRIPT).unwrap();
    std::fs::write(dir.path().join("favicon.ico"), [0u8, 0, 1, 0]).unwrap();
    dir
}

async fn serving(dir: &std::path::Path) -> TestApp {
    let dir = dir.to_path_buf();
    TestApp::spawn_with(move |s| s.server.web_dir = dir).await
}

fn header<'a>(resp: &'a reqwest::Response, name: &str) -> &'a str {
    resp.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .to_str()
        .unwrap()
}

/// Asserts `resp` is the client's `index.html`, answered as a page of the client.
async fn assert_index(resp: reqwest::Response) {
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(header(&resp, "content-type").starts_with("text/html"));
    assert_eq!(header(&resp, "cache-control"), "no-cache");
    assert_eq!(header(&resp, "content-security-policy"), WEB_CLIENT_CSP);
    assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
    assert_eq!(resp.text().await.unwrap(), INDEX);
}

#[tokio::test]
async fn the_client_is_served_at_the_root_with_its_files() {
    let dir = built_client();
    let app = serving(dir.path()).await;

    assert_index(app.get("/", None).await).await;
    assert_index(app.get("/index.html", None).await).await;

    let resp = app.get("/assets/app-abc123.js", None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        header(&resp, "content-type").contains("javascript"),
        "{:?}",
        resp.headers()
    );
    assert_eq!(
        header(&resp, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&resp, "content-security-policy"), WEB_CLIENT_CSP);
    assert!(resp.headers().get("content-disposition").is_none());
    assert_eq!(resp.text().await.unwrap(), SCRIPT);

    // An unhashed file is revalidated each time, as index.html is.
    let resp = app.get("/favicon.ico", None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "cache-control"), "no-cache");

    // Revalidation: the ETag gives a 304.
    let resp = app.get("/", None).await;
    let etag = header(&resp, "etag").to_string();
    let resp = app
        .client
        .get(app.url("/"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn deep_links_answer_the_index_and_head_works() {
    let dir = built_client();
    let app = serving(dir.path()).await;

    for path in [
        "/panels/123",
        "/panels/123/bids/456",
        "/login",
        "/healthy",
        "/apis",
    ] {
        assert_index(app.get(path, None).await).await;
    }

    let resp = app
        .client
        .head(app.url("/panels/123"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(header(&resp, "content-type").starts_with("text/html"));
    assert_eq!(header(&resp, "content-length"), INDEX.len().to_string());
    assert_eq!(header(&resp, "cache-control"), "no-cache");
    assert!(resp.bytes().await.unwrap().is_empty());

    let resp = app
        .client
        .head(app.url("/assets/app-abc123.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(header(&resp, "content-length"), SCRIPT.len().to_string());
    assert!(resp.bytes().await.unwrap().is_empty());

    // A hashed file of another build is missing, not the index in its place.
    let resp = app.get("/assets/app-old999.js", None).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(header(&resp, "content-type").starts_with("application/problem+json"));
    assert_eq!(header(&resp, "cache-control"), "no-cache");
}

#[tokio::test]
async fn the_servers_own_paths_keep_their_answers() {
    let dir = built_client();
    let app = serving(dir.path()).await;

    for path in [
        "/api/v1/nope",
        "/api/nope",
        "/api",
        "/metrics/nope",
        "/health/x",
        // Percent-encoded, as the router decodes it: still the API's.
        "/%61pi/nope",
    ] {
        let problem = assert_problem(app.get(path, None).await, 404, "route_not_found").await;
        assert_eq!(problem["status"], 404, "{path}");
    }
    for path in ["/api/v1/nope", "/%61pi/v1/nope"] {
        let resp = app.get(path, None).await;
        assert_eq!(
            header(&resp, "content-security-policy"),
            "default-src 'none'; frame-ancestors 'none'",
            "{path}"
        );
        assert!(resp.headers().get("cache-control").is_none(), "{path}");
    }

    // Other methods than GET and HEAD on the client's paths are no route either.
    let resp = app
        .client
        .post(app.url("/panels/123"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(header(&resp, "content-type").starts_with("application/problem+json"));

    let health: Value = app.get_ok("/health", None).await;
    assert_eq!(health["status"], "ok");
    let doc = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(doc.status(), StatusCode::OK);
    let doc: Value = doc.json().await.unwrap();
    assert!(doc["paths"]["/api/v1/auth/login"].is_object());

    let resp = app.get("/docs", None).await;
    assert_eq!(resp.status(), StatusCode::PERMANENT_REDIRECT);
    let resp = app.get("/docs/", None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_ne!(header(&resp, "content-security-policy"), WEB_CLIENT_CSP);
    assert!(resp.text().await.unwrap().contains("swagger-ui"));
}

#[tokio::test]
async fn where_the_client_is_not_built_the_pages_say_how_to_build_it() {
    let empty = tempfile::tempdir().unwrap();
    let missing = empty.path().join("no-such-folder");
    for dir in [empty.path().to_path_buf(), missing] {
        let app = serving(&dir).await;
        for path in ["/", "/panels/123"] {
            let resp = app.get(path, None).await;
            assert_eq!(resp.status(), StatusCode::OK, "{path}");
            assert!(header(&resp, "content-type").starts_with("text/html"));
            assert_eq!(header(&resp, "content-security-policy"), WEB_CLIENT_CSP);
            assert_eq!(header(&resp, "cache-control"), "no-cache");
            let page = resp.text().await.unwrap();
            assert!(page.contains("网页客户端尚未构建"), "{page}");
            assert!(page.contains("The web client is not built"), "{page}");
            assert!(
                page.contains("cd web &amp;&amp; npm ci &amp;&amp; npm run build"),
                "{page}"
            );
            assert!(page.contains("href=\"/docs/\""), "{page}");
            // Chinese first.
            assert!(page.find("尚未构建").unwrap() < page.find("not built").unwrap());
        }
        assert_problem(app.get("/api/v1/nope", None).await, 404, "route_not_found").await;
    }
}
