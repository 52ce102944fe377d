//! `seed-demo --challenges N`: generated challenges for trying search and for load tests,
//! inserted in batches (not through the API: thousands of them), each published one with its
//! closing job.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use rand::Rng;

use crate::accounts::models::OrganizationKind;
use crate::accounts::queries;
use crate::challenges::models::{Category, Field, Status};
use crate::schema::challenges;
use crate::state::AppState;

const PREFIXES: &[&str] = &[
    "高性能",
    "低成本",
    "智能化",
    "绿色",
    "高可靠",
    "大尺寸",
    "超高纯",
    "新型",
    "国产化",
    "柔性",
];
const SUBJECTS: &[(&str, Field)] = &[
    ("碳纤维复合材料", Field::NewMaterials),
    ("稀土永磁材料", Field::NewMaterials),
    ("生物可降解塑料", Field::NewMaterials),
    ("医用植入材料", Field::Biomedicine),
    ("基因检测试剂", Field::Biomedicine),
    ("抗体药物纯化工艺", Field::Biomedicine),
    ("光刻胶", Field::GreenChemicals),
    ("电子级氢氟酸", Field::GreenChemicals),
    ("海水淡化膜", Field::Marine),
    ("海洋牧场投喂装备", Field::Marine),
    ("深海探测传感器", Field::Marine),
    ("氢燃料电池电堆", Field::NewEnergy),
    ("锂电池正极材料", Field::NewEnergy),
    ("光伏组件回收", Field::NewEnergy),
    ("碳化硅功率器件", Field::ElectronicInformation),
    ("5G 射频芯片", Field::ElectronicInformation),
    ("工业软件内核", Field::ElectronicInformation),
    ("工业机器人减速器", Field::AdvancedEquipment),
    ("航空发动机叶片", Field::AdvancedEquipment),
    ("数控机床主轴", Field::AdvancedEquipment),
    ("农业无人机", Field::ModernAgriculture),
    ("盐碱地改良剂", Field::ModernAgriculture),
];
const SUFFIXES: &[&str] = &[
    "关键技术攻关",
    "制备工艺",
    "国产化替代",
    "产业化应用",
    "检测方法研究",
    "集成示范",
];
const NEEDS: &[&str] = &[
    "目前依赖进口，价格高、供货周期长",
    "现有工艺良率偏低，难以满足批量生产",
    "关键指标与国际先进水平仍有差距",
    "下游用户对一致性和可靠性提出更高要求",
];
const GOALS: &[&str] = &[
    "形成具有自主知识产权的成套技术",
    "建成中试线并完成用户验证",
    "产品性能达到国际同类产品水平",
    "单位成本降低 30% 以上",
];

/// How many generated challenges get a generated specification.
const SPECIFICATIONS: usize = 20;

/// A generated 需求说明 PDF attached to the challenge.
async fn attach_specification(
    state: &AppState,
    challenge_id: uuid::Uuid,
    issuer: uuid::Uuid,
    title: &str,
    description: &str,
) -> anyhow::Result<()> {
    let paragraphs = [
        "一、需求背景",
        description,
        "二、技术指标",
        "核心性能指标达到国际先进水平；单位成本较现有方案降低 30% 以上；形成自主知识产权。",
        "三、揭榜要求",
        "揭榜团队应具备相关领域研发基础，提交技术方案、研发计划、经费预算及阶段性考核指标，并签署信用承诺书。",
        "四、验收方式",
        "由专家组对照上述指标进行现场测试和文件审查，第三方检测报告须由具备资质的机构出具。",
    ];
    let pdf =
        crate::documents::samples::sample_pdf(&format!("{title}需求说明"), "发榜单位", &paragraphs);
    crate::documents::service::attach_generated(
        state,
        challenge_id,
        issuer,
        &format!("{title}-需求说明.pdf"),
        pdf,
    )
    .await?;
    Ok(())
}

/// Adds `count` generated challenges from a few demo issuers, in batches: about 60 % open for
/// bids, the rest closed, under review, awarded or still drafts. Deterministic (a fixed seed),
/// so that load-test runs are comparable.
pub async fn challenges(state: &AppState, count: usize) -> anyhow::Result<()> {
    use rand::SeedableRng;
    use rand::seq::IndexedRandom;

    let mut conn = state.conn().await?;
    let issuer = queries::find_by_email(&mut conn, "issuer@demo.jiebang.cn")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo issuer is missing"))?;
    let (user_id, Some(org_id)) = (issuer.id, issuer.organization_id) else {
        anyhow::bail!("the demo issuer has no organisation");
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(count as u64);
    let now = state.clock.now();
    let rubric = serde_json::json!(crate::challenges::models::default_rubric());
    let kinds: Vec<Option<String>> = OrganizationKind::ALL
        .iter()
        .map(|k| Some(k.as_str().to_string()))
        .collect();
    let mut done = 0;
    while done < count {
        let batch = (count - done).min(1000);
        let mut rows = Vec::with_capacity(batch);
        for _ in 0..batch {
            let (subject, field) = *SUBJECTS.choose(&mut rng).unwrap_or(&SUBJECTS[0]);
            let prefix = PREFIXES.choose(&mut rng).unwrap_or(&PREFIXES[0]);
            let suffix = SUFFIXES.choose(&mut rng).unwrap_or(&SUFFIXES[0]);
            let title = format!("{prefix}{subject}{suffix}");
            let description = format!(
                "{subject}{}。本榜单面向全国征集解决方案，要求揭榜方{}，并在合同期内完成验收。",
                NEEDS.choose(&mut rng).unwrap_or(&NEEDS[0]),
                GOALS.choose(&mut rng).unwrap_or(&GOALS[0]),
            );
            let roll: u32 = rng.random_range(0..100);
            let status = match roll {
                0..60 => Status::Published,
                60..80 => Status::BiddingClosed,
                80..90 => Status::UnderReview,
                90..95 => Status::Awarded,
                _ => Status::Draft,
            };
            let published_days_ago: i64 = rng.random_range(1..720);
            let published_at = now - chrono::Duration::days(published_days_ago);
            let closes_at = if status == Status::Published {
                now + chrono::Duration::hours(rng.random_range(24..24 * 120))
            } else {
                published_at + chrono::Duration::days(rng.random_range(20..60))
            };
            let opens_at = closes_at - chrono::Duration::days(rng.random_range(20..90));
            let bounty_fen: i64 = rng.random_range(50..5000) * 1_000_000;
            rows.push(
                (
                    challenges::id.eq(uuid::Uuid::now_v7()),
                    challenges::issuer_org_id.eq(org_id),
                    challenges::created_by.eq(user_id),
                    challenges::title.eq(title),
                    challenges::category.eq(if roll.is_multiple_of(3) {
                        Category::AchievementTransfer
                    } else {
                        Category::TechBreakthrough
                    }),
                    challenges::field.eq(field),
                    challenges::description.eq(description),
                    challenges::kpis.eq(serde_json::json!([
                        {"name": "核心性能指标", "target": "达到国际先进水平", "unit": ""},
                        {"name": "成本", "target": "降低 30%", "unit": ""}
                    ])),
                    challenges::bounty_fen.eq(bounty_fen),
                    challenges::bid_opens_at.eq(opens_at),
                    challenges::bid_closes_at.eq(closes_at),
                    challenges::max_duration_months.eq(rng.random_range(6..=36)),
                    challenges::eligible_org_kinds.eq(kinds.clone()),
                    challenges::rubric.eq(rubric.clone()),
                    challenges::status.eq(status),
                    challenges::published_at.eq((status != Status::Draft).then_some(published_at)),
                    challenges::awarded_at
                        .eq((status == Status::Awarded)
                            .then(|| closes_at + chrono::Duration::days(60))),
                    challenges::created_at.eq(published_at - chrono::Duration::days(7)),
                    challenges::updated_at.eq(published_at),
                ),
            );
        }
        diesel::insert_into(challenges::table)
            .values(rows)
            .execute(&mut conn)
            .await?;
        done += batch;
    }
    // A specification (需求说明, a generated PDF) on the first published ones, so that documents
    // show at once.
    let published: Vec<(uuid::Uuid, String, String)> = challenges::table
        .filter(challenges::issuer_org_id.eq(org_id))
        .filter(challenges::status.eq(Status::Published))
        .order(challenges::created_at.desc())
        .limit(count.min(SPECIFICATIONS) as i64)
        .select((challenges::id, challenges::title, challenges::description))
        .load(&mut conn)
        .await?;
    for (id, title, description) in published {
        attach_specification(state, id, user_id, &title, &description).await?;
    }
    // Published ones close by themselves like any other.
    crate::challenges::jobs::catch_up(state).await?;
    diesel::sql_query("VACUUM ANALYZE challenges")
        .execute(&mut conn)
        .await?;
    Ok(())
}
