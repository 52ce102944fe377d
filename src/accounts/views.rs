//! Accounts and organisations as the API shows them, and an admin's change as the audit log
//! keeps it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::{Member, Organization, User};
use crate::auth::Role;
use crate::i18n::Locale;

/// An organisation as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganizationView {
    pub id: Uuid,
    #[schema(example = "厦门某新材料科技有限公司")]
    pub name: String,
    /// Unified social credit code (统一社会信用代码).
    #[schema(example = "91350200776049653A")]
    pub uscc: String,
    pub kind: super::models::OrganizationKind,
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

/// An organisation and, for its own members and admins, its accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationDetail {
    #[serde(flatten)]
    pub organization: OrganizationView,
    /// Accounts of this organisation; shown to its members and to admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<OrganizationMemberView>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationMemberView {
    pub id: Uuid,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    /// Waits for approval (joined by naming the organisation's USCC).
    pub membership_pending: bool,
}

impl From<Member> for OrganizationMemberView {
    fn from(m: Member) -> Self {
        OrganizationMemberView {
            id: m.id,
            display_name: m.display_name,
            role: m.role,
            disabled: m.disabled_at.is_some(),
            membership_pending: m.membership_pending,
        }
    }
}

/// An access token, the refresh token that renews it, and the account.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer …`.
    pub access_token: String,
    /// Opaque; spend it at `POST /auth/refresh` for a new pair. Each can be used once. Absent in
    /// cookie mode (`refresh_in_cookie` at login): the `jiebang_refresh` cookie holds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub refresh_token: Option<String>,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: u64,
    pub user: UserView,
}

/// Before and after of what an admin changed, for the audit log (never the password itself).
pub fn change_summary(before: &User, after: &User, password_changed: bool) -> Value {
    let mut old = Map::new();
    let mut new = Map::new();
    let fields = [
        (
            "display_name",
            json!(before.display_name),
            json!(after.display_name),
        ),
        ("role", json!(before.role), json!(after.role)),
        (
            "organization_id",
            json!(before.organization_id),
            json!(after.organization_id),
        ),
        ("locale", json!(before.locale), json!(after.locale)),
        (
            "disabled",
            json!(before.disabled_at.is_some()),
            json!(after.disabled_at.is_some()),
        ),
    ];
    for (field, a, b) in fields {
        if a != b {
            old.insert(field.to_string(), a);
            new.insert(field.to_string(), b);
        }
    }
    if password_changed {
        new.insert("password".into(), json!("changed"));
    }
    json!({"before": old, "after": new})
}
