//! Email. Features never send mail themselves: they call [`crate::notifications::notify`], which
//! writes an in-app notification and enqueues a [`SendEmail`] job in the same transaction as the
//! change that causes it. A background worker renders the job's template and hands the message to
//! the configured backend: SMTP (lettre), a folder of `.eml` files (development), or lettre's stub
//! transport, which keeps what it is given (tests). A mail server that is down or slow never slows
//! or fails the request; the job is retried with back-off until it goes through.

pub mod templates;

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::stub::AsyncStubTransport;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::{MailBackend, MailSettings, SmtpTls};
use crate::i18n::Locale;
use crate::jobs::BackgroundJob;
use crate::state::AppState;

pub use templates::{Rendered, Templates};

/// The job that sends one email: who, which template, which variables. The message id is fixed
/// when the mail is enqueued, so that a retry after an uncertain send carries the same id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendEmail {
    pub message_id: String,
    pub to_email: String,
    pub to_name: String,
    pub locale: Locale,
    pub template: String,
    pub vars: serde_json::Value,
}

impl BackgroundJob for SendEmail {
    const KIND: &'static str = "send_email";

    async fn perform(self, state: &AppState) -> anyhow::Result<()> {
        let rendered = state
            .templates
            .render(&self.template, self.locale, &self.vars)?;
        let from: Mailbox = state.settings.mail.from.parse()?;
        let to = Mailbox::new(Some(self.to_name.clone()), self.to_email.parse()?);
        let message = Message::builder()
            .message_id(Some(self.message_id.clone()))
            .from(from)
            .to(to)
            .subject(rendered.subject)
            .multipart(MultiPart::alternative_plain_html(
                rendered.text,
                rendered.html,
            ))?;
        state.mailer.send(message).await
    }
}

pub fn new_message_id() -> String {
    format!("<{}@jiebang>", Uuid::now_v7())
}

pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
    /// Keeps every message (tests): [`Mailer::stub`].
    Stub(AsyncStubTransport),
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
            MailBackend::Stub => Mailer::Stub(AsyncStubTransport::new_ok()),
        })
    }

    /// Hands `message` to the backend, counting it as sent or failed (`/metrics`).
    pub async fn send(&self, message: Message) -> anyhow::Result<()> {
        let sent = self.send_uncounted(message).await;
        match &sent {
            Ok(()) => metrics::counter!(crate::monitoring::MAIL_SENT).increment(1),
            Err(_) => metrics::counter!(crate::monitoring::MAIL_FAILED).increment(1),
        }
        sent
    }

    async fn send_uncounted(&self, message: Message) -> anyhow::Result<()> {
        match self {
            Mailer::Smtp(transport) => {
                transport.send(message).await?;
            }
            Mailer::File(transport) => {
                transport.send(message).await?;
            }
            Mailer::Stub(transport) => {
                transport.send(message).await?;
            }
        }
        Ok(())
    }

    /// The stub transport and what it kept (the `stub` backend only).
    pub fn stub(&self) -> Option<&AsyncStubTransport> {
        match self {
            Mailer::Stub(transport) => Some(transport),
            _ => None,
        }
    }
}
