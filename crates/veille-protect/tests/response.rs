//! The response matrix: the shipped file loads and answers every warning the detectors
//! raise; malformed files are refused with file, line and reason.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use veille_protect::response::{ResponseMatrix, Tier};
use veille_protect::warnings::{WarningKind, WarningLevel};
use veille_protect::RulesError;

#[test]
fn shipped_matrix_covers_what_the_detectors_raise() {
    let m = ResponseMatrix::shipped().unwrap();
    // Levels the detectors use per kind.
    for (k, l) in [
        (WarningKind::Spike, WarningLevel::Medium),
        (WarningKind::Spike, WarningLevel::High),
        (WarningKind::Reprisal, WarningLevel::High),
        (WarningKind::Reprisal, WarningLevel::Critical),
        (WarningKind::NewActor, WarningLevel::Medium),
        (WarningKind::Severity, WarningLevel::High),
        (WarningKind::Severity, WarningLevel::Critical),
    ] {
        let e = m.lookup(k, l).unwrap_or_else(|| panic!("{k:?} {l:?}"));
        assert!(e.level <= l);
        assert!(e.act_hours >= e.acknowledge_hours);
        assert!(!e.options.is_empty());
    }
    // Spike at critical falls back to the high entry.
    let e = m
        .lookup(WarningKind::Spike, WarningLevel::Critical)
        .unwrap();
    assert_eq!(e.level, WarningLevel::High);
    assert!(e.options.iter().any(|o| o.tier == Tier::II));
    assert!(m.lookup(WarningKind::Spike, WarningLevel::Low).is_none());
}

fn err(text: &str) -> String {
    let e = ResponseMatrix::from_toml_str(text, "m.toml").unwrap_err();
    assert!(matches!(e, RulesError::Invalid { .. }), "{e:?}");
    e.to_string()
}

const HEAD: &str = "[components]\nprotection = \"Protection\"\n\n[[entry]]\n";

fn entry(body: &str) -> String {
    format!("{HEAD}{body}")
}

const OK_BODY: [&str; 7] = [
    "warning = \"spike\"",
    "level = \"medium\"",
    "components = [\"protection\"]",
    "acknowledge_hours = 24",
    "act_hours = 72",
    "escalate_to = \"high\"",
    "options = [{ tier = \"I\", text = \"call\" }]",
];

fn with(i: usize, line: &str) -> String {
    let mut b = OK_BODY.to_vec();
    b[i] = line;
    entry(&(b.join("\n") + "\n"))
}

#[test]
fn malformed_matrices_are_refused_with_file_line_and_reason() {
    assert!(ResponseMatrix::from_toml_str(&with(0, OK_BODY[0]), "m.toml").is_ok());
    assert_eq!(
        err(&with(0, "warning = \"flood\"")),
        "m.toml:5: unknown warning type 'flood' (expected spike, reprisal, new_actor, severity or atrocity)"
    );
    assert_eq!(
        err(&with(1, "level = \"urgent\"")),
        "m.toml:6: unknown level 'urgent' (expected low, medium, high or critical)"
    );
    assert_eq!(
        err(&with(2, "components = [\"force\"]")),
        "m.toml:7: unknown component 'force' (not in [components])"
    );
    assert_eq!(
        err(&with(2, "components = []")),
        "m.toml:7: no responsible component"
    );
    assert_eq!(
        err(&with(3, "acknowledge_hours = 0")),
        "m.toml:8: acknowledge_hours must be at least 1"
    );
    assert_eq!(
        err(&with(4, "act_hours = 12")),
        "m.toml:9: act_hours (12) is shorter than acknowledge_hours (24)"
    );
    assert_eq!(
        err(&with(5, "escalate_to = \"low\"")),
        "m.toml:10: escalate_to 'low' is below the entry's level 'medium'"
    );
    assert_eq!(
        err(&with(6, "options = [{ tier = \"IV\", text = \"x\" }]")),
        "m.toml:11: unknown tier 'IV' (expected I, II or III)"
    );
    assert_eq!(
        err(&with(6, "options = []")),
        "m.toml:11: no response option"
    );
    let dup = entry(&(OK_BODY.join("\n") + "\n\n[[entry]]\n" + &OK_BODY.join("\n") + "\n"));
    assert_eq!(
        err(&dup),
        "m.toml:14: duplicate entry for spike at level medium"
    );
    let neg = err(&with(3, "acknowledge_hours = -1"));
    assert!(neg.starts_with("m.toml:8: "), "{neg}");
}
