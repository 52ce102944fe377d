//! The stable, machine-readable codes of the API's errors: [`ErrorCode`] names a problem (the
//! `code` of a problem+json body), [`FieldCode`] names what is wrong with one field. Clients
//! branch on them; their texts live in `locales/<language>/problems.ftl` and `fields.ftl`.

use strum::{EnumIter, EnumString, IntoStaticStr};

/// What went wrong with a request. The title (`problem-<code>`) and the optional detail
/// (`problem-<code>.detail`) come from the locale files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    // --- the request itself ---
    BadRequest,
    MalformedJson,
    NotAcceptable,
    RequestTimeout,
    LengthRequired,
    UriTooLong,
    HeadersTooLarge,
    PayloadTooLarge,
    UnsupportedMediaType,
    RouteNotFound,
    MethodNotAllowed,
    ValidationFailed,
    RateLimited,
    ServiceUnavailable,
    InternalError,
    // --- who is asking ---
    Unauthenticated,
    InvalidToken,
    InvalidCredentials,
    AccountDisabled,
    InvalidRefreshToken,
    RefreshTokenReused,
    /// The refresh cookie came with a request a page of another site could have made.
    CrossSiteRequest,
    Forbidden,
    NotFound,
    // --- generic conflicts and versions ---
    Conflict,
    Duplicate,
    StaleVersion,
    IfMatchRequired,
    // --- accounts, jobs ---
    EmailTaken,
    CannotDisableSelf,
    JobNotFailed,
    // --- credit ---
    CreditRecordExists,
    CreditRecordAlreadyRepaired,
    CreditFileEmpty,
    CreditFileNotCsv,
    CreditFileEncoding,
    CreditFileMissingColumns,
    /// A party of a bid is barred by its credit standing.
    CreditRefused,
    /// A party of the bid proposed for the award is barred by its credit standing.
    AwardCreditRefused,
    // --- challenges ---
    InvalidTransition,
    NotEditable,
    // --- bids ---
    BidExists,
    BiddingClosed,
    BiddingNotOpen,
    InvalidBidState,
    FormalReviewClosed,
    FormalReviewIncomplete,
    // --- expert review ---
    NotUnderReview,
    PanelExists,
    NotEnoughExperts,
    ExpertExists,
    InvalidAssignmentState,
    ReviewClosed,
    ReviewNotClosed,
    ReviewNotReady,
    ScoresIncomplete,
    // --- commitments ---
    /// The act needs a signed commitment and the body names none.
    CommitmentRequired,
    /// The commitment named is not the current version.
    CommitmentOutdated,
    /// A new version with the current version's texts.
    CommitmentUnchanged,
    // --- award ---
    ObjectionPending,
    CalendarNotMaintained,
    NoticeClosed,
    ObjectionResolved,
    AwardNotInPublicity,
    // --- projects and acceptance ---
    NotAwarded,
    AcceptanceExists,
    MilestonesOutstanding,
    FinalMilestoneByAcceptance,
    AcceptanceStarted,
    AcceptanceClosed,
    AcceptanceNotReady,
    VerdictMissing,
    ProjectNotRunning,
    InvalidMilestoneState,
    PaymentNotHeld,
    PaymentBlocked,
    ExtensionUsed,
    ExtensionPending,
    NoExtensionPending,
    // --- documents ---
    DocumentEmpty,
    DocumentTooLarge,
    DocumentQuotaExceeded,
    DocumentTypeRefused,
    DocumentExecutable,
    DocumentJavascript,
    DocumentMalformed,
    DocumentInfected,
    VirusScanUnavailable,
    DocumentsClosed,
    DocumentNotCurrent,
    BlindCopyPending,
    RangeNotSatisfiable,
    LinkInvalid,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The id of its title in the locale files; its detail is the attribute `.detail`.
    pub fn message_id(self) -> String {
        format!("problem-{}", self.as_str())
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is wrong with one field: the `code` of an entry of a problem's `errors`. The message
/// (`field-<code>`) comes from the locale files, with the entry's parameters as arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum FieldCode {
    // --- shape and format ---
    Required,
    Length,
    Range,
    Email,
    Url,
    Blank,
    Empty,
    Invalid,
    CheckCharacter,
    InvalidCharacter,
    ControlCharacter,
    InvalidType,
    InvalidChoice,
    NotAllowed,
    /// A role that does not register itself (`POST /auth/register` as expert or admin).
    NotSelfRegistered,
    NotFound,
    UnknownField,
    Taken,
    NeedsQ,
    TooManyWords,
    /// `page × per_page` beyond `search.max_page_depth`: read on with `cursor`.
    PageTooDeep,
    /// A name search that matches more than `search::feed::MAX_MATCHES`.
    TooManyMatches,
    /// A `cursor` made for another order (or for relevance, which has none).
    CursorOrder,
    /// `page` and `cursor` together.
    PageAndCursor,
    DuplicateEntry,
    Sum,
    // --- times ---
    InPast,
    InFuture,
    NotLater,
    BeforeDecision,
    BeforeStart,
    NotYet,
    OutOfYear,
    HolidayAndWorkday,
    NotWeekend,
    CalendarNotMaintained,
    // --- states ---
    InvalidTransition,
    NotEditable,
    BiddingClosed,
    NotClosed,
    NoticeClosed,
    ObjectionPending,
    AcceptanceStarted,
    FinalMilestoneByAcceptance,
    MilestonesOutstanding,
    // --- bids, credit ---
    CreditBlocked,
    PaymentHeld,
    OrgKindNotEligible,
    OverBounty,
    OverLimit,
    MissingKpi,
    UnknownKpi,
    OneLeader,
    NotReviewed,
    // --- review and award ---
    NotExpert,
    NotEnoughExperts,
    MissingCriterion,
    NotScored,
    NotSubmitted,
    NotRanked,
    NotEligible,
    Tied,
    PreviouslyWithdrawn,
    KpiNotJudged,
    VerdictsNotSubmitted,
}

impl FieldCode {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The id of its message in the locale files.
    pub fn message_id(self) -> String {
        format!("field-{}", self.as_str())
    }
}

impl std::fmt::Display for FieldCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use strum::IntoEnumIterator;

    use super::*;
    use crate::i18n::{self, Args, Locale};

    /// Every argument name a detail or a field message uses, with a value each, so that a
    /// message formats whatever it asks for.
    fn all_args() -> Args {
        let mut args = Args::new();
        for name in [
            "error",
            "line",
            "column",
            "problem",
            "current",
            "wanted",
            "reason",
            "encoding",
            "columns",
            "columns_en",
            "opens_at",
            "count",
            "found",
            "needed",
            "case",
            "submitted",
            "pending",
            "years",
            "ended_at",
            "standing",
            "min",
            "max",
            "bounds",
            "than",
            "expected",
            "actual",
            "purpose",
            "kpi",
            "kind",
            "at",
            "name",
            "tied",
            "year",
            "status",
            "role",
            "sort",
        ] {
            args.set(name, "1");
        }
        args
    }

    fn message_ids(file: &str) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        for locale in ["zh-CN", "en"] {
            let path = format!("{}/locales/{locale}/{file}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).expect("the locale file exists");
            for line in text.lines() {
                if let Some((id, _)) = line.split_once(" =")
                    && !id.starts_with([' ', '#', '-'])
                    && !id.is_empty()
                {
                    ids.insert(id.to_string());
                }
            }
        }
        ids
    }

    #[test]
    fn every_error_code_has_a_title_in_every_language_and_every_title_a_code() {
        let args = all_args();
        for code in ErrorCode::iter() {
            for locale in [Locale::ZhCn, Locale::En] {
                assert!(
                    i18n::has(locale, &code.message_id(), &args),
                    "{code} has no title in {locale}"
                );
            }
            // A detail, where there is one, is there in every language.
            let detail = format!("{}.detail", code.message_id());
            assert_eq!(
                i18n::has(Locale::ZhCn, &detail, &args),
                i18n::has(Locale::En, &detail, &args),
                "{code}: a detail in one language only (or it does not format)"
            );
        }
        let codes: BTreeSet<String> = ErrorCode::iter().map(|c| c.message_id()).collect();
        let orphans: Vec<_> = message_ids("problems.ftl")
            .difference(&codes)
            .cloned()
            .collect();
        assert!(orphans.is_empty(), "messages without a code: {orphans:?}");
    }

    #[test]
    fn every_field_code_has_a_message_in_every_language_and_every_message_a_code() {
        let args = all_args();
        for code in FieldCode::iter() {
            for locale in [Locale::ZhCn, Locale::En] {
                assert!(
                    i18n::has(locale, &code.message_id(), &args),
                    "{code} has no message in {locale}"
                );
            }
        }
        let codes: BTreeSet<String> = FieldCode::iter().map(|c| c.message_id()).collect();
        let orphans: Vec<_> = message_ids("fields.ftl")
            .difference(&codes)
            .cloned()
            .collect();
        assert!(orphans.is_empty(), "messages without a code: {orphans:?}");
    }

    /// Codes written as strings where a library wants one (validator attributes and
    /// `ValidationError::new`) must name a `FieldCode`.
    #[test]
    fn codes_written_for_the_validator_are_field_codes() {
        let mut found = 0;
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for marker in ["ValidationError::new(\"", "code = \""] {
                    for piece in text.split(marker).skip(1) {
                        let code = piece.split('"').next().unwrap();
                        assert!(
                            code.parse::<FieldCode>().is_ok(),
                            "{}: {code:?} is not a FieldCode",
                            path.display()
                        );
                        found += 1;
                    }
                }
            }
        }
        assert!(found > 0, "no validator codes found at all");
    }
}
