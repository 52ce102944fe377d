//! Renders every error response as RFC 9457 problem+json in the language the client asked for
//! (`Accept-Language`; Chinese by default). Responses that actix-web makes itself (unknown route,
//! wrong method) are rewritten into the same shape here, so clients only ever see one format.

use actix_web::HttpRequest;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};

use crate::error::{PROBLEM_JSON, Problem};
use crate::i18n::Locale;

/// The language a request prefers among those we speak.
pub fn locale_of(req: &HttpRequest) -> Locale {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Locale::from_accept_language)
        .unwrap_or_default()
}

/// The middleware that makes every error response a problem document in the client's language.
pub fn error_renderer<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(render)
}

fn render<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let locale = locale_of(res.request());
    let existing = res.response().extensions().get::<Problem>().cloned();
    let problem = match existing {
        // Problems are rendered in Chinese first.
        Some(_) if locale == Locale::ZhCn => {
            return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
        }
        Some(problem) => problem,
        None if is_problem(&res) => {
            return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
        }
        None => Problem::for_status(res.status()),
    };
    let mut fresh = problem.response(locale);
    // Keep what the original response said beyond its body (Allow on 405, Retry-After, CORS…).
    for (name, value) in res.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fresh.headers_mut().insert(name.clone(), value.clone());
        }
    }
    let res: ServiceResponse<EitherBody<B>> = res.into_response(fresh.map_into_right_body());
    Ok(ErrorHandlerResponse::Response(res))
}

fn is_problem<B>(res: &ServiceResponse<B>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == HeaderValue::from_static(PROBLEM_JSON))
}
