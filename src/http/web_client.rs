//! The web client (`web/`, built by `npm run build` into `server.web_dir`), served at `/`.
//!
//! A `GET`/`HEAD` of a path outside the server's own ([`SERVER_PREFIXES`]) answers the file of
//! that name in the folder (actix-files: `ETag`, `Last-Modified`, ranges, precompressed `.gz`/`.br`
//! beside a file), or else the client's `index.html`, whose router shows the page (a deep link such
//! as `/panels/123`). A missing file under `/assets/` stays a 404: it is a hashed file of another
//! build, and HTML in its place would only break the page asking for it. Where the client is not
//! built, the pages answer how to build it. The headers (CSP, caching) are set with the others
//! in [`super::headers`].

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::guard::{self, GuardContext};
use actix_web::http::Method;
use actix_web::http::header::ContentType;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use percent_encoding::percent_decode_str;

use super::fallback::{RouteTable, not_matched};

/// The paths the server answers itself, each with everything under it.
pub const SERVER_PREFIXES: &[&str] = &["/api", "/docs", "/health", "/ready", "/metrics"];

/// Where the client's build puts its hashed files.
const ASSETS: &str = "/assets/";

/// The page answered where the client is not built.
const NOT_BUILT: &str = include_str!("../../templates/web/not-built.html");

/// Whether `path` is `prefix` or under it (`/api`, `/api/v1/me`; not `/apis`).
pub fn is_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Whether `path` (as the request gives it, maybe percent-encoded) is the web client's (none of
/// the server's own). Decoded first, as the router decodes it: `/%61pi/…` is an API path.
pub fn is_client_path(path: &str) -> bool {
    let path = percent_decode_str(path).decode_utf8_lossy();
    !SERVER_PREFIXES.iter().any(|prefix| is_under(&path, prefix))
}

/// Whether `path` (maybe percent-encoded) names one of the client's hashed files.
pub fn is_asset(path: &str) -> bool {
    percent_decode_str(path)
        .decode_utf8_lossy()
        .starts_with(ASSETS)
}

/// A request the web client answers: `GET` or `HEAD` of one of its paths.
fn client_request(ctx: &GuardContext<'_>) -> bool {
    let head = ctx.head();
    (head.method == Method::GET || head.method == Method::HEAD) && is_client_path(head.uri.path())
}

/// The folder of the built client.
pub struct WebClient {
    dir: PathBuf,
}

impl WebClient {
    pub fn new(dir: &Path) -> Self {
        WebClient {
            dir: dir.to_path_buf(),
        }
    }

    fn index(&self) -> PathBuf {
        self.dir.join("index.html")
    }

    /// Whether the folder holds a built client (its `index.html`).
    pub fn is_built(&self) -> bool {
        self.index().is_file()
    }

    /// The service answering the client's files, where the folder exists. What it does not find
    /// goes to the application's default service, [`fallback`].
    pub fn files(&self) -> Option<Files> {
        self.dir.is_dir().then(|| {
            Files::new("/", &self.dir)
                .index_file("index.html")
                .guard(guard::fn_guard(client_request))
                .try_compressed()
                .disable_content_disposition()
        })
    }

    /// `index.html` for one of the client's own routes, or the page saying how to build it.
    async fn page(&self, req: &HttpRequest) -> HttpResponse {
        // Opened on the blocking pool (the body is then streamed by actix-files, off the worker).
        let index = self.index();
        match actix_web::web::block(move || NamedFile::open(index)).await {
            Ok(Ok(file)) => file.disable_content_disposition().into_response(req),
            Ok(Err(_)) => HttpResponse::Ok()
                .content_type(ContentType::html())
                .body(NOT_BUILT),
            Err(_) => HttpResponse::ServiceUnavailable().finish(),
        }
    }
}

/// What answers when no route (and no file of the client) matched: the client's `index.html` for
/// a `GET`/`HEAD` of one of its paths (but a hashed file), else [`not_matched`] (404 or 405).
pub async fn fallback(
    req: HttpRequest,
    table: Option<Data<RouteTable>>,
    client: Option<Data<WebClient>>,
) -> HttpResponse {
    let method = req.method();
    let path = req.path();
    if let Some(client) = client
        && (method == Method::GET || method == Method::HEAD)
        && is_client_path(path)
        && !is_asset(path)
    {
        return client.page(&req).await;
    }
    not_matched(req, table).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_keeps_its_own_paths() {
        for path in [
            "/api",
            "/api/v1/nope",
            "/docs/",
            "/health",
            "/ready",
            "/metrics",
            // Decoded as the router decodes them.
            "/%61pi/v1/me",
            "/%64ocs/",
        ] {
            assert!(!is_client_path(path), "{path}");
        }
        for path in ["/", "/panels/123", "/apis", "/docsy", "/assets/app.js"] {
            assert!(is_client_path(path), "{path}");
        }
        assert!(is_asset("/assets/app-abc123.js"));
        assert!(is_asset("/%61ssets/app-abc123.js"));
        assert!(!is_asset("/assets"));
    }
}
