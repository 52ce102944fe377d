//! How the API document describes the answers several accounts endpoints share.

crate::problem_answers! {
    /// 409 of opening an account (registering, or an admin creating one) with an email in use.
    EmailTaken { 409 => "Email already registered (`email_taken`)" }
}
