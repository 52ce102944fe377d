//! The audit log (SPEC §9): every change of state is recorded in the same transaction as the
//! change. Entries are chained: each stores an HMAC-SHA256 (keyed by `audit.hmac_key`) over its
//! content and the previous entry's hash. `jiebang audit verify` walks the chain and names the
//! first entry that was changed, removed or inserted behind the application's back; without the
//! key nobody can forge a chain that verifies. Triggers refuse UPDATE, DELETE and TRUNCATE on the
//! table for every database role.

pub mod input;
pub mod queries;
pub mod routes;
pub mod views;

use actix_web::dev::Payload;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use chrono::{DateTime, SubsecRound, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::future::{Ready, ready};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use sha2::Sha256;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::http::ClientAddr;
use crate::schema::audit_log;
use crate::state::AppState;

/// Serialises writers of the chain: each new entry must see the one before it.
const AUDIT_LOCK_KEY: i64 = 0x6175_6469_745f_6c6f; // "audit_lo"
/// The `prev_hash` of the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// Where a request came from, for the audit log and the login rate limit.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub client_addr: Option<ClientAddr>,
    pub request_id: Option<String>,
}

impl FromRequest for RequestMeta {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trusted = req
            .app_data::<Data<AppState>>()
            .map(|s| s.settings.server.trusted_proxies.clone())
            .unwrap_or_default();
        ready(Ok(RequestMeta {
            client_addr: ClientAddr::of(req, &trusted),
            request_id: req
                .extensions()
                .get::<tracing_actix_web::RequestId>()
                .map(|id| id.to_string()),
        }))
    }
}

/// One thing that happened, built as it reads:
/// `Event::new("challenge.create", "challenge", id).by(user.id).summary(json!({…}))`, then
/// [`Event::record`]ed in the transaction of the change.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Who did it; `None` for the system (jobs) or an unknown party (failed login).
    pub actor_id: Option<Uuid>,
    /// What was done, e.g. `user.register`, `auth.login_failed`.
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<String>,
    /// Before/after or other facts; no secrets, no ID numbers.
    pub summary: Value,
}

impl<'a> Event<'a> {
    /// `action` on the object `object_type` `object_id`, by the system, with an empty summary.
    pub fn new(action: &'a str, object_type: &'a str, object_id: impl ToString) -> Self {
        Event {
            actor_id: None,
            action,
            object_type,
            object_id: Some(object_id.to_string()),
            summary: Value::Object(Default::default()),
        }
    }

    /// Done by `actor` (a user id; `None` for the system).
    pub fn by(mut self, actor: impl Into<Option<Uuid>>) -> Self {
        self.actor_id = actor.into();
        self
    }

    /// The facts worth keeping: before/after, reasons; no secrets, no ID numbers.
    pub fn summary(mut self, summary: Value) -> Self {
        self.summary = summary;
        self
    }

    /// Appends the entry in the caller's transaction.
    pub async fn record(
        self,
        conn: &mut AsyncPgConnection,
        state: &AppState,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        record(conn, state, meta, self).await
    }
}

/// The key the chain is computed with.
pub struct AuditKey(SecretString);

impl AuditKey {
    pub fn new(key: SecretString) -> Self {
        AuditKey(key)
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(self.0.expose_secret().as_bytes())
            .expect("HMAC takes keys of any length")
    }
}

/// The fields an entry's hash covers, in a fixed order, with object keys sorted.
#[allow(clippy::too_many_arguments)]
fn entry_hash(
    key: &AuditKey,
    id: i64,
    at: DateTime<Utc>,
    actor_id: Option<Uuid>,
    action: &str,
    object_type: &str,
    object_id: Option<&str>,
    summary: &Value,
    client_addr: Option<&str>,
    request_id: Option<&str>,
    prev_hash: &[u8],
) -> Vec<u8> {
    let content = json!([
        id,
        at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        actor_id,
        action,
        object_type,
        object_id,
        canonical(summary),
        client_addr,
        request_id,
    ]);
    let mut mac = key.mac();
    mac.update(content.to_string().as_bytes());
    mac.update(prev_hash);
    mac.finalize().into_bytes().to_vec()
}

/// `value` with object keys sorted at every level, as PostgreSQL's jsonb does not keep order.
fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), canonical(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// Appends an entry in the caller's transaction (a savepoint when called inside one).
pub async fn record(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    event: Event<'_>,
) -> AppResult<()> {
    let at = state.clock.now().trunc_subsecs(6);
    let client_addr = meta.client_addr.map(|a| a.to_string());
    conn.transaction::<_, AppError, _>(async |conn| {
        // Held until the outer transaction ends, so the next writer sees this entry.
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({AUDIT_LOCK_KEY})"))
            .execute(conn)
            .await?;
        let prev: Option<Vec<u8>> = audit_log::table
            .order(audit_log::id.desc())
            .select(audit_log::hash)
            .first(conn)
            .await
            .optional()?;
        let prev = prev.unwrap_or_else(|| GENESIS.to_vec());
        let id: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "nextval('audit_log_id_seq')",
        ))
        .get_result(conn)
        .await?;
        let hash = entry_hash(
            &state.audit_key,
            id,
            at,
            event.actor_id,
            event.action,
            event.object_type,
            event.object_id.as_deref(),
            &event.summary,
            client_addr.as_deref(),
            meta.request_id.as_deref(),
            &prev,
        );
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::id.eq(id),
                audit_log::at.eq(at),
                audit_log::actor_id.eq(event.actor_id),
                audit_log::action.eq(event.action),
                audit_log::object_type.eq(event.object_type),
                audit_log::object_id.eq(event.object_id.as_deref()),
                audit_log::summary.eq(&event.summary),
                audit_log::client_addr.eq(client_addr.as_deref()),
                audit_log::request_id.eq(meta.request_id.as_deref()),
                audit_log::prev_hash.eq(&prev),
                audit_log::hash.eq(&hash),
            ))
            .execute(conn)
            .await?;
        Ok(())
    })
    .await
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log, check_for_backend(diesel::pg::Pg))]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub summary: Value,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every entry checks out; `head` is the last entry's hash (keep it elsewhere to detect a
    /// removal of the newest entries, which no chain can show by itself).
    Intact { entries: u64, head: String },
    /// This entry's content does not match its hash: it was changed (or made without the key).
    Changed { id: i64 },
    /// This entry does not follow the one before it: entries were removed before it, or it (or
    /// its predecessor) was inserted.
    Broken { id: i64, after: Option<i64> },
}

/// Walks the whole chain in order, in batches.
pub async fn verify(conn: &mut AsyncPgConnection, key: &AuditKey) -> AppResult<Verdict> {
    let mut prev_hash = GENESIS.to_vec();
    let mut prev_id: Option<i64> = None;
    let mut entries = 0u64;
    loop {
        let mut query = audit_log::table
            .order(audit_log::id.asc())
            .select(Entry::as_select())
            .limit(1000)
            .into_boxed();
        if let Some(after) = prev_id {
            query = query.filter(audit_log::id.gt(after));
        }
        let batch: Vec<Entry> = query.load(conn).await?;
        if batch.is_empty() {
            break;
        }
        for entry in batch {
            if entry.prev_hash != prev_hash {
                return Ok(Verdict::Broken {
                    id: entry.id,
                    after: prev_id,
                });
            }
            let expected = entry_hash(
                key,
                entry.id,
                entry.at,
                entry.actor_id,
                &entry.action,
                &entry.object_type,
                entry.object_id.as_deref(),
                &entry.summary,
                entry.client_addr.as_deref(),
                entry.request_id.as_deref(),
                &entry.prev_hash,
            );
            if expected != entry.hash {
                return Ok(Verdict::Changed { id: entry.id });
            }
            prev_hash = entry.hash;
            prev_id = Some(entry.id);
            entries += 1;
        }
    }
    Ok(Verdict::Intact {
        entries,
        head: hex(&prev_hash),
    })
}

/// A hash as lower-case hex.
pub fn hex(hash: &[u8]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_sorts_keys_at_every_level() {
        let value: Value =
            serde_json::from_str(r#"{"b":1,"a":{"d":[{"z":1,"y":2}],"c":null}}"#).unwrap();
        assert_eq!(
            canonical(&value).to_string(),
            r#"{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}"#
        );
    }

    #[test]
    fn the_hash_depends_on_the_key_the_content_and_the_previous_hash() {
        let key = AuditKey::new(SecretString::from("k".repeat(32)));
        let other = AuditKey::new(SecretString::from("j".repeat(32)));
        let at = Utc::now().trunc_subsecs(6);
        let h = |key: &AuditKey, action: &str, prev: &[u8]| {
            entry_hash(
                key,
                1,
                at,
                None,
                action,
                "user",
                Some("x"),
                &json!({"a": 1}),
                None,
                None,
                prev,
            )
        };
        let base = h(&key, "user.register", &GENESIS);
        assert_eq!(base, h(&key, "user.register", &GENESIS));
        assert_ne!(base, h(&other, "user.register", &GENESIS));
        assert_ne!(base, h(&key, "user.disable", &GENESIS));
        assert_ne!(base, h(&key, "user.register", &[1; 32]));
    }
}
