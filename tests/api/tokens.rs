//! Access tokens, refresh-token rotation, reuse detection, logout, revocation and roles.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::helpers::{
    PASSWORD, TestApp, Tokens, assert_problem, assert_signed_out, assert_status,
    assert_token_refused, assert_token_works,
};

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_family() {
    let app = TestApp::spawn().await;
    let first = app.solver().await;

    let second = Tokens::from(&assert_status(app.refresh(&first.refresh).await, 200).await);
    assert_ne!(second.refresh, first.refresh);
    assert_ne!(second.access, first.access);
    assert_token_works(&app, &second.access).await;

    // The spent token again: someone holds a copy. The whole family goes.
    assert_problem(
        app.refresh(&first.refresh).await,
        401,
        "refresh_token_reused",
    )
    .await;
    assert_problem(
        app.refresh(&second.refresh).await,
        401,
        "invalid_refresh_token",
    )
    .await;
    assert_token_refused(&app, &second.access).await;
    assert_token_refused(&app, &first.access).await;

    // Another login of the same account is a separate family and keeps working.
    let other = app.solver().await;
    assert_token_works(&app, &other.access).await;
}

#[tokio::test]
async fn concurrent_refreshes_of_one_token_rotate_it_at_most_once() {
    let app = TestApp::spawn().await;
    let tokens = app.solver().await;
    let (a, b) = tokio::join!(app.refresh(&tokens.refresh), app.refresh(&tokens.refresh));
    let statuses = [a.status(), b.status()];
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert!(statuses.contains(&StatusCode::UNAUTHORIZED));
}

#[tokio::test]
async fn unknown_refresh_tokens_are_refused() {
    let app = TestApp::spawn().await;
    assert_problem(
        app.refresh("not-a-token").await,
        401,
        "invalid_refresh_token",
    )
    .await;
}

#[tokio::test]
async fn logout_revokes_access_and_refresh_tokens() {
    let app = TestApp::spawn().await;
    let tokens = app.solver().await;
    let resp = app
        .post("/api/v1/auth/logout", &json!({}), Some(&tokens.access))
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_signed_out(&app, &tokens).await;
}

#[tokio::test]
async fn logout_with_only_the_refresh_token() {
    let app = TestApp::spawn().await;
    let tokens = app.solver().await;
    let resp = app
        .post(
            "/api/v1/auth/logout",
            &json!({"refresh_token": tokens.refresh}),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_token_refused(&app, &tokens.access).await;
    // Without any credential, logout is a 401.
    assert_problem(
        app.post("/api/v1/auth/logout", &json!({}), None).await,
        401,
        "unauthenticated",
    )
    .await;
}

/// Claims of a real token, to be altered.
fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn sign(app: &TestApp, claims: &Value) -> String {
    let secret = app
        .state
        .settings
        .auth
        .jwt_secret
        .expose_secret()
        .as_bytes()
        .to_vec();
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(&secret),
    )
    .unwrap()
}

#[tokio::test]
async fn forged_and_altered_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let tokens = app.solver().await;
    let claims = claims_of(&tokens.access);
    let now = Utc::now().timestamp();

    // Re-signed with the right key but changed claims: each must be refused.
    let mut expired = claims.clone();
    expired["iat"] = json!(now - 3600);
    expired["exp"] = json!(now - 1800);
    let mut wrong_audience = claims.clone();
    wrong_audience["aud"] = json!("someone-else");
    let mut wrong_issuer = claims.clone();
    wrong_issuer["iss"] = json!("evil");
    let mut future_iat = claims.clone();
    future_iat["iat"] = json!(now + 3600);
    future_iat["exp"] = json!(now + 7200);
    let mut no_jti = claims.clone();
    no_jti.as_object_mut().unwrap().remove("jti");
    let mut no_exp = claims.clone();
    no_exp.as_object_mut().unwrap().remove("exp");
    let mut other_session = claims.clone();
    other_session["sid"] = json!(uuid::Uuid::new_v4());

    // Sanity: the unaltered claims, re-signed, are accepted.
    assert_token_works(&app, &sign(&app, &claims)).await;

    let mut forged: Vec<(&str, String)> = vec![
        ("expired", sign(&app, &expired)),
        ("wrong audience", sign(&app, &wrong_audience)),
        ("wrong issuer", sign(&app, &wrong_issuer)),
        ("issued in the future", sign(&app, &future_iat)),
        ("no jti", sign(&app, &no_jti)),
        ("no exp", sign(&app, &no_exp)),
        ("unknown session", sign(&app, &other_session)),
    ];

    // Signed with another key.
    forged.push((
        "other key",
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(b"another-secret-another-secret-xx"),
        )
        .unwrap(),
    ));
    // Tampered payload, original signature.
    let parts: Vec<&str> = tokens.access.split('.').collect();
    let mut elevated = claims.clone();
    elevated["role"] = json!("admin");
    let tampered_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&elevated).unwrap());
    forged.push((
        "tampered",
        format!("{}.{}.{}", parts[0], tampered_payload, parts[2]),
    ));
    // `alg: none`, unsigned.
    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    forged.push(("alg none", format!("{none_header}.{}.", parts[1])));
    // Another algorithm family.
    let hs512 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS512),
        &claims,
        &EncodingKey::from_secret(
            app.state
                .settings
                .auth
                .jwt_secret
                .expose_secret()
                .as_bytes(),
        ),
    )
    .unwrap();
    forged.push(("HS512", hs512));
    forged.push(("garbage", "abc.def.ghi".to_string()));

    for (what, token) in forged {
        let resp = app.get("/api/v1/me", Some(&token)).await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{what}");
        assert_problem(resp, 401, "invalid_token").await;
    }

    assert_problem(app.get("/api/v1/me", None).await, 401, "unauthenticated").await;
    let resp = app
        .client
        .get(app.url("/api/v1/me"))
        .header("Authorization", format!("Basic {}", tokens.access))
        .send()
        .await
        .unwrap();
    assert_problem(resp, 401, "unauthenticated").await;
}

#[tokio::test]
async fn roles_are_enforced() {
    let app = TestApp::spawn().await;
    let solver = app.solver().await;
    let resp = app.get("/api/v1/users", Some(&solver.access)).await;
    assert_problem(resp, 403, "forbidden").await;
    let new_admin = json!({"email": "e@example.com", "password": "12345678", "display_name": "x", "role": "admin"});
    let resp = app
        .post("/api/v1/users", &new_admin, Some(&solver.access))
        .await;
    assert_problem(resp, 403, "forbidden").await;
    let admin = app.admin().await;
    app.get_ok("/api/v1/users", Some(&admin.access)).await;
}

#[tokio::test]
async fn a_disabled_account_is_locked_out_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let email = "to-disable@example.com";
    app.register(email, "issuer").await;
    let victim = app.login_ok(email).await;

    let path = format!("/api/v1/users/{}", victim.user_id);
    let disable = async |disabled: bool| {
        let resp = app
            .patch(&path, &json!({"disabled": disabled}), Some(&admin.access))
            .await;
        assert_status(resp, 200).await
    };
    assert_eq!(disable(true).await["disabled"], true);

    assert_signed_out(&app, &victim).await;
    app.assert_login_refused(email, PASSWORD, "account_disabled")
        .await;
    // A wrong password still says only "wrong email or password".
    app.assert_login_refused(email, "wrong-password", "invalid_credentials")
        .await;

    disable(false).await;
    assert_status(app.login(email, PASSWORD).await, 200).await;
}

// --- Cookie mode (the web client): the refresh token in an HttpOnly cookie. ---

/// The test server's public URL (config/test.toml): its origin is the web client's.
const OWN_ORIGIN: &str = "http://127.0.0.1:8080";

/// The `jiebang_refresh` cookie a response sets, as sent.
fn set_cookie(resp: &reqwest::Response) -> String {
    let cookies: Vec<&str> = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .filter(|v| v.starts_with("jiebang_refresh="))
        .collect();
    assert_eq!(cookies.len(), 1, "{:?}", resp.headers());
    cookies[0].to_string()
}

/// The value of a `Set-Cookie` line.
fn value_of(set_cookie: &str) -> String {
    let pair = set_cookie.split(';').next().unwrap();
    pair.trim_start_matches("jiebang_refresh=").to_string()
}

/// The attributes of a `Set-Cookie` line, as written.
fn attributes(set_cookie: &str) -> Vec<String> {
    set_cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_string())
        .collect()
}

/// Logs in `email` in cookie mode; answers the body and the cookie's value.
async fn cookie_login(app: &TestApp, email: &str) -> (Value, String, Vec<String>) {
    let body = json!({"email": email, "password": PASSWORD, "refresh_in_cookie": true});
    let resp = app.post("/api/v1/auth/login", &body, None).await;
    let line = set_cookie(&resp);
    let body = assert_status(resp, 200).await;
    (body, value_of(&line), attributes(&line))
}

/// A solver registered (not logged in); answers the email.
async fn a_solver(app: &TestApp) -> String {
    let email = format!("cookie-{}@example.com", uuid::Uuid::new_v4().simple());
    app.register(&email, "solver").await;
    email
}

/// `POST path` as the web client sends it: the cookie, `{}` as JSON, its own origin.
fn from_the_client(app: &TestApp, path: &str, cookie: &str) -> reqwest_middleware::RequestBuilder {
    from_origin(app, path, cookie, OWN_ORIGIN)
}

/// `POST path` with the cookie and `{}` as JSON, from a page of `origin`.
fn from_origin(
    app: &TestApp,
    path: &str,
    cookie: &str,
    origin: &str,
) -> reqwest_middleware::RequestBuilder {
    app.client
        .post(app.url(path))
        .header("cookie", format!("jiebang_refresh={cookie}"))
        .header("origin", origin)
        .json(&json!({}))
}

#[tokio::test]
async fn cookie_mode_puts_the_refresh_token_in_an_http_only_cookie() {
    let app = TestApp::spawn().await;
    let email = a_solver(&app).await;
    let (body, cookie, attributes) = cookie_login(&app, &email).await;
    assert!(body.get("refresh_token").is_none(), "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_token_works(&app, body["access_token"].as_str().unwrap()).await;
    assert!(cookie.len() >= 40, "{cookie}");

    let ttl = app.state.settings.auth.refresh_token_ttl_days * 86_400;
    for expected in [
        "HttpOnly".to_string(),
        "SameSite=Strict".to_string(),
        "Path=/api/v1/auth".to_string(),
        format!("Max-Age={ttl}"),
    ] {
        assert!(attributes.contains(&expected), "{expected}: {attributes:?}");
    }
    // The public URL is http here: no Secure, or the browser would never send it back.
    assert!(!attributes.iter().any(|a| a == "Secure"), "{attributes:?}");

    // Body mode is unchanged: the token in the body, no cookie.
    let resp = app.login(&email, PASSWORD).await;
    assert!(resp.headers().get("set-cookie").is_none());
    let tokens = Tokens::from(&assert_status(resp, 200).await);
    assert_status(app.refresh(&tokens.refresh).await, 200).await;
}

#[tokio::test]
async fn the_cookie_is_secure_where_the_public_url_is_https() {
    let public = "https://jiebang.example.gov.cn";
    let app = TestApp::spawn_with(|s| s.server.public_url = Some(public.to_string())).await;
    let email = a_solver(&app).await;
    let (_, cookie, attributes) = cookie_login(&app, &email).await;
    assert!(attributes.iter().any(|a| a == "Secure"), "{attributes:?}");

    // The origin that counts is the public URL's.
    let resp = from_the_client(&app, "/api/v1/auth/refresh", &cookie)
        .send()
        .await
        .unwrap();
    assert_problem(resp, 403, "cross_site_request").await;
    let resp = from_origin(&app, "/api/v1/auth/refresh", &cookie, public)
        .send()
        .await
        .unwrap();
    assert!(attributes_of(&resp).iter().any(|a| a == "Secure"));
    assert_status(resp, 200).await;
}

fn attributes_of(resp: &reqwest::Response) -> Vec<String> {
    attributes(&set_cookie(resp))
}

#[tokio::test]
async fn a_refresh_from_the_cookie_rotates_it_and_reuse_revokes_the_family() {
    let app = TestApp::spawn().await;
    let email = a_solver(&app).await;
    let (login, first, _) = cookie_login(&app, &email).await;
    let first_access = login["access_token"].as_str().unwrap().to_string();

    let resp = from_the_client(&app, "/api/v1/auth/refresh", &first)
        .send()
        .await
        .unwrap();
    let line = set_cookie(&resp);
    let second = value_of(&line);
    assert_ne!(second, first);
    assert!(attributes(&line).contains(&"Path=/api/v1/auth".to_string()));
    let body = assert_status(resp, 200).await;
    assert!(body.get("refresh_token").is_none(), "{body}");
    let second_access = body["access_token"].as_str().unwrap().to_string();
    assert_ne!(second_access, first_access);
    assert_token_works(&app, &second_access).await;

    // The spent cookie again: the whole family goes, the new one with it; each refusal clears
    // the cookie (it can never be spent again), in the language asked for.
    let resp = from_the_client(&app, "/api/v1/auth/refresh", &first)
        .send()
        .await
        .unwrap();
    assert!(attributes_of(&resp).contains(&"Max-Age=0".to_string()));
    assert_problem(resp, 401, "refresh_token_reused").await;
    let resp = from_the_client(&app, "/api/v1/auth/refresh", &second)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(value_of(&set_cookie(&resp)), "");
    let problem = assert_problem(resp, 401, "invalid_refresh_token").await;
    assert!(
        problem["title"].as_str().unwrap().is_ascii(),
        "rendered in English: {problem}"
    );
    assert_token_refused(&app, &second_access).await;
    assert_token_refused(&app, &first_access).await;

    // Neither a token in the body nor a cookie.
    let resp = app.post("/api/v1/auth/refresh", &json!({}), None).await;
    assert_problem(resp, 401, "unauthenticated").await;
}

#[tokio::test]
async fn the_cookie_is_refused_to_other_sites_and_to_requests_without_json() {
    let app = TestApp::spawn().await;
    let email = a_solver(&app).await;
    let (_, cookie, _) = cookie_login(&app, &email).await;
    let refresh = "/api/v1/auth/refresh";

    for origin in ["https://evil.example.com", "http://127.0.0.1:9999", "null"] {
        let resp = from_origin(&app, refresh, &cookie, origin)
            .send()
            .await
            .unwrap();
        assert!(resp.headers().get("set-cookie").is_none());
        let problem = assert_problem(resp, 403, "cross_site_request").await;
        assert!(!problem["title"].as_str().unwrap().is_empty());
    }
    // What a form or a "simple" request can send: no JSON content type.
    for (content_type, body) in [
        ("application/x-www-form-urlencoded", "a=1"),
        ("text/plain", "{}"),
        ("multipart/form-data; boundary=x", "--x--"),
    ] {
        let resp = app
            .client
            .post(app.url(refresh))
            .header("cookie", format!("jiebang_refresh={cookie}"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_problem(resp, 403, "cross_site_request").await;
    }
    let resp = app
        .client
        .post(app.url(refresh))
        .header("cookie", format!("jiebang_refresh={cookie}"))
        .send()
        .await
        .unwrap();
    assert_problem(resp, 403, "cross_site_request").await;
    let logout = "/api/v1/auth/logout";
    let resp = from_origin(&app, logout, &cookie, "https://evil.example.com")
        .send()
        .await
        .unwrap();
    assert_problem(resp, 403, "cross_site_request").await;
    // Two origins, one of them ours: still refused.
    let resp = from_the_client(&app, refresh, &cookie)
        .header("origin", "https://evil.example.com")
        .send()
        .await
        .unwrap();
    assert_problem(resp, 403, "cross_site_request").await;

    // None of these spent it; without an Origin (some same-origin requests) it works.
    let resp = app
        .client
        .post(app.url(refresh))
        .header("cookie", format!("jiebang_refresh={cookie}"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_status(resp, 200).await;
}

#[tokio::test]
async fn logout_from_the_cookie_revokes_the_session_and_clears_the_cookie() {
    let app = TestApp::spawn().await;
    let email = a_solver(&app).await;
    let (login, cookie, _) = cookie_login(&app, &email).await;
    let access = login["access_token"].as_str().unwrap().to_string();

    let resp = from_the_client(&app, "/api/v1/auth/logout", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let line = set_cookie(&resp);
    assert_eq!(value_of(&line), "");
    let attributes = attributes(&line);
    assert!(
        attributes.contains(&"Max-Age=0".to_string()),
        "{attributes:?}"
    );
    assert!(
        attributes.contains(&"Path=/api/v1/auth".to_string()),
        "{attributes:?}"
    );
    assert_token_refused(&app, &access).await;
    let resp = from_the_client(&app, "/api/v1/auth/refresh", &cookie)
        .send()
        .await
        .unwrap();
    assert_problem(resp, 401, "invalid_refresh_token").await;
    // Logging out with a cookie of no session and no token: refused, and the cookie cleared.
    let resp = from_the_client(&app, "/api/v1/auth/logout", "no-such-token")
        .send()
        .await
        .unwrap();
    assert!(attributes_of(&resp).contains(&"Max-Age=0".to_string()));
    assert_problem(resp, 401, "unauthenticated").await;

    // With the access token too (the web client sends both): both end, the cookie is cleared.
    let (login, cookie, _) = cookie_login(&app, &email).await;
    let access = login["access_token"].as_str().unwrap().to_string();
    let resp = from_the_client(&app, "/api/v1/auth/logout", &cookie)
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(attributes_of(&resp).contains(&"Max-Age=0".to_string()));
    assert_token_refused(&app, &access).await;

    // Body mode sets no cookie.
    let tokens = app.login_ok(&email).await;
    let resp = app
        .post("/api/v1/auth/logout", &json!({}), Some(&tokens.access))
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(resp.headers().get("set-cookie").is_none());
}
