//! The persisted rollups' contributor: tells the store what each event contributes
//! under the POC rules and the actor registry, and reads persisted cells back into a
//! [`Rollup`] for assessments and dashboards.
//!
//! An event's *facts* are its [`Contribution`] as compact JSON: the units it is counted
//! in, its date, event type, POC codes (main and sub-categories), perpetrator classes,
//! victim categories, tally and position. The store keeps them so that a later revision
//! takes back exactly what was added. Each facts value adds to the cells of
//! [`addresses`] (the same function the in-memory rollup uses), plus one `total` cell
//! per unit carrying the position sums behind [`Rollup::centroid`].

use crate::category::{PerpClass, PocCode};
use crate::rollup::{
    addresses, contribution, Contribution, Facet, Grain, Key, Rollup, Tally, Unit,
};
use crate::rules::RuleSet;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use veille_actors::Registry;
use veille_model::{Event, EventType, VictimCategory};
use veille_store::rollup::{FACET_ALL, FACET_NONE};
use veille_store::{CellKey, CellTally, RollupContributor};

/// The period of the one `total` cell per unit.
const TOTAL_PERIOD: NaiveDate = NaiveDate::MIN;

/// veille's [`RollupContributor`]: POC rules plus the actor registry.
#[derive(Debug, Clone)]
pub struct PocRollups {
    rules: RuleSet,
    registry: Option<Registry>,
    fingerprint: String,
}

impl PocRollups {
    /// A contributor over `rules` and (for perpetrator classes) `registry`.
    pub fn new(rules: RuleSet, registry: Option<Registry>) -> Self {
        let fingerprint = fingerprint_of(&rules, registry.as_ref());
        PocRollups {
            rules,
            registry,
            fingerprint,
        }
    }
}

/// The fingerprint a [`PocRollups`] over these rules and registry has: persisted cells
/// built under another one are not read.
pub fn fingerprint_of(rules: &RuleSet, registry: Option<&Registry>) -> String {
    let mut h = Fnv::default();
    h.write(format!("{:?}", rules.rules).as_bytes());
    if let Some(reg) = registry {
        for a in reg.actors() {
            h.write(a.id.as_bytes());
            h.write(format!("{:?}", a.kind).as_bytes());
        }
    }
    format!("poc-rules:{:016x}", h.0)
}

/// FNV-1a, 64 bit: a stable hash for the fingerprint (std's hasher may change between
/// Rust releases).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // Field separator, so ("ab","c") and ("a","bc") differ.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }
}

/// The stored form of a [`Contribution`].
#[derive(Debug, Serialize, Deserialize)]
struct Facts {
    d: NaiveDate,
    /// Units as (kind, label).
    u: Vec<(String, String)>,
    t: String,
    p: Vec<String>,
    k: Vec<String>,
    v: Vec<String>,
    /// events, killed, civilians killed, injured, abducted, civilian harm.
    n: [i64; 6],
    #[serde(default, skip_serializing_if = "Option::is_none")]
    xy: Option<(i64, i64)>,
}

/// A unit as (kind, label).
pub fn unit_key(u: &Unit) -> (String, String) {
    match u {
        Unit::Admin1(a) => ("admin1".into(), a.clone()),
        Unit::Admin2(a, b) => ("admin2".into(), format!("{a}/{b}")),
        Unit::Gid(g) => ("gid".into(), g.to_string()),
    }
}

/// The unit behind (kind, label).
pub fn parse_unit(kind: &str, label: &str) -> Result<Unit, String> {
    match kind {
        "admin1" => Ok(Unit::Admin1(label.to_string())),
        "admin2" => label
            .split_once('/')
            .map(|(a, b)| Unit::Admin2(a.to_string(), b.to_string()))
            .ok_or_else(|| format!("admin2 unit '{label}' is not REGION/CERCLE")),
        "gid" => label
            .parse()
            .map(Unit::Gid)
            .map_err(|_| format!("gid unit '{label}' is not a number")),
        other => Err(format!("unknown unit kind '{other}'")),
    }
}

/// A grain's stored code.
pub fn grain_code(g: Grain) -> &'static str {
    match g {
        Grain::Day => "day",
        Grain::Week => "week",
        Grain::Month => "month",
    }
}

fn parse_grain(s: &str) -> Result<Grain, String> {
    match s {
        "day" => Ok(Grain::Day),
        "week" => Ok(Grain::Week),
        "month" => Ok(Grain::Month),
        other => Err(format!("unknown grain '{other}'")),
    }
}

fn facet_code<T>(f: Facet<T>, code: impl Fn(T) -> String) -> String {
    match f {
        Facet::All => FACET_ALL.to_string(),
        Facet::Nil => FACET_NONE.to_string(),
        Facet::Is(v) => code(v),
    }
}

fn parse_facet<T>(
    s: &str,
    parse: impl Fn(&str) -> Option<T>,
    what: &str,
) -> Result<Facet<T>, String> {
    match s {
        FACET_ALL => Ok(Facet::All),
        FACET_NONE => Ok(Facet::Nil),
        v => parse(v)
            .map(Facet::Is)
            .ok_or_else(|| format!("unknown {what} '{v}'")),
    }
}

fn parse_list<T>(
    xs: &[String],
    parse: impl Fn(&str) -> Option<T>,
    what: &str,
) -> Result<Vec<T>, String> {
    xs.iter()
        .map(|x| parse(x).ok_or_else(|| format!("unknown {what} '{x}'")))
        .collect()
}

fn to_facts(c: &Contribution) -> Facts {
    let t = &c.tally;
    Facts {
        d: c.date,
        u: c.units.iter().map(unit_key).collect(),
        t: c.event_type.code().to_string(),
        p: c.pocs.iter().map(|p| p.code().to_string()).collect(),
        k: c.perps.iter().map(|p| p.code().to_string()).collect(),
        v: c.victims.iter().map(|v| v.code().to_string()).collect(),
        n: [
            t.events,
            t.killed,
            t.civilians_killed,
            t.injured,
            t.abducted,
            t.civilian_harm,
        ],
        xy: c.point_e6,
    }
}

fn from_facts(f: Facts) -> Result<Contribution, String> {
    Ok(Contribution {
        date: f.d,
        units: f
            .u
            .iter()
            .map(|(k, l)| parse_unit(k, l))
            .collect::<Result<_, _>>()?,
        event_type: EventType::from_str(&f.t).map_err(|e| e.to_string())?,
        pocs: parse_list(&f.p, PocCode::parse, "POC code")?,
        perps: parse_list(&f.k, PerpClass::parse, "perpetrator class")?,
        victims: parse_list(
            &f.v,
            |s| VictimCategory::from_str(s).ok(),
            "victim category",
        )?,
        tally: Tally {
            events: f.n[0],
            killed: f.n[1],
            civilians_killed: f.n[2],
            injured: f.n[3],
            abducted: f.n[4],
            civilian_harm: f.n[5],
        },
        point_e6: f.xy,
    })
}

fn cell_tally(t: &Tally) -> CellTally {
    CellTally {
        events: t.events,
        killed: t.killed,
        civilians_killed: t.civilians_killed,
        injured: t.injured,
        abducted: t.abducted,
        civilian_harm: t.civilian_harm,
        ..CellTally::default()
    }
}

/// The categories of an override document (`{"categories": ["4a", …]}`).
fn override_codes(doc: &serde_json::Value) -> Option<Vec<PocCode>> {
    let list = doc.get("categories")?.as_array()?;
    Some(
        list.iter()
            .filter_map(|v| v.as_str().and_then(PocCode::parse))
            .collect(),
    )
}

impl RollupContributor for PocRollups {
    fn fingerprint(&self) -> String {
        self.fingerprint.clone()
    }

    fn facts(
        &self,
        event: &Event,
        category_override: Option<&serde_json::Value>,
    ) -> Option<String> {
        if event.is_retracted() {
            return None;
        }
        let codes = category_override.and_then(override_codes);
        let c = contribution(event, &self.rules, self.registry.as_ref(), codes.as_deref());
        serde_json::to_string(&to_facts(&c)).ok()
    }

    fn cells(&self, facts: &str) -> Result<Vec<(CellKey, CellTally)>, String> {
        let f: Facts = serde_json::from_str(facts).map_err(|e| e.to_string())?;
        let c = from_facts(f)?;
        let units: Vec<(String, String)> = c.units.iter().map(unit_key).collect();
        let tally = cell_tally(&c.tally);
        let event_type = c.event_type.code().to_string();
        let mut out: Vec<(CellKey, CellTally)> = addresses(&c)
            .into_iter()
            .map(|(u, grain, period, poc, perp, victim)| {
                (
                    CellKey {
                        unit_kind: units[u].0.clone(),
                        unit: units[u].1.clone(),
                        grain: grain_code(grain).to_string(),
                        period,
                        event_type: event_type.clone(),
                        poc: facet_code(poc, |p| p.code().to_string()),
                        perp: facet_code(perp, |p| p.code().to_string()),
                        victim: facet_code(victim, |v| v.code().to_string()),
                    },
                    tally,
                )
            })
            .collect();
        for (kind, label) in &units {
            let mut t = CellTally {
                events: 1,
                ..CellTally::default()
            };
            if let Some((lat, lon)) = c.point_e6 {
                t.lat_e6 = lat;
                t.lon_e6 = lon;
                t.located = 1;
            }
            out.push((
                CellKey {
                    unit_kind: kind.clone(),
                    unit: label.clone(),
                    grain: "total".into(),
                    period: TOTAL_PERIOD,
                    event_type: FACET_ALL.into(),
                    poc: FACET_ALL.into(),
                    perp: FACET_ALL.into(),
                    victim: FACET_ALL.into(),
                },
                t,
            ));
        }
        Ok(out)
    }
}

impl Rollup {
    /// A rollup read back from persisted cells (see [`veille_store::Store::rollup_cells`]).
    /// `total` cells give the units' centroids. Cells of unknown units or codes are an
    /// error naming the cell.
    pub fn from_cells(cells: &[(CellKey, CellTally)]) -> Result<Rollup, String> {
        let mut r = Rollup::new();
        for (k, t) in cells {
            let at = || format!("cell {}:{} {} {}", k.unit_kind, k.unit, k.grain, k.period);
            let unit = parse_unit(&k.unit_kind, &k.unit).map_err(|e| format!("{}: {e}", at()))?;
            if k.grain == "total" {
                let id = r.intern(unit);
                r.add_centroid(id, t.lat_e6, t.lon_e6, t.located);
                continue;
            }
            let grain = parse_grain(&k.grain).map_err(|e| format!("{}: {e}", at()))?;
            let event_type =
                EventType::from_str(&k.event_type).map_err(|e| format!("{}: {e}", at()))?;
            let poc = parse_facet(&k.poc, PocCode::parse, "POC code")
                .map_err(|e| format!("{}: {e}", at()))?;
            let perp = parse_facet(&k.perp, PerpClass::parse, "perpetrator class")
                .map_err(|e| format!("{}: {e}", at()))?;
            let victim = parse_facet(
                &k.victim,
                |s| VictimCategory::from_str(s).ok(),
                "victim category",
            )
            .map_err(|e| format!("{}: {e}", at()))?;
            let tally = Tally {
                events: t.events,
                killed: t.killed,
                civilians_killed: t.civilians_killed,
                injured: t.injured,
                abducted: t.abducted,
                civilian_harm: t.civilian_harm,
            };
            let key = Key {
                unit: r.intern(unit),
                grain,
                period: k.period,
                event_type,
                poc,
                perp,
                victim,
            };
            r.add_cell(key, &tally, 1);
        }
        Ok(r)
    }
}
