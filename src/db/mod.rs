//! PostgreSQL: the async connection pool, embedded migrations, and creating the database when it
//! does not exist yet.

use std::time::Duration;

use diesel::{Connection, ConnectionError, RunQueryDsl};
use diesel_async::AsyncPgConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::pooled_connection::ManagerConfig;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use futures_util::FutureExt;

use crate::config::DatabaseSettings;

pub mod faults;
mod text_enum;

pub type DbPool = Pool<AsyncPgConnection>;
pub type DbConn = Object<AsyncPgConnection>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Held while migrations run, so that several instances starting at once migrate one at a time.
const MIGRATION_LOCK_KEY: i64 = 0x006a_6965_6261_6e67; // "jiebang"

/// Builds the pool. Connections are opened lazily; waiting for one is bounded by the configured
/// acquire timeout, after which the request answers 503.
///
/// Every connection is opened on the runtime that builds the pool (in `serve`, the main one),
/// whoever asks for it first: the task that drives a connection lives on the runtime that opened
/// it, and actix-web's workers each run a runtime of their own that ends with the worker at
/// shutdown. A connection opened by a request handler would die with its worker while the job
/// runner, still finishing its jobs, holds or takes it from the pool.
pub fn build_pool(settings: &DatabaseSettings) -> anyhow::Result<DbPool> {
    let mut config = ManagerConfig::<AsyncPgConnection>::default();
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        config.custom_setup = Box::new(move |url| {
            let url = url.to_string();
            let opened = runtime.spawn(async move {
                <AsyncPgConnection as diesel_async::AsyncConnection>::establish(&url).await
            });
            async move {
                opened
                    .await
                    .map_err(|e| ConnectionError::BadConnection(e.to_string()))?
            }
            .boxed()
        });
    }
    let manager =
        AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(settings.url()?, config);
    let wait = Duration::from_millis(settings.acquire_timeout_ms);
    let pool = Pool::builder(manager)
        .max_size(settings.pool_size)
        .wait_timeout(Some(wait))
        .create_timeout(Some(Duration::from_millis(settings.connect_timeout_ms)))
        .recycle_timeout(Some(Duration::from_secs(5)))
        .runtime(deadpool::Runtime::Tokio1)
        .build()?;
    Ok(pool)
}

/// Where a database URL points, for messages (never with the password).
pub fn describe(url: &str) -> String {
    match url.parse::<tokio_postgres::Config>() {
        Ok(config) => {
            let hosts: Vec<String> = config
                .get_hosts()
                .iter()
                .map(|h| match h {
                    tokio_postgres::config::Host::Tcp(name) => name.clone(),
                    tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
                })
                .collect();
            let port = config.get_ports().first().copied().unwrap_or(5432);
            format!(
                "{}:{} (database {:?}, user {:?})",
                hosts.join(","),
                port,
                config.get_dbname().unwrap_or("postgres"),
                config.get_user().unwrap_or("?")
            )
        }
        Err(_) => "an unparsable DATABASE_URL".to_string(),
    }
}

/// Makes sure PostgreSQL answers and the database exists, creating it if allowed. Fails with a
/// message that says which address was tried and how to get a server.
pub async fn ensure_database(settings: &DatabaseSettings) -> anyhow::Result<()> {
    let url = settings.url()?;
    let mut config: tokio_postgres::Config = url
        .parse()
        .map_err(|e| anyhow::anyhow!("DATABASE_URL is not a valid PostgreSQL URL: {e}"))?;
    config.connect_timeout(Duration::from_millis(settings.connect_timeout_ms));
    let dbname = config.get_dbname().unwrap_or("postgres").to_string();
    match try_connect(&config).await {
        Ok(()) => return Ok(()),
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::INVALID_CATALOG_NAME) => {
            if !settings.create_if_missing {
                anyhow::bail!(
                    "database {dbname:?} does not exist at {} (and database.create_if_missing is off)",
                    describe(url)
                );
            }
        }
        Err(e) => return Err(unreachable_error(url, &e)),
    }
    // Connect to the maintenance database of the same server and create ours.
    let mut admin = config.clone();
    admin.dbname("postgres");
    let (client, connection) = admin
        .connect(tokio_postgres::NoTls)
        .await
        .map_err(|e| unreachable_error(url, &e))?;
    let driver = tokio::spawn(connection);
    let quoted = format!("\"{}\"", dbname.replace('"', "\"\""));
    match client
        .batch_execute(&format!("CREATE DATABASE {quoted}"))
        .await
    {
        Ok(()) => tracing::info!(database = %dbname, "created the database"),
        // Another instance created it in the meantime.
        Err(e) if created_by_another(&e) => {
            tracing::debug!(database = %dbname, "another instance created the database")
        }
        Err(e) => anyhow::bail!(
            "could not create database {dbname:?} at {}: {}",
            describe(url),
            pg_message(&e)
        ),
    }
    drop(client);
    driver.abort();
    Ok(())
}

async fn try_connect(config: &tokio_postgres::Config) -> Result<(), tokio_postgres::Error> {
    let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
    let driver = tokio::spawn(connection);
    client.simple_query("SELECT 1").await?;
    drop(client);
    driver.abort();
    Ok(())
}

/// Whether a failed `CREATE DATABASE` means another instance created the database at the same
/// moment: 42P04 `duplicate_database` when it had committed, 23505 `unique_violation` on
/// `pg_database_datname_index` when both inserted into the catalogue at once.
fn created_by_another(err: &tokio_postgres::Error) -> bool {
    use tokio_postgres::error::SqlState;
    match err.as_db_error() {
        Some(db) if db.code() == &SqlState::DUPLICATE_DATABASE => true,
        Some(db) if db.code() == &SqlState::UNIQUE_VIOLATION => db
            .constraint()
            .is_none_or(|c| c == "pg_database_datname_index"),
        _ => false,
    }
}

/// What PostgreSQL said, with its SQLSTATE (tokio-postgres' own `Display` of a server error is
/// the bare "db error"); for an error of the client side (network, TLS), its cause.
pub fn pg_message(err: &tokio_postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => {
            let mut message = format!(
                "{}: {} (SQLSTATE {})",
                db.severity(),
                db.message(),
                db.code().code()
            );
            if let Some(detail) = db.detail() {
                message.push_str(&format!("; {detail}"));
            }
            if let Some(hint) = db.hint() {
                message.push_str(&format!("; hint: {hint}"));
            }
            message
        }
        None => match std::error::Error::source(err) {
            Some(source) => format!("{err}: {source}"),
            None => err.to_string(),
        },
    }
}

fn unreachable_error(url: &str, err: &tokio_postgres::Error) -> anyhow::Error {
    let cause = pg_message(err);
    if err.as_db_error().is_some() {
        // The server answered: it runs, and said why it refuses.
        return anyhow::anyhow!("PostgreSQL at {} refused: {cause}", describe(url));
    }
    anyhow::anyhow!(
        "cannot reach PostgreSQL at {}: {cause}\n\
         Start one with `docker compose up -d db`, or start the local service \
         (e.g. `sudo systemctl start postgresql` or `pg_ctlcluster <version> main start`), \
         or point DATABASE_URL at a running server.",
        describe(url)
    )
}

/// Applies pending migrations, one instance at a time. The synchronous migration harness runs on
/// a thread of its own (with its own small runtime for the async connection), whatever runtime
/// the caller is on.
pub async fn run_migrations(url: &str) -> anyhow::Result<Vec<String>> {
    let url = url.to_string();
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let _ = tx.send(migrate_blocking(&url));
    });
    rx.await
        .map_err(|_| anyhow::anyhow!("the migration thread died"))?
}

fn migrate_blocking(url: &str) -> anyhow::Result<Vec<String>> {
    {
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(url)
            .map_err(|e| anyhow::anyhow!("cannot connect to run the migrations: {e}"))?;
        diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
            .execute(&mut conn)?;
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map(|versions| versions.iter().map(|v| v.to_string()).collect())
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"));
        diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
            .execute(&mut conn)?;
        applied
    }
}

/// The body of a transaction: an async closure over the connection, whose future is `Send` (so
/// that handlers and jobs can hold it across awaits). Any `async |conn| { … }` is one.
pub trait TransactionBody<'r, R>:
    AsyncFnOnce(&'r mut AsyncPgConnection) -> crate::error::AppResult<R>
    + FnOnce(&'r mut AsyncPgConnection) -> <Self as TransactionBody<'r, R>>::Fut
{
    type Fut: Future<Output = crate::error::AppResult<R>> + Send;
}

impl<'r, R, F, Fut> TransactionBody<'r, R> for F
where
    F: AsyncFnOnce(&'r mut AsyncPgConnection) -> crate::error::AppResult<R>
        + FnOnce(&'r mut AsyncPgConnection) -> Fut,
    Fut: Future<Output = crate::error::AppResult<R>> + Send,
{
    type Fut = Fut;
}

/// Runs `body` in a transaction on `conn`: committed when it answers `Ok`, rolled back otherwise.
pub async fn transaction<R, F>(conn: &mut AsyncPgConnection, body: F) -> crate::error::AppResult<R>
where
    F: for<'r> TransactionBody<'r, R> + Send,
    R: Send,
{
    use diesel_async::AsyncConnection;
    conn.transaction::<R, crate::error::AppError, F>(body).await
}

/// Escapes `%`, `_` and `\` for a LIKE pattern.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
