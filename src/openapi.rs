//! The OpenAPI document. Paths come from the handlers themselves (utoipa-actix-web collects every
//! `service(...)`), so the document cannot drift from the routes; this module adds what is common
//! to all: info, the bearer scheme, and the error responses every operation can give.
//!
//! `tests/api/openapi.rs` checks the finished document mechanically (every `$ref` resolves, every
//! list documents its 422, every operation taking a token its 401, the bounds of the inputs are
//! the `validator` ones), and `tests/api/contract.rs` validates every response the test suite
//! receives against it.

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{SchemaType, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi, RefOr, Required, Schema};
use utoipa::{Modify, OpenApi as _};

use crate::http::responses::problem;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Jiebang API",
        description = "揭榜挂帅 challenge-bounty programs: challenges, bids, credit review, expert review, awards and projects.\n\n\
Errors are RFC 9457 `application/problem+json` with a stable `code`; titles are in Chinese unless `Accept-Language` prefers English.\n\n\
To try calls here: `POST /api/v1/auth/login`, copy `access_token`, press **Authorize**.",
        version = env!("CARGO_PKG_VERSION"),
    ),
    tags(
        (name = "auth", description = "Registration, login, token refresh, logout"),
        (name = "accounts", description = "Accounts and organisations"),
        (name = "challenges", description = "Challenges (榜单): drafting, approval, publication, search, deadlines, clarifications"),
        (name = "bids", description = "Bids (揭榜申报): drafts, submission with the credit gate, sealed until the deadline, withdrawal, formal review"),
        (name = "notifications", description = "In-app notifications"),
        (name = "audit", description = "The tamper-evident audit log"),
        (name = "operations", description = "Health, readiness and background jobs"),
        (name = "commitments", description = "Commitments (承诺书): versioned texts signed before a binding act, e.g. an expert's 保密及回避承诺书 when accepting a seat on a panel"),
        (name = "credit", description = "Credit review (信用审查): records, file imports, checks, batch reviews"),
        (name = "award", description = "Award (挂帅): the working-day calendar, the proposal, the public notice (公示) and its Atom feed, objections (异议), the confirmation"),
        (name = "review", description = "Expert review (专家评审): the expert pool, the reproducible panel draw with conflict avoidance, invitations, blind scoring, ranking, fees"),
        (name = "acceptance", description = "Final acceptance (验收): the expert panel drawn with the review's rules, verdicts against each KPI commitment, the result that makes the challenge accepted or failed"),
        (name = "projects", description = "The awarded project (过程管理): milestones, reports, acceptance or return, the payment ledger, the one extension"),
        (name = "documents", description = "Documents (附件): files of challenges, bids, milestones and the final acceptance; sealed like what they belong to, blind copies for blind reviews, streamed downloads with Range, signed links"),
    ),
    components(schemas(crate::error::ProblemBody))
)]
struct ApiDoc;

pub const DOCUMENT_PATH: &str = "/api/v1/openapi.json";

/// The finished document, serialised once per worker.
pub struct Document(Vec<u8>);

impl Document {
    pub fn new(api: &OpenApi) -> Self {
        Document(serde_json::to_vec(api).unwrap_or_default())
    }
}

/// `GET /api/v1/openapi.json`
pub async fn serve(doc: actix_web::web::Data<Document>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .body(doc.0.clone())
}

/// The document's fixed parts; `utoipa-actix-web` adds the paths.
pub fn base() -> OpenApi {
    ApiDoc::openapi()
}

/// Completes the collected document: security scheme and common error responses.
pub fn finish(mut api: OpenApi) -> OpenApi {
    CommonResponses.modify(&mut api);
    api
}

struct CommonResponses;

fn add(op: &mut Operation, status: &str, description: &str) {
    op.responses
        .responses
        .entry(status.to_string())
        .or_insert_with(|| RefOr::T(problem(description)));
}

/// Whether the operation accepts the bearer token, required or optional (`security((),
/// ("bearer" = []))` lists an empty requirement next to the bearer one).
fn accepts_token(op: &Operation) -> bool {
    op.security.as_ref().is_some_and(|reqs| {
        reqs.iter().any(|r| {
            serde_json::to_value(r)
                .is_ok_and(|v| v.as_object().is_some_and(|o| o.contains_key("bearer")))
        })
    })
}

/// Whether the operation takes query parameters (which `ValidQuery` checks: 422).
fn has_query(op: &Operation) -> bool {
    op.parameters.as_ref().is_some_and(|params| {
        params
            .iter()
            .any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query))
    })
}

fn token_optional(op: &Operation) -> bool {
    op.security.as_ref().is_some_and(|reqs| {
        reqs.iter().any(|r| {
            serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty()))
        })
    })
}

/// An optional body (`OptionalJson`, `request_body(content = Option<T>)`) is absent or a `T`;
/// utoipa documents it as `oneOf: [null, T]`, but a JSON `null` is refused like any non-`T`.
fn optional_body_without_null(op: &mut Operation) {
    let Some(body) = op.request_body.as_mut() else {
        return;
    };
    if matches!(body.required, Some(Required::True)) {
        return;
    }
    body.required = Some(Required::False);
    for content in body.content.values_mut() {
        if let Some(RefOr::T(Schema::OneOf(one))) = &content.schema {
            let rest: Vec<_> = one
                .items
                .iter()
                .filter(|item| {
                    !matches!(item, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null))
                })
                .cloned()
                .collect();
            if let [only] = rest.as_slice() {
                content.schema = Some(only.clone());
            }
        }
    }
}

impl Modify for CommonResponses {
    fn modify(&self, api: &mut OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Access token from POST /api/v1/auth/login"))
                    .build(),
            ),
        );
        for item in api.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                optional_body_without_null(op);
                if accepts_token(op) && token_optional(op) {
                    add(
                        op,
                        "401",
                        "A token was given and is invalid, expired or revoked (`invalid_token`); without one the call is anonymous",
                    );
                } else if accepts_token(op) {
                    add(
                        op,
                        "401",
                        "Not authenticated: missing, invalid, expired or revoked token (`unauthenticated`, `invalid_token`)",
                    );
                }
                let json_body = op
                    .request_body
                    .as_ref()
                    .is_some_and(|b| b.content.contains_key("application/json"));
                if json_body {
                    add(op, "400", "Malformed JSON (`malformed_json`)");
                    add(
                        op,
                        "415",
                        "Body is not `application/json` (`unsupported_media_type`)",
                    );
                }
                if op.request_body.is_some() {
                    add(
                        op,
                        "408",
                        "The body stalled longer than `server.body_idle_timeout_ms` (`request_timeout`); the connection is closed",
                    );
                    add(
                        op,
                        "413",
                        "Body larger than the configured limit (`payload_too_large`)",
                    );
                    add(
                        op,
                        "422",
                        "Invalid field values (`validation_failed`), with `errors` naming each field",
                    );
                }
                if has_query(op) {
                    add(
                        op,
                        "422",
                        "A query parameter that does not parse or holds a control character (`validation_failed`), named in `errors`",
                    );
                }
                add(
                    op,
                    "500",
                    "Internal error (`internal_error`); details are logged, never sent",
                );
                add(op, "503", "Database unavailable (`service_unavailable`)");
            }
        }
    }
}
