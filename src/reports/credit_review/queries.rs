//! Who a batch review checks: every subject involved in the chosen challenges, once each.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::bids::models::BidStatus;
use crate::credit::Subject;
use crate::credit::reviews::models::Selection;
use crate::error::AppResult;
use crate::privacy::ProtectedId;
use crate::schema::{assignments, bid_members, bids, challenges, experts, organizations, users};

/// The ids of the challenges `selection` covers, as a subquery.
fn chosen(selection: &Selection) -> challenges::BoxedQuery<'static, Pg, diesel::sql_types::Uuid> {
    let query = challenges::table.select(challenges::id).into_boxed();
    match selection {
        Selection::ChallengeIds(ids) => query.filter(challenges::id.eq_any(ids.clone())),
        Selection::CreatedBetween { from, to } => query
            .filter(challenges::created_at.ge(*from))
            .filter(challenges::created_at.lt(*to)),
    }
}

/// An organisation by its USCC and name, as stored (already validated).
fn organization((uscc, name): (String, String)) -> Subject {
    Subject::Organization { uscc, name }
}

/// A person by the ID-number hash and mask stored with them, and their name.
fn person((hash, masked, name): (Vec<u8>, String, String)) -> Subject {
    Subject::Person {
        id: ProtectedId { hash, masked },
        name,
    }
}

/// Every distinct subject involved in the selected challenges, organisations first, by code.
///
/// These are the issuers (发榜方) of the challenges, and for every bid that was submitted (drafts and
/// withdrawn bids are not): the bidding organisation, its team leader and members (persons by
/// ID-number hash and mask, which the bids store), and the experts drawn for the panels (by the
/// ID-number hash and mask of their profiles). Each extends this one function, so that a review checks each subject once.
pub async fn involved_subjects(
    conn: &mut AsyncPgConnection,
    selection: &Selection,
) -> AppResult<Vec<Subject>> {
    let issuers: Vec<(String, String)> = challenges::table
        .inner_join(organizations::table)
        .filter(challenges::id.eq_any(chosen(selection)))
        .select((organizations::uscc, organizations::name))
        .distinct()
        .load(conn)
        .await?;
    let mut subjects: Vec<Subject> = issuers.into_iter().map(organization).collect();
    // The bids on those challenges that were submitted (whatever became of them since).
    let bid_ids: Vec<Uuid> = bids::table
        .filter(bids::challenge_id.eq_any(chosen(selection)))
        .filter(bids::submitted_at.is_not_null())
        .filter(bids::status.ne(BidStatus::Draft))
        .filter(bids::status.ne(BidStatus::Withdrawn))
        .select(bids::id)
        .load(conn)
        .await?;
    let bidders: Vec<(String, String)> = organizations::table
        .filter(
            organizations::id.eq_any(
                bids::table
                    .filter(bids::id.eq_any(&bid_ids))
                    .select(bids::organization_id),
            ),
        )
        .select((organizations::uscc, organizations::name))
        .load(conn)
        .await?;
    subjects.extend(bidders.into_iter().map(organization));
    let people: Vec<(Vec<u8>, String, String)> = bid_members::table
        .filter(bid_members::bid_id.eq_any(&bid_ids))
        .select((
            bid_members::id_hash,
            bid_members::id_masked,
            bid_members::name,
        ))
        .load(conn)
        .await?;
    subjects.extend(people.into_iter().map(person));
    // The experts drawn for the panels of those challenges (whatever they answered).
    let drawn: Vec<(Vec<u8>, String, String)> = assignments::table
        .inner_join(experts::table.on(experts::user_id.eq(assignments::expert_id)))
        .inner_join(users::table.on(users::id.eq(assignments::expert_id)))
        .filter(assignments::challenge_id.eq_any(chosen(selection)))
        .select((experts::id_hash, experts::id_masked, users::display_name))
        .load(conn)
        .await?;
    subjects.extend(drawn.into_iter().map(person));
    // Once each, by match key (two people can share a masked form; one person can appear in
    // several challenges), in a stable order.
    let mut seen = std::collections::HashSet::new();
    subjects.retain(|s| seen.insert((s.kind(), s.key())));
    subjects.sort_by(|a, b| (a.kind(), a.code(), a.key()).cmp(&(b.kind(), b.code(), b.key())));
    Ok(subjects)
}
