//! Imports of credit records from the credit centre's CSV files (`POST /credit/imports`, `jiebang
//! import-credit FILE`): the [`parser`] reads a file into rows and rejected lines, [`run`] lands
//! the rows and stores the import's summary.

pub mod input;
pub mod models;
pub mod parser;
pub mod queries;
pub mod routes;
pub mod rules;
pub mod run;
pub mod views;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::import_file).service(routes::get_import);
}
