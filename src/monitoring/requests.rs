//! Counting requests: one count and one latency sample per answer, labelled by method, route
//! pattern (`/api/v1/challenges/{id}`, never the raw path, so that ids make no new series) and
//! status.

use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use metrics::{counter, histogram};

use super::{HTTP_DURATION, HTTP_REQUESTS};

/// The route label of a request no route matched (unknown paths, wrong methods): one series for
/// all of them, whatever paths scanners try.
pub const UNMATCHED: &str = "unmatched";

/// The route label of what the web client answers (its files, `index.html` for its routes, the
/// page saying how to build it): one series, whatever paths people open.
pub const WEB_CLIENT: &str = "web_client";

/// The label of a request's route. The client's files are mounted at the root, so every path
/// "matches" their empty pattern, guards aside: that pattern says the client, or nothing.
fn route_label(pattern: Option<String>, method: &Method, path: &str) -> String {
    let client_read = (method == Method::GET || method == Method::HEAD)
        && crate::http::web_client::is_client_path(path);
    match pattern {
        Some(pattern) if !pattern.is_empty() && pattern != "/" => pattern,
        _ if client_read => WEB_CLIENT.to_string(),
        _ => UNMATCHED.to_string(),
    }
}

/// Middleware: counts the answer and how long it took (until its head was ready; a streamed
/// body's transfer is not included).
pub async fn record_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = method_label(req.method());
    let result = next.call(req).await;
    let (route, status) = match &result {
        Ok(res) => (
            route_label(
                res.request().match_pattern(),
                res.request().method(),
                res.request().path(),
            ),
            res.status(),
        ),
        Err(error) => (
            UNMATCHED.to_string(),
            error.as_response_error().status_code(),
        ),
    };
    let labels = [
        ("method", method.to_string()),
        ("route", route),
        ("status", status.as_u16().to_string()),
    ];
    counter!(HTTP_REQUESTS, &labels).increment(1);
    histogram!(HTTP_DURATION, &labels).record(started.elapsed().as_secs_f64());
    result
}

/// The method as a label: the standard ones by name, anything else as `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_root_pattern_is_the_client_or_nothing() {
        let get = &Method::GET;
        let id = "/api/v1/challenges/{id}".to_string();
        assert_eq!(
            route_label(Some(id.clone()), get, "/api/v1/challenges/1"),
            id
        );
        assert_eq!(
            route_label(Some(String::new()), get, "/api/nope"),
            UNMATCHED
        );
        assert_eq!(route_label(None, get, "/metrics/x"), UNMATCHED);
        assert_eq!(
            route_label(Some(String::new()), get, "/expert/panels/1"),
            WEB_CLIENT
        );
        assert_eq!(
            route_label(Some("/".into()), &Method::HEAD, "/"),
            WEB_CLIENT
        );
        assert_eq!(
            route_label(Some(String::new()), &Method::POST, "/x"),
            UNMATCHED
        );
    }
}
