//! Credit records in the text index, searched by subject name (Chinese company names, people's
//! names): `GET /credit/records?q=…` (docs/search.md).

use diesel::sql_types::{Text, Uuid as SqlUuid};
use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use uuid::Uuid;

use crate::search::feed::Registry;
use crate::search::query::halves;
use crate::search::text;

/// The credit records as a search registry.
pub struct CreditRecords;

#[derive(Clone, Copy)]
pub struct Fields {
    key: Field,
    key_hi: Field,
    key_lo: Field,
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
        let grams = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(text::GRAMS)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let fields = Fields {
            key: b.add_text_field("key", STRING),
            key_hi: b.add_u64_field("key_hi", FAST),
            key_lo: b.add_u64_field("key_lo", FAST),
            name: b.add_text_field("name", grams),
        };
        (b.build(), fields)
    }

    fn key_field(fields: &Fields) -> Field {
        fields.key
    }

    fn key(row: &Row) -> Uuid {
        row.id
    }

    fn changed(row: &Row) -> &str {
        &row.changed
    }

    fn document(row: &Row, f: &Fields) -> TantivyDocument {
        let (hi, lo) = halves(row.id);
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, row.id.to_string());
        doc.add_u64(f.key_hi, hi);
        doc.add_u64(f.key_lo, lo);
        doc.add_text(f.name, &row.subject_name);
        doc
    }
}
