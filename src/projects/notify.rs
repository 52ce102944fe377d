//! Who is told: the project's parties as the recipients of its notices ([`super::notices`] and
//! each resource's), told in the caller's transaction.

use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use crate::accounts::models::User;
use crate::accounts::queries as accounts;
use crate::auth::Role;
use crate::error::AppResult;
use crate::notifications::{Notice, Recipient, notify_each};
use crate::state::AppState;

/// These accounts as recipients. (Owned, so that the transaction that tells them stays `Send`.)
pub fn recipients(people: &[User]) -> Vec<Recipient> {
    people.iter().map(Recipient::from).collect()
}

/// Tells the program office (every active admin) what `notice` says to each.
pub async fn tell_admins<N: Notice>(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    notice: impl Fn(&Recipient) -> N,
) -> AppResult<()> {
    let admins = accounts::admin_accounts(conn).await?;
    notify_each(conn, state, recipients(&admins), notice).await
}

/// Tells the solvers of the awardee organisation `org` what `notice` says to each.
pub async fn tell_solvers<N: Notice>(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    org: Uuid,
    notice: impl Fn(&Recipient) -> N,
) -> AppResult<()> {
    let solvers = accounts::organization_accounts(conn, org, Role::Solver).await?;
    notify_each(conn, state, recipients(&solvers), notice).await
}
