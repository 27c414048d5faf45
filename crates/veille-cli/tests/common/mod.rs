//! Helpers shared by the end-to-end tests: run the real `veille` binary on a test
//! database and read its output.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A file of the repository, by path relative to its root.
pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// Runs `veille --db DB ARGS…` as user "tester", ignoring any `DATABASE_URL`.
pub fn veille(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_veille"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("VEILLE_USER", "tester")
        .output()
        .expect("run veille")
}

/// Standard output of a run that must have succeeded (else fails with everything it said).
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard output of a successful run, parsed as JSON.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&ok(out)).expect("JSON output")
}

/// Runs `veille --db DB ARGS…` as user "tester" with `input` on standard input.
pub fn veille_with_stdin(db: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_veille"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("VEILLE_USER", "tester")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run veille");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait for veille")
}

/// The real UCDP GED files shipped in data/ucdp.
pub const GED_FILES: [&str; 2] = [
    "data/ucdp/ged231_sample1000_mali.csv",
    "data/ucdp/ged_candidate_v26_0_7_mali_extract.csv",
];

/// Imports both shipped GED files into `db`.
pub fn import_ged(db: &Path) {
    for f in GED_FILES {
        ok(&veille(db, &["import", data(f).to_str().unwrap()]));
    }
}

/// The trimmed standard error of a command that must fail.
pub fn err(out: &Output) -> String {
    assert!(!out.status.success(), "expected failure");
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}
