//! `veille user` and `veille serve` as processes: accounts from the CLI, a real HTTP
//! login against the served API, and a graceful stop on SIGTERM.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{ok, veille, veille_with_stdin};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn user_add(db: &std::path::Path, name: &str, role: &str, pw: &str) -> std::process::Output {
    veille_with_stdin(
        db,
        &["user", "add", name, "--role", role, "--password-stdin"],
        &format!("{pw}\n"),
    )
}

/// One HTTP/1.1 request over a plain socket; returns (status, headers+body text).
fn http(addr: &str, req: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, out)
}

#[test]
fn users_from_the_cli_log_in_over_http_and_the_server_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");

    let added = ok(&user_add(&db, "amina", "analyst", "a long enough password"));
    assert!(added.contains("added user amina (analyst)"), "{added}");
    let short = user_add(&db, "bob", "viewer", "short");
    assert!(!short.status.success());
    assert!(
        String::from_utf8_lossy(&short.stderr).contains("password must be at least 10 characters")
    );
    let bad_role = veille(&db, &["user", "add", "carl", "--role", "root"]);
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("unknown role 'root'"));
    let dup = user_add(&db, "amina", "viewer", "another long password");
    assert!(String::from_utf8_lossy(&dup.stderr).contains("user 'amina' already exists"));
    // A generated password is printed once and never stored in clear.
    let gen = ok(&veille(&db, &["user", "add", "dina", "--role", "viewer"]));
    assert!(gen.contains("one-time password"), "{gen}");
    let list = ok(&veille(&db, &["user", "list"]));
    assert!(list.contains("amina") && list.contains("dina") && !list.contains("argon2"));
    ok(&veille(
        &db,
        &["user", "role", "dina", "protection_officer"],
    ));
    let token = ok(&veille(
        &db,
        &[
            "user",
            "token",
            "amina",
            "--label",
            "script",
            "--scope",
            "events:read",
        ],
    ));
    assert!(token.contains("shown once: vt_"), "{token}");

    let mut server = Command::new(env!("CARGO_BIN_EXE_veille"))
        .arg("--db")
        .arg(&db)
        .args(["serve", "--addr", "127.0.0.1:0", "--insecure-cookies"])
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_string();

    let (st, body) = http(
        &addr,
        &format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(st, 200, "{body}");
    let login = r#"{"username":"amina","password":"a long enough password"}"#;
    let (st, resp) = http(
        &addr,
        &format!(
            "POST /api/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{login}",
            login.len()
        ),
    );
    assert_eq!(st, 200, "{resp}");
    assert!(
        resp.to_lowercase().contains("set-cookie: veille_session="),
        "{resp}"
    );
    assert!(!resp.contains("; Secure"), "--insecure-cookies");

    // SIGTERM: the server finishes and says so.
    let kill = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = server.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        rest.iter().any(|l| l == "veille: stopped cleanly"),
        "{rest:?}"
    );
}
