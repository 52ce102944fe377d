//! Short-lived signed download links: a browser opens a PDF in a new tab without the bearer
//! token in the URL. The link names the document, which copy (the original, or a blind review's
//! copy), and when it expires, signed with HMAC-SHA256 under a key derived from `auth.jwt_secret`
//! (so production's refusal of a default secret covers it).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;
use uuid::Uuid;

use crate::config::Settings;
use crate::error::{AppError, AppResult, ErrorCode};

type HmacSha256 = Hmac<Sha256>;

/// Which copy a link or a download serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Copy {
    Original,
    Blind,
}

impl Copy {
    pub fn as_str(self) -> &'static str {
        match self {
            Copy::Original => "original",
            Copy::Blind => "blind",
        }
    }

    pub fn parse(s: &str) -> Option<Copy> {
        match s {
            "original" => Some(Copy::Original),
            "blind" => Some(Copy::Blind),
            _ => None,
        }
    }
}

fn mac(settings: &Settings) -> HmacSha256 {
    // The link key is derived, not the JWT secret itself.
    let mut derive =
        HmacSha256::new_from_slice(settings.auth.jwt_secret.expose_secret().as_bytes())
            .expect("HMAC takes keys of any length");
    derive.update(b"jiebang/documents/link/v1");
    let key = derive.finalize().into_bytes();
    HmacSha256::new_from_slice(&key).expect("HMAC takes keys of any length")
}

fn payload(id: Uuid, copy: Copy, expires: i64) -> String {
    format!("{id}:{}:{expires}", copy.as_str())
}

/// The signature of a link to `id`'s `copy` valid until `expires` (Unix seconds).
pub fn sign(settings: &Settings, id: Uuid, copy: Copy, expires: i64) -> String {
    let mut mac = mac(settings);
    mac.update(payload(id, copy, expires).as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// The path and query of a signed link, and when it expires.
pub fn link(
    settings: &Settings,
    id: Uuid,
    copy: Copy,
    now: DateTime<Utc>,
) -> (String, DateTime<Utc>) {
    let expires_at = now + chrono::Duration::seconds(settings.documents.link_ttl_secs as i64);
    let expires = expires_at.timestamp();
    let signature = sign(settings, id, copy, expires);
    (
        format!(
            "/api/v1/documents/{id}?copy={}&expires={expires}&signature={signature}",
            copy.as_str()
        ),
        expires_at,
    )
}

/// Checks a signed link's parameters: 403 `link_invalid` when the signature is wrong or the link
/// has expired.
pub fn verify(
    settings: &Settings,
    id: Uuid,
    copy: Copy,
    expires: i64,
    signature: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let invalid = || {
        AppError::coded(
            actix_web::http::StatusCode::FORBIDDEN,
            ErrorCode::LinkInvalid,
        )
    };
    let given = URL_SAFE_NO_PAD.decode(signature).map_err(|_| invalid())?;
    let mut mac = mac(settings);
    mac.update(payload(id, copy, expires).as_bytes());
    mac.verify_slice(&given).map_err(|_| invalid())?;
    if now.timestamp() >= expires {
        return Err(invalid());
    }
    Ok(())
}
