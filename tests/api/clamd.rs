//! The virus scan against a real clamd on loopback (`TestClamd`), with a signature database the
//! test writes itself: the EICAR test string by MD5 (`.hdb`), and a 200 kB file spanning four
//! chunks by SHA-256 (`.hsb`), so a verdict of "infected" on it shows the chunks arrived whole and
//! in order. Nothing is read from /var/lib/clamav and nothing is downloaded. clamd is Debian's
//! `clamav-daemon` (`.ci/run` installs it); with this database it answers PING in well under a
//! second.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use jiebang::documents::clamd::{self, CHUNK_SIZE, ClamdSettings, ScanError, Verdict};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// The EICAR anti-virus test file (68 bytes), in two halves so that this source file is not one.
pub const EICAR: &str = concat!(
    "X5O!P%@AP[4\\PZX54(P^)7CC)7}$",
    "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
);
/// Its MD5, as every anti-virus vendor lists it.
const EICAR_MD5: &str = "44d88612fea8a8f36de82e1278abb02f";
/// The name the test database gives it (clamd reports `Jiebang.Test.EICAR.UNOFFICIAL`).
pub const EICAR_SIGNATURE: &str = "Jiebang.Test.EICAR";

/// A deterministic file of `len` bytes that no signature but ours names.
fn pseudo_random(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x9E37_79B9;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

/// The size of the file the `.hsb` signature names: three whole chunks and a part.
const LARGE_LEN: usize = 3 * CHUNK_SIZE + 4_000;

/// A clamd of the test's own on a free loopback port, its database, config and log in a temp dir;
/// killed when dropped.
pub struct TestClamd {
    child: Option<Child>,
    dir: TempDir,
    port: u16,
    pub started_in: Duration,
}

impl TestClamd {
    /// clamd with `StreamMaxLength 60M`.
    pub async fn start() -> Self {
        Self::with_stream_max_length("60M").await
    }

    pub async fn with_stream_max_length(limit: &str) -> Self {
        Self::launch(limit, false).await
    }

    /// clamd listening on a Unix socket (`clamd.ctl` in its temp dir) as well, as Debian's does.
    pub async fn with_local_socket() -> Self {
        Self::launch("60M", true).await
    }

    async fn launch(limit: &str, local_socket: bool) -> Self {
        let clamd = which("clamd")
            .expect("clamd is not installed: `apt-get install -y clamav-daemon` (.ci/run does it)");
        let dir = tempfile::tempdir().unwrap();
        let signatures = format!("{EICAR_MD5}:{}:{EICAR_SIGNATURE}\n", EICAR.len());
        std::fs::write(dir.path().join("jiebang-test.hdb"), signatures).unwrap();
        let large = hex(&Sha256::digest(pseudo_random(LARGE_LEN)));
        std::fs::write(
            dir.path().join("jiebang-test.hsb"),
            format!("{large}:{LARGE_LEN}:Jiebang.Test.Large\n"),
        )
        .unwrap();

        // A free port: bind port 0, note it, let it go (clamd takes it a moment later).
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let d = dir.path().display();
        // No `User`: clamd stays the user that starts it. No `LocalSocket` unless asked for.
        let mut config = format!(
            "Foreground yes\n\
             TCPSocket {port}\n\
             TCPAddr 127.0.0.1\n\
             DatabaseDirectory {d}\n\
             LogFile {d}/clamd.log\n\
             PidFile {d}/clamd.pid\n\
             TemporaryDirectory {d}\n\
             StreamMaxLength {limit}\n"
        );
        if local_socket {
            config.push_str(&format!("LocalSocket {d}/clamd.ctl\n"));
        }
        let config_path = dir.path().join("clamd.conf");
        std::fs::write(&config_path, config).unwrap();

        let begun = Instant::now();
        let child = Command::new(clamd)
            .arg(format!("--config-file={}", config_path.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("clamd starts");
        let mut test = Self {
            child: Some(child),
            dir,
            port,
            started_in: Duration::ZERO,
        };
        let settings = test.settings();
        loop {
            if clamd::ping(&settings).await.is_ok() {
                break;
            }
            if let Some(status) = test.child.as_mut().and_then(|c| c.try_wait().unwrap()) {
                panic!("clamd exited with {status}; its log:\n{}", test.log());
            }
            assert!(
                begun.elapsed() < Duration::from_secs(60),
                "clamd did not answer PING within 60 s; its log:\n{}",
                test.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        test.started_in = begun.elapsed();
        test
    }

    pub fn settings(&self) -> ClamdSettings {
        ClamdSettings {
            address: format!("tcp://127.0.0.1:{}", self.port),
            timeout_ms: 10_000,
        }
    }

    /// The settings that reach this clamd through its Unix socket.
    pub fn unix_settings(&self) -> ClamdSettings {
        ClamdSettings {
            address: format!("unix:{}", self.dir.path().join("clamd.ctl").display()),
            timeout_ms: 10_000,
        }
    }

    /// A file in clamd's temp dir.
    pub fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("clamd.log")).unwrap_or_default()
    }

    /// Stops clamd and waits until it has exited.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for TestClamd {
    fn drop(&mut self) {
        self.stop();
    }
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn infected(verdict: Verdict) -> String {
    match verdict {
        Verdict::Infected { signature } => signature,
        Verdict::Clean => panic!("expected an infected verdict, got Clean"),
    }
}

#[tokio::test]
async fn eicar_is_infected_and_a_clean_file_is_clean() {
    let clamd = TestClamd::start().await;
    eprintln!("clamd answered PING after {:?}", clamd.started_in);
    let settings = clamd.settings();

    let eicar = clamd.file("eicar.txt", EICAR.as_bytes());
    let signature = infected(clamd::scan(&settings, &eicar).await.unwrap());
    assert!(signature.contains(EICAR_SIGNATURE), "{signature}");

    // Several chunks, and the EICAR string inside: an .hdb signature is a whole-file hash, so
    // this file is clean.
    let mut content = pseudo_random(LARGE_LEN + 1);
    content.extend_from_slice(EICAR.as_bytes());
    let clean = clamd.file("clean.bin", &content);
    assert_eq!(
        clamd::scan(&settings, &clean).await.unwrap(),
        Verdict::Clean
    );

    let chinese = clamd.file("说明.txt", "揭榜挂帅：需求说明".as_bytes());
    assert_eq!(
        clamd::scan(&settings, &chinese).await.unwrap(),
        Verdict::Clean
    );
    let empty = clamd.file("empty", b"");
    assert_eq!(
        clamd::scan(&settings, &empty).await.unwrap(),
        Verdict::Clean
    );
}

#[tokio::test]
async fn a_file_of_several_chunks_reaches_clamd_whole_and_in_order() {
    let clamd = TestClamd::start().await;
    let settings = clamd.settings();
    let large = clamd.file("large.bin", &pseudo_random(LARGE_LEN));
    let signature = infected(clamd::scan(&settings, &large).await.unwrap());
    assert!(signature.contains("Jiebang.Test.Large"), "{signature}");

    // One byte changed in the last chunk: no longer the file the signature names.
    let mut changed = pseudo_random(LARGE_LEN);
    changed[LARGE_LEN - 1] ^= 1;
    let changed = clamd.file("changed.bin", &changed);
    assert_eq!(
        clamd::scan(&settings, &changed).await.unwrap(),
        Verdict::Clean
    );
}

#[tokio::test]
async fn a_file_over_stream_max_length_is_too_large() {
    let clamd = TestClamd::with_stream_max_length("1M").await;
    let settings = clamd.settings();
    let big = clamd.file("big.bin", &pseudo_random(3 * 1024 * 1024));
    let error = clamd::scan(&settings, &big).await.unwrap_err();
    assert!(matches!(error, ScanError::TooLarge), "{error:?}");

    // clamd still serves the next scan.
    let eicar = clamd.file("eicar.txt", EICAR.as_bytes());
    let signature = infected(clamd::scan(&settings, &eicar).await.unwrap());
    assert!(signature.contains(EICAR_SIGNATURE), "{signature}");
}

#[tokio::test]
async fn a_stopped_clamd_is_unreachable() {
    let mut clamd = TestClamd::start().await;
    let settings = clamd.settings();
    let file = clamd.file("eicar.txt", EICAR.as_bytes());
    clamd.stop();

    let error = clamd::scan(&settings, &file).await.unwrap_err();
    assert!(matches!(error, ScanError::Unreachable { .. }), "{error:?}");
    let error = clamd::ping(&settings).await.unwrap_err();
    assert!(matches!(error, ScanError::Unreachable { .. }), "{error:?}");

    // A Unix socket that is not there: unreachable too.
    let nowhere = ClamdSettings {
        address: format!("unix:{}", clamd.dir.path().join("clamd.ctl").display()),
        timeout_ms: 1_000,
    };
    let error = clamd::scan(&nowhere, &file).await.unwrap_err();
    assert!(matches!(error, ScanError::Unreachable { .. }), "{error:?}");
}

#[tokio::test]
async fn clamd_answers_on_a_unix_socket_too() {
    let clamd = TestClamd::with_local_socket().await;
    let settings = clamd.unix_settings();
    clamd::ping(&settings).await.unwrap();
    let eicar = clamd.file("eicar.txt", EICAR.as_bytes());
    let signature = infected(clamd::scan(&settings, &eicar).await.unwrap());
    assert!(signature.contains(EICAR_SIGNATURE), "{signature}");
    let large = clamd.file("large.bin", &pseudo_random(LARGE_LEN));
    let signature = infected(clamd::scan(&settings, &large).await.unwrap());
    assert!(signature.contains("Jiebang.Test.Large"), "{signature}");
}

#[tokio::test]
async fn a_silent_server_times_out() {
    // Accepts connections and reads, but never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            held.push(tokio::spawn(async move {
                let _ = tokio::io::copy(&mut socket, &mut tokio::io::sink()).await;
                tokio::time::sleep(Duration::from_secs(60)).await;
            }));
        }
    });
    let settings = ClamdSettings {
        address: format!("tcp://127.0.0.1:{port}"),
        timeout_ms: 300,
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file.txt");
    std::fs::write(&file, b"hello").unwrap();

    let begun = Instant::now();
    let error = clamd::scan(&settings, &file).await.unwrap_err();
    assert!(matches!(error, ScanError::Timeout(300)), "{error:?}");
    assert!(begun.elapsed() < Duration::from_secs(3));
    let error = clamd::ping(&settings).await.unwrap_err();
    assert!(matches!(error, ScanError::Timeout(300)), "{error:?}");
    server.abort();
}

#[tokio::test]
async fn a_missing_file_is_a_file_error() {
    let settings = ClamdSettings {
        address: "tcp://127.0.0.1:9".into(),
        timeout_ms: 1_000,
    };
    let error = clamd::scan(&settings, Path::new("/nonexistent/file.pdf"))
        .await
        .unwrap_err();
    assert!(matches!(error, ScanError::File(_)), "{error:?}");
}
