//! The vocabularies of credit, shared by its resources (stored as text); and, for the modules
//! that name them from here, the rows of each resource.

use crate::db_enum;

pub use super::checks::models::CreditCheck;
pub use super::imports::models::CreditImport;
pub use super::records::models::{CreditRecord, NewCreditRecord};
pub use super::records::views::RecordView;
pub use super::reviews::models::CreditReview;

db_enum!(
    /// Whom a record or a check is about.
    #[derive(PartialOrd, Ord)]
    SubjectKind {
        /// A legal entity (法人), by its unified social credit code.
        Organization => "organization",
        /// A natural person (自然人), by resident ID number (kept only as a keyed hash and masked).
        Person => "person",
    }
);

db_enum!(
    /// How dishonest a record says its subject was.
    Severity {
        /// 严重失信
        Serious => "serious",
        /// 一般失信
        General => "general",
    }
);

db_enum!(
    /// A subject's standing: the worst severity among its records in force.
    #[derive(PartialOrd, Ord)]
    Standing {
        /// No record in force.
        Good => "good",
        /// Only general (一般失信) records in force.
        General => "general",
        /// At least one serious (严重失信) record in force.
        Serious => "serious",
    }
);

db_enum!(
    /// What a check decided.
    #[derive(PartialOrd, Ord)]
    CheckResult {
        Pass => "pass",
        /// Flag for formal review.
        Warn => "warn",
        /// Keep out: cannot bid, be awarded, sit on a panel or be paid.
        Block => "block",
    }
);

db_enum!(
    /// Why a check was made.
    Purpose {
        /// A bid is submitted (the organisation, the leader and every member).
        BidSubmit => "bid_submit",
        /// An award is proposed.
        Award => "award",
        /// An award is confirmed after the public notice.
        AwardConfirm => "award_confirm",
        /// An expert is drawn for a panel.
        PanelDraw => "panel_draw",
        /// Before a milestone payment.
        Payment => "payment",
        /// An admin asked.
        Manual => "manual",
        /// Part of a batch review.
        BatchReview => "batch_review",
    }
);
