//! The expert pool in the text index, searched by name, title and organisation (admins):
//! `GET /experts?q=…` (docs/search.md).

use diesel::sql_types::{Text, Uuid as SqlUuid};
use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use uuid::Uuid;

use crate::search::feed::Registry;
use crate::search::query::halves;
use crate::search::text;

/// The experts as a search registry.
pub struct Experts;

#[derive(Clone, Copy)]
pub struct Fields {
    key: Field,
    key_hi: Field,
    key_lo: Field,
    /// The expert's name, title and organisation.
    pub text: Field,
}

#[derive(diesel::QueryableByName)]
pub struct Row {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    organization: String,
    #[diesel(sql_type = Text)]
    changed: String,
}

impl Registry for Experts {
    const NAME: &'static str = "experts";
    const FORMAT: u32 = 1;
    const CHANNEL: &'static str = "experts_changed";
    const SELECT: &'static str = "SELECT experts.user_id AS id, users.display_name AS name, \
        experts.title, coalesce(organizations.name, '') AS organization, \
        experts.changed_xid::text AS changed \
        FROM experts JOIN users ON users.id = experts.user_id \
        LEFT JOIN organizations ON organizations.id = users.organization_id";
    const CHANGED: &'static str = "experts.changed_xid";
    const KEY: &'static str = "experts.user_id";
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
            text: b.add_text_field("text", grams),
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
        // Separate values: a phrase never spans the name and the title.
        doc.add_text(f.text, &row.name);
        doc.add_text(f.text, &row.title);
        doc.add_text(f.text, &row.organization);
        doc
    }
}
