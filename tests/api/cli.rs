//! The `jiebang` binary: `migrate`, `create-admin`, `seed-demo`, and `serve` (creating its
//! database, refusing unsafe production settings, explaining an unreachable PostgreSQL, stopping
//! gracefully on SIGTERM).

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::helpers::database_url;

/// The `jiebang` binary in the test environment, on this database.
pub fn jiebang(database: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jiebang"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("JIEBANG_ENV", "test")
        .env("DATABASE_URL", database)
        .env_remove("RUST_LOG");
    cmd
}

/// A database name that does not exist yet; dropped when this goes out of scope.
struct ScratchDatabase(String);

impl ScratchDatabase {
    fn new() -> Self {
        ScratchDatabase(format!(
            "jiebang_test_{}_{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            Uuid::new_v4().simple()
        ))
    }

    fn url(&self) -> String {
        database_url(&self.0)
    }

    fn query(&self, sql: &str) -> Vec<Vec<String>> {
        let out = Command::new("psql")
            .args([&self.url(), "-Atc", sql])
            .output()
            .expect("psql runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.split('|').map(str::to_string).collect())
            .collect()
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([
                &database_url("postgres"),
                "-qc",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.0),
            ])
            .output();
    }
}

fn run_with_stdin(mut cmd: Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

const GOOD_PASSWORD: &str = "a-long-enough-password";

/// `create-admin`, the password given on standard input.
fn create_admin(db: &ScratchDatabase, email: &str, name: &str, password: &str) -> Output {
    let mut cmd = jiebang(&db.url());
    cmd.args(["create-admin", "--email", email, "--name", name]);
    run_with_stdin(cmd, &format!("{password}\n"))
}

#[test]
fn migrate_creates_the_database_and_create_admin_reads_the_password_from_stdin() {
    let db = ScratchDatabase::new();
    let out = jiebang(&db.url()).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("applied"));
    let again = jiebang(&db.url()).arg("migrate").output().unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("up to date"));

    let out = create_admin(&db, "root@example.gov.cn", "项目办", GOOD_PASSWORD);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = db.query("SELECT email, role, organization_id IS NULL, password_hash FROM users");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "root@example.gov.cn");
    assert_eq!(rows[0][1], "admin");
    assert_eq!(rows[0][2], "t");
    assert!(rows[0][3].starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert_eq!(
        db.query("SELECT action FROM audit_log"),
        vec![vec!["user.create_admin".to_string()]]
    );
    // The password is not echoed anywhere.
    assert!(!String::from_utf8_lossy(&out.stdout).contains(GOOD_PASSWORD));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(GOOD_PASSWORD));

    let out = create_admin(&db, "short@example.gov.cn", "x", "short");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("8 to 128"));

    let out = create_admin(&db, "ROOT@example.gov.cn", "again", GOOD_PASSWORD);
    assert!(!out.status.success(), "duplicate admin email must fail");
}

#[test]
fn seed_demo_prints_working_passwords_and_can_run_twice() {
    let db = ScratchDatabase::new();
    for run in 0..2 {
        let out = jiebang(&db.url()).arg("seed-demo").output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        for email in [
            "admin@demo.jiebang.cn",
            "issuer@demo.jiebang.cn",
            "solver2@demo.jiebang.cn",
            "expert5@demo.jiebang.cn",
        ] {
            assert!(stdout.contains(email), "{stdout}");
        }
        // The story (tests/api/demo.rs) is played once, then kept.
        let story = if run == 0 {
            "Demo story (played"
        } else {
            "Demo story already set up"
        };
        assert!(stdout.contains(story), "{stdout}");
        assert!(
            stdout.contains("海上风电叶片用大丝束碳纤维低成本制备技术"),
            "{stdout}"
        );
    }
    assert_eq!(
        db.query("SELECT status, count(*) FROM challenges GROUP BY status ORDER BY status"),
        vec![
            vec!["awarded".to_string(), "1".to_string()],
            vec!["publicity".to_string(), "1".to_string()],
            vec!["under_review".to_string(), "1".to_string()],
        ]
    );
    let counts = db.query("SELECT role, count(*) FROM users GROUP BY role ORDER BY role");
    assert_eq!(
        counts,
        vec![
            vec!["admin".to_string(), "1".to_string()],
            vec!["expert".to_string(), "5".to_string()],
            vec!["issuer".to_string(), "1".to_string()],
            vec!["solver".to_string(), "2".to_string()],
        ]
    );
    // Every organisation got a valid code (the CHECK constraint) and the two teams differ.
    assert_eq!(db.query("SELECT count(*) FROM organizations")[0][0], "8");

    // Generated challenges for search and load tests, each published one with its closing job.
    let out = jiebang(&db.url())
        .args(["seed-demo", "--challenges", "1500"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Added 1500 demo challenges"));
    // Beside the story's three.
    assert_eq!(db.query("SELECT count(*) FROM challenges")[0][0], "1503");
    assert_eq!(
        db.query(
            "SELECT count(*) FROM challenges c WHERE status = 'published' AND NOT EXISTS \
             (SELECT 1 FROM background_jobs j WHERE j.kind = 'close_bidding' \
              AND j.payload->>'challenge_id' = c.id::text AND j.run_at = c.bid_closes_at)"
        )[0][0],
        "0"
    );
    let published: i64 = db.query("SELECT count(*) FROM challenges WHERE status = 'published'")[0]
        [0]
    .parse()
    .unwrap();
    assert!(
        (700..1100).contains(&published),
        "{published} published of 1500"
    );
    // The first published ones carry a generated specification (a PDF with Chinese text).
    assert_eq!(
        db.query(
            "SELECT count(*) FROM documents d JOIN challenges c ON c.id = d.challenge_id \
             WHERE c.status = 'published' AND d.kind = 'pdf' AND d.file_name LIKE '%需求说明.pdf'"
        )[0][0],
        "20"
    );
}

#[test]
fn production_refuses_the_default_secret() {
    let out = jiebang("postgres://postgres@127.0.0.1:5432/unused")
        .env("JIEBANG_ENV", "production")
        .env_remove("JIEBANG__AUTH__JWT_SECRET")
        .arg("serve")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("JWT secret"));
}

#[test]
fn an_unreachable_database_is_explained() {
    let out = jiebang("postgres://postgres@127.0.0.1:1/jiebang")
        .args(["serve", "--bind", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("127.0.0.1:1"), "{stderr}");
    assert!(stderr.contains("docker compose up -d db"), "{stderr}");
}

#[test]
fn serve_creates_its_database_answers_and_stops_gracefully_on_sigterm() {
    let db = ScratchDatabase::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = jiebang(&db.url())
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let ready = loop {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Read;
            stream
                .write_all(b"GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut response = String::new();
            let _ = stream.read_to_string(&mut response);
            break response;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
    assert_eq!(db.query("SELECT count(*) FROM organizations")[0][0], "0");

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let stopped = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopped.elapsed() < Duration::from_secs(20),
            "server did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}
