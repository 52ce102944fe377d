//! What the extension tells people.

use serde::Serialize;

use crate::notifications::Notice;

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
    fn template(&self) -> &'static str {
        "extension_requested"
    }
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
    fn template(&self) -> &'static str {
        "extension_decided"
    }
}
