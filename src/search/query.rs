//! A text query (`q`) as every searchable list takes it, and the index queries made of its words.

use tantivy::Term;
use tantivy::collector::TopDocs;
use tantivy::collector::sort_key::SortByStaticFastValue;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Order, Searcher};
use uuid::Uuid;

use crate::error::{AppError, FieldCode, FieldError};

/// The longest `q` accepted, and the most words in it.
pub const MAX_QUERY_CHARS: usize = 100;
pub const MAX_QUERY_WORDS: usize = 5;

/// A cleaned-up text query: its words, and their `ILIKE` patterns with `%`, `_` and `\` escaped.
#[derive(Debug, Clone, PartialEq)]
pub struct TextQuery {
    pub text: String,
    pub patterns: Vec<String>,
}

impl TextQuery {
    pub fn first_word(&self) -> &str {
        self.text.split(' ').next().unwrap_or_default()
    }

    pub fn parse(raw: &str) -> Result<Option<TextQuery>, AppError> {
        let words: Vec<&str> = raw.split_whitespace().collect();
        if words.is_empty() {
            return Ok(None);
        }
        let text = words.join(" ");
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(AppError::Validation(vec![
                FieldError::new("q", FieldCode::Length).with_param("max", MAX_QUERY_CHARS),
            ]));
        }
        if words.len() > MAX_QUERY_WORDS {
            return Err(AppError::Validation(vec![
                FieldError::new("q", FieldCode::TooManyWords).with_param("max", MAX_QUERY_WORDS),
            ]));
        }
        let patterns = words
            .iter()
            .map(|w| format!("%{}%", crate::db::escape_like(w)))
            .collect();
        Ok(Some(TextQuery { text, patterns }))
    }
}

/// Where `word` occurs as a substring of any of `fields` (gram fields), each match scored
/// with the field's weight: a phrase of the word's bigrams, or its one character.
pub fn word_in(fields: &[(Field, f32)], word: &str) -> Box<dyn Query> {
    let grams = super::text::query_grams(word);
    if grams.is_empty() {
        // Punctuation only: nothing contains it as a word.
        return Box::new(BooleanQuery::new(vec![]));
    }
    let clauses = fields
        .iter()
        .map(|(field, weight)| {
            let terms: Vec<(usize, Term)> = grams
                .iter()
                .map(|(position, gram)| (*position, Term::from_field_text(*field, gram)))
                .collect();
            let found: Box<dyn Query> = match terms.as_slice() {
                [(_, term)] => Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                _ => Box::new(PhraseQuery::new_with_offset(terms)),
            };
            let weighted: Box<dyn Query> = if (*weight - 1.0).abs() > f32::EPSILON {
                Box::new(BoostQuery::new(found, *weight))
            } else {
                found
            };
            (Occur::Should, weighted)
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// Where every word of `q` occurs in one of `fields`.
pub fn all_words_in(fields: &[(Field, f32)], q: &TextQuery) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        q.text
            .split(' ')
            .map(|word| (Occur::Must, word_in(fields, word)))
            .collect(),
    ))
}

/// The ids (split in two u64 fast fields, `hi` and `lo`) of at most `limit` documents `query`
/// matches, in id order.
pub fn ids(
    searcher: &Searcher,
    query: &dyn Query,
    (hi, lo): (&str, &str),
    limit: usize,
) -> tantivy::Result<Vec<Uuid>> {
    let top = TopDocs::with_limit(limit.max(1)).order_by((
        (SortByStaticFastValue::<u64>::for_field(hi), Order::Asc),
        (SortByStaticFastValue::<u64>::for_field(lo), Order::Asc),
    ));
    Ok(searcher
        .search(query, &top)?
        .into_iter()
        .map(|((hi, lo), _)| whole(hi.unwrap_or_default(), lo.unwrap_or_default()))
        .collect())
}

/// A uuid as two u64 (fast fields hold no u128).
pub fn halves(id: Uuid) -> (u64, u64) {
    let n = id.as_u128();
    ((n >> 64) as u64, n as u64)
}

pub fn whole(hi: u64, lo: u64) -> Uuid {
    Uuid::from_u128((u128::from(hi) << 64) | u128::from(lo))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_split_into_escaped_words() {
        let q = TextQuery::parse("  碳纤维   100%_复合\\ ")
            .unwrap()
            .unwrap();
        assert_eq!(q.text, "碳纤维 100%_复合\\");
        assert_eq!(q.patterns, ["%碳纤维%", "%100\\%\\_复合\\\\%"]);
        assert_eq!(TextQuery::parse("   ").unwrap(), None);
        assert!(TextQuery::parse(&"碳".repeat(101)).is_err());
        assert!(TextQuery::parse("a b c d e f").is_err());
    }
}

#[cfg(test)]
mod index_tests {
    use tantivy::schema::{FAST, STRING, Schema, TextFieldIndexing, TextOptions};
    use tantivy::tokenizer::TextAnalyzer;
    use tantivy::{Index, TantivyDocument};

    use super::*;
    use crate::search::text;

    /// An index in memory of one gram field with several values per document.
    fn index_of(docs: &[&[&str]]) -> (Index, Field) {
        let mut b = Schema::builder();
        let grams = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(text::GRAMS)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let field = b.add_text_field("text", grams);
        b.add_text_field("key", STRING);
        let hi = b.add_u64_field("key_hi", FAST);
        let lo = b.add_u64_field("key_lo", FAST);
        let index = Index::create_in_ram(b.build());
        index
            .tokenizers()
            .register(text::GRAMS, TextAnalyzer::from(text::Grams));
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (n, values) in docs.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            for value in *values {
                doc.add_text(field, value);
            }
            doc.add_u64(hi, 0);
            doc.add_u64(lo, n as u64);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        (index, field)
    }

    fn found(index: &Index, field: Field, q: &str) -> Vec<u64> {
        let q = TextQuery::parse(q).unwrap().unwrap();
        let searcher = index.reader().unwrap().searcher();
        ids(
            &searcher,
            &*all_words_in(&[(field, 1.0)], &q),
            ("key_hi", "key_lo"),
            10,
        )
        .unwrap()
        .into_iter()
        .map(|id| halves(id).1)
        .collect()
    }

    #[test]
    fn words_are_found_as_substrings_of_any_value() {
        let (index, field) = index_of(&[
            &["专家2", "教授", "专家单位2"],
            &["专家1", "研究员", "5G芯片研究院"],
        ]);
        assert_eq!(found(&index, field, "专家单位2"), [0]);
        assert_eq!(found(&index, field, "单位"), [0]);
        assert_eq!(found(&index, field, "教授"), [0]);
        assert_eq!(found(&index, field, "专家"), [0, 1]);
        assert_eq!(found(&index, field, "5g芯片"), [1]);
        assert_eq!(found(&index, field, "芯"), [1]);
        assert_eq!(found(&index, field, "教授 单位2"), [0]);
        // Not across two values.
        assert!(found(&index, field, "授专").is_empty());
        assert!(found(&index, field, "芯片 教授").is_empty());
    }
}
