//! Credit records (失信记录): one per (source, record id), entered by hand or imported, about an
//! organisation (USCC) or a person (ID number, kept only as a keyed hash and masked). Which
//! records count on a day is [`rules::counts_on`]; a repair (信用修复) ends a record's effect.

pub mod input;
pub mod models;
pub mod queries;
pub mod routes;
pub mod rules;
pub mod search;
pub mod views;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::create_record)
        .service(routes::list_records)
        .service(routes::repair_record);
}
