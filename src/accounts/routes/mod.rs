//! The accounts' endpoints: signing in (`login`), accounts (`users`) and organisations
//! (`organizations`).

pub mod login;
pub mod organizations;
pub mod users;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login::register)
        .service(login::login)
        .service(login::refresh)
        .service(login::logout)
        .service(users::me)
        .service(users::list_users)
        .service(users::create_user)
        .service(users::update_user)
        .service(organizations::get_organization)
        .service(organizations::approve_member);
}
