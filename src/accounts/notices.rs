//! What accounts are told: a welcome, and an admin's changes to their account.

use serde::Serialize;

use crate::auth::Role;
use crate::notifications::Notice;

/// A new account (self-registered or made by an admin).
#[derive(Debug, Serialize)]
pub struct Welcome {
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub organization_name: Option<String>,
    pub login_url: String,
}

impl Notice for Welcome {
    fn template(&self) -> &'static str {
        "welcome"
    }
}

/// An admin set a new password.
#[derive(Debug, Serialize)]
pub struct PasswordChanged {
    pub display_name: String,
    /// `YYYY-MM-DD HH:MM`, UTC.
    pub changed_at: String,
}

impl Notice for PasswordChanged {
    fn template(&self) -> &'static str {
        "password_changed"
    }
}

/// An admin changed the account's role.
#[derive(Debug, Serialize)]
pub struct RoleChanged {
    pub display_name: String,
    pub old_role: Role,
    /// The new role.
    pub role: Role,
}

impl Notice for RoleChanged {
    fn template(&self) -> &'static str {
        "role_changed"
    }
}

/// An admin disabled the account.
#[derive(Debug, Serialize)]
pub struct AccountDisabled {
    pub display_name: String,
}

impl Notice for AccountDisabled {
    fn template(&self) -> &'static str {
        "account_disabled"
    }
}
