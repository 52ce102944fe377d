//! The fee ledger (专家评审费, `GET /fees`): an entry per submitted review seat, at the schedule's
//! rates (`review.fee_per_review_fen` + `review.fee_per_bid_fen` per bid).

pub mod input;
pub mod queries;
pub mod routes;
pub mod views;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::list_fees);
}
