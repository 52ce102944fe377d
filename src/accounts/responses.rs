//! How the API document describes the answers several accounts endpoints share.

crate::problem_answers! {
    /// 409 of opening an account (registering, or an admin creating one) with an email in use.
    EmailTaken { 409 => "Email already registered (`email_taken`)" }
    /// 403 of spending the refresh cookie from a request another site could have made.
    CrossSite { 403 => "The `jiebang_refresh` cookie came with another site's `Origin`, or without `Content-Type: application/json` (`cross_site_request`)" }
}
