//! Request bodies and query parameters of the accounts' endpoints, with their validation.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use super::models::OrganizationKind;
use super::queries::NewAccount;
use crate::auth::Role;
use crate::codes::parse_uscc;
use crate::error::{AppError, FieldCode};
use crate::http::validate::line;
use crate::i18n::Locale;

pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;

/// An organisation named at registration: created, or joined when its USCC is already known.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationInput {
    #[validate(length(min = 1, max = 200), custom(function = line))]
    #[schema(example = "厦门某新材料科技有限公司", min_length = 1, max_length = 200)]
    pub name: String,
    /// Unified social credit code (统一社会信用代码), 18 characters with its check character.
    #[validate(custom(function = valid_uscc))]
    #[schema(example = "91350200776049653A", min_length = 18, max_length = 18)]
    pub uscc: String,
    pub kind: OrganizationKind,
}

pub fn valid_uscc(value: &str) -> Result<(), ValidationError> {
    parse_uscc(value)
        .map(|_| ())
        .map_err(|e| ValidationError::new(e.code().as_str()))
}

/// A password as received: never printed, serialised only as `***` (validation errors carry the
/// offending value, and this one must not travel).
#[derive(Clone, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, format = Password)]
pub struct Password(SecretString);

impl Password {
    pub fn into_secret(self) -> SecretString {
        self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl serde::Serialize for Password {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("***")
    }
}

pub fn valid_password(value: &Password) -> Result<(), ValidationError> {
    let chars = value.0.expose_secret().chars().count();
    if (PASSWORD_MIN..=PASSWORD_MAX).contains(&chars) {
        Ok(())
    } else {
        let mut error = ValidationError::new("length");
        error.add_param("min".into(), &PASSWORD_MIN);
        error.add_param("max".into(), &PASSWORD_MAX);
        Err(error)
    }
}

/// Only issuers and solvers register themselves (SPEC §1).
pub const SELF_REGISTERING: [Role; 2] = [Role::Issuer, Role::Solver];

/// Admins create experts and other admins.
pub const ADMIN_CREATED: [Role; 2] = [Role::Expert, Role::Admin];

/// A self-registering role; the message for the others says who creates their accounts.
pub fn self_registering_role(role: &Role) -> Result<(), ValidationError> {
    if SELF_REGISTERING.contains(role) {
        return Ok(());
    }
    let mut error = ValidationError::new("not_self_registered");
    error.add_param("role".into(), role);
    Err(error)
}

pub fn admin_created_role(role: &Role) -> Result<(), ValidationError> {
    if ADMIN_CREATED.contains(role) {
        Ok(())
    } else {
        Err(ValidationError::new("not_allowed"))
    }
}

/// The schema of a role field that takes only `roles`: the document lists what the validation
/// accepts, from the same list.
fn roles_schema(roles: &[Role]) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(roles.iter().map(Role::as_str)))
        .build()
}

fn self_registering_schema() -> utoipa::openapi::Object {
    roles_schema(&SELF_REGISTERING)
}

fn admin_created_schema() -> utoipa::openapi::Object {
    roles_schema(&ADMIN_CREATED)
}

/// `POST /auth/register`: an issuer or solver account with its organisation.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "email": "chen.siyuan@example.edu.cn",
    "password": "correct-horse-battery",
    "display_name": "陈思远",
    "role": "solver",
    "organization": {"name": "海西大学材料学院", "uscc": "91350200776049653A", "kind": "university"},
    "locale": "zh-CN"
}))]
pub struct RegisterRequest {
    #[validate(email(code = "email"), length(max = 254))]
    #[schema(max_length = 254, example = "zhang.wei@example.com", format = "email")]
    pub email: String,
    /// 8 to 128 characters.
    #[validate(custom(function = valid_password))]
    #[schema(min_length = 8, max_length = 128)]
    pub password: Password,
    #[validate(length(min = 1, max = 100), custom(function = line))]
    #[schema(example = "张伟", min_length = 1, max_length = 100)]
    pub display_name: String,
    /// `issuer` or `solver`.
    #[validate(custom(function = self_registering_role))]
    #[schema(schema_with = self_registering_schema, example = "solver")]
    pub role: Role,
    #[validate(nested)]
    pub organization: OrganizationInput,
    /// Language of emails and notifications; `zh-CN` when absent.
    pub locale: Option<Locale>,
}

/// `POST /users`: an expert or admin account made by an admin. Experts belong to an organisation;
/// admins do not.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "email": "zhao.prof@example.edu.cn",
    "password": "correct-horse-battery",
    "display_name": "赵教授",
    "role": "expert",
    "organization": {"name": "东南理工大学", "uscc": "91350200776049653A", "kind": "university"}
}))]
pub struct CreateUserRequest {
    #[validate(email(code = "email"), length(max = 254))]
    #[schema(max_length = 254, example = "li.na@example.edu.cn", format = "email")]
    pub email: String,
    /// 8 to 128 characters.
    #[validate(custom(function = valid_password))]
    #[schema(min_length = 8, max_length = 128)]
    pub password: Password,
    #[validate(length(min = 1, max = 100), custom(function = line))]
    #[schema(example = "李娜", min_length = 1, max_length = 100)]
    pub display_name: String,
    /// `expert` or `admin`.
    #[validate(custom(function = admin_created_role))]
    #[schema(schema_with = admin_created_schema, example = "expert")]
    pub role: Role,
    /// Required for experts, absent for admins.
    #[validate(nested)]
    pub organization: Option<OrganizationInput>,
    pub locale: Option<Locale>,
}

impl CreateUserRequest {
    /// Experts need an organisation; admins have none.
    pub fn check_organization(&self) -> Result<(), AppError> {
        match (self.role, &self.organization) {
            (Role::Admin, Some(_)) => {
                Err(AppError::validation("organization", FieldCode::NotAllowed))
            }
            (Role::Admin, None) | (_, Some(_)) => Ok(()),
            (_, None) => Err(AppError::validation("organization", FieldCode::Required)),
        }
    }
}

/// A new account as asked for: by the person themselves (`POST /auth/register`) or by an admin
/// (`POST /users`).
pub enum AccountRequest {
    Register(RegisterRequest),
    ByAdmin(CreateUserRequest),
}

impl AccountRequest {
    /// The password as given, to be hashed.
    pub fn password(&self) -> SecretString {
        match self {
            AccountRequest::Register(r) => r.password.clone().into_secret(),
            AccountRequest::ByAdmin(r) => r.password.clone().into_secret(),
        }
    }

    /// The account asked for, with its password hashed. A self-registered account that joins an
    /// organisation already known waits for approval.
    pub fn account<'a>(&'a self, password_hash: &'a str) -> NewAccount<'a> {
        let (email, display_name, role, locale, organization, self_registered) = match self {
            AccountRequest::Register(r) => {
                let organization = Some(&r.organization);
                (
                    &r.email,
                    &r.display_name,
                    r.role,
                    r.locale,
                    organization,
                    true,
                )
            }
            AccountRequest::ByAdmin(r) => {
                let organization = r.organization.as_ref();
                (
                    &r.email,
                    &r.display_name,
                    r.role,
                    r.locale,
                    organization,
                    false,
                )
            }
        };
        NewAccount {
            email,
            password_hash,
            display_name,
            role,
            locale: locale.unwrap_or_default(),
            organization,
            self_registered,
        }
    }
}

/// `GET /users`: which accounts.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    /// Only accounts of this role.
    pub role: Option<Role>,
    /// `true`: only disabled accounts; `false`: only active ones.
    pub disabled: Option<bool>,
    /// Only members of this organisation.
    pub organization_id: Option<Uuid>,
    /// Part of the email or display name, case-insensitive.
    pub q: Option<String>,
}

/// Changes an admin makes to an account. Absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"disabled": true}))]
pub struct UpdateUserRequest {
    /// `true` disables the account: it cannot log in and its tokens stop working at once.
    pub disabled: Option<bool>,
    #[validate(length(min = 1, max = 100), custom(function = line))]
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: Option<String>,
    /// A new role. Admins have no organisation; every other role needs one (give
    /// `organization_id` when the account has none).
    pub role: Option<Role>,
    pub organization_id: Option<Uuid>,
    /// A new password (8 to 128 characters); ends the account's sessions.
    #[validate(custom(function = valid_password))]
    pub password: Option<Password>,
    pub locale: Option<Locale>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "admin@demo.jiebang.cn", "password": "printed-by-seed-demo"}))]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254, example = "admin@demo.jiebang.cn")]
    pub email: String,
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
    /// Cookie mode, for the web client served from this origin: the refresh token comes in the
    /// `HttpOnly` cookie `jiebang_refresh` (path `/api/v1/auth`) instead of the body, and
    /// `/auth/refresh` and `/auth/logout` take it from there. Other clients leave it out.
    #[serde(default)]
    pub refresh_in_cookie: bool,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "kq3v0x…(from login)"}))]
pub struct RefreshRequest {
    /// The refresh token to spend. Left out in cookie mode: the `jiebang_refresh` cookie's is.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub refresh_token: Option<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({}))]
pub struct LogoutRequest {
    /// Ends the session of this refresh token (useful once the access token has expired). Left
    /// out in cookie mode: the `jiebang_refresh` cookie's session ends.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub refresh_token: Option<String>,
}
