//! `jiebang seed-demo`: demo accounts for trying the API from `/docs` and the web client, and a
//! demo story ([`story`]): a challenge under review by the five demo experts, one in its public
//! notice, a project under way. Running it again resets the demo accounts' passwords (and enables
//! them) and prints the new ones; the story is made once. `--challenges N` adds generated
//! challenges ([`generated`]).

use actix_web::web::Data;
use rand::Rng;
use rand::distr::Alphanumeric;
use secrecy::SecretString;

use crate::accounts::input::OrganizationInput;
use crate::accounts::models::OrganizationKind;
use crate::accounts::queries::{self, NewAccount};
use crate::auth::Role;
use crate::codes::complete_uscc;
use crate::i18n::Locale;
use crate::state::AppState;

mod api;
pub mod generated;
pub mod story;
mod texts;

pub use generated::challenges;

struct DemoAccount {
    email: &'static str,
    name: &'static str,
    role: Role,
    /// Organisation name, first 17 characters of its USCC, kind.
    organization: Option<(&'static str, &'static str, OrganizationKind)>,
}

const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        email: "admin@demo.jiebang.cn",
        name: "科技局项目办",
        role: Role::Admin,
        organization: None,
    },
    DemoAccount {
        email: "issuer@demo.jiebang.cn",
        name: "王建国（鹭岛新材料）",
        role: Role::Issuer,
        organization: Some((
            "厦门鹭岛新材料集团有限公司",
            "91350200MA2X00011",
            OrganizationKind::Enterprise,
        )),
    },
    DemoAccount {
        email: "solver1@demo.jiebang.cn",
        name: "陈思远课题组",
        role: Role::Solver,
        organization: Some((
            "海西大学材料学院",
            "12350000400010021",
            OrganizationKind::University,
        )),
    },
    DemoAccount {
        email: "solver2@demo.jiebang.cn",
        name: "林晓峰团队",
        role: Role::Solver,
        organization: Some((
            "福建先进复合材料研究院",
            "12350000400010031",
            OrganizationKind::Institute,
        )),
    },
    DemoAccount {
        email: "expert1@demo.jiebang.cn",
        name: "赵教授",
        role: Role::Expert,
        organization: Some((
            "东南理工大学",
            "12320000466000041",
            OrganizationKind::University,
        )),
    },
    DemoAccount {
        email: "expert2@demo.jiebang.cn",
        name: "钱研究员",
        role: Role::Expert,
        organization: Some((
            "江南化工研究所",
            "12320000466000051",
            OrganizationKind::Institute,
        )),
    },
    DemoAccount {
        email: "expert3@demo.jiebang.cn",
        name: "孙高工",
        role: Role::Expert,
        organization: Some((
            "华东装备制造有限公司",
            "91310000MA1K00061",
            OrganizationKind::Enterprise,
        )),
    },
    DemoAccount {
        email: "expert4@demo.jiebang.cn",
        name: "李主任医师",
        role: Role::Expert,
        organization: Some((
            "滨海市第一人民医院",
            "12350200488000071",
            OrganizationKind::Hospital,
        )),
    },
    DemoAccount {
        email: "expert5@demo.jiebang.cn",
        name: "周博士",
        role: Role::Expert,
        organization: Some((
            "海洋科技创新中心",
            "52350200MJ0000081",
            OrganizationKind::Other,
        )),
    },
];

fn random_password() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(14)
        .map(char::from)
        .collect()
}

/// A demo account's email and the password this run gave it (no `Debug`: no password in logs).
#[derive(Clone)]
pub struct Credentials {
    pub email: &'static str,
    pub role: Role,
    pub password: String,
}

/// What a run made: the accounts (with their new passwords) and the story.
pub struct Demo {
    pub accounts: Vec<Credentials>,
    pub story: story::Outcome,
}

impl Demo {
    /// The password this run gave the account `email`.
    pub fn password_of(&self, email: &str) -> Option<&str> {
        self.accounts
            .iter()
            .find(|a| a.email == email)
            .map(|a| a.password.as_str())
    }
}

/// The demo accounts (their passwords printed) and, once per database, the story.
pub async fn run(state: &Data<AppState>) -> anyhow::Result<Demo> {
    let accounts = accounts(state).await?;
    let story = story::run(state, &accounts).await?;
    Ok(Demo { accounts, story })
}

/// Makes the demo accounts, or gives them new passwords (enabled again); prints them.
pub async fn accounts(state: &AppState) -> anyhow::Result<Vec<Credentials>> {
    let mut made = Vec::with_capacity(ACCOUNTS.len());
    let mut conn = state.conn().await?;
    println!("Demo accounts (passwords are new on every run):\n");
    println!(
        "{:<8} {:<26} {:<16} 名称 / organisation",
        "role", "email", "password"
    );
    for account in ACCOUNTS {
        let password = random_password();
        let hash = state
            .hasher
            .hash(SecretString::from(password.clone()))
            .await?;
        let organization_input = account
            .organization
            .map(
                |(name, prefix, kind)| -> anyhow::Result<OrganizationInput> {
                    Ok(OrganizationInput {
                        name: name.to_string(),
                        uscc: complete_uscc(prefix)
                            .ok_or_else(|| anyhow::anyhow!("bad demo USCC prefix {prefix}"))?,
                        kind,
                    })
                },
            )
            .transpose()?;
        match queries::find_by_email(&mut conn, account.email).await? {
            Some(existing) => {
                queries::reset_password(&mut conn, existing.id, &hash).await?;
            }
            None => {
                queries::create_account(
                    &mut conn,
                    NewAccount {
                        email: account.email,
                        password_hash: &hash,
                        display_name: account.name,
                        role: account.role,
                        locale: Locale::ZhCn,
                        organization: organization_input.as_ref(),
                        self_registered: false,
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            }
        }
        let org = account.organization.map(|(name, _, _)| name).unwrap_or("-");
        println!(
            "{:<8} {:<26} {:<16} {} / {}",
            account.role.as_str(),
            account.email,
            password,
            account.name,
            org
        );
        made.push(Credentials {
            email: account.email,
            role: account.role,
            password,
        });
    }
    println!(
        "\nLog in at POST /api/v1/auth/login (or from /docs/), then press Authorize with the access_token."
    );
    Ok(made)
}
