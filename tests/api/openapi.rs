//! The OpenAPI document lists every route the server serves, and nothing it does not.

use std::collections::BTreeSet;
use std::path::Path;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;

/// Served outside the document on purpose: the document itself and its viewer.
const UNDOCUMENTED: &[&str] = &["/api/v1/openapi.json", "/docs", "/docs/{_:.*}"];

/// Operations anyone may call without a token.
const PUBLIC: &[&str] = &[
    "POST /api/v1/auth/register",
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/refresh",
    "POST /api/v1/auth/logout",
    "GET /health",
    "GET /ready",
    // No token: the configured addresses only (`metrics.allow_from`).
    "GET /metrics",
    "GET /api/v1/challenges",
    "GET /api/v1/challenges/{id}",
    "GET /api/v1/challenges/{id}/clarifications",
    // Callable without a token; an anonymous caller sees no bid (404, or an empty page).
    "GET /api/v1/challenges/{id}/bids",
    "GET /api/v1/bids/{id}",
    // The award's public notice and the calendar that fixes its end.
    "GET /api/v1/notices",
    "GET /api/v1/notices/feed",
    "GET /api/v1/calendar/{year}",
    // Callable without a token; an anonymous caller sees no project (404).
    "GET /api/v1/challenges/{id}/milestones",
];

async fn document(app: &TestApp) -> Value {
    let resp = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let doc: Value = resp.json().await.unwrap();
    // `OPENAPI_DUMP=file cargo test openapi` writes the document, to compare two versions.
    if let Ok(path) = std::env::var("OPENAPI_DUMP") {
        std::fs::write(path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    }
    doc
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    out
}

/// Every route declared in the source: the actix attribute macros and any `.route(`/`resource(`.
fn routes_in_source(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            routes_in_source(&path, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines().map(str::trim) {
            for method in ["get", "post", "put", "patch", "delete"] {
                if let Some(rest) = line.strip_prefix(&format!("#[{method}(\"")) {
                    let route = rest.split('"').next().unwrap().to_string();
                    out.push((method.to_uppercase(), route));
                }
            }
            for marker in [
                ".route(\"",
                "web::resource(\"",
                "Resource::new(\"",
                "SwaggerUi::new(\"",
                "web::redirect(\"",
            ] {
                if let Some(index) = line.find(marker) {
                    let route = line[index + marker.len()..]
                        .split('"')
                        .next()
                        .unwrap()
                        .to_string();
                    out.push(("ANY".to_string(), route));
                }
            }
        }
    }
}

#[tokio::test]
async fn every_route_in_the_source_is_documented() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let documented: BTreeSet<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    let mut declared = Vec::new();
    routes_in_source(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut declared,
    );
    assert!(
        declared.len() >= 10,
        "the source scan found too little: {declared:?}"
    );
    for (method, route) in declared {
        let full_match = documented.iter().any(|(m, p)| {
            (m == &method || method == "ANY") && (p == &route || p.ends_with(&route))
        });
        let allowed = UNDOCUMENTED.iter().any(|u| u.ends_with(route.as_str()));
        assert!(
            full_match || allowed,
            "{method} {route} is served but not in the OpenAPI document"
        );
    }
}

#[tokio::test]
async fn every_documented_operation_is_served_and_complete() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let ops = operations(&doc);
    assert!(ops.len() >= 11, "{}", ops.len());
    for (method, path, op) in ops {
        let name = format!("{method} {path}");
        // Served: a request reaches a handler (anything but "no such route/method").
        let concrete = path.replace("{id}", &uuid::Uuid::new_v4().to_string());
        let req = app
            .client
            .request(method.parse().unwrap(), app.url(&concrete));
        let req = if method == "GET" {
            req
        } else {
            req.json(&serde_json::json!({}))
        };
        let resp = req.send().await.unwrap();
        let status = resp.status();
        if status.is_client_error() {
            let body: Value = resp.json().await.unwrap();
            assert!(
                body["code"] != "route_not_found" && body["code"] != "method_not_allowed",
                "{name} is documented but not served"
            );
        }

        // Described: summary, tag, success and error responses in problem+json.
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{name} has no summary"
        );
        assert!(
            op["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{name} has no tag"
        );
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|k| k.starts_with('2')),
            "{name} has no success response"
        );
        for code in ["500", "503"] {
            assert!(
                responses[code]["content"]["application/problem+json"].is_object(),
                "{name} lacks {code}"
            );
        }
        if op.get("requestBody").is_some() {
            for code in ["400", "413", "415", "422"] {
                assert!(
                    responses.contains_key(code),
                    "{name} has a body but lacks {code}"
                );
            }
        }
        // Auth requirement stated: public ones are listed above; the rest need the bearer token.
        let security = op
            .get("security")
            .and_then(|s| s.as_array())
            .cloned()
            .unwrap_or_default();
        let needs_bearer = security.iter().any(|r| r.get("bearer").is_some());
        if PUBLIC.contains(&name.as_str()) {
            assert!(
                security.is_empty() || security.iter().any(|r| r.as_object().unwrap().is_empty()),
                "{name} should be callable without a token"
            );
        } else {
            assert!(
                needs_bearer,
                "{name} does not declare its bearer requirement"
            );
            assert!(responses.contains_key("401"), "{name} lacks 401");
        }
    }
}

#[tokio::test]
async fn the_docs_page_is_served_with_a_strict_policy() {
    let app = TestApp::spawn().await;
    let resp = app.get("/docs", None).await;
    assert_eq!(resp.status(), StatusCode::PERMANENT_REDIRECT);
    let resp = app.get("/docs/", None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let csp = resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    let html = resp.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    let init = app
        .get("/docs/swagger-initializer.js", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains("/api/v1/openapi.json"), "{init}");
}

#[tokio::test]
async fn lists_document_their_page_parameters() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    for path in [
        "/api/v1/users",
        "/api/v1/jobs",
        "/api/v1/audit",
        "/api/v1/notifications",
        "/api/v1/credit/records",
        "/api/v1/credit/checks",
    ] {
        let names: Vec<&str> = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} has no parameters"))
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        for wanted in ["page", "per_page"] {
            assert!(names.contains(&wanted), "{path} lacks {wanted}: {names:?}");
        }
    }
}

/// The schemas' names in the document, with the files that declare them: `derive(…ToSchema…)`
/// on a type, named by the type unless `#[schema(as = …)]` names it.
fn schemas_in_source(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            schemas_in_source(&path, out);
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut deriving = false;
        let mut renamed = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with("#[derive(") && line.contains("ToSchema") {
                deriving = true;
            } else if deriving && line.starts_with("#[schema(as") {
                renamed = true;
            } else if deriving && !line.starts_with('#') && !line.starts_with("//") {
                let declared = ["pub struct ", "pub enum ", "struct ", "enum "]
                    .iter()
                    .find_map(|p| line.strip_prefix(p));
                if let (Some(rest), false) = (declared, renamed) {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    out.push((name, path.display().to_string()));
                }
                deriving = false;
                renamed = false;
            }
        }
    }
}

/// Two types of one name would be one schema in the document (the last registered wins, and
/// endpoints of the other would be documented with the wrong body).
#[test]
fn schema_names_are_unique() {
    let mut schemas = Vec::new();
    schemas_in_source(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut schemas,
    );
    assert!(schemas.len() > 100, "found only {} schemas", schemas.len());
    schemas.sort();
    let clashes: Vec<_> = schemas
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| format!("{} in {} and {}", w[0].0, w[0].1, w[1].1))
        .collect();
    assert!(
        clashes.is_empty(),
        "schema names declared twice: {clashes:#?}"
    );
}
