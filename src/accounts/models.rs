//! Accounts and organisations as stored.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::auth::Role;
use crate::db_enum;
use crate::i18n::Locale;
use crate::schema::{organizations, users};

// The views were defined here first; callers may still name them from here.
pub use super::views::{OrganizationView, UserView};

db_enum!(
    /// The kind of legal entity an organisation is (SPEC §1).
    OrganizationKind {
        /// 企业
        Enterprise => "enterprise",
        /// 高校
        University => "university",
        /// 科研院所
        Institute => "institute",
        /// 医疗机构
        Hospital => "hospital",
        /// 其他
        Other => "other",
    }
);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organizations, check_for_backend(diesel::pg::Pg))]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub uscc: String,
    pub kind: OrganizationKind,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = organizations)]
pub struct NewOrganization<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub uscc: &'a str,
    pub kind: OrganizationKind,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub role: Role,
    pub organization_id: Option<Uuid>,
    pub locale: Locale,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Joined an already registered organisation and waits for approval; acts for no
    /// organisation until then.
    pub membership_pending: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: Uuid,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub organization_id: Option<Uuid>,
    pub locale: Locale,
}

/// What an admin changes of an account (`PATCH /users/{id}`); `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub organization_id: Option<Option<Uuid>>,
    pub password_hash: Option<String>,
    pub locale: Option<Locale>,
    pub disabled_at: Option<Option<DateTime<Utc>>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// An account as its organisation's member list shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct Member {
    pub id: Uuid,
    pub display_name: String,
    pub role: Role,
    pub disabled_at: Option<DateTime<Utc>>,
    pub membership_pending: bool,
}

impl From<&User> for crate::notifications::Recipient {
    fn from(user: &User) -> Self {
        crate::notifications::Recipient {
            user_id: user.id,
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            locale: user.locale,
        }
    }
}
