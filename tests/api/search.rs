//! The text index behind `GET /challenges` (docs/search.md): Chinese words of every length, the
//! ranking, visibility that never trusts the index alone, the change feed across instances, a
//! rebuild, and cursor pagination.

use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use jiebang::challenges::search::ChallengeIndex;
use jiebang::startup::Application;
use serde_json::{Value, json};

use crate::helpers::{TestApp, Tokens, assert_problem};
use crate::scenario::{challenge_body, create_challenge, publish};

fn q(words: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(words.as_bytes()).collect();
    format!("q={encoded}")
}

/// A page of `GET /challenges?{query}` once the index has every commit.
async fn list(app: &TestApp, query: &str, token: Option<&Tokens>) -> Value {
    app.search_caught_up().await;
    app.get_ok(
        &format!("/api/v1/challenges?{query}"),
        token.map(|t| t.access.as_str()),
    )
    .await
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["title"].as_str().expect("title").to_string())
        .collect()
}

fn item_ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["id"].as_str().expect("id").to_string())
        .collect()
}

async fn publish_titled(
    app: &TestApp,
    issuer: &Tokens,
    admin: &Tokens,
    title: &str,
    description: &str,
) -> String {
    let mut body = challenge_body(app, title, Duration::days(20));
    body["description"] = json!(description);
    publish(app, issuer, admin, &body).await
}

#[tokio::test]
async fn chinese_words_of_one_to_four_characters_and_two_words_find_their_challenges_title_first() {
    let app = TestApp::spawn().await;
    let (issuer, admin) = (app.issuer().await, app.admin().await);
    for (title, description) in [
        ("船舶防护新工艺", "远洋船舶用高温涂料的自动喷涂与在线检测。"),
        ("高温涂料国产化", "替代进口的耐高温有机硅涂料配方与中试。"),
        ("储能电池热管理", "电芯间隔热材料与液冷板的一体化设计。"),
        ("风电叶片涂层", "叶片前缘防护涂层的耐候性评价方法。"),
    ] {
        publish_titled(&app, &issuer, &admin, title, description).await;
    }

    // One character, a substring of words the dictionary knows and of those it does not.
    let found = titles(&list(&app, &q("涂"), None).await);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(
        found[..2].contains(&"高温涂料国产化".to_string()),
        "{found:?}"
    );
    assert!(
        found[..2].contains(&"风电叶片涂层".to_string()),
        "{found:?}"
    );
    // Two, three and four characters: the match in a title ranks before the one in a description.
    for word in ["涂料", "高温涂", "高温涂料"] {
        let found = titles(&list(&app, &q(word), None).await);
        assert_eq!(found, ["高温涂料国产化", "船舶防护新工艺"], "{word}");
    }
    // Characters that occur, but never side by side, are no match; a pair that spans two
    // dictionary words is (料国 in 涂料国产化).
    assert_eq!(list(&app, &q("料温"), None).await["total"], 0);
    assert_eq!(
        titles(&list(&app, &q("料国"), None).await),
        ["高温涂料国产化"]
    );
    // Two words: both must occur, in the title or the description.
    assert_eq!(
        titles(&list(&app, &q("涂料 船舶"), None).await),
        ["船舶防护新工艺"]
    );
    assert_eq!(list(&app, &q("涂料 电芯"), None).await["total"], 0);
    // Each item says where the words were found.
    let page = list(&app, &q("喷涂"), None).await;
    let highlight = &page["items"][0]["highlight"];
    assert_eq!(
        highlight["title"],
        json!([{"text": "船舶防护新工艺", "hit": false}])
    );
    let hits: Vec<&str> = highlight["description"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["hit"] == true)
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert_eq!(hits, ["喷涂"]);
    // No highlight without q.
    assert!(
        list(&app, "", None).await["items"][0]
            .get("highlight")
            .is_none()
    );
}

#[tokio::test]
async fn a_challenge_the_index_still_shows_is_listed_only_to_whom_the_database_allows() {
    let app = TestApp::spawn().await;
    let (issuer, other, admin) = (app.issuer().await, app.issuer().await, app.admin().await);
    let id = publish_titled(
        &app,
        &issuer,
        &admin,
        "透明导电薄膜",
        "柔性屏用透明导电薄膜。",
    )
    .await;
    assert_eq!(list(&app, &q("导电"), None).await["total"], 1);

    // The challenge is hidden behind the index's back (no change stamped, no notification):
    // the index still finds it, and the database's visibility rule still decides.
    let db = app.db().await;
    db.batch_execute(&format!(
        "ALTER TABLE challenges DISABLE TRIGGER challenges_changed;
         UPDATE challenges SET published_at = NULL, status = 'draft' WHERE id = '{id}';
         ALTER TABLE challenges ENABLE TRIGGER challenges_changed;"
    ))
    .await
    .unwrap();
    for token in [None, Some(&other)] {
        let page = list(&app, &q("导电"), token).await;
        assert!(item_ids(&page).is_empty(), "{page}");
        let page = list(&app, "", token).await;
        assert!(!item_ids(&page).contains(&id), "{page}");
    }
    for token in [&issuer, &admin] {
        assert_eq!(
            item_ids(&list(&app, &q("导电"), Some(token)).await),
            std::slice::from_ref(&id)
        );
    }
}

#[tokio::test]
async fn a_draft_is_found_by_its_issuer_and_admins_only() {
    let app = TestApp::spawn().await;
    let (issuer, other, solver, admin) = (
        app.issuer().await,
        app.issuer().await,
        app.solver().await,
        app.admin().await,
    );
    let draft = create_challenge(
        &app,
        &issuer,
        &challenge_body(&app, "量子点显示草稿", Duration::days(9)),
    )
    .await;
    let id = draft["id"].as_str().unwrap().to_string();
    for token in [None, Some(&other), Some(&solver)] {
        let page = list(&app, &q("量子点"), token).await;
        assert_eq!(page["total"], 0, "{page}");
    }
    for token in [&issuer, &admin] {
        assert_eq!(
            item_ids(&list(&app, &q("量子点"), Some(token)).await),
            std::slice::from_ref(&id)
        );
    }
}

/// Another instance on the same database, with its own index folder.
struct Instance {
    address: String,
    state: actix_web::web::Data<jiebang::state::AppState>,
    handle: actix_web::dev::ServerHandle,
    _dir: tempfile::TempDir,
}

impl Instance {
    async fn start(app: &TestApp, dir: Option<tempfile::TempDir>) -> Instance {
        let dir = dir.unwrap_or_else(|| tempfile::tempdir().unwrap());
        let mut settings = app.state.settings.clone();
        settings.server.bind = "127.0.0.1:0".into();
        settings.jobs.enabled = false;
        settings.search.dir = dir.path().to_path_buf();
        let instance = Application::build(settings)
            .await
            .expect("a second instance");
        let address = format!("http://127.0.0.1:{}", instance.port());
        let (state, handle) = (instance.state(), instance.server_handle());
        tokio::spawn(instance.run_until_stopped());
        Instance {
            address,
            state,
            handle,
            _dir: dir,
        }
    }

    async fn ready(&self) {
        let index = self.state.extensions.get::<ChallengeIndex>().unwrap();
        let started = Instant::now();
        while !index.is_ready() {
            assert!(
                started.elapsed() < StdDuration::from_secs(20),
                "the index never got ready"
            );
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        }
    }

    async fn get(&self, query: &str) -> Value {
        reqwest::get(format!("{}/api/v1/challenges?{query}", self.address))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn stop(self) -> tempfile::TempDir {
        self.handle.stop(true).await;
        self._dir
    }
}

#[tokio::test]
async fn another_instances_change_is_found_within_the_catch_up_time() {
    let app = TestApp::spawn().await;
    let (issuer, admin) = (app.issuer().await, app.admin().await);
    let other = Instance::start(&app, None).await;
    other.ready().await;
    assert_eq!(other.get(&q("钙钛矿")).await["total"], 0);

    publish_titled(&app, &issuer, &admin, "钙钛矿叠层电池", "效率与稳定性。").await;
    let committed = Instant::now();
    loop {
        if other.get(&q("钙钛矿")).await["total"] == 1 {
            break;
        }
        assert!(
            committed.elapsed() < StdDuration::from_secs(2),
            "the other instance did not see the change within 2 s"
        );
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    other.stop().await;
}

#[tokio::test]
async fn a_rebuilt_index_and_a_restarted_one_answer_as_before() {
    let app = TestApp::spawn().await;
    let (issuer, admin) = (app.issuer().await, app.admin().await);
    for (title, description) in [
        ("碳纤维复合材料", "风电叶片用碳纤维。"),
        ("碳化硅器件", "电驱用 SiC 模块。"),
        ("海水淡化膜", "反渗透膜的国产化。"),
    ] {
        publish_titled(&app, &issuer, &admin, title, description).await;
    }
    let queries = [
        q("碳"),
        q("碳纤维"),
        q("SiC"),
        "sort=bounty&per_page=2".into(),
        String::new(),
    ];
    let mut before = Vec::new();
    for query in &queries {
        before.push(list(&app, query, None).await);
    }

    // A new instance builds its index from the whole table.
    let rebuilt = Instance::start(&app, None).await;
    rebuilt.ready().await;
    for (query, expected) in queries.iter().zip(&before) {
        assert_eq!(&rebuilt.get(query).await, expected, "{query}");
    }
    // Stopped, it misses a change; started again on its folder, it catches up from its checkpoint.
    let folder = rebuilt.stop().await;
    publish_titled(&app, &issuer, &admin, "碳中和园区规划", "园区碳排放核算。").await;
    let restarted = Instance::start(&app, Some(folder)).await;
    restarted.ready().await;
    let found = titles(&restarted.get(&q("碳")).await);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found.contains(&"碳中和园区规划".to_string()));
    restarted.stop().await;
}

#[tokio::test]
async fn a_cursor_walks_the_list_without_repeats_or_gaps_while_challenges_are_published() {
    let app = TestApp::spawn().await;
    let (issuer, admin) = (app.issuer().await, app.admin().await);
    let publish_with = async |title: String, bounty: i64| {
        let mut body = challenge_body(&app, &title, Duration::days(20));
        body["bounty_fen"] = json!(bounty);
        publish(&app, &issuer, &admin, &body).await
    };
    // Ten challenges, two of each bounty (ties are ordered by id).
    let mut expected = Vec::new();
    for n in 0..10i64 {
        expected.push(publish_with(format!("原有挑战 {n}"), 1_000_000 * (1 + n / 2)).await);
    }

    let mut seen: Vec<String> = Vec::new();
    let mut page = list(&app, "sort=bounty&per_page=3", None).await;
    let mut inserted = 0;
    loop {
        seen.extend(item_ids(&page));
        let Some(cursor) = page["next_cursor"].as_str().map(str::to_string) else {
            break;
        };
        assert!(page.get("page").is_none() || seen.len() == 3);
        // Between pages: one published behind the cursor (never shown: it sorts before it), one
        // ahead of it (shown once, in its place).
        if inserted < 2 {
            publish_with(format!("新增在前 {inserted}"), 1).await;
            expected.push(publish_with(format!("新增在后 {inserted}"), 900_000_000).await);
            inserted += 1;
        }
        let encoded: String = form_urlencoded::byte_serialize(cursor.as_bytes()).collect();
        page = list(
            &app,
            &format!("sort=bounty&per_page=3&cursor={encoded}"),
            None,
        )
        .await;
    }
    let mut sorted_seen = seen.clone();
    sorted_seen.sort();
    sorted_seen.dedup();
    assert_eq!(
        sorted_seen.len(),
        seen.len(),
        "a challenge came twice: {seen:?}"
    );
    let mut expected_sorted = expected.clone();
    expected_sorted.sort();
    assert_eq!(sorted_seen, expected_sorted);
}

#[tokio::test]
async fn deep_pages_and_wrong_cursors_are_refused_with_what_to_do() {
    let app = TestApp::spawn().await;
    let (issuer, admin) = (app.issuer().await, app.admin().await);
    for n in 0..3 {
        publish_titled(&app, &issuer, &admin, &format!("光刻胶 {n}"), "国产化。").await;
    }
    app.search_caught_up().await;
    let get = async |query: &str| app.get(&format!("/api/v1/challenges?{query}"), None).await;
    let problem = assert_problem(get("page=501&per_page=20").await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "page");
    assert_eq!(problem["errors"][0]["code"], "page_too_deep");
    assert_eq!(get("page=500&per_page=20").await.status(), 200);

    let page = list(&app, "sort=deadline&per_page=2", None).await;
    let cursor = page["next_cursor"]
        .as_str()
        .expect("a full page has a cursor")
        .to_string();
    for (query, code) in [
        (
            format!("sort=deadline&page=2&cursor={cursor}"),
            "page_and_cursor",
        ),
        (format!("sort=-deadline&cursor={cursor}"), "cursor_order"),
        (format!("{}&cursor={cursor}", q("光刻胶")), "cursor_order"),
        ("sort=deadline&cursor=deadline~x~y".to_string(), "invalid"),
        ("sort=deadline&cursor=nonsense".to_string(), "invalid"),
    ] {
        let problem = assert_problem(get(&query).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "cursor", "{query}");
        assert_eq!(problem["errors"][0]["code"], code, "{query}");
    }
    // The last page has no cursor; by relevance there is none either.
    let rest = list(
        &app,
        &format!("sort=deadline&per_page=2&cursor={cursor}"),
        None,
    )
    .await;
    assert_eq!(item_ids(&rest).len(), 1);
    assert!(rest.get("next_cursor").is_none());
    assert!(rest.get("page").is_none());
    let by_relevance = list(&app, &format!("{}&per_page=1", q("光刻胶")), None).await;
    assert!(by_relevance.get("next_cursor").is_none());
}

/// The names on the same list of credit records, from the index and (search off) from
/// PostgreSQL, which must agree.
async fn both_ways(apps: &[(&TestApp, &Tokens)], path: &str) -> Vec<String> {
    let mut answers = Vec::new();
    for (app, admin) in apps {
        app.search_caught_up().await;
        let page = app.get_ok(path, Some(&admin.access)).await;
        let names: Vec<String> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["subject_name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(page["total"], names.len(), "{path}");
        answers.push(names);
    }
    assert_eq!(
        answers[0], answers[1],
        "{path}: the index and PostgreSQL disagree"
    );
    answers.swap_remove(0)
}

#[tokio::test]
async fn credit_records_are_found_by_words_of_the_subjects_name() {
    let indexed = TestApp::spawn().await;
    let plain = TestApp::spawn_with(|s| s.search.enabled = false).await;
    let mut admins = Vec::new();
    for app in [&indexed, &plain] {
        let admin = app.admin().await;
        for (n, (name, severity)) in [
            ("厦门某新材料科技有限公司", "serious"),
            ("福州海洋装备集团有限公司", "general"),
            ("泉州新材料研究院", "general"),
            ("Xiamen Graphene Materials Co.", "general"),
        ]
        .into_iter()
        .enumerate()
        {
            let body = json!({
                "subject_kind": "organization", "subject_code": crate::helpers::new_uscc(),
                "subject_name": name, "severity": severity, "decided_on": "2024-01-02",
                "source_record_id": format!("R-{n}"), "reason": "拒不履行法院判决",
            });
            app.post_created("/api/v1/credit/records", &body, Some(&admin.access))
                .await;
        }
        admins.push(admin);
    }
    let apps = [(&indexed, &admins[0]), (&plain, &admins[1])];
    let path = |query: &str| format!("/api/v1/credit/records?{query}");
    let mut found = both_ways(&apps, &path(&q("新材料"))).await;
    found.sort();
    assert_eq!(found, ["厦门某新材料科技有限公司", "泉州新材料研究院"]);
    assert_eq!(
        both_ways(&apps, &path(&format!("{}&severity=general", q("新材料")))).await,
        ["泉州新材料研究院"]
    );
    assert_eq!(
        both_ways(&apps, &path(&q("有限公司 海洋"))).await,
        ["福州海洋装备集团有限公司"]
    );
    assert_eq!(
        both_ways(&apps, &path("q=graphene")).await,
        ["Xiamen Graphene Materials Co."]
    );
    assert!(both_ways(&apps, &path(&q("新能源"))).await.is_empty());
}

#[tokio::test]
async fn experts_are_found_by_name_title_and_organisation_and_by_field() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let one = app.expert(&admin, 1).create().await;
    let two = app.expert(&admin, 2).fields(&["marine"]).create().await;
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["user_id"].as_str().unwrap().to_string())
            .collect()
    };
    let experts = async |query: &str| {
        app.search_caught_up().await;
        app.get_ok(&format!("/api/v1/experts?{query}"), Some(&admin.access))
            .await
    };
    assert_eq!(
        ids(&experts(&q("专家单位2")).await),
        std::slice::from_ref(&two.id)
    );
    assert_eq!(
        ids(&experts(&q("教授 单位1")).await),
        std::slice::from_ref(&one.id)
    );
    assert_eq!(
        ids(&experts("field=marine").await),
        std::slice::from_ref(&two.id)
    );
    assert!(ids(&experts(&format!("{}&field=marine", q("专家单位1"))).await).is_empty());
    assert_eq!(experts(&q("教授")).await["total"], 2);

    // Renaming the organisation (or the account) reaches the index through the expert's row.
    let db = app.db().await;
    db.batch_execute(&format!(
        "UPDATE organizations SET name = '海洋研究所' WHERE id = \
         (SELECT organization_id FROM users WHERE id = '{}')",
        two.id
    ))
    .await
    .unwrap();
    assert_eq!(
        ids(&experts(&q("海洋研究所")).await),
        std::slice::from_ref(&two.id)
    );
    assert!(ids(&experts(&q("专家单位2")).await).is_empty());
}

#[tokio::test]
async fn a_second_instance_on_the_same_index_folder_is_refused_and_leaves_it_whole() {
    let app = TestApp::spawn().await;
    let (issuer, admin) = (app.issuer().await, app.admin().await);
    publish_titled(&app, &issuer, &admin, "石墨烯散热膜", "手机散热。").await;
    let first = Instance::start(&app, None).await;
    first.ready().await;

    let mut settings = app.state.settings.clone();
    settings.server.bind = "127.0.0.1:0".into();
    settings.jobs.enabled = false;
    settings.search.dir = first._dir.path().to_path_buf();
    let refused = Application::build(settings).await.err().expect("refused");
    assert!(
        format!("{refused:#}").contains("in use by another process"),
        "{refused:#}"
    );
    // The first one still answers from its folder.
    assert_eq!(first.get(&q("石墨烯")).await["total"], 1);
    first.stop().await;
}
