//! Cookie mode: the refresh token of a browser client (the web client served from this origin)
//! travels in an `HttpOnly` cookie instead of the JSON body, out of the reach of scripts. Asked for
//! at login (`refresh_in_cookie`); then `POST /auth/refresh` and `/auth/logout` take it from the
//! cookie. Why a cross-site page cannot use it: docs/accounts-and-auth.md, "Browsers: cookie mode".

use actix_web::cookie::time::Duration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};
use chrono::{DateTime, Utc};
use futures_util::future::{Ready, ready};
use url::Url;

use crate::config::Settings;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::http::json::is_json;
use crate::state::AppState;

/// The cookie's name.
pub const REFRESH_COOKIE: &str = "jiebang_refresh";
/// The only path the browser sends it to: the endpoints that spend it.
pub const COOKIE_PATH: &str = "/api/v1/auth";

/// The cookie holding `token` until `expires_at` (the session's end).
pub fn holding(settings: &Settings, token: &str, expires_at: DateTime<Utc>) -> Cookie<'static> {
    // Rounded up: at login the whole lifetime (`auth.refresh_token_ttl_days`).
    let millis = (expires_at - Utc::now()).num_milliseconds().max(0);
    let seconds = (millis + 999) / 1000;
    build(settings, token.to_string(), Duration::seconds(seconds))
}

/// The cookie that makes the browser forget it.
pub fn cleared(settings: &Settings) -> Cookie<'static> {
    build(settings, String::new(), Duration::ZERO)
}

fn build(settings: &Settings, value: String, max_age: Duration) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value)
        .http_only(true)
        .same_site(SameSite::Strict)
        .path(COOKIE_PATH)
        .max_age(max_age)
        // Production is served over https (behind its proxy) even where `public_url` was left
        // unset and guessed from the listen address.
        .secure(
            settings.public_url().starts_with("https://")
                || settings.environment == crate::config::Environment::Production,
        )
        .finish()
}

/// The refresh token in the request's `jiebang_refresh` cookie, if it has one. A request that
/// carries the cookie is refused (403 `cross_site_request`, before its body is read) unless it
/// passes [`check_same_site`]: the web client's own requests always do.
#[derive(Debug)]
pub struct RefreshCookie(pub Option<String>);

impl FromRequest for RefreshCookie {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(read(req))
    }
}

fn read(req: &HttpRequest) -> AppResult<RefreshCookie> {
    let Some(token) = req
        .cookie(REFRESH_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
    else {
        return Ok(RefreshCookie(None));
    };
    let state = req
        .app_data::<Data<AppState>>()
        .ok_or_else(|| anyhow::anyhow!("no application state"))?;
    check_same_site(req, &state.settings)?;
    Ok(RefreshCookie(Some(token)))
}

/// Refuses (403 `cross_site_request`) a request carrying the cookie that is not one the web
/// client makes: one whose `Origin` is neither the public URL's nor one of
/// `server.cors_allowed_origins`, or whose body is not declared JSON (which a form, or any other
/// request a page may send without a CORS preflight, cannot declare).
pub fn check_same_site(req: &HttpRequest, settings: &Settings) -> AppResult<()> {
    let refused = || AppError::coded(StatusCode::FORBIDDEN, ErrorCode::CrossSiteRequest);
    if !is_json(req) {
        return Err(refused());
    }
    // Every `Origin` sent must be ours (a browser sends at most one; same-origin requests may
    // send none).
    let trusted: Vec<url::Origin> = std::iter::once(settings.public_url())
        .chain(
            settings
                .server
                .cors_allowed_origins
                .iter()
                .map(String::as_str),
        )
        .filter_map(|url| Url::parse(url).ok())
        .map(|url| url.origin())
        .collect();
    for origin in req.headers().get_all(header::ORIGIN) {
        let origin = origin
            .to_str()
            .ok()
            .and_then(|o| Url::parse(o).ok())
            .map(|o| o.origin())
            .ok_or_else(refused)?;
        if !trusted.contains(&origin) {
            return Err(refused());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn settings(public_url: &str) -> Settings {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        let mut settings =
            Settings::load_from(&dir, crate::config::Environment::Test).expect("settings");
        settings.server.public_url = Some(public_url.to_string());
        settings
    }

    fn refused(req: &HttpRequest, settings: &Settings) -> bool {
        match check_same_site(req, settings) {
            Ok(()) => false,
            Err(e) => {
                assert_eq!(e.code(), Some(ErrorCode::CrossSiteRequest));
                assert_eq!(e.status(), StatusCode::FORBIDDEN);
                true
            }
        }
    }

    #[test]
    fn only_json_from_our_own_origin_or_none_spends_the_cookie() {
        let settings = settings("https://jiebang.example.gov.cn/base");
        let json = || TestRequest::post().insert_header(("content-type", "application/json"));
        let ok = |origin: &str| json().insert_header(("origin", origin)).to_http_request();
        assert!(!refused(&json().to_http_request(), &settings));
        assert!(!refused(&ok("https://jiebang.example.gov.cn"), &settings));
        // The default port is the same origin.
        assert!(!refused(
            &ok("https://jiebang.example.gov.cn:443"),
            &settings
        ));
        assert!(refused(&ok("https://evil.example.com"), &settings));
        assert!(refused(&ok("http://jiebang.example.gov.cn"), &settings));
        assert!(refused(&ok("null"), &settings));
        let form = TestRequest::post()
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .to_http_request();
        assert!(refused(&form, &settings));
        assert!(refused(&TestRequest::post().to_http_request(), &settings));
    }

    #[test]
    fn the_cookie_is_secure_where_the_public_url_is_https() {
        let at = Utc::now() + chrono::Duration::days(30);
        let https = holding(&settings("https://jiebang.example.gov.cn"), "t", at).to_string();
        assert!(https.contains("Secure"), "{https}");
        let http = holding(&settings("http://127.0.0.1:8080"), "t", at).to_string();
        assert!(!http.contains("Secure"), "{http}");
        for attribute in [
            "HttpOnly",
            "SameSite=Strict",
            "Path=/api/v1/auth",
            "Max-Age=2592000",
        ] {
            assert!(http.contains(attribute), "{http}");
        }
        assert!(
            cleared(&settings("http://x"))
                .to_string()
                .contains("Max-Age=0")
        );
    }
}
