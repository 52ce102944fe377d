//! The ledger's queries: entries by who may see them, their totals, and the writes.

use std::collections::HashMap;

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{NewPayment, Payment, PaymentRelease, PaymentStatus};
use super::views::PaymentView;
use crate::error::{AppError, AppResult};
use crate::http::pagination::PageRequest;
use crate::projects::queries::{ProjectViewer, challenge_titles};
use crate::schema::{challenges, milestones, payments};

/// The entry with this id (404 otherwise), `FOR UPDATE` when `lock`.
pub async fn find(conn: &mut AsyncPgConnection, id: Uuid, lock: bool) -> AppResult<Payment> {
    let query = payments::table.find(id).select(Payment::as_select());
    let found = if lock {
        query.for_update().first(conn).await
    } else {
        query.first(conn).await
    };
    found.optional()?.ok_or(AppError::NotFound)
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &NewPayment) -> AppResult<Payment> {
    Ok(diesel::insert_into(payments::table)
        .values(new)
        .returning(Payment::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &PaymentRelease,
) -> AppResult<Payment> {
    Ok(diesel::update(payments::table.find(id))
        .set(changes)
        .returning(Payment::as_returning())
        .get_result(conn)
        .await?)
}

/// The entries of these milestones.
pub async fn of_milestones(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> AppResult<Vec<Payment>> {
    Ok(payments::table
        .filter(payments::milestone_id.eq_any(ids))
        .select(Payment::as_select())
        .load(conn)
        .await?)
}

/// The entries a viewer asks for: those they may see (admins all, issuers their organisation's
/// challenges', solvers their organisation's, nobody else any), under the filters.
#[derive(Debug, Clone, Copy)]
pub struct Ledger {
    pub viewer: ProjectViewer,
    pub challenge_id: Option<Uuid>,
    pub status: Option<PaymentStatus>,
}

/// The totals over every entry of a [`Ledger`], in fen.
#[derive(Debug, Clone, Copy)]
pub struct Totals {
    pub count: i64,
    pub amount_fen: i64,
    pub released_fen: i64,
    pub held_fen: i64,
}

type Boxed<'a> = payments::BoxedQuery<'a, diesel::pg::Pg>;

impl Ledger {
    fn entries<'a>(&self) -> Boxed<'a> {
        let mut query = payments::table.into_boxed();
        match self.viewer {
            ProjectViewer::Admin => {}
            ProjectViewer::Issuer(org) => {
                query = query.filter(
                    payments::challenge_id.eq_any(
                        challenges::table
                            .filter(challenges::issuer_org_id.eq(org))
                            .select(challenges::id),
                    ),
                );
            }
            ProjectViewer::Solver(org) => query = query.filter(payments::organization_id.eq(org)),
            ProjectViewer::Nobody => query = query.filter(sql::<diesel::sql_types::Bool>("FALSE")),
        }
        if let Some(id) = self.challenge_id {
            query = query.filter(payments::challenge_id.eq(id));
        }
        if let Some(status) = self.status {
            query = query.filter(payments::status.eq(status));
        }
        query
    }

    /// The sum of the amounts of its entries in `status` (all when `None`).
    async fn sum(
        &self,
        conn: &mut AsyncPgConnection,
        status: Option<PaymentStatus>,
    ) -> AppResult<i64> {
        let mut query = self.entries();
        if let Some(status) = status {
            query = query.filter(payments::status.eq(status));
        }
        let sum: Option<i64> = query
            .select(sql::<Nullable<BigInt>>("sum(payments.amount_fen)::bigint"))
            .first(conn)
            .await?;
        Ok(sum.unwrap_or(0))
    }

    /// How many entries it has and what they add up to: all, released, held.
    pub async fn totals(&self, conn: &mut AsyncPgConnection) -> AppResult<Totals> {
        Ok(Totals {
            count: self.entries().count().get_result(conn).await?,
            amount_fen: self.sum(conn, None).await?,
            released_fen: self.sum(conn, Some(PaymentStatus::Released)).await?,
            held_fen: self.sum(conn, Some(PaymentStatus::Held)).await?,
        })
    }

    /// Its entries, oldest first: one page, or all of them.
    pub async fn load(
        &self,
        conn: &mut AsyncPgConnection,
        page: Option<PageRequest>,
    ) -> AppResult<Vec<Payment>> {
        let mut rows = self
            .entries()
            .order((payments::created_at.asc(), payments::id.asc()));
        if let Some(page) = page {
            rows = rows.limit(page.per_page).offset(page.offset());
        }
        Ok(rows.select(Payment::as_select()).load(conn).await?)
    }
}

/// The views of these entries, with their milestones, challenges and payees.
pub async fn payment_views(
    conn: &mut AsyncPgConnection,
    rows: Vec<Payment>,
) -> AppResult<Vec<PaymentView>> {
    let milestone_ids: Vec<Uuid> = rows.iter().map(|p| p.milestone_id).collect();
    let challenge_ids: Vec<Uuid> = rows.iter().map(|p| p.challenge_id).collect();
    let org_ids: Vec<Uuid> = rows.iter().map(|p| p.organization_id).collect();
    let steps: HashMap<Uuid, (i32, String, i32)> = milestones::table
        .filter(milestones::id.eq_any(&milestone_ids))
        .select((
            milestones::id,
            milestones::position,
            milestones::title,
            milestones::share_percent,
        ))
        .load::<(Uuid, i32, String, i32)>(conn)
        .await?
        .into_iter()
        .map(|(id, p, t, s)| (id, (p, t, s)))
        .collect();
    let titles = challenge_titles(conn, &challenge_ids).await?;
    let names: HashMap<Uuid, String> = crate::bids::queries::organization_names(conn, &org_ids)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|p| {
            let step = steps.get(&p.milestone_id).cloned().unwrap_or_default();
            let challenge_title = titles.get(&p.challenge_id).cloned().unwrap_or_default();
            let organization_name = names.get(&p.organization_id).cloned().unwrap_or_default();
            PaymentView::new(p, step, challenge_title, organization_name)
        })
        .collect())
}
