//! How the API document describes the answers several accounts endpoints share.

use utoipa::IntoResponses;

use crate::error::ProblemBody;

/// 409 of opening an account (registering, or an admin creating one) with an email in use.
#[derive(IntoResponses)]
#[response(
    status = 409,
    description = "Email already registered (`email_taken`)",
    content_type = "application/problem+json"
)]
pub struct EmailTaken(pub ProblemBody);
