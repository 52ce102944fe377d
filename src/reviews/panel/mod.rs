//! The review's panel: the draw (`POST /challenges/{id}/panel/draw`), its record
//! (`GET /challenges/{id}/panel`), and the reminder before the review deadline.
//!
//! A draw: the experts of the challenge's field who pass the conflict rules and the credit
//! check ([`super::pool::eligible_order`]), sorted by id and shuffled with the seed; the panel
//! is the first `panel_size`, invited at once ([`super::seats`]); a decline invites the next in
//! that stored order who is still eligible.

pub mod input;
pub mod jobs;
pub mod queries;
pub mod routes;
pub mod views;

pub use jobs::RemindReviewers;
pub use queries::find_draw;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::draw_panel).service(routes::get_panel);
}
