//! Controlled vocabularies.
//!
//! Every value has a stable machine **code** (snake_case; what JSON and the database store)
//! and a human **label** (what codebooks and CSV exports print, e.g. ACLED's "Armed clash").
//! Parsing accepts either, case-insensitively, and ignores surrounding spaces, so that
//! "armed clash", "Armed clash" and "armed_clash" all read the same.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A value that is not part of a controlled vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} '{value}' (expected one of: {expected})")]
pub struct UnknownValue {
    /// Which vocabulary was asked, e.g. `event_type`.
    pub kind: &'static str,
    /// The text that did not match.
    pub value: String,
    /// The accepted labels, comma-separated.
    pub expected: String,
}

fn fold(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '_' | '-' => ' ',
            c => c.to_ascii_lowercase(),
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Defines a vocabulary enum with codes, labels, `ALL`, `Display`, `FromStr` and serde.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $kind:literal {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant ),+
        }

        impl $name {
            /// Every value, in codebook order.
            pub const ALL: &'static [$name] = &[ $($name::$variant),+ ];

            /// The stable machine code (what JSON and the database store).
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The human label, as the codebook prints it.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = fold(s);
                for v in Self::ALL {
                    if fold(v.code()) == wanted || fold(v.label()) == wanted {
                        return Ok(*v);
                    }
                }
                Err(UnknownValue {
                    kind: $kind,
                    value: s.trim().to_string(),
                    expected: Self::ALL.iter().map(|v| v.label()).collect::<Vec<_>>().join(", "),
                })
            }
        }
    };
}

vocabulary! {
    /// ACLED event type (6 types). See [`SubEventType`] for the 25 ACLED sub-types plus
    /// veille's four indirect-threat sub-types.
    EventType, "event_type" {
        /// Violent interaction between two organised armed groups.
        Battles = ("battles", "Battles"),
        /// Public demonstration, non-violent.
        Protests = ("protests", "Protests"),
        /// Violent demonstration or mob violence.
        Riots = ("riots", "Riots"),
        /// One-sided violence at a distance: bombs, shelling, air strikes, IEDs.
        ExplosionsRemoteViolence = ("explosions_remote_violence", "Explosions/Remote violence"),
        /// Violence by an organised armed actor against unarmed non-combatants.
        ViolenceAgainstCivilians = ("violence_against_civilians", "Violence against civilians"),
        /// Non-violent but significant developments (arrests, agreements, looting...).
        StrategicDevelopments = ("strategic_developments", "Strategic developments"),
    }
}

vocabulary! {
    /// ACLED sub-event type (25), plus four veille sub-types for indirect threats to
    /// civilians, which POC doctrine counts even with zero fatalities.
    ///
    /// Within each type, variants are declared in ACLED's precedence order: when tactics
    /// combine, the one declared first wins (see [`SubEventType::precedence`]).
    SubEventType, "sub_event_type" {
        /// Battles: the government regains control of territory.
        GovernmentRegainsTerritory = ("government_regains_territory", "Government regains territory"),
        /// Battles: a non-state actor takes control of territory.
        NonStateActorOvertakesTerritory = ("non_state_actor_overtakes_territory", "Non-state actor overtakes territory"),
        /// Battles: armed clash without a change of territorial control.
        ArmedClash = ("armed_clash", "Armed clash"),
        /// Protests: lethal or excessive force used against protesters.
        ExcessiveForceAgainstProtesters = ("excessive_force_against_protesters", "Excessive force against protesters"),
        /// Protests: protest met with intervention (arrests, dispersal).
        ProtestWithIntervention = ("protest_with_intervention", "Protest with intervention"),
        /// Protests: peaceful protest.
        PeacefulProtest = ("peaceful_protest", "Peaceful protest"),
        /// Riots: violent demonstration.
        ViolentDemonstration = ("violent_demonstration", "Violent demonstration"),
        /// Riots: mob violence.
        MobViolence = ("mob_violence", "Mob violence"),
        /// Explosions: chemical weapon.
        ChemicalWeapon = ("chemical_weapon", "Chemical weapon"),
        /// Explosions: air or drone strike.
        AirDroneStrike = ("air_drone_strike", "Air/drone strike"),
        /// Explosions: suicide bomb.
        SuicideBomb = ("suicide_bomb", "Suicide bomb"),
        /// Explosions: shelling, artillery or missile attack (mortars, rockets).
        ShellingArtilleryMissile = ("shelling_artillery_missile_attack", "Shelling/artillery/missile attack"),
        /// Explosions: remote explosive, landmine or IED.
        RemoteExplosiveLandmineIed = ("remote_explosive_landmine_ied", "Remote explosive/landmine/IED"),
        /// Explosions: grenade.
        Grenade = ("grenade", "Grenade"),
        /// Violence against civilians: sexual violence.
        SexualViolence = ("sexual_violence", "Sexual violence"),
        /// Violence against civilians: attack (killing, wounding, beating).
        Attack = ("attack", "Attack"),
        /// Violence against civilians: abduction or forced disappearance.
        AbductionForcedDisappearance = ("abduction_forced_disappearance", "Abduction/forced disappearance"),
        /// veille (violence against civilians): forced displacement of a population.
        ForcedDisplacement = ("forced_displacement", "Forced displacement"),
        /// veille (violence against civilians): blockade or siege of a village or area.
        BlockadeSiege = ("blockade_siege", "Blockade/siege"),
        /// veille (violence against civilians): attack on education (schools, teachers, closures by threat).
        AttackOnEducation = ("attack_on_education", "Attack on education"),
        /// veille (violence against civilians): intimidation, threats, bans, forced taxation.
        Intimidation = ("intimidation", "Intimidation"),
        /// Strategic developments: agreement.
        Agreement = ("agreement", "Agreement"),
        /// Strategic developments: arrests.
        Arrests = ("arrests", "Arrests"),
        /// Strategic developments: change to group or activity.
        ChangeToGroupActivity = ("change_to_group_activity", "Change to group/activity"),
        /// Strategic developments: disrupted weapons use (defused IED, seized arms).
        DisruptedWeaponsUse = ("disrupted_weapons_use", "Disrupted weapons use"),
        /// Strategic developments: headquarters or base established.
        HeadquartersOrBaseEstablished = ("headquarters_or_base_established", "Headquarters or base established"),
        /// Strategic developments: looting or property destruction (including arson).
        LootingPropertyDestruction = ("looting_property_destruction", "Looting/property destruction"),
        /// Strategic developments: non-violent transfer of territory.
        NonViolentTransferOfTerritory = ("non_violent_transfer_of_territory", "Non-violent transfer of territory"),
        /// Strategic developments: other.
        Other = ("other", "Other"),
    }
}

impl SubEventType {
    /// The event type this sub-type belongs to.
    pub fn event_type(self) -> EventType {
        use SubEventType::*;
        match self {
            GovernmentRegainsTerritory | NonStateActorOvertakesTerritory | ArmedClash => {
                EventType::Battles
            }
            ExcessiveForceAgainstProtesters | ProtestWithIntervention | PeacefulProtest => {
                EventType::Protests
            }
            ViolentDemonstration | MobViolence => EventType::Riots,
            ChemicalWeapon
            | AirDroneStrike
            | SuicideBomb
            | ShellingArtilleryMissile
            | RemoteExplosiveLandmineIed
            | Grenade => EventType::ExplosionsRemoteViolence,
            SexualViolence
            | Attack
            | AbductionForcedDisappearance
            | ForcedDisplacement
            | BlockadeSiege
            | AttackOnEducation
            | Intimidation => EventType::ViolenceAgainstCivilians,
            Agreement
            | Arrests
            | ChangeToGroupActivity
            | DisruptedWeaponsUse
            | HeadquartersOrBaseEstablished
            | LootingPropertyDestruction
            | NonViolentTransferOfTerritory
            | Other => EventType::StrategicDevelopments,
        }
    }

    /// Rank within its event type: 0 is the highest precedence. When tactics combine,
    /// the sub-type with the lower rank is coded.
    pub fn precedence(self) -> usize {
        let ty = self.event_type();
        Self::ALL
            .iter()
            .filter(|s| s.event_type() == ty)
            .position(|s| *s == self)
            .unwrap_or(usize::MAX)
    }

    /// True for veille's own indirect-threat sub-types (not part of ACLED's codebook).
    pub fn is_veille_extension(self) -> bool {
        matches!(
            self,
            SubEventType::ForcedDisplacement
                | SubEventType::BlockadeSiege
                | SubEventType::AttackOnEducation
                | SubEventType::Intimidation
        )
    }

    /// The sub-types of one event type, in precedence order.
    pub fn of_type(ty: EventType) -> Vec<SubEventType> {
        Self::ALL
            .iter()
            .copied()
            .filter(|s| s.event_type() == ty)
            .collect()
    }
}

vocabulary! {
    /// UCDP `type_of_violence`.
    ViolenceType, "type_of_violence" {
        /// 1: state-based conflict (at least one side is a government).
        StateBased = ("state_based", "State-based"),
        /// 2: non-state conflict (organised groups, neither a government).
        NonState = ("non_state", "Non-state"),
        /// 3: one-sided violence against civilians.
        OneSided = ("one_sided", "One-sided"),
    }
}

impl ViolenceType {
    /// The UCDP numeric code (1, 2 or 3).
    pub fn ucdp_code(self) -> u8 {
        match self {
            ViolenceType::StateBased => 1,
            ViolenceType::NonState => 2,
            ViolenceType::OneSided => 3,
        }
    }

    /// From the UCDP numeric code.
    pub fn from_ucdp_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(ViolenceType::StateBased),
            2 => Some(ViolenceType::NonState),
            3 => Some(ViolenceType::OneSided),
            _ => None,
        }
    }
}

vocabulary! {
    /// How precisely the date of an event is known.
    DatePrecision, "date_precision" {
        /// The exact day (ACLED time_precision 1; GED date_prec 1).
        Day = ("day", "day"),
        /// Within a span of 2–6 days (GED date_prec 2).
        Days = ("days", "days"),
        /// Within a week (ACLED 2; GED 3).
        Week = ("week", "week"),
        /// Within a month (ACLED 3; GED 4).
        Month = ("month", "month"),
        /// Within a year (GED 5).
        Year = ("year", "year"),
    }
}

impl DatePrecision {
    /// From UCDP GED `date_prec` (1–5).
    pub fn from_ged(code: u8) -> Option<Self> {
        Some(match code {
            1 => DatePrecision::Day,
            2 => DatePrecision::Days,
            3 => DatePrecision::Week,
            4 => DatePrecision::Month,
            5 => DatePrecision::Year,
            _ => return None,
        })
    }

    /// To UCDP GED `date_prec` (1–5).
    pub fn to_ged(self) -> u8 {
        match self {
            DatePrecision::Day => 1,
            DatePrecision::Days => 2,
            DatePrecision::Week => 3,
            DatePrecision::Month => 4,
            DatePrecision::Year => 5,
        }
    }

    /// From ACLED `time_precision` (1–3).
    pub fn from_acled(code: u8) -> Option<Self> {
        Some(match code {
            1 => DatePrecision::Day,
            2 => DatePrecision::Week,
            3 => DatePrecision::Month,
            _ => return None,
        })
    }

    /// To ACLED `time_precision` (1–3); anything coarser than a month is written as 3.
    pub fn to_acled(self) -> u8 {
        match self {
            DatePrecision::Day => 1,
            DatePrecision::Days | DatePrecision::Week => 2,
            DatePrecision::Month | DatePrecision::Year => 3,
        }
    }
}

vocabulary! {
    /// How precisely the location of an event is known.
    GeoPrecision, "geo_precision" {
        /// The named place itself (ACLED geo_precision 1; GED where_prec 1).
        Exact = ("exact", "exact"),
        /// Near a named place, within about 25 km (ACLED 2; GED 2).
        Near = ("near", "near"),
        /// Only the second-level unit (cercle) is known; coordinates are its centroid (GED 3).
        Admin2 = ("admin2", "admin2"),
        /// Only the first-level unit (region) is known (ACLED 3; GED 4).
        Admin1 = ("admin1", "admin1"),
        /// Only the country (or a wider area within it) is known (GED 5, 6).
        Country = ("country", "country"),
    }
}

impl GeoPrecision {
    /// From UCDP GED `where_prec` (1–7). 5 (larger than ADM1, or a line between places)
    /// and 6 (whole country) map to [`GeoPrecision::Country`]; 7 (international waters or
    /// airspace) has no place in a country and also maps to `Country`.
    pub fn from_ged(code: u8) -> Option<Self> {
        Some(match code {
            1 => GeoPrecision::Exact,
            2 => GeoPrecision::Near,
            3 => GeoPrecision::Admin2,
            4 => GeoPrecision::Admin1,
            5..=7 => GeoPrecision::Country,
            _ => return None,
        })
    }

    /// To UCDP GED `where_prec`.
    pub fn to_ged(self) -> u8 {
        match self {
            GeoPrecision::Exact => 1,
            GeoPrecision::Near => 2,
            GeoPrecision::Admin2 => 3,
            GeoPrecision::Admin1 => 4,
            GeoPrecision::Country => 6,
        }
    }

    /// From ACLED `geo_precision` (1–3).
    pub fn from_acled(code: u8) -> Option<Self> {
        Some(match code {
            1 => GeoPrecision::Exact,
            2 => GeoPrecision::Near,
            3 => GeoPrecision::Admin1,
            _ => return None,
        })
    }

    /// To ACLED `geo_precision` (1–3).
    pub fn to_acled(self) -> u8 {
        match self {
            GeoPrecision::Exact => 1,
            GeoPrecision::Near => 2,
            GeoPrecision::Admin2 | GeoPrecision::Admin1 | GeoPrecision::Country => 3,
        }
    }
}

vocabulary! {
    /// ACLED actor type ("inter code"), 1–8.
    InterCode, "inter_code" {
        /// 1: state forces.
        StateForces = ("state_forces", "State forces"),
        /// 2: rebel groups.
        RebelGroups = ("rebel_groups", "Rebel groups"),
        /// 3: political militias (unidentified armed groups are coded here).
        PoliticalMilitias = ("political_militias", "Political militias"),
        /// 4: identity militias.
        IdentityMilitias = ("identity_militias", "Identity militias"),
        /// 5: rioters.
        Rioters = ("rioters", "Rioters"),
        /// 6: protesters.
        Protesters = ("protesters", "Protesters"),
        /// 7: civilians.
        Civilians = ("civilians", "Civilians"),
        /// 8: external or other forces (including a foreign state's military).
        ExternalOtherForces = ("external_other_forces", "External/Other forces"),
    }
}

impl InterCode {
    /// The ACLED numeric code, 1–8.
    pub fn number(self) -> u8 {
        match self {
            InterCode::StateForces => 1,
            InterCode::RebelGroups => 2,
            InterCode::PoliticalMilitias => 3,
            InterCode::IdentityMilitias => 4,
            InterCode::Rioters => 5,
            InterCode::Protesters => 6,
            InterCode::Civilians => 7,
            InterCode::ExternalOtherForces => 8,
        }
    }

    /// From the ACLED numeric code, 1–8.
    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    /// Parses either a number ("3") or a label ("Political militias"); newer ACLED exports
    /// write the text, older ones the number.
    pub fn parse_any(s: &str) -> Result<Self, UnknownValue> {
        let t = s.trim();
        if let Ok(n) = t.parse::<u8>() {
            return Self::from_number(n).ok_or_else(|| UnknownValue {
                kind: "inter_code",
                value: t.to_string(),
                expected: "1-8 or a label".into(),
            });
        }
        // ACLED text variants seen in the wild.
        match fold(t).as_str() {
            "state forces" => return Ok(InterCode::StateForces),
            "rebel group" => return Ok(InterCode::RebelGroups),
            "political militia" => return Ok(InterCode::PoliticalMilitias),
            "identity militia" => return Ok(InterCode::IdentityMilitias),
            "external/other forces" | "external forces" | "other forces" => {
                return Ok(InterCode::ExternalOtherForces)
            }
            _ => {}
        }
        t.parse()
    }
}

vocabulary! {
    /// The role an actor played in an event.
    ActorRole, "actor_role" {
        /// Carried out the violence (ACLED actor1; GED side_a in one-sided violence).
        Perpetrator = ("perpetrator", "perpetrator"),
        /// Was targeted (ACLED actor2; GED side_b).
        Target = ("target", "target"),
        /// Took part alongside a main actor (ACLED assoc_actor_1/2).
        Associated = ("associated", "associated"),
    }
}

vocabulary! {
    /// Which side of the event an actor was on: A is the initiator (ACLED actor1, GED
    /// side_a), B the other side.
    Side, "side" {
        /// Side A: ACLED actor1 and its associates; GED side_a.
        A = ("a", "A"),
        /// Side B: ACLED actor2 and its associates; GED side_b.
        B = ("b", "B"),
    }
}

vocabulary! {
    /// How sure we are that an actor did what the event says. Kept apart from who the
    /// actor is, and from political labels.
    Attribution, "attribution" {
        /// The actor itself claimed responsibility.
        Claimed = ("claimed", "claimed"),
        /// Others (authorities, witnesses, analysts) attribute it to the actor; suspected.
        Attributed = ("attributed", "attributed"),
        /// Reported as fact by the source without qualification.
        Stated = ("stated", "stated"),
        /// No actor identified ("unidentified gunmen", "no group claimed").
        Unattributed = ("unattributed", "unattributed"),
    }
}

vocabulary! {
    /// Who the victims were, for casualty breakdowns.
    VictimCategory, "victim_category" {
        /// Civilians (non-combatants).
        Civilians = ("civilians", "civilians"),
        /// National state forces: army, police, gendarmerie, national guard.
        StateForces = ("state_forces", "state forces"),
        /// Foreign state forces (e.g. Barkhane, Wagner/Africa Corps).
        InternationalForces = ("international_forces", "international forces"),
        /// UN peacekeepers (e.g. MINUSMA).
        Peacekeepers = ("peacekeepers", "peacekeepers"),
        /// Members of non-state armed groups.
        NonStateArmed = ("non_state_armed", "non-state armed"),
        /// Victims whose category is not known.
        Unknown = ("unknown", "unknown"),
    }
}

vocabulary! {
    /// How far an event has been verified.
    VerificationStatus, "verification" {
        /// Not yet checked.
        Unverified = ("unverified", "unverified"),
        /// Some elements confirmed.
        PartiallyVerified = ("partially_verified", "partially verified"),
        /// Confirmed.
        Verified = ("verified", "verified"),
        /// Sources contradict each other, or the facts are contested.
        Disputed = ("disputed", "disputed"),
        /// Withdrawn (veille's "delete"): the record stays, with the reason in its history.
        Retracted = ("retracted", "retracted"),
    }
}

vocabulary! {
    /// Who may see a record. Ordered from least to most sensitive.
    Sensitivity, "sensitivity" {
        /// May be published.
        Public = ("public", "public"),
        /// Inside the organisation.
        Restricted = ("restricted", "restricted"),
        /// A named team only.
        Confidential = ("confidential", "confidential"),
        /// Named people only; may identify a source or victim.
        StrictlyConfidential = ("strictly_confidential", "strictly confidential"),
    }
}

vocabulary! {
    /// Admiralty (NATO) source reliability, A–F.
    Reliability, "reliability" {
        /// A: completely reliable.
        A = ("a", "A"),
        /// B: usually reliable.
        B = ("b", "B"),
        /// C: fairly reliable.
        C = ("c", "C"),
        /// D: not usually reliable.
        D = ("d", "D"),
        /// E: unreliable.
        E = ("e", "E"),
        /// F: reliability cannot be judged.
        F = ("f", "F"),
    }
}

vocabulary! {
    /// Admiralty (NATO) information credibility, 1–6.
    Credibility, "credibility" {
        /// 1: confirmed by other sources.
        Confirmed = ("1", "1"),
        /// 2: probably true.
        ProbablyTrue = ("2", "2"),
        /// 3: possibly true.
        PossiblyTrue = ("3", "3"),
        /// 4: doubtful.
        Doubtful = ("4", "4"),
        /// 5: improbable.
        Improbable = ("5", "5"),
        /// 6: truth cannot be judged.
        CannotBeJudged = ("6", "6"),
    }
}

// Not derived: the vocabulary macro serves enums with and without a default.
#[allow(clippy::derivable_impls)]
impl Default for Reliability {
    fn default() -> Self {
        Reliability::F
    }
}

// Not derived: the vocabulary macro serves enums with and without a default.
#[allow(clippy::derivable_impls)]
impl Default for Credibility {
    fn default() -> Self {
        Credibility::CannotBeJudged
    }
}

// Not derived: the vocabulary macro serves enums with and without a default.
#[allow(clippy::derivable_impls)]
impl Default for VerificationStatus {
    fn default() -> Self {
        VerificationStatus::Unverified
    }
}

// Not derived: the vocabulary macro serves enums with and without a default.
#[allow(clippy::derivable_impls)]
impl Default for GeoPrecision {
    fn default() -> Self {
        GeoPrecision::Country
    }
}

// Not derived: the vocabulary macro serves enums with and without a default.
#[allow(clippy::derivable_impls)]
impl Default for Sensitivity {
    fn default() -> Self {
        Sensitivity::Restricted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_five_acled_sub_types_plus_four_extensions() {
        let acled = SubEventType::ALL
            .iter()
            .filter(|s| !s.is_veille_extension())
            .count();
        assert_eq!(acled, 25);
        assert_eq!(SubEventType::ALL.len(), 29);
        assert_eq!(EventType::ALL.len(), 6);
    }

    #[test]
    fn parses_labels_codes_and_case_variants() {
        assert_eq!(
            "Armed clash".parse::<SubEventType>(),
            Ok(SubEventType::ArmedClash)
        );
        assert_eq!(
            "armed_clash".parse::<SubEventType>(),
            Ok(SubEventType::ArmedClash)
        );
        assert_eq!(
            " explosions/remote violence ".parse::<EventType>(),
            Ok(EventType::ExplosionsRemoteViolence)
        );
        assert_eq!(
            "Remote explosive/landmine/IED".parse::<SubEventType>(),
            Ok(SubEventType::RemoteExplosiveLandmineIed)
        );
    }

    #[test]
    fn unknown_value_names_kind_and_value() {
        let err = "Picnic".parse::<EventType>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown event_type 'Picnic' (expected one of: Battles, Protests, Riots, \
             Explosions/Remote violence, Violence against civilians, Strategic developments)"
        );
    }

    #[test]
    fn precedence_follows_codebook_order() {
        assert_eq!(SubEventType::GovernmentRegainsTerritory.precedence(), 0);
        assert_eq!(SubEventType::ArmedClash.precedence(), 2);
        assert!(SubEventType::SuicideBomb.precedence() < SubEventType::Grenade.precedence());
        assert!(SubEventType::SexualViolence.precedence() < SubEventType::Attack.precedence());
    }

    #[test]
    fn inter_codes_from_numbers_and_text() {
        assert_eq!(InterCode::parse_any("3"), Ok(InterCode::PoliticalMilitias));
        assert_eq!(
            InterCode::parse_any("Identity militia"),
            Ok(InterCode::IdentityMilitias)
        );
        assert_eq!(
            InterCode::parse_any("External/Other forces"),
            Ok(InterCode::ExternalOtherForces)
        );
        assert!(InterCode::parse_any("9").is_err());
        assert_eq!(InterCode::from_number(0), None);
    }

    #[test]
    fn precision_code_maps_round_trip() {
        for p in DatePrecision::ALL {
            assert_eq!(DatePrecision::from_ged(p.to_ged()), Some(*p));
        }
        assert_eq!(GeoPrecision::from_ged(6), Some(GeoPrecision::Country));
        assert_eq!(GeoPrecision::from_acled(3), Some(GeoPrecision::Admin1));
        assert_eq!(GeoPrecision::from_ged(0), None);
    }

    #[test]
    fn sensitivity_is_ordered() {
        assert!(Sensitivity::Public < Sensitivity::Restricted);
        assert!(Sensitivity::Confidential < Sensitivity::StrictlyConfidential);
    }
}
