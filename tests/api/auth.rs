//! Registration and login.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, assert_problem, error_fields, new_uscc};

fn registration(email: &str, uscc: &str) -> Value {
    json!({
        "email": email,
        "password": PASSWORD,
        "display_name": "陈思远",
        "role": "solver",
        "organization": {"name": "海西大学材料学院", "uscc": uscc, "kind": "university"},
    })
}

#[tokio::test]
async fn register_then_login_answers_tokens_and_the_user() {
    let app = TestApp::spawn().await;
    let resp = app
        .post(
            "/api/v1/auth/register",
            &registration("Chen@Example.com", "91350200776049653A"),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let user: Value = resp.json().await.unwrap();
    assert_eq!(user["role"], "solver");
    assert_eq!(user["locale"], "zh-CN");
    assert_eq!(user["disabled"], false);
    assert_eq!(user["organization"]["uscc"], "91350200776049653A");
    assert_eq!(user["organization"]["kind"], "university");
    assert!(user.get("password_hash").is_none());

    // Email matching is case-insensitive.
    let resp = app.login("chen@example.COM", PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["refresh_token"].as_str().unwrap().len() >= 40);
    assert_eq!(body["user"]["id"], user["id"]);

    let me: Value = app
        .get("/api/v1/me", body["access_token"].as_str())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "Chen@Example.com");
}

#[tokio::test]
async fn a_second_account_joins_the_organisation_with_the_same_uscc() {
    let app = TestApp::spawn().await;
    let uscc = new_uscc();
    let first: Value = app
        .post(
            "/api/v1/auth/register",
            &registration("a@example.com", &uscc),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    // Lower case is normalised.
    let second: Value = app
        .post(
            "/api/v1/auth/register",
            &registration("b@example.com", &uscc.to_lowercase()),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["organization"]["id"], second["organization"]["id"]);
    // The founder is a member at once; the second waits for approval.
    assert_eq!(first["membership_pending"], false);
    assert_eq!(second["membership_pending"], true);
}

#[tokio::test]
async fn email_is_unique_case_insensitively() {
    let app = TestApp::spawn().await;
    let resp = app
        .post(
            "/api/v1/auth/register",
            &registration("dup@example.com", &new_uscc()),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let resp = app
        .post(
            "/api/v1/auth/register",
            &registration("DUP@example.com", &new_uscc()),
            None,
        )
        .await;
    let body = assert_problem(resp, 409, "email_taken").await;
    assert_eq!(error_fields(&body), vec!["email"]);
}

#[tokio::test]
async fn uscc_check_character_is_checked() {
    let app = TestApp::spawn().await;
    let resp = app
        .post(
            "/api/v1/auth/register",
            &registration("x@example.com", "91350203M0001QAY9B"),
            None,
        )
        .await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&body), vec!["organization.uscc"]);
    assert_eq!(body["errors"][0]["code"], "check_character");

    for (uscc, code) in [
        ("9135020077604965", "length"),
        ("91350200776049653I", "invalid_character"),
    ] {
        let resp = app
            .post(
                "/api/v1/auth/register",
                &registration("x@example.com", uscc),
                None,
            )
            .await;
        let body = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["code"], code, "{uscc}");
    }

    let resp = app
        .post(
            "/api/v1/auth/register",
            &registration("x@example.com", "91350200776049653A"),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn password_length_is_8_to_128_characters() {
    let app = TestApp::spawn().await;
    for (password, ok) in [
        ("1234567".to_string(), false),
        ("12345678".to_string(), true),
        ("密".repeat(128), true),
        ("x".repeat(129), false),
    ] {
        let mut body = registration(&format!("p{}@example.com", password.len()), &new_uscc());
        body["password"] = json!(password);
        let resp = app.post("/api/v1/auth/register", &body, None).await;
        if ok {
            assert_eq!(
                resp.status(),
                StatusCode::CREATED,
                "{} chars",
                password.chars().count()
            );
        } else {
            let body = assert_problem(resp, 422, "validation_failed").await;
            assert_eq!(error_fields(&body), vec!["password"]);
            assert_eq!(body["errors"][0]["code"], "length");
            // The password itself never comes back.
            assert!(!body.to_string().contains(&password));
        }
    }
}

#[tokio::test]
async fn only_issuers_and_solvers_register_themselves() {
    let app = TestApp::spawn().await;
    for role in ["admin", "expert"] {
        let mut body = registration("r@example.com", &new_uscc());
        body["role"] = json!(role);
        let body = assert_problem(
            app.post("/api/v1/auth/register", &body, None).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&body), vec!["role"]);
        assert_eq!(body["errors"][0]["code"], "not_allowed");
    }
    let mut body = registration("r@example.com", &new_uscc());
    body["role"] = json!("wizard");
    let body = assert_problem(
        app.post("/api/v1/auth/register", &body, None).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), vec!["role"]);
    assert_eq!(body["errors"][0]["code"], "invalid_choice");
}

#[tokio::test]
async fn invalid_fields_are_all_named() {
    let app = TestApp::spawn().await;
    let body = json!({
        "email": "not-an-email",
        "password": "short",
        "display_name": "   ",
        "role": "issuer",
        "organization": {"name": "", "uscc": "91350200776049653A", "kind": "enterprise"},
    });
    let body = assert_problem(
        app.post("/api/v1/auth/register", &body, None).await,
        422,
        "validation_failed",
    )
    .await;
    let fields: std::collections::BTreeSet<String> = error_fields(&body).into_iter().collect();
    let expected: std::collections::BTreeSet<String> =
        ["display_name", "email", "organization.name", "password"]
            .into_iter()
            .map(str::to_string)
            .collect();
    assert_eq!(fields, expected, "{body}");
}

#[tokio::test]
async fn login_failures_do_not_tell_whether_the_email_exists() {
    let app = TestApp::spawn().await;
    app.register("known@example.com", "issuer").await;
    let wrong_password = assert_problem(
        app.login("known@example.com", "wrong-password").await,
        401,
        "invalid_credentials",
    )
    .await;
    let unknown_email = assert_problem(
        app.login("unknown@example.com", "wrong-password").await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_eq!(wrong_password, unknown_email);
}

#[tokio::test]
async fn login_attempts_are_limited_per_account() {
    let app = TestApp::spawn_with(|s| {
        s.auth.login_attempts_per_account_per_minute = 3;
        s.auth.login_attempts_per_address_per_minute = 100;
    })
    .await;
    app.register("target@example.com", "solver").await;
    for _ in 0..3 {
        assert_problem(
            app.login("target@example.com", "wrong-password").await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    // Even the right password is refused now, and other spellings of the email count too.
    let resp = app.login("TARGET@example.com", PASSWORD).await;
    let retry_after: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_problem(resp, 429, "rate_limited").await;
    // Another account from the same address is not affected.
    app.register("other@example.com", "solver").await;
    assert_eq!(
        app.login("other@example.com", PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn login_attempts_are_limited_per_address() {
    let app = TestApp::spawn_with(|s| {
        s.auth.login_attempts_per_account_per_minute = 100;
        s.auth.login_attempts_per_address_per_minute = 3;
    })
    .await;
    for i in 0..3 {
        assert_problem(
            app.login(&format!("u{i}@example.com"), "wrong-password")
                .await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    let resp = app.login("u9@example.com", "wrong-password").await;
    assert!(resp.headers().contains_key("retry-after"));
    assert_problem(resp, 429, "rate_limited").await;
}
