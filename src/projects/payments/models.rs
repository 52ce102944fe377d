//! The ledger's rows as stored.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db_enum;
use crate::schema::payments;

db_enum!(
    /// A payment in the ledger: `released` is recorded as due for payment (the system pays
    /// nothing); `held` waits because the payee's credit check blocked.
    PaymentStatus {
        /// 暂缓支付
        Held => "held",
        /// 已确认应付
        Released => "released",
    }
);

/// An entry of the ledger (inserted whole: that of an accepted milestone).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = payments, check_for_backend(diesel::pg::Pg))]
pub struct Payment {
    pub id: Uuid,
    pub milestone_id: Uuid,
    pub challenge_id: Uuid,
    pub organization_id: Uuid,
    pub amount_fen: i64,
    pub status: PaymentStatus,
    pub credit_check_id: Uuid,
    pub held_check_id: Option<Uuid>,
    pub released_by: Option<Uuid>,
    pub released_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A held entry released after a passing check.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = payments)]
pub struct ReleaseChanges {
    pub status: PaymentStatus,
    pub credit_check_id: Uuid,
    pub released_by: Uuid,
    pub released_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
