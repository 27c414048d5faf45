//! Event type and sub-type from cue words, following ACLED's precedence when tactics
//! combine:
//!
//! 1. protests (excessive force > intervention > peaceful) and riots (mob violence,
//!    violent demonstration) are coded as such whoever else appears;
//! 2. suicide bomb > air/drone strike;
//! 3. shelling/artillery/missile, then remote explosive/landmine/IED — only when no
//!    direct fire is described (an IED followed by an assault on a camp is an armed
//!    clash); a defused or neutralised device is *Disrupted weapons use*;
//! 4. territory changing hands: non-state actor overtakes / government regains;
//! 5. an attack, ambush or fighting against armed forces (soldiers, camps, convoys,
//!    patrols, peacekeepers) or between armed groups: *Armed clash*;
//! 6. violence against civilians: sexual violence > attack (anyone killed or wounded,
//!    executions) > abduction; without casualties, veille's indirect threats: siege or
//!    blockade, attack on education, forced displacement, intimidation (threats, bans,
//!    zakat);
//! 7. strategic developments: arrests, agreement, looting/property destruction (arson of
//!    a village with no victims), change to group/activity, other.

use crate::text::Doc;
use veille_model::SubEventType;

/// Cue features of an incident's text.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// (name, token index) of each cue group found, for evidence.
    pub hits: Vec<(&'static str, usize)>,
}

impl Features {
    fn has(&self, name: &str) -> bool {
        self.hits.iter().any(|h| h.0 == name)
    }

    fn at(&self, name: &str) -> Option<usize> {
        self.hits.iter().find(|h| h.0 == name).map(|h| h.1)
    }

    /// True when any violence or development cue was found.
    pub fn any_event(&self) -> bool {
        !self.hits.is_empty()
    }
}

/// Cue groups: (name, phrases).
pub const CUES: &[(&str, &[&str])] = &[
    (
        "protest",
        &[
            "manif",
            "manifs",
            "protest",
            "protests",
            "protesters",
            "protestors",
            "protested",
            "demonstration",
            "demonstrations",
            "demonstrators",
            "manifestation",
            "manifestations",
            "manifestants",
            "manifeste",
            "ont manifeste",
            "marche pacifique",
            "sit - in",
            "rally",
            "rallies",
            "rallied",
            "marched",
            "marcher",
            "ont marche",
        ],
    ),
    (
        "protest_force",
        &[
            "opened fire on protesters",
            "fire on demonstrators",
            "ouvert le feu sur des manifestants",
            "ouvert le feu sur les manifestants",
            "shot dead protesters",
            "tirs a balles reelles",
        ],
    ),
    (
        "protest_intervention",
        &[
            "tear gas",
            "teargas",
            "gaz lacrymogene",
            "gaz lacrymogenes",
            "dispersed",
            "disperse",
            "disperser",
            "dispersion",
            "arrested",
            "interpelle",
            "interpelles",
            "truncheons",
        ],
    ),
    (
        "mob",
        &[
            "mob",
            "lynched",
            "lynching",
            "lynchage",
            "lynche",
            "lynches",
            "vindicte populaire",
            "beat to death",
            "beaten to death",
            "battus a mort",
            "justice populaire",
        ],
    ),
    (
        "riot",
        &[
            "riot",
            "riots",
            "rioters",
            "rioting",
            "emeute",
            "emeutes",
            "emeutiers",
            "saccage",
            "en colere",
            "angry youths",
            "angry youth",
            "angry residents",
            "angry crowd",
        ],
    ),
    (
        "suicide",
        &[
            "suicide",
            "kamikaze",
            "kamikazes",
            "s ' est fait exploser",
            "se sont fait exploser",
            "attentat - suicide",
            "attentats - suicides",
        ],
    ),
    (
        "air",
        &[
            "air strike",
            "air strikes",
            "airstrike",
            "airstrikes",
            "drone strike",
            "drone strikes",
            "frappe aerienne",
            "frappes aeriennes",
            "frappe de drone",
            "frappes de drone",
            "frappes de drones",
            "frappe de drones",
            "bombardement aerien",
            "bombardements aeriens",
            "aeronef",
            "helicopter fire",
            "helicopters fired",
            "helicopters struck",
            "helicopter strike",
            "gunships",
            "warplanes",
            "warplane",
            "fighter jets",
            "air raid",
            "air raids",
            "raid aerien",
            "bombed",
            "bombing",
            "bombarde",
            "bombardement",
            "bombardements",
            "avions ont",
            "frappe",
            "frappes",
        ],
    ),
    (
        "shelling",
        &[
            "mortar",
            "mortars",
            "mortier",
            "mortiers",
            "rocket",
            "rockets",
            "roquette",
            "roquettes",
            "obus",
            "shelling",
            "shelled",
            "artillery",
            "artillerie",
            "tirs indirects",
            "indirect fire",
            "missile",
            "missiles",
        ],
    ),
    (
        "ied",
        &[
            "ied",
            "ieds",
            "improvised explosive",
            "explosive device",
            "explosive devices",
            "landmine",
            "landmines",
            "land mine",
            "engin explosif",
            "engins explosifs",
            "eei",
            "roadside bomb",
            "struck a mine",
            "hit a mine",
            "sur une mine",
            "mine antipersonnel",
            "mine artisanale",
            "explosion",
            "explosions",
            "exploded",
            "explose",
            "a saute",
            "ont saute",
            "vehicule piege",
            "voiture piegee",
            "car bomb",
            "car bombs",
            "vbied",
        ],
    ),
    ("grenade", &["grenade", "grenades"]),
    (
        "defused",
        &[
            "defused",
            "defuse",
            "desamorce",
            "neutralised an ied",
            "neutralized an ied",
            "neutralised an improvised",
            "neutralized an improvised",
            "neutralise un engin",
            "neutralise un eei",
            "destroyed an ied",
            "weapons cache",
            "cache d ' armes",
            "seized weapons",
            "saisi des armes",
            "eod team",
        ],
    ),
    (
        "clash",
        &[
            "clash",
            "clashes",
            "clashed",
            "fighting",
            "fought",
            "gun battle",
            "gunfight",
            "firefight",
            "exchange of fire",
            "exchanges of fire",
            "echange de tirs",
            "echanges de tirs",
            "affrontement",
            "affrontements",
            "combats",
            "combat",
            "accrochage",
            "accrochages",
            "repelled",
            "repulsed",
            "repousse",
            "repousser",
            "riposte",
            "ripostent",
            "riposted",
            "battle",
            "engaged",
        ],
    ),
    (
        "direct_fire",
        &[
            "stormed",
            "assault",
            "assaults",
            "assaut",
            "ambush",
            "ambushed",
            "ambushes",
            "embuscade",
            "overran",
            "overrun",
            "raid",
            "raided",
            "opened fire",
            "ouvert le feu",
            "tirs intenses",
            "tirs nourris",
            "coups de feu",
            "gunshots",
            "gunfire",
            "shooting",
            "tirent",
            "tirant",
            "heavy weapons",
            "armes lourdes",
            "attaque complexe",
            "complex attack",
            "offensive",
            "operation",
            "operations",
        ],
    ),
    (
        "attack",
        &[
            "attak",
            "attaq",
            "attack",
            "attacks",
            "attacked",
            "attacking",
            "attaque",
            "attaques",
            "attaquee",
            "attaquees",
            "attaquer",
            "assault",
            "stormed",
            "raid",
            "raided",
            "ambush",
            "ambushed",
            "embuscade",
            "massacre",
            "massacres",
            "massacred",
            "killed",
            "killing",
            "tue",
            "tues",
            "tuant",
            "shot",
            "executed",
            "execute",
            "executes",
            "executions",
            "summarily",
            "struck",
            "targeted",
            "vise",
            "visee",
            "incursion",
            "perpetre",
            "perpetres",
            "hit",
            "assassine",
            "assassinat",
            "assassinated",
        ],
    ),
    (
        "overtake",
        &[
            "seized control",
            "took control",
            "taken control",
            "take control",
            "captured the town",
            "seized the",
            "overran the town",
            "pris le controle",
            "s ' est empare",
            "se sont empares",
            "s ' emparer",
            "occupied",
            "occupy",
            "took over",
            "a pris le camp",
            "pris le camp",
            "a pris la ville",
            "ont pris",
        ],
    ),
    (
        "regain",
        &[
            "retook",
            "recaptured",
            "regained control",
            "regain control",
            "repris le controle",
            "reprise de",
            "reprendre le controle",
            "liberated the town",
        ],
    ),
    (
        "transfer",
        &[
            "handover",
            "handed over",
            "hand over",
            "retrocession",
            "passation",
            "remise du camp",
            "withdrawal",
            "retrait",
        ],
    ),
    (
        "abduct",
        &[
            "kidnapped",
            "kidnapping",
            "kidnappings",
            "abducted",
            "abduction",
            "abductions",
            "taken hostage",
            "held hostage",
            "enleve",
            "enleves",
            "enlevee",
            "enlevees",
            "enlevement",
            "enlevements",
            "kidnappe",
            "kidnappes",
            "pris en otage",
            "retient en otage",
            "otage",
            "otages",
            "hostage",
            "hostages",
            "captive",
            "captivity",
            "amenes",
            "taken away",
        ],
    ),
    (
        "sexual",
        &[
            "raped",
            "rape",
            "rapes",
            "viol",
            "viols",
            "violee",
            "violees",
            "sexual violence",
            "violences sexuelles",
            "sexual assault",
        ],
    ),
    (
        "execution",
        &[
            "executed",
            "execution",
            "executions",
            "execute",
            "executes",
            "summarily",
            "beheaded",
            "decapite",
            "egorge",
            "egorges",
            "flogged",
            "flogging",
            "fouette",
            "amputated",
            "ampute",
            "amputes",
            "amputations",
            "beat",
            "beaten",
            "tortured",
            "torture",
            "bodies",
        ],
    ),
    (
        "arson",
        &[
            "burned",
            "burnt",
            "torched",
            "set fire",
            "set on fire",
            "incendie",
            "incendies",
            "incendiee",
            "incendiees",
            "brule",
            "brules",
            "brulee",
            "brulees",
            "mis le feu",
            "razed",
            "destroyed",
            "detruit",
            "detruits",
            "detruire",
            "detruites",
            "looted",
            "looting",
            "pille",
            "pilles",
            "pillage",
            "stole",
            "stolen",
            "emporte",
            "emportes",
            "vol de betail",
            "cattle rustling",
            "rustled",
            "rustlers",
            "carried off",
            "making off",
            "made off",
        ],
    ),
    (
        "siege",
        &[
            "blockade",
            "blockaded",
            "blocus",
            "siege",
            "besieged",
            "besieging",
            "encircled",
            "encercle",
            "encerclee",
            "encercles",
            "encercles",
            "assiege",
            "assiegee",
            "under siege",
            "cut off",
            "embargo",
            "sous embargo",
            "blocked by",
            "road blocked",
            "bloque par",
            "bloquee par",
        ],
    ),
    (
        "intimidation",
        &[
            "taxing",
            "taxe",
            "taxes",
            "racket",
            "racketing",
            "threatened",
            "threatening",
            "threats",
            "threat",
            "menace",
            "menaces",
            "menaced",
            "menacant",
            "intimidation",
            "intimidated",
            "ultimatum",
            "banned",
            "ban",
            "bans",
            "interdit",
            "interdits",
            "interdiction",
            "zakat",
            "ordered",
            "ordonne",
            "forced to pay",
            "extorted",
            "warned",
            "averti",
            "prohibited",
            "imposed",
            "impose",
            "imposent",
        ],
    ),
    (
        "school",
        &[
            "school",
            "schools",
            "ecole",
            "ecoles",
            "teachers",
            "teacher",
            "enseignants",
            "enseignant",
            "pupils",
            "eleves",
            "students",
        ],
    ),
    (
        "displace",
        &[
            "forced to flee",
            "forced displacement",
            "contraints de fuir",
            "chasses de",
            "forced out",
            "expelled",
            "deplacement force",
            "ordered to leave",
            "ordered them to leave",
            "to leave within",
            "sommes de quitter",
            "forces de quitter",
            "forced to leave",
            "fled",
            "deplaces",
            "desertes",
            "displaced",
            "ont fui",
        ],
    ),
    (
        "agreement",
        &[
            "agreement",
            "accord",
            "ceasefire",
            "cease - fire",
            "cessez - le - feu",
            "peace deal",
            "in exchange",
            "en echange",
            "exchange of prisoners",
            "echange de prisonniers",
            "signed",
            "signe",
        ],
    ),
    (
        "arrest",
        &[
            "arrested",
            "arrest",
            "arrests",
            "detained",
            "detaining",
            "interpelle",
            "interpelles",
            "arrete",
            "arretes",
            "apprehended",
            "mis aux arrets",
            "placed in custody",
        ],
    ),
    (
        "change",
        &[
            "dissolved",
            "dissolution",
            "merged",
            "merger",
            "pledged allegiance",
            "allegeance",
            "new leader",
            "nouveau chef",
            "renamed",
        ],
    ),
    (
        "base",
        &[
            "established a base",
            "set up a base",
            "installe une base",
            "installed a base",
            "new base",
            "nouvelle base",
            "checkpoint installe",
            "installe un checkpoint",
            "set up a checkpoint",
        ],
    ),
    (
        "release",
        &[
            "released",
            "freed",
            "liberes",
            "libere",
            "liberee",
            "liberation",
            "relache",
            "relaches",
        ],
    ),
];

type CueIndex = std::collections::HashMap<&'static str, Vec<(usize, &'static str)>>;

fn cue_index() -> &'static CueIndex {
    static IDX: std::sync::OnceLock<CueIndex> = std::sync::OnceLock::new();
    IDX.get_or_init(|| {
        let mut m: CueIndex = std::collections::HashMap::new();
        for (g, (_, phrases)) in CUES.iter().enumerate() {
            for p in *phrases {
                let head = p.split(' ').next().unwrap_or(p);
                m.entry(head).or_default().push((g, p));
            }
        }
        m
    })
}

/// Finds the cue groups in tokens `from..to`.
pub fn features(doc: &Doc, from: usize, to: usize) -> Features {
    let mut f = Features::default();
    // One pass over the tokens with an index of the phrases by their first word.
    let index = cue_index();
    let mut first: Vec<Option<usize>> = vec![None; CUES.len()];
    for k in from..to.min(doc.tokens.len()) {
        let Some(cands) = index.get(doc.n(k)) else {
            continue;
        };
        for &(group, phrase) in cands {
            if first[group].is_none() && doc.matches(k, phrase) {
                first[group] = Some(k);
            }
        }
    }
    for (g, (name, _)) in CUES.iter().enumerate() {
        if let Some(at) = first[g] {
            f.hits.push((name, at));
        }
    }
    // "frappe" alone is an air strike only with an aircraft or drone nearby.
    if let Some(at) = f.at("air") {
        let w = doc.n(at);
        if matches!(w, "frappe" | "frappes")
            && !doc.any(
                from,
                to,
                &[
                    "drone",
                    "drones",
                    "aeronef",
                    "avion",
                    "aerienne",
                    "aeriennes",
                    "helicoptere",
                ],
            )
        {
            f.hits.retain(|h| h.0 != "air");
        }
    }
    // "..., after a vehicle in their convoy struck an IED": the device is the context,
    // not the tactic of this incident.
    for cue in ["ied", "shelling"] {
        if let Some(at) = f.at(cue) {
            if doc.any(
                at.saturating_sub(8).max(from),
                at,
                &["after", "apres", "following"],
            ) {
                f.hits.retain(|h| h.0 != cue);
            }
        }
    }
    // "mine" as in "gold mine" is a place, not a landmine.
    if let Some(at) = f.at("ied") {
        if doc.n(at) == "mine" && at > 0 && matches!(doc.n(at - 1), "gold" | "d" | "or") {
            f.hits.retain(|h| h.0 != "ied");
        }
    }
    f
}

/// What the victims/targets were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Targets {
    /// Armed forces or armed group positions targeted or harmed.
    pub forces: bool,
    /// Civilians targeted or harmed.
    pub civilians: bool,
    /// Anyone killed (count > 0).
    pub killed: bool,
    /// Anyone injured.
    pub injured: bool,
    /// Anyone abducted.
    pub abducted: bool,
    /// Two armed sides named (e.g. GATIA and ISGS).
    pub two_armed_sides: bool,
    /// Members of state, international or UN forces killed, injured, abducted or missing.
    pub forces_harmed: bool,
    /// Members of non-state armed groups killed or injured.
    pub armed_harmed: bool,
    /// Civilians killed, injured, abducted or missing.
    pub civilians_harmed: bool,
    /// The perpetrator is a state actor.
    pub state_perpetrator: bool,
    /// The perpetrator is a non-state armed actor.
    pub nonstate_perpetrator: bool,
}

/// Words that name a military target.
pub const FORCE_TARGET_WORDS: &[&str] = &[
    "soldiers",
    "troops",
    "army camp",
    "military camp",
    "military base",
    "army base",
    "army positions",
    "military post",
    "army post",
    "checkpoint",
    "convoy",
    "patrol",
    "patrols",
    "peacekeepers",
    "camp militaire",
    "camps militaires",
    "base militaire",
    "poste militaire",
    "poste fama",
    "postes",
    "poste",
    "patrouille",
    "patrouilles",
    "convoi",
    "casques bleus",
    "militaires",
    "soldats",
    "gendarmerie",
    "gendarmes",
    "police station",
    "commissariat",
    "camp de la minusma",
    "minusma camp",
    "un base",
    "military",
    "army",
    "camp",
    "camps",
    "base",
    "garrison",
    "positions",
    "kia",
    "gendarmerie post",
    "brigade",
    "barracks",
    "caserne",
    "fama",
];

/// Words that name a civilian target.
pub const CIVILIAN_TARGET_WORDS: &[&str] = &[
    "civilians",
    "villagers",
    "village",
    "villages",
    "market",
    "passengers",
    "bus",
    "wedding",
    "mosque",
    "residents",
    "herders",
    "farmers",
    "civils",
    "villageois",
    "habitants",
    "foire",
    "passagers",
    "mariage",
    "mosquee",
    "bergers",
    "eleveurs",
    "population",
    "nomad",
    "hameau",
    "hamlet",
    "commercants",
    "traders",
    "pharmacy",
    "journalists",
    "journalist",
    "aid worker",
    "invites",
    "guests",
];

/// Picks the sub-event type; returns it with the cue group that decided.
pub fn classify(f: &Features, t: &Targets) -> (SubEventType, &'static str) {
    use SubEventType::*;
    let clash = f.has("clash");
    let direct_fire = f.has("direct_fire") || clash;
    if f.has("protest") {
        if t.killed || f.has("protest_force") {
            return (ExcessiveForceAgainstProtesters, "protest");
        }
        if f.has("protest_intervention") {
            return (ProtestWithIntervention, "protest");
        }
        if !f.has("attack") || !t.killed {
            return (PeacefulProtest, "protest");
        }
    }
    if f.has("mob") {
        return (MobViolence, "mob");
    }
    if f.has("riot") {
        return (ViolentDemonstration, "riot");
    }
    if f.has("suicide") {
        return (SuicideBomb, "suicide");
    }
    if f.has("air") {
        return (AirDroneStrike, "air");
    }
    if f.has("defused") {
        return (DisruptedWeaponsUse, "defused");
    }
    if f.has("shelling") && !direct_fire {
        return (ShellingArtilleryMissile, "shelling");
    }
    if f.has("ied") && !direct_fire {
        return (RemoteExplosiveLandmineIed, "ied");
    }
    if f.has("grenade") && !direct_fire {
        return (Grenade, "grenade");
    }
    if f.has("regain") && (t.state_perpetrator || !t.nonstate_perpetrator) {
        return (GovernmentRegainsTerritory, "regain");
    }
    if f.has("overtake") && t.nonstate_perpetrator {
        return (NonStateActorOvertakesTerritory, "overtake");
    }
    let harmed = t.killed || t.injured;
    let arrest_only = f.has("arrest") && !harmed && !direct_fire;
    let violent = direct_fire || harmed || (f.has("attack") && !arrest_only);
    if violent
        && (t.forces_harmed
            || t.two_armed_sides
            || (t.armed_harmed && !t.civilians_harmed)
            || (t.forces && !t.civilians_harmed)
            || (clash && !t.civilians_harmed))
    {
        return (
            ArmedClash,
            if clash {
                "clash"
            } else if direct_fire {
                "direct_fire"
            } else {
                "attack"
            },
        );
    }
    if f.has("sexual") {
        return (SexualViolence, "sexual");
    }
    if t.killed || t.injured || (f.has("execution") && !f.has("release")) {
        return (Attack, "attack");
    }
    if f.has("siege") {
        return (BlockadeSiege, "siege");
    }
    if f.has("abduct") && !f.has("agreement") {
        return (AbductionForcedDisappearance, "abduct");
    }
    if f.has("school") && (f.has("intimidation") || f.has("arson") || f.has("attack")) {
        return (AttackOnEducation, "school");
    }
    if f.has("base") {
        return (HeadquartersOrBaseEstablished, "base");
    }
    if f.has("displace") {
        return (ForcedDisplacement, "displace");
    }
    if f.has("arson") && !f.has("attack") {
        return (LootingPropertyDestruction, "arson");
    }
    if f.has("intimidation") && !f.has("arrest") {
        return (Intimidation, "intimidation");
    }
    if f.has("agreement") {
        return (Agreement, "agreement");
    }
    if f.has("arrest") {
        return (Arrests, "arrest");
    }
    if f.has("arson") {
        return (LootingPropertyDestruction, "arson");
    }
    if f.has("transfer") || (f.has("overtake") && t.state_perpetrator) {
        return (NonViolentTransferOfTerritory, "transfer");
    }
    if f.has("change") {
        return (ChangeToGroupActivity, "change");
    }
    if direct_fire && !t.civilians {
        return (ArmedClash, "direct_fire");
    }
    if f.has("attack") {
        if t.forces {
            return (ArmedClash, "attack");
        }
        return (Attack, "attack");
    }
    (Other, "")
}
