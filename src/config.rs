//! Layered configuration: `config/default.toml`, then the environment's file, then `JIEBANG__…`
//! environment variables, then `DATABASE_URL`. Secrets are wrapped so that they never print.

use std::net::IpAddr;

use ipnet::IpNet;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// The JWT secret shipped in `config/default.toml`; production refuses to start with it.
pub const DEFAULT_JWT_SECRET: &str = "insecure-development-secret-do-not-use-in-production";
/// The audit HMAC key shipped in `config/default.toml`; production refuses to start with it.
pub const DEFAULT_AUDIT_KEY: &str = "insecure-development-audit-key-do-not-use-in-production";
/// The ID-number hashing key shipped in `config/default.toml`; production refuses to start with it.
pub const DEFAULT_ID_HASH_KEY: &str = "insecure-development-id-hash-key-do-not-use-in-production";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Test,
    Production,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Development => "development",
            Environment::Test => "test",
            Environment::Production => "production",
        }
    }

    /// From `JIEBANG_ENV`, `development` when unset.
    pub fn from_env() -> anyhow::Result<Self> {
        match std::env::var("JIEBANG_ENV") {
            Err(_) => Ok(Environment::Development),
            Ok(value) => value.parse(),
        }
    }
}

impl std::str::FromStr for Environment {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "development" | "dev" => Ok(Environment::Development),
            "test" => Ok(Environment::Test),
            "production" | "prod" => Ok(Environment::Production),
            other => anyhow::bail!(
                "unknown environment {other:?}: use development, test or production (JIEBANG_ENV)"
            ),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    #[serde(skip, default = "default_environment")]
    pub environment: Environment,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub log: LogSettings,
    pub jobs: JobSettings,
    pub mail: MailSettings,
    pub audit: AuditSettings,
    pub challenges: ChallengeSettings,
    pub privacy: PrivacySettings,
    pub credit: CreditSettings,
    pub review: ReviewSettings,
    pub metrics: MetricsSettings,
    pub documents: DocumentSettings,
    pub search: SearchSettings,
    /// Where `server.public_url` came from, for the warning at start.
    #[serde(skip)]
    pub public_url_source: PublicUrlSource,
}

/// The text index that serves `GET /challenges` (docs/search.md).
#[derive(Debug, Clone, Deserialize)]
pub struct SearchSettings {
    /// Off: lists and searches are answered by PostgreSQL alone (slower on large tables).
    pub enabled: bool,
    /// This instance's index folder (each instance keeps its own; created at start).
    pub dir: PathBuf,
    /// How often the index looks for changes when no notification came (a safety net: a commit
    /// on any instance notifies every instance at once).
    pub poll_interval_ms: u64,
    /// Memory of the index writer, in MiB.
    pub writer_memory_mib: usize,
    /// Deepest position a `page` may reach (`page × per_page`); deeper lists use `cursor`.
    pub max_page_depth: i64,
}

/// `GET /metrics` (Prometheus).
#[derive(Debug, Clone, Deserialize)]
pub struct MetricsSettings {
    /// The client addresses (IPs or CIDR ranges) that may scrape `/metrics`; everybody else gets
    /// the 404 of an unknown route. The client address is the peer's, or the one a trusted proxy
    /// (`server.trusted_proxies`) forwarded.
    #[serde(deserialize_with = "networks")]
    pub allow_from: Vec<IpNet>,
}

/// IPs (`10.0.0.7`) or ranges (`10.0.0.0/8`).
fn networks<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<IpNet>, D::Error> {
    let items = Vec::<String>::deserialize(deserializer)?;
    items
        .iter()
        .map(|item| {
            let item = item.trim();
            item.parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    serde::de::Error::custom(format!(
                        "{item:?} is neither an IP address nor a CIDR range such as 10.0.0.0/8"
                    ))
                })
        })
        .collect()
}

/// Where the links in mails and the feed point ([`ServerSettings::public_url`]) came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PublicUrlSource {
    /// `server.public_url`.
    #[default]
    Configured,
    /// The deprecated `mail.public_url`.
    Deprecated,
    /// Neither is set: made from `server.bind`.
    Bind,
}

/// Documents (附件, SPEC §13): where the files are stored and what an upload may be.
#[derive(Debug, Clone, Deserialize)]
pub struct DocumentSettings {
    /// `local` (a folder, `dir`) or `s3` (any S3-compatible store, `[documents.s3]`).
    pub store: DocumentStore,
    /// The folder of the local store (created at start).
    pub dir: PathBuf,
    /// Where uploads are received (hashed and inspected) before they are stored; the system's
    /// temporary folder when unset.
    #[serde(default)]
    pub spool_dir: Option<PathBuf>,
    /// Largest file, in MiB, per kind of attachment.
    pub max_file_mib: PerAttachment,
    /// Largest total of the current documents of one challenge, bid, milestone or acceptance, in
    /// MiB.
    pub max_total_mib: PerAttachment,
    /// How long a signed download link (`GET /documents/{id}/link`) stays valid.
    pub link_ttl_secs: u64,
    #[serde(default)]
    pub s3: Option<S3Settings>,
    /// The virus scan through clamd; off when unset.
    #[serde(default)]
    pub clamd: Option<ClamdSettings>,
}

/// clamd, for the virus scan of uploads.
#[derive(Debug, Clone, Deserialize)]
pub struct ClamdSettings {
    /// `tcp://host:port` or `unix:/path/to/clamd.ctl`.
    pub address: String,
    /// How long a scan may take before the upload is refused (503).
    #[serde(default = "default_clamd_timeout_ms")]
    pub timeout_ms: u64,
}

fn default_clamd_timeout_ms() -> u64 {
    30_000
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DocumentStore {
    Local,
    S3,
}

/// A value for each kind of attachment.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct PerAttachment {
    pub challenge: u64,
    pub bid: u64,
    pub milestone: u64,
    pub acceptance: u64,
}

/// An S3-compatible store (AWS, MinIO, Ceph, OSS/COS with their S3 endpoints).
#[derive(Debug, Clone, Deserialize)]
pub struct S3Settings {
    pub bucket: String,
    /// The endpoint URL; unset for AWS itself.
    #[serde(default)]
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    /// Whether a plain-HTTP endpoint is allowed (a MinIO on the same host).
    #[serde(default)]
    pub allow_http: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ChallengeSettings {
    /// How long an anonymous or public page of `GET /challenges` may be served from this
    /// instance's memory (0: never). Writes through this instance clear it at once.
    pub public_list_cache_ms: u64,
}

fn default_environment() -> Environment {
    Environment::Development
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub bind: String,
    pub workers: usize,
    pub body_limit_bytes: usize,
    /// Longest pause between two chunks of a request body before it gets 408.
    pub body_idle_timeout_ms: u64,
    /// How long a request head (request line and headers) may take: the first from the opening of
    /// the connection, a later one from its first byte. Late: 408.
    pub head_timeout_ms: u64,
    pub cors_allowed_origins: Vec<String>,
    pub trusted_proxies: Vec<IpAddr>,
    pub shutdown_timeout_secs: u64,
    pub backlog: i32,
    /// The address people reach the server at (scheme, host, port, maybe a path prefix): the base
    /// of the links in mails and the Atom feed. Unset: `mail.public_url` (deprecated), else made
    /// from `bind` ([`Settings::resolve_public_url`]).
    #[serde(default)]
    pub public_url: Option<String>,
    /// The built web client (`cd web && npm ci && npm run build`), served at `/`; relative to the
    /// working directory. Without an `index.html` there, `/` says how to build it.
    #[serde(default = "default_web_dir")]
    pub web_dir: PathBuf,
}

fn default_web_dir() -> PathBuf {
    PathBuf::from("web/dist")
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// Holds a password in most deployments, hence secret.
    pub url: Option<SecretString>,
    pub pool_size: usize,
    pub acquire_timeout_ms: u64,
    pub connect_timeout_ms: u64,
    pub create_if_missing: bool,
}

impl DatabaseSettings {
    pub fn url(&self) -> anyhow::Result<&str> {
        self.url.as_ref().map(|u| u.expose_secret()).ok_or_else(|| {
            anyhow::anyhow!(
                "no database configured: set DATABASE_URL (or JIEBANG__DATABASE__URL), \
                 e.g. postgres://postgres@127.0.0.1:5432/jiebang"
            )
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    pub jwt_secret: SecretString,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl_secs: u64,
    pub refresh_token_ttl_days: u64,
    pub login_attempts_per_account_per_minute: u32,
    pub login_attempts_per_address_per_minute: u32,
    pub hash_concurrency: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct JobSettings {
    pub enabled: bool,
    pub workers: usize,
    pub poll_interval_ms: u64,
    /// How long a claimed job is held before another runner may take it again.
    pub lease_secs: u64,
    /// An attempt that runs longer fails (shorter than the lease).
    pub timeout_secs: u64,
    /// At shutdown, how long the jobs in hand may take to finish before they are handed back.
    pub shutdown_timeout_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MailSettings {
    pub backend: MailBackend,
    pub file_dir: PathBuf,
    pub from: String,
    /// Deprecated alias of `server.public_url`, still read (with a warning at start).
    #[serde(default)]
    pub public_url: Option<String>,
    pub smtp: SmtpSettings,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MailBackend {
    Smtp,
    File,
    /// lettre's stub transport: keeps every message in memory (tests).
    Stub,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    None,
    Starttls,
    Tls,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AuditSettings {
    pub hmac_key: SecretString,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PrivacySettings {
    /// Key of the HMAC-SHA256 that ID numbers are stored as. Changing it makes every stored ID
    /// number hash unmatchable: keep it for the life of the database.
    pub id_hash_key: SecretString,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CreditSettings {
    /// Largest credit file `POST /credit/imports` accepts, in bytes (413 above it).
    pub import_max_bytes: usize,
    /// Rejected lines kept in an import's report (all are counted).
    pub import_report_max_lines: usize,
    /// The source of imported records when the request names none.
    pub default_source: String,
}

/// Expert review (SPEC §5): the panel draw's limit and the fee schedule (专家评审费).
#[derive(Debug, Clone, Deserialize)]
pub struct ReviewSettings {
    /// An expert with this many open assignments (invited or accepted, not yet submitted) is not
    /// drawn (`too_busy`).
    pub max_open_assignments: i64,
    /// The reminder goes out this many hours before a panel's review deadline.
    pub reminder_hours_before: i64,
    /// Fee of one submitted review, in fen.
    pub fee_per_review_fen: i64,
    /// Added to the fee for each bid the review scored, in fen.
    pub fee_per_bid_fen: i64,
    /// Whether a draw may be given its seed. Off outside tests: a chosen seed would let whoever
    /// draws try seeds until one gives the panel they want.
    #[serde(default)]
    pub allow_chosen_seed: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub format: LogFormat,
    pub filter: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

impl Settings {
    /// Loads the settings for the environment named by `JIEBANG_ENV` from the `config/` folder
    /// (or `JIEBANG_CONFIG_DIR`).
    pub fn load() -> anyhow::Result<Self> {
        let dir = std::env::var_os("JIEBANG_CONFIG_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("config"));
        Self::load_from(&dir, Environment::from_env()?)
    }

    pub fn load_from(dir: &Path, environment: Environment) -> anyhow::Result<Self> {
        let base = dir.join("default.toml");
        if !base.exists() {
            anyhow::bail!(
                "configuration file {} not found: run from the project folder or set JIEBANG_CONFIG_DIR",
                base.display()
            );
        }
        let mut settings: Settings = config::Config::builder()
            .add_source(config::File::from(base))
            .add_source(config::File::from(dir.join(environment.as_str())).required(false))
            .add_source(
                config::Environment::with_prefix("JIEBANG")
                    .prefix_separator("__")
                    .separator("__")
                    .list_separator(",")
                    .with_list_parse_key("server.cors_allowed_origins")
                    .with_list_parse_key("server.trusted_proxies")
                    .with_list_parse_key("metrics.allow_from")
                    .try_parsing(true),
            )
            .build()?
            .try_deserialize()?;
        settings.environment = environment;
        if let Ok(url) = std::env::var("DATABASE_URL")
            && !url.trim().is_empty()
        {
            settings.database.url = Some(SecretString::from(url));
        }
        settings.resolve_public_url();
        settings.validate()?;
        Ok(settings)
    }

    /// The base of the links in mails and the feed, without a trailing slash.
    pub fn public_url(&self) -> &str {
        self.server
            .public_url
            .as_deref()
            .unwrap_or_default()
            .trim_end_matches('/')
    }

    /// Fills `server.public_url`: as configured, else from the deprecated `mail.public_url`, else
    /// from `server.bind` (an unspecified address such as `0.0.0.0` becomes `127.0.0.1`). Call it
    /// again after changing `server.bind` (`serve --bind`) when the URL was made from the bind.
    pub fn resolve_public_url(&mut self) {
        let configured = |url: &Option<String>| {
            url.as_ref()
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty())
        };
        let (url, source) = if self.public_url_source == PublicUrlSource::Configured
            && let Some(url) = configured(&self.server.public_url)
        {
            (url, PublicUrlSource::Configured)
        } else if let Some(url) = configured(&self.mail.public_url) {
            (url, PublicUrlSource::Deprecated)
        } else {
            (url_of_bind(&self.server.bind), PublicUrlSource::Bind)
        };
        self.server.public_url = Some(url);
        self.public_url_source = source;
    }

    /// What to say at start about `server.public_url`: the deprecated key in use, or, in
    /// production, no URL configured at all.
    pub fn public_url_warning(&self) -> Option<String> {
        match self.public_url_source {
            PublicUrlSource::Configured => None,
            PublicUrlSource::Deprecated => Some(format!(
                "mail.public_url is deprecated: set server.public_url (JIEBANG__SERVER__PUBLIC_URL) \
                 instead; using {}",
                self.public_url()
            )),
            PublicUrlSource::Bind if self.environment == Environment::Production => Some(format!(
                "server.public_url is not set: links in mail and in the Atom feed point at {}, \
                 made from server.bind; set JIEBANG__SERVER__PUBLIC_URL to the address people use",
                self.public_url()
            )),
            PublicUrlSource::Bind => None,
        }
    }

    /// Refuses settings that would be unsafe or cannot work.
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.environment == Environment::Production {
            let secret = self.auth.jwt_secret.expose_secret();
            if secret == DEFAULT_JWT_SECRET || secret.len() < 32 {
                anyhow::bail!(
                    "refusing to start in production with the default or a short JWT secret: \
                     set JIEBANG__AUTH__JWT_SECRET to at least 32 random bytes"
                );
            }
            self.database.url()?;
            let audit_key = self.audit.hmac_key.expose_secret();
            if audit_key == DEFAULT_AUDIT_KEY || audit_key.len() < 32 {
                anyhow::bail!(
                    "refusing to start in production with the default or a short audit key: \
                     set JIEBANG__AUDIT__HMAC_KEY to at least 32 random bytes"
                );
            }
            let id_key = self.privacy.id_hash_key.expose_secret();
            if id_key == DEFAULT_ID_HASH_KEY || id_key.len() < 32 {
                anyhow::bail!(
                    "refusing to start in production with the default or a short ID hash key: \
                     set JIEBANG__PRIVACY__ID_HASH_KEY to at least 32 random bytes"
                );
            }
        }
        if self.mail.from.parse::<lettre::message::Mailbox>().is_err() {
            anyhow::bail!(
                "mail.from {:?} is not a mailbox such as 平台 <noreply@example.cn>",
                self.mail.from
            );
        }
        for origin in &self.server.cors_allowed_origins {
            let valid = ["http://", "https://"].iter().any(|scheme| {
                origin
                    .strip_prefix(scheme)
                    .is_some_and(|host| !host.is_empty() && !host.contains(['/', '*', ' ']))
            });
            if !valid {
                anyhow::bail!(
                    "server.cors_allowed_origins: {origin:?} is not an origin such as https://portal.example.gov.cn"
                );
            }
        }
        let public_url = self.public_url();
        let valid = ["http://", "https://"].iter().any(|scheme| {
            public_url
                .strip_prefix(scheme)
                .is_some_and(|rest| !rest.is_empty() && !rest.contains([' ', '?', '#']))
        });
        if !valid {
            anyhow::bail!(
                "server.public_url: {public_url:?} is not an http(s) URL such as https://jiebang.example.gov.cn"
            );
        }
        if self.database.pool_size == 0 {
            anyhow::bail!("database.pool_size must be at least 1");
        }
        if self.auth.login_attempts_per_account_per_minute == 0
            || self.auth.login_attempts_per_address_per_minute == 0
        {
            anyhow::bail!("auth.login_attempts_per_* must be at least 1");
        }
        if self.jobs.timeout_secs == 0 || self.jobs.timeout_secs >= self.jobs.lease_secs {
            anyhow::bail!(
                "jobs.timeout_secs ({}) must be at least 1 and shorter than jobs.lease_secs ({}): \
                 a job still running when its lease ends would be taken by another runner",
                self.jobs.timeout_secs,
                self.jobs.lease_secs
            );
        }
        Ok(())
    }

    pub fn workers(&self) -> usize {
        if self.server.workers == 0 {
            cores()
        } else {
            self.server.workers
        }
    }

    pub fn hash_concurrency(&self) -> usize {
        if self.auth.hash_concurrency == 0 {
            cores()
        } else {
            self.auth.hash_concurrency
        }
    }
}

/// `http://` and the bind address, with an unspecified host (`0.0.0.0`, `[::]`) as `127.0.0.1`.
fn url_of_bind(bind: &str) -> String {
    let (host, port) = bind.rsplit_once(':').unwrap_or((bind, "80"));
    let host = match host {
        "" | "0.0.0.0" | "[::]" | "::" => "127.0.0.1",
        other => other,
    };
    format!("http://{host}:{port}")
}

fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config")
    }

    #[test]
    fn development_loads_with_a_database_url() {
        let settings = Settings::load_from(&config_dir(), Environment::Development).unwrap();
        assert!(settings.database.url().unwrap().starts_with("postgres://"));
        assert_eq!(settings.server.bind, "127.0.0.1:8080");
    }

    #[test]
    fn debug_output_hides_secrets() {
        let settings = Settings::load_from(&config_dir(), Environment::Development).unwrap();
        let printed = format!("{settings:?}");
        assert!(!printed.contains(DEFAULT_JWT_SECRET));
        assert!(!printed.contains(DEFAULT_AUDIT_KEY));
        assert!(!printed.contains(DEFAULT_ID_HASH_KEY));
        assert!(!printed.contains("postgres://"));
    }

    #[test]
    fn production_refuses_the_default_secret() {
        let mut settings = Settings::load_from(&config_dir(), Environment::Development).unwrap();
        settings.environment = Environment::Production;
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.contains("JWT secret"), "{err}");
    }

    #[test]
    fn cors_origins_must_be_origins() {
        let mut settings = Settings::load_from(&config_dir(), Environment::Development).unwrap();
        settings.server.cors_allowed_origins = vec!["https://portal.example.gov.cn:8443".into()];
        assert!(settings.validate().is_ok());
        for bad in [
            "*",
            "portal.example.gov.cn",
            "https://portal.example.gov.cn/app",
        ] {
            settings.server.cors_allowed_origins = vec![bad.into()];
            assert!(settings.validate().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_job_timeout_must_be_shorter_than_its_lease() {
        let mut settings = Settings::load_from(&config_dir(), Environment::Development).unwrap();
        assert!(settings.validate().is_ok());
        settings.jobs.timeout_secs = settings.jobs.lease_secs;
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.contains("jobs.timeout_secs"), "{err}");
    }

    #[test]
    fn production_refuses_the_default_audit_key() {
        let mut settings = Settings::load_from(&config_dir(), Environment::Development).unwrap();
        settings.environment = Environment::Production;
        settings.auth.jwt_secret = SecretString::from("x".repeat(48));
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.contains("audit key"), "{err}");
        settings.audit.hmac_key = SecretString::from("y".repeat(48));
        settings.privacy.id_hash_key = SecretString::from("z".repeat(48));
        assert!(settings.validate().is_ok());
    }

    #[test]
    fn production_refuses_the_default_id_hash_key() {
        let mut settings = Settings::load_from(&config_dir(), Environment::Development).unwrap();
        settings.environment = Environment::Production;
        settings.auth.jwt_secret = SecretString::from("x".repeat(48));
        settings.audit.hmac_key = SecretString::from("y".repeat(48));
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.contains("ID hash key"), "{err}");
        settings.privacy.id_hash_key = SecretString::from("short");
        assert!(settings.validate().is_err());
        settings.privacy.id_hash_key = SecretString::from("z".repeat(48));
        assert!(settings.validate().is_ok());
    }

    #[test]
    fn production_refuses_a_missing_database_url() {
        let mut settings = Settings::load_from(&config_dir(), Environment::Development).unwrap();
        settings.environment = Environment::Production;
        settings.auth.jwt_secret = SecretString::from("x".repeat(48));
        settings.audit.hmac_key = SecretString::from("y".repeat(48));
        settings.privacy.id_hash_key = SecretString::from("z".repeat(48));
        settings.database.url = None;
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.contains("DATABASE_URL"), "{err}");
    }

    #[test]
    fn the_public_url_is_configured_or_the_deprecated_one_or_made_from_the_bind() {
        let mut settings = Settings::load_from(&config_dir(), Environment::Development).unwrap();
        // Unset in config/: made from the bind, no warning outside production.
        assert_eq!(settings.public_url(), "http://127.0.0.1:8080");
        assert_eq!(settings.public_url_source, PublicUrlSource::Bind);
        assert!(settings.public_url_warning().is_none());
        settings.server.bind = "0.0.0.0:9000".into();
        settings.resolve_public_url();
        assert_eq!(settings.public_url(), "http://127.0.0.1:9000");
        settings.environment = Environment::Production;
        let warning = settings.public_url_warning().unwrap();
        assert!(
            warning.contains("server.public_url is not set"),
            "{warning}"
        );

        // The former key still works, with a warning.
        settings.mail.public_url = Some("https://old.example.gov.cn/".into());
        settings.resolve_public_url();
        assert_eq!(settings.public_url(), "https://old.example.gov.cn");
        assert!(
            settings
                .public_url_warning()
                .unwrap()
                .contains("deprecated")
        );

        // The new key wins, and stays when the bind changes.
        settings.server.public_url = Some("https://jiebang.example.gov.cn".into());
        settings.public_url_source = PublicUrlSource::Configured;
        settings.resolve_public_url();
        settings.server.bind = "0.0.0.0:9001".into();
        settings.resolve_public_url();
        assert_eq!(settings.public_url(), "https://jiebang.example.gov.cn");
        assert!(settings.public_url_warning().is_none());

        settings.environment = Environment::Development;
        settings.server.public_url = Some("jiebang.example.gov.cn".into());
        settings.public_url_source = PublicUrlSource::Configured;
        settings.resolve_public_url();
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.contains("server.public_url"), "{err}");
    }

    #[test]
    fn metrics_are_allowed_from_loopback_by_default_and_take_ips_or_ranges() {
        let settings = Settings::load_from(&config_dir(), Environment::Development).unwrap();
        let allowed = |ip: &str| {
            let ip: IpAddr = ip.parse().unwrap();
            settings.metrics.allow_from.iter().any(|n| n.contains(&ip))
        };
        assert!(allowed("127.0.0.1") && allowed("::1"));
        assert!(!allowed("10.0.0.1"));

        #[derive(Deserialize)]
        struct Only {
            #[serde(deserialize_with = "networks")]
            allow_from: Vec<IpNet>,
        }
        let parsed: Only =
            serde_json::from_str(r#"{"allow_from": ["10.0.0.7", "192.168.0.0/16", "fd00::/8"]}"#)
                .unwrap();
        assert_eq!(parsed.allow_from.len(), 3);
        assert_eq!(parsed.allow_from[0].to_string(), "10.0.0.7/32");
        let bad = serde_json::from_str::<Only>(r#"{"allow_from": ["localhost"]}"#);
        assert!(bad.is_err());
    }
}
