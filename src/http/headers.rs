//! Response headers every answer carries: the request id, and the usual security headers, with a
//! strict Content-Security-Policy for each of the three things the server answers ([`Surface`]):
//! the API (no pages), its documentation page (`/docs`, whose scripts are its own) and the web
//! client (`/`, [`super::web_client`]), whose caching is decided here too.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing_actix_web::RequestId;

use super::web_client;

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";
const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                        script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
/// The web client's pages: its own scripts only. Element Plus sets inline styles; pdf.js runs its
/// worker from a blob and draws into data:/blob: images; the PDF viewer may frame our own
/// `/api/v1/documents/…` (whose answers allow framing by the same origin).
pub const WEB_CLIENT_CSP: &str = "default-src 'self'; script-src 'self'; \
                                  style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
                                  font-src 'self' data:; connect-src 'self'; \
                                  worker-src 'self' blob:; frame-src 'self'; object-src 'none'; \
                                  base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The web client's hashed build output (`/assets/app-3f9a1c.js`): a new build names new files.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The web client's `index.html` (and its other unhashed files): always revalidated (`ETag`), so
/// that a new build is picked up at the next load.
const REVALIDATE: &str = "no-cache";

/// What a request is answered by, for the headers it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// `/api`, `/health`, `/ready`, `/metrics`: JSON and files, no pages.
    Api,
    /// `/docs`: the API's documentation page.
    Docs,
    /// Every other path: the web client.
    WebClient,
}

impl Surface {
    pub fn of(path: &str) -> Surface {
        if web_client::is_under(path, "/docs") {
            Surface::Docs
        } else if web_client::is_client_path(path) {
            Surface::WebClient
        } else {
            Surface::Api
        }
    }

    fn csp(self) -> &'static str {
        match self {
            Surface::Api => API_CSP,
            Surface::Docs => DOCS_CSP,
            Surface::WebClient => WEB_CLIENT_CSP,
        }
    }
}

pub async fn add_response_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id = req.extensions().get::<RequestId>().copied();
    let surface = Surface::of(req.path());
    let asset = web_client::is_asset(req.path());
    let mut res = next.call(req).await?;
    let status = res.status();
    let headers = res.headers_mut();
    if let Some(id) = request_id
        && let Ok(value) = HeaderValue::from_str(&id.to_string())
    {
        headers.insert(X_REQUEST_ID, value);
    }
    for (name, value) in security_headers(surface) {
        // A handler that sets one of its own keeps it (a document download allows framing by
        // the web client).
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    if surface == Surface::WebClient && !headers.contains_key(header::CACHE_CONTROL) {
        let found = status.is_success() || status == StatusCode::NOT_MODIFIED;
        let policy = if asset && found {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    Ok(res)
}

/// The security headers of every answer on `surface`. The answers made before the application
/// ([`super::head_guard`]) carry the API's.
pub fn security_headers(surface: Surface) -> [(HeaderName, &'static str); 4] {
    [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CONTENT_SECURITY_POLICY, surface.csp()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_has_its_surface() {
        assert_eq!(Surface::of("/api/v1/me"), Surface::Api);
        assert_eq!(Surface::of("/api"), Surface::Api);
        assert_eq!(Surface::of("/health"), Surface::Api);
        assert_eq!(Surface::of("/metrics"), Surface::Api);
        assert_eq!(Surface::of("/docs/"), Surface::Docs);
        assert_eq!(Surface::of("/"), Surface::WebClient);
        assert_eq!(Surface::of("/panels/1"), Surface::WebClient);
        // Only whole segments are the server's.
        assert_eq!(Surface::of("/apis"), Surface::WebClient);
        assert_eq!(Surface::of("/healthy"), Surface::WebClient);
    }
}
