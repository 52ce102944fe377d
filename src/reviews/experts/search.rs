//! The expert pool in the text index, searched by name, title and organisation (admins):
//! `GET /experts?q=…` (docs/search.md).

use diesel::sql_types::{Text, Uuid as SqlUuid};
use tantivy::TantivyDocument;
use tantivy::schema::{Field, Schema};
use uuid::Uuid;

use crate::search::feed::{Keyed, Registry, add_grams};

/// The experts as a search registry.
pub struct Experts;

#[derive(Clone, Copy)]
pub struct Fields {
    keyed: Keyed,
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
        let fields = Fields {
            keyed: Keyed::add_to(&mut b),
            text: add_grams(&mut b, "text"),
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
        // Separate values: a phrase never spans the name and the title.
        doc.add_text(f.text, &row.name);
        doc.add_text(f.text, &row.title);
        doc.add_text(f.text, &row.organization);
        doc
    }
}
