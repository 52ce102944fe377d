//! Tokenizers for Chinese text, with Latin words and numbers among it.
//!
//! Two views of the same text:
//! - [`Grams`]: every Chinese character alone and with the next one (unigrams and bigrams), and
//!   each run of letters or digits as one lower-cased word, each at the position of its first
//!   character. A query word of any length is then a phrase of its bigrams (or its one
//!   character), so one- and two-character queries and words no dictionary knows are found, as
//!   a substring search would find them.
//! - [`Words`]: jieba's search-mode segmentation, lower-cased: the dictionary words the ranking
//!   rewards.

use std::sync::LazyLock;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The registered name of [`Grams`].
pub const GRAMS: &str = "zh_grams";
/// The registered name of [`Words`].
pub const WORDS: &str = "zh_words";

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Loads jieba's dictionary now rather than on the first request.
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

/// Whether `c` is a CJK ideograph (the unified blocks, their extensions and the compatibility block).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2EBEF | 0x30000..=0x323AF)
}

#[derive(Clone, Copy, PartialEq)]
enum Class {
    Han,
    Word,
    Other,
}

fn class(c: char) -> Class {
    if is_han(c) {
        Class::Han
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Other
    }
}

/// The gram tokens of `text`, in order.
pub fn grams(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(text.len(), |(offset, _)| *offset);
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (offset, c) = chars[i];
        match class(c) {
            Class::Han => {
                tokens.push(token(
                    &text[offset..end_of(i + 1)],
                    offset,
                    end_of(i + 1),
                    i,
                ));
                if chars.get(i + 1).is_some_and(|(_, next)| is_han(*next)) {
                    tokens.push(token(
                        &text[offset..end_of(i + 2)],
                        offset,
                        end_of(i + 2),
                        i,
                    ));
                }
                i += 1;
            }
            Class::Word => {
                let start = i;
                while chars.get(i).is_some_and(|(_, c)| class(*c) == Class::Word) {
                    i += 1;
                }
                let word = text[offset..end_of(i)].to_lowercase();
                tokens.push(token(&word, offset, end_of(i), start));
            }
            Class::Other => i += 1,
        }
    }
    tokens
}

/// The terms that find `word` (one query word) in a gram field, each with its position relative
/// to the first: the bigrams of each run of Chinese characters (its character when the run has
/// one), and the Latin words. Empty when the word has neither (punctuation only).
pub fn query_grams(word: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = word.chars().collect();
    let mut terms = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        match class(chars[i]) {
            Class::Han => {
                while chars.get(i).is_some_and(|c| is_han(*c)) {
                    i += 1;
                }
                let run = &chars[start..i];
                if run.len() == 1 {
                    terms.push((start, run[0].to_string()));
                } else {
                    terms.extend(
                        run.windows(2)
                            .enumerate()
                            .map(|(k, pair)| (start + k, pair.iter().collect())),
                    );
                }
            }
            Class::Word => {
                while chars.get(i).is_some_and(|c| class(*c) == Class::Word) {
                    i += 1;
                }
                terms.push((
                    start,
                    chars[start..i].iter().collect::<String>().to_lowercase(),
                ));
            }
            Class::Other => i += 1,
        }
    }
    let first = terms.first().map_or(0, |(position, _)| *position);
    terms
        .into_iter()
        .map(|(position, term)| (position - first, term))
        .collect()
}

/// jieba's search-mode words of `text`, lower-cased, without spaces and punctuation.
pub fn words(text: &str) -> Vec<Token> {
    JIEBA
        .cut_for_search(text, false)
        .into_iter()
        .filter(|t| t.word.chars().any(char::is_alphanumeric))
        .enumerate()
        .map(|(position, t)| token(&t.word.to_lowercase(), t.byte_start, t.byte_end, position))
        .collect()
}

fn token(text: &str, from: usize, to: usize, position: usize) -> Token {
    Token {
        offset_from: from,
        offset_to: to,
        position,
        text: text.to_string(),
        position_length: 1,
    }
}

/// The stream of tokens a [`Grams`] or [`Words`] tokenizer made.
pub struct Tokens {
    tokens: std::vec::IntoIter<Token>,
    current: Token,
}

impl Tokens {
    fn new(tokens: Vec<Token>) -> Self {
        Tokens {
            tokens: tokens.into_iter(),
            current: Token::default(),
        }
    }
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

/// Unigrams and bigrams of Chinese characters, Latin words whole ([`grams`]).
#[derive(Clone, Default)]
pub struct Grams;

impl Tokenizer for Grams {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        Tokens::new(grams(text))
    }
}

/// jieba's search-mode words ([`words`]).
#[derive(Clone, Default)]
pub struct Words;

impl Tokenizer for Words {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        Tokens::new(words(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tokens: &[Token]) -> Vec<(usize, &str)> {
        tokens
            .iter()
            .map(|t| (t.position, t.text.as_str()))
            .collect()
    }

    #[test]
    fn chinese_becomes_unigrams_and_bigrams_and_latin_words_stay_whole() {
        assert_eq!(
            texts(&grams("5G射频，芯片")),
            [
                (0, "5g"),
                (2, "射"),
                (2, "射频"),
                (3, "频"),
                (5, "芯"),
                (5, "芯片"),
                (6, "片")
            ]
        );
    }

    #[test]
    fn a_query_word_is_its_bigrams_or_its_one_character() {
        assert_eq!(query_grams("碳"), [(0, "碳".to_string())]);
        assert_eq!(query_grams("涂料"), [(0, "涂料".to_string())]);
        assert_eq!(
            query_grams("碳纤维"),
            [(0, "碳纤".to_string()), (1, "纤维".to_string())]
        );
        assert_eq!(
            query_grams("5G芯片"),
            [(0, "5g".to_string()), (2, "芯片".to_string())]
        );
        assert_eq!(
            query_grams("A-碳"),
            [(0, "a".to_string()), (2, "碳".to_string())]
        );
        assert!(query_grams("，。").is_empty());
    }

    #[test]
    fn jieba_search_mode_offers_the_parts_of_long_words() {
        let found: Vec<String> = words("中华人民共和国的碳纤维")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert!(found.contains(&"中华".to_string()), "{found:?}");
        assert!(found.contains(&"中华人民共和国".to_string()), "{found:?}");
        assert!(found.contains(&"碳纤维".to_string()), "{found:?}");
    }
}
