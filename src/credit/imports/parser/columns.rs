//! The columns of a credit file, found by their Chinese or English names.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Column {
    Kind,
    Name,
    Code,
    Severity,
    Category,
    Reason,
    Authority,
    RecordId,
    DecidedOn,
    ValidUntil,
}

pub(super) struct ColumnSpec {
    pub(super) column: Column,
    pub(super) zh: &'static str,
    pub(super) en: &'static str,
    pub(super) aliases: &'static [&'static str],
    pub(super) required: bool,
}

pub(super) const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        column: Column::Kind,
        zh: "主体类型",
        en: "subject_kind",
        aliases: &["subject_type", "kind"],
        required: true,
    },
    ColumnSpec {
        column: Column::Name,
        zh: "主体名称",
        en: "subject_name",
        aliases: &["name"],
        required: true,
    },
    ColumnSpec {
        column: Column::Code,
        zh: "统一社会信用代码或身份证号",
        en: "subject_code",
        aliases: &[
            "统一社会信用代码/身份证号",
            "统一社会信用代码/身份证号码",
            "证件号码",
            "code",
        ],
        required: true,
    },
    ColumnSpec {
        column: Column::Severity,
        zh: "严重程度",
        en: "severity",
        aliases: &["失信程度"],
        required: true,
    },
    ColumnSpec {
        column: Column::Category,
        zh: "失信类别",
        en: "category",
        aliases: &[],
        required: false,
    },
    ColumnSpec {
        column: Column::Reason,
        zh: "事由",
        en: "reason",
        aliases: &["失信事由"],
        required: false,
    },
    ColumnSpec {
        column: Column::Authority,
        zh: "认定单位",
        en: "authority",
        aliases: &["认定部门"],
        required: false,
    },
    ColumnSpec {
        column: Column::RecordId,
        zh: "记录编号",
        en: "record_id",
        aliases: &["source_record_id"],
        required: true,
    },
    ColumnSpec {
        column: Column::DecidedOn,
        zh: "认定日期",
        en: "decided_on",
        aliases: &["decision_date"],
        required: true,
    },
    ColumnSpec {
        column: Column::ValidUntil,
        zh: "有效期至",
        en: "valid_until",
        aliases: &["有效期截止日期"],
        required: false,
    },
];

fn normalise_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace([' ', '-', '\u{3000}'], "_")
}

pub(super) fn column_of(header: &str) -> Option<&'static ColumnSpec> {
    let h = normalise_header(header);
    COLUMNS
        .iter()
        .find(|c| h == c.zh || h == c.en || c.aliases.iter().any(|a| h == normalise_header(a)))
}
