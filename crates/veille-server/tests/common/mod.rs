//! The test harness shared by the HTTP API tests: a real server on a loopback port over
//! a temporary SQLite file or a PostgreSQL schema (`VEILLE_TEST_DATABASE_URL`), users,
//! logged-in browsers (cookie + CSRF token) and the error-shape readers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;
use veille_server::{auth, AppState, Config, Role};
use veille_store::{AuthStore, PgStore, SqliteStore, Store};

pub const PASSWORD: &str = "correct horse battery";

pub struct Server {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub auth: Arc<dyn AuthStore>,
    pub stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    pub pg: Option<PgStore>,
    pub _dir: Option<tempfile::TempDir>,
}

impl Server {
    async fn start(
        store: Arc<dyn Store>,
        auth: Arc<dyn AuthStore>,
    ) -> (
        String,
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<std::io::Result<()>>,
    ) {
        let config = Config {
            secure_cookies: false,
            login_max_failures: 3,
            max_body_bytes: 64 * 1024,
            ..Config::default()
        };
        let state = Arc::new(AppState::new(store, auth, config).unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(veille_server::serve(listener, state, async move {
            let _ = rx.await;
        }));
        (base, tx, task)
    }

    pub async fn sqlite() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let s = Arc::new(SqliteStore::open(&dir.path().join("api.db")).await.unwrap());
        let (base, stop, task) = Self::start(s.clone(), s.clone()).await;
        Server {
            base,
            store: s.clone(),
            auth: s,
            stop: Some(stop),
            task: Some(task),
            pg: None,
            _dir: Some(dir),
        }
    }

    pub async fn postgres(name: &str) -> Option<Server> {
        let url = match std::env::var("VEILLE_TEST_DATABASE_URL") {
            Ok(u) if !u.trim().is_empty() => u,
            _ => {
                assert_ne!(
                    std::env::var("VEILLE_REQUIRE_POSTGRES").as_deref(),
                    Ok("1"),
                    "VEILLE_REQUIRE_POSTGRES=1 but VEILLE_TEST_DATABASE_URL is not set"
                );
                println!("skipped: VEILLE_TEST_DATABASE_URL is not set");
                return None;
            }
        };
        let schema = format!("vt_api_{name}_{}", std::process::id());
        let s = Arc::new(PgStore::connect_in_schema(&url, &schema).await.unwrap());
        let (base, stop, task) = Self::start(s.clone(), s.clone()).await;
        Some(Server {
            base,
            store: s.clone(),
            auth: s.clone(),
            stop: Some(stop),
            task: Some(task),
            pg: Some((*s).clone()),
            _dir: None,
        })
    }

    pub async fn finish(mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).unwrap();
        }
        if let Some(t) = self.task.take() {
            t.await.unwrap().unwrap();
        }
        if let Some(pg) = self.pg.take() {
            pg.drop_schema().await.unwrap();
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn user(&self, name: &str, role: Role) {
        let h = auth::hash_password(PASSWORD).unwrap();
        self.auth
            .create_user(name, role.code(), "en", &h, "test")
            .await
            .unwrap();
    }
}

/// A logged-in browser: the server's address, its cookie and CSRF token.
pub struct Browser {
    pub base: String,
    pub cookie: String,
    pub csrf: String,
}

impl Browser {
    /// GET with the session cookie.
    pub async fn get(&self, path: &str) -> Response {
        client()
            .get(format!("{}{path}", self.base))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .unwrap()
    }

    /// The JSON of a `200` GET, failing with the path otherwise.
    pub async fn json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.json().await.unwrap()
    }

    /// A JSON POST with the session cookie and the CSRF token.
    pub async fn post(&self, path: &str, body: &Value) -> Response {
        client()
            .post(format!("{}{path}", self.base))
            .header(COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// A JSON POST with the session cookie but no CSRF token.
    pub async fn post_no_csrf(&self, path: &str, body: &Value) -> Response {
        client()
            .post(format!("{}{path}", self.base))
            .header(COOKIE, &self.cookie)
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

pub fn client() -> Client {
    Client::builder().build().unwrap()
}

pub async fn login(s: &Server, name: &str) -> Browser {
    let r = client()
        .post(s.url("/api/login"))
        .json(&json!({"username": name, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "login {name}");
    let set = r
        .headers()
        .get(SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_string();
    let body: Value = r.json().await.unwrap();
    assert!(body["user"].get("password_hash").is_none());
    Browser {
        base: s.base.clone(),
        cookie,
        csrf: body["csrf_token"].as_str().unwrap().to_string(),
    }
}

pub async fn error_code(r: Response) -> (StatusCode, String) {
    let (st, code, _) = error(r).await;
    (st, code)
}

/// Status, code and message of an error answer.
pub async fn error(r: Response) -> (StatusCode, String, String) {
    let st = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    (
        st,
        v["error"]["code"]
            .as_str()
            .unwrap_or("<no error body>")
            .to_string(),
        v["error"]["message"].as_str().unwrap_or("").to_string(),
    )
}

/// The JSON of a successful answer, failing with its body otherwise.
pub async fn ok_json(r: Response, want: StatusCode) -> Value {
    let st = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(st, want, "{text}");
    serde_json::from_str(&text).unwrap()
}
