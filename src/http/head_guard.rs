//! Reads each HTTP/1 request head before actix-http's dispatcher does, so that a head the server
//! refuses gets the same answer as every other error: problem+json with an `X-Request-Id`.
//!
//! actix-http answers a head it cannot parse (or one too large, or too slow) itself, straight to
//! the socket and before any middleware: a bare 400/431/408 without a body or a request id. The
//! [`HeadGuard`] sits between the TCP stream and the dispatcher. It passes every byte through
//! unchanged, but holds each request head back until it is complete, and checks it against the
//! same rules as actix-http (with `httparse`, as actix-http does), with limits just inside
//! actix-http's own: a head actix-http would refuse never reaches it. The guard then reports the
//! end of the stream to the dispatcher, which finishes the answers to the requests before on the
//! connection and shuts the stream down; on that shutdown the guard writes its own answer and
//! closes the connection.
//!
//! Between heads the guard follows each body (`Content-Length`, or the chunks of
//! `Transfer-Encoding: chunked`) to know where the next head starts. After a request that
//! changes the protocol (`Upgrade`, `CONNECT`), or a body whose chunks it cannot follow, it passes
//! everything through unchecked: the guard only ever holds bytes back or stops the stream, it
//! never changes what actix-http reads, so a disagreement between the two costs at most the
//! format of an answer.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use actix_web::http::{Method, StatusCode, Uri};
use actix_web::web::BytesMut;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;
use uuid::Uuid;

use crate::error::Problem;
use crate::http::headers;
use crate::i18n::Locale;

/// At most this many headers (actix-http's limit too: 431 beyond).
pub const MAX_HEADERS: usize = 96;
/// A request head (request line and headers) larger than this gets 431; actix-http's buffer is
/// 128 KiB.
pub const MAX_HEAD_BYTES: usize = 120 * 1024;
/// A request target longer than this gets 414; the `http` crate refuses targets from 64 KiB.
pub const MAX_URI_BYTES: usize = 60 * 1024;
/// A chunk-size line (with its extensions) or a trailer line longer than this is not followed.
const MAX_CHUNK_LINE: usize = 4096;
/// After its answer, the guard reads (and drops) what the client still sends, for at most this
/// long and this much, so that closing a socket with unread data (a TCP reset) does not destroy
/// the answer before the client reads it.
const LINGER: Duration = Duration::from_millis(500);
const LINGER_BYTES: usize = 1024 * 1024;
const READ_CHUNK: usize = 16 * 1024;

/// Why a head is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 400: the request line or a header does not parse, or the framing is ambiguous.
    Malformed,
    /// 414: the request target is too long.
    UriTooLong,
    /// 431: too many headers, or the head is too large.
    HeadTooLarge,
    /// 408: the head did not arrive in time.
    Timeout,
}

impl Refusal {
    pub fn status(self) -> StatusCode {
        match self {
            Refusal::Malformed => StatusCode::BAD_REQUEST,
            Refusal::UriTooLong => StatusCode::URI_TOO_LONG,
            Refusal::HeadTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Refusal::Timeout => StatusCode::REQUEST_TIMEOUT,
        }
    }
}

/// What to do with the bytes held so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Give the first n bytes to the dispatcher.
    Release(usize),
    /// Nothing can be given before more bytes arrive.
    NeedMore,
    /// The head at the start of the held bytes is refused.
    Refuse(Refusal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for a complete head; `scanned` bytes of it were searched for its end already.
    Head {
        scanned: usize,
    },
    /// A body of this many more bytes.
    Fixed(u64),
    Chunked(Chunk),
    /// Everything passes unchecked from now on.
    Through,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunk {
    /// The chunk-size line: its value so far, whether a digit came, whether extensions began,
    /// and its length.
    Size {
        size: u64,
        digits: bool,
        ext: bool,
        line: usize,
    },
    /// Data bytes still to come.
    Data(u64),
    /// The line break after a chunk's data.
    DataEnd,
    /// Trailer lines after the last chunk; `line` bytes of the current one.
    Trailer { line: usize },
}

const CHUNK_SIZE: Chunk = Chunk::Size {
    size: 0,
    digits: false,
    ext: false,
    line: 0,
};

/// Follows the requests of one connection: where each head starts and ends, and whether it may
/// pass. Works on bytes only (no I/O), so that it can be tested on byte sequences.
#[derive(Debug)]
pub struct Tracker {
    phase: Phase,
    heads: u64,
}

impl Default for Tracker {
    fn default() -> Self {
        Tracker {
            phase: Phase::Head { scanned: 0 },
            heads: 0,
        }
    }
}

impl Tracker {
    /// Whether the next bytes belong to a request head.
    pub fn awaiting_head(&self) -> bool {
        matches!(self.phase, Phase::Head { .. })
    }

    /// How many heads were let through.
    pub fn heads(&self) -> u64 {
        self.heads
    }

    /// Looks at the bytes held (those read and not yet released, in order) and says how many may
    /// go to the dispatcher. Call again after a release: one step covers at most one part.
    pub fn step(&mut self, held: &[u8]) -> Step {
        if held.is_empty() {
            return Step::NeedMore;
        }
        match &mut self.phase {
            Phase::Through => Step::Release(held.len()),
            Phase::Fixed(left) => {
                let take = (*left).min(held.len() as u64);
                *left -= take;
                if *left == 0 {
                    self.phase = Phase::Head { scanned: 0 };
                }
                Step::Release(take as usize)
            }
            Phase::Chunked(_) => self.chunks(held),
            Phase::Head { scanned } => {
                if *scanned == 0 {
                    // Blank lines before a request line are skipped by the parser.
                    let blank = held
                        .iter()
                        .take_while(|b| matches!(b, b'\r' | b'\n'))
                        .count();
                    if blank > 0 {
                        return Step::Release(blank);
                    }
                }
                match head_end(held, *scanned) {
                    Some(end) => match inspect(&held[..end]) {
                        Ok(next) => {
                            self.phase = next;
                            self.heads += 1;
                            Step::Release(end)
                        }
                        Err(refusal) => Step::Refuse(refusal),
                    },
                    None => {
                        *scanned = held.len().saturating_sub(2);
                        let line_ended = held.contains(&b'\n');
                        if !line_ended && held.len() > MAX_URI_BYTES + 1024 {
                            Step::Refuse(Refusal::UriTooLong)
                        } else if held.len() > MAX_HEAD_BYTES {
                            Step::Refuse(Refusal::HeadTooLarge)
                        } else {
                            Step::NeedMore
                        }
                    }
                }
            }
        }
    }

    /// Follows chunks through `held`, up to the end of the body at most.
    fn chunks(&mut self, held: &[u8]) -> Step {
        let Phase::Chunked(mut state) = self.phase else {
            return Step::NeedMore;
        };
        let mut i = 0;
        while i < held.len() {
            match &mut state {
                Chunk::Data(left) => {
                    let take = (*left).min((held.len() - i) as u64);
                    i += take as usize;
                    *left -= take;
                    if *left == 0 {
                        state = Chunk::DataEnd;
                    }
                    continue;
                }
                Chunk::DataEnd => {
                    let b = held[i];
                    i += 1;
                    match b {
                        b'\r' => {}
                        b'\n' => state = CHUNK_SIZE,
                        _ => return self.through(held),
                    }
                }
                Chunk::Size {
                    size,
                    digits,
                    ext,
                    line,
                } => {
                    let b = held[i];
                    i += 1;
                    *line += 1;
                    if *line > MAX_CHUNK_LINE {
                        return self.through(held);
                    }
                    match b {
                        b'\n' if !*digits => return self.through(held),
                        b'\n' if *size == 0 => state = Chunk::Trailer { line: 0 },
                        b'\n' => state = Chunk::Data(*size),
                        b'\r' => {}
                        _ if *ext => {}
                        b';' | b' ' | b'\t' if *digits => *ext = true,
                        _ => {
                            let Some(digit) = (b as char).to_digit(16) else {
                                return self.through(held);
                            };
                            let Some(next) = size
                                .checked_mul(16)
                                .and_then(|s| s.checked_add(u64::from(digit)))
                            else {
                                return self.through(held);
                            };
                            *size = next;
                            *digits = true;
                        }
                    }
                }
                Chunk::Trailer { line } => {
                    let b = held[i];
                    i += 1;
                    match b {
                        b'\n' if *line == 0 => {
                            self.phase = Phase::Head { scanned: 0 };
                            return Step::Release(i);
                        }
                        b'\n' => *line = 0,
                        b'\r' => {}
                        _ => {
                            *line += 1;
                            if *line > MAX_CHUNK_LINE {
                                return self.through(held);
                            }
                        }
                    }
                }
            }
        }
        self.phase = Phase::Chunked(state);
        Step::Release(i)
    }

    /// Gives up following this connection: everything passes from now on.
    fn through(&mut self, held: &[u8]) -> Step {
        self.phase = Phase::Through;
        Step::Release(held.len())
    }
}

/// Where the head that starts `buf` ends (after its blank line), searching from `from`.
fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    (from..buf.len()).find_map(|i| {
        if buf[i] != b'\n' {
            return None;
        }
        match (buf.get(i + 1), buf.get(i + 2)) {
            (Some(b'\n'), _) => Some(i + 2),
            (Some(b'\r'), Some(b'\n')) => Some(i + 3),
            _ => None,
        }
    })
}

/// Checks a complete head as actix-http's decoder does, and says what follows it.
fn inspect(head: &[u8]) -> Result<Phase, Refusal> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(Refusal::Malformed),
        Err(httparse::Error::TooManyHeaders) => return Err(Refusal::HeadTooLarge),
        Err(_) => return Err(Refusal::Malformed),
    }
    let (Some(method), Some(path), Some(version)) = (req.method, req.path, req.version) else {
        return Err(Refusal::Malformed);
    };
    if path.len() > MAX_URI_BYTES {
        return Err(Refusal::UriTooLong);
    }
    let method = Method::from_bytes(method.as_bytes()).map_err(|_| Refusal::Malformed)?;
    Uri::try_from(path).map_err(|_| Refusal::Malformed)?;
    let http11 = version == 1;

    let mut length: Option<u64> = None;
    let mut chunked = false;
    let mut transfer_encoding = false;
    let mut host = false;
    let mut upgrade = false;
    for header in req.headers.iter() {
        let name = header.name;
        let value = std::str::from_utf8(header.value)
            .map(str::trim)
            .map_err(|_| Refusal::Malformed);
        if name.eq_ignore_ascii_case("content-length") {
            let value = value?;
            if length.is_some() || value.starts_with('+') {
                return Err(Refusal::Malformed);
            }
            length = Some(value.parse().map_err(|_| Refusal::Malformed)?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // Only `chunked`, only once, only in HTTP/1.1.
            if transfer_encoding || !http11 || !value?.eq_ignore_ascii_case("chunked") {
                return Err(Refusal::Malformed);
            }
            transfer_encoding = true;
            chunked = true;
        } else if name.eq_ignore_ascii_case("host") {
            if host {
                return Err(Refusal::Malformed);
            }
            host = true;
        } else if name.eq_ignore_ascii_case("upgrade") {
            upgrade = true;
        }
    }
    if http11 && !host {
        return Err(Refusal::Malformed);
    }
    if chunked && length.is_some() {
        return Err(Refusal::Malformed);
    }
    if !http11 && method == Method::POST && length.is_none() {
        return Err(Refusal::Malformed);
    }
    Ok(if upgrade || method == Method::CONNECT {
        Phase::Through
    } else if chunked {
        Phase::Chunked(CHUNK_SIZE)
    } else {
        match length {
            Some(n) if n > 0 => Phase::Fixed(n),
            _ => Phase::Head { scanned: 0 },
        }
    })
}

/// The whole answer to a refused head: problem+json in the default language, a fresh request
/// id, the security headers every answer carries, and `Connection: close`.
pub fn answer(refusal: Refusal) -> (Vec<u8>, Uuid) {
    let status = refusal.status();
    let body = serde_json::to_vec(&Problem::for_status(status).body(Locale::default()))
        .unwrap_or_default();
    let id = Uuid::new_v4();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\
         date: {}\r\n{}: {id}\r\n",
        status.as_str(),
        status.canonical_reason().unwrap_or(""),
        crate::error::PROBLEM_JSON,
        body.len(),
        chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT"),
        headers::X_REQUEST_ID,
    );
    for (name, value) in headers::security_headers(headers::Surface::Api) {
        head.push_str(name.as_str());
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&body);
    (bytes, id)
}

/// The answer being written, and then the lingering read after it.
struct Refused {
    bytes: Vec<u8>,
    written: usize,
    closed: bool,
    drained: usize,
    linger: Option<Pin<Box<Sleep>>>,
}

/// A connection as the dispatcher sees it: the bytes of `io`, each request head held back until
/// it is complete and checked (see the module documentation).
pub struct HeadGuard<T> {
    io: T,
    tracker: Tracker,
    /// Read from `io`, not yet released.
    held: BytesMut,
    /// Released, not yet read by the dispatcher.
    released: BytesMut,
    head_timeout: Duration,
    timer: Option<Pin<Box<Sleep>>>,
    refused: Option<Refused>,
    eof: bool,
}

impl<T> HeadGuard<T> {
    /// `head_timeout`: how long the first head may take from now, and any later head from its
    /// first byte.
    pub fn new(io: T, head_timeout: Duration) -> Self {
        HeadGuard {
            io,
            tracker: Tracker::default(),
            held: BytesMut::new(),
            released: BytesMut::new(),
            head_timeout,
            timer: None,
            refused: None,
            eof: false,
        }
    }

    fn refuse(&mut self, refusal: Refusal) {
        let (bytes, id) = answer(refusal);
        tracing::info!(
            status = refusal.status().as_u16(),
            request_id = %id,
            "request head refused"
        );
        self.held.clear();
        self.timer = None;
        self.refused = Some(Refused {
            bytes,
            written: 0,
            closed: false,
            drained: 0,
            linger: None,
        });
    }

    /// A head is on its way: the first one (from the start), or a later one that began.
    fn head_pending(&self) -> bool {
        self.tracker.awaiting_head() && (self.tracker.heads() == 0 || !self.held.is_empty())
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> AsyncRead for HeadGuard<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if !this.released.is_empty() {
                let n = buf.remaining().min(this.released.len());
                buf.put_slice(&this.released.split_to(n));
                return Poll::Ready(Ok(()));
            }
            if this.refused.is_some() || this.eof {
                // The end of the stream, as far as the dispatcher is concerned.
                return Poll::Ready(Ok(()));
            }
            match this.tracker.step(&this.held) {
                Step::Release(n) => {
                    let part = this.held.split_to(n);
                    this.released.unsplit(part);
                    continue;
                }
                Step::Refuse(refusal) => {
                    this.refuse(refusal);
                    continue;
                }
                Step::NeedMore => {}
            }
            if !this.head_pending() {
                this.timer = None;
            } else if this.timer.is_none() {
                this.timer = Some(Box::pin(tokio::time::sleep(this.head_timeout)));
            }
            if let Some(timer) = this.timer.as_mut()
                && timer.as_mut().poll(cx).is_ready()
            {
                this.refuse(Refusal::Timeout);
                continue;
            }
            let mut chunk = [0u8; READ_CHUNK];
            let mut read = ReadBuf::new(&mut chunk);
            ready!(Pin::new(&mut this.io).poll_read(cx, &mut read))?;
            if read.filled().is_empty() {
                // The client closed; an incomplete head is dropped, as actix-http would.
                this.eof = true;
                this.held.clear();
            } else {
                this.held.extend_from_slice(read.filled());
            }
        }
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> AsyncWrite for HeadGuard<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    /// The dispatcher is done: a refused head gets its answer now, then the connection closes.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let Some(refused) = this.refused.as_mut() else {
            return Pin::new(&mut this.io).poll_shutdown(cx);
        };
        while refused.written < refused.bytes.len() {
            let n =
                ready!(Pin::new(&mut this.io).poll_write(cx, &refused.bytes[refused.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            refused.written += n;
        }
        if !refused.closed {
            ready!(Pin::new(&mut this.io).poll_flush(cx))?;
            ready!(Pin::new(&mut this.io).poll_shutdown(cx))?;
            refused.closed = true;
        }
        // Read what the client still sends until it closes too (or for a short while).
        let linger = refused
            .linger
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(LINGER)));
        loop {
            if linger.as_mut().poll(cx).is_ready() || refused.drained > LINGER_BYTES {
                return Poll::Ready(Ok(()));
            }
            let mut chunk = [0u8; READ_CHUNK];
            let mut read = ReadBuf::new(&mut chunk);
            match ready!(Pin::new(&mut this.io).poll_read(cx, &mut read)) {
                Ok(()) if !read.filled().is_empty() => refused.drained += read.filled().len(),
                _ => return Poll::Ready(Ok(())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` to a tracker in pieces of `piece` bytes, as a guard would, and returns the
    /// bytes released and the refusal, if any.
    fn run(input: &[u8], piece: usize) -> (Vec<u8>, Option<Refusal>) {
        let mut tracker = Tracker::default();
        let mut held = Vec::new();
        let mut released = Vec::new();
        for part in input.chunks(piece) {
            held.extend_from_slice(part);
            loop {
                match tracker.step(&held) {
                    Step::Release(n) => {
                        assert!(n > 0, "an empty release");
                        released.extend(held.drain(..n));
                    }
                    Step::NeedMore => break,
                    Step::Refuse(refusal) => return (released, Some(refusal)),
                }
            }
        }
        (released, None)
    }

    /// Every way of splitting `input` gives the same result.
    fn run_all(input: &[u8]) -> (Vec<u8>, Option<Refusal>) {
        let whole = run(input, input.len().max(1));
        for piece in [1, 2, 3, 7, 64] {
            assert_eq!(run(input, piece), whole, "read {piece} bytes at a time");
        }
        whole
    }

    const GET: &[u8] = b"GET /health HTTP/1.1\r\nHost: a\r\n\r\n";

    #[test]
    fn good_requests_pass_whole_and_unchanged() {
        let mut input = GET.to_vec();
        input.extend_from_slice(b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
        input.extend_from_slice(GET);
        assert_eq!(run_all(&input), (input.clone(), None));
    }

    #[test]
    fn an_incomplete_head_is_held_back() {
        let (released, refusal) = run_all(b"GET /health HTTP/1.1\r\nHost: a\r\n");
        assert!(released.is_empty());
        assert_eq!(refusal, None);
    }

    #[test]
    fn a_chunked_body_is_followed_to_its_end() {
        let mut input = b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\
                          5;name=value\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n"
            .to_vec();
        // A head-like line inside the data is data.
        input.extend_from_slice(
            b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\
              4\r\n\r\n\r\n\r\n0\r\n\r\n",
        );
        input.extend_from_slice(GET);
        assert_eq!(run_all(&input), (input.clone(), None));
        let mut bad = input.clone();
        bad.extend_from_slice(b"GET / HTTP/1.1\r\nno colon\r\n\r\n");
        assert_eq!(run_all(&bad), (input, Some(Refusal::Malformed)));
    }

    #[test]
    fn a_bad_head_after_a_good_request_releases_the_good_one_only() {
        let mut input = b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc".to_vec();
        let good = input.len();
        input.extend_from_slice(b"GET / HTTP/1.1\r\nHost: a\r\nBad Header: 1\r\n\r\n");
        input.extend_from_slice(GET);
        let (released, refusal) = run_all(&input);
        assert_eq!(released, &input[..good]);
        assert_eq!(refusal, Some(Refusal::Malformed));
    }

    #[test]
    fn malformed_heads_are_refused_with_the_status_that_fits() {
        let long_target = format!("GET /{} HTTP/1.1\r\nHost: a\r\n\r\n", "a".repeat(70 * 1024));
        let many = format!(
            "GET / HTTP/1.1\r\nHost: a\r\n{}\r\n",
            "X-A: 1\r\n".repeat(MAX_HEADERS)
        );
        let huge = format!(
            "GET / HTTP/1.1\r\nHost: a\r\n{}\r\n",
            format!("X-A: {}\r\n", "b".repeat(1000)).repeat(130)
        );
        let cases: [(&[u8], Refusal); 11] = [
            (b"GET / HTTP/1.1\r\nHost: a\r\nno colon\r\n\r\n", Refusal::Malformed),
            (b"GET / HTTP/1.1\r\n\r\n", Refusal::Malformed),
            (b"GET / HTTP/9.1\r\nHost: a\r\n\r\n", Refusal::Malformed),
            (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", Refusal::Malformed),
            (
                b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
                Refusal::Malformed,
            ),
            (
                b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n",
                Refusal::Malformed,
            ),
            (
                b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                Refusal::Malformed,
            ),
            (
                b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
                Refusal::Malformed,
            ),
            (long_target.as_bytes(), Refusal::UriTooLong),
            (many.as_bytes(), Refusal::HeadTooLarge),
            (huge.as_bytes(), Refusal::HeadTooLarge),
        ];
        for (input, expected) in cases {
            let (released, refusal) = run(input, 1000);
            assert!(released.is_empty(), "{:?}", String::from_utf8_lossy(input));
            assert_eq!(
                refusal,
                Some(expected),
                "{:?}",
                String::from_utf8_lossy(&input[..input.len().min(80)])
            );
        }
    }

    #[test]
    fn the_limits_are_those_of_actix_http_or_just_inside() {
        let most = format!(
            "GET / HTTP/1.1\r\nHost: a\r\n{}\r\n",
            "X-A: 1\r\n".repeat(MAX_HEADERS - 1)
        );
        assert_eq!(run_all(most.as_bytes()).1, None);
        // A request line that never ends is refused before the whole of it is read.
        let endless = format!("GET /{}", "a".repeat(MAX_URI_BYTES + 2048));
        assert_eq!(run(endless.as_bytes(), 4096).1, Some(Refusal::UriTooLong));
        // A head that never ends, likewise.
        let endless = format!("GET / HTTP/1.1\r\n{}", "X-A: 1\r\n".repeat(20_000));
        assert_eq!(run(endless.as_bytes(), 4096).1, Some(Refusal::HeadTooLarge));
    }

    #[test]
    fn http_1_0_and_blank_lines_pass() {
        let input = b"\r\nGET / HTTP/1.0\r\n\r\nPOST / HTTP/1.0\r\nContent-Length: 2\r\n\r\nok\n\nGET / HTTP/1.1\nHost: a\n\n";
        assert_eq!(run_all(input), (input.to_vec(), None));
        let (_, refusal) = run_all(b"POST / HTTP/1.0\r\n\r\n");
        assert_eq!(refusal, Some(Refusal::Malformed));
    }

    #[test]
    fn after_an_upgrade_everything_passes() {
        let mut input =
            b"GET /ws HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n"
                .to_vec();
        input.extend_from_slice(b"\x81\x05hello not a head\r\n\r\n");
        assert_eq!(run_all(&input), (input.clone(), None));
    }

    #[test]
    fn chunks_it_cannot_follow_pass_unchecked() {
        let mut input =
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec();
        input.extend_from_slice(b"GET / HTTP/1.1\r\nno colon\r\n\r\n");
        assert_eq!(run_all(&input), (input.clone(), None));
    }

    #[test]
    fn the_answer_is_problem_json_with_a_request_id() {
        let (bytes, id) = answer(Refusal::HeadTooLarge);
        let text = String::from_utf8(bytes).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(
            head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
            "{head}"
        );
        assert!(head.contains("content-type: application/problem+json\r\n"));
        assert!(head.contains(&format!("x-request-id: {id}\r\n")));
        assert!(head.contains("connection: close\r\n"));
        assert!(head.contains("x-content-type-options: nosniff\r\n"));
        assert!(head.contains(&format!("content-length: {}\r\n", body.len())));
        let problem: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(problem["status"], 431);
        assert_eq!(problem["code"], "headers_too_large");
    }

    mod io {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        use super::*;

        /// The guard over one end of a pipe: what the dispatcher reads, and what the client
        /// gets after the dispatcher writes `reply` and shuts the stream down.
        async fn through_guard(input: &'static [u8], reply: &'static [u8]) -> (Vec<u8>, String) {
            let (client, server) = tokio::io::duplex(1 << 20);
            let (mut client_read, mut client_write) = tokio::io::split(client);
            let writer = tokio::spawn(async move {
                for part in input.chunks(5) {
                    client_write.write_all(part).await.unwrap();
                    tokio::task::yield_now().await;
                }
                client_write.shutdown().await.unwrap();
            });
            let mut guard = HeadGuard::new(server, Duration::from_secs(5));
            let mut seen = Vec::new();
            guard.read_to_end(&mut seen).await.unwrap();
            guard.write_all(reply).await.unwrap();
            guard.shutdown().await.unwrap();
            drop(guard);
            writer.await.unwrap();
            let mut answer = Vec::new();
            client_read.read_to_end(&mut answer).await.unwrap();
            (seen, String::from_utf8_lossy(&answer).into_owned())
        }

        #[tokio::test]
        async fn a_bad_head_ends_the_stream_and_is_answered_after_the_replies() {
            let (seen, answer) = through_guard(
                b"GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\nbad\r\n\r\n",
                b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            )
            .await;
            assert_eq!(seen, b"GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
            assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
            let second = answer.split("HTTP/1.1 ").nth(2).unwrap_or_default();
            assert!(second.starts_with("400 Bad Request\r\n"), "{answer}");
            assert!(second.contains("application/problem+json"), "{answer}");
        }

        #[tokio::test]
        async fn good_requests_reach_the_dispatcher_unchanged() {
            let input: &'static [u8] = b"POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n";
            let (seen, answer) = through_guard(input, b"").await;
            assert_eq!(seen, input);
            assert!(answer.is_empty(), "{answer}");
        }

        #[tokio::test]
        async fn a_head_that_stalls_gets_408() {
            let (client, server) = tokio::io::duplex(1024);
            let (mut client_read, mut client_write) = tokio::io::split(client);
            client_write.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
            let mut guard = HeadGuard::new(server, Duration::from_millis(200));
            let mut seen = Vec::new();
            guard.read_to_end(&mut seen).await.unwrap();
            assert!(seen.is_empty());
            guard.shutdown().await.unwrap();
            drop(guard);
            let mut answer = String::new();
            client_read.read_to_string(&mut answer).await.unwrap();
            assert!(
                answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
                "{answer}"
            );
            assert!(answer.contains("\"code\":\"request_timeout\""), "{answer}");
        }
    }
}
