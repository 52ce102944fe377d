//! Email. Features never send mail themselves: they call [`crate::notifications::notify`], which
//! writes an in-app notification and enqueues a `send_email` job in the same transaction as the
//! change that causes it. A background worker renders the job's template and hands the message to
//! the configured backend: SMTP (lettre), a folder of `.eml` files (development), or memory (tests).
//! A mail server that is down or slow never slows or fails the request; the job is retried with
//! back-off until it goes through.

pub mod sink;
pub mod templates;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel_async::AsyncPgConnection;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::accounts::models::Locale;
use crate::config::{MailBackend, MailSettings, SmtpTls};
use crate::error::AppResult;
use crate::jobs;
use crate::state::AppState;

pub use templates::{Rendered, Templates};

/// The job kind that sends one email.
pub const SEND_EMAIL: &str = "send_email";

/// What a `send_email` job carries: who, which template, which variables. The message id is fixed
/// when the mail is enqueued, so that a retry after an uncertain send carries the same id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmailJob {
    pub message_id: String,
    pub to_email: String,
    pub to_name: String,
    pub locale: Locale,
    pub template: String,
    pub vars: serde_json::Value,
}

/// Enqueues one email: a single insert into the caller's transaction.
pub async fn enqueue(conn: &mut AsyncPgConnection, job: &EmailJob) -> AppResult<()> {
    jobs::enqueue(conn, SEND_EMAIL, job, None, None).await
}

pub fn new_message_id() -> String {
    format!("<{}@jiebang>", Uuid::now_v7())
}

/// A message as the memory backend keeps it.
#[derive(Debug, Clone)]
pub struct SentMail {
    pub to: String,
    pub message_id: String,
    /// The whole message as it would go over the wire (RFC 5322, MIME-encoded).
    pub raw: Vec<u8>,
}

pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
    Memory(Arc<Mutex<Vec<SentMail>>>),
}

impl Mailer {
    pub fn new(settings: &MailSettings) -> anyhow::Result<Self> {
        Ok(match settings.backend {
            MailBackend::Smtp => {
                let smtp = &settings.smtp;
                let mut builder = match smtp.tls {
                    SmtpTls::None => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
                    }
                    SmtpTls::Starttls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?
                    }
                    SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
                }
                .port(smtp.port)
                .timeout(Some(Duration::from_secs(smtp.timeout_secs)));
                if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
                    builder = builder.credentials(Credentials::new(
                        user.clone(),
                        password.expose_secret().to_string(),
                    ));
                }
                Mailer::Smtp(builder.build())
            }
            MailBackend::File => {
                std::fs::create_dir_all(&settings.file_dir).map_err(|e| {
                    anyhow::anyhow!(
                        "cannot create mail folder {}: {e}",
                        settings.file_dir.display()
                    )
                })?;
                Mailer::File(AsyncFileTransport::<Tokio1Executor>::new(
                    &settings.file_dir,
                ))
            }
            MailBackend::Memory => Mailer::Memory(Arc::default()),
        })
    }

    pub async fn send(&self, message: Message) -> anyhow::Result<()> {
        match self {
            Mailer::Smtp(transport) => {
                transport.send(message).await?;
            }
            Mailer::File(transport) => {
                transport.send(message).await?;
            }
            Mailer::Memory(sent) => {
                let to = message
                    .envelope()
                    .to()
                    .first()
                    .map(|a| a.to_string())
                    .unwrap_or_default();
                let message_id = message
                    .headers()
                    .get_raw("Message-ID")
                    .unwrap_or_default()
                    .to_string();
                let raw = message.formatted();
                sent.lock()
                    .map_err(|_| anyhow::anyhow!("mail memory poisoned"))?
                    .push(SentMail {
                        to,
                        message_id,
                        raw,
                    });
            }
        }
        Ok(())
    }

    /// What the memory backend holds (empty for the others).
    pub fn sent(&self) -> Vec<SentMail> {
        match self {
            Mailer::Memory(sent) => sent.lock().map(|s| s.clone()).unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

/// Renders and sends the email of a `send_email` job.
pub async fn deliver(state: &AppState, job: EmailJob) -> anyhow::Result<()> {
    let rendered = state
        .templates
        .render(&job.template, job.locale, &job.vars)?;
    let from: Mailbox = state.settings.mail.from.parse()?;
    let to = Mailbox::new(Some(job.to_name.clone()), job.to_email.parse()?);
    let message = Message::builder()
        .message_id(Some(job.message_id.clone()))
        .from(from)
        .to(to)
        .subject(rendered.subject)
        .multipart(MultiPart::alternative_plain_html(
            rendered.text,
            rendered.html,
        ))?;
    state.mailer.send(message).await
}
