//! Accounts and organisations as stored.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::Role;
use crate::db_enum;
use crate::i18n::Locale;
use crate::schema::{organizations, users};

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

/// An organisation as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganizationView {
    pub id: Uuid,
    #[schema(example = "厦门某新材料科技有限公司")]
    pub name: String,
    /// Unified social credit code (统一社会信用代码).
    #[schema(example = "91350200776049653A")]
    pub uscc: String,
    pub kind: OrganizationKind,
    pub created_at: DateTime<Utc>,
}

impl From<Organization> for OrganizationView {
    fn from(o: Organization) -> Self {
        OrganizationView {
            id: o.id,
            name: o.name,
            uscc: o.uscc,
            kind: o.kind,
            created_at: o.created_at,
        }
    }
}

/// An account as the API shows it (never with its password hash).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    #[schema(example = "zhang.wei@example.com")]
    pub email: String,
    #[schema(example = "张伟")]
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    /// Disabled accounts cannot log in and their tokens no longer work.
    pub disabled: bool,
    pub organization: Option<OrganizationView>,
    /// `true` while an account that joined an already registered organisation waits for one of
    /// its accounts or an admin to approve it (`POST /organizations/{id}/members/{user_id}/approve`);
    /// until then it acts for no organisation.
    pub membership_pending: bool,
    pub created_at: DateTime<Utc>,
}

impl UserView {
    pub fn new(user: User, organization: Option<Organization>) -> Self {
        UserView {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            role: user.role,
            locale: user.locale,
            disabled: user.disabled_at.is_some(),
            organization: organization.map(Into::into),
            membership_pending: user.membership_pending,
            created_at: user.created_at,
        }
    }
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
