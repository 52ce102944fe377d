//! The bare server of the search benchmark (issue 15): actix-web and tokio-postgres, no auth, no
//! ORM, no middleware. `GET /challenges/{id}` reads one public challenge with the columns of our
//! `ChallengeView` and answers it as JSON; it is what `GET /api/v1/challenges/{id}` costs without
//! the application around it. A few plain clients, taken in turn (each pipelines its queries).
//!
//! cargo run --release --example bare_server -- DATABASE_URL [BIND] [CLIENTS]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use actix_web::{App, HttpResponse, HttpServer, web};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tokio_postgres::{Client, NoTls, Statement};

const SELECT: &str = "SELECT c.id::text, c.title, c.category, c.field, c.description, c.kpis::text,
    c.bounty_fen, c.bid_opens_at, c.bid_closes_at, c.max_duration_months, c.eligible_org_kinds,
    c.general_credit_blocks, c.panel_size, c.blind_review, c.rubric::text, c.publicity_days,
    c.status, c.status_reason, c.version, c.issuer_org_id::text, o.name, c.submitted_at,
    c.published_at, c.bidding_closed_at, c.awarded_at, c.created_at, c.updated_at
    FROM challenges c JOIN organizations o ON o.id = c.issuer_org_id
    WHERE c.id = $1::text::uuid AND c.published_at IS NOT NULL";

struct Db {
    clients: Vec<(Client, Statement)>,
    next: AtomicUsize,
}

fn time(t: Option<SystemTime>) -> Value {
    t.map_or(Value::Null, |t| json!(DateTime::<Utc>::from(t)))
}

fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

async fn challenge(db: web::Data<Arc<Db>>, id: web::Path<String>) -> HttpResponse {
    if uuid::Uuid::parse_str(&id).is_err() {
        return HttpResponse::NotFound().finish();
    }
    let (client, statement) =
        &db.clients[db.next.fetch_add(1, Ordering::Relaxed) % db.clients.len()];
    let row = match client.query_opt(statement, &[&id.as_str()]).await {
        Ok(Some(row)) => row,
        Ok(None) => return HttpResponse::NotFound().finish(),
        Err(_) => return HttpResponse::ServiceUnavailable().finish(),
    };
    let body = json!({
        "id": row.get::<_, String>(0),
        "title": row.get::<_, String>(1),
        "category": row.get::<_, String>(2),
        "field": row.get::<_, String>(3),
        "description": row.get::<_, String>(4),
        "kpis": parsed(row.get(5)),
        "bounty_fen": row.get::<_, i64>(6),
        "bid_opens_at": time(row.get(7)),
        "bid_closes_at": time(row.get(8)),
        "max_duration_months": row.get::<_, i32>(9),
        "eligibility": {
            "org_kinds": row.get::<_, Vec<String>>(10),
            "general_credit_blocks": row.get::<_, bool>(11),
        },
        "review": {
            "panel_size": row.get::<_, i32>(12),
            "blind": row.get::<_, bool>(13),
            "rubric": parsed(row.get(14)),
        },
        "publicity_days": row.get::<_, i32>(15),
        "status": row.get::<_, String>(16),
        "status_reason": row.get::<_, Option<String>>(17),
        "version": row.get::<_, i32>(18),
        "issuer": {"id": row.get::<_, String>(19), "name": row.get::<_, String>(20)},
        "submitted_at": time(row.get(21)),
        "published_at": time(row.get(22)),
        "bidding_closed_at": time(row.get(23)),
        "awarded_at": time(row.get(24)),
        "created_at": time(row.get(25)),
        "updated_at": time(row.get(26)),
    });
    HttpResponse::Ok().json(body)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(url) = args.get(1) else {
        eprintln!("usage: bare_server DATABASE_URL [BIND] [CLIENTS]");
        std::process::exit(2)
    };
    let bind = args.get(2).map_or("127.0.0.1:18191", String::as_str);
    let count: usize = args.get(3).and_then(|c| c.parse().ok()).unwrap_or(8);
    let mut clients = Vec::with_capacity(count);
    for _ in 0..count {
        let (client, connection) = tokio_postgres::connect(url, NoTls)
            .await
            .map_err(std::io::Error::other)?;
        actix_web::rt::spawn(async move {
            if let Err(e) = connection.await {
                eprintln!("connection: {e}");
            }
        });
        let statement = client
            .prepare(SELECT)
            .await
            .map_err(std::io::Error::other)?;
        clients.push((client, statement));
    }
    let db = Arc::new(Db {
        clients,
        next: AtomicUsize::new(0),
    });
    eprintln!("bare server on {bind}, {count} database clients");
    HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(db.clone()))
            .route("/challenges/{id}", web::get().to(challenge))
    })
    .bind(bind)?
    .run()
    .await
}
