//! The working-day calendar (工作日历): each year's public holidays (法定节假日) and make-up
//! working days (调休上班), kept by the admins with `GET, PUT /calendar/{year}`, and the count of
//! working days that fixes the end of a public notice.
//!
//! A day is a working day when it is a make-up working day, or a Monday to Friday that is not a
//! public holiday. Saturdays and Sundays are rest days unless listed as make-up days.
//!
//! The counting rule of the notice: it starts the day after the proposal (Beijing date) and lasts
//! N working days; it ends at 24:00 Beijing time of the N-th working day after the proposal day.
//! See [`rules::add_working_days_in`] (pure) and [`queries::count_working_days`] (on the stored
//! calendar).
//!
//! - [`models`]: the stored years and days; [`queries`]: loading and storing them;
//! - [`rules`]: Beijing dates, the working-day count, the rules of a year's input;
//! - [`input`], [`views`]: the year as sent and as shown; [`routes`]: the two endpoints.

pub mod input;
pub mod models;
pub mod queries;
pub mod routes;
pub mod rules;
pub mod views;

/// The routes of the calendar.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(routes::get_calendar)
        .service(routes::put_calendar);
}
