//! Roles, their permissions, and how far each may see (DOMAIN.md §2 and §8). The table
//! in `docs/ARCHITECTURE.md` ("Roles") is generated from [`Role::ALL`] by the test
//! `roles_table_in_docs_matches_code`, so the docs cannot drift from the code.

use serde::{Deserialize, Serialize};
use veille_model::Sensitivity;

/// What an endpoint requires. API token scopes use the same codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Permission {
    /// Read events (within the caller's clearance).
    EventsRead,
    /// Read an event's revision history.
    EventsHistory,
    /// Create and edit events.
    EventsWrite,
    /// Retract events (veille's delete; a reason is required).
    EventsRetract,
    /// Download CSV, GeoJSON and HXL exports.
    Export,
    /// Manage users and API tokens.
    UsersManage,
    // -- Review queue, merges and reference data (issue 7: drafts, dedup, places, actors).
    /// Read the review queue and accept or reject drafts.
    DraftsReview,
    /// Merge events and undo merges.
    EventsMerge,
    /// Read reference data: place resolution, reverse geocoding, the actor registry.
    ReferenceRead,
    // Protection desk (threat matrix, warnings and actions, reports).
    /// Read the threat matrix, rollups, warnings, metrics and reports (within clearance).
    ProtectRead,
    /// Override a cell of the threat assessment, with a justification.
    ProtectAssess,
    /// Acknowledge warnings, add response actions and change their status.
    WarningsRespond,
    /// Generate regional threat assessment reports.
    ReportsGenerate,
}

impl Permission {
    /// Every permission.
    pub const ALL: &'static [Permission] = &[
        Permission::EventsRead,
        Permission::EventsHistory,
        Permission::EventsWrite,
        Permission::EventsRetract,
        Permission::Export,
        Permission::UsersManage,
        // -- Review queue, merges and reference data.
        Permission::DraftsReview,
        Permission::EventsMerge,
        Permission::ReferenceRead,
        // Protection desk.
        Permission::ProtectRead,
        Permission::ProtectAssess,
        Permission::WarningsRespond,
        Permission::ReportsGenerate,
    ];

    /// Stable code (also the API token scope).
    pub fn code(self) -> &'static str {
        match self {
            Permission::EventsRead => "events:read",
            Permission::EventsHistory => "events:history",
            Permission::EventsWrite => "events:write",
            Permission::EventsRetract => "events:retract",
            Permission::Export => "export",
            Permission::UsersManage => "users:manage",
            // -- Review queue, merges and reference data.
            Permission::DraftsReview => "drafts:review",
            Permission::EventsMerge => "events:merge",
            Permission::ReferenceRead => "reference:read",
            // Protection desk.
            Permission::ProtectRead => "protect:read",
            Permission::ProtectAssess => "protect:assess",
            Permission::WarningsRespond => "warnings:respond",
            Permission::ReportsGenerate => "reports:generate",
        }
    }

    /// The permission with this code.
    pub fn from_code(code: &str) -> Option<Permission> {
        Self::ALL.iter().copied().find(|p| p.code() == code)
    }
}

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Manages users and tokens; reads like an analyst.
    Admin,
    /// Imports, reviews, edits, merges and retracts events.
    Analyst,
    /// Reads the threat picture; owns warnings and actions.
    ProtectionOfficer,
    /// Documents violations, including strictly confidential records.
    HumanRightsOfficer,
    /// Triages community alerts.
    AlertOperator,
    /// Reads dashboards; victim locations blurred to admin2.
    Viewer,
}

impl Role {
    /// Every role.
    pub const ALL: &'static [Role] = &[
        Role::Admin,
        Role::Analyst,
        Role::ProtectionOfficer,
        Role::HumanRightsOfficer,
        Role::AlertOperator,
        Role::Viewer,
    ];

    /// Stable code, as stored.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::ProtectionOfficer => "protection_officer",
            Role::HumanRightsOfficer => "human_rights_officer",
            Role::AlertOperator => "alert_operator",
            Role::Viewer => "viewer",
        }
    }

    /// The role with this code.
    pub fn from_code(code: &str) -> Option<Role> {
        Self::ALL.iter().copied().find(|r| r.code() == code)
    }

    /// The most sensitive records this role may read.
    pub fn clearance(self) -> Sensitivity {
        match self {
            Role::HumanRightsOfficer => Sensitivity::StrictlyConfidential,
            Role::Admin | Role::Analyst | Role::ProtectionOfficer => Sensitivity::Confidential,
            Role::AlertOperator | Role::Viewer => Sensitivity::Restricted,
        }
    }

    /// True when the role sees victim-related locations exactly; otherwise they are
    /// blurred to admin2 on every read path.
    pub fn exact_locations(self) -> bool {
        !matches!(self, Role::Viewer)
    }

    /// What the role may do.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission as P;
        match self {
            Role::Admin => Permission::ALL,
            Role::Analyst => &[
                P::EventsRead,
                P::EventsHistory,
                P::EventsWrite,
                P::EventsRetract,
                P::Export,
                // -- Review queue, merges and reference data.
                P::DraftsReview,
                P::EventsMerge,
                P::ReferenceRead,
                // Protection desk.
                P::ProtectRead,
                P::ProtectAssess,
                P::WarningsRespond,
                P::ReportsGenerate,
            ],
            Role::ProtectionOfficer => &[
                P::EventsRead,
                P::EventsHistory,
                P::Export,
                // -- Review queue, merges and reference data.
                P::ReferenceRead,
                // Protection desk.
                P::ProtectRead,
                P::ProtectAssess,
                P::WarningsRespond,
                P::ReportsGenerate,
            ],
            Role::HumanRightsOfficer => &[
                P::EventsRead,
                P::EventsHistory,
                P::EventsWrite,
                P::Export,
                // -- Review queue, merges and reference data.
                P::DraftsReview,
                P::ReferenceRead,
                // Protection desk.
                P::ProtectRead,
                P::ProtectAssess,
                P::ReportsGenerate,
            ],
            Role::AlertOperator => &[
                P::EventsRead,
                // -- Review queue, merges and reference data.
                P::ReferenceRead,
                // Protection desk.
                P::ProtectRead,
                P::WarningsRespond,
            ],
            Role::Viewer => &[
                P::EventsRead,
                // -- Review queue, merges and reference data.
                P::ReferenceRead,
                // Protection desk.
                P::ProtectRead,
            ],
        }
    }

    /// The Markdown permission table for the docs.
    pub fn markdown_table() -> String {
        let mut s = String::from("| role | clearance | exact victim locations |");
        for p in Permission::ALL {
            s.push_str(&format!(" `{}` |", p.code()));
        }
        s.push_str("\n|---|---|---|");
        for _ in Permission::ALL {
            s.push_str("---|");
        }
        for r in Role::ALL {
            s.push_str(&format!(
                "\n| {} | {} | {} |",
                r.code(),
                r.clearance().code(),
                if r.exact_locations() {
                    "yes"
                } else {
                    "no (admin2)"
                }
            ));
            for p in Permission::ALL {
                s.push_str(if r.permissions().contains(p) {
                    " ✔ |"
                } else {
                    " · |"
                });
            }
        }
        s.push('\n');
        s
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(*r));
        }
        for p in Permission::ALL {
            assert_eq!(Permission::from_code(p.code()), Some(*p));
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn roles_table_in_docs_matches_code() {
        let docs = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/ARCHITECTURE.md"
        ))
        .unwrap();
        assert!(
            docs.contains(&Role::markdown_table()),
            "docs/ARCHITECTURE.md must contain this table:\n{}",
            Role::markdown_table()
        );
    }
}
