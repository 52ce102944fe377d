//! Registration and login.

use serde_json::{Value, json};

use crate::helpers::{
    PASSWORD, Registration, TestApp, assert_problem, assert_status, error_fields, new_uscc,
};

/// 陈思远's registration as a solver of 海西大学材料学院 (a university) with this USCC.
fn registration(email: &str, uscc: &str) -> Value {
    Registration::new("solver")
        .email(email)
        .name("陈思远")
        .org("海西大学材料学院", uscc)
        .kind("university")
        .body
}

async fn register(app: &TestApp, body: &Value) -> reqwest::Response {
    app.post("/api/v1/auth/register", body, None).await
}

#[tokio::test]
async fn register_then_login_answers_tokens_and_the_user() {
    let app = TestApp::spawn().await;
    let body = registration("Chen@Example.com", "91350200776049653A");
    let user = assert_status(register(&app, &body).await, 201).await;
    assert_eq!(user["role"], "solver");
    assert_eq!(user["locale"], "zh-CN");
    assert_eq!(user["disabled"], false);
    assert_eq!(user["organization"]["uscc"], "91350200776049653A");
    assert_eq!(user["organization"]["kind"], "university");
    assert!(user.get("password_hash").is_none());

    // Email matching is case-insensitive.
    let body = assert_status(app.login("chen@example.COM", PASSWORD).await, 200).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["refresh_token"].as_str().unwrap().len() >= 40);
    assert_eq!(body["user"]["id"], user["id"]);

    let me = app
        .get_ok("/api/v1/me", body["access_token"].as_str())
        .await;
    assert_eq!(me["email"], "Chen@Example.com");
}

#[tokio::test]
async fn a_second_account_joins_the_organisation_with_the_same_uscc() {
    let app = TestApp::spawn().await;
    let uscc = new_uscc();
    let first = register(&app, &registration("a@example.com", &uscc)).await;
    let first = assert_status(first, 201).await;
    // Lower case is normalised.
    let second = registration("b@example.com", &uscc.to_lowercase());
    let second = assert_status(register(&app, &second).await, 201).await;
    assert_eq!(first["organization"]["id"], second["organization"]["id"]);
    // The founder is a member at once; the second waits for approval.
    assert_eq!(first["membership_pending"], false);
    assert_eq!(second["membership_pending"], true);
}

#[tokio::test]
async fn email_is_unique_case_insensitively() {
    let app = TestApp::spawn().await;
    let resp = register(&app, &registration("dup@example.com", &new_uscc())).await;
    assert_status(resp, 201).await;
    let resp = register(&app, &registration("DUP@example.com", &new_uscc())).await;
    let body = assert_problem(resp, 409, "email_taken").await;
    assert_eq!(error_fields(&body), vec!["email"]);
}

#[tokio::test]
async fn uscc_check_character_is_checked() {
    let app = TestApp::spawn().await;
    let resp = register(&app, &registration("x@example.com", "91350203M0001QAY9B")).await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&body), vec!["organization.uscc"]);
    assert_eq!(body["errors"][0]["code"], "check_character");

    for (uscc, code) in [
        ("9135020077604965", "length"),
        ("91350200776049653I", "invalid_character"),
    ] {
        let resp = register(&app, &registration("x@example.com", uscc)).await;
        let body = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["code"], code, "{uscc}");
    }

    let resp = register(&app, &registration("x@example.com", "91350200776049653A")).await;
    assert_status(resp, 201).await;
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
        let resp = register(&app, &body).await;
        if ok {
            let chars = password.chars().count();
            assert_eq!(resp.status(), 201, "{chars} chars");
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
    for (role, code, says) in [
        (
            "admin",
            "not_self_registered",
            "由项目办现有管理员创建（POST /users）",
        ),
        (
            "expert",
            "not_self_registered",
            "纳入专家库（POST /experts）",
        ),
        ("wizard", "invalid_choice", "不是允许的取值"),
    ] {
        let mut body = registration("r@example.com", &new_uscc());
        body["role"] = json!(role);
        let body = assert_problem(register(&app, &body).await, 422, "validation_failed").await;
        assert_eq!(error_fields(&body), vec!["role"]);
        assert_eq!(body["errors"][0]["code"], code, "{role}");
        // Who creates such an account instead.
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(says), "{role}: {message}");
    }
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
    let body = assert_problem(register(&app, &body).await, 422, "validation_failed").await;
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
    let wrong_password = app
        .assert_login_refused("known@example.com", "wrong-password", "invalid_credentials")
        .await;
    let unknown_email = app
        .assert_login_refused(
            "unknown@example.com",
            "wrong-password",
            "invalid_credentials",
        )
        .await;
    assert_eq!(wrong_password, unknown_email);
}

/// A server allowing this many login attempts a minute per account and per address.
async fn limited_to(per_account: u32, per_address: u32) -> TestApp {
    TestApp::spawn_with(|s| {
        s.auth.login_attempts_per_account_per_minute = per_account;
        s.auth.login_attempts_per_address_per_minute = per_address;
    })
    .await
}

#[tokio::test]
async fn login_attempts_are_limited_per_account() {
    let app = limited_to(3, 100).await;
    app.register("target@example.com", "solver").await;
    for _ in 0..3 {
        app.assert_login_refused(
            "target@example.com",
            "wrong-password",
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
    assert_status(app.login("other@example.com", PASSWORD).await, 200).await;
}

#[tokio::test]
async fn login_attempts_are_limited_per_address() {
    let app = limited_to(100, 3).await;
    for i in 0..3 {
        app.assert_login_refused(
            &format!("u{i}@example.com"),
            "wrong-password",
            "invalid_credentials",
        )
        .await;
    }
    let resp = app.login("u9@example.com", "wrong-password").await;
    assert!(resp.headers().contains_key("retry-after"));
    assert_problem(resp, 429, "rate_limited").await;
}
