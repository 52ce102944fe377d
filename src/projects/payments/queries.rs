//! The ledger's queries: entries by who may see them, their totals, and the writes.

use diesel::dsl::{AsSelect, InnerJoin, IntoBoxed, sql};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{Payment, PaymentStatus, ReleaseChanges};
use super::views::PaymentView;
use crate::error::{AppError, AppResult};
use crate::http::pagination::PageRequest;
use crate::projects::queries::{Lock, ProjectViewer, first_held};
use crate::schema::{challenges, milestones, organizations, payments};

/// The entry with this id (404 otherwise), held as `lock` says.
pub async fn find(conn: &mut AsyncPgConnection, id: Uuid, lock: Lock) -> AppResult<Payment> {
    let query = payments::table.find(id).select(Payment::as_select());
    first_held!(query, lock, conn)?.ok_or(AppError::NotFound)
}

pub async fn insert(conn: &mut AsyncPgConnection, new: &Payment) -> AppResult<Payment> {
    Ok(diesel::insert_into(payments::table)
        .values(new)
        .returning(Payment::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &ReleaseChanges,
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

/// The entries with their milestones, challenges and payees (one each).
type Joined = InnerJoin<
    InnerJoin<InnerJoin<payments::table, milestones::table>, challenges::table>,
    organizations::table,
>;
type Boxed<'a> = IntoBoxed<'a, Joined, Pg>;

/// What a [`PaymentView`] shows: the entry, its milestone (position, title, share), its
/// challenge's title and its payee's name.
type Listed = (Payment, (i32, String, i32), String, String);

impl Ledger {
    /// Every entry, as the program office sees them.
    pub fn all() -> Ledger {
        Ledger {
            viewer: ProjectViewer::Admin,
            challenge_id: None,
            status: None,
        }
    }

    fn entries<'a>(&self) -> Boxed<'a> {
        let mut query = payments::table
            .inner_join(milestones::table)
            .inner_join(challenges::table)
            .inner_join(organizations::table)
            .into_boxed();
        match self.viewer {
            ProjectViewer::Admin => {}
            ProjectViewer::Issuer(org) => query = query.filter(challenges::issuer_org_id.eq(org)),
            ProjectViewer::Solver(org) => query = query.filter(payments::organization_id.eq(org)),
            ProjectViewer::Nobody => query = query.filter(sql::<Bool>("FALSE")),
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

    /// The views of its entries, oldest first: one page, or all of them.
    pub async fn load(
        &self,
        conn: &mut AsyncPgConnection,
        page: Option<PageRequest>,
    ) -> AppResult<Vec<PaymentView>> {
        let mut rows = self
            .entries()
            .order((payments::created_at.asc(), payments::id.asc()));
        if let Some(page) = page {
            rows = rows.limit(page.per_page).offset(page.offset());
        }
        let rows: Vec<Listed> = rows.select(listed()).load(conn).await?;
        Ok(rows.into_iter().map(PaymentView::from).collect())
    }

    /// The view of its entry `id` (404 when it has none such).
    pub async fn view(&self, conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<PaymentView> {
        let row: Option<Listed> = self
            .entries()
            .filter(payments::id.eq(id))
            .select(listed())
            .first(conn)
            .await
            .optional()?;
        row.map(PaymentView::from).ok_or(AppError::NotFound)
    }
}

#[allow(clippy::type_complexity)]
fn listed() -> (
    AsSelect<Payment, Pg>,
    (
        milestones::position,
        milestones::title,
        milestones::share_percent,
    ),
    challenges::title,
    organizations::name,
) {
    (
        Payment::as_select(),
        (
            milestones::position,
            milestones::title,
            milestones::share_percent,
        ),
        challenges::title,
        organizations::name,
    )
}
