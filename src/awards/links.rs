//! Where people read what the awards tell them: absolute links for emails and the Atom feed,
//! from `server.public_url`.

use uuid::Uuid;

use crate::state::AppState;

fn base_url(state: &AppState) -> &str {
    state.settings.public_url()
}

/// Where the public reads the notices.
pub fn notices_url(state: &AppState) -> String {
    format!("{}/api/v1/notices", base_url(state))
}

/// Where objectors and admins read the objections.
pub fn objections_url(state: &AppState) -> String {
    format!("{}/api/v1/objections", base_url(state))
}

/// Where admins read a challenge's awards.
pub fn awards_url(state: &AppState, challenge_id: Uuid) -> String {
    format!(
        "{}/api/v1/challenges/{challenge_id}/awards",
        base_url(state)
    )
}

/// Where people read a challenge.
pub fn challenge_url(state: &AppState, challenge_id: Uuid) -> String {
    format!("{}/api/v1/challenges/{challenge_id}", base_url(state))
}
