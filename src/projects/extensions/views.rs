//! What the API shows of an extension request: the request as stored, but for its challenge,
//! which the project around it names.

pub use super::models::Extension as ExtensionView;
