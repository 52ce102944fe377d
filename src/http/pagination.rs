//! `?page=&per_page=` parameters and the `{items, total, page, per_page}` envelope (SPEC §10),
//! and the two queries of every list: the count of what the filter finds, and one page of it.

use diesel::query_dsl::methods::{LimitDsl, OffsetDsl};
use diesel_async::methods::LoadQuery;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{AppError, AppResult, FieldCode, FieldError};

pub use super::responses::documented::BadListQuery;

pub const DEFAULT_PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 100;

#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1_000_000, example = 1)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<i64>,
}

/// A validated page request, taken from the query string: handlers of lists take a `PageRequest`
/// next to their own filter, and list [`PageParams`] in their `params(...)`.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

impl actix_web::FromRequest for PageRequest {
    type Error = AppError;
    type Future = futures_util::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        futures_util::future::ready(
            super::query::parse::<PageParams>(&super::query::query_string(req))
                .and_then(|p| p.validate()),
        )
    }
}

impl PageRequest {
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    /// One page of a list: `total` counted by `count` (the list's filter, counted) and the rows of
    /// this page from `rows` (the same filter, ordered and selected; the page's `LIMIT` and
    /// `OFFSET` are added here). Build both from one closure so that they cannot disagree:
    ///
    /// ```ignore
    /// let filtered = || users::table.filter(…).into_boxed();
    /// let page = page
    ///     .load(conn, filtered().count(), filtered().order(users::id).select(User::as_select()))
    ///     .await?;
    /// ```
    pub async fn load<'q, C, Q, R>(
        self,
        conn: &mut AsyncPgConnection,
        count: C,
        rows: Q,
    ) -> AppResult<Page<R>>
    where
        C: LoadQuery<'q, AsyncPgConnection, i64> + 'q,
        Q: LimitDsl,
        Q::Output: OffsetDsl,
        <Q::Output as OffsetDsl>::Output: LoadQuery<'q, AsyncPgConnection, R> + 'q,
        R: Send,
    {
        let total: i64 = count.get_result(conn).await?;
        let items = rows
            .limit(self.per_page)
            .offset(self.offset())
            .load(conn)
            .await?;
        Ok(Page::new(items, total, self))
    }
}

impl PageParams {
    pub fn validate(&self) -> Result<PageRequest, AppError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        let mut errors = Vec::new();
        if !(1..=1_000_000).contains(&page) {
            errors.push(
                FieldError::new("page", FieldCode::Range)
                    .with_param("min", 1)
                    .with_param("max", 1_000_000),
            );
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            errors.push(
                FieldError::new("per_page", FieldCode::Range)
                    .with_param("min", 1)
                    .with_param("max", MAX_PER_PAGE),
            );
        }
        if errors.is_empty() {
            Ok(PageRequest { page, per_page })
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Number of items matching the filters, over all pages.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: i64, request: PageRequest) -> Self {
        Page {
            items,
            total,
            page: request.page,
            per_page: request.per_page,
        }
    }

    /// The same page with each item made into another (a row into its view).
    pub fn map<U>(self, item: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(item).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}
