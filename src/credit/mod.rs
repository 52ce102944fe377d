//! Credit (信用审查), SPEC §4: the registry of dishonesty records, their import from the credit
//! centre's files, a subject's standing, the handling policy, and the checks other modules run.
//!
//! Other modules call [`check`] in their own transaction:
//!
//! ```ignore
//! let subject = credit::Subject::person(&state.privacy, &member.id_number, &member.name)?;
//! let outcome = credit::check(conn, &state, &meta, credit::CheckRequest {
//!     subject,
//!     purpose: Purpose::BidSubmit,
//!     general_blocks: challenge.general_credit_blocks,
//!     requested_by: Some(user.id),
//!     context: Some(json!({"challenge_id": challenge.id, "bid_id": bid.id})),
//! }).await?;
//! if outcome.result == CheckResult::Block { … }
//! ```
//!
//! A check is written in the caller's transaction, so it is rolled back with it. A caller that
//! refuses something because of a check (a bid, an award) must therefore commit the checks first,
//! in a transaction of their own, and refuse after: every check is kept, the ones that blocked
//! most of all.
//!
//! The rules live here and nowhere else: which records count at a given day ([`counts_on`]), the
//! standing they add up to ([`standing_of`]) and what a standing means ([`handling`]).

pub mod import;
pub mod models;
pub mod queries;
pub mod review;
pub mod routes;

use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{self, RequestMeta};
use crate::codes::{CodeError, parse_uscc};
use crate::error::{AppError, AppResult};
use crate::privacy::{Privacy, ProtectedId};
use crate::schema::{credit_checks, credit_records};
use crate::state::AppState;
pub use models::{
    CheckResult, CreditCheck, CreditRecord, Purpose, RecordView, Severity, Standing, SubjectKind,
};

/// Credit decisions are dated in China Standard Time (UTC+8, no daylight saving).
const CHINA_OFFSET_HOURS: i64 = 8;

/// The calendar day in China at an instant: the day records' dates are compared with.
pub fn business_date(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(CHINA_OFFSET_HOURS)).date_naive()
}

/// Whether a record counts on `day`: decided by then, not past its validity end (the end day
/// itself still counts), and not repaired on or before that day.
pub fn counts_on(
    decided_on: NaiveDate,
    valid_until: Option<NaiveDate>,
    repaired_on: Option<NaiveDate>,
    day: NaiveDate,
) -> bool {
    decided_on <= day
        && valid_until.is_none_or(|end| day <= end)
        && repaired_on.is_none_or(|repaired| day < repaired)
}

/// The standing that records in force add up to: the worst of their severities.
pub fn standing_of(severities: impl IntoIterator<Item = Severity>) -> Standing {
    severities
        .into_iter()
        .map(|s| match s {
            Severity::Serious => Standing::Serious,
            Severity::General => Standing::General,
        })
        .max()
        .unwrap_or(Standing::Good)
}

/// The handling policy (分类处理): `serious` blocks; `general` warns, or blocks where the caller
/// (e.g. a challenge's eligibility) says general records block; `good` passes.
pub fn handling(standing: Standing, general_blocks: bool) -> CheckResult {
    match standing {
        Standing::Serious => CheckResult::Block,
        Standing::General if general_blocks => CheckResult::Block,
        Standing::General => CheckResult::Warn,
        Standing::Good => CheckResult::Pass,
    }
}

/// Whom to check: an organisation by USCC, or a person by the protected form of the ID number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Organization { uscc: String, name: String },
    Person { id: ProtectedId, name: String },
}

impl Subject {
    /// An organisation; the USCC's check character is verified.
    pub fn organization(uscc: &str, name: &str) -> Result<Subject, CodeError> {
        Ok(Subject::Organization {
            uscc: parse_uscc(uscc)?,
            name: name.trim().to_string(),
        })
    }

    /// A person from a plain ID number (validated, then hashed and masked; the number is not kept).
    pub fn person(privacy: &Privacy, id_number: &str, name: &str) -> Result<Subject, CodeError> {
        Ok(Subject::Person {
            id: privacy.protect(id_number)?,
            name: name.trim().to_string(),
        })
    }

    /// A subject of `kind` from a code as a client sends it: a USCC or an ID number.
    pub fn parse(
        privacy: &Privacy,
        kind: SubjectKind,
        code: &str,
        name: &str,
    ) -> Result<Subject, CodeError> {
        match kind {
            SubjectKind::Organization => Subject::organization(code, name),
            SubjectKind::Person => Subject::person(privacy, code, name),
        }
    }

    pub fn kind(&self) -> SubjectKind {
        match self {
            Subject::Organization { .. } => SubjectKind::Organization,
            Subject::Person { .. } => SubjectKind::Person,
        }
    }

    /// What records are matched on: the USCC, or the hex of the ID number's keyed hash.
    pub fn key(&self) -> String {
        match self {
            Subject::Organization { uscc, .. } => uscc.clone(),
            Subject::Person { id, .. } => id.hash_hex(),
        }
    }

    /// What may be shown: the USCC, or the masked ID number.
    pub fn code(&self) -> &str {
        match self {
            Subject::Organization { uscc, .. } => uscc,
            Subject::Person { id, .. } => &id.masked,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Subject::Organization { name, .. } | Subject::Person { name, .. } => name,
        }
    }
}

/// The match keys of a code as a client gives it in a filter (`code=`): a USCC, or an ID number
/// (hashed); both when `kind` is not given and the code is valid as either (18 digits can be).
/// Empty when it is neither.
pub fn lookup_keys(privacy: &Privacy, kind: Option<SubjectKind>, code: &str) -> Vec<String> {
    // An ID number the query-string redaction already replaced by its hash.
    if let Some(hex) = code.strip_prefix(crate::privacy::ID_HASH_PREFIX) {
        let valid = hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit());
        return if valid && kind != Some(SubjectKind::Organization) {
            vec![hex.to_ascii_lowercase()]
        } else {
            Vec::new()
        };
    }
    let as_org = || parse_uscc(code).ok();
    let as_person = || privacy.protect(code).ok().map(|p| p.hash_hex());
    match kind {
        Some(SubjectKind::Organization) => as_org().into_iter().collect(),
        Some(SubjectKind::Person) => as_person().into_iter().collect(),
        None => as_org().into_iter().chain(as_person()).collect(),
    }
}

/// A subject's standing on `day` and the records in force behind it (oldest decision first).
pub async fn standing(
    conn: &mut AsyncPgConnection,
    subject_key: &str,
    day: NaiveDate,
) -> AppResult<(Standing, Vec<CreditRecord>)> {
    let records: Vec<CreditRecord> = credit_records::table
        .filter(credit_records::subject_key.eq(subject_key))
        .order((credit_records::decided_on.asc(), credit_records::id.asc()))
        .select(CreditRecord::as_select())
        .load(conn)
        .await?;
    let in_force: Vec<CreditRecord> = records
        .into_iter()
        .filter(|r| counts_on(r.decided_on, r.valid_until, r.repaired_on, day))
        .collect();
    Ok((standing_of(in_force.iter().map(|r| r.severity)), in_force))
}

/// A check to run.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    pub subject: Subject,
    pub purpose: Purpose,
    /// Whether a `general` standing blocks here (a challenge's `general_credit_blocks`).
    pub general_blocks: bool,
    /// The account that caused the check; `None` for the system (jobs, the command line).
    pub requested_by: Option<Uuid>,
    /// What the check was for, e.g. `{"challenge_id": …, "bid_id": …}`.
    pub context: Option<Value>,
}

/// A check as stored and shown: what was asked, what was found, what was decided.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct CheckView {
    pub id: Uuid,
    pub subject_kind: SubjectKind,
    /// The USCC, or the masked ID number.
    #[schema(example = "91350200776049653A")]
    pub subject_code: String,
    pub subject_name: String,
    pub purpose: Purpose,
    pub general_blocks: bool,
    pub standing: Standing,
    pub result: CheckResult,
    /// The records in force at the moment of the check, as they were then.
    pub matched: Vec<RecordView>,
    pub requested_by: Option<Uuid>,
    pub review_id: Option<Uuid>,
    pub context: Option<Value>,
    pub checked_at: DateTime<Utc>,
}

impl From<CreditCheck> for CheckView {
    fn from(c: CreditCheck) -> Self {
        CheckView {
            id: c.id,
            subject_kind: c.subject_kind,
            subject_code: c.subject_code,
            subject_name: c.subject_name,
            purpose: c.purpose,
            general_blocks: c.general_blocks,
            standing: c.standing,
            result: c.result,
            matched: serde_json::from_value(c.matched).unwrap_or_default(),
            requested_by: c.requested_by,
            review_id: c.review_id,
            context: c.context,
            checked_at: c.checked_at,
        }
    }
}

/// Runs a check in the caller's transaction (a savepoint inside one): finds the subject's
/// standing now (`state.clock`), applies [`handling`], stores the check (immutable) and writes the
/// audit entry. Only the masked form of an ID number is stored, logged or returned.
pub async fn check(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    request: CheckRequest,
) -> AppResult<CheckView> {
    check_in_review(conn, state, meta, request, None).await
}

pub(crate) async fn check_in_review(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    request: CheckRequest,
    review_id: Option<Uuid>,
) -> AppResult<CheckView> {
    let now = state.clock.now().trunc_subsecs(6);
    let today = business_date(now);
    conn.transaction::<_, AppError, _>(async |conn| {
        let subject = &request.subject;
        let key = subject.key();
        let (standing, records) = standing(conn, &key, today).await?;
        let result = handling(standing, request.general_blocks);
        let matched: Vec<RecordView> = records
            .into_iter()
            .map(|r| RecordView::new(r, today))
            .collect();
        let row = CreditCheck {
            id: Uuid::now_v7(),
            subject_kind: subject.kind(),
            subject_key: key,
            subject_code: subject.code().to_string(),
            subject_name: subject.name().to_string(),
            purpose: request.purpose,
            general_blocks: request.general_blocks,
            standing,
            result,
            matched: serde_json::to_value(&matched).map_err(anyhow::Error::from)?,
            requested_by: request.requested_by,
            review_id,
            context: request.context.clone(),
            checked_at: now,
        };
        diesel::insert_into(credit_checks::table)
            .values(&row)
            .execute(conn)
            .await?;
        let event = audit::Event {
            actor_id: request.requested_by,
            action: "credit.check",
            object_type: "credit_check",
            object_id: Some(row.id.to_string()),
            summary: json!({
                "subject_kind": row.subject_kind,
                "subject_code": row.subject_code,
                "subject_name": row.subject_name,
                "purpose": row.purpose,
                "standing": row.standing,
                "result": row.result,
                "matched": matched.iter().map(|r| r.id).collect::<Vec<_>>(),
                "review_id": review_id,
                "context": row.context,
            }),
        };
        audit::record(conn, state, meta, event).await?;
        Ok(CheckView::from(row))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn records_count_until_their_end_day_or_repair() {
        let day = d("2025-06-01");
        assert!(counts_on(d("2024-01-02"), None, None, day));
        assert!(counts_on(d("2024-01-02"), Some(d("2025-06-01")), None, day));
        assert!(!counts_on(
            d("2024-01-02"),
            Some(d("2025-05-31")),
            None,
            day
        ));
        assert!(!counts_on(
            d("2024-01-02"),
            None,
            Some(d("2025-06-01")),
            day
        ));
        assert!(counts_on(d("2024-01-02"), None, Some(d("2025-06-02")), day));
        // Not decided yet on that day.
        assert!(!counts_on(d("2025-06-02"), None, None, day));
    }

    #[test]
    fn standing_is_the_worst_severity_in_force() {
        assert_eq!(standing_of([]), Standing::Good);
        assert_eq!(standing_of([Severity::General]), Standing::General);
        assert_eq!(
            standing_of([Severity::General, Severity::Serious, Severity::General]),
            Standing::Serious
        );
    }

    #[test]
    fn policy_blocks_serious_and_warns_or_blocks_general() {
        assert_eq!(handling(Standing::Serious, false), CheckResult::Block);
        assert_eq!(handling(Standing::Serious, true), CheckResult::Block);
        assert_eq!(handling(Standing::General, false), CheckResult::Warn);
        assert_eq!(handling(Standing::General, true), CheckResult::Block);
        assert_eq!(handling(Standing::Good, true), CheckResult::Pass);
        assert_eq!(handling(Standing::Good, false), CheckResult::Pass);
    }

    #[test]
    fn business_date_is_china_time() {
        let late_utc: DateTime<Utc> = "2025-01-01T17:00:00Z".parse().unwrap();
        assert_eq!(business_date(late_utc), d("2025-01-02"));
        let early_utc: DateTime<Utc> = "2025-01-01T15:59:00Z".parse().unwrap();
        assert_eq!(business_date(early_utc), d("2025-01-01"));
    }

    #[test]
    fn check_characters_of_both_code_kinds() {
        let privacy = Privacy::new(SecretString::from("k"));
        for uscc in ["9135021359498494XQ", "913502000728319549"] {
            assert!(Subject::organization(uscc, "x").is_ok(), "{uscc}");
        }
        assert!(Subject::person(&privacy, "34052419800101001X", "x").is_ok());
        assert_eq!(
            Subject::organization("91350203M0001QAY9B", "x"),
            Err(CodeError::CheckCharacter)
        );
        for bad in [
            "91350200S76049653A",
            "9135020077V049653A",
            "913502007760Z9653A",
        ] {
            assert_eq!(
                Subject::organization(bad, "x"),
                Err(CodeError::Character),
                "{bad}"
            );
        }
        assert_eq!(
            Subject::person(&privacy, "340524198001010010", "x"),
            Err(CodeError::CheckCharacter)
        );
    }

    #[test]
    fn persons_are_keyed_by_hash_and_shown_masked() {
        let privacy = Privacy::new(SecretString::from("k"));
        let s = Subject::person(&privacy, "34052419800101001x", "张三").unwrap();
        assert_eq!(s.kind(), SubjectKind::Person);
        assert_eq!(s.code(), "340524********001X");
        assert_eq!(s.key().len(), 64);
        assert_eq!(
            lookup_keys(&privacy, None, "34052419800101001X"),
            vec![s.key()]
        );
        assert_eq!(
            lookup_keys(
                &privacy,
                Some(SubjectKind::Organization),
                "913502000728319549"
            ),
            vec!["913502000728319549".to_string()]
        );
        assert!(lookup_keys(&privacy, None, "nonsense").is_empty());
        // 18 digits valid as both: either may be meant.
        let both = "110105194912310021";
        let as_uscc = crate::codes::complete_uscc("11010519491231002").unwrap();
        if as_uscc == both {
            assert_eq!(lookup_keys(&privacy, None, both).len(), 2);
        }
    }
}
