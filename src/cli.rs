//! The `jiebang` command line: `serve`, `migrate`, `create-admin`, `import-credit`, `seed-demo`,
//! `audit verify`, `documents verify`.

use std::io::{BufRead, IsTerminal};

use clap::{Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use crate::accounts::input::{PASSWORD_MAX, PASSWORD_MIN};
use crate::accounts::queries::{self, NewAccount};
use crate::audit::{Event, RequestMeta, Verdict};
use crate::auth::Role;
use crate::config::Settings;
use crate::i18n::Locale;
use crate::startup::Application;
use crate::{db, seed, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "jiebang",
    version,
    about = "揭榜挂帅 challenge-bounty program backend"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (creates and migrates the database first).
    Serve {
        /// Listen address, overriding the configuration (default 127.0.0.1:8080).
        #[arg(long, value_name = "HOST:PORT")]
        bind: Option<String>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an admin account. The password is read from standard input (first line) or, on a
    /// terminal, prompted for; it is never taken as an argument.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Fill the database with demo accounts (an admin, an issuer, two solver teams, five experts)
    /// and print their passwords; once per database, also a demo story played through the API: a
    /// challenge under review by the five experts (invitations pending), one in its public
    /// notice, a project under way. Run it while no server works on the database. Refused in
    /// production.
    SeedDemo {
        /// Also add this many generated challenges (most published), for trying search and for
        /// load tests. Added on every run.
        #[arg(long, default_value_t = 0)]
        challenges: usize,
    },
    /// Import a credit file (CSV, UTF-8 or GBK) from the credit centre, as `POST
    /// /api/v1/credit/imports` does; prints the summary and the rejected lines. No size limit.
    ImportCredit {
        /// The CSV file.
        file: std::path::PathBuf,
        /// `auto` (UTF-8 if valid, else GB18030), `utf-8` or `gbk`.
        #[arg(long, default_value = "auto", value_parser = parse_encoding)]
        encoding: crate::credit::imports::parser::EncodingChoice,
        /// Where the records come from (default: `credit.default_source`).
        #[arg(long)]
        source: Option<String>,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The documents' stored files.
    Documents {
        #[command(subcommand)]
        command: DocumentsCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum DocumentsCommand {
    /// Re-hash every stored file the documents refer to (originals and blind copies) and name
    /// each one that changed (another hash or size) or vanished, with the documents resting on
    /// it. Exits 1 if there is one. Needs the same `documents` store settings as the server.
    Verify {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit chain and name the first entry changed, removed or inserted behind the
    /// application's back. Exits 1 if there is one. Needs the same `audit.hmac_key` as the server.
    Verify,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut settings = Settings::load()?;
    if matches!(cli.command, Command::SeedDemo { .. }) {
        // The demo story's requests would log a line each: only what goes wrong (`RUST_LOG`
        // still decides when set).
        settings.log.filter = "warn".to_string();
    }
    telemetry::init(&settings.log);
    match cli.command {
        Command::Serve { bind } => {
            if let Some(bind) = bind {
                settings.server.bind = bind;
                settings.resolve_public_url();
            }
            if let Some(warning) = settings.public_url_warning() {
                tracing::warn!("{warning}");
            }
            let environment = settings.environment.as_str();
            let app = Application::build(settings).await?;
            let state = app.state();
            tracing::info!(
                environment,
                address = %state.settings.server.bind,
                port = app.port(),
                docs = %format!("http://{}/docs/", display_address(&state.settings.server.bind, app.port())),
                "serving"
            );
            app.run_until_stopped().await?;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Migrate => {
            db::ensure_database(&settings.database).await?;
            let applied = db::run_migrations(settings.database.url()?).await?;
            if applied.is_empty() {
                println!("database is up to date");
            } else {
                for version in applied {
                    println!("applied {version}");
                }
            }
            Ok(())
        }
        Command::CreateAdmin { email, name } => {
            let password = read_password()?;
            let state = prepare(settings).await?;
            let hash = state.hasher.hash(password).await?;
            let account = NewAccount {
                email: &email,
                password_hash: &hash,
                display_name: &name,
                role: Role::Admin,
                locale: Locale::ZhCn,
                organization: None,
                self_registered: false,
            };
            let user = state
                .transaction(async |conn| {
                    let (user, _) = queries::create_account(conn, account).await?;
                    // Made from the command line: no actor, no request.
                    Event::new("user.create_admin", "user", user.id)
                        .summary(json!({"email": user.email, "display_name": user.display_name}))
                        .record(conn, &state, &RequestMeta::default())
                        .await?;
                    Ok(user)
                })
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("created admin {} ({})", user.email, user.id);
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let state = prepare(settings).await?;
            let mut conn = state.conn().await?;
            let verdict = crate::audit::verify(&mut conn, &state.audit_key)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            match verdict {
                Verdict::Intact { entries, head } => {
                    println!("audit log intact: {entries} entries, head {head}");
                    Ok(())
                }
                Verdict::Changed { id } => anyhow::bail!(
                    "audit log tampered: entry #{id} does not match its hash (changed behind the application's back, or written without the key)"
                ),
                Verdict::Broken { id, after } => anyhow::bail!(
                    "audit log tampered: entry #{id} does not follow {} (entries removed before it, or inserted)",
                    after
                        .map(|a| format!("entry #{a}"))
                        .unwrap_or_else(|| "the start of the log".into())
                ),
            }
        }
        Command::Documents {
            command: DocumentsCommand::Verify { json },
        } => {
            let state = prepare(settings).await?;
            let report = crate::documents::verify::verify(&state)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", crate::documents::verify::render(&report));
            }
            if report.is_intact() {
                Ok(())
            } else {
                anyhow::bail!(
                    "stored documents at fault: {} changed, {} missing",
                    report.changed,
                    report.missing
                )
            }
        }
        Command::ImportCredit {
            file,
            encoding,
            source,
        } => import_credit(settings, file, encoding, source).await,
        Command::SeedDemo { challenges } => {
            if settings.environment == crate::config::Environment::Production {
                anyhow::bail!("seed-demo is refused in production");
            }
            let state = actix_web::web::Data::new(prepare(settings).await?);
            seed::run(&state).await?;
            if challenges > 0 {
                let started = std::time::Instant::now();
                seed::challenges(&state, challenges).await?;
                println!(
                    "Added {challenges} demo challenges in {:.1} s.",
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(())
        }
    }
}

fn parse_encoding(value: &str) -> Result<crate::credit::imports::parser::EncodingChoice, String> {
    use crate::credit::imports::parser::EncodingChoice;
    match value.to_ascii_lowercase().as_str() {
        "auto" => Ok(EncodingChoice::Auto),
        "utf-8" | "utf8" => Ok(EncodingChoice::Utf8),
        "gbk" | "gb18030" | "gb2312" => Ok(EncodingChoice::Gbk),
        other => Err(format!(
            "unknown encoding {other:?}: use auto, utf-8 or gbk"
        )),
    }
}

async fn import_credit(
    settings: Settings,
    file: std::path::PathBuf,
    encoding: crate::credit::imports::parser::EncodingChoice,
    source: Option<String>,
) -> anyhow::Result<()> {
    use crate::credit::imports::rules::valid_source;
    use crate::credit::imports::run::{ImportInput, run_import};
    use crate::credit::imports::views::ImportReport;
    let bytes =
        std::fs::read(&file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let source = source.unwrap_or_else(|| settings.credit.default_source.clone());
    if !valid_source(&source) {
        anyhow::bail!("--source must be 1 to 100 characters");
    }
    let state = prepare(settings).await?;
    let started = std::time::Instant::now();
    let input = ImportInput {
        bytes,
        encoding,
        source,
        file_name: file
            .file_name()
            .map(|n| n.to_string_lossy().chars().take(255).collect()),
        created_by: None,
    };
    let import = run_import(&state, &Default::default(), input)
        .await
        .map_err(|e| {
            let body = e.problem().body(Locale::ZhCn);
            anyhow::anyhow!("{}", body.detail.unwrap_or(body.title))
        })?;
    // Rejected lines in Chinese, as the credit centre's staff read them.
    let report = ImportReport::new(import, Locale::ZhCn);
    println!(
        "import {} ({}, {}): read {}, inserted {}, updated {}, unchanged {}, rejected {} in {:.1} s",
        report.id,
        report.source,
        report.encoding,
        report.read,
        report.inserted,
        report.updated,
        report.unchanged,
        report.rejected,
        started.elapsed().as_secs_f64()
    );
    for line in &report.rejected_lines {
        println!(
            "line {}: {}{} ({})",
            line.line,
            line.column
                .as_deref()
                .map(|c| format!("{c}: "))
                .unwrap_or_default(),
            line.message,
            line.code
        );
    }
    if report.rejected_truncated {
        println!(
            "… {} more rejected lines not listed",
            report.rejected as usize - report.rejected_lines.len()
        );
    }
    Ok(())
}

fn display_address(bind: &str, port: u16) -> String {
    let host = bind.rsplit_once(':').map(|(h, _)| h).unwrap_or(bind);
    let host = if host == "0.0.0.0" || host == "[::]" {
        "127.0.0.1"
    } else {
        host
    };
    format!("{host}:{port}")
}

/// Database created and migrated, and the state the commands share with the server.
async fn prepare(settings: Settings) -> anyhow::Result<crate::state::AppState> {
    db::ensure_database(&settings.database).await?;
    db::run_migrations(settings.database.url()?).await?;
    let pool = db::build_pool(&settings.database)?;
    crate::startup::assemble(settings, pool)
}

fn read_password() -> anyhow::Result<SecretString> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Repeat password: ")?;
        if first != again {
            anyhow::bail!("the passwords differ");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    let password = SecretString::from(password);
    let length = password.expose_secret().chars().count();
    if !(PASSWORD_MIN..=PASSWORD_MAX).contains(&length) {
        anyhow::bail!("the password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long");
    }
    Ok(password)
}
