//! Signing, in the caller's transaction: what the domain whose act needs a commitment calls.

use serde_json::json;
use uuid::Uuid;

use super::input::SignedCommitment;
use super::models::Signature;
use super::queries::{self, Lock};
use super::{Signed, rules};
use crate::audit::{Event, RequestMeta};
use crate::error::AppResult;
use crate::state::AppState;
use diesel_async::AsyncPgConnection;

/// `signer` signs the current commitment of the kind `what` needs, naming the version they
/// read (`claimed`): 422 `commitment_required` without it, 409 `commitment_outdated` when it
/// is not the current one. Stores the signature (version, hash, time, the client's address)
/// and its audit entry (`commitment.sign`).
pub async fn sign(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    signer: Uuid,
    what: Signed,
    claimed: Option<&SignedCommitment>,
) -> AppResult<Signature> {
    let kind = what.kind();
    let now = state.clock.now();
    let mut current = queries::current(conn, kind, Lock::Share, now).await?;
    // A publisher holding the latest row when we asked for it commits a newer version; the locked
    // read then re-checks the row it picked, not which row is the latest. Read again until two
    // locked reads agree: the row we then hold locked is the latest, and no publisher can pass it
    // before this transaction ends.
    while let Some(fresh) = queries::latest(conn, kind, Lock::Share).await? {
        if fresh.id == current.id {
            break;
        }
        current = fresh;
    }
    rules::signs_current(&current, claimed)?;
    let (object_type, object_id) = what.object();
    let signature = Signature {
        id: Uuid::now_v7(),
        version_id: current.id,
        kind,
        signer_id: signer,
        assignment_id: matches!(what, Signed::Assignment(_)).then_some(object_id),
        acceptance_assignment_id: matches!(what, Signed::AcceptanceAssignment(_))
            .then_some(object_id),
        sha256: current.sha256.clone(),
        client_addr: meta.client_addr.map(|a| a.to_string()),
        signed_at: now,
    };
    let signature = queries::insert_signature(conn, &signature).await?;
    Event::new("commitment.sign", "commitment_signature", signature.id)
        .by(signer)
        .summary(json!({
            "kind": kind,
            "version": current.version,
            "sha256": current.sha256,
            "signed": {"type": object_type, "id": object_id},
        }))
        .record(conn, state, meta)
        .await?;
    Ok(signature)
}
