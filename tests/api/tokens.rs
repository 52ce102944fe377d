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
