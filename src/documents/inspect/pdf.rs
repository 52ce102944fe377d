//! The PDF checks of [`super::inspect`]: the markers, then JavaScript names in the syntax and in
//! inflated object streams, read in chunks by a tokenizer that carries its state across them.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use flate2::{Decompress, FlushDecompress, Status};

use super::{CHUNK_LEN, MAX_INFLATED, MAX_OBJECT_STREAM, Refusal, malformed, memfind, read_head};

pub(super) fn check_pdf(file: &mut File, len: u64) -> io::Result<Result<(), Refusal>> {
    let tail_len = len.min(1024);
    file.seek(SeekFrom::Start(len - tail_len))?;
    let tail = read_head(file, tail_len as usize)?;
    if memfind(&tail, b"%%EOF").is_none() {
        return Ok(Err(malformed("the PDF has no %%EOF marker at its end")));
    }
    file.seek(SeekFrom::Start(0))?;
    let mut scanner = PdfScanner::new();
    let mut chunk = vec![0u8; CHUNK_LEN];
    loop {
        let read = match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if let Err(refusal) = scanner.feed(&chunk[..read]) {
            return Ok(Err(refusal));
        }
    }
    Ok(scanner.finish())
}

/// The two names that carry JavaScript.
fn is_javascript_name(name: &[u8]) -> bool {
    name == b"JS" || name == b"JavaScript"
}

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

fn is_delimiter(byte: u8) -> bool {
    matches!(
        byte,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Longest decoded name kept (longer names are none of those looked for).
const NAME_CAP: usize = 16;

/// Where the tokenizer is in the PDF syntax, which decides whether a keyword counts.
#[derive(Default, Clone, Copy)]
enum Context {
    #[default]
    Normal,
    /// After `%`, to the end of the line.
    Comment,
    /// Inside `( … )`: nesting depth and whether the previous byte was a backslash.
    Literal { depth: u32, escaped: bool },
    /// After a `<` that may open a hex string or a dictionary.
    LessThan,
    /// Inside `< … >`.
    Hex,
}

/// Decodes the tokens of PDF syntax fed one byte at a time, across chunk boundaries. Names are
/// decoded (`#xx` escapes) and reported everywhere, inside strings and comments too (a false
/// alarm there is rare and harmless; missing one is not); words (keywords such as `obj` and
/// `stream`) only outside strings and comments, so that a string cannot fake a keyword.
#[derive(Default)]
struct Tokens {
    context: Context,
    /// Inside a name: its decoded bytes (up to [`NAME_CAP`]), whether it overflowed, and a
    /// pending `#` escape (`None` outside one, `Some(None)` after `#`, `Some(Some(h))` after
    /// `#h`).
    in_name: bool,
    name: Vec<u8>,
    overflow: bool,
    escape: Option<Option<u8>>,
    /// The current regular token outside names (keywords such as `obj`, `stream`).
    word: Vec<u8>,
    word_overflow: bool,
}

/// A token the tokenizer completed.
enum Token<'a> {
    Name(&'a [u8]),
    Word(&'a [u8]),
}

fn hex_digit(value: u8) -> u8 {
    if value < 10 {
        b'0' + value
    } else {
        b'A' + value - 10
    }
}

impl Tokens {
    fn push_name_byte(&mut self, byte: u8) {
        if self.name.len() < NAME_CAP {
            self.name.push(byte);
        } else {
            self.overflow = true;
        }
    }

    /// Feeds one byte; `on_token` sees each completed name or word.
    fn feed<E>(
        &mut self,
        byte: u8,
        mut on_token: impl FnMut(Token<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        if self.in_name {
            match self.escape.take() {
                Some(None) => {
                    if let Some(high) = hex_value(byte) {
                        self.escape = Some(Some(high));
                        return Ok(());
                    }
                    // Not an escape after all: the `#` is a character of the name.
                    self.push_name_byte(b'#');
                }
                Some(Some(high)) => {
                    if let Some(low) = hex_value(byte) {
                        self.push_name_byte(high * 16 + low);
                        return Ok(());
                    }
                    self.push_name_byte(b'#');
                    self.push_name_byte(hex_digit(high));
                }
                None => {}
            }
            if is_whitespace(byte) || is_delimiter(byte) {
                self.in_name = false;
                if !self.overflow {
                    on_token(Token::Name(&self.name))?;
                }
            } else {
                if byte == b'#' {
                    self.escape = Some(None);
                } else {
                    self.push_name_byte(byte);
                }
                return Ok(());
            }
        }
        if byte == b'/' {
            if matches!(self.context, Context::Normal) {
                self.end_word(&mut on_token)?;
            }
            if matches!(self.context, Context::LessThan) {
                self.context = Context::Hex;
            }
            self.in_name = true;
            self.name.clear();
            self.overflow = false;
            self.escape = None;
            return Ok(());
        }
        self.context = match self.context {
            Context::Comment if byte == b'\r' || byte == b'\n' => Context::Normal,
            Context::Comment => Context::Comment,
            Context::Literal {
                depth,
                escaped: true,
            } => Context::Literal {
                depth,
                escaped: false,
            },
            Context::Literal { depth, .. } => match byte {
                b'\\' => Context::Literal {
                    depth,
                    escaped: true,
                },
                b'(' => Context::Literal {
                    depth: depth + 1,
                    escaped: false,
                },
                b')' if depth <= 1 => Context::Normal,
                b')' => Context::Literal {
                    depth: depth - 1,
                    escaped: false,
                },
                _ => Context::Literal {
                    depth,
                    escaped: false,
                },
            },
            Context::LessThan if byte == b'<' => Context::Normal,
            Context::LessThan | Context::Hex if byte == b'>' => Context::Normal,
            Context::LessThan | Context::Hex => Context::Hex,
            Context::Normal => {
                if is_whitespace(byte) || is_delimiter(byte) {
                    self.end_word(&mut on_token)?;
                    match byte {
                        b'%' => Context::Comment,
                        b'(' => Context::Literal {
                            depth: 1,
                            escaped: false,
                        },
                        b'<' => Context::LessThan,
                        _ => Context::Normal,
                    }
                } else {
                    if self.word.len() < NAME_CAP {
                        self.word.push(byte);
                    } else {
                        self.word_overflow = true;
                    }
                    Context::Normal
                }
            }
        };
        Ok(())
    }

    fn end_word<E>(
        &mut self,
        on_token: &mut impl FnMut(Token<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        if !self.word.is_empty() {
            if !self.word_overflow {
                on_token(Token::Word(&self.word))?;
            }
            self.word.clear();
        }
        self.word_overflow = false;
        Ok(())
    }

    /// Ends a token cut by the end of the data.
    fn finish<E>(&mut self, mut on_token: impl FnMut(Token<'_>) -> Result<(), E>) -> Result<(), E> {
        if self.in_name {
            if let Some(pending) = self.escape.take() {
                self.push_name_byte(b'#');
                if let Some(high) = pending {
                    self.push_name_byte(hex_digit(high));
                }
            }
            self.in_name = false;
            if !self.overflow {
                on_token(Token::Name(&self.name))?;
            }
        }
        self.end_word(&mut on_token)
    }
}

/// Scans a data stream (an inflated or unfiltered stream's bytes) for JavaScript names.
#[derive(Default)]
struct NameScan {
    tokens: Tokens,
}

impl NameScan {
    fn feed(&mut self, data: &[u8]) -> Result<(), Refusal> {
        for &byte in data {
            self.tokens.feed(byte, check_name)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), Refusal> {
        self.tokens.finish(check_name)
    }
}

fn check_name(token: Token<'_>) -> Result<(), Refusal> {
    match token {
        Token::Name(name) if is_javascript_name(name) => Err(Refusal::PdfJavaScript),
        _ => Ok(()),
    }
}

/// What the names of the current object's dictionary said, for its stream.
#[derive(Default, Clone, Copy)]
struct StreamFacts {
    object_stream: bool,
    flate: bool,
    other_filter: bool,
    image: bool,
    xref: bool,
}

impl StreamFacts {
    fn note(&mut self, name: &[u8]) {
        match name {
            b"ObjStm" | b"First" => self.object_stream = true,
            b"FlateDecode" | b"Fl" => self.flate = true,
            b"ASCIIHexDecode" | b"AHx" | b"ASCII85Decode" | b"A85" | b"LZWDecode" | b"LZW"
            | b"RunLengthDecode" | b"RL" | b"CCITTFaxDecode" | b"CCF" | b"DCTDecode" | b"DCT"
            | b"JBIG2Decode" | b"JPXDecode" | b"Crypt" => self.other_filter = true,
            b"Image" => self.image = true,
            b"XRef" => self.xref = true,
            _ => {}
        }
    }
}

/// What is done with the current stream's data.
enum Sink {
    Skip,
    Raw(NameScan),
    Inflate {
        inflater: Box<Decompress>,
        scan: NameScan,
        object_stream: bool,
        /// Inflated bytes this stream may still produce.
        allowance: u64,
        /// The stream ended (or failed harmlessly); later bytes are ignored.
        done: bool,
    },
}

enum Mode {
    Syntax,
    /// After the `stream` keyword and a `\r`: skip one `\n`.
    StreamStart,
    StreamData,
}

const ENDSTREAM: &[u8] = b"endstream";
/// The Knuth–Morris–Pratt fallback of [`ENDSTREAM`]: after a mismatch with `n` bytes matched,
/// the `ENDSTREAM_FALLBACK[n - 1]` bytes that still match (only `endstre` ends with a prefix, `e`).
const ENDSTREAM_FALLBACK: [usize; 9] = [0, 0, 0, 0, 0, 0, 1, 0, 0];

/// The outer scanner of a PDF file (see the module doc).
struct PdfScanner {
    tokens: Tokens,
    facts: StreamFacts,
    mode: Mode,
    sink: Sink,
    /// How many bytes of `endstream` were matched.
    matched: usize,
    inflated_budget: u64,
    out: Vec<u8>,
}

impl PdfScanner {
    fn new() -> Self {
        PdfScanner {
            tokens: Tokens::default(),
            facts: StreamFacts::default(),
            mode: Mode::Syntax,
            sink: Sink::Skip,
            matched: 0,
            inflated_budget: MAX_INFLATED,
            out: vec![0u8; CHUNK_LEN],
        }
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<(), Refusal> {
        let mut i = 0;
        while i < chunk.len() {
            match self.mode {
                Mode::Syntax => {
                    let byte = chunk[i];
                    i += 1;
                    let mut start_stream = false;
                    let facts = &mut self.facts;
                    self.tokens.feed(byte, |token| match token {
                        Token::Name(name) if is_javascript_name(name) => {
                            Err(Refusal::PdfJavaScript)
                        }
                        Token::Name(name) => {
                            facts.note(name);
                            Ok(())
                        }
                        Token::Word(b"obj") | Token::Word(b"endobj") => {
                            *facts = StreamFacts::default();
                            Ok(())
                        }
                        Token::Word(b"stream") => {
                            start_stream = true;
                            Ok(())
                        }
                        Token::Word(_) => Ok(()),
                    })?;
                    if start_stream {
                        // The byte that ended the keyword is its line end (or a stray byte).
                        self.begin_stream()?;
                        self.mode = if byte == b'\r' {
                            Mode::StreamStart
                        } else {
                            Mode::StreamData
                        };
                    }
                }
                Mode::StreamStart => {
                    if chunk[i] == b'\n' {
                        i += 1;
                    }
                    self.mode = Mode::StreamData;
                }
                Mode::StreamData => {
                    let start = i;
                    let mut ended = false;
                    while i < chunk.len() {
                        // Outside a partial match only an `e` can start "endstream": skip to it
                        // (stream data is most of a large PDF).
                        if self.matched == 0 {
                            match memchr::memchr(b'e', &chunk[i..]) {
                                Some(offset) => i += offset,
                                None => {
                                    i = chunk.len();
                                    break;
                                }
                            }
                        }
                        let byte = chunk[i];
                        i += 1;
                        while self.matched > 0 && byte != ENDSTREAM[self.matched] {
                            self.matched = ENDSTREAM_FALLBACK[self.matched - 1];
                        }
                        if byte == ENDSTREAM[self.matched] {
                            self.matched += 1;
                            if self.matched == ENDSTREAM.len() {
                                ended = true;
                                break;
                            }
                        }
                    }
                    // The data given to the sink may end with part of "endstream": harmless
                    // (an inflater ignores bytes after its end, a name scan sees a word).
                    self.sink_feed(&chunk[start..i])?;
                    if ended {
                        self.end_stream()?;
                        self.matched = 0;
                        self.mode = Mode::Syntax;
                        self.facts = StreamFacts::default();
                    }
                }
            }
        }
        Ok(())
    }

    fn begin_stream(&mut self) -> Result<(), Refusal> {
        let facts = self.facts;
        self.matched = 0;
        self.sink = if facts.object_stream {
            if facts.other_filter || !facts.flate {
                if !facts.flate && !facts.other_filter {
                    // An unfiltered object stream: its objects are plain text.
                    Sink::Raw(NameScan::default())
                } else {
                    return Err(malformed(
                        "the PDF has an object stream with a filter other than FlateDecode, which cannot be checked",
                    ));
                }
            } else {
                Sink::Inflate {
                    inflater: Box::new(Decompress::new(true)),
                    scan: NameScan::default(),
                    object_stream: true,
                    allowance: MAX_OBJECT_STREAM,
                    done: false,
                }
            }
        } else if facts.image || facts.xref || facts.other_filter {
            Sink::Skip
        } else if facts.flate {
            if self.inflated_budget == 0 {
                Sink::Skip
            } else {
                Sink::Inflate {
                    inflater: Box::new(Decompress::new(true)),
                    scan: NameScan::default(),
                    object_stream: false,
                    allowance: self.inflated_budget,
                    done: false,
                }
            }
        } else {
            Sink::Raw(NameScan::default())
        };
        Ok(())
    }

    fn sink_feed(&mut self, data: &[u8]) -> Result<(), Refusal> {
        match &mut self.sink {
            Sink::Skip => Ok(()),
            Sink::Raw(scan) => scan.feed(data),
            Sink::Inflate { .. } => self.inflate(data, FlushDecompress::None),
        }
    }

    /// Inflates `data` into the stream's name scan, as far as the inflated output goes.
    fn inflate(&mut self, mut data: &[u8], flush: FlushDecompress) -> Result<(), Refusal> {
        let Sink::Inflate {
            inflater,
            scan,
            object_stream,
            allowance,
            done,
        } = &mut self.sink
        else {
            return Ok(());
        };
        while !*done {
            let before_in = inflater.total_in();
            let before_out = inflater.total_out();
            let status = inflater.decompress(data, &mut self.out, flush);
            let consumed = usize::try_from(inflater.total_in() - before_in).unwrap_or(data.len());
            let produced = usize::try_from(inflater.total_out() - before_out).unwrap_or(0);
            data = &data[consumed.min(data.len())..];
            scan.feed(&self.out[..produced])?;
            if !*object_stream {
                self.inflated_budget = self.inflated_budget.saturating_sub(produced as u64);
            }
            *allowance = allowance.saturating_sub(produced as u64);
            match status {
                Ok(Status::StreamEnd) => *done = true,
                Ok(_) => {}
                Err(_) if *object_stream => {
                    return Err(malformed(
                        "an object stream of the PDF does not inflate (an encrypted PDF?), so it cannot be checked",
                    ));
                }
                Err(_) => *done = true,
            }
            if *allowance == 0 {
                if *object_stream {
                    return Err(malformed(format!(
                        "an object stream of the PDF inflates to more than {MAX_OBJECT_STREAM} bytes"
                    )));
                }
                *done = true;
            }
            // Stop when all input is taken and the output buffer was not filled (nothing more
            // is pending), or when nothing moved at all.
            if (data.is_empty() && produced < self.out.len()) || (consumed == 0 && produced == 0) {
                break;
            }
        }
        Ok(())
    }

    fn end_stream(&mut self) -> Result<(), Refusal> {
        if matches!(self.sink, Sink::Inflate { .. }) {
            // Whatever the inflater still holds (a stream cut short is scanned as far as it goes).
            self.inflate(&[], FlushDecompress::Sync)?;
        }
        match std::mem::replace(&mut self.sink, Sink::Skip) {
            Sink::Skip => Ok(()),
            Sink::Raw(mut scan) | Sink::Inflate { mut scan, .. } => scan.finish(),
        }
    }

    fn finish(mut self) -> Result<(), Refusal> {
        if matches!(self.mode, Mode::StreamData) {
            self.end_stream()?;
        }
        self.tokens.finish(check_name)
    }
}
