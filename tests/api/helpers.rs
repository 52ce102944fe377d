//! `TestApp`: a server of its own on a database of its own, with the requests and assertions every
//! module uses (`get_ok`, `assert_status`, `assert_problem`, notifications, registrations) and the
//! one place that reads the test mailer (`sent_mail`) and the notices' sample data (`notice_vars`).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::dev::ServerHandle;
use actix_web::web::Data;
use jiebang::accounts::queries::{self, NewAccount};
use jiebang::auth::Role;
use jiebang::codes::complete_uscc;
use jiebang::config::{Environment, Settings};
use jiebang::i18n::Locale;
use jiebang::mail::SendEmail;
use jiebang::startup::Application;
use jiebang::state::AppState;
use reqwest::{Method, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;
use tokio_postgres::types::{FromSql, ToSql};
use uuid::Uuid;

pub const PASSWORD: &str = "correct-horse-battery";

/// Admin connection for making and dropping test databases.
fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

pub fn database_url(name: &str) -> String {
    let mut config: tokio_postgres::Config = admin_url().parse().expect("TEST_DATABASE_URL parses");
    config.dbname(name);
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "127.0.0.1".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or("postgres");
    let password = config
        .get_password()
        .map(|p| format!(":{}", String::from_utf8_lossy(p)))
        .unwrap_or_default();
    format!("postgres://{user}{password}@{host}:{port}/{name}")
}

async fn admin_client() -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(&admin_url(), tokio_postgres::NoTls)
        .await
        .expect("PostgreSQL answers at TEST_DATABASE_URL");
    tokio::spawn(connection);
    client
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The template's name changes whenever a migration does.
fn template_name() -> String {
    fn visit(dir: &Path, hasher: &mut Sha256) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                visit(&path, hasher);
            } else {
                hasher.update(
                    path.strip_prefix(manifest_dir())
                        .unwrap()
                        .to_string_lossy()
                        .as_bytes(),
                );
                hasher.update(std::fs::read(&path).unwrap());
            }
        }
    }
    let mut hasher = Sha256::new();
    visit(&manifest_dir().join("migrations"), &mut hasher);
    let digest = hasher.finalize();
    format!("jiebang_tpl_{}", &hex(&digest)[..16])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// Makes the migrated template once per run; an advisory lock keeps concurrent test processes
/// from building it twice. Also sweeps databases left behind by test runs that were killed.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = template_name();
            let client = admin_client().await;
            client
                .execute("SELECT pg_advisory_lock(7402651)", &[])
                .await
                .unwrap();
            let exists = !client
                .query("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
                .await
                .unwrap()
                .is_empty();
            if !exists {
                let building = format!("{name}_build");
                client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                    .await
                    .unwrap();
                client
                    .batch_execute(&format!("CREATE DATABASE {building}"))
                    .await
                    .unwrap();
                jiebang::db::run_migrations(&database_url(&building))
                    .await
                    .expect("migrations apply");
                retry_in_use(
                    &client,
                    &format!("ALTER DATABASE {building} RENAME TO {name}"),
                )
                .await;
                client
                    .batch_execute(&format!("COMMENT ON DATABASE {name} IS '{}'", unix_now()))
                    .await
                    .unwrap();
                // Other templates belong to other migrations: older ones, or another checkout's
                // that may be testing right now; those are dropped once an hour old.
                for row in client
                    .query(
                        "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database \
                         WHERE datname LIKE 'jiebang\\_tpl\\_%' AND datname <> $1",
                        &[&name],
                    )
                    .await
                    .unwrap()
                {
                    let old: String = row.get(0);
                    let built: u64 = row
                        .get::<_, Option<String>>(1)
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(0);
                    if unix_now().saturating_sub(built) > 3600 {
                        let _ = client
                            .batch_execute(&format!("DROP DATABASE IF EXISTS {old} WITH (FORCE)"))
                            .await;
                    }
                }
            }
            sweep_stale_databases(&client).await;
            client
                .execute("SELECT pg_advisory_unlock(7402651)", &[])
                .await
                .unwrap();
            name
        })
        .await
}

/// Test databases are named `jiebang_test_<unix seconds>_<random>`; drop those over an hour old.
async fn sweep_stale_databases(client: &tokio_postgres::Client) {
    let now = unix_now();
    for row in client
        .query(
            "SELECT datname FROM pg_database WHERE datname LIKE 'jiebang\\_test\\_%'",
            &[],
        )
        .await
        .unwrap()
    {
        let name: String = row.get(0);
        let created = name
            .split('_')
            .nth(2)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0);
        if now.saturating_sub(created) > 3600 {
            let _ = client
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Statements that need a database nobody is connected to; a closing connection can linger for a
/// moment after its client has gone.
async fn retry_in_use(client: &tokio_postgres::Client, sql: &str) {
    for attempt in 0.. {
        match client.batch_execute(sql).await {
            Ok(()) => return,
            Err(e)
                if attempt < 100
                    && e.code() == Some(&tokio_postgres::error::SqlState::OBJECT_IN_USE) =>
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("{sql}: {e}"),
        }
    }
}

pub struct TestApp {
    pub address: String,
    /// Checks every response against the OpenAPI document ([`crate::contract`]).
    pub client: reqwest_middleware::ClientWithMiddleware,
    pub state: Data<AppState>,
    pub db_name: String,
    handle: ServerHandle,
    /// The documents' store and spool (removed with the app).
    pub _documents: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// A server whose settings `adjust` may change first.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let template = template().await;
        let db_name = format!("jiebang_test_{}_{}", unix_now(), Uuid::new_v4().simple());
        let client = admin_client().await;
        retry_in_use(
            &client,
            &format!("CREATE DATABASE {db_name} TEMPLATE {template}"),
        )
        .await;

        let mut settings =
            Settings::load_from(&manifest_dir().join("config"), Environment::Test).unwrap();
        settings.database.url = Some(SecretString::from(database_url(&db_name)));
        settings.server.bind = "127.0.0.1:0".to_string();
        let documents = tempfile::tempdir().expect("a folder for the documents");
        settings.documents.dir = documents.path().join("store");
        settings.documents.spool_dir = Some(documents.path().join("spool"));
        // No web client unless a test builds one (tests/api/web.rs): whether web/dist happens
        // to be built must not change what the other tests see.
        settings.server.web_dir = documents.path().join("web-not-built");
        settings.search.enabled = true;
        settings.search.dir = documents.path().join("search");
        adjust(&mut settings);
        let app = Application::build(settings)
            .await
            .expect("the application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.server_handle();
        let state = app.state();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            client: reqwest_middleware::ClientBuilder::new(
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .unwrap(),
            )
            .with(crate::contract::Contract)
            .build(),
            state,
            db_name,
            handle,
            _documents: documents,
        }
    }

    /// The documents' store folder (the local object store's root).
    pub fn documents_store(&self) -> std::path::PathBuf {
        self._documents.path().join("store")
    }

    /// Brings the text index up to date with every commit so far (as the feed would within a
    /// moment): lists read after this see what was written before it.
    pub async fn search_caught_up(&self) {
        use jiebang::search::feed::Index;
        let extensions = &self.state.extensions;
        if let Some(index) = extensions.get::<jiebang::challenges::search::ChallengeIndex>() {
            index
                .catch_up(&self.state)
                .await
                .expect("the index catches up");
        }
        let credit = extensions.get::<Index<jiebang::credit::records::search::CreditRecords>>();
        if let Some(index) = credit {
            index
                .catch_up(&self.state.pool)
                .await
                .expect("the index catches up");
        }
        let experts = extensions.get::<Index<jiebang::reviews::experts::search::Experts>>();
        if let Some(index) = experts {
            index
                .catch_up(&self.state.pool)
                .await
                .expect("the index catches up");
        }
    }

    /// Runs every due background job, as the runner in `serve` would; answers how many ran.
    pub async fn run_jobs(&self) -> usize {
        jiebang::jobs::run_until_idle(&self.state)
            .await
            .expect("jobs run")
    }

    /// A direct connection to this test's database.
    pub async fn db(&self) -> tokio_postgres::Client {
        let (client, connection) =
            tokio_postgres::connect(&database_url(&self.db_name), tokio_postgres::NoTls)
                .await
                .unwrap();
        tokio::spawn(connection);
        client
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await.expect("request sent")
    }

    pub async fn post(&self, path: &str, body: &Value, token: Option<&str>) -> reqwest::Response {
        let mut req = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await.expect("request sent")
    }

    pub async fn patch(&self, path: &str, body: &Value, token: Option<&str>) -> reqwest::Response {
        self.send_json(Method::PATCH, path, body, token).await
    }

    pub async fn put(&self, path: &str, body: &Value, token: Option<&str>) -> reqwest::Response {
        self.send_json(Method::PUT, path, body, token).await
    }

    async fn send_json(
        &self,
        method: Method,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> reqwest::Response {
        self.request(method, path, token)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// `GET` answering 200; answers the JSON body.
    pub async fn get_ok(&self, path: &str, token: Option<&str>) -> Value {
        assert_status(self.get(path, token).await, 200).await
    }

    /// `POST` answering 200; answers the JSON body.
    pub async fn post_ok(&self, path: &str, body: &Value, token: Option<&str>) -> Value {
        assert_status(self.post(path, body, token).await, 200).await
    }

    /// `POST` answering 201; answers the JSON body.
    pub async fn post_created(&self, path: &str, body: &Value, token: Option<&str>) -> Value {
        assert_status(self.post(path, body, token).await, 201).await
    }

    /// The first column of the first row of `sql` (a count), read straight from the database.
    pub async fn count(&self, sql: &str) -> i64 {
        self.db().await.query_one(sql, &[]).await.unwrap().get(0)
    }

    /// The first column of each row of `sql`, read straight from the database.
    pub async fn column<T>(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Vec<T>
    where
        T: for<'r> FromSql<'r>,
    {
        let rows = self.db().await.query(sql, params).await.unwrap();
        rows.iter().map(|r| r.get(0)).collect()
    }

    /// How many audit entries have this action.
    pub async fn audited(&self, action: &str) -> i64 {
        self.db()
            .await
            .query_one(
                "SELECT count(*) FROM audit_log WHERE action = $1",
                &[&action],
            )
            .await
            .unwrap()
            .get(0)
    }

    /// The mail this server has handed to its stub transport.
    pub async fn sent_mail(&self) -> Vec<SentMail> {
        sent_mail_of(&self.state).await
    }

    /// Registers an issuer or solver with a new organisation; answers the account.
    pub async fn register(&self, email: &str, role: &str) -> Value {
        self.register_as(&Registration::new(role).email(email))
            .await
    }

    /// Registers as `registration` says; answers the account.
    pub async fn register_as(&self, registration: &Registration) -> Value {
        let resp = self
            .post("/api/v1/auth/register", &registration.body, None)
            .await;
        assert_status(resp, 201).await
    }

    /// Registers as `registration` says and logs in.
    pub async fn sign_up(&self, registration: &Registration) -> Tokens {
        self.register_as(registration).await;
        self.login_ok(registration.body["email"].as_str().unwrap())
            .await
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post(
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
            None,
        )
        .await
    }

    /// `POST /auth/refresh` with this refresh token.
    pub async fn refresh(&self, refresh_token: &str) -> reqwest::Response {
        let body = json!({"refresh_token": refresh_token});
        self.post("/api/v1/auth/refresh", &body, None).await
    }

    /// Asserts that logging in is refused (401) with `code`; answers the problem.
    pub async fn assert_login_refused(&self, email: &str, password: &str, code: &str) -> Value {
        assert_problem(self.login(email, password).await, 401, code).await
    }

    /// Logs in and answers the token response.
    pub async fn login_ok(&self, email: &str) -> Tokens {
        let resp = self.login(email, PASSWORD).await;
        assert_eq!(resp.status(), StatusCode::OK, "login {email}");
        let body: Value = resp.json().await.unwrap();
        Tokens::from(&body)
    }

    /// A solver account, logged in.
    pub async fn solver(&self) -> Tokens {
        self.sign_up(&Registration::new("solver")).await
    }

    /// An issuer account with a new organisation, logged in.
    pub async fn issuer(&self) -> Tokens {
        self.sign_up(&Registration::new("issuer")).await
    }

    /// A request with the caller's token, for methods and headers the helpers above do not cover.
    pub fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
    ) -> reqwest_middleware::RequestBuilder {
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req
    }

    /// An admin account (made as `create-admin` makes it), logged in.
    pub async fn admin(&self) -> Tokens {
        let email = format!("admin-{}@example.com", Uuid::new_v4().simple());
        let hash = self
            .state
            .hasher
            .hash(SecretString::from(PASSWORD))
            .await
            .unwrap();
        let mut conn = self.state.conn().await.unwrap();
        queries::create_account(
            &mut conn,
            NewAccount {
                email: &email,
                password_hash: &hash,
                display_name: "管理员",
                role: Role::Admin,
                locale: Locale::ZhCn,
                organization: None,
                self_registered: false,
            },
        )
        .await
        .unwrap();
        self.login_ok(&email).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Tell the server to stop (the command is sent now), then drop the database, which also
        // closes the server's pooled connections.
        drop(self.handle.stop(false));
        let name = self.db_name.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let client = admin_client().await;
                let _ = client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
            });
        })
        .join();
    }
}

#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub refresh: String,
    pub user_id: String,
}

impl From<&Value> for Tokens {
    fn from(body: &Value) -> Self {
        Tokens {
            access: body["access_token"]
                .as_str()
                .expect("access_token")
                .to_string(),
            refresh: body["refresh_token"]
                .as_str()
                .expect("refresh_token")
                .to_string(),
            user_id: body["user"]["id"].as_str().expect("user.id").to_string(),
        }
    }
}

/// A fresh valid USCC.
pub fn new_uscc() -> String {
    let digits: String = Uuid::new_v4()
        .as_u128()
        .to_string()
        .chars()
        .take(9)
        .collect();
    complete_uscc(&format!("91350200{digits}")).unwrap()
}

/// Asserts a problem+json answer with `status` and `code`; answers its body.
pub async fn assert_problem(resp: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(resp.status().as_u16(), status, "status");
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
    assert!(
        body["type"].as_str().is_some_and(|t| t.ends_with(code)),
        "{body}"
    );
    body
}

/// The field names of a 422's `errors`.
pub fn error_fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts that the access token is refused (`GET /me` answers 401 `invalid_token`).
pub async fn assert_token_refused(app: &TestApp, access: &str) {
    let resp = app.get("/api/v1/me", Some(access)).await;
    assert_problem(resp, 401, "invalid_token").await;
}

/// Asserts that the access token works (`GET /me` answers 200).
pub async fn assert_token_works(app: &TestApp, access: &str) {
    app.get_ok("/api/v1/me", Some(access)).await;
}

/// Asserts that neither token of a login works any more.
pub async fn assert_signed_out(app: &TestApp, tokens: &Tokens) {
    assert_token_refused(app, &tokens.access).await;
    let resp = app.refresh(&tokens.refresh).await;
    assert_problem(resp, 401, "invalid_refresh_token").await;
}

/// A time as clients send it: RFC 3339 in whole seconds, UTC.
pub fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A valid resident ID number (GB 11643-1999): the 14 digits given (area and birth date), the
/// sequence `n` in three digits, and the check character.
pub fn resident_id(first14: &str, n: u32) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let first = format!("{first14}{:03}", n % 1000);
    let sum: u32 = first
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first}{check}")
}

/// The kinds of the caller's notifications, newest first.
pub async fn notification_kinds(app: &TestApp, token: &str) -> Vec<String> {
    let page: Value = app
        .get("/api/v1/notifications", Some(token))
        .await
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

/// A registration (`POST /auth/register`): a new email, 测试用户 of a new enterprise 测试单位,
/// changed field by field.
#[derive(Debug, Clone)]
pub struct Registration {
    pub body: Value,
}

impl Registration {
    pub fn new(role: &str) -> Self {
        Registration {
            body: json!({
                "email": format!("{role}-{}@example.com", Uuid::new_v4().simple()),
                "password": PASSWORD,
                "display_name": "测试用户",
                "role": role,
                "organization": {"name": "测试单位", "uscc": new_uscc(), "kind": "enterprise"},
            }),
        }
    }

    pub fn email(mut self, email: &str) -> Self {
        self.body["email"] = json!(email);
        self
    }

    pub fn name(mut self, display_name: &str) -> Self {
        self.body["display_name"] = json!(display_name);
        self
    }

    /// The organisation's name and USCC (a registration naming a known USCC joins it).
    pub fn org(mut self, name: &str, uscc: &str) -> Self {
        self.body["organization"]["name"] = json!(name);
        self.body["organization"]["uscc"] = json!(uscc);
        self
    }

    pub fn kind(mut self, kind: &str) -> Self {
        self.body["organization"]["kind"] = json!(kind);
        self
    }

    pub fn locale(mut self, locale: &str) -> Self {
        self.body["locale"] = json!(locale);
        self
    }
}

/// Asserts the status (showing the body when it differs); answers the body as JSON (`Null` when
/// empty).
pub async fn assert_status(resp: reqwest::Response, status: u16) -> Value {
    let actual = resp.status().as_u16();
    let text = resp.text().await.expect("a body");
    assert_eq!(actual, status, "{text}");
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }
}

/// The `id` of a created thing.
pub fn id_of(body: &Value) -> String {
    body["id"].as_str().expect("an id").to_string()
}

/// The `key` of each element of a JSON array, as strings.
pub fn ids(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .expect("an array")
        .iter()
        .map(|v| v[key].as_str().unwrap().to_string())
        .collect()
}

/// Asserts a CSV answer (200, `text/csv`); answers its text.
pub async fn assert_csv(resp: reqwest::Response) -> String {
    assert_eq!(resp.status(), StatusCode::OK);
    let content_type = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    resp.text().await.unwrap()
}

/// The caller's newest notification of `kind`.
pub async fn notification(app: &TestApp, token: &str, kind: &str) -> Value {
    let page = app.get_ok("/api/v1/notifications", Some(token)).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == kind)
        .cloned()
        .unwrap_or_else(|| panic!("no {kind} notification in {page}"))
}

/// Asserts that the caller has a notification of `kind`.
pub async fn assert_notified(app: &TestApp, token: &str, kind: &str) {
    let kinds = notification_kinds(app, token).await;
    assert!(kinds.iter().any(|k| k == kind), "no {kind} in {kinds:?}");
}

/// Asserts that the caller has no notification of `kind`.
pub async fn assert_not_notified(app: &TestApp, token: &str, kind: &str) {
    let kinds = notification_kinds(app, token).await;
    assert!(!kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
}

/// How many of the caller's notifications are of `kind`.
pub async fn notified_count(app: &TestApp, token: &str, kind: &str) -> usize {
    let kinds = notification_kinds(app, token).await;
    kinds.iter().filter(|k| *k == kind).count()
}

/// A mail as the test mailer kept it.
#[derive(Debug, Clone)]
pub struct SentMail {
    pub to: String,
    pub message_id: String,
    /// The whole message (RFC 5322, MIME-encoded).
    pub raw: Vec<u8>,
}

impl SentMail {
    pub fn subject(&self) -> String {
        mail_parser::MessageParser::default()
            .parse(&self.raw)
            .expect("a message")
            .subject()
            .expect("a subject")
            .to_string()
    }
}

/// The mail a server (or a second instance's state) has handed to its stub transport (the
/// tests' mail backend): the one place that reads the mailer.
pub async fn sent_mail_of(state: &AppState) -> Vec<SentMail> {
    let stub = state
        .mailer
        .stub()
        .expect("the tests' mail backend is the stub");
    stub.messages()
        .await
        .into_iter()
        .map(|(envelope, raw)| {
            let message_id = mail_parser::MessageParser::default()
                .parse(raw.as_bytes())
                .and_then(|m| m.message_id().map(str::to_string))
                .unwrap_or_default();
            SentMail {
                to: envelope
                    .to()
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                message_id,
                raw: raw.into_bytes(),
            }
        })
        .collect()
}

/// The sample variables of a notice's email template (`account_disabled`, ...).
pub fn notice_vars(template: &str) -> Value {
    crate::emails::sample(template)
}

/// A `send_email` job to `to` of `template` filled in with `vars`.
pub fn email_job(to: &str, template: &str, vars: Value, locale: Locale) -> SendEmail {
    SendEmail {
        message_id: jiebang::mail::new_message_id(),
        to_email: to.into(),
        to_name: to.split('@').next().unwrap_or(to).into(),
        locale,
        template: template.into(),
        vars,
    }
}
