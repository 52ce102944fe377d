//! Personal data (SPEC §1): resident ID numbers are never stored, logged or returned in plain text.
//! What is kept of one is a keyed HMAC-SHA256 of the normalised number (to match credit records,
//! team members and conflicts) and its masked form (`320705********123X`, to show people).
//!
//! ```ignore
//! let id = state.privacy.protect("32070519800101123x")?; // validates the check character
//! id.hash;   // 32 bytes; equal for equal numbers under the same key
//! id.masked; // "320705********123X"
//! ```

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::codes::{CodeError, mask_id_number, parse_id_number};

/// Holds the key (`privacy.id_hash_key`); one in `AppState`.
#[derive(Clone)]
pub struct Privacy {
    key: SecretString,
}

/// An ID number as it may be kept: its keyed hash and masked form, never the number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedId {
    /// HMAC-SHA256 of the normalised number under `privacy.id_hash_key`.
    pub hash: Vec<u8>,
    /// The first six and last four characters, the rest as `*`.
    pub masked: String,
}

impl ProtectedId {
    /// The hash as lower-case hex (64 characters), e.g. for a text column.
    pub fn hash_hex(&self) -> String {
        hex(&self.hash)
    }
}

impl Privacy {
    pub fn new(key: SecretString) -> Self {
        Privacy { key }
    }

    /// The keyed hash of an ID number, normalised first (trimmed, `x` upper-cased); the number
    /// is not validated here (see [`Privacy::protect`]).
    pub fn id_hash(&self, id_number: &str) -> Vec<u8> {
        let normalised = id_number.trim().to_ascii_uppercase();
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.key.expose_secret().as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(b"id_number:");
        mac.update(normalised.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// Validates an ID number (GB 11643-1999 check character) and answers what may be kept of it.
    pub fn protect(&self, id_number: &str) -> Result<ProtectedId, CodeError> {
        let normalised = parse_id_number(id_number)?;
        Ok(ProtectedId {
            hash: self.id_hash(&normalised),
            masked: mask_id_number(&normalised),
        })
    }
}

/// Prefix of an ID number replaced by its keyed hash in a query string (see [`redact_query`]).
pub const ID_HASH_PREFIX: &str = "idh_";

impl Privacy {
    /// `query` with every ID number in its (decoded) values replaced by
    /// `idh_<hex of its keyed hash>`, and the `signature` of a signed download link by
    /// `redacted`, for the access log; `None` when it holds neither. Values are looked at
    /// decoded and token by token, so `%58` for `X` or a padded value hide nothing.
    pub fn redact_query(&self, query: &str) -> Option<String> {
        let mut changed = false;
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if name == "signature" {
                changed = true;
                out.append_pair(&name, "redacted");
                continue;
            }
            let redacted: String = value
                .split_inclusive(|c: char| !c.is_ascii_alphanumeric())
                .map(|piece| {
                    let token = piece.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
                    match crate::codes::parse_id_number(token) {
                        Ok(id) => {
                            changed = true;
                            format!(
                                "{ID_HASH_PREFIX}{}{}",
                                hex(&self.id_hash(&id)),
                                &piece[token.len()..]
                            )
                        }
                        Err(_) => piece.to_string(),
                    }
                })
                .collect();
            out.append_pair(&name, &redacted);
        }
        changed.then(|| out.finish())
    }
}

/// The query string as the client sent it, for handlers, when [`redact_query`] replaced it for
/// the logs.
#[derive(Debug, Clone)]
pub struct OriginalQuery(pub String);

/// Middleware, outermost: ID numbers in query strings (e.g. `GET /credit/records?code=…`) are
/// replaced by their keyed hash in the request's URI before the request is logged, so that no
/// access log carries one. Handlers read the query through `http::query::query_string`, which
/// gives them the original ([`OriginalQuery`]).
pub async fn redact_query(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let redacted = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .and_then(|state| state.privacy.redact_query(req.query_string()));
    if let Some(query) = redacted {
        let original = req.query_string().to_string();
        let uri = format!("{}?{query}", req.path());
        if let Ok(uri) = uri.parse::<actix_web::http::Uri>() {
            req.head_mut().uri = uri;
            actix_web::HttpMessage::extensions_mut(&req).insert(OriginalQuery(original));
        }
    }
    next.call(req).await
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn privacy(key: &str) -> Privacy {
        Privacy::new(SecretString::from(key))
    }

    #[test]
    fn hashes_the_normalised_number_under_the_key() {
        let p = privacy("k1");
        let a = p.protect("34052419800101001X").unwrap();
        let b = p.protect(" 34052419800101001x ").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.hash.len(), 32);
        assert_eq!(a.masked, "340524********001X");
        assert_eq!(a.hash_hex().len(), 64);
        assert!(!a.hash_hex().contains("34052419800101001X"));
        let other_key = privacy("k2").protect("34052419800101001X").unwrap();
        assert_ne!(a.hash, other_key.hash);
    }

    #[test]
    fn redacts_id_numbers_in_query_strings() {
        let p = privacy("k");
        let hash = p.protect("34052419800101001X").unwrap().hash_hex();
        assert_eq!(
            p.redact_query("code=34052419800101001x&page=2").as_deref(),
            Some(format!("code=idh_{hash}&page=2").as_str())
        );
        // Not ID numbers: left alone.
        assert_eq!(p.redact_query("code=340524198001010010"), None);
        assert_eq!(p.redact_query("code=934052419800101001X"), None);
        assert_eq!(p.redact_query("q=%E7%A2%B3&page=1"), None);
        // Hidden by encoding or padding, or inside a longer value: still found (the log never
        // needs the number; handlers read the original query).
        for query in [
            "code=34052419800101001%58",
            "code=%2034052419800101001X",
            "subject_kind=organization&code=34052419800101001X",
            "q=%E5%BC%A0%E4%B8%89+34052419800101001X",
        ] {
            let redacted = p.redact_query(query).unwrap_or_default();
            assert!(
                redacted.contains(&format!("idh_{hash}")),
                "{query}: {redacted}"
            );
            assert!(
                !redacted.to_uppercase().contains("19800101"),
                "{query}: {redacted}"
            );
        }
    }

    #[test]
    fn redacts_the_signature_of_a_download_link() {
        let p = privacy("k");
        assert_eq!(
            p.redact_query("copy=blind&expires=1&signature=c2VjcmV0").as_deref(),
            Some("copy=blind&expires=1&signature=redacted")
        );
        assert_eq!(p.redact_query("copy=blind&expires=1"), None);
    }

    #[test]
    fn refuses_a_wrong_check_character() {
        assert_eq!(
            privacy("k").protect("340524198001010011"),
            Err(CodeError::CheckCharacter)
        );
    }
}
