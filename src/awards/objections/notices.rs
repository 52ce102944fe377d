//! What the objections tell people.

use serde::Serialize;

use crate::notifications::Notice;

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
    fn template(&self) -> &'static str {
        "objection_filed"
    }
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
    fn template(&self) -> &'static str {
        "objection_resolved"
    }
}
