//! Queries every credit table is read and written with, generic over the table: one row by id,
//! an insert, one page of a filtered list with the count of all it finds; and the admins' lists
//! that filter by subject (records, checks).

use actix_web::web::Json;
use diesel::dsl::{AsSelect, CountStar, Find, Limit, Offset, Order, Select};
use diesel::pg::Pg;
use diesel::query_builder::{InsertStatement, QueryId};
use diesel::query_dsl::methods::{FindDsl, LimitDsl, OffsetDsl, OrderDsl, SelectDsl};
use diesel::{Expression, Insertable, QueryDsl, Selectable, SelectableHelper, Table};
use diesel_async::methods::{ExecuteDsl, LoadQuery};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::SubjectKind;
use super::subject::filter_keys;
use crate::error::AppResult;
use crate::http::Page;
use crate::http::pagination::PageRequest;
use crate::state::AppState;

/// The row of `table` with the primary key `id` (404 when there is none).
pub async fn find<Tab, T>(conn: &mut AsyncPgConnection, table: Tab, id: Uuid) -> AppResult<T>
where
    Tab: FindDsl<Uuid>,
    Find<Tab, Uuid>: SelectDsl<AsSelect<T, Pg>>,
    Select<Find<Tab, Uuid>, AsSelect<T, Pg>>: LimitDsl,
    Limit<Select<Find<Tab, Uuid>, AsSelect<T, Pg>>>:
        for<'q> LoadQuery<'q, AsyncPgConnection, T> + Send + 'static,
    T: Selectable<Pg> + Send + 'static,
    T::SelectExpression: QueryId,
{
    Ok(SelectDsl::select(FindDsl::find(table, id), T::as_select())
        .first(conn)
        .await?)
}

/// Inserts `values` into `table`.
pub async fn insert<Tab, V>(conn: &mut AsyncPgConnection, table: Tab, values: V) -> AppResult<()>
where
    Tab: Table,
    V: Insertable<Tab>,
    InsertStatement<Tab, V::Values>: ExecuteDsl<AsyncPgConnection> + Send,
{
    diesel::insert_into(table)
        .values(values)
        .execute(conn)
        .await?;
    Ok(())
}

/// Counts what `found` finds, then loads `page` of it in `order` as `T`s.
pub async fn page_of<Q, O, T>(
    conn: &mut AsyncPgConnection,
    found: impl Fn() -> Q,
    order: O,
    page: PageRequest,
) -> AppResult<(Vec<T>, i64)>
where
    Q: QueryDsl + SelectDsl<CountStar> + OrderDsl<O>,
    Select<Q, CountStar>: for<'q> LoadQuery<'q, AsyncPgConnection, i64> + Send + 'static,
    Order<Q, O>: LimitDsl,
    Limit<Order<Q, O>>: OffsetDsl,
    Offset<Limit<Order<Q, O>>>: SelectDsl<AsSelect<T, Pg>>,
    Select<Offset<Limit<Order<Q, O>>>, AsSelect<T, Pg>>:
        for<'q> LoadQuery<'q, AsyncPgConnection, T> + Send + 'static,
    O: Expression,
    T: Selectable<Pg> + Send + 'static,
    T::SelectExpression: QueryId,
{
    let total: i64 = found().count().get_result(conn).await?;
    let ordered = OrderDsl::order(found(), order);
    let paged = OffsetDsl::offset(LimitDsl::limit(ordered, page.per_page), page.offset());
    let rows = SelectDsl::select(paged, T::as_select()).load(conn).await?;
    Ok((rows, total))
}

/// An admins' list that filters by subject (records, checks): the filter's `code` becomes the
/// subjects' match keys (a 422 naming `code` when it is neither a USCC nor an ID number), `find`
/// loads one page with those keys, `view` shows each row.
pub async fn by_subject<R, V>(
    state: &AppState,
    (kind, code): (Option<SubjectKind>, Option<&str>),
    page: PageRequest,
    find: impl AsyncFnOnce(&mut AsyncPgConnection, Option<&[String]>) -> AppResult<(Vec<R>, i64)>,
    view: impl FnMut(R) -> V,
) -> AppResult<Json<Page<V>>> {
    let keys = filter_keys(&state.privacy, kind, code)?;
    let mut conn = state.conn().await?;
    let (rows, total) = find(&mut conn, keys.as_deref()).await?;
    Ok(Json(Page::new(
        rows.into_iter().map(view).collect(),
        total,
        page,
    )))
}
