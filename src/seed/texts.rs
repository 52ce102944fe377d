//! The demo story's texts: the challenges, the teams and their bids, the bid documents, the
//! experts' profiles. All invented; the ID numbers are valid (check character) but made up.

use super::story::{IN_NOTICE, UNDER_REVIEW, UNDER_WAY};

/// A demo expert's profile: resident ID number, title, fields besides `new_materials`.
pub(super) const EXPERT_PROFILES: [(&str, &str, &str); 5] = [
    ("32010219620308413", "教授", "advanced_equipment"),
    ("32050619660719262", "研究员", "green_chemicals"),
    ("31011519700125335", "正高级工程师", "advanced_equipment"),
    ("35020619681103184", "主任医师", "biomedicine"),
    ("35021119830526057", "副研究员", "marine"),
];

pub(super) struct ChallengeText {
    pub(super) title: &'static str,
    pub(super) description: &'static str,
    /// Name, target, unit.
    pub(super) kpis: &'static [(&'static str, &'static str, &'static str)],
    pub(super) bounty_fen: i64,
    pub(super) max_duration_months: i32,
    /// The 需求说明 PDF's paragraphs.
    pub(super) specification: &'static [&'static str],
}

pub(super) struct BidText {
    /// The bidding organisation (the PDFs' author, which their blind copies strip).
    pub(super) organization: &'static str,
    pub(super) technical_approach: &'static str,
    /// One per KPI of the challenge, in order.
    pub(super) kpi_values: &'static [&'static str],
    pub(super) requested_fen: i64,
    pub(super) duration_months: i32,
    /// Title, due month, share.
    pub(super) milestones: &'static [(&'static str, i32, i32)],
}

/// The teams of solver1 and solver2, in order: name, first 17 digits of the ID number, role,
/// title, duty.
pub(super) type Member = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

pub(super) const TEAMS: [&[Member]; 2] = [
    &[
        (
            "陈思远",
            "35020319780415123",
            "leader",
            "教授",
            "总体技术方案",
        ),
        (
            "黄雨桐",
            "35020319850922246",
            "member",
            "副教授",
            "材料制备与工艺研究",
        ),
        (
            "刘洋",
            "35020319900107131",
            "member",
            "讲师",
            "测试表征与数据分析",
        ),
    ],
    &[
        (
            "林晓峰",
            "35010419750630217",
            "leader",
            "研究员",
            "项目总体负责",
        ),
        (
            "郑佳怡",
            "35010419870211328",
            "member",
            "高级工程师",
            "中试放大与装备",
        ),
        (
            "吴浩然",
            "35010419920818415",
            "member",
            "工程师",
            "产品验证与用户对接",
        ),
    ],
];

pub(super) const FIBRE: ChallengeText = ChallengeText {
    title: UNDER_REVIEW,
    description: "海上风电叶片大型化对主梁用碳纤维提出了更高要求。目前 48K 以上大丝束碳纤维主要依赖进口，价格高、供货周期长。本榜单征集大丝束原丝制备、低温快速碳化及表面处理的成套技术，形成千吨级产业化能力，并在 15 MW 级叶片主梁上完成验证。",
    kpis: &[
        ("拉伸强度", "≥ 4.9", "GPa"),
        ("拉伸模量", "≥ 250", "GPa"),
        ("单线产能", "≥ 1000", "吨/年"),
    ],
    bounty_fen: 800_000_000,
    max_duration_months: 24,
    specification: &[
        "一、需求背景",
        "海上风电叶片长度已超过 120 米，主梁用碳纤维用量大、成本敏感，国产大丝束碳纤维在性能一致性和成本上仍有差距。",
        "二、技术指标",
        "拉伸强度不低于 4.9 GPa，拉伸模量不低于 250 GPa，单线产能不低于 1000 吨/年，成本较进口产品降低 30% 以上。",
        "三、验收方式",
        "由专家组对照指标进行现场测试和文件审查，并在 15 MW 级叶片主梁上完成应用验证。",
    ],
};

pub(super) const FIBRE_BIDS: [BidText; 2] = [
    BidText {
        organization: "海西大学材料学院",
        technical_approach: "采用湿法纺丝制备 50K 大丝束聚丙烯腈原丝，结合梯度预氧化与微波辅助低温碳化工艺，缩短碳化时间约 40%；配套水性上浆剂，提升与环氧树脂的界面结合，满足拉挤主梁板材的工艺要求。",
        kpi_values: &["≥ 5.0 GPa", "≥ 255 GPa", "1200 吨/年"],
        requested_fen: 780_000_000,
        duration_months: 24,
        milestones: &[
            ("原丝中试", 6, 30),
            ("碳化线建设", 15, 40),
            ("叶片主梁验证", 24, 30),
        ],
    },
    BidText {
        organization: "福建先进复合材料研究院",
        technical_approach: "以干喷湿纺工艺制备 48K 原丝，采用多温区连续预氧化炉与等离子体表面处理，配合拉挤板材一体化工艺，直接向叶片厂供应主梁拉挤板。",
        kpi_values: &["≥ 4.9 GPa", "≥ 250 GPa", "1000 吨/年"],
        requested_fen: 720_000_000,
        duration_months: 20,
        milestones: &[
            ("工艺定型", 8, 40),
            ("千吨线投产", 16, 30),
            ("用户验证", 20, 30),
        ],
    },
];

/// Each team's bid documents on [`UNDER_REVIEW`]: file name, PDF title, paragraphs.
pub(super) type DocumentText = (&'static str, &'static str, &'static [&'static str]);

pub(super) const FIBRE_DOCUMENTS: [&[DocumentText]; 2] = [
    &[
        (
            "技术方案.pdf",
            "大丝束碳纤维低成本制备技术方案",
            &[
                "一、总体思路",
                "以湿法纺丝 50K 原丝为基础，通过梯度预氧化和微波辅助低温碳化缩短工艺时间、降低能耗。",
                "二、关键技术",
                "1. 原丝纺丝液配方与凝固浴控制；2. 梯度预氧化温度场设计；3. 微波辅助碳化装备；4. 水性上浆剂。",
                "三、进度安排",
                "第 6 个月完成原丝中试，第 15 个月建成碳化线，第 24 个月完成叶片主梁验证。",
            ],
        ),
        (
            "研究基础与前期成果.pdf",
            "研究基础与前期成果",
            &[
                "团队长期从事碳纤维及其复合材料研究，已建成百吨级原丝实验线。",
                "近五年承担相关国家和省部级项目 6 项，授权发明专利 12 件。",
            ],
        ),
    ],
    &[(
        "技术方案.pdf",
        "大丝束碳纤维及主梁拉挤板一体化技术方案",
        &[
            "一、总体思路",
            "以干喷湿纺 48K 原丝为基础，预氧化、碳化与拉挤板材成型连续衔接，减少中间环节。",
            "二、关键技术",
            "1. 多温区连续预氧化炉；2. 等离子体表面处理；3. 主梁拉挤板在线成型与检测。",
            "三、进度安排",
            "第 8 个月工艺定型，第 16 个月千吨线投产，第 20 个月完成用户验证。",
        ],
    )],
];

pub(super) const HOUSING: ChallengeText = ChallengeText {
    title: IN_NOTICE,
    description: "电池包壳体是新能源汽车减重的关键部件。现有铝合金壳体重量大、成本高，SMC 复合材料壳体在阻燃和密封方面尚不满足车规要求。本榜单征集阻燃复合材料配方、一体化模压成型工艺及壳体结构设计方案，实现壳体减重 30% 以上并通过整车厂验证。",
    kpis: &[
        ("减重比例", "≥ 30", "%"),
        ("阻燃等级", "UL94 V-0", ""),
        ("单件成本", "≤ 1800", "元"),
    ],
    bounty_fen: 300_000_000,
    max_duration_months: 18,
    specification: &[
        "一、需求背景",
        "整车厂要求电池包上壳体在满足阻燃、密封和碰撞安全的前提下大幅减重。",
        "二、技术指标",
        "较铝合金方案减重 30% 以上，阻燃等级 UL94 V-0，单件成本不高于 1800 元。",
        "三、验收方式",
        "通过整车厂台架和整车验证，并提供第三方检测报告。",
    ],
};

pub(super) const HOUSING_BIDS: [BidText; 2] = [
    BidText {
        organization: "海西大学材料学院",
        technical_approach: "采用无卤阻燃改性环氧 SMC 体系，结合拓扑优化的加强筋结构和一体化模压工艺，壳体与密封槽一次成型。",
        kpi_values: &["32%", "UL94 V-0", "1750 元"],
        requested_fen: 280_000_000,
        duration_months: 18,
        milestones: &[
            ("材料配方定型", 6, 40),
            ("样件试制", 12, 30),
            ("整车验证", 18, 30),
        ],
    },
    BidText {
        organization: "福建先进复合材料研究院",
        technical_approach: "采用连续玻纤增强阻燃聚氨酯体系与高压树脂传递模塑（HP-RTM）工艺，局部嵌入碳纤维预浸带补强，兼顾轻量化与碰撞安全。",
        kpi_values: &["35%", "UL94 V-0", "1680 元"],
        requested_fen: 260_000_000,
        duration_months: 15,
        milestones: &[
            ("材料与工艺验证", 5, 40),
            ("台架试验", 10, 30),
            ("整车验证", 15, 30),
        ],
    },
];

pub(super) const CERAMICS: ChallengeText = ChallengeText {
    title: UNDER_WAY,
    description: "航空发动机和燃气轮机热端部件需要在 1200 ℃ 以上长期服役的陶瓷基复合材料。本榜单征集碳化硅纤维增强碳化硅（SiC/SiC）复合材料的制备工艺、构件成型与考核验证技术，实现关键构件国产化替代。",
    kpis: &[("使用温度", "≥ 1250", "℃"), ("弯曲强度", "≥ 350", "MPa")],
    bounty_fen: 500_000_000,
    max_duration_months: 24,
    specification: &[
        "一、需求背景",
        "热端部件用陶瓷基复合材料长期依赖进口，供货受限。",
        "二、技术指标",
        "长期使用温度不低于 1250 ℃，室温弯曲强度不低于 350 MPa。",
        "三、验收方式",
        "完成典型构件台架考核，由专家组现场验收。",
    ],
};

pub(super) const CERAMICS_BIDS: [BidText; 2] = [
    BidText {
        organization: "海西大学材料学院",
        technical_approach: "采用化学气相渗透（CVI）与聚合物浸渍裂解（PIP）联合工艺制备 SiC/SiC 复合材料，BN 界面层提升韧性，配套环境障涂层。",
        kpi_values: &["1300 ℃", "≥ 370 MPa"],
        requested_fen: 480_000_000,
        duration_months: 24,
        milestones: &[
            ("中试工艺验证", 2, 30),
            ("构件试制与台架考核", 10, 40),
            ("项目验收", 24, 30),
        ],
    },
    BidText {
        organization: "福建先进复合材料研究院",
        technical_approach: "采用熔渗（MI）工艺快速致密化，缩短制备周期，结合自动化铺层提升构件一致性。",
        kpi_values: &["1250 ℃", "≥ 350 MPa"],
        requested_fen: 450_000_000,
        duration_months: 20,
        milestones: &[
            ("工艺验证", 4, 30),
            ("构件试制", 12, 40),
            ("项目验收", 20, 30),
        ],
    },
];
