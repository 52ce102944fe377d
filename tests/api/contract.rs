//! The document is the contract: every response a test receives through `TestApp` passes through
//! [`Contract`], which checks it against the served OpenAPI document (`/api/v1/openapi.json`,
//! fetched once per test binary) and fails the test on any drift:
//!
//! - the operation is found by method and path template (`/api/v1/bids/{id}`); a path no
//!   operation has must be answered with a problem+json 404 (405 for a known path's other method),
//!   but for a `GET` of the web client's (any path outside `/api`, `/docs`, `/health`, `/ready`,
//!   `/metrics`: its files and pages, checked in `web.rs`);
//! - the status is one the operation documents (or `default`);
//! - the content type is one documented for that status (none documented: the body is empty);
//! - a JSON body validates against the documented schema (`jsonschema`, draft 2020-12, formats
//!   checked), with the `$ref`s into `components/schemas` resolved in the document.
//!
//! Validators are compiled once per (operation, status, content type) and cached. The response
//! is buffered and handed on as a new `reqwest::Response`, so tests read it as before.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use http::Extensions;
use jsonschema::Validator;
use reqwest::{Method, Request, Response, StatusCode};
use reqwest_middleware::{Middleware, Next};
use serde_json::{Value, json};
use tokio::sync::OnceCell;

/// Served outside the document on purpose: the document itself and its viewer.
const OUTSIDE: &[&str] = &["/api/v1/openapi.json", "/docs"];

static DOCUMENT: OnceCell<Arc<Document>> = OnceCell::const_new();

/// The checking middleware of `TestApp`'s client.
pub struct Contract;

#[async_trait::async_trait]
impl Middleware for Contract {
    async fn handle(
        &self,
        req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let method = req.method().clone();
        let url = req.url().clone();
        let resp = next.run(req, extensions).await?;
        let path = url.path().to_string();
        // The web client's paths (files, its pages) are not the API's: tests/api/web.rs.
        let web_page = (method == Method::GET) && jiebang::http::web_client::is_client_path(&path);
        if method == Method::OPTIONS
            || method == Method::HEAD
            || web_page
            || OUTSIDE.iter().any(|o| path.starts_with(o))
        {
            return Ok(resp);
        }
        let origin = url.origin().ascii_serialization();
        let doc = DOCUMENT
            .get_or_try_init(|| Document::fetch(&origin))
            .await?
            .clone();

        let status = resp.status();
        let version = resp.version();
        let headers = resp.headers().clone();
        let body = resp.bytes().await?;
        if let Err(problem) = doc.check(&method, &path, status, &headers, &body[..]) {
            let report = format!(
                "response drifts from the OpenAPI document: {method} {path} → {status}: \
                 {problem}\nbody: {}",
                String::from_utf8_lossy(&body[..body.len().min(2000)])
            );
            // `CONTRACT_LOG=file` lists every drift in `file` instead of failing at the first.
            match std::env::var_os("CONTRACT_LOG") {
                Some(log) => {
                    use std::io::Write;
                    let mut file = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(log)
                        .expect("CONTRACT_LOG opens");
                    writeln!(file, "{report}\n").expect("CONTRACT_LOG written");
                }
                None => panic!("{report}"),
            }
        }
        let mut rebuilt = http::Response::builder().status(status).version(version);
        if let Some(h) = rebuilt.headers_mut() {
            *h = headers;
        }
        let rebuilt = rebuilt
            .body(body)
            .map_err(|e| reqwest_middleware::Error::Middleware(e.into()))?;
        Ok(Response::from(rebuilt))
    }
}

/// One operation's path, cut into segments: `None` for a `{parameter}`.
struct Route {
    template: String,
    segments: Vec<Option<String>>,
}

impl Route {
    fn new(template: &str) -> Self {
        Route {
            template: template.to_string(),
            segments: template
                .trim_start_matches('/')
                .split('/')
                .map(|s| (!s.starts_with('{')).then(|| s.to_string()))
                .collect(),
        }
    }

    /// How many literal segments match, when the path matches at all.
    fn matches(&self, path: &str) -> Option<usize> {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut literal = 0;
        for (segment, part) in self.segments.iter().zip(parts) {
            match segment {
                Some(s) if s == part => literal += 1,
                Some(_) => return None,
                None if part.is_empty() => return None,
                None => {}
            }
        }
        Some(literal)
    }
}

pub struct Document {
    doc: Value,
    routes: Vec<Route>,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

impl Document {
    async fn fetch(origin: &str) -> reqwest_middleware::Result<Arc<Document>> {
        let doc: Value = reqwest::get(format!("{origin}/api/v1/openapi.json"))
            .await?
            .json()
            .await?;
        Ok(Arc::new(Document::new(doc)))
    }

    pub fn new(doc: Value) -> Self {
        let routes = doc["paths"]
            .as_object()
            .map(|paths| paths.keys().map(|p| Route::new(p)).collect())
            .unwrap_or_default();
        Document {
            doc,
            routes,
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// The template of the operation `path` is an instance of: the one with the most literal
    /// segments (`/challenges/export` before `/challenges/{id}`).
    fn route(&self, path: &str) -> Option<&str> {
        self.routes
            .iter()
            .filter_map(|r| r.matches(path).map(|n| (n, r)))
            .max_by_key(|(n, _)| *n)
            .map(|(_, r)| r.template.as_str())
    }

    /// Checks one response; answers what is wrong with it.
    pub fn check(
        &self,
        method: &Method,
        path: &str,
        status: StatusCode,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
    ) -> Result<(), String> {
        let content_type = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            });
        let Some(template) = self.route(path) else {
            return self.unrouted(status, content_type.as_deref(), body, 404);
        };
        let method_key = method.as_str().to_ascii_lowercase();
        let op = &self.doc["paths"][template][&method_key];
        if !op.is_object() {
            return self.unrouted(status, content_type.as_deref(), body, 405);
        }
        let responses = &op["responses"];
        let code = status.as_str();
        let range = format!("{}XX", &code[..1]);
        let (key, response) = [code, range.as_str(), "default"]
            .into_iter()
            .find_map(|k| responses.get(k).map(|r| (k, r)))
            .ok_or_else(|| {
                let documented: Vec<&String> = responses
                    .as_object()
                    .map(|o| o.keys().collect())
                    .unwrap_or_default();
                format!("status {code} is not documented (documented: {documented:?})")
            })?;
        let response = self.resolve(response);
        let content = response["content"].as_object();
        let Some(content) = content.filter(|c| !c.is_empty()) else {
            return if body.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "{key} documents no body, yet one came ({content_type:?})"
                ))
            };
        };
        let Some(content_type) = content_type else {
            return Err(format!(
                "no content type; documented: {:?}",
                content.keys().collect::<Vec<_>>()
            ));
        };
        let Some((media, _)) = content
            .iter()
            .find(|(m, _)| m.split(';').next().unwrap_or("").trim() == content_type)
        else {
            return Err(format!(
                "content type {content_type} is not documented for {key}: {:?}",
                content.keys().collect::<Vec<_>>()
            ));
        };
        if !is_json(&content_type) {
            return Ok(());
        }
        let instance: Value = serde_json::from_slice(body)
            .map_err(|e| format!("{content_type} body does not parse: {e}"))?;
        let pointer = format!(
            "/paths/{}/{method_key}/responses/{key}/content/{}/schema",
            escape(template),
            escape(media)
        );
        self.validate(&pointer, &instance)
    }

    /// A response of a path or method no operation has: a problem+json 404 or 405.
    fn unrouted(
        &self,
        status: StatusCode,
        content_type: Option<&str>,
        body: &[u8],
        expected: u16,
    ) -> Result<(), String> {
        if status.as_u16() != expected {
            return Err(format!(
                "no documented operation, yet {status} (expected {expected})"
            ));
        }
        if content_type != Some("application/problem+json") {
            return Err(format!(
                "a {expected} is problem+json, not {content_type:?}"
            ));
        }
        let instance: Value =
            serde_json::from_slice(body).map_err(|e| format!("problem does not parse: {e}"))?;
        self.validate("/components/schemas/ProblemBody", &instance)
    }

    /// A response given as a `$ref` to `components/responses`, followed.
    fn resolve<'a>(&'a self, response: &'a Value) -> &'a Value {
        match response["$ref"].as_str() {
            Some(r) => self
                .doc
                .pointer(r.trim_start_matches('#'))
                .unwrap_or(response),
            None => response,
        }
    }

    fn validate(&self, pointer: &str, instance: &Value) -> Result<(), String> {
        let validator = self.validator(pointer)?;
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("at {}: {e}", e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "body does not match {pointer}:\n  {}",
                errors.join("\n  ")
            ))
        }
    }

    /// The compiled validator of the schema at `pointer` in the document, made once.
    fn validator(&self, pointer: &str) -> Result<Arc<Validator>, String> {
        if let Some(v) = self.validators.lock().unwrap().get(pointer) {
            return Ok(v.clone());
        }
        let schema = self
            .doc
            .pointer(pointer)
            .ok_or_else(|| format!("no schema at {pointer}"))?;
        // A schema document of its own: the schema, and the components its `$ref`s point into.
        let wrapper = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": "#/$defs/root",
            "$defs": {"root": schema},
            "components": {"schemas": self.doc["components"]["schemas"]},
        });
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&wrapper)
            .map_err(|e| format!("the schema at {pointer} does not compile: {e}"))?;
        let validator = Arc::new(validator);
        self.validators
            .lock()
            .unwrap()
            .insert(pointer.to_string(), validator.clone());
        Ok(validator)
    }
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

/// A JSON pointer's token: `~` and `/` escaped.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
