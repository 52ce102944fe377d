//! Telling people: every notice becomes an in-app notification and an email, both written in the
//! same transaction as the change that causes them (SPEC §8). The email goes out later, through
//! the job runner; the notification is readable at once.

pub mod format;
pub mod input;
pub mod queries;
pub mod routes;
pub mod views;

pub use format::{beijing_time, yuan};

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

use crate::error::AppResult;
use crate::i18n::Locale;
use crate::jobs::BackgroundJob;
use crate::mail::{self, SendEmail};
use crate::schema::notifications;
use crate::state::AppState;

/// A message rendered with a template under `templates/email/<template>/`.
pub trait Notice: Serialize {
    /// The template's name, also the notification's `kind`.
    fn template(&self) -> &'static str;
}

/// Who is told.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub locale: Locale,
}

/// Writes the notification and enqueues the email, in the caller's transaction.
pub async fn notify<N: Notice>(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    to: &Recipient,
    notice: &N,
) -> AppResult<()> {
    let vars = serde_json::to_value(notice).map_err(anyhow::Error::from)?;
    let rendered = state
        .templates
        .render(notice.template(), to.locale, &vars)?;
    diesel::insert_into(notifications::table)
        .values((
            notifications::id.eq(Uuid::now_v7()),
            notifications::user_id.eq(to.user_id),
            notifications::kind.eq(notice.template()),
            notifications::title.eq(&rendered.subject),
            notifications::body.eq(&rendered.text),
            notifications::data.eq(&vars),
            notifications::created_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    SendEmail {
        message_id: mail::new_message_id(),
        to_email: to.email.clone(),
        to_name: to.display_name.clone(),
        locale: to.locale,
        template: notice.template().to_string(),
        vars,
    }
    .enqueue(conn)
    .await
}

/// Tells each of `people` what `notice` says to them (a notice is addressed to one person: the
/// closure makes each one's), in the caller's transaction.
pub async fn notify_each<N: Notice>(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    people: impl IntoIterator<Item = Recipient>,
    notice: impl Fn(&Recipient) -> N,
) -> AppResult<()> {
    for to in people {
        notify(conn, state, &to, &notice(&to)).await?;
    }
    Ok(())
}
