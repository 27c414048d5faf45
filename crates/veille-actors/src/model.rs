//! The registry's records: actors, aliases, relations, designations, and the edits that
//! create them. All are serde types, so a store can persist them as documents.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use veille_model::InterCode;

/// A registry actor id, e.g. `"jnim"` or `"ucdp-303"`.
pub type ActorId = String;

/// The finer actor type (the ACLED inter code is the coarse one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A state's army, air force or national guard.
    StateMilitary,
    /// A state's police.
    Police,
    /// A state's gendarmerie.
    Gendarmerie,
    /// A militia backed by or fighting alongside state forces.
    StateBackedMilitia,
    /// A UN, AU or regional mission.
    InternationalMission,
    /// A foreign state's military.
    ForeignMilitary,
    /// A private military company.
    PrivateMilitaryCompany,
    /// An armed group that signed the 2015 Agreement (or a coalition of them).
    SignatoryArmedGroup,
    /// A rebel group.
    RebelGroup,
    /// A jihadist group.
    JihadistGroup,
    /// An identity or communal militia.
    IdentityCommunalMilitia,
    /// A self-defence group.
    SelfDefenceGroup,
    /// Criminals or bandits.
    CriminalOrBandit,
    /// Civilians.
    Civilians,
    /// An unidentified armed group.
    Unidentified,
    /// Extension: a party-supporter militia (UCDP `Org` 2).
    PoliticalMilitia,
}

impl ActorKind {
    /// The snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            ActorKind::StateMilitary => "state_military",
            ActorKind::Police => "police",
            ActorKind::Gendarmerie => "gendarmerie",
            ActorKind::StateBackedMilitia => "state_backed_militia",
            ActorKind::InternationalMission => "international_mission",
            ActorKind::ForeignMilitary => "foreign_military",
            ActorKind::PrivateMilitaryCompany => "private_military_company",
            ActorKind::SignatoryArmedGroup => "signatory_armed_group",
            ActorKind::RebelGroup => "rebel_group",
            ActorKind::JihadistGroup => "jihadist_group",
            ActorKind::IdentityCommunalMilitia => "identity_communal_militia",
            ActorKind::SelfDefenceGroup => "self_defence_group",
            ActorKind::CriminalOrBandit => "criminal_or_bandit",
            ActorKind::Civilians => "civilians",
            ActorKind::Unidentified => "unidentified",
            ActorKind::PoliticalMilitia => "political_militia",
        }
    }

    /// Whether an actor of this kind may carry a `community` (the community it claims to
    /// defend): only identity/communal militias and self-defence groups.
    pub fn may_claim_community(self) -> bool {
        matches!(
            self,
            ActorKind::IdentityCommunalMilitia | ActorKind::SelfDefenceGroup
        )
    }
}

impl fmt::Display for ActorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The language of an alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
    /// Arabic, transliterated into Latin script.
    #[serde(alias = "ar-transliterated", alias = "ar_transliterated")]
    Ar,
    /// Undetermined (dataset labels, acronyms).
    Und,
}

/// What sort of name an alias is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AliasKind {
    /// A full name or common name.
    #[default]
    Name,
    /// An acronym.
    Acronym,
    /// A known misspelling or garbling.
    Misspelling,
    /// An ACLED actor name.
    Acled,
    /// A UCDP actor name.
    Ucdp,
}

/// One alias of an actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    /// The alias as written, e.g. "GSIM".
    pub text: String,
    /// Its language.
    #[serde(default)]
    pub lang: Lang,
    /// Its kind.
    #[serde(default)]
    pub kind: AliasKind,
    /// Where it comes from. Empty in the seed file means "the actor's source".
    #[serde(default)]
    pub source: String,
    /// First day the name was in use (inclusive), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last day the name was in use (inclusive), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
}

/// Where an actor record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Written by an analyst (seed file or an edit).
    #[default]
    Curated,
    /// Derived automatically from the UCDP Actor Dataset.
    UcdpDerived,
}

/// One actor of the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    /// Stable id, e.g. "jnim".
    pub id: ActorId,
    /// Canonical name.
    pub name: String,
    /// ACLED inter code, 1–8.
    pub inter: u8,
    /// The finer type.
    pub kind: ActorKind,
    /// Countries (ISO 3166-1 alpha-3 where known, else UCDP's country name).
    #[serde(default)]
    pub countries: Vec<String>,
    /// First day active (inclusive), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_from: Option<NaiveDate>,
    /// Last day active (inclusive), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_to: Option<NaiveDate>,
    /// How precise the dates are ("day" when absent, "month", "year").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<String>,
    /// Known leaders, as plain text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leaders: Vec<String>,
    /// For identity/communal militias and self-defence groups only: the community the
    /// actor claims to defend, as plain text. Used only to classify inter-communal violence
    /// (POC category 1); never to infer a perpetrator; never attached to places or people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    /// For joint sides (UCDP codes several groups together): the member actors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ActorId>,
    /// UCDP ActorIds this actor stands for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ucdp_ids: Vec<u32>,
    /// Aliases and acronyms, including ACLED and UCDP names.
    #[serde(default)]
    pub aliases: Vec<Alias>,
    /// Where the record comes from.
    pub source: String,
    /// Free-text notes for analysts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Curated or derived.
    #[serde(default)]
    pub origin: Origin,
}

impl Actor {
    /// The ACLED inter code as a typed value.
    pub fn inter_code(&self) -> Option<InterCode> {
        InterCode::from_number(self.inter)
    }

    /// Whether the actor was active on `date` (unknown bounds count as active).
    pub fn active_on(&self, date: NaiveDate) -> bool {
        within(date, self.active_from, self.active_to)
    }
}

/// The kinds of relation between two actors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// `from` is a member (or branch) of `to`.
    MemberOf,
    /// `from` merged into `to` (and lives on in it).
    MergedInto,
    /// `from` split from `to`.
    SplitFrom,
    /// `from` was renamed `to`.
    RenamedTo,
    /// Allied.
    AlliedWith,
    /// Rivals.
    RivalOf,
    /// Fighting each other.
    FightsWith,
    /// Operating together, e.g. a proxy militia alongside state forces.
    OperatesWith,
}

impl RelationKind {
    /// Every kind.
    pub const ALL: &'static [RelationKind] = &[
        RelationKind::MemberOf,
        RelationKind::MergedInto,
        RelationKind::SplitFrom,
        RelationKind::RenamedTo,
        RelationKind::AlliedWith,
        RelationKind::RivalOf,
        RelationKind::FightsWith,
        RelationKind::OperatesWith,
    ];

    /// The snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            RelationKind::MemberOf => "member_of",
            RelationKind::MergedInto => "merged_into",
            RelationKind::SplitFrom => "split_from",
            RelationKind::RenamedTo => "renamed_to",
            RelationKind::AlliedWith => "allied_with",
            RelationKind::RivalOf => "rival_of",
            RelationKind::FightsWith => "fights_with",
            RelationKind::OperatesWith => "operates_with",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Self::ALL.iter().copied().find(|k| k.code() == t)
    }

    /// Genealogical kinds form the ancestry graph (no cycles allowed).
    pub fn is_genealogical(self) -> bool {
        matches!(
            self,
            RelationKind::MemberOf
                | RelationKind::MergedInto
                | RelationKind::SplitFrom
                | RelationKind::RenamedTo
        )
    }

    /// For a genealogical relation `from kind to`: (ancestor, descendant) in the ancestry
    /// graph. A container is the ancestor of its member, a merged or renamed group the
    /// ancestor of what it became, a parent the ancestor of its splinter.
    pub fn ancestry<'a>(self, from: &'a str, to: &'a str) -> Option<(&'a str, &'a str)> {
        match self {
            RelationKind::MemberOf | RelationKind::SplitFrom => Some((to, from)),
            RelationKind::MergedInto | RelationKind::RenamedTo => Some((from, to)),
            _ => None,
        }
    }
}

impl fmt::Display for RelationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// A dated, sourced relation: `from` `kind` `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    /// The subject actor.
    pub from: ActorId,
    /// The relation.
    pub kind: RelationKind,
    /// The object actor.
    pub to: ActorId,
    /// First day (inclusive); for merged_into/renamed_to/split_from, the day it happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last day (inclusive), if it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// How precise the dates are ("day" when absent, "month", "year").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<String>,
    /// Where the fact comes from.
    pub source: String,
    /// False for facts added from the public record that an analyst has not yet checked.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub verified: bool,
    /// Free-text note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Relation {
    /// Whether the relation holds on `date`.
    pub fn holds_on(&self, date: NaiveDate) -> bool {
        within(date, self.valid_from, self.valid_to)
    }

    /// A short description, e.g. `mujao merged_into al-mourabitoun [2013-08-22 – open]`.
    pub fn describe(&self) -> String {
        format!(
            "{} {} {} [{}]",
            self.from,
            self.kind,
            self.to,
            fmt_interval(self.valid_from, self.valid_to)
        )
    }
}

/// Which list a designation is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignationList {
    /// UN Security Council sanctions list.
    UnSanctions,
    /// US Foreign Terrorist Organization list.
    UsFto,
    /// A national list or measure (e.g. a dissolution order).
    NationalList,
    /// Signatory of the 2015 Agreement for Peace and Reconciliation in Mali.
    #[serde(rename = "signatory_2015")]
    Signatory2015,
}

impl DesignationList {
    /// The snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            DesignationList::UnSanctions => "un_sanctions",
            DesignationList::UsFto => "us_fto",
            DesignationList::NationalList => "national_list",
            DesignationList::Signatory2015 => "signatory_2015",
        }
    }
}

/// A designation: a dated, sourced label. Kept apart from who did what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Designation {
    /// The actor designated.
    pub actor: ActorId,
    /// The list.
    pub list: DesignationList,
    /// Who designates (e.g. "United States Department of State").
    #[serde(default)]
    pub authority: String,
    /// First day (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last day (inclusive), if lifted or ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// Where the fact comes from.
    pub source: String,
    /// False for facts not yet checked by an analyst.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub verified: bool,
}

impl Designation {
    /// Whether the designation holds on `date`.
    pub fn holds_on(&self, date: NaiveDate) -> bool {
        within(date, self.valid_from, self.valid_to)
    }
}

/// An alias to add to an existing actor (used by the seed files and by edits).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AliasEntry {
    /// The actor the alias belongs to.
    pub actor: ActorId,
    /// The alias.
    #[serde(flatten)]
    pub alias: Alias,
}

/// One edit of the registry. A store persists these as revisions; applying them in order
/// to the shipped registry reproduces the edited registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum RegistryEdit {
    /// Add an actor.
    AddActor {
        /// The actor.
        actor: Actor,
    },
    /// Add an alias to an actor.
    AddAlias {
        /// The actor id.
        actor: ActorId,
        /// The alias.
        alias: Alias,
    },
    /// Add a relation.
    AddRelation {
        /// The relation.
        relation: Relation,
    },
    /// Add a designation.
    AddDesignation {
        /// The designation.
        designation: Designation,
    },
}

/// The shape of a seed file (`data/actors/*.toml`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SeedFile {
    /// Actors.
    #[serde(default, rename = "actor")]
    pub actors: Vec<Actor>,
    /// Extra aliases for actors defined elsewhere.
    #[serde(default, rename = "alias")]
    pub aliases: Vec<AliasEntry>,
    /// Relations.
    #[serde(default, rename = "relation")]
    pub relations: Vec<Relation>,
    /// Designations.
    #[serde(default, rename = "designation")]
    pub designations: Vec<Designation>,
}

/// Whether `date` is within the inclusive interval (open ends allowed).
pub fn within(date: NaiveDate, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
    from.is_none_or(|f| date >= f) && to.is_none_or(|t| date <= t)
}

/// Whether two inclusive intervals (open ends allowed) overlap.
pub fn overlaps(
    a: (Option<NaiveDate>, Option<NaiveDate>),
    b: (Option<NaiveDate>, Option<NaiveDate>),
) -> bool {
    let a_starts_after_b_ends = matches!((a.0, b.1), (Some(s), Some(e)) if s > e);
    let b_starts_after_a_ends = matches!((b.0, a.1), (Some(s), Some(e)) if s > e);
    !(a_starts_after_b_ends || b_starts_after_a_ends)
}

/// Formats an interval for people: `2017-03-02 – open`.
pub fn fmt_interval(from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    let f = from.map_or_else(|| "…".to_string(), |d| d.to_string());
    let t = to.map_or_else(|| "open".to_string(), |d| d.to_string());
    format!("{f} – {t}")
}
