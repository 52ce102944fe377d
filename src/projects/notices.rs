//! What the parties of an awarded project are told: milestones, payments, extensions, termination.

use serde::Serialize;

use crate::credit::models::Standing;
use crate::notifications::Notice;

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
    /// The payee's credit standing.
    pub standing: Standing,
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
