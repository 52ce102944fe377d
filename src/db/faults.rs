//! Which database errors mean "PostgreSQL cannot be reached right now" (503 and retry later)
//! rather than a bug (500).
//!
//! diesel-async reports a connection that broke without an answer from the server (closed
//! socket, server gone, driver task ended) as `DatabaseError(UnableToSendCommand, …)`. An answer
//! that carries a SQLSTATE arrives as `DatabaseError(Unknown, …)` whose information exposes the
//! server's message but not its code, so the codes of the situations below are recognised by the
//! message PostgreSQL sends with them (the server's `lc_messages` must be English, the default
//! `C`/`en_US`; with another language those answers fall back to 500 and are logged as such):
//!
//! | SQLSTATE | condition | message |
//! |---|---|---|
//! | 57P01 | `admin_shutdown` | terminating connection due to administrator command |
//! | 57P02 | `crash_shutdown` | terminating connection because of crash of another server process |
//! | 57P03 | `cannot_connect_now` | the database system is starting up / shutting down / in recovery mode / not yet accepting connections / not accepting connections |
//! | 57P05 | `idle_session_timeout` | terminating connection due to idle-session timeout |
//! | 08xxx | `connection_exception` | (client side: no SQLSTATE, `UnableToSendCommand`) |
//!
//! A transaction whose connection died cannot be rolled back either: the error of the rollback
//! (or `BrokenTransactionManager`, once diesel gave up on the connection's transaction state) is
//! the same situation.

use diesel::result::{DatabaseErrorKind, Error};

/// Messages of the SQLSTATEs 57P01, 57P02, 57P03 and 57P05, as PostgreSQL 12–17 word them.
const UNAVAILABLE_MESSAGES: &[&str] = &[
    "terminating connection due to administrator command",
    "terminating connection because of crash of another server process",
    "terminating connection due to idle-session timeout",
    "the database system is starting up",
    "the database system is shutting down",
    "the database system is in recovery mode",
    "the database system is not yet accepting connections",
    "the database system is not accepting connections",
    "the database system is in single-user mode",
];

/// Whether `err` means the database cannot be reached now (the request may be retried), as
/// opposed to a refused statement or a bug.
pub fn is_unavailable(err: &Error) -> bool {
    match err {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        Error::DatabaseError(_, info) => {
            let message = info.message();
            UNAVAILABLE_MESSAGES
                .iter()
                .any(|known| message.starts_with(known))
        }
        Error::BrokenTransactionManager => true,
        Error::RollbackErrorOnCommit {
            commit_error,
            rollback_error,
        } => is_unavailable(commit_error) || is_unavailable(rollback_error),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db_error(kind: DatabaseErrorKind, message: &str) -> Error {
        Error::DatabaseError(kind, Box::new(message.to_string()))
    }

    #[test]
    fn a_lost_connection_is_unavailable() {
        assert!(is_unavailable(&db_error(
            DatabaseErrorKind::UnableToSendCommand,
            "connection closed"
        )));
        assert!(is_unavailable(&db_error(
            DatabaseErrorKind::ClosedConnection,
            "server closed the connection unexpectedly"
        )));
        assert!(is_unavailable(&Error::BrokenTransactionManager));
    }

    #[test]
    fn a_server_shutting_down_is_unavailable() {
        for message in [
            "terminating connection due to administrator command",
            "terminating connection because of crash of another server process",
            "the database system is shutting down",
            "the database system is starting up",
            "the database system is in recovery mode",
            "the database system is not yet accepting connections",
        ] {
            assert!(
                is_unavailable(&db_error(DatabaseErrorKind::Unknown, message)),
                "{message}"
            );
        }
    }

    #[test]
    fn a_failed_commit_or_rollback_on_a_dead_connection_is_unavailable() {
        let err = Error::RollbackErrorOnCommit {
            commit_error: Box::new(db_error(
                DatabaseErrorKind::UnableToSendCommand,
                "connection closed",
            )),
            rollback_error: Box::new(Error::BrokenTransactionManager),
        };
        assert!(is_unavailable(&err));
    }

    #[test]
    fn refused_statements_and_bugs_are_not() {
        assert!(!is_unavailable(&Error::NotFound));
        assert!(!is_unavailable(&db_error(
            DatabaseErrorKind::UniqueViolation,
            "duplicate key value violates unique constraint"
        )));
        assert!(!is_unavailable(&db_error(
            DatabaseErrorKind::Unknown,
            "column \"nope\" does not exist"
        )));
        assert!(!is_unavailable(&Error::AlreadyInTransaction));
        assert!(!is_unavailable(&Error::RollbackErrorOnCommit {
            commit_error: Box::new(db_error(
                DatabaseErrorKind::SerializationFailure,
                "could not serialize access"
            )),
            rollback_error: Box::new(Error::NotFound),
        }));
    }
}
