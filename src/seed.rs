//! `jiebang seed-demo`: demo accounts for trying the API from `/docs`. Running it again resets the
//! demo accounts' passwords (and enables them) and prints the new ones.

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use rand::Rng;
use rand::distr::Alphanumeric;
use secrecy::SecretString;

use crate::accounts::input::OrganizationInput;
use crate::accounts::models::{Locale, OrganizationKind, Role};
use crate::accounts::queries::{self, NewAccount};
use crate::codes::complete_uscc;
use crate::schema::users;
use crate::state::AppState;

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

pub async fn run(state: &AppState) -> anyhow::Result<()> {
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
                diesel::update(users::table.filter(users::id.eq(existing.id)))
                    .set((
                        users::password_hash.eq(&hash),
                        users::disabled_at.eq(None::<chrono::DateTime<Utc>>),
                        users::updated_at.eq(Utc::now()),
                    ))
                    .execute(&mut conn)
                    .await?;
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
    }
    println!(
        "\nLog in at POST /api/v1/auth/login (or from /docs/), then press Authorize with the access_token."
    );
    Ok(())
}
