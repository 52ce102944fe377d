//! A PostgreSQL cluster of a test's own, for tests that stop and start the database: the shared
//! server at 127.0.0.1:5432 serves every other test at the same time and is never stopped.
//!
//! `PrivateCluster::start()` runs `initdb` into a fresh folder under the system's temporary
//! directory (trust authentication, no locale: English messages), and starts `postgres` on a free
//! port of 127.0.0.1 with its unix socket in that folder and fsync off (`-F`). `stop`/`restart`
//! stop it (`pg_ctl stop -m fast|immediate`) and start it again on the same port. Dropping it
//! stops the server and removes the folder, also when the test fails (a panic unwinds through
//! the drop).
//!
//! PostgreSQL refuses to run as root: when the tests run as root (containers, CI images), every
//! command runs as the `postgres` user through `runuser -u postgres --`, and the folder is given
//! to that user. The binaries are found in `$PG_BIN`, else the newest
//! `/usr/lib/postgresql/<version>/bin`, else `pg_config --bindir`.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use uuid::Uuid;

/// How a running cluster is stopped (`pg_ctl stop -m`).
#[derive(Debug, Clone, Copy)]
pub enum StopMode {
    /// Sessions are ended with 57P01 `admin_shutdown` ("terminating connection due to
    /// administrator command").
    Fast,
    /// The server quits at once, as if it crashed; sessions just lose their connection.
    Immediate,
}

pub struct PrivateCluster {
    dir: PathBuf,
    bin: PathBuf,
    pub port: u16,
    /// Run as `postgres` (the tests run as root).
    as_postgres: bool,
}

impl PrivateCluster {
    /// A new cluster, started.
    pub fn start() -> PrivateCluster {
        let dir = std::env::temp_dir().join(format!("jiebang-pg-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("a folder for the private cluster");
        let as_postgres = std::fs::metadata("/proc/self")
            .map(|m| m.uid())
            .unwrap_or(1)
            == 0;
        let cluster = PrivateCluster {
            bin: pg_bin(),
            port: free_port(),
            as_postgres,
            dir,
        };
        if as_postgres {
            let chown = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&cluster.dir)
                .output()
                .expect("chown runs");
            assert!(chown.status.success(), "chown: {}", text(&chown));
        }
        cluster.run(
            "initdb",
            &[
                "-D",
                &cluster.data().to_string_lossy(),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
        );
        cluster.start_server();
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// The URL of database `name` in this cluster.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// Starts the server again (after [`PrivateCluster::stop`]), waiting until it accepts.
    pub fn start_server(&self) {
        let options = format!(
            "-F -p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=50",
            self.port,
            self.dir.display()
        );
        self.run(
            "pg_ctl",
            &[
                "start",
                "-w",
                "-t",
                "30",
                "-D",
                &self.data().to_string_lossy(),
                "-l",
                &self.dir.join("server.log").to_string_lossy(),
                "-o",
                &options,
            ],
        );
    }

    /// Stops the server, waiting until it is down.
    pub fn stop(&self, mode: StopMode) {
        let mode = match mode {
            StopMode::Fast => "fast",
            StopMode::Immediate => "immediate",
        };
        self.run(
            "pg_ctl",
            &[
                "stop",
                "-w",
                "-t",
                "30",
                "-m",
                mode,
                "-D",
                &self.data().to_string_lossy(),
            ],
        );
    }

    /// What the server logged (for a failing test's message).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let output = self
            .command(program)
            .args(args)
            .current_dir(&self.dir)
            .output()
            .unwrap_or_else(|e| panic!("{program} cannot run: {e}"));
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}\n{}",
            text(&output),
            self.log()
        );
        output
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        // Whatever state it is in: stopped already is fine.
        let _ = self
            .command("pg_ctl")
            .args(["stop", "-w", "-m", "immediate", "-D"])
            .arg(self.data())
            .current_dir(std::env::temp_dir())
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn pg_bin() -> PathBuf {
    if let Some(dir) = std::env::var_os("PG_BIN") {
        return PathBuf::from(dir);
    }
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .and_then(|dirs| {
            dirs.filter_map(Result::ok)
                .filter_map(|d| {
                    let version: u32 = d.file_name().to_str()?.parse().ok()?;
                    let bin = d.path().join("bin");
                    Path::new(&bin.join("initdb"))
                        .exists()
                        .then_some((version, bin))
                })
                .max_by_key(|(version, _)| *version)
                .map(|(_, bin)| bin)
        });
    newest.unwrap_or_else(|| {
        let output = Command::new("pg_config")
            .arg("--bindir")
            .output()
            .expect("PostgreSQL's binaries: set PG_BIN, or install pg_config");
        PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
    })
}

#[test]
fn a_private_cluster_starts_stops_and_is_removed() {
    let cluster = PrivateCluster::start();
    let dir = cluster.dir.clone();
    assert!(dir.join("data/PG_VERSION").exists());
    let up = std::net::TcpStream::connect(("127.0.0.1", cluster.port));
    assert!(up.is_ok(), "the server listens on {}", cluster.port);
    cluster.stop(StopMode::Fast);
    assert!(std::net::TcpStream::connect(("127.0.0.1", cluster.port)).is_err());
    cluster.start_server();
    drop(cluster);
    assert!(!dir.exists(), "the folder is removed");
}
