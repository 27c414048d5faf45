//! The GeoNames gazetteer: all 19 columns of a country dump, a name index (exact, folded,
//! variant and fuzzy keys), admin names built from the ADM1/ADM2 features, a point index
//! for nearest-place queries, and user-added places and aliases.

use crate::error::{check_lat_lon, GeoError};
use crate::normalize;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Read;

/// Mali's GeoNames dump (Nov 2023), embedded. CC BY 4.0: "Data from GeoNames
/// (https://www.geonames.org/), CC BY 4.0".
pub static MALI_DUMP: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/geonames/ML.txt"
));

/// One gazetteer place: a GeoNames row (all 19 columns) or a user-added place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// veille's id: "geonames:<geonameid>" or "user:<id>".
    pub id: String,
    /// GeoNames geonameid (None for user places).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geonameid: Option<u64>,
    /// Name (UTF-8).
    pub name: String,
    /// ASCII name.
    pub asciiname: String,
    /// Alternate names and exonyms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatenames: Vec<String>,
    /// Latitude, WGS84.
    pub latitude: f64,
    /// Longitude, WGS84.
    pub longitude: f64,
    /// GeoNames feature class: A admin, P populated place, H water, T terrain, …
    pub feature_class: String,
    /// GeoNames feature code, e.g. PPL, PPLA, ADM1, ADM2, WLL.
    pub feature_code: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: String,
    /// Alternate country codes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cc2: String,
    /// GeoNames admin1 code (e.g. "04" Mopti; "00" unknown).
    pub admin1_code: String,
    /// admin2 code (GeoNames: the cercle's geonameid).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub admin2_code: String,
    /// admin3 code.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub admin3_code: String,
    /// admin4 code.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub admin4_code: String,
    /// Population (0 = unknown).
    pub population: u64,
    /// Elevation in metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elevation: Option<i32>,
    /// Digital elevation model value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dem: Option<i32>,
    /// IANA timezone.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub timezone: String,
    /// GeoNames modification date (yyyy-MM-dd).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub modification_date: String,
}

impl Place {
    /// True for a first-level admin unit (ADM1).
    pub fn is_adm1(&self) -> bool {
        self.feature_class == "A" && self.feature_code == "ADM1"
    }
    /// True for a second-level admin unit (ADM2).
    pub fn is_adm2(&self) -> bool {
        self.feature_class == "A" && self.feature_code == "ADM2"
    }
    /// True for a third-level admin unit (ADM3).
    pub fn is_adm3(&self) -> bool {
        self.feature_class == "A" && self.feature_code == "ADM3"
    }
}

/// A compact, serialisable view of a place, as returned in candidates and reverse
/// geocoding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceSummary {
    /// "geonames:<id>" or "user:<id>".
    pub id: String,
    /// Name.
    pub name: String,
    /// Latitude.
    pub latitude: f64,
    /// Longitude.
    pub longitude: f64,
    /// Feature class and code, e.g. "P.PPLA".
    pub feature: String,
    /// ISO alpha-2 country.
    pub country_code: String,
    /// admin1 code and name (GeoNames, 2016 frame).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin1: Option<(String, String)>,
    /// admin2 code and name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin2: Option<(String, String)>,
    /// Population (0 = unknown).
    pub population: u64,
}

/// A place added by a user. Stored by the store with revisions like any other record;
/// this crate only indexes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserPlace {
    /// Stable id chosen by the store (becomes "user:<id>").
    pub id: String,
    /// Name.
    pub name: String,
    /// Other names.
    #[serde(default)]
    pub alternate_names: Vec<String>,
    /// Latitude.
    pub latitude: f64,
    /// Longitude.
    pub longitude: f64,
    /// GeoNames feature class (default "P").
    #[serde(default = "default_class")]
    pub feature_class: String,
    /// GeoNames feature code (default "PPL").
    #[serde(default = "default_code")]
    pub feature_code: String,
    /// ISO alpha-2 country code, e.g. "ML".
    pub country_code: String,
    /// GeoNames admin1 code, if known.
    #[serde(default)]
    pub admin1_code: Option<String>,
    /// admin2 code, if known.
    #[serde(default)]
    pub admin2_code: Option<String>,
    /// Population, if known.
    #[serde(default)]
    pub population: u64,
    /// Why the place was added, source, etc.
    #[serde(default)]
    pub note: Option<String>,
}

fn default_class() -> String {
    "P".into()
}
fn default_code() -> String {
    "PPL".into()
}

/// A user-added alias (another name) for an existing place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceAlias {
    /// The alias, e.g. "Boulkessi".
    pub alias: String,
    /// The place id it points to, e.g. "geonames:2460401" or "user:abc".
    pub place_id: String,
    /// Why, source, etc.
    #[serde(default)]
    pub note: Option<String>,
}

/// Which of a place's names matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// The `name` column.
    Primary,
    /// The `asciiname` column.
    Ascii,
    /// `alternatenames[i]`.
    Alternate(u32),
    /// An admin feature's name without "Region"/"Cercle de" etc.
    AdminBase,
    /// A user alias (index into the gazetteer's aliases).
    Alias(u32),
}

/// One index entry: a place reachable under a key.
#[derive(Debug, Clone, Copy)]
pub struct Posting {
    /// Index into [`Gazetteer::places`].
    pub place: u32,
    /// Which name matched.
    pub kind: NameKind,
}

/// A uniform-grid point index for nearest-place queries.
#[derive(Debug, Default, Clone)]
struct PointGrid {
    cells: HashMap<(i32, i32), Vec<u32>>,
}

const GRID_DEG: f64 = 0.25;

fn cell_of(lat: f64, lon: f64) -> (i32, i32) {
    (
        (lat / GRID_DEG).floor() as i32,
        (lon / GRID_DEG).floor() as i32,
    )
}

impl PointGrid {
    fn insert(&mut self, idx: u32, lat: f64, lon: f64) {
        self.cells.entry(cell_of(lat, lon)).or_default().push(idx);
    }

    /// Nearest point passing `accept`, searched out to `max_km`.
    fn nearest(
        &self,
        places: &[Place],
        lat: f64,
        lon: f64,
        max_km: f64,
        accept: &dyn Fn(&Place) -> bool,
    ) -> Option<(u32, f64)> {
        let (cr, cc) = cell_of(lat, lon);
        let mut best: Option<(u32, f64)> = None;
        // One ring of cells spans at least GRID_DEG of latitude ≈ 27.8 km.
        let ring_km = GRID_DEG * 111.0 * lat.to_radians().cos().max(0.05);
        let max_ring = ((max_km / ring_km).ceil() as i32 + 1).min(400);
        for ring in 0..=max_ring {
            if let Some((_, d)) = best {
                if f64::from(ring - 1) * ring_km > d {
                    break;
                }
            }
            for dr in -ring..=ring {
                for dc in -ring..=ring {
                    if dr.abs() != ring && dc.abs() != ring {
                        continue;
                    }
                    let Some(v) = self.cells.get(&(cr + dr, cc + dc)) else {
                        continue;
                    };
                    for &i in v {
                        let p = &places[i as usize];
                        if !accept(p) {
                            continue;
                        }
                        let d = crate::geo::haversine_km(lat, lon, p.latitude, p.longitude);
                        if d <= max_km && best.is_none_or(|(_, bd)| d < bd) {
                            best = Some((i, d));
                        }
                    }
                }
            }
        }
        best
    }
}

/// The gazetteer: places, names index, admin names, point index.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    places: Vec<Place>,
    by_id: HashMap<String, u32>,
    keys: Vec<String>,
    postings: Vec<Vec<Posting>>,
    key_index: HashMap<String, u32>,
    /// Keys bucketed by first character, for fuzzy matching.
    fuzzy_buckets: HashMap<char, Vec<u32>>,
    /// Per key: (bitmask of letters a–z and digits present, length in chars).
    key_meta: Vec<(u64, u32)>,
    /// Per key: how often each letter, digit (and anything else) occurs; bounds the
    /// Jaro-Winkler similarity before it is computed.
    key_hist: Vec<CharHist>,
    base_names: HashMap<u32, String>,
    aliases: Vec<PlaceAlias>,
    admin1_names: HashMap<(String, String), String>,
    admin2_names: HashMap<(String, String), String>,
    grid: PointGrid,
    /// Only the places that carry an admin2 code: the admin2 assignment of bare
    /// coordinates searches this much sparser index instead of every place.
    admin2_grid: PointGrid,
    sources: Vec<String>,
}

/// Bitmask of the ASCII letters and digits in a key (bit 63 for anything else).
fn char_mask(k: &str) -> u64 {
    k.chars().fold(0u64, |m, c| {
        m | match c {
            'a'..='z' => 1 << (c as u32 - 'a' as u32),
            '0'..='9' => 1 << (26 + c as u32 - '0' as u32),
            _ => 1 << 63,
        }
    })
}

/// Occurrences of each of a–z, 0–9 and "anything else" in a key.
type CharHist = [u8; 37];

fn char_hist(k: &str) -> CharHist {
    let mut h = [0u8; 37];
    for c in k.chars() {
        let i = match c {
            'a'..='z' => c as usize - 'a' as usize,
            '0'..='9' => 26 + c as usize - '0' as usize,
            _ => 36,
        };
        h[i] = h[i].saturating_add(1);
    }
    h
}

/// An upper bound of strsim's Jaro-Winkler similarity of two keys, from their
/// character counts, lengths and common prefix alone. Jaro is at most
/// (m/|a| + m/|b| + 1)/3 where the matches m cannot exceed the shared character
/// counts; the Winkler bonus adds 0.1·prefix·(1 − jaro) for a prefix of up to 4.
/// Candidates whose bound is under the threshold are skipped without computing it.
fn jaro_winkler_bound(a: &str, ha: &CharHist, la: usize, b: &str, hb: &CharHist, lb: usize) -> f64 {
    let m: u32 = ha
        .iter()
        .zip(hb.iter())
        .map(|(x, y)| u32::from(*x.min(y)))
        .sum();
    if m == 0 || la == 0 || lb == 0 {
        return 0.0;
    }
    let m = f64::from(m);
    let j = ((m / la as f64 + m / lb as f64 + 1.0) / 3.0).min(1.0);
    let prefix = a
        .chars()
        .zip(b.chars())
        .take(4)
        .take_while(|(x, y)| x == y)
        .count();
    j + 0.1 * prefix as f64 * (1.0 - j)
}

/// Column count of a GeoNames dump.
pub const DUMP_COLUMNS: usize = 19;

fn parse_line(file: &str, lineno: usize, line: &str) -> Result<Place, GeoError> {
    let err = |reason: String| GeoError::DumpLine {
        file: file.to_string(),
        line: lineno,
        reason,
    };
    let cols: Vec<&str> = line.split('\t').collect();
    if cols.len() != DUMP_COLUMNS {
        return Err(err(format!(
            "expected {DUMP_COLUMNS} columns, found {}",
            cols.len()
        )));
    }
    let geonameid: u64 = cols[0]
        .parse()
        .map_err(|_| err(format!("geonameid {:?} is not a number", cols[0])))?;
    let latitude: f64 = cols[4]
        .parse()
        .map_err(|_| err(format!("latitude {:?} is not a number", cols[4])))?;
    let longitude: f64 = cols[5]
        .parse()
        .map_err(|_| err(format!("longitude {:?} is not a number", cols[5])))?;
    check_lat_lon(latitude, longitude).map_err(err)?;
    if cols[1].trim().is_empty() {
        return Err(err("empty name".into()));
    }
    let population: u64 = if cols[14].is_empty() {
        0
    } else {
        cols[14]
            .parse()
            .map_err(|_| err(format!("population {:?} is not a number", cols[14])))?
    };
    let opt_i32 = |s: &str| s.trim().parse::<i32>().ok();
    Ok(Place {
        id: format!("geonames:{geonameid}"),
        geonameid: Some(geonameid),
        name: cols[1].to_string(),
        asciiname: cols[2].to_string(),
        alternatenames: if cols[3].is_empty() {
            Vec::new()
        } else {
            cols[3].split(',').map(str::to_string).collect()
        },
        latitude,
        longitude,
        feature_class: cols[6].to_string(),
        feature_code: cols[7].to_string(),
        country_code: cols[8].to_string(),
        cc2: cols[9].to_string(),
        admin1_code: cols[10].to_string(),
        admin2_code: cols[11].to_string(),
        admin3_code: cols[12].to_string(),
        admin4_code: cols[13].to_string(),
        population,
        elevation: opt_i32(cols[15]),
        dem: opt_i32(cols[16]),
        timezone: cols[17].to_string(),
        modification_date: cols[18].trim_end_matches('\r').to_string(),
    })
}

/// Parses a whole dump; all-or-nothing.
pub fn parse_dump(file: &str, text: &str) -> Result<Vec<Place>, GeoError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.push(parse_line(file, i + 1, line)?);
    }
    Ok(out)
}

impl Gazetteer {
    /// An empty gazetteer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Mali's shipped gazetteer (GeoNames ML.txt, Nov 2023, CC BY 4.0), embedded.
    pub fn mali() -> Result<Self, GeoError> {
        let mut g = Self::new();
        g.load_bytes("data/geonames/ML.txt", MALI_DUMP)?;
        Ok(g)
    }

    /// Loads a GeoNames dump from a path: `.txt`, or `.txt.gz` / `.gz` (gzip).
    /// All-or-nothing: on any bad line nothing is added.
    pub fn load_path(&mut self, path: &std::path::Path) -> Result<usize, GeoError> {
        let file = path.display().to_string();
        let io = |source| GeoError::Io {
            file: file.clone(),
            source,
        };
        let raw = std::fs::read(path).map_err(io)?;
        let bytes = if file.ends_with(".gz") {
            let mut s = Vec::new();
            flate2::read::GzDecoder::new(raw.as_slice())
                .read_to_end(&mut s)
                .map_err(io)?;
            s
        } else {
            raw
        };
        self.load_bytes(&file, &bytes)
    }

    /// Loads a dump from bytes; `file` names it in errors. Returns the rows added.
    pub fn load_bytes(&mut self, file: &str, bytes: &[u8]) -> Result<usize, GeoError> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            GeoError::DumpLine {
                file: file.to_string(),
                line,
                reason: "not valid UTF-8".into(),
            }
        })?;
        let places = parse_dump(file, text)?;
        let n = places.len();
        self.places.reserve(n);
        for p in places {
            if self.by_id.contains_key(&p.id) {
                continue;
            }
            self.insert(p);
        }
        self.sources.push(file.to_string());
        Ok(n)
    }

    fn add_key(&mut self, name: &str, posting: Posting) {
        let k = normalize::key(name);
        if k.is_empty() {
            return;
        }
        let idx = match self.key_index.get(&k) {
            Some(&i) => i,
            None => {
                let i = self.keys.len() as u32;
                if let Some(c) = k.chars().next() {
                    self.fuzzy_buckets.entry(c).or_default().push(i);
                }
                self.key_meta
                    .push((char_mask(&k), k.chars().count() as u32));
                self.key_hist.push(char_hist(&k));
                self.keys.push(k.clone());
                self.postings.push(Vec::new());
                self.key_index.insert(k, i);
                i
            }
        };
        let list = &mut self.postings[idx as usize];
        if !list.iter().any(|q| q.place == posting.place) {
            list.push(posting);
        }
    }

    fn insert(&mut self, p: Place) -> u32 {
        let idx = self.places.len() as u32;
        self.by_id.insert(p.id.clone(), idx);
        self.grid.insert(idx, p.latitude, p.longitude);
        if !p.admin2_code.is_empty() {
            self.admin2_grid.insert(idx, p.latitude, p.longitude);
        }
        if p.is_adm1() {
            let n = normalize::admin_base_name(&p.name).unwrap_or_else(|| p.name.clone());
            self.admin1_names
                .insert((p.country_code.clone(), p.admin1_code.clone()), n);
        }
        if p.is_adm2() && !p.admin2_code.is_empty() {
            let n = normalize::admin_base_name(&p.name).unwrap_or_else(|| p.name.clone());
            self.admin2_names
                .insert((p.country_code.clone(), p.admin2_code.clone()), n);
        }
        let names: Vec<(String, NameKind)> = {
            let mut v = vec![
                (p.name.clone(), NameKind::Primary),
                (p.asciiname.clone(), NameKind::Ascii),
            ];
            for (i, a) in p.alternatenames.iter().enumerate() {
                v.push((a.clone(), NameKind::Alternate(i as u32)));
            }
            if p.feature_class == "A" {
                if let Some(b) = normalize::admin_base_name(&p.name) {
                    self.base_names.insert(idx, b.clone());
                    v.push((b, NameKind::AdminBase));
                }
            }
            v
        };
        self.places.push(p);
        for (n, kind) in names {
            self.add_key(&n, Posting { place: idx, kind });
        }
        idx
    }

    /// Adds a user place (validated) and indexes it. Persisting it, with revisions, is
    /// the store's job.
    pub fn add_place(&mut self, u: &UserPlace) -> Result<String, GeoError> {
        if u.name.trim().is_empty() {
            return Err(GeoError::UserPlace("empty name".into()));
        }
        if u.id.trim().is_empty() {
            return Err(GeoError::UserPlace("empty id".into()));
        }
        check_lat_lon(u.latitude, u.longitude).map_err(GeoError::UserPlace)?;
        let id = format!("user:{}", u.id);
        if self.by_id.contains_key(&id) {
            return Err(GeoError::UserPlace(format!("{id} already exists")));
        }
        let p = Place {
            id: id.clone(),
            geonameid: None,
            name: u.name.trim().to_string(),
            asciiname: normalize::fold(&u.name),
            alternatenames: u.alternate_names.clone(),
            latitude: u.latitude,
            longitude: u.longitude,
            feature_class: u.feature_class.clone(),
            feature_code: u.feature_code.clone(),
            country_code: u.country_code.clone(),
            cc2: String::new(),
            admin1_code: u.admin1_code.clone().unwrap_or_default(),
            admin2_code: u.admin2_code.clone().unwrap_or_default(),
            admin3_code: String::new(),
            admin4_code: String::new(),
            population: u.population,
            elevation: None,
            dem: None,
            timezone: String::new(),
            modification_date: String::new(),
        };
        self.insert(p);
        Ok(id)
    }

    /// Adds a user alias for an existing place.
    pub fn add_alias(&mut self, a: &PlaceAlias) -> Result<(), GeoError> {
        let Some(&place) = self.by_id.get(&a.place_id) else {
            return Err(GeoError::UserPlace(format!("no place {}", a.place_id)));
        };
        if normalize::key(&a.alias).is_empty() {
            return Err(GeoError::UserPlace("empty alias".into()));
        }
        let i = self.aliases.len() as u32;
        self.aliases.push(a.clone());
        self.add_key(
            &a.alias,
            Posting {
                place,
                kind: NameKind::Alias(i),
            },
        );
        Ok(())
    }

    /// All places.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The files loaded, in order.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// A place by index.
    pub fn place(&self, idx: u32) -> Option<&Place> {
        self.places.get(idx as usize)
    }

    /// A place by id ("geonames:2453348").
    pub fn by_id(&self, id: &str) -> Option<&Place> {
        self.by_id.get(id).and_then(|&i| self.place(i))
    }

    /// Places indexed under the key of `name` (see [`normalize::key`]).
    pub fn lookup_key(&self, key: &str) -> &[Posting] {
        self.key_index
            .get(key)
            .map(|&i| self.postings[i as usize].as_slice())
            .unwrap_or(&[])
    }

    /// Fuzzy key matches: Jaro-Winkler ≥ `threshold` among keys sharing the first
    /// character, within 3 characters in length, and differing in at most 3 letters present. Returns (similarity, postings).
    pub fn fuzzy_keys(&self, key: &str, threshold: f64) -> Vec<(f64, &str, &[Posting])> {
        let Some(c) = key.chars().next() else {
            return Vec::new();
        };
        let Some(bucket) = self.fuzzy_buckets.get(&c) else {
            return Vec::new();
        };
        let len = key.chars().count() as i64;
        let mask = char_mask(key);
        let hist = char_hist(key);
        let mut out = Vec::new();
        for &ki in bucket {
            let (km, kl) = self.key_meta[ki as usize];
            if (i64::from(kl) - len).abs() > 3 {
                continue;
            }
            // Cheap prefilter: at most 3 letters present in one and not the other.
            if (km ^ mask).count_ones() > 3 {
                continue;
            }
            let k = &self.keys[ki as usize];
            // Exact bound from character counts: skips most keys without the costly
            // similarity (and loses none that could pass the threshold).
            if let Some(kh) = self.key_hist.get(ki as usize) {
                if jaro_winkler_bound(key, &hist, len as usize, k, kh, kl as usize) < threshold {
                    continue;
                }
            }
            let s = strsim::jaro_winkler(key, k);
            if s >= threshold {
                out.push((s, k.as_str(), self.postings[ki as usize].as_slice()));
            }
        }
        out
    }

    /// The string a posting matched on.
    pub fn matched_name<'a>(&'a self, p: &'a Place, posting: &Posting) -> &'a str {
        match posting.kind {
            NameKind::Primary => &p.name,
            NameKind::Ascii => &p.asciiname,
            NameKind::Alternate(i) => p
                .alternatenames
                .get(i as usize)
                .map(String::as_str)
                .unwrap_or(&p.name),
            NameKind::AdminBase => self
                .base_names
                .get(&posting.place)
                .map(String::as_str)
                .unwrap_or(&p.name),
            NameKind::Alias(i) => self
                .aliases
                .get(i as usize)
                .map(|a| a.alias.as_str())
                .unwrap_or(&p.name),
        }
    }

    /// Admin1 name for (country, code), built from the ADM1 features.
    pub fn admin1_name(&self, country: &str, code: &str) -> Option<&str> {
        self.admin1_names
            .get(&(country.to_string(), code.to_string()))
            .map(String::as_str)
    }

    /// Admin2 name for (country, code), built from the ADM2 features.
    pub fn admin2_name(&self, country: &str, code: &str) -> Option<&str> {
        self.admin2_names
            .get(&(country.to_string(), code.to_string()))
            .map(String::as_str)
    }

    /// Summary of a place with admin names filled in.
    pub fn summary(&self, p: &Place) -> PlaceSummary {
        let a1 = (!p.admin1_code.is_empty() && p.admin1_code != "00").then(|| {
            (
                p.admin1_code.clone(),
                self.admin1_name(&p.country_code, &p.admin1_code)
                    .unwrap_or("")
                    .to_string(),
            )
        });
        let a2 = (!p.admin2_code.is_empty()).then(|| {
            (
                p.admin2_code.clone(),
                self.admin2_name(&p.country_code, &p.admin2_code)
                    .unwrap_or("")
                    .to_string(),
            )
        });
        PlaceSummary {
            id: p.id.clone(),
            name: p.name.clone(),
            latitude: p.latitude,
            longitude: p.longitude,
            feature: format!("{}.{}", p.feature_class, p.feature_code),
            country_code: p.country_code.clone(),
            admin1: a1,
            admin2: a2,
            population: p.population,
        }
    }

    /// The nearest place (within `max_km`) that satisfies `accept`, with its distance.
    pub fn nearest(
        &self,
        lat: f64,
        lon: f64,
        max_km: f64,
        accept: &dyn Fn(&Place) -> bool,
    ) -> Option<(&Place, f64)> {
        self.grid
            .nearest(&self.places, lat, lon, max_km, accept)
            .and_then(|(i, d)| self.place(i).map(|p| (p, d)))
    }

    /// The nearest place that has an admin2 code (within `max_km`) and satisfies
    /// `accept`, with its distance. Same answer as [`Gazetteer::nearest`] with an
    /// admin2 check in `accept`, over a sparser index.
    pub fn nearest_with_admin2(
        &self,
        lat: f64,
        lon: f64,
        max_km: f64,
        accept: &dyn Fn(&Place) -> bool,
    ) -> Option<(&Place, f64)> {
        self.admin2_grid
            .nearest(&self.places, lat, lon, max_km, accept)
            .and_then(|(i, d)| self.place(i).map(|p| (p, d)))
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }
}

#[cfg(test)]
mod bound_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// The bound is never below the true similarity, so no match is lost.
    #[test]
    fn jaro_winkler_bound_is_an_upper_bound() {
        let words = [
            "ogossagou",
            "ogossogou",
            "bandiagara",
            "bandiagra",
            "tombouctou",
            "tombouctu",
            "douentza",
            "douentzaa",
            "boulikessi",
            "boulkessi",
            "kouakourou",
            "anefis",
            "tabrichat",
            "tabrichate",
            "aguelhok",
            "aguelhoc",
            "a",
            "ab",
            "ba",
            "zzzz",
            "gangafani2",
            "gangafaniii",
            "ngoutjina",
            "nioro",
            "niono",
            "sevare",
            "segou",
        ];
        for a in words {
            for b in words {
                let jw = strsim::jaro_winkler(a, b);
                let ub = jaro_winkler_bound(
                    a,
                    &char_hist(a),
                    a.chars().count(),
                    b,
                    &char_hist(b),
                    b.chars().count(),
                );
                assert!(ub + 1e-12 >= jw, "{a} vs {b}: bound {ub} < jw {jw}");
            }
        }
        // And it does prune: unrelated keys are bounded well under the threshold.
        let ub = jaro_winkler_bound(
            "ogossagou",
            &char_hist("ogossagou"),
            9,
            "odienne",
            &char_hist("odienne"),
            7,
        );
        assert!(ub < 0.9, "{ub}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(cols: usize) -> String {
        let mut v = vec![
            "1",
            "Foo",
            "Foo",
            "",
            "14.5",
            "-4.1",
            "P",
            "PPL",
            "ML",
            "",
            "04",
            "",
            "",
            "",
            "0",
            "",
            "300",
            "Africa/Bamako",
            "2020-01-01",
        ];
        v.truncate(cols);
        v.join("\t")
    }

    #[test]
    fn loads_all_19_columns_of_mali() {
        let g = Gazetteer::mali().unwrap();
        assert_eq!(g.len(), 24_312);
        let segou = g.by_id("geonames:2451478").unwrap();
        assert_eq!(segou.name, "Ségou");
        assert_eq!(segou.feature_class, "P");
        assert_eq!(segou.feature_code, "PPLA");
        assert_eq!(segou.admin1_code, "05");
        assert_eq!(segou.admin2_code, "7701202");
        assert_eq!(segou.admin3_code, "11237557");
        assert!(segou.population > 100_000);
        assert!(segou.alternatenames.iter().any(|a| a == "Segu"));
        assert_eq!(segou.timezone, "Africa/Bamako");
        assert_eq!(g.admin1_name("ML", "04"), Some("Mopti"));
        assert_eq!(g.admin1_name("ML", "12070577"), Some("Ménaka"));
        assert_eq!(g.admin2_name("ML", "7701493"), Some("Bankass"));
        assert_eq!(g.admin2_name("ML", "8631541"), Some("Abeïbara"));
    }

    #[test]
    fn wrong_column_count_names_file_and_line() {
        let text = format!("{}\n{}\n", line(19), line(18));
        let mut g = Gazetteer::new();
        let e = g.load_bytes("bad.txt", text.as_bytes()).unwrap_err();
        assert_eq!(e.to_string(), "bad.txt:2: expected 19 columns, found 18");
        assert!(g.is_empty(), "all-or-nothing");
    }

    #[test]
    fn latitude_out_of_range_names_file_and_line() {
        let bad = line(19).replace("14.5", "95.2");
        let text = format!("{}\n{}\n{bad}\n", line(19), line(19).replacen('1', "2", 1));
        let mut g = Gazetteer::new();
        let e = g.load_bytes("bad.txt", text.as_bytes()).unwrap_err();
        assert_eq!(e.to_string(), "bad.txt:3: latitude 95.2 outside ±90");
        assert!(g.is_empty(), "all-or-nothing");
    }

    #[test]
    fn loads_gzipped_neighbour_dump() {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/geonames_mali/neighbours_2014/BF.txt.gz");
        if !p.exists() {
            return; // shared data not present in this checkout
        }
        let mut g = Gazetteer::new();
        let n = g.load_path(&p).unwrap();
        assert_eq!(n, 10_718);
        assert!(g.places().iter().all(|p| p.country_code == "BF"));
    }

    #[test]
    fn user_places_and_aliases() {
        let mut g = Gazetteer::mali().unwrap();
        let id = g
            .add_place(&UserPlace {
                id: "camp-42".into(),
                name: "Camp de déplacés de Faladié".into(),
                alternate_names: vec!["Faladie IDP site".into()],
                latitude: 12.6,
                longitude: -7.95,
                feature_class: "S".into(),
                feature_code: "CMP".into(),
                country_code: "ML".into(),
                admin1_code: Some("01".into()),
                admin2_code: None,
                population: 0,
                note: None,
            })
            .unwrap();
        assert_eq!(id, "user:camp-42");
        assert!(!g.lookup_key(&normalize::key("Faladie IDP site")).is_empty());
        g.add_alias(&PlaceAlias {
            alias: "Boulkessi".into(),
            place_id: "user:camp-42".into(),
            note: None,
        })
        .unwrap();
        assert!(g
            .add_alias(&PlaceAlias {
                alias: "x".into(),
                place_id: "geonames:0".into(),
                note: None
            })
            .is_err());
        let bad = UserPlace {
            id: "b".into(),
            name: "B".into(),
            alternate_names: vec![],
            latitude: 91.0,
            longitude: 0.0,
            feature_class: "P".into(),
            feature_code: "PPL".into(),
            country_code: "ML".into(),
            admin1_code: None,
            admin2_code: None,
            population: 0,
            note: None,
        };
        assert!(g.add_place(&bad).is_err());
    }
}
