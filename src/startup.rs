//! Builds the application: database, state, routes, middleware, and the HTTP server bound to its
//! listener (port 0 in tests). `main` only parses the command line and calls this.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_http::HttpService;
use actix_http::KeepAlive;
use actix_http::error::DispatchError;
use actix_service::{IntoServiceFactory, ServiceFactoryExt, fn_service, map_config};
use actix_web::App;
use actix_web::body::MessageBody;
use actix_web::dev::AppConfig;
use actix_web::dev::Server;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::from_fn;
use actix_web::web::{self, Data};
use futures_util::future::ready;
use tokio::net::TcpStream;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Settings;
use crate::credit;
use crate::error::AppError;
use crate::http::fallback::RouteTable;
use crate::http::head_guard::HeadGuard;
use crate::http::web_client::{self, WebClient};
use crate::http::{headers, problem};
use crate::jobs::JobRegistry;
use crate::state::{AppState, Extensions};
use crate::{
    accounts, audit, awards, bids, challenges, commitments, db, documents, health, jobs, mail,
    monitoring, notifications, openapi, projects, reports, reviews, search, telemetry,
};

pub struct Application {
    server: Server,
    port: u16,
    state: Data<AppState>,
    runner: Option<jobs::Runner>,
    /// Feed the text indexes from the change feeds until the application stops.
    search_feeds: Vec<tokio::task::JoinHandle<()>>,
}

impl Application {
    /// Makes sure the database exists and is migrated, then binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        db::ensure_database(&settings.database).await?;
        let applied = db::run_migrations(settings.database.url()?).await?;
        if !applied.is_empty() {
            tracing::info!(migrations = ?applied, "applied migrations");
        }
        let pool = db::build_pool(&settings.database)?;
        let mut state = assemble(settings, pool)?;
        // The text indexes are this serving instance's own (their folders are locked): the
        // other commands answer lists from PostgreSQL.
        let indexes = if state.settings.search.enabled {
            Some(open_indexes(&mut state)?)
        } else {
            None
        };
        let state = Data::new(state);
        let server_settings = &state.settings.server;
        let listener = bind(&server_settings.bind, server_settings.backlog)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", server_settings.bind))?;
        let port = listener.local_addr()?.port();
        let web_dir = &state.settings.server.web_dir;
        if !WebClient::new(web_dir).is_built() {
            tracing::warn!(
                web_dir = %web_dir.display(),
                "the web client is not built (no index.html): / answers how to build it \
                 (cd web && npm ci && npm run build)"
            );
        }
        let server = run(listener, state.clone())?;
        if state.settings.jobs.enabled {
            // Deadlines that passed while no server ran are closed now, not at the next change.
            match crate::challenges::jobs::catch_up(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(added = n, "scheduled missing bidding deadline jobs"),
                Err(error) => tracing::warn!(%error, "could not look for overdue deadlines"),
            }
        }
        let runner = state
            .settings
            .jobs
            .enabled
            .then(|| jobs::Runner::start(state.clone()));
        let search_feeds = match indexes {
            Some(indexes) => {
                let url = state.settings.database.url()?.to_string();
                let pool = state.pool.clone();
                vec![
                    tokio::spawn(indexes.0.feed(url.clone(), pool.clone())),
                    tokio::spawn(indexes.1.feed(url.clone(), pool.clone())),
                    tokio::spawn(indexes.2.feed(url, pool)),
                ]
            }
            None => Vec::new(),
        };
        Ok(Application {
            server,
            port,
            state,
            runner,
            search_feeds,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> Data<AppState> {
        self.state.clone()
    }

    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM, SIGINT or SIGQUIT (or the server handle's `stop`), then shuts down
    /// in order: the server stops accepting and finishes the requests in flight, while the job
    /// runner at once takes no more jobs and finishes those in hand (handing back what is not
    /// done within `jobs.shutdown_timeout_secs`); the pool goes only after both. The runner and
    /// the pool's connections live on this (the main) runtime, not on the HTTP workers' runtimes
    /// that end with them.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Application {
            server,
            runner,
            search_feeds,
            ..
        } = self;
        // The feeds hold the pool: they end with the server.
        let _stop_feeds: Vec<_> = search_feeds
            .into_iter()
            .map(crate::search::AbortOnDrop)
            .collect();
        let Some(runner) = runner else {
            return server.await;
        };
        let mut server = server;
        tokio::select! {
            served = &mut server => {
                runner.stop().await;
                return served;
            }
            () = shutdown_signal() => {}
        }
        // actix-web saw the signal too and is finishing the requests in flight.
        tracing::info!("shutting down: finishing requests and the jobs in hand");
        let (served, ()) = tokio::join!(server, runner.stop());
        served
    }
}

/// The first of the signals actix-web stops on (never, where they cannot be listened to).
async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let listen = |kind| signal(kind).ok();
    let (Some(mut term), Some(mut int), Some(mut quit)) = (
        listen(SignalKind::terminate()),
        listen(SignalKind::interrupt()),
        listen(SignalKind::quit()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
        _ = quit.recv() => {}
    }
}

type Feeds = (
    Arc<search::feed::Index<challenges::search::Challenges>>,
    Arc<search::feed::Index<credit::records::search::CreditRecords>>,
    Arc<search::feed::Index<reviews::experts::search::Experts>>,
);

/// Opens this instance's text indexes into `state` (each list finds its own; `/metrics` all);
/// answers them, to be fed.
fn open_indexes(state: &mut AppState) -> anyhow::Result<Feeds> {
    let settings = &state.settings.search;
    let challenges = Arc::new(challenges::search::ChallengeIndex::open(settings)?);
    let credit = Arc::new(search::feed::Index::open(settings)?);
    let experts = Arc::new(search::feed::Index::open(settings)?);
    let feeds: Feeds = (challenges.index().clone(), credit, experts);
    state.extensions.insert(challenges);
    state.extensions.insert(feeds.1.clone());
    state.extensions.insert(feeds.2.clone());
    state.extensions.insert(Arc::new(search::Indexes(vec![
        feeds.0.clone(),
        feeds.1.clone(),
        feeds.2.clone(),
    ])));
    Ok(feeds)
}

/// The application state with everything the domains install: the job kinds, the challenge
/// list cache, and the parts later stages of the workflow play in earlier ones. `serve` and the
/// other commands share it.
pub fn assemble(settings: Settings, pool: db::DbPool) -> anyhow::Result<AppState> {
    let extensions = Extensions::new()
        .with(Arc::new(challenges::cache::ListCache::new(
            settings.challenges.public_list_cache_ms,
        )))
        .with::<dyn challenges::stages::BiddingStage>(Arc::new(bids::stage::Bids))
        .with::<dyn awards::stages::ProjectStage>(Arc::new(projects::Project))
        .with::<dyn bids::stages::SealedDocuments>(Arc::new(documents::jobs::Documents))
        .with(Arc::new(documents::Storage::from_settings(
            &settings.documents,
        )?));
    AppState::new(settings, pool, job_registry(), extensions)
}

/// Every kind of background job, registered once.
pub fn job_registry() -> JobRegistry {
    JobRegistry::new()
        .register::<mail::SendEmail>()
        .register::<challenges::jobs::CloseBidding>()
        .register::<reviews::panel::RemindReviewers>()
        .register::<awards::proposals::jobs::ConfirmAward>()
        .register::<projects::milestones::jobs::OverdueJob>()
        .register::<projects::acceptance::jobs::RemindAcceptanceExperts>()
        .register::<documents::jobs::MakeBlindCopies>()
}

/// A listening socket with the configured accept backlog (`TcpListener::bind` would give 128: a
/// burst of more simultaneous connections than that overflows the queue, and the dropped SYNs are
/// only retried after a second).
fn bind(address: &str, backlog: i32) -> std::io::Result<TcpListener> {
    use std::net::ToSocketAddrs;
    let mut last_error = None;
    for addr in address.to_socket_addrs()? {
        let attempt = (|| {
            let socket = socket2::Socket::new(
                socket2::Domain::for_address(addr),
                socket2::Type::STREAM,
                Some(socket2::Protocol::TCP),
            )?;
            socket.set_reuse_address(true)?;
            socket.bind(&addr.into())?;
            socket.listen(backlog)?;
            Ok::<TcpListener, std::io::Error>(socket.into())
        })();
        match attempt {
            Ok(listener) => return Ok(listener),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the address resolves to nothing",
        )
    }))
}

/// The application: every route with its middleware, on `state`. The server builds one per
/// worker; `seed-demo` drives one in process (`actix_web::test`), so that the demo data goes
/// through the same handlers as any request. `web_client` serves the built web client at `/`.
pub fn app(
    state: Data<AppState>,
    web_client: Data<WebClient>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, api) = App::new()
        .into_utoipa_app()
        .openapi(openapi::base())
        .app_data(state.clone())
        .app_data(path_config())
        .service(health::health)
        .service(health::ready)
        .service(monitoring::routes::scrape)
        .service(
            scope::scope("/api/v1")
                // Served from the document built below; not itself an API operation.
                .route("/openapi.json", web::get().to(openapi::serve))
                .configure(accounts::configure)
                .configure(challenges::routes::configure)
                .configure(bids::routes::configure)
                .configure(notifications::routes::configure)
                .configure(audit::routes::configure)
                .configure(jobs::routes::configure)
                .configure(credit::configure)
                .configure(commitments::configure)
                .configure(reports::credit_review::configure)
                .configure(reviews::configure)
                .configure(awards::configure)
                .configure(projects::configure)
                .configure(documents::configure),
        )
        .split_for_parts();
    let api = openapi::finish(api);
    let routes = Data::new(RouteTable::from_openapi(&api));
    let files = web_client.files();
    app.app_data(routes)
        .app_data(Data::new(openapi::Document::new(&api)))
        .app_data(web_client)
        .service(web::redirect("/docs", "/docs/").permanent())
        .service(SwaggerUi::new("/docs/{_:.*}").config(
            utoipa_swagger_ui::Config::new([openapi::DOCUMENT_PATH]).persist_authorization(true),
        ))
        // Last: the web client's files, for the paths that are not the server's own.
        .configure(|config| {
            if let Some(files) = files {
                config.service(files);
            }
        })
        .default_service(web::to(web_client::fallback))
        .wrap(cors(&state.settings.server.cors_allowed_origins))
        .wrap(problem::error_renderer())
        .wrap(from_fn(monitoring::record_request))
        .wrap(from_fn(headers::add_response_headers))
        .wrap(TracingLogger::<telemetry::RequestSpan>::new())
        // Outermost: no ID number reaches the access log.
        .wrap(from_fn(crate::privacy::redact_query))
}

fn run(listener: TcpListener, state: Data<AppState>) -> anyhow::Result<Server> {
    let settings = state.settings.clone();
    monitoring::install();
    let web_client = Data::new(WebClient::new(&settings.server.web_dir));
    let app = move || app(state.clone(), web_client.clone());
    let local_addr = listener.local_addr()?;
    let head_timeout = Duration::from_millis(settings.server.head_timeout_ms);
    let builder = actix_server::Server::build();
    let draining = builder.graceful_shutdown_signal();
    let server = builder
        .workers(settings.workers())
        .shutdown_timeout(settings.server.shutdown_timeout_secs)
        .listen("jiebang-http", listener, move || {
            let draining = draining.clone();
            let http = HttpService::build()
                .graceful_shutdown_signal(move || {
                    let draining = draining.clone();
                    async move { draining.notified().await }
                })
                .keep_alive(KeepAlive::default())
                // The guard answers a head that is late first; actix-http's own bare 408 after
                // this longer delay is only a fallback.
                .client_request_timeout(head_timeout + HEAD_TIMEOUT_FALLBACK)
                .client_disconnect_timeout(Duration::from_secs(1))
                .h1_allow_half_closed(true)
                .local_addr(local_addr)
                .h1(map_config(
                    app()
                        .into_factory()
                        .map_err(|err: actix_web::Error| err.error_response()),
                    |_| AppConfig::default(),
                ));
            fn_service(move |io: TcpStream| {
                let peer = io.peer_addr().ok();
                ready(Ok::<_, DispatchError>((
                    HeadGuard::new(io, head_timeout),
                    peer,
                )))
            })
            .and_then(http)
        })?
        .run();
    Ok(server)
}

/// How much later than the guard's head timeout actix-http's own one fires.
const HEAD_TIMEOUT_FALLBACK: Duration = Duration::from_secs(5);

/// Cross-origin requests from the configured origins only.
fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::IF_MATCH,
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            headers::X_REQUEST_ID,
        ])
        .block_on_origin_mismatch(false)
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// A path parameter that does not parse (e.g. not a UUID) names nothing that exists: 404.
fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err, _req| AppError::NotFound.into())
}
