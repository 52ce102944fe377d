//! The notices the application sends, one struct per template; the fields are the template's
//! variables. `samples()` lists one of each, for the tests that render every template.

use serde::Serialize;

use super::Notice;
use crate::accounts::models::{Locale, Role};

/// The name of a role in the reader's language.
pub fn role_label(role: Role, locale: Locale) -> &'static str {
    match (role, locale) {
        (Role::Admin, Locale::ZhCn) => "管理员（科技局项目办）",
        (Role::Issuer, Locale::ZhCn) => "发榜方",
        (Role::Solver, Locale::ZhCn) => "揭榜方",
        (Role::Expert, Locale::ZhCn) => "评审专家",
        (Role::Admin, Locale::En) => "administrator",
        (Role::Issuer, Locale::En) => "issuer",
        (Role::Solver, Locale::En) => "solver",
        (Role::Expert, Locale::En) => "expert",
    }
}

/// A new account (self-registered or made by an admin).
#[derive(Debug, Serialize)]
pub struct Welcome {
    pub display_name: String,
    pub email: String,
    pub role_label: String,
    pub organization_name: Option<String>,
    pub login_url: String,
}

impl Notice for Welcome {
    const TEMPLATE: &'static str = "welcome";
}

/// An admin set a new password.
#[derive(Debug, Serialize)]
pub struct PasswordChanged {
    pub display_name: String,
    /// `YYYY-MM-DD HH:MM`, UTC.
    pub changed_at: String,
}

impl Notice for PasswordChanged {
    const TEMPLATE: &'static str = "password_changed";
}

/// An admin changed the account's role.
#[derive(Debug, Serialize)]
pub struct RoleChanged {
    pub display_name: String,
    pub old_role_label: String,
    pub new_role_label: String,
}

impl Notice for RoleChanged {
    const TEMPLATE: &'static str = "role_changed";
}

/// An admin disabled the account.
#[derive(Debug, Serialize)]
pub struct AccountDisabled {
    pub display_name: String,
}

impl Notice for AccountDisabled {
    const TEMPLATE: &'static str = "account_disabled";
}

/// A time as people in China read it: `YYYY-MM-DD HH:MM`, Beijing time (UTC+8, no daylight saving).
pub fn beijing_time(at: chrono::DateTime<chrono::Utc>) -> String {
    let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    at.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The program office published the challenge (to the issuer's accounts).
#[derive(Debug, Serialize)]
pub struct ChallengeApproved {
    pub display_name: String,
    pub title: String,
    /// Beijing time.
    pub bid_closes_at: String,
    pub note: Option<String>,
    pub url: String,
}

impl Notice for ChallengeApproved {
    const TEMPLATE: &'static str = "challenge_approved";
}

/// The program office sent the challenge back (to the issuer's accounts).
#[derive(Debug, Serialize)]
pub struct ChallengeRejected {
    pub display_name: String,
    pub title: String,
    pub reason: String,
    pub url: String,
}

impl Notice for ChallengeRejected {
    const TEMPLATE: &'static str = "challenge_rejected";
}

/// The challenge was withdrawn (to the issuer's accounts; later also to bidders).
#[derive(Debug, Serialize)]
pub struct ChallengeCancelled {
    pub display_name: String,
    pub title: String,
    /// Who cancelled it, in the reader's language.
    pub cancelled_by: String,
    pub reason: String,
    pub url: String,
}

impl Notice for ChallengeCancelled {
    const TEMPLATE: &'static str = "challenge_cancelled";
}

/// The deadline passed (to the issuer's accounts, and to every bidder).
#[derive(Debug, Serialize)]
pub struct BiddingClosed {
    pub display_name: String,
    pub title: String,
    /// Beijing time.
    pub closed_at: String,
    /// The issuer's version says the bids are now open to it.
    pub for_issuer: bool,
    pub url: String,
}

impl Notice for BiddingClosed {
    const TEMPLATE: &'static str = "bidding_closed";
}

/// A bid was submitted (to the solver who submitted it).
#[derive(Debug, Serialize)]
pub struct BidReceived {
    pub display_name: String,
    pub title: String,
    /// Beijing time.
    pub submitted_at: String,
    /// Beijing time.
    pub bid_closes_at: String,
    pub url: String,
}

impl Notice for BidReceived {
    const TEMPLATE: &'static str = "bid_received";
}

/// The formal review of a bid is done (to the solver who made it).
#[derive(Debug, Serialize)]
pub struct BidReviewed {
    pub display_name: String,
    pub title: String,
    pub display_code: String,
    /// "合格" / "不合格", in the reader's language.
    pub result_label: String,
    pub reason: Option<String>,
    pub url: String,
}

impl Notice for BidReviewed {
    const TEMPLATE: &'static str = "bid_reviewed";
}

/// A clarification (答疑) was added to a challenge (to everyone with a live bid on it).
#[derive(Debug, Serialize)]
pub struct ClarificationAdded {
    pub display_name: String,
    pub title: String,
    pub question: Option<String>,
    pub answer: String,
    pub url: String,
}

impl Notice for ClarificationAdded {
    const TEMPLATE: &'static str = "clarification_added";
}

/// An expert was drawn for a challenge's review panel (评审邀请).
#[derive(Debug, Serialize)]
pub struct PanelInvitation {
    pub display_name: String,
    pub title: String,
    /// `YYYY-MM-DD HH:MM`, Beijing time.
    pub review_deadline: String,
    pub url: String,
}

impl Notice for PanelInvitation {
    const TEMPLATE: &'static str = "panel_invitation";
}

/// An expert has not submitted their scores and the deadline is near (评审提醒).
#[derive(Debug, Serialize)]
pub struct ReviewReminder {
    pub display_name: String,
    pub title: String,
    /// `YYYY-MM-DD HH:MM`, Beijing time.
    pub review_deadline: String,
    pub url: String,
}

impl Notice for ReviewReminder {
    const TEMPLATE: &'static str = "review_reminder";
}

// --- Projects: milestones, payments, extension (SPEC §7) ---

/// An amount in fen as people read it, in 元 with two decimals and grouped thousands:
/// `1,500,000.00` (the texts add 元 / yuan).
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let digits = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", fen % 100)
}

/// The awardee reported a milestone (to the issuer's accounts).
#[derive(Debug, Serialize)]
pub struct MilestoneReported {
    pub display_name: String,
    pub title: String,
    pub milestone_title: String,
    /// `YYYY-MM-DD`, the China calendar day it is due.
    pub due_on: String,
    pub deliverable: String,
    /// The last milestone: the final acceptance, not the issuer, decides on it.
    pub final_milestone: bool,
    pub url: String,
}

impl Notice for MilestoneReported {
    const TEMPLATE: &'static str = "milestone_reported";
}

/// The issuer accepted a milestone (to the awardee's solver accounts).
#[derive(Debug, Serialize)]
pub struct MilestoneAccepted {
    pub display_name: String,
    pub title: String,
    pub milestone_title: String,
    /// The milestone's payment, formatted (see [`yuan`]).
    pub amount: String,
    /// The payment is held by the credit check.
    pub payment_held: bool,
    /// Accepted by a passed final acceptance (the last milestone), not by the issuer.
    pub by_acceptance: bool,
    pub comment: Option<String>,
    pub url: String,
}

impl Notice for MilestoneAccepted {
    const TEMPLATE: &'static str = "milestone_accepted";
}

/// The issuer returned a milestone (to the awardee's solver accounts).
#[derive(Debug, Serialize)]
pub struct MilestoneReturned {
    pub display_name: String,
    pub title: String,
    pub milestone_title: String,
    pub reason: String,
    pub url: String,
}

impl Notice for MilestoneReturned {
    const TEMPLATE: &'static str = "milestone_returned";
}

/// Every milestone but the last is accepted and the last reported: the admins may draw the
/// acceptance panel.
#[derive(Debug, Serialize)]
pub struct ProjectReadyForAcceptance {
    pub display_name: String,
    pub title: String,
    pub organization_name: String,
    pub url: String,
}

impl Notice for ProjectReadyForAcceptance {
    const TEMPLATE: &'static str = "project_ready_for_acceptance";
}

/// The acceptance panel was drawn (to the issuer's accounts and the awardee's solver accounts).
#[derive(Debug, Serialize)]
pub struct AcceptanceStarted {
    pub display_name: String,
    pub title: String,
    /// `YYYY-MM-DD HH:MM`, Beijing time.
    pub review_deadline: String,
    pub url: String,
}

impl Notice for AcceptanceStarted {
    const TEMPLATE: &'static str = "acceptance_started";
}

/// The program office terminated an awarded project (to the awardee's solver accounts and the
/// issuer's accounts).
#[derive(Debug, Serialize)]
pub struct ProjectTerminated {
    pub display_name: String,
    pub title: String,
    pub reason: String,
    pub url: String,
}

impl Notice for ProjectTerminated {
    const TEMPLATE: &'static str = "project_terminated";
}

/// A payment was held by the credit check (to the awardee's solver accounts, the issuer's
/// accounts and the admins).
#[derive(Debug, Serialize)]
pub struct PaymentHeld {
    pub display_name: String,
    pub title: String,
    pub milestone_title: String,
    pub organization_name: String,
    pub amount: String,
    /// The payee's credit standing, in the reader's language.
    pub standing_label: String,
    pub url: String,
}

impl Notice for PaymentHeld {
    const TEMPLATE: &'static str = "payment_held";
}

/// An extension of a project was asked for (to the admins).
#[derive(Debug, Serialize)]
pub struct ExtensionRequested {
    pub display_name: String,
    pub title: String,
    pub months: i32,
    pub reason: String,
    /// Who asked, with their organisation.
    pub requested_by: String,
    pub url: String,
}

impl Notice for ExtensionRequested {
    const TEMPLATE: &'static str = "extension_requested";
}

/// An extension was approved or refused (to the awardee's solvers and the issuer's accounts).
#[derive(Debug, Serialize)]
pub struct ExtensionDecided {
    pub display_name: String,
    pub title: String,
    pub months: i32,
    pub approved: bool,
    pub reason: Option<String>,
    pub url: String,
}

impl Notice for ExtensionDecided {
    const TEMPLATE: &'static str = "extension_decided";
}

/// A milestone is past its due day and not reported (to the awardee's solver accounts; again
/// each week).
#[derive(Debug, Serialize)]
pub struct MilestoneOverdue {
    pub display_name: String,
    pub title: String,
    pub milestone_title: String,
    /// `YYYY-MM-DD`
    pub due_on: String,
    pub days_overdue: i64,
    pub url: String,
}

impl Notice for MilestoneOverdue {
    const TEMPLATE: &'static str = "milestone_overdue";
}

/// The same, for the program office (to the admins).
#[derive(Debug, Serialize)]
pub struct MilestoneOverdueAdmin {
    pub display_name: String,
    pub title: String,
    pub organization_name: String,
    pub milestone_title: String,
    /// `YYYY-MM-DD`
    pub due_on: String,
    pub days_overdue: i64,
    pub url: String,
}

impl Notice for MilestoneOverdueAdmin {
    const TEMPLATE: &'static str = "milestone_overdue_admin";
}

// --- Award, public notice and objections (SPEC §6) ---

/// An award was proposed and its public notice opened (拟立项公示): to the awardee's solvers, the
/// issuer and the other bidders.
#[derive(Debug, Serialize)]
pub struct AwardProposed {
    pub display_name: String,
    pub title: String,
    pub organization_name: String,
    /// 元, two decimals.
    pub amount_yuan: String,
    /// `YYYY-MM-DD HH:MM`, Beijing time (24:00 of the last working day shows as the next 00:00).
    pub ends_at: String,
    /// The last day of the notice.
    pub ends_on: String,
    pub url: String,
}

impl Notice for AwardProposed {
    const TEMPLATE: &'static str = "award_proposed";
}

/// The proposal was withdrawn (an upheld objection, or by the admin): the challenge is back under
/// review.
#[derive(Debug, Serialize)]
pub struct AwardWithdrawn {
    pub display_name: String,
    pub title: String,
    pub organization_name: String,
    pub reason: String,
    pub url: String,
}

impl Notice for AwardWithdrawn {
    const TEMPLATE: &'static str = "award_withdrawn";
}

/// The award was confirmed (挂帅). `audience`: `winner` (the awardee's solvers), `bidder` (the
/// other bidders: not selected) or `office` (the issuer and the admins).
#[derive(Debug, Serialize)]
pub struct AwardConfirmed {
    pub display_name: String,
    pub title: String,
    pub organization_name: String,
    pub amount_yuan: String,
    pub audience: String,
    pub url: String,
}

impl Notice for AwardConfirmed {
    const TEMPLATE: &'static str = "award_confirmed";
}

/// The confirmation's credit re-check blocked (to the admins, who may withdraw the award).
#[derive(Debug, Serialize)]
pub struct AwardBlocked {
    pub display_name: String,
    pub title: String,
    pub organization_name: String,
    pub url: String,
}

impl Notice for AwardBlocked {
    const TEMPLATE: &'static str = "award_blocked";
}

/// An objection was filed against a public notice (to the admins; the objector is named only in
/// the admin's list, not here).
#[derive(Debug, Serialize)]
pub struct ObjectionFiled {
    pub display_name: String,
    pub title: String,
    pub organization_name: String,
    /// `YYYY-MM-DD HH:MM`, Beijing time.
    pub filed_at: String,
    pub url: String,
}

impl Notice for ObjectionFiled {
    const TEMPLATE: &'static str = "objection_filed";
}

/// The objector's objection was resolved. `outcome`: `upheld`, `dismissed` or `moot` (the award
/// was withdrawn on another objection or by the admin).
#[derive(Debug, Serialize)]
pub struct ObjectionResolved {
    pub display_name: String,
    pub title: String,
    pub outcome: String,
    pub reason: String,
    pub url: String,
}

impl Notice for ObjectionResolved {
    const TEMPLATE: &'static str = "objection_resolved";
}

// --- end award ---
/// An expert was drawn for the final acceptance panel of a project (验收评审邀请).
#[derive(Debug, Serialize)]
pub struct AcceptanceInvitation {
    pub display_name: String,
    pub title: String,
    /// `YYYY-MM-DD HH:MM`, Beijing time.
    pub review_deadline: String,
    pub url: String,
}

impl Notice for AcceptanceInvitation {
    const TEMPLATE: &'static str = "acceptance_invitation";
}

/// An acceptance expert has not submitted a verdict and the deadline is near (验收评审提醒).
#[derive(Debug, Serialize)]
pub struct AcceptanceReminder {
    pub display_name: String,
    pub title: String,
    /// `YYYY-MM-DD HH:MM`, Beijing time.
    pub review_deadline: String,
    pub url: String,
}

impl Notice for AcceptanceReminder {
    const TEMPLATE: &'static str = "acceptance_reminder";
}

/// The final acceptance passed; the challenge is `accepted` (验收通过).
#[derive(Debug, Serialize)]
pub struct AcceptancePassed {
    pub display_name: String,
    pub title: String,
    /// Verdicts that passed the project.
    pub passes: i32,
    /// Verdicts submitted.
    pub submitted: i32,
    pub url: String,
}

impl Notice for AcceptancePassed {
    const TEMPLATE: &'static str = "acceptance_passed";
}

/// The final acceptance failed; the challenge is `failed` (验收未通过).
#[derive(Debug, Serialize)]
pub struct AcceptanceFailed {
    pub display_name: String,
    pub title: String,
    /// Verdicts that passed the project.
    pub passes: i32,
    /// Verdicts submitted.
    pub submitted: i32,
    pub url: String,
}

impl Notice for AcceptanceFailed {
    const TEMPLATE: &'static str = "acceptance_failed";
}

/// One filled-in example of every notice, by template name.
pub fn samples() -> Vec<(&'static str, serde_json::Value)> {
    fn entry<N: Notice>(notice: N) -> (&'static str, serde_json::Value) {
        (
            N::TEMPLATE,
            serde_json::to_value(notice).expect("notices serialise"),
        )
    }
    vec![
        entry(Welcome {
            display_name: "陈思远".into(),
            email: "chen@example.edu.cn".into(),
            role_label: "揭榜方".into(),
            organization_name: Some("海西大学材料学院 <R&D>".into()),
            login_url: "http://127.0.0.1:8080/docs/".into(),
        }),
        entry(PasswordChanged {
            display_name: "陈思远".into(),
            changed_at: "2026-11-26 09:30".into(),
        }),
        entry(RoleChanged {
            display_name: "陈思远".into(),
            old_role_label: "揭榜方".into(),
            new_role_label: "评审专家".into(),
        }),
        entry(AccountDisabled {
            display_name: "陈思远".into(),
        }),
        entry(ChallengeApproved {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料 <T800>".into(),
            bid_closes_at: "2027-01-15 17:00".into(),
            note: Some("请补充验收方式".into()),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(ChallengeRejected {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            reason: "考核指标不够具体".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(ChallengeCancelled {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            cancelled_by: "科技局项目办".into(),
            reason: "需求已由其他项目解决".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(BiddingClosed {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            closed_at: "2027-01-15 17:00".into(),
            for_issuer: true,
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(BidReceived {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            submitted_at: "2027-01-10 10:00".into(),
            bid_closes_at: "2027-01-15 17:00".into(),
            url: "http://127.0.0.1:8080/api/v1/bids/0191".into(),
        }),
        entry(BidReviewed {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            display_code: "方案 A".into(),
            result_label: "不合格".into(),
            reason: Some("项目负责人未提供职称证明".into()),
            url: "http://127.0.0.1:8080/api/v1/bids/0191".into(),
        }),
        entry(ClarificationAdded {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            question: Some("是否接受联合体申报？".into()),
            answer: "接受，由牵头单位申报。".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(PanelInvitation {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            review_deadline: "2027-02-01 17:00".into(),
            url: "http://127.0.0.1:8080/api/v1/assignments".into(),
        }),
        entry(ReviewReminder {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            review_deadline: "2027-02-01 17:00".into(),
            url: "http://127.0.0.1:8080/api/v1/assignments".into(),
        }),
        // --- award ---
        entry(AwardProposed {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            organization_name: "甲大学".into(),
            amount_yuan: "2500000.00".into(),
            ends_at: "2027-02-09 00:00".into(),
            ends_on: "2027-02-08".into(),
            url: "http://127.0.0.1:8080/api/v1/notices".into(),
        }),
        entry(AwardWithdrawn {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            organization_name: "甲大学".into(),
            reason: "异议成立：团队成员资质不符。".into(),
            url: "http://127.0.0.1:8080/api/v1/notices".into(),
        }),
        entry(AwardConfirmed {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            organization_name: "甲大学".into(),
            amount_yuan: "2500000.00".into(),
            audience: "winner".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0192f0c4-0000-7000-8000-000000000000"
                .into(),
        }),
        entry(AwardBlocked {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            organization_name: "甲大学".into(),
            url:
                "http://127.0.0.1:8080/api/v1/challenges/0192f0c4-0000-7000-8000-000000000000/award"
                    .into(),
        }),
        entry(ObjectionFiled {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            organization_name: "甲大学".into(),
            filed_at: "2027-02-03 10:00".into(),
            url: "http://127.0.0.1:8080/api/v1/objections".into(),
        }),
        entry(ObjectionResolved {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            outcome: "dismissed".into(),
            reason: "经核查，所述情况不属实。".into(),
            url: "http://127.0.0.1:8080/api/v1/objections".into(),
        }),
        // --- end award ---
        entry(AcceptanceInvitation {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            review_deadline: "2028-06-30 17:00".into(),
            url: "http://127.0.0.1:8080/api/v1/acceptance-assignments".into(),
        }),
        entry(AcceptanceReminder {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            review_deadline: "2028-06-30 17:00".into(),
            url: "http://127.0.0.1:8080/api/v1/acceptance-assignments".into(),
        }),
        entry(AcceptancePassed {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            passes: 3,
            submitted: 3,
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(AcceptanceFailed {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            passes: 1,
            submitted: 3,
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        // --- Projects ---
        entry(MilestoneReported {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            milestone_title: "中试线建成".into(),
            due_on: "2027-06-15".into(),
            deliverable: "中试线已建成并试运行 <72 小时>".into(),
            final_milestone: false,
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
        entry(MilestoneAccepted {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            milestone_title: "中试线建成".into(),
            amount: yuan(150_000_000),
            payment_held: false,
            by_acceptance: false,
            comment: Some("成果符合要求".into()),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
        entry(MilestoneReturned {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            milestone_title: "中试线建成".into(),
            reason: "缺少第三方检测报告".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
        entry(ProjectReadyForAcceptance {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            organization_name: "海西大学".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
        entry(AcceptanceStarted {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            review_deadline: "2028-06-30 17:00".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(ProjectTerminated {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            reason: "揭榜团队解散，项目无法继续实施".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190".into(),
        }),
        entry(PaymentHeld {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            milestone_title: "中试线建成".into(),
            organization_name: "甲大学".into(),
            amount: yuan(150_000_000),
            standing_label: "严重失信".into(),
            url: "http://127.0.0.1:8080/api/v1/payments".into(),
        }),
        entry(ExtensionRequested {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            months: 6,
            reason: "关键设备到货延迟".into(),
            requested_by: "林晓（甲大学）".into(),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
        entry(ExtensionDecided {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            months: 6,
            approved: true,
            reason: Some("同意延期".into()),
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
        entry(MilestoneOverdue {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            milestone_title: "中试线建成".into(),
            due_on: "2027-06-15".into(),
            days_overdue: 1,
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
        entry(MilestoneOverdueAdmin {
            display_name: "陈思远".into(),
            title: "高性能碳纤维复合材料".into(),
            organization_name: "甲大学".into(),
            milestone_title: "中试线建成".into(),
            due_on: "2027-06-15".into(),
            days_overdue: 8,
            url: "http://127.0.0.1:8080/api/v1/challenges/0190/milestones".into(),
        }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::Templates;
    use crate::mail::templates::PARTS;

    #[test]
    fn every_template_has_every_part_in_both_languages() {
        let names = Templates::names();
        assert!(names.len() >= 4, "{names:?}");
        for name in &names {
            for lang in ["zh-CN", "en"] {
                for part in PARTS {
                    let path = format!("{name}/{lang}/{part}");
                    assert!(Templates::has_file(&path), "{path} is missing");
                }
            }
        }
    }

    #[test]
    fn every_template_has_a_notice_and_renders_with_exactly_its_variables() {
        let templates = Templates::load().unwrap();
        let samples = samples();
        let mut covered: Vec<&str> = samples.iter().map(|(name, _)| *name).collect();
        covered.sort();
        assert_eq!(
            covered,
            Templates::names(),
            "a template without a notice, or the reverse"
        );
        for (name, vars) in &samples {
            for locale in [Locale::ZhCn, Locale::En] {
                let rendered = templates
                    .render(name, locale, vars)
                    .unwrap_or_else(|e| panic!("{name} ({locale}): {e:#}"));
                assert!(!rendered.subject.is_empty() && !rendered.subject.contains('\n'));
                assert!(
                    rendered.text.contains("陈思远"),
                    "{name}: {}",
                    rendered.text
                );
                assert!(rendered.html.contains("陈思远"), "{name}");
                // Strict: leaving out any variable is an error, not an empty string.
                for key in vars.as_object().unwrap().keys() {
                    let mut partial = vars.clone();
                    partial.as_object_mut().unwrap().remove(key);
                    assert!(
                        templates.render(name, locale, &partial).is_err(),
                        "{name} ({locale}) does not use {key}"
                    );
                }
            }
        }
    }

    #[test]
    fn amounts_read_as_yuan() {
        assert_eq!(yuan(150_000_000), "1,500,000.00");
        assert_eq!(yuan(100_000_001), "1,000,000.01");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(-12_345), "-123.45");
    }

    #[test]
    fn html_is_escaped_and_text_is_not() {
        let templates = Templates::load().unwrap();
        let (_, vars) = samples()
            .into_iter()
            .find(|(n, _)| *n == "welcome")
            .unwrap();
        let rendered = templates.render("welcome", Locale::ZhCn, &vars).unwrap();
        assert!(
            rendered.html.contains("海西大学材料学院 &lt;R&amp;D&gt;"),
            "{}",
            rendered.html
        );
        assert!(rendered.text.contains("海西大学材料学院 <R&D>"));
        assert!(rendered.subject.starts_with("欢迎使用揭榜挂帅平台"));
        let en = templates.render("welcome", Locale::En, &vars).unwrap();
        assert!(en.subject.starts_with("Welcome"));
    }
}
