//! The application driven in process (`actix_web::test`) for the demo story: every step goes
//! through the same routes, extractors, rules, audit and notices as a request would, without a
//! listening socket. Each call answers the JSON body of a 2xx, or an error naming the request
//! and the problem the application answered.

use std::rc::Rc;

use actix_web::dev::Service;
use actix_web::http::{Method, StatusCode, header};
use actix_web::test::{self, TestRequest};
use actix_web::web::{Bytes, Data};
use futures_util::future::LocalBoxFuture;
use serde_json::{Value, json};

use crate::state::AppState;

type Call = Box<dyn Fn(actix_http::Request) -> LocalBoxFuture<'static, (StatusCode, Bytes)>>;

pub struct Api {
    call: Call,
}

/// A logged-in account: its access token and id.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub user_id: uuid::Uuid,
}

impl Api {
    pub async fn new(state: Data<AppState>) -> Api {
        // No web client in process: the story calls the API only.
        let web_client = Data::new(crate::http::web_client::WebClient::new(
            &state.settings.server.web_dir,
        ));
        let service = Rc::new(test::init_service(crate::startup::app(state, web_client)).await);
        let call: Call = Box::new(move |req| {
            let service = service.clone();
            Box::pin(async move {
                match service.call(req).await {
                    Ok(resp) => {
                        let status = resp.status();
                        (status, test::read_body(resp).await)
                    }
                    Err(e) => {
                        let resp = e.error_response();
                        let status = resp.status();
                        let body = actix_web::body::to_bytes(resp.into_body())
                            .await
                            .unwrap_or_default();
                        (status, body)
                    }
                }
            })
        });
        Api { call }
    }

    async fn send(&self, req: TestRequest, what: String) -> anyhow::Result<Value> {
        let (status, body) = (self.call)(req.to_request()).await;
        if !status.is_success() {
            anyhow::bail!("{what}: {status} {}", String::from_utf8_lossy(&body));
        }
        if body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&body).map_err(|e| anyhow::anyhow!("{what}: {e}"))
    }

    fn request(method: Method, path: &str, token: Option<&str>) -> TestRequest {
        let mut req = TestRequest::default().method(method).uri(path);
        if let Some(token) = token {
            req = req.insert_header((header::AUTHORIZATION, format!("Bearer {token}")));
        }
        req
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> anyhow::Result<Value> {
        let req = Self::request(Method::GET, path, token);
        self.send(req, format!("GET {path}")).await
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> anyhow::Result<Value> {
        let req = Self::request(Method::POST, path, Some(token)).set_json(body);
        self.send(req, format!("POST {path}")).await
    }

    pub async fn put(&self, path: &str, token: &str, body: &Value) -> anyhow::Result<Value> {
        let req = Self::request(Method::PUT, path, Some(token)).set_json(body);
        self.send(req, format!("PUT {path}")).await
    }

    /// Uploads `bytes` as the file `name` (a raw body) to an upload endpoint such as
    /// `/api/v1/bids/{id}/documents`; answers the document.
    pub async fn upload(
        &self,
        path: &str,
        token: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> anyhow::Result<Value> {
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("name", name)
            .finish();
        let uri = format!("{path}?{query}");
        let req = Self::request(Method::POST, &uri, Some(token))
            .insert_header((header::CONTENT_TYPE, "application/octet-stream"))
            .set_payload(bytes);
        self.send(req, format!("POST {path} ({name})")).await
    }

    /// `POST /auth/login`.
    pub async fn login(&self, email: &str, password: &str) -> anyhow::Result<Session> {
        let path = "/api/v1/auth/login";
        let body = json!({"email": email, "password": password});
        let req = Self::request(Method::POST, path, None).set_json(&body);
        let answer = self.send(req, format!("POST {path} ({email})")).await?;
        let token = answer["access_token"]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("login {email}: no access_token"))?
            .to_string();
        let user_id = uuid_of(&answer["user"])?;
        Ok(Session { token, user_id })
    }
}

/// The `id` of an answer.
pub fn uuid_of(value: &Value) -> anyhow::Result<uuid::Uuid> {
    value["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no id in {value}"))
}
