//! Users, sessions, tokens and login attempts, on SQLite and on PostgreSQL (the same
//! story on both; PostgreSQL in a fresh schema when `VEILLE_TEST_DATABASE_URL` is set).

#![allow(clippy::unwrap_used, clippy::expect_used, unused_macros)]

mod common;

use chrono::{Duration, Utc};
use uuid::Uuid;
use veille_store::{
    ApiToken, AuthError, AuthStore, EventFilter, PgStore, Session, SqliteStore, Store,
};

async fn story(a: &dyn AuthStore) {
    let u = a
        .create_user("amina", "analyst", "fr", "$argon2id$fake-hash", "admin")
        .await
        .unwrap();
    assert_eq!(u.role, "analyst");
    assert!(!u.disabled);
    let dup = a
        .create_user("amina", "viewer", "en", "x", "admin")
        .await
        .unwrap_err();
    assert_eq!(dup.to_string(), "user 'amina' already exists");
    assert!(matches!(dup, AuthError::UserExists(_)));

    // The hash never leaves in JSON.
    let json = serde_json::to_string(&u).unwrap();
    assert!(!json.contains("argon2"), "{json}");

    a.set_role("amina", "protection_officer", "admin")
        .await
        .unwrap();
    assert_eq!(
        a.user_by_name("amina").await.unwrap().unwrap().role,
        "protection_officer"
    );
    let missing = a.set_role("nobody", "viewer", "admin").await.unwrap_err();
    assert_eq!(missing.to_string(), "no user named 'nobody'");

    // Sessions end when the password changes or the user is disabled.
    let s = Session {
        id_hash: "h1".into(),
        user_id: u.id,
        csrf_token: "csrf".into(),
        created_at: Utc::now(),
        expires_at: Utc::now() + Duration::hours(8),
    };
    a.create_session(&s).await.unwrap();
    let back = a.session("h1").await.unwrap().unwrap();
    assert_eq!(back.user_id, u.id);
    assert_eq!(back.csrf_token, "csrf");
    a.set_password("amina", "$argon2id$new", "amina")
        .await
        .unwrap();
    assert!(a.session("h1").await.unwrap().is_none());
    assert_eq!(
        a.user_by_name("amina")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "$argon2id$new"
    );
    a.create_session(&Session {
        id_hash: "h2".into(),
        ..s.clone()
    })
    .await
    .unwrap();
    a.set_disabled("amina", true, "admin").await.unwrap();
    assert!(a.session("h2").await.unwrap().is_none());
    assert!(a.user_by_name("amina").await.unwrap().unwrap().disabled);
    a.set_disabled("amina", false, "admin").await.unwrap();

    // Tokens are found by digest, with their scopes.
    let t = ApiToken {
        id: Uuid::now_v7(),
        token_hash: "digest".into(),
        user_id: u.id,
        name: "sms-gateway".into(),
        scopes: vec!["events:read".into(), "drafts:write".into()],
        created_at: Utc::now(),
        expires_at: None,
        revoked: false,
    };
    a.create_token(&t).await.unwrap();
    let got = a.token_by_hash("digest").await.unwrap().unwrap();
    assert_eq!(got.scopes, t.scopes);
    assert_eq!(got.user_id, u.id);
    assert!(a.token_by_hash("other").await.unwrap().is_none());

    // Failed logins are counted per name and time window.
    let before = Utc::now() - Duration::seconds(1);
    a.record_login("amina", false, "127.0.0.1").await.unwrap();
    a.record_login("amina", false, "127.0.0.1").await.unwrap();
    a.record_login("amina", true, "127.0.0.1").await.unwrap();
    a.record_login("bob", false, "127.0.0.1").await.unwrap();
    assert_eq!(a.failed_logins_since("amina", before).await.unwrap(), 2);
    assert_eq!(
        a.failed_logins_since("amina", Utc::now() + Duration::seconds(5))
            .await
            .unwrap(),
        0
    );
    assert_eq!(a.list_users().await.unwrap().len(), 1);
}

/// Every read path filters by the caller's clearance in SQL (so counts and pages agree).
async fn sensitivity_story(st: &dyn Store) {
    use veille_model::{Event, Sensitivity, SubEventType};
    let mut ids = Vec::new();
    for (i, s) in Sensitivity::ALL.iter().enumerate() {
        let mut e = Event::new(
            common::day(2020, 6, 1 + i as u32),
            SubEventType::Attack,
            "MLI",
            "t",
            common::t0(),
        );
        e.id = common::id(100 + i as u128);
        e.sensitivity = *s;
        st.create_event(&e, "t", None).await.unwrap();
        ids.push(e.id);
    }
    for (max, n) in [
        (Sensitivity::Public, 1u64),
        (Sensitivity::Restricted, 2),
        (Sensitivity::Confidential, 3),
        (Sensitivity::StrictlyConfidential, 4),
    ] {
        let f = EventFilter {
            max_sensitivity: Some(max),
            ..EventFilter::default()
        };
        assert_eq!(st.count_events(&f).await.unwrap(), n, "{max:?}");
        let listed = st.list_events(&f).await.unwrap();
        assert_eq!(listed.len() as u64, n);
        assert!(listed.iter().all(|e| e.sensitivity <= max));
    }
    assert_eq!(st.count_events(&EventFilter::default()).await.unwrap(), 4);
}

#[tokio::test]
async fn sqlite_sensitivity_filter() {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&dir.path().join("s.db")).await.unwrap();
    sensitivity_story(&s).await;
}

#[tokio::test]
async fn postgres_sensitivity_filter() {
    let Some(url) = common::pg_url() else { return };
    let schema = format!("vt_sens_{}", std::process::id());
    let s = PgStore::connect_in_schema(&url, &schema).await.unwrap();
    sensitivity_story(&s).await;
    s.drop_schema().await.unwrap();
}

#[tokio::test]
async fn sqlite_auth_story() {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&dir.path().join("a.db")).await.unwrap();
    story(&s).await;
}

#[tokio::test]
async fn postgres_auth_story() {
    let Some(url) = common::pg_url() else { return };
    let schema = format!("vt_auth_{}", std::process::id());
    let s = PgStore::connect_in_schema(&url, &schema).await.unwrap();
    story(&s).await;
    s.drop_schema().await.unwrap();
}
