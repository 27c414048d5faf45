//! The POC threat categories (DOMAIN.md §4) and the perpetrator class rules read.
//!
//! Perpetrator neutrality: the class of an actor comes from its type (the actor
//! registry's finer kind when the actor is resolved, else the ACLED inter code), never
//! from a political label, and never from ethnicity. State forces, their proxies and
//! private military companies working with them get their own classes, which the shipped
//! rules send to category 6 exactly as they send armed groups to theirs.

use serde::{Deserialize, Serialize};
use std::fmt;
use veille_actors::{ActorKind, Registry};
use veille_model::{ActorParticipation, ActorRole, Attribution, Event, InterCode, Side};

/// A POC threat category or sub-category, written as in MINUSMA's 2017 strategy:
/// "1" … "6", with category 4's sub-categories "4a" … "4f".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PocCode {
    /// 1: inter- or intra-communal clashes.
    #[serde(rename = "1")]
    Communal,
    /// 2: armed banditry and organised crime.
    #[serde(rename = "2")]
    Banditry,
    /// 3: conventional attacks and other abuse by non-state armed groups.
    #[serde(rename = "3")]
    NonStateAbuse,
    /// 4: unconventional (asymmetric) and/or terrorist attacks by non-state armed actors.
    #[serde(rename = "4")]
    Asymmetric,
    /// 4a: massive and deliberate targeting of civilians.
    #[serde(rename = "4a")]
    MassTargeting,
    /// 4b: violent retaliation against presumed informants.
    #[serde(rename = "4b")]
    InformantRetaliation,
    /// 4c: improvised explosive devices.
    #[serde(rename = "4c")]
    Ied,
    /// 4d: mines.
    #[serde(rename = "4d")]
    Mines,
    /// 4e: explosive remnants of war.
    #[serde(rename = "4e")]
    Erw,
    /// 4f: collateral damage.
    #[serde(rename = "4f")]
    Collateral,
    /// 5: armed conflicts between or within non-state armed groups.
    #[serde(rename = "5")]
    NonStateConflict,
    /// 6: state-actor violations and abuse of state authority (including
    /// counter-terrorism forces and their proxies).
    #[serde(rename = "6")]
    StateAbuse,
}

impl PocCode {
    /// Every code, in strategy order.
    pub const ALL: &'static [PocCode] = &[
        PocCode::Communal,
        PocCode::Banditry,
        PocCode::NonStateAbuse,
        PocCode::Asymmetric,
        PocCode::MassTargeting,
        PocCode::InformantRetaliation,
        PocCode::Ied,
        PocCode::Mines,
        PocCode::Erw,
        PocCode::Collateral,
        PocCode::NonStateConflict,
        PocCode::StateAbuse,
    ];

    /// The six main categories, in order.
    pub const MAIN: &'static [PocCode] = &[
        PocCode::Communal,
        PocCode::Banditry,
        PocCode::NonStateAbuse,
        PocCode::Asymmetric,
        PocCode::NonStateConflict,
        PocCode::StateAbuse,
    ];

    /// The code as written in rules files and reports: "1" … "6", "4a" … "4f".
    pub fn code(self) -> &'static str {
        match self {
            PocCode::Communal => "1",
            PocCode::Banditry => "2",
            PocCode::NonStateAbuse => "3",
            PocCode::Asymmetric => "4",
            PocCode::MassTargeting => "4a",
            PocCode::InformantRetaliation => "4b",
            PocCode::Ied => "4c",
            PocCode::Mines => "4d",
            PocCode::Erw => "4e",
            PocCode::Collateral => "4f",
            PocCode::NonStateConflict => "5",
            PocCode::StateAbuse => "6",
        }
    }

    /// The strategy's wording.
    pub fn label(self) -> &'static str {
        match self {
            PocCode::Communal => "Inter- or intra-communal clashes",
            PocCode::Banditry => "Armed banditry and organised crime",
            PocCode::NonStateAbuse => {
                "Conventional attacks and other abuse by non-state armed groups"
            }
            PocCode::Asymmetric => "Unconventional (asymmetric) and/or terrorist attacks",
            PocCode::MassTargeting => "Massive and deliberate targeting of civilians",
            PocCode::InformantRetaliation => "Violent retaliation against presumed informants",
            PocCode::Ied => "IEDs",
            PocCode::Mines => "Mines",
            PocCode::Erw => "Explosive remnants of war",
            PocCode::Collateral => "Collateral damage",
            PocCode::NonStateConflict => "Armed conflicts between or within non-state armed groups",
            PocCode::StateAbuse => "State-actor violations and abuse of state authority",
        }
    }

    /// The main category (1–6) this code belongs to: "4b" → 4.
    pub fn main(self) -> PocCode {
        match self {
            PocCode::MassTargeting
            | PocCode::InformantRetaliation
            | PocCode::Ied
            | PocCode::Mines
            | PocCode::Erw
            | PocCode::Collateral => PocCode::Asymmetric,
            other => other,
        }
    }

    /// Parses "1" … "6" or "4a" … "4f" (case-insensitive, spaces ignored).
    pub fn parse(s: &str) -> Option<PocCode> {
        let t = s.trim().to_ascii_lowercase();
        PocCode::ALL.iter().copied().find(|c| c.code() == t)
    }
}

impl fmt::Display for PocCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The coarse perpetrator class that rules and rollups read. Derived from the actor
/// registry's kind when the actor is resolved, else from the ACLED inter code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PerpClass {
    /// National state forces: army, police, gendarmerie (ACLED inter 1).
    State,
    /// Militias backed by or fighting alongside state forces, and private military
    /// companies deployed with them: the state's proxies.
    StateProxy,
    /// Foreign militaries and international missions (ACLED inter 8).
    External,
    /// Rebel and signatory armed groups (inter 2).
    Rebel,
    /// Jihadist groups.
    Jihadist,
    /// Political militias (inter 3, where not identified further).
    PoliticalMilitia,
    /// Identity or communal militias and self-defence groups (inter 4).
    IdentityMilitia,
    /// Criminals and bandits.
    Bandit,
    /// Rioters (inter 5).
    Rioters,
    /// Protesters (inter 6).
    Protesters,
    /// Civilians (inter 7).
    Civilians,
    /// No perpetrator identified ("unidentified gunmen").
    Unidentified,
    /// A named non-state actor whose type is not known (unresolved name, no inter code).
    NonStateOther,
}

impl PerpClass {
    /// Every class.
    pub const ALL: &'static [PerpClass] = &[
        PerpClass::State,
        PerpClass::StateProxy,
        PerpClass::External,
        PerpClass::Rebel,
        PerpClass::Jihadist,
        PerpClass::PoliticalMilitia,
        PerpClass::IdentityMilitia,
        PerpClass::Bandit,
        PerpClass::Rioters,
        PerpClass::Protesters,
        PerpClass::Civilians,
        PerpClass::Unidentified,
        PerpClass::NonStateOther,
    ];

    /// The snake_case code used in rules files.
    pub fn code(self) -> &'static str {
        match self {
            PerpClass::State => "state",
            PerpClass::StateProxy => "state_proxy",
            PerpClass::External => "external",
            PerpClass::Rebel => "rebel",
            PerpClass::Jihadist => "jihadist",
            PerpClass::PoliticalMilitia => "political_militia",
            PerpClass::IdentityMilitia => "identity_militia",
            PerpClass::Bandit => "bandit",
            PerpClass::Rioters => "rioters",
            PerpClass::Protesters => "protesters",
            PerpClass::Civilians => "civilians",
            PerpClass::Unidentified => "unidentified",
            PerpClass::NonStateOther => "non_state_other",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<PerpClass> {
        let t = s.trim();
        PerpClass::ALL.iter().copied().find(|c| c.code() == t)
    }

    /// True for the organised non-state armed classes (the rules' `non_state` group).
    pub fn is_non_state_armed(self) -> bool {
        matches!(
            self,
            PerpClass::Rebel
                | PerpClass::Jihadist
                | PerpClass::PoliticalMilitia
                | PerpClass::IdentityMilitia
                | PerpClass::Bandit
                | PerpClass::Unidentified
                | PerpClass::NonStateOther
        )
    }

    /// True for the state and its proxies (the rules' `state_and_proxies` group).
    pub fn is_state_or_proxy(self) -> bool {
        matches!(self, PerpClass::State | PerpClass::StateProxy)
    }

    /// From the registry's finer kind.
    pub fn from_kind(kind: ActorKind) -> PerpClass {
        match kind {
            ActorKind::StateMilitary | ActorKind::Police | ActorKind::Gendarmerie => {
                PerpClass::State
            }
            ActorKind::StateBackedMilitia | ActorKind::PrivateMilitaryCompany => {
                PerpClass::StateProxy
            }
            ActorKind::InternationalMission | ActorKind::ForeignMilitary => PerpClass::External,
            ActorKind::SignatoryArmedGroup | ActorKind::RebelGroup => PerpClass::Rebel,
            ActorKind::JihadistGroup => PerpClass::Jihadist,
            ActorKind::IdentityCommunalMilitia | ActorKind::SelfDefenceGroup => {
                PerpClass::IdentityMilitia
            }
            ActorKind::CriminalOrBandit => PerpClass::Bandit,
            ActorKind::Civilians => PerpClass::Civilians,
            ActorKind::Unidentified => PerpClass::Unidentified,
            ActorKind::PoliticalMilitia => PerpClass::PoliticalMilitia,
        }
    }

    /// From the ACLED inter code.
    pub fn from_inter(inter: InterCode) -> PerpClass {
        match inter {
            InterCode::StateForces => PerpClass::State,
            InterCode::RebelGroups => PerpClass::Rebel,
            InterCode::PoliticalMilitias => PerpClass::PoliticalMilitia,
            InterCode::IdentityMilitias => PerpClass::IdentityMilitia,
            InterCode::Rioters => PerpClass::Rioters,
            InterCode::Protesters => PerpClass::Protesters,
            InterCode::Civilians => PerpClass::Civilians,
            InterCode::ExternalOtherForces => PerpClass::External,
        }
    }

    /// The class of one participation: registry kind if resolved, else inter code, else
    /// `unidentified` when unattributed, else `non_state_other`.
    pub fn of(p: &ActorParticipation, registry: Option<&Registry>) -> PerpClass {
        if let (Some(id), Some(reg)) = (&p.actor_id, registry) {
            if let Some(actor) = reg.get(id) {
                return PerpClass::from_kind(actor.kind);
            }
        }
        if let Some(inter) = p.inter_code {
            return PerpClass::from_inter(inter);
        }
        if p.attribution == Attribution::Unattributed {
            return PerpClass::Unidentified;
        }
        PerpClass::NonStateOther
    }
}

impl fmt::Display for PerpClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The perpetrator classes of an event: its perpetrators' classes, or side A's when no
/// actor has the perpetrator role; `unidentified` when nobody is named. Sorted, unique.
pub fn perpetrator_classes(event: &Event, registry: Option<&Registry>) -> Vec<PerpClass> {
    let mut out: Vec<PerpClass> = event
        .perpetrators()
        .map(|p| PerpClass::of(p, registry))
        .collect();
    if out.is_empty() {
        out = event
            .actors
            .iter()
            .filter(|a| a.side == Some(Side::A))
            .map(|p| PerpClass::of(p, registry))
            .collect();
    }
    if out.is_empty() {
        out.push(PerpClass::Unidentified);
    }
    out.sort();
    out.dedup();
    out
}

/// The classes of an event's targets (role target), sorted, unique; empty if none.
pub fn target_classes(event: &Event, registry: Option<&Registry>) -> Vec<PerpClass> {
    let mut out: Vec<PerpClass> = event
        .actors
        .iter()
        .filter(|a| a.role == ActorRole::Target)
        .map(|p| PerpClass::of(p, registry))
        .collect();
    out.sort();
    out.dedup();
    out
}
