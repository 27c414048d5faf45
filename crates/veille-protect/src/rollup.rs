//! Rollups: counts and casualties per admin unit × period × event type × POC category ×
//! perpetrator class × victim category.
//!
//! - **Units**: admin1, admin2 (qualified by its admin1) and PRIO-GRID cell.
//! - **Grains**: day, ISO week (keyed by its Monday) and month (keyed by its 1st). Regions
//!   and cercles keep the full cube by month and event type × POC category by week and
//!   day; PRIO-GRID cells keep event type × POC category by month (see [`addresses`]).
//! - **Facets**: each multi-valued dimension (POC category, perpetrator class, victim
//!   category) has an "all" cell next to its values, so a query that ignores it never
//!   double-counts an event with two perpetrators or two victim categories. The POC
//!   dimension holds both the main category ("4") and the sub-category ("4a"), so asking
//!   for category 4 counts an event once.
//! - An event is placed by its `date_start`; retracted events are not counted.
//!
//! The rollup remembers what each event contributed, so an update is `unapply(old)` +
//! `apply(new)`, a retraction is `unapply`, and a merge is `unapply` of both + `apply`
//! of the survivor. [`Rollup::rebuild`] gives identical numbers (tested).

use crate::category::{perpetrator_classes, PerpClass, PocCode};
use crate::rules::RuleSet;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;
use veille_actors::Registry;
use veille_model::{Event, EventType, VictimCategory};

/// The unit an event is counted in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Unit {
    /// A region, by name.
    Admin1(String),
    /// A cercle, by region name and cercle name.
    Admin2(String, String),
    /// A PRIO-GRID cell.
    Gid(u32),
}

impl Unit {
    /// The unit as a short label: "Mopti", "Mopti/Bankass", "gid:150112".
    pub fn label(&self) -> String {
        match self {
            Unit::Admin1(a) => a.clone(),
            Unit::Admin2(a, b) => format!("{a}/{b}"),
            Unit::Gid(g) => format!("gid:{g}"),
        }
    }
}

/// The time grain of a rollup cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Grain {
    /// One day.
    Day,
    /// One ISO week, keyed by its Monday.
    Week,
    /// One calendar month, keyed by its first day.
    Month,
}

impl Grain {
    /// The first day of the period of this grain that contains `d`.
    pub fn period_start(self, d: NaiveDate) -> NaiveDate {
        match self {
            Grain::Day => d,
            Grain::Week => {
                d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()))
            }
            Grain::Month => d.with_day(1).unwrap_or(d),
        }
    }
}

/// One value of a multi-valued dimension, or "all".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Facet<T> {
    /// Every event, whatever its value(s).
    All,
    /// Events that have this value.
    Is(T),
    /// Events that have no value (no POC category; no casualty).
    Nil,
}

/// A rollup cell's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Key {
    /// Interned unit (see [`Rollup::unit`]).
    pub unit: u32,
    /// The grain.
    pub grain: Grain,
    /// First day of the period.
    pub period: NaiveDate,
    /// The event type.
    pub event_type: EventType,
    /// The POC category facet.
    pub poc: Facet<PocCode>,
    /// The perpetrator class facet.
    pub perp: Facet<PerpClass>,
    /// The victim category facet.
    pub victim: Facet<VictimCategory>,
}

/// What a cell counts. Casualties are event totals (best estimates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Tally {
    /// Events.
    pub events: i64,
    /// People killed.
    pub killed: i64,
    /// Civilians killed.
    pub civilians_killed: i64,
    /// People injured.
    pub injured: i64,
    /// People abducted.
    pub abducted: i64,
    /// Civilian harm: civilians killed + injured + abducted (see [`civilian_harm`]).
    pub civilian_harm: i64,
}

impl Tally {
    fn add(&mut self, o: &Tally, sign: i64) {
        self.events += sign * o.events;
        self.killed += sign * o.killed;
        self.civilians_killed += sign * o.civilians_killed;
        self.injured += sign * o.injured;
        self.abducted += sign * o.abducted;
        self.civilian_harm += sign * o.civilian_harm;
    }

    fn is_zero(&self) -> bool {
        *self == Tally::default()
    }

    /// Adds another tally.
    pub fn plus(&mut self, o: &Tally) {
        self.add(o, 1);
    }
}

/// Civilian harm of one event: civilians killed, plus injured and abducted civilians.
/// Where injured or abducted have no victim breakdown and the event is violence against
/// civilians, the whole figure counts as civilian.
pub fn civilian_harm(e: &Event) -> i64 {
    let c = &e.casualties;
    let civ = VictimCategory::Civilians;
    let vac = e.event_type == EventType::ViolenceAgainstCivilians;
    let part = |f: &veille_model::CasualtyFigure| -> i64 {
        if f.by_category.is_empty() && vac {
            i64::from(f.best())
        } else {
            i64::from(f.best_of(civ))
        }
    };
    let killed = if c.killed.by_category.is_empty() && vac {
        i64::from(c.killed.best())
    } else {
        i64::from(c.killed.best_of(civ))
    };
    killed + part(&c.injured) + part(&c.abducted)
}

/// What one event contributes, remembered so it can be taken back exactly. The
/// persisted rollups store it as the event's *facts* (see [`crate::persist`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Contribution {
    pub(crate) date: NaiveDate,
    pub(crate) units: Vec<Unit>,
    pub(crate) event_type: EventType,
    pub(crate) pocs: Vec<PocCode>,
    pub(crate) perps: Vec<PerpClass>,
    pub(crate) victims: Vec<VictimCategory>,
    pub(crate) tally: Tally,
    /// Latitude and longitude in micro-degrees (integers, so sums are exact).
    pub(crate) point_e6: Option<(i64, i64)>,
}

/// One cell an event adds to: the index of its unit in [`Contribution::units`], the
/// grain, the period start and the three facets.
pub(crate) type Address = (
    usize,
    Grain,
    NaiveDate,
    Facet<PocCode>,
    Facet<PerpClass>,
    Facet<VictimCategory>,
);

/// Every cell a contribution adds to. Admin units (regions and cercles) get the full
/// cube at the month grain and event type × POC category at the week and day grains;
/// PRIO-GRID cells get event type × POC category at the month grain only. Sparse grains
/// and units stay small this way (a million events make a few million cells, not tens of
/// millions), and every reader asks only for what is kept. Used by the in-memory and the
/// persisted rollups alike, so both count the same way.
pub(crate) fn addresses(c: &Contribution) -> Vec<Address> {
    let mut pocs = vec![Facet::All];
    if c.pocs.is_empty() {
        pocs.push(Facet::Nil);
    }
    pocs.extend(c.pocs.iter().map(|p| Facet::Is(*p)));
    let mut perps = vec![Facet::All];
    perps.extend(c.perps.iter().map(|p| Facet::Is(*p)));
    let mut victims = vec![Facet::All];
    if c.victims.is_empty() {
        victims.push(Facet::Nil);
    }
    victims.extend(c.victims.iter().map(|v| Facet::Is(*v)));
    let mut out = Vec::new();
    for (i, unit) in c.units.iter().enumerate() {
        let grid = matches!(unit, Unit::Gid(_));
        for grain in [Grain::Day, Grain::Week, Grain::Month] {
            if grid && grain != Grain::Month {
                continue;
            }
            let period = grain.period_start(c.date);
            let full = grain == Grain::Month && !grid;
            for &poc in &pocs {
                for &perp in &perps {
                    if !full && perp != Facet::All {
                        continue;
                    }
                    for &victim in &victims {
                        if !full && victim != Facet::All {
                            continue;
                        }
                        out.push((i, grain, period, poc, perp, victim));
                    }
                }
            }
        }
    }
    out
}

/// What `e` contributes under `rules`, the registry and an analyst's category override.
pub(crate) fn contribution(
    e: &Event,
    rules: &RuleSet,
    reg: Option<&Registry>,
    overridden: Option<&[PocCode]>,
) -> Contribution {
    let loc = &e.location;
    let mut units = Vec::with_capacity(3);
    if let Some(a1) = &loc.admin1 {
        let a1n = a1.name.clone();
        if let Some(a2) = &loc.admin2 {
            units.push(Unit::Admin2(a1n.clone(), a2.name.clone()));
        }
        units.push(Unit::Admin1(a1n));
    }
    if let Some(g) = loc.priogrid_gid {
        units.push(Unit::Gid(g));
    }
    let mut cat = rules.categorise(e, reg);
    if let Some(codes) = overridden {
        cat = cat.overridden(codes);
    }
    let mut pocs: Vec<PocCode> = cat.codes();
    for m in cat.main_categories() {
        if !pocs.contains(&m) {
            pocs.push(m);
        }
    }
    pocs.sort();
    let c = &e.casualties;
    let victims: Vec<VictimCategory> = VictimCategory::ALL
        .iter()
        .copied()
        .filter(|v| c.killed.best_of(*v) + c.injured.best_of(*v) + c.abducted.best_of(*v) > 0)
        .collect();
    let tally = Tally {
        events: 1,
        killed: i64::from(c.killed.best()),
        civilians_killed: i64::from(c.killed.best_of(VictimCategory::Civilians)),
        injured: i64::from(c.injured.best()),
        abducted: i64::from(c.abducted.best()),
        civilian_harm: civilian_harm(e),
    };
    let e6 = |x: f64| (x * 1e6).round() as i64;
    Contribution {
        date: e.date_start,
        units,
        event_type: e.event_type,
        pocs,
        perps: perpetrator_classes(e, reg),
        victims,
        tally,
        point_e6: loc.latitude.zip(loc.longitude).map(|(a, b)| (e6(a), e6(b))),
    }
}

/// The rollup cube, in memory.
#[derive(Debug, Clone, Default)]
pub struct Rollup {
    cells: HashMap<Key, Tally>,
    units: Vec<Unit>,
    unit_ids: HashMap<Unit, u32>,
    applied: HashMap<Uuid, Contribution>,
    /// Per unit: sums of latitude and longitude (micro-degrees) and located events.
    coords: HashMap<u32, (i64, i64, i64)>,
    overrides: HashMap<Uuid, Vec<PocCode>>,
}

impl Rollup {
    /// An empty rollup.
    pub fn new() -> Self {
        Rollup::default()
    }

    /// Builds a rollup from scratch over `events` (retracted ones are skipped).
    pub fn rebuild<'a>(
        events: impl IntoIterator<Item = &'a Event>,
        rules: &RuleSet,
        registry: Option<&Registry>,
    ) -> Self {
        let mut r = Rollup::new();
        for e in events {
            r.apply(e, rules, registry);
        }
        r
    }

    /// Analysts' category overrides (event id → categories), used instead of the rules
    /// for those events from the next apply on. Call before building.
    pub fn set_overrides(&mut self, overrides: HashMap<Uuid, Vec<PocCode>>) {
        self.overrides = overrides;
    }

    /// Builds a rollup from scratch with analysts' category overrides.
    pub fn rebuild_with<'a>(
        events: impl IntoIterator<Item = &'a Event>,
        rules: &RuleSet,
        registry: Option<&Registry>,
        overrides: HashMap<Uuid, Vec<PocCode>>,
    ) -> Self {
        let mut r = Rollup::new();
        r.set_overrides(overrides);
        for e in events {
            r.apply(e, rules, registry);
        }
        r
    }

    pub(crate) fn intern(&mut self, u: Unit) -> u32 {
        if let Some(id) = self.unit_ids.get(&u) {
            return *id;
        }
        let id = u32::try_from(self.units.len()).unwrap_or(u32::MAX);
        self.units.push(u.clone());
        self.unit_ids.insert(u, id);
        id
    }

    /// The unit behind an interned id.
    pub fn unit(&self, id: u32) -> Option<&Unit> {
        self.units.get(id as usize)
    }

    /// The interned id of a unit, if any event was counted in it.
    pub fn unit_id(&self, u: &Unit) -> Option<u32> {
        self.unit_ids.get(u).copied()
    }

    /// Every unit seen, with its id.
    pub fn units(&self) -> impl Iterator<Item = (u32, &Unit)> {
        self.units
            .iter()
            .enumerate()
            .map(|(i, u)| (u32::try_from(i).unwrap_or(u32::MAX), u))
    }

    /// A unit's centroid: the mean position of the events counted in it, if any had
    /// coordinates.
    pub fn centroid(&self, unit: u32) -> Option<(f64, f64)> {
        self.coords
            .get(&unit)
            .filter(|c| c.2 > 0)
            .map(|c| (c.0 as f64 / 1e6 / c.2 as f64, c.1 as f64 / 1e6 / c.2 as f64))
    }

    /// Number of non-empty cells.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// True when nothing is counted.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Number of events counted.
    pub fn events(&self) -> usize {
        self.applied.len()
    }

    /// True when the event is counted.
    pub fn contains(&self, id: Uuid) -> bool {
        self.applied.contains_key(&id)
    }

    /// One cell (zero if absent).
    pub fn get(&self, key: &Key) -> Tally {
        self.cells.get(key).copied().unwrap_or_default()
    }

    /// Every non-empty cell.
    pub fn cells(&self) -> impl Iterator<Item = (&Key, &Tally)> {
        self.cells.iter()
    }

    fn add(&mut self, c: &Contribution, sign: i64) {
        let ids: Vec<u32> = c.units.iter().map(|u| self.intern(u.clone())).collect();
        if let Some((lat, lon)) = c.point_e6 {
            for &unit in &ids {
                let e = self.coords.entry(unit).or_default();
                e.0 += sign * lat;
                e.1 += sign * lon;
                e.2 += sign;
            }
        }
        for (u, grain, period, poc, perp, victim) in addresses(c) {
            let key = Key {
                unit: ids[u],
                grain,
                period,
                event_type: c.event_type,
                poc,
                perp,
                victim,
            };
            self.add_cell(key, &c.tally, sign);
        }
    }

    pub(crate) fn add_centroid(&mut self, unit: u32, lat_e6: i64, lon_e6: i64, n: i64) {
        let e = self.coords.entry(unit).or_default();
        e.0 += lat_e6;
        e.1 += lon_e6;
        e.2 += n;
    }

    pub(crate) fn add_cell(&mut self, key: Key, tally: &Tally, sign: i64) {
        let cell = self.cells.entry(key).or_default();
        cell.add(tally, sign);
        if cell.is_zero() {
            self.cells.remove(&key);
        }
    }

    /// Counts an event (a create or import). An event already counted is first taken back,
    /// so applying a revised event is enough for an update. Retracted events are only
    /// taken back.
    pub fn apply(&mut self, e: &Event, rules: &RuleSet, reg: Option<&Registry>) {
        self.unapply(e.id);
        if e.is_retracted() {
            return;
        }
        let c = contribution(e, rules, reg, self.overrides.get(&e.id).map(Vec::as_slice));
        self.add(&c, 1);
        self.applied.insert(e.id, c);
    }

    /// Takes an event back out (a retraction, or the losing side of a merge). Returns
    /// false if it was not counted.
    pub fn unapply(&mut self, id: Uuid) -> bool {
        match self.applied.remove(&id) {
            Some(c) => {
                self.add(&c, -1);
                true
            }
            None => false,
        }
    }

    /// A merge: `losers` are taken back and the `survivor` (the merged event) counted.
    pub fn merge(
        &mut self,
        losers: &[Uuid],
        survivor: &Event,
        rules: &RuleSet,
        reg: Option<&Registry>,
    ) {
        for id in losers {
            self.unapply(*id);
        }
        self.apply(survivor, rules, reg);
    }

    /// Sorted copy of every non-empty cell with units spelled out, for comparing two
    /// rollups whose unit ids were interned in different orders.
    pub fn canonical(&self) -> Vec<CanonicalCell> {
        let mut out: Vec<_> = self
            .cells
            .iter()
            .map(|(k, t)| {
                (
                    self.units[k.unit as usize].clone(),
                    k.grain,
                    k.period,
                    k.event_type,
                    format!("{:?}", k.poc),
                    format!("{:?}", k.perp),
                    format!("{:?}", k.victim),
                    *t,
                )
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.0, a.1, a.2, a.3, &a.4, &a.5, &a.6).cmp(&(&b.0, b.1, b.2, b.3, &b.4, &b.5, &b.6))
        });
        out
    }

    /// Monthly series for one unit level: for each unit of that level and each main POC
    /// category (and `None` for all events), the month → (events, civilian harm) map,
    /// summed over event types, with perpetrator and victim "all".
    pub fn monthly(
        &self,
        level: Level,
    ) -> HashMap<(u32, Option<PocCode>), HashMap<NaiveDate, Tally>> {
        let mut out: HashMap<(u32, Option<PocCode>), HashMap<NaiveDate, Tally>> = HashMap::new();
        for (k, t) in &self.cells {
            if k.grain != Grain::Month || k.perp != Facet::All || k.victim != Facet::All {
                continue;
            }
            let poc = match k.poc {
                Facet::All => None,
                Facet::Is(p) if p.main() == p => Some(p),
                _ => continue,
            };
            let Some(u) = self.units.get(k.unit as usize) else {
                continue;
            };
            if !level.holds(u) {
                continue;
            }
            out.entry((k.unit, poc))
                .or_default()
                .entry(k.period)
                .or_default()
                .plus(t);
        }
        out
    }
}

/// A rollup cell with its unit spelled out and facets as text, for comparisons.
pub type CanonicalCell = (
    Unit,
    Grain,
    NaiveDate,
    EventType,
    String,
    String,
    String,
    Tally,
);

/// An admin level an assessment runs at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Level {
    /// Regions.
    Admin1,
    /// Cercles.
    Admin2,
}

impl Level {
    /// True when the unit is of this level.
    pub fn holds(self, u: &Unit) -> bool {
        matches!(
            (self, u),
            (Level::Admin1, Unit::Admin1(_)) | (Level::Admin2, Unit::Admin2(_, _))
        )
    }
}
