//! The in-memory registry: loading the seed, indexes, and validated edits.

use crate::error::RegistryError;
use crate::model::{
    fmt_interval, overlaps, Actor, Alias, AliasKind, Designation, Origin, RegistryEdit, Relation,
    RelationKind, SeedFile,
};
use crate::normalize::normalize;
use crate::ucdp;
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The curated seed registry (Mali / Sahel).
pub const SEED_REGISTRY: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/actors/registry.toml"
));

/// UCDP sides absent from the UCDP Actor Dataset 22.1.
pub const SEED_UCDP_SUPPLEMENT: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/actors/ucdp_supplement.toml"
));

/// Index entry: which alias of which actor a normalised key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AliasRef {
    /// Actor index.
    pub actor: usize,
    /// Alias index in `actor.aliases`, or `usize::MAX` for the canonical name.
    pub alias: usize,
}

pub(crate) const CANONICAL: usize = usize::MAX;

/// A key for fuzzy matching (curated actors only).
#[derive(Debug, Clone)]
pub(crate) struct FuzzyKey {
    pub key: String,
    pub at: AliasRef,
    /// Letter/digit counts, a cheap prefilter before Jaro–Winkler.
    pub bag: [u8; 36],
}

/// Counts of a–z and 0–9 in a normalised key (saturating).
pub(crate) fn letter_bag(s: &str) -> [u8; 36] {
    let mut bag = [0u8; 36];
    for b in s.bytes() {
        let i = match b {
            b'a'..=b'z' => usize::from(b - b'a'),
            b'0'..=b'9' => 26 + usize::from(b - b'0'),
            _ => continue,
        };
        bag[i] = bag[i].saturating_add(1);
    }
    bag
}

/// L1 distance between two letter bags.
pub(crate) fn bag_distance(a: &[u8; 36], b: &[u8; 36]) -> u32 {
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| u32::from(x.abs_diff(*y)))
        .sum()
}

/// The actor registry. Cheap to share (`Registry::shipped()` is built once per process);
/// clone it to edit.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub(crate) actors: Vec<Actor>,
    pub(crate) by_id: HashMap<String, usize>,
    pub(crate) relations: Vec<Relation>,
    pub(crate) designations: Vec<Designation>,
    /// normalised alias → entries
    pub(crate) alias_index: HashMap<String, Vec<AliasRef>>,
    pub(crate) ucdp_index: HashMap<u32, usize>,
    pub(crate) fuzzy: HashMap<char, Vec<FuzzyKey>>,
    /// curated keys with spaces removed ("l islam" == "lislam")
    pub(crate) compact_index: HashMap<String, Vec<AliasRef>>,
    /// relation indices by actor index: where the actor is `from` / `to`
    pub(crate) out_rel: Vec<Vec<usize>>,
    pub(crate) in_rel: Vec<Vec<usize>>,
    pub(crate) edits: Vec<RegistryEdit>,
    pub(crate) skipped_aliases: Vec<String>,
}

static SHIPPED: OnceLock<Result<Registry, RegistryError>> = OnceLock::new();

fn describe_actor(a: &Actor) -> String {
    format!("actor \"{}\" ({})", a.id, a.name)
}

fn check_interval(
    record: impl FnOnce() -> String,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<(), RegistryError> {
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(RegistryError::BadInterval {
                record: record(),
                from: f,
                to: t,
            });
        }
    }
    Ok(())
}

impl Registry {
    /// The shipped registry: the curated seed (`data/actors/registry.toml`), the UCDP Actor
    /// Dataset 22.1 (every UCDP actor the seed does not claim becomes `ucdp-<ActorId>`) and
    /// the UCDP supplement, all embedded in the binary. Built once per process; later calls
    /// are a pointer copy. Clone the result to edit it.
    pub fn shipped() -> Result<&'static Registry, RegistryError> {
        SHIPPED
            .get_or_init(Registry::load_shipped)
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Builds the shipped registry afresh (what [`Registry::shipped`] caches).
    pub fn load_shipped() -> Result<Registry, RegistryError> {
        let mut seed = parse_seed(SEED_REGISTRY, "data/actors/registry.toml")?;
        let mut supplement = parse_seed(SEED_UCDP_SUPPLEMENT, "data/actors/ucdp_supplement.toml")?;
        let ucdp_rows =
            ucdp::parse_actor_dataset(ucdp::ACTOR_DATASET_221, "data/actors/ucdp_actor_221.csv")?;
        let mut reg = Registry::default();
        reg.load_actors(std::mem::take(&mut seed.actors))?;
        reg.load_ucdp(&ucdp_rows)?;
        reg.load_actors(std::mem::take(&mut supplement.actors))?;
        for f in [&seed, &supplement] {
            for e in &f.aliases {
                reg.insert_alias(&e.actor, e.alias.clone(), false)?;
            }
        }
        for f in [seed, supplement] {
            for r in f.relations {
                reg.insert_relation(r)?;
            }
            for d in f.designations {
                reg.insert_designation(d)?;
            }
        }
        Ok(reg)
    }

    /// A registry from one seed file's text alone (no UCDP layer); for tests and tools.
    pub fn from_toml_str(text: &str, file: &str) -> Result<Registry, RegistryError> {
        let seed = parse_seed(text, file)?;
        let mut reg = Registry::default();
        reg.load_actors(seed.actors)?;
        for e in seed.aliases {
            reg.insert_alias(&e.actor, e.alias, false)?;
        }
        for r in seed.relations {
            reg.insert_relation(r)?;
        }
        for d in seed.designations {
            reg.insert_designation(d)?;
        }
        Ok(reg)
    }

    fn load_actors(&mut self, actors: Vec<Actor>) -> Result<(), RegistryError> {
        // Insert all actors first (without components) so components may refer forward.
        let mut deferred = Vec::new();
        for mut a in actors {
            let comps = std::mem::take(&mut a.components);
            let id = a.id.clone();
            self.insert_actor(a)?;
            if !comps.is_empty() {
                deferred.push((id, comps));
            }
        }
        for (id, comps) in deferred {
            for c in &comps {
                if !self.by_id.contains_key(c) {
                    return Err(RegistryError::UnknownActor {
                        id: c.clone(),
                        context: format!("components of actor \"{id}\""),
                    });
                }
            }
            if let Some(&i) = self.by_id.get(&id) {
                self.actors[i].components = comps;
            }
        }
        Ok(())
    }

    fn load_ucdp(&mut self, rows: &[ucdp::UcdpActor]) -> Result<(), RegistryError> {
        for u in rows {
            if let Some(&i) = self.ucdp_index.get(&u.actor_id) {
                // Claimed by a curated actor: make sure its UCDP name resolves to it.
                let alias = Alias {
                    text: u.name_data.clone(),
                    lang: crate::model::Lang::Und,
                    kind: AliasKind::Ucdp,
                    source: format!("UCDP Actor {} (ActorId {})", u.version, u.actor_id),
                    valid_from: None,
                    valid_to: None,
                };
                let id = self.actors[i].id.clone();
                if self.insert_alias(&id, alias, true).is_err() {
                    self.skipped_aliases
                        .push(format!("{} (UCDP {})", u.name_data, u.actor_id));
                }
                continue;
            }
            let mut a = ucdp::derive_actor(u);
            // Derived aliases that collide with existing ones are skipped, not refused:
            // the derived actor stays reachable by its UCDP id.
            let aliases = std::mem::take(&mut a.aliases);
            let id = a.id.clone();
            self.insert_actor(a)?;
            for al in aliases {
                let text = al.text.clone();
                if self.insert_alias(&id, al, true).is_err() {
                    self.skipped_aliases
                        .push(format!("{text} (UCDP {})", u.actor_id));
                }
            }
        }
        Ok(())
    }

    // ---------------------------------------------------------------------------------
    // Accessors
    // ---------------------------------------------------------------------------------

    /// All actors.
    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    /// All relations.
    pub fn relations(&self) -> &[Relation] {
        &self.relations
    }

    /// All designations.
    pub fn designations(&self) -> &[Designation] {
        &self.designations
    }

    /// An actor by id.
    pub fn get(&self, id: &str) -> Option<&Actor> {
        self.by_id.get(id).map(|&i| &self.actors[i])
    }

    /// The actor a UCDP ActorId maps to.
    pub fn by_ucdp_id(&self, ucdp_id: u32) -> Option<&Actor> {
        self.ucdp_index.get(&ucdp_id).map(|&i| &self.actors[i])
    }

    /// Relations where `id` is the subject.
    pub fn relations_from(&self, id: &str) -> Vec<&Relation> {
        self.by_id
            .get(id)
            .map(|&i| {
                self.out_rel[i]
                    .iter()
                    .map(|&r| &self.relations[r])
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Relations where `id` is the object.
    pub fn relations_to(&self, id: &str) -> Vec<&Relation> {
        self.by_id
            .get(id)
            .map(|&i| self.in_rel[i].iter().map(|&r| &self.relations[r]).collect())
            .unwrap_or_default()
    }

    /// Designations of an actor.
    pub fn designations_of(&self, id: &str) -> Vec<&Designation> {
        self.designations.iter().filter(|d| d.actor == id).collect()
    }

    /// The edits applied since the registry was loaded, in order (for the store to persist
    /// as revisions).
    pub fn edits(&self) -> &[RegistryEdit] {
        &self.edits
    }

    /// UCDP names that were not indexed because another actor already holds them (the
    /// UCDP actor stays reachable by its id).
    pub fn skipped_aliases(&self) -> &[String] {
        &self.skipped_aliases
    }

    // ---------------------------------------------------------------------------------
    // Edits (validated; each is recorded as a `RegistryEdit`)
    // ---------------------------------------------------------------------------------

    /// Adds an actor. Refused: a taken id, an empty name, an inter code outside 1–8, an
    /// active period that ends before it starts, a community on an actor that is not an
    /// identity/communal militia or self-defence group, unknown components, a UCDP id or an
    /// alias already held by another actor over an overlapping period.
    pub fn add_actor(&mut self, actor: Actor) -> Result<(), RegistryError> {
        // Validate on a scratch copy so a refused edit leaves the registry unchanged.
        let mut scratch = self.clone();
        let mut a = actor.clone();
        let aliases = std::mem::take(&mut a.aliases);
        let comps = std::mem::take(&mut a.components);
        for c in &comps {
            if !scratch.by_id.contains_key(c) {
                return Err(RegistryError::UnknownActor {
                    id: c.clone(),
                    context: format!("components of actor \"{}\"", a.id),
                });
            }
        }
        let id = a.id.clone();
        scratch.insert_actor(a)?;
        for al in aliases {
            scratch.insert_alias(&id, al, false)?;
        }
        if let Some(&i) = scratch.by_id.get(&id) {
            scratch.actors[i].components = comps;
        }
        scratch.edits.push(RegistryEdit::AddActor { actor });
        *self = scratch;
        Ok(())
    }

    /// Adds an alias to an actor. Refused: unknown actor, empty text, an interval that ends
    /// before it starts, the same alias already on this actor, or the same alias (after
    /// normalisation) on another actor over an overlapping period — the message names both.
    pub fn add_alias(&mut self, actor_id: &str, alias: Alias) -> Result<(), RegistryError> {
        self.insert_alias(actor_id, alias.clone(), false)?;
        self.edits.push(RegistryEdit::AddAlias {
            actor: actor_id.to_string(),
            alias,
        });
        Ok(())
    }

    /// Adds a relation. Refused: unknown actors, a relation of an actor to itself, an
    /// interval that ends before it starts, or a genealogical relation (member_of,
    /// merged_into, split_from, renamed_to) that makes an actor its own ancestor.
    pub fn add_relation(&mut self, relation: Relation) -> Result<(), RegistryError> {
        self.insert_relation(relation.clone())?;
        self.edits.push(RegistryEdit::AddRelation { relation });
        Ok(())
    }

    /// Adds a designation. Refused: unknown actor or an interval that ends before it starts.
    pub fn add_designation(&mut self, designation: Designation) -> Result<(), RegistryError> {
        self.insert_designation(designation.clone())?;
        self.edits
            .push(RegistryEdit::AddDesignation { designation });
        Ok(())
    }

    /// Applies one edit (e.g. replayed from the store's revisions).
    pub fn apply(&mut self, edit: RegistryEdit) -> Result<(), RegistryError> {
        match edit {
            RegistryEdit::AddActor { actor } => self.add_actor(actor),
            RegistryEdit::AddAlias { actor, alias } => self.add_alias(&actor, alias),
            RegistryEdit::AddRelation { relation } => self.add_relation(relation),
            RegistryEdit::AddDesignation { designation } => self.add_designation(designation),
        }
    }

    fn insert_actor(&mut self, mut a: Actor) -> Result<(), RegistryError> {
        let rec = || format!("actor \"{}\"", a.id);
        if a.id.trim().is_empty() || a.id.chars().any(char::is_whitespace) {
            return Err(RegistryError::Invalid {
                record: format!("actor \"{}\" ({})", a.id, a.name),
                reason: "id must be non-empty and contain no spaces".into(),
            });
        }
        if let Some(&i) = self.by_id.get(&a.id) {
            return Err(RegistryError::DuplicateActor {
                id: a.id.clone(),
                existing: describe_actor(&self.actors[i]),
            });
        }
        if a.name.trim().is_empty() {
            return Err(RegistryError::Invalid {
                record: rec(),
                reason: "name is empty".into(),
            });
        }
        if !(1..=8).contains(&a.inter) {
            return Err(RegistryError::Invalid {
                record: rec(),
                reason: format!("inter code {} is not an ACLED actor type 1–8", a.inter),
            });
        }
        if a.source.trim().is_empty() {
            return Err(RegistryError::Invalid {
                record: rec(),
                reason: "source is empty".into(),
            });
        }
        check_interval(
            || format!("actor \"{}\" ({}) active period", a.id, a.name),
            a.active_from,
            a.active_to,
        )?;
        if a.community.is_some() && !a.kind.may_claim_community() {
            return Err(RegistryError::Invalid {
                record: rec(),
                reason: format!(
                    "a claimed community is recorded only for identity/communal militias and self-defence groups, not for kind '{}'",
                    a.kind
                ),
            });
        }
        for &u in &a.ucdp_ids {
            if let Some(&j) = self.ucdp_index.get(&u) {
                return Err(RegistryError::DuplicateUcdpId {
                    ucdp_id: u,
                    actor: describe_actor(&a),
                    other: describe_actor(&self.actors[j]),
                });
            }
        }
        // Aliases are inserted one by one so that duplicates are checked.
        let aliases = std::mem::take(&mut a.aliases);
        let idx = self.actors.len();
        let id = a.id.clone();
        let name_key = normalize(&a.name);
        for &u in &a.ucdp_ids {
            self.ucdp_index.insert(u, idx);
        }
        let curated = a.origin == Origin::Curated;
        self.by_id.insert(id.clone(), idx);
        self.actors.push(a);
        self.out_rel.push(Vec::new());
        self.in_rel.push(Vec::new());
        // The canonical name is indexed too (same-actor duplicates are fine).
        if !name_key.is_empty() {
            let at = AliasRef {
                actor: idx,
                alias: CANONICAL,
            };
            let conflict = self
                .alias_index
                .get(&name_key)
                .and_then(|v| v.iter().find(|r| r.actor != idx).copied());
            match conflict {
                Some(other) if curated => {
                    let other_actor = &self.actors[other.actor];
                    return Err(RegistryError::DuplicateAlias {
                        alias: self.actors[idx].name.clone(),
                        actor: describe_actor(&self.actors[idx]),
                        period: "canonical name, always".into(),
                        other: describe_actor(other_actor),
                        other_period: "overlapping".into(),
                    });
                }
                Some(_) => self.skipped_aliases.push(self.actors[idx].name.clone()),
                None => {
                    self.alias_index
                        .entry(name_key.clone())
                        .or_default()
                        .push(at);
                    if curated {
                        self.push_fuzzy(name_key, at);
                    }
                }
            }
        }
        for al in aliases {
            self.insert_alias(&id, al, true)?;
        }
        Ok(())
    }

    fn push_fuzzy(&mut self, key: String, at: AliasRef) {
        let compact: String = key.chars().filter(|c| *c != ' ').collect();
        let entry = self.compact_index.entry(compact).or_default();
        if !entry.iter().any(|r| r.actor == at.actor) {
            entry.push(at);
        }
        if let Some(c) = key.chars().next() {
            let bag = letter_bag(&key);
            self.fuzzy
                .entry(c)
                .or_default()
                .push(FuzzyKey { key, at, bag });
        }
    }

    /// Inserts an alias. `seed` tolerates an alias repeated on the same actor (e.g. "FAMa"
    /// and "FAMA" normalise alike); an edit refuses it.
    fn insert_alias(
        &mut self,
        actor_id: &str,
        mut alias: Alias,
        seed: bool,
    ) -> Result<(), RegistryError> {
        let Some(&idx) = self.by_id.get(actor_id) else {
            return Err(RegistryError::UnknownActor {
                id: actor_id.to_string(),
                context: format!("alias \"{}\"", alias.text),
            });
        };
        let key = normalize(&alias.text);
        if key.is_empty() {
            return Err(RegistryError::Invalid {
                record: format!(
                    "alias \"{}\" of {}",
                    alias.text,
                    describe_actor(&self.actors[idx])
                ),
                reason: "the alias is empty after normalisation".into(),
            });
        }
        check_interval(
            || {
                format!(
                    "alias \"{}\" of {}",
                    alias.text,
                    describe_actor(&self.actors[idx])
                )
            },
            alias.valid_from,
            alias.valid_to,
        )?;
        if alias.source.trim().is_empty() {
            alias.source = self.actors[idx].source.clone();
        }
        let period = (alias.valid_from, alias.valid_to);
        let mut same_actor = false;
        if let Some(entries) = self.alias_index.get(&key) {
            for r in entries {
                let other = &self.actors[r.actor];
                let other_period = if r.alias == CANONICAL {
                    (None, None)
                } else {
                    other
                        .aliases
                        .get(r.alias)
                        .map_or((None, None), |a| (a.valid_from, a.valid_to))
                };
                if r.actor == idx {
                    same_actor = true;
                    continue;
                }
                if overlaps(period, other_period) {
                    let other_text = if r.alias == CANONICAL {
                        other.name.clone()
                    } else {
                        other
                            .aliases
                            .get(r.alias)
                            .map_or_else(|| other.name.clone(), |a| a.text.clone())
                    };
                    return Err(RegistryError::DuplicateAlias {
                        alias: alias.text.clone(),
                        actor: describe_actor(&self.actors[idx]),
                        period: fmt_interval(period.0, period.1),
                        other: format!("{} (as \"{}\")", describe_actor(other), other_text),
                        other_period: fmt_interval(other_period.0, other_period.1),
                    });
                }
            }
        }
        if same_actor && !seed {
            return Err(RegistryError::AliasExists {
                alias: alias.text.clone(),
                actor: describe_actor(&self.actors[idx]),
            });
        }
        let curated = self.actors[idx].origin == Origin::Curated;
        let at = AliasRef {
            actor: idx,
            alias: self.actors[idx].aliases.len(),
        };
        self.actors[idx].aliases.push(alias);
        self.alias_index.entry(key.clone()).or_default().push(at);
        if curated {
            self.push_fuzzy(key, at);
        }
        Ok(())
    }

    fn insert_relation(&mut self, r: Relation) -> Result<(), RegistryError> {
        let rec = || format!("relation \"{}\" {} \"{}\"", r.from, r.kind, r.to);
        let Some(&fi) = self.by_id.get(&r.from) else {
            return Err(RegistryError::UnknownActor {
                id: r.from.clone(),
                context: rec(),
            });
        };
        let Some(&ti) = self.by_id.get(&r.to) else {
            return Err(RegistryError::UnknownActor {
                id: r.to.clone(),
                context: rec(),
            });
        };
        if r.source.trim().is_empty() {
            return Err(RegistryError::Invalid {
                record: rec(),
                reason: "source is empty".into(),
            });
        }
        check_interval(
            || {
                format!(
                    "relation {} {} {}",
                    describe_actor(&self.actors[fi]),
                    r.kind,
                    describe_actor(&self.actors[ti])
                )
            },
            r.valid_from,
            r.valid_to,
        )?;
        if fi == ti {
            return Err(RegistryError::Cycle {
                relation: r.describe(),
                actor: describe_actor(&self.actors[fi]),
                path: "(the relation points to the actor itself)".into(),
            });
        }
        if let Some((anc, desc)) = r.kind.ancestry(&r.from, &r.to) {
            let (ai, di) = (self.by_id[anc], self.by_id[desc]);
            if let Some(path) = self.ancestry_path(di, ai) {
                let path_text = path
                    .iter()
                    .map(|&ri| self.relations[ri].describe())
                    .collect::<Vec<_>>()
                    .join("; ");
                return Err(RegistryError::Cycle {
                    relation: r.describe(),
                    actor: describe_actor(&self.actors[ai]),
                    path: path_text,
                });
            }
        }
        let ri = self.relations.len();
        self.relations.push(r);
        self.out_rel[fi].push(ri);
        self.in_rel[ti].push(ri);
        Ok(())
    }

    /// A path of genealogical relations leading from ancestor `start` down to `goal`, if any.
    fn ancestry_path(&self, start: usize, goal: usize) -> Option<Vec<usize>> {
        // DFS over "ancestor → descendant" edges.
        let mut stack: Vec<(usize, Vec<usize>)> = vec![(start, Vec::new())];
        let mut seen = HashSet::new();
        while let Some((node, path)) = stack.pop() {
            if node == goal {
                return Some(path);
            }
            if !seen.insert(node) {
                continue;
            }
            for &ri in self.out_rel[node].iter().chain(self.in_rel[node].iter()) {
                let rel = &self.relations[ri];
                let Some((a, d)) = rel.kind.ancestry(&rel.from, &rel.to) else {
                    continue;
                };
                if self.by_id.get(a) == Some(&node) {
                    if let Some(&di) = self.by_id.get(d) {
                        let mut p = path.clone();
                        p.push(ri);
                        stack.push((di, p));
                    }
                }
            }
        }
        None
    }

    fn insert_designation(&mut self, d: Designation) -> Result<(), RegistryError> {
        let Some(&i) = self.by_id.get(&d.actor) else {
            return Err(RegistryError::UnknownActor {
                id: d.actor.clone(),
                context: format!("designation {}", d.list.code()),
            });
        };
        check_interval(
            || {
                format!(
                    "designation {} of {}",
                    d.list.code(),
                    describe_actor(&self.actors[i])
                )
            },
            d.valid_from,
            d.valid_to,
        )?;
        if d.source.trim().is_empty() {
            return Err(RegistryError::Invalid {
                record: format!("designation {} of \"{}\"", d.list.code(), d.actor),
                reason: "source is empty".into(),
            });
        }
        self.designations.push(d);
        Ok(())
    }

    /// Whether a relation of a genealogical kind exists between two ids (either way).
    pub fn related(&self, a: &str, b: &str, kind: RelationKind) -> bool {
        self.relations_from(a)
            .iter()
            .any(|r| r.kind == kind && r.to == b)
    }
}

/// Parses a seed file's TOML text.
pub fn parse_seed(text: &str, file: &str) -> Result<SeedFile, RegistryError> {
    toml::from_str(text).map_err(|e| RegistryError::Parse {
        file: file.to_string(),
        message: e.to_string(),
    })
}
