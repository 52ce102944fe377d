//! The optional virus scan: a file streamed to clamd (Debian's `clamav-daemon`) with its
//! `INSTREAM` command, and clamd's verdict read back.
//!
//! The protocol (`man clamd`): the client sends `zINSTREAM\0`, then the file as chunks, each a
//! 4-byte big-endian length followed by that many bytes, and a zero length to end; clamd scans
//! what it received and answers one NUL-terminated line, `stream: OK`, `stream: <signature>
//! FOUND` or `<reason> ERROR`, then closes the connection. When the stream grows past clamd's
//! `StreamMaxLength` it answers `INSTREAM size limit exceeded. ERROR` at once and closes. The file
//! is read in chunks of [`CHUNK_SIZE`], never whole in memory. One connection per command.
//!
//! `timeout_ms` bounds a whole command: connecting, streaming and waiting for the verdict.

use std::io;
use std::path::Path;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// The largest chunk sent to clamd (64 KiB).
pub const CHUNK_SIZE: usize = 64 * 1024;

/// The longest answer read from clamd; its lines are far shorter.
const MAX_REPLY: usize = 4096;

pub use crate::config::ClamdSettings;

/// What clamd said of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// `signature` is clamd's name for what it found (`Win.Test.EICAR_HDB-1`).
    Infected {
        signature: String,
    },
}

/// Why a file could not be scanned. The upload is refused in every case: only a
/// [`Verdict::Clean`] lets a file through.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// `documents.clamd.address` is neither `tcp://host:port` nor `unix:/path`.
    #[error("invalid clamd address {0:?}: expected tcp://host:port or unix:/path")]
    InvalidAddress(String),
    /// Nothing answers at the address (clamd stopped, wrong port or socket).
    #[error("clamd at {address} is unreachable")]
    Unreachable {
        address: String,
        #[source]
        source: io::Error,
    },
    /// clamd did not finish within `timeout_ms`.
    #[error("clamd did not answer within {0} ms")]
    Timeout(u64),
    /// The file is larger than clamd's `StreamMaxLength`.
    #[error("the file is larger than clamd's StreamMaxLength")]
    TooLarge,
    /// The connection broke after it was made.
    #[error("the connection to clamd broke")]
    Connection(#[source] io::Error),
    /// clamd answered something this client does not understand, or an `ERROR`.
    #[error("unexpected answer from clamd: {0:?}")]
    Protocol(String),
    /// The file to scan could not be read.
    #[error("reading the file to scan")]
    File(#[source] io::Error),
}

/// Where clamd listens.
#[derive(Debug, PartialEq, Eq)]
enum Address<'a> {
    Tcp(&'a str),
    Unix(&'a str),
}

fn parse_address(address: &str) -> Result<Address<'_>, ScanError> {
    let invalid = || ScanError::InvalidAddress(address.to_string());
    if let Some(host_port) = address.strip_prefix("tcp://") {
        let host_port = host_port.trim_end_matches('/');
        match host_port.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
                Ok(Address::Tcp(host_port))
            }
            _ => Err(invalid()),
        }
    } else if let Some(path) = address.strip_prefix("unix:") {
        // `unix:/run/…` and `unix:///run/…` alike.
        let path = path.trim_start_matches("//");
        if path.starts_with('/') {
            Ok(Address::Unix(path))
        } else {
            Err(invalid())
        }
    } else {
        Err(invalid())
    }
}

trait Socket: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Socket for T {}

async fn connect(address: &str) -> Result<Box<dyn Socket>, ScanError> {
    let unreachable = |source| ScanError::Unreachable {
        address: address.to_string(),
        source,
    };
    match parse_address(address)? {
        Address::Tcp(host_port) => {
            let stream = TcpStream::connect(host_port).await.map_err(unreachable)?;
            stream.set_nodelay(true).map_err(unreachable)?;
            Ok(Box::new(stream))
        }
        #[cfg(unix)]
        Address::Unix(path) => {
            let stream = tokio::net::UnixStream::connect(path)
                .await
                .map_err(unreachable)?;
            Ok(Box::new(stream))
        }
        #[cfg(not(unix))]
        Address::Unix(_) => Err(ScanError::InvalidAddress(address.to_string())),
    }
}

/// Runs `work` within the settings' timeout.
async fn within<T>(
    settings: &ClamdSettings,
    work: impl Future<Output = Result<T, ScanError>>,
) -> Result<T, ScanError> {
    tokio::time::timeout(Duration::from_millis(settings.timeout_ms), work)
        .await
        .unwrap_or(Err(ScanError::Timeout(settings.timeout_ms)))
}

/// Streams `file` to clamd and returns its verdict.
#[tracing::instrument(skip(settings), fields(clamd = %settings.address))]
pub async fn scan(settings: &ClamdSettings, file: &Path) -> Result<Verdict, ScanError> {
    // Open the file first: a missing file is not clamd's fault.
    let mut file = tokio::fs::File::open(file).await.map_err(ScanError::File)?;
    within(settings, async {
        let mut socket = connect(&settings.address).await?;
        match stream_file(&mut socket, &mut file).await {
            Ok(()) => {}
            // clamd closes the connection as soon as the stream passes StreamMaxLength, after
            // saying so: its answer, if there is one, says more than the broken pipe.
            Err(StreamError::Socket(error)) => {
                return match read_reply(&mut socket).await {
                    Ok(reply) if !reply.is_empty() => parse_scan_reply(&reply),
                    _ => Err(ScanError::Connection(error)),
                };
            }
            Err(StreamError::File(error)) => return Err(ScanError::File(error)),
        }
        let reply = read_reply(&mut socket)
            .await
            .map_err(ScanError::Connection)?;
        parse_scan_reply(&reply)
    })
    .await
}

/// Asks clamd whether it is up (`zPING` → `PONG`); for readiness checks.
pub async fn ping(settings: &ClamdSettings) -> Result<(), ScanError> {
    within(settings, async {
        let mut socket = connect(&settings.address).await?;
        socket
            .write_all(b"zPING\0")
            .await
            .map_err(ScanError::Connection)?;
        let reply = read_reply(&mut socket)
            .await
            .map_err(ScanError::Connection)?;
        if reply == "PONG" {
            Ok(())
        } else {
            Err(ScanError::Protocol(reply))
        }
    })
    .await
}

enum StreamError {
    Socket(io::Error),
    File(io::Error),
}

async fn stream_file(
    socket: &mut Box<dyn Socket>,
    file: &mut tokio::fs::File,
) -> Result<(), StreamError> {
    socket
        .write_all(b"zINSTREAM\0")
        .await
        .map_err(StreamError::Socket)?;
    // The length prefix and the chunk in one buffer, so that each chunk is one write.
    let mut buffer = vec![0u8; 4 + CHUNK_SIZE];
    loop {
        let read = fill(file, &mut buffer[4..])
            .await
            .map_err(StreamError::File)?;
        let length = u32::try_from(read).unwrap_or(u32::MAX);
        buffer[..4].copy_from_slice(&length.to_be_bytes());
        if read == 0 {
            // The zero-length chunk that ends the stream.
            socket
                .write_all(&buffer[..4])
                .await
                .map_err(StreamError::Socket)?;
            break;
        }
        socket
            .write_all(&buffer[..4 + read])
            .await
            .map_err(StreamError::Socket)?;
    }
    socket.flush().await.map_err(StreamError::Socket)
}

/// Reads until `buffer` is full or the file ends; returns how much was read.
async fn fill(file: &mut tokio::fs::File, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]).await? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// clamd's answer: up to its NUL (or the end of the connection), trimmed.
async fn read_reply(socket: &mut Box<dyn Socket>) -> io::Result<String> {
    let mut reply = Vec::new();
    let mut buffer = [0u8; 512];
    while reply.len() < MAX_REPLY {
        let read = socket.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        reply.extend_from_slice(&buffer[..read]);
        if let Some(end) = reply.iter().position(|b| *b == 0) {
            reply.truncate(end);
            break;
        }
    }
    Ok(String::from_utf8_lossy(&reply).trim().to_string())
}

/// `stream: OK`, `stream: <signature> FOUND`, `<reason> ERROR`.
fn parse_scan_reply(reply: &str) -> Result<Verdict, ScanError> {
    if let Some(found) = reply.strip_suffix(" FOUND") {
        let signature = found.strip_prefix("stream:").unwrap_or(found).trim();
        if signature.is_empty() {
            return Err(ScanError::Protocol(reply.to_string()));
        }
        return Ok(Verdict::Infected {
            signature: signature.to_string(),
        });
    }
    if reply == "stream: OK" {
        return Ok(Verdict::Clean);
    }
    if reply.contains("size limit exceeded") {
        return Err(ScanError::TooLarge);
    }
    Err(ScanError::Protocol(reply.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_tcp_or_unix() {
        assert_eq!(
            parse_address("tcp://127.0.0.1:3310").unwrap(),
            Address::Tcp("127.0.0.1:3310")
        );
        assert_eq!(
            parse_address("tcp://clamav.internal:3310/").unwrap(),
            Address::Tcp("clamav.internal:3310")
        );
        assert_eq!(
            parse_address("unix:/run/clamav/clamd.ctl").unwrap(),
            Address::Unix("/run/clamav/clamd.ctl")
        );
        assert_eq!(
            parse_address("unix:///run/clamav/clamd.ctl").unwrap(),
            Address::Unix("/run/clamav/clamd.ctl")
        );
        for bad in [
            "127.0.0.1:3310",
            "tcp://127.0.0.1",
            "tcp://:3310",
            "tcp://host:99999",
            "unix:clamd.ctl",
            "",
        ] {
            assert!(
                matches!(parse_address(bad), Err(ScanError::InvalidAddress(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn replies_are_verdicts_or_errors() {
        assert_eq!(parse_scan_reply("stream: OK").unwrap(), Verdict::Clean);
        assert_eq!(
            parse_scan_reply("stream: Win.Test.EICAR_HDB-1 FOUND").unwrap(),
            Verdict::Infected {
                signature: "Win.Test.EICAR_HDB-1".into()
            }
        );
        assert!(matches!(
            parse_scan_reply("INSTREAM size limit exceeded. ERROR"),
            Err(ScanError::TooLarge)
        ));
        assert!(matches!(
            parse_scan_reply("stream: Can't allocate memory ERROR"),
            Err(ScanError::Protocol(_))
        ));
        assert!(matches!(
            parse_scan_reply("stream:  FOUND"),
            Err(ScanError::Protocol(_))
        ));
        assert!(matches!(parse_scan_reply(""), Err(ScanError::Protocol(_))));
    }
}
