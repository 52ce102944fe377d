//! The OpenAPI document lists every route the server serves, and nothing it does not.

use std::collections::BTreeSet;
use std::path::Path;

use reqwest::StatusCode;
use serde_json::{Value, json};

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
    // Generated clients name their calls by operationId: two alike and one hides the other.
    let mut ids = BTreeSet::new();
    for (method, path, op) in &ops {
        let id = op["operationId"].as_str().unwrap_or_default().to_string();
        assert!(
            ids.insert(id.clone()),
            "{method} {path}: operationId {id:?} twice"
        );
    }
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
            for code in ["400", "408", "413", "415", "422"] {
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
        let mut vocabulary = false;
        for line in text.lines().map(str::trim) {
            // `db_enum!(Name { … })` derives `ToSchema` too.
            if line.starts_with("db_enum!(") {
                vocabulary = true;
                continue;
            }
            if vocabulary && !line.starts_with("//") && !line.starts_with('#') {
                if let Some(name) = line.strip_suffix(" {") {
                    out.push((name.to_string(), path.display().to_string()));
                }
                vocabulary = false;
                continue;
            }
            if line.starts_with("#[derive(") && line.contains("ToSchema") {
                deriving = true;
            } else if let (true, Some(rest)) = (deriving, line.strip_prefix("#[schema(as = ")) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push((name, path.display().to_string()));
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

/// Every operation of the document, with its method in lower case as the document keys it.
fn each_operation(doc: &Value) -> impl Iterator<Item = (String, &Value)> {
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .iter()
                .map(move |(method, op)| (format!("{} {path}", method.to_uppercase()), op))
        })
}

fn collect_refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                out.push(r);
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The classes of mistakes finding 11 of issue 14 found, checked over the whole document: a
/// `$ref` to nothing, a list without its 422, a token without its 401, an optional body that
/// claims to accept `null`, an unbounded page.
#[tokio::test]
async fn the_document_is_consistent() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(refs.len() > 100, "{}", refs.len());
    for r in refs {
        let target = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{r} is not local"));
        assert!(doc.pointer(target).is_some(), "{r} points to nothing");
    }
    let mut checked = 0;
    for (name, op) in each_operation(&doc) {
        let responses = op["responses"].as_object().unwrap();
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        if params.iter().any(|p| p["in"] == "query") {
            assert!(
                responses.contains_key("422"),
                "{name} takes a query but lacks 422"
            );
            checked += 1;
        }
        if params
            .iter()
            .any(|p| p["in"] == "path" && p["schema"]["format"] == "uuid")
        {
            assert!(
                responses.contains_key("404"),
                "{name} takes an id but lacks 404"
            );
        }
        for p in &params {
            let bounds = match p["name"].as_str() {
                Some("page") => (1, 1_000_000),
                Some("per_page") => (1, 100),
                _ => continue,
            };
            assert_eq!(
                (&p["schema"]["minimum"], &p["schema"]["maximum"]),
                (&json!(bounds.0), &json!(bounds.1)),
                "{name}: {} unbounded",
                p["name"]
            );
        }
        let takes_token = op["security"]
            .as_array()
            .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
        if takes_token {
            assert!(
                responses.contains_key("401"),
                "{name} takes a token but lacks 401"
            );
        }
        if let Some(body) = op.get("requestBody") {
            for (media, content) in body["content"].as_object().unwrap() {
                let schema = content["schema"].to_string();
                assert!(
                    !schema.contains(r#"{"type":"null"}"#),
                    "{name}: the {media} body is documented as accepting null: {schema}"
                );
            }
        }
    }
    assert!(checked >= 15, "only {checked} operations take a query");
}

/// A number in Rust source: `100_000_000_000_i64` is 100000000000.
fn rust_number(text: &str) -> i64 {
    let digits: String = text
        .split(['i', 'u'])
        .next()
        .unwrap()
        .chars()
        .filter(|c| *c != '_')
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("{text} is not a literal"))
}

/// `(schema name, field, keyword, bound)` for each `length`/`range` bound of a `#[validate]`
/// attribute in `src/`: the bounds the server enforces, which the document must state.
fn validated_bounds(dir: &Path, out: &mut Vec<(String, String, &'static str, i64)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            validated_bounds(&path, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut schema = String::new();
        let mut attributes: Vec<String> = Vec::new();
        let mut open = String::new();
        for line in text.lines().map(str::trim) {
            if !open.is_empty() || line.starts_with("#[") {
                open.push_str(line);
                if open.matches('[').count() > open.matches(']').count() {
                    continue;
                }
                attributes.push(std::mem::take(&mut open));
                continue;
            }
            if line.starts_with("//") || line.is_empty() {
                continue;
            }
            let declared = ["pub struct ", "struct "]
                .iter()
                .find_map(|p| line.strip_prefix(p));
            if let Some(rest) = declared {
                schema = attributes
                    .iter()
                    .find_map(|a| a.strip_prefix("#[schema(as = "))
                    .map(|r| r.split([')', ',']).next().unwrap().trim().to_string())
                    .unwrap_or_else(|| {
                        rest.chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect()
                    });
                attributes.clear();
                continue;
            }
            let field = line
                .trim_start_matches("pub ")
                .split_once(": ")
                .filter(|(name, _)| name.chars().all(|c| c.is_alphanumeric() || c == '_'));
            if let (Some((name, ty)), Some(validate)) = (
                field,
                attributes.iter().find(|a| a.starts_with("#[validate(")),
            ) {
                let ty = ty.trim_end_matches(',');
                let inner = ty
                    .strip_prefix("Option<")
                    .and_then(|t| t.strip_suffix('>'))
                    .unwrap_or(ty);
                for (function, keywords) in [
                    (
                        "length(",
                        if inner.starts_with("Vec<") {
                            ("minItems", "maxItems")
                        } else {
                            ("minLength", "maxLength")
                        },
                    ),
                    ("range(", ("minimum", "maximum")),
                ] {
                    let Some(args) = validate.split(function).nth(1) else {
                        continue;
                    };
                    let args = args.split(')').next().unwrap();
                    for arg in args.split(',') {
                        let Some((key, value)) = arg.trim().split_once(" = ") else {
                            continue;
                        };
                        let keyword = match key {
                            "min" => keywords.0,
                            "max" => keywords.1,
                            _ => continue,
                        };
                        out.push((
                            schema.clone(),
                            name.to_string(),
                            keyword,
                            rust_number(value),
                        ));
                    }
                }
            }
            attributes.clear();
        }
    }
}

/// The bounds the server enforces (`#[validate(length(…), range(…))]`) are those the document
/// states (`minLength`, `maxItems`, `maximum`…): a client generated from it refuses what the
/// server would.
#[tokio::test]
async fn the_documented_bounds_are_the_validated_ones() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let mut bounds = Vec::new();
    validated_bounds(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut bounds,
    );
    assert!(bounds.len() > 100, "found only {} bounds", bounds.len());
    let mut wrong = Vec::new();
    for (schema, field, keyword, bound) in bounds {
        let property = &doc["components"]["schemas"][&schema]["properties"][&field];
        if property.is_null() {
            wrong.push(format!("{schema}.{field}: not in the document"));
        } else if property[keyword] != json!(bound) {
            wrong.push(format!(
                "{schema}.{field}: {keyword} is {} in the document, {bound} in the validation",
                property[keyword]
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The check every response of the suite passes ([`crate::contract`]) refuses what drifts.
#[tokio::test]
async fn the_contract_check_refuses_drift() {
    let app = TestApp::spawn().await;
    let doc = crate::contract::Document::new(document(&app).await);
    let of_type = |media: &str| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("content-type", media.parse().unwrap());
        headers
    };
    let json = of_type("application/json");
    let text = of_type("text/plain");
    let check = |method: reqwest::Method, path: &str, status: u16, headers, body: &[u8]| {
        doc.check(
            &method,
            path,
            StatusCode::from_u16(status).unwrap(),
            headers,
            body,
        )
    };
    let get = || reqwest::Method::GET;
    let page = |item: &str| format!(r#"{{"items":[{item}],"total":1,"page":1,"per_page":20}}"#);
    // What the server answers passes.
    check(get(), "/health", 200, &json, br#"{"status":"ok"}"#).unwrap();
    check(get(), "/api/v1/challenges", 200, &json, page("").as_bytes()).unwrap();
    // A body of another shape, also behind a `$ref`; a malformed date-time.
    let problem = check(get(), "/health", 200, &json, br#"{"status":1}"#).unwrap_err();
    assert!(problem.contains("/status"), "{problem}");
    assert!(
        check(
            get(),
            "/api/v1/challenges",
            200,
            &json,
            page("{}").as_bytes()
        )
        .is_err()
    );
    let event = |at: &str| {
        format!(r#"[{{"id":1,"action":"create","to_status":"draft","data":{{}},"at":"{at}"}}]"#)
    };
    let path = format!("/api/v1/challenges/{}/events", uuid::Uuid::new_v4());
    check(
        get(),
        &path,
        200,
        &json,
        event("2026-11-28T03:00:00Z").as_bytes(),
    )
    .unwrap();
    let problem = check(get(), &path, 200, &json, event("yesterday").as_bytes()).unwrap_err();
    assert!(problem.contains("date-time"), "{problem}");
    // A status or a content type the operation does not document.
    let problem = check(get(), "/health", 418, &json, b"{}").unwrap_err();
    assert!(problem.contains("not documented"), "{problem}");
    let problem = check(get(), "/health", 200, &text, b"ok").unwrap_err();
    assert!(problem.contains("text/plain"), "{problem}");
    // A path or method no operation has is a problem+json 404 or 405, nothing else.
    assert!(check(get(), "/api/v1/nothing", 200, &json, b"{}").is_err());
    assert!(check(reqwest::Method::DELETE, "/health", 200, &json, b"{}").is_err());
    // Through `TestApp`, the real 404 and 405 pass.
    assert_eq!(app.get("/api/v1/nothing", None).await.status(), 404);
    let resp = app.client.delete(app.url("/health")).send().await.unwrap();
    assert_eq!(resp.status(), 405);
}

/// The web client's API types are generated from `web/openapi.json` (`npm run api` in web/); that
/// copy must be the served document, so a change to the API cannot leave the client's types behind.
/// `UPDATE_WEB_OPENAPI=1 cargo test --test api openapi` rewrites it (then run `npm run api` in web/).
#[tokio::test]
async fn the_web_clients_copy_of_the_document_is_the_served_one() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("web/openapi.json");
    if std::env::var_os("UPDATE_WEB_OPENAPI").is_some() {
        let mut text = serde_json::to_string_pretty(&doc).unwrap();
        text.push('\n');
        std::fs::write(&path, text).unwrap();
    }
    let copy: Value = serde_json::from_str(
        &std::fs::read_to_string(&path).expect("web/openapi.json (UPDATE_WEB_OPENAPI=1 writes it)"),
    )
    .expect("web/openapi.json is JSON");
    assert!(
        copy == doc,
        "web/openapi.json differs from the served document: run \
         `UPDATE_WEB_OPENAPI=1 cargo test --test api openapi` then `npm run api` in web/"
    );
}
