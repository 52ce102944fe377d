//! One page of a filtered list and the count of all it finds (the `{items, total}` of
//! `http::Page`), for any boxed diesel query: records and checks list this way.

use diesel::dsl::{AsSelect, CountStar, Limit, Offset, Order, Select};
use diesel::pg::Pg;
use diesel::query_builder::QueryId;
use diesel::query_dsl::methods::{LimitDsl, OffsetDsl, OrderDsl, SelectDsl};
use diesel::{Expression, QueryDsl, Selectable, SelectableHelper};
use diesel_async::methods::LoadQuery;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::error::AppResult;
use crate::http::pagination::PageRequest;

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
