//! HTTP plumbing shared by every resource: error rendering, the JSON body extractor, pagination,
//! client addresses, response headers, and the web client's files.

pub mod body;
pub mod client_addr;
pub mod fallback;
pub mod head_guard;
pub mod headers;
pub mod json;
pub mod pagination;
pub mod problem;
pub mod query;
pub mod responses;
pub mod spreadsheet;
pub mod validate;
pub mod versions;
pub mod web_client;

pub use client_addr::ClientAddr;
pub use json::{OptionalJson, ValidJson};
pub use pagination::{BadListQuery, Page, PageParams};
pub use query::ValidQuery;
pub use responses::Created;
pub use responses::documented::{Invalid, NotFound, Stale, Versioned};
pub use versions::{IfMatch, Tagged};
