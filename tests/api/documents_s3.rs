//! Documents in an S3-compatible store: the `s3` store of `object_store`, against a real S3
//! server on loopback (moto's, `pip install "moto[server]"`; `.ci/run` installs it).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use jiebang::config::{DocumentStore, S3Settings};
use secrecy::SecretString;

use crate::documents::{pdf, upload_ok};
use crate::helpers::{TestApp, id_of};

const BUCKET: &str = "jiebang-documents";

/// An S3 server of its own, killed when dropped.
struct TestS3 {
    child: Child,
    endpoint: String,
}

impl TestS3 {
    async fn start() -> TestS3 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server runs (pip install \"moto[server]\")");
        let server = TestS3 {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..100 {
            let bucket = client.put(format!("{}/{BUCKET}", server.endpoint));
            if let Ok(resp) = bucket.send().await
                && resp.status().is_success()
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto_server did not answer on {}", server.endpoint);
    }

    fn settings(&self) -> S3Settings {
        S3Settings {
            bucket: BUCKET.to_string(),
            endpoint: Some(self.endpoint.clone()),
            region: "us-east-1".to_string(),
            access_key_id: "testing".to_string(),
            secret_access_key: SecretString::from("testing"),
            allow_http: true,
        }
    }
}

impl Drop for TestS3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn documents_go_to_and_come_from_an_s3_bucket() {
    let s3 = TestS3::start().await;
    let settings = s3.settings();
    let app = TestApp::spawn_with(|s| {
        s.documents.store = DocumentStore::S3;
        s.documents.s3 = Some(settings);
    })
    .await;
    let admin = app.admin().await;
    let issuer =
        crate::scenario::party(&app, "issuer", &crate::helpers::new_uscc(), "发榜企业").await;
    let body =
        crate::scenario::challenge_body(&app, "高性能碳纤维复合材料", chrono::Duration::days(10));
    let id = id_of(&crate::scenario::create_challenge(&app, &issuer, &body).await);
    let bytes = pdf("需求说明", "发榜企业");
    let path = format!("/api/v1/challenges/{id}/documents");
    let doc = upload_ok(&app, &path, "需求说明.pdf", bytes.clone(), &issuer.access).await;
    let sha = doc["sha256"].as_str().unwrap().to_string();

    // The object is in the bucket under its hash.
    let key = format!(
        "{}/{BUCKET}/sha256/{}/{}/{sha}",
        s3.endpoint,
        &sha[..2],
        &sha[2..4]
    );
    let stored = reqwest::get(&key).await.unwrap();
    assert_eq!(stored.status(), 200);
    assert_eq!(stored.bytes().await.unwrap().to_vec(), bytes);

    let download = format!("/api/v1/documents/{}", id_of(&doc));
    let resp = app.get(&download, Some(&admin.access)).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.bytes().await.unwrap().to_vec(), bytes);
    let part = app
        .client
        .get(app.url(&download))
        .bearer_auth(&admin.access)
        .header("range", "bytes=5-14")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap().as_ref(), &bytes[5..15]);
    // The same content again is not written twice: one object in the bucket.
    upload_ok(&app, &path, "需求说明-副本.pdf", bytes, &issuer.access).await;
    let listing = reqwest::get(format!("{}/{BUCKET}?list-type=2", s3.endpoint))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(listing.matches("<Key>").count(), 1, "{listing}");
}
