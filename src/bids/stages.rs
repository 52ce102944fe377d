//! What later parts do when bids are opened. Bids come before the documents, which import them;
//! the documents react through [`SealedDocuments`], which they implement and start-up installs.

use std::sync::Arc;

use diesel_async::AsyncPgConnection;
use futures_util::future::BoxFuture;

use crate::challenges::models::Challenge;
use crate::error::AppResult;
use crate::state::AppState;

/// The bid documents' part in the opening (开标), run in its transaction, after the bids got
/// their codes: a blind review's experts get blind copies of the documents.
pub trait SealedDocuments: Send + Sync {
    fn opened<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        state: &'a AppState,
        challenge: &'a Challenge,
    ) -> BoxFuture<'a, AppResult<()>>;
}

/// The installed implementation.
pub fn sealed_documents(state: &AppState) -> AppResult<&Arc<dyn SealedDocuments>> {
    state.extension::<dyn SealedDocuments>()
}
