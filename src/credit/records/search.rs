//! Credit records in the text index, searched by subject name (Chinese company names, people's
//! names): `GET /credit/records?q=…` (docs/search.md).

use diesel::sql_types::{Text, Uuid as SqlUuid};
use tantivy::TantivyDocument;
use tantivy::schema::{Field, Schema};
use uuid::Uuid;

use crate::search::feed::{Keyed, Registry, add_grams};

/// The credit records as a search registry.
pub struct CreditRecords;

#[derive(Clone, Copy)]
pub struct Fields {
    keyed: Keyed,
    pub name: Field,
}

#[derive(diesel::QueryableByName)]
pub struct Row {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    subject_name: String,
    #[diesel(sql_type = Text)]
    changed: String,
}

impl Registry for CreditRecords {
    const NAME: &'static str = "credit_records";
    const FORMAT: u32 = 1;
    const CHANNEL: &'static str = "credit_records_changed";
    const SELECT: &'static str =
        "SELECT id, subject_name, changed_xid::text AS changed FROM credit_records";
    const CHANGED: &'static str = "changed_xid";
    const KEY: &'static str = "id";
    type Fields = Fields;
    type Row = Row;

    fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let fields = Fields {
            keyed: Keyed::add_to(&mut b),
            name: add_grams(&mut b, "name"),
        };
        (b.build(), fields)
    }

    fn key_field(fields: &Fields) -> Field {
        fields.keyed.key
    }

    fn key(row: &Row) -> Uuid {
        row.id
    }

    fn changed(row: &Row) -> &str {
        &row.changed
    }

    fn document(row: &Row, f: &Fields) -> TantivyDocument {
        let mut doc = f.keyed.document(row.id);
        doc.add_text(f.name, &row.subject_name);
        doc
    }
}
