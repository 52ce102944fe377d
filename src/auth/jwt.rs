//! Access tokens: JWT, HS256 only, with `iss`, `aud`, `sub`, `exp`, `iat` and `jti` checked on
//! every request. `sid` names the login session, so revoking the session revokes the token.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::Role;
use crate::config::AuthSettings;

/// Clock skew tolerated on `exp` and `iat`, in seconds.
const LEEWAY_SECS: u64 = 30;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: Uuid,
    pub exp: i64,
    pub iat: i64,
    pub jti: Uuid,
    /// The session (refresh-token family) this token belongs to.
    pub sid: Uuid,
    /// The role when the token was issued; informational only, the database is asked each time.
    pub role: Role,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    pub ttl_secs: u64,
}

impl JwtKeys {
    pub fn new(settings: &AuthSettings) -> Self {
        let secret = settings.jwt_secret.expose_secret().as_bytes();
        // Pinned to HS256: tokens naming any other algorithm, `none` included, are refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&settings.jwt_issuer]);
        validation.set_audience(&[&settings.jwt_audience]);
        validation.set_required_spec_claims(&["iss", "aud", "sub", "exp", "iat"]);
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: settings.jwt_issuer.clone(),
            audience: settings.jwt_audience.clone(),
            ttl_secs: settings.access_token_ttl_secs,
        }
    }

    pub fn issue(&self, user_id: Uuid, role: Role, session_id: Uuid) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id,
            exp: now + self.ttl_secs as i64,
            iat: now,
            jti: Uuid::new_v4(),
            sid: session_id,
            role,
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// The claims of a valid token, or `None` for anything else (bad signature, algorithm,
    /// issuer, audience, expired, issued in the future, missing claims).
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        let claims = data.claims;
        if claims.iat > Utc::now().timestamp() + LEEWAY_SECS as i64 || claims.iat > claims.exp {
            return None;
        }
        Some(claims)
    }
}
