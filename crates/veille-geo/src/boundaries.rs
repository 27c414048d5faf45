//! Admin boundaries: any GeoJSON FeatureCollection of Polygons/MultiPolygons loaded as one
//! admin level of one vintage, validated (closed rings, coordinate ranges, no
//! self-intersection), with a grid index for fast point-in-polygon.
//!
//! Point-in-polygon is hand-written: a uniform grid over the layer's bounding box where
//! each cell is either outside every unit, wholly inside one unit (answered without
//! geometry), or on a border (crossing-number test against the few units whose edges
//! touch the cell, after a bounding-box check).

use crate::error::{check_lat_lon, GeoError};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The Natural Earth 1:10m ADM1 layer for Mali (public domain), embedded.
pub static MALI_ADM1_GEOJSON: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/boundaries/mli_adm1_naturalearth10m.geojson"
));

/// How to read a boundary file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerSpec {
    /// Admin level (1 region, 2 cercle, 3 commune).
    pub level: u8,
    /// Vintage id, e.g. "pre2016", "2016".
    pub vintage: String,
    /// Property holding the unit's name.
    pub name_prop: String,
    /// Property holding the unit's code.
    pub code_prop: String,
    /// A prefix to strip from codes (e.g. "ML." for Natural Earth's `gn_a1_code`).
    #[serde(default)]
    pub code_strip_prefix: Option<String>,
    /// ISO 3166-1 alpha-3 country of the layer, e.g. "MLI".
    #[serde(default)]
    pub country: Option<String>,
    /// Where it came from, e.g. "naturalearth-10m".
    #[serde(default)]
    pub source: String,
}

impl LayerSpec {
    /// The spec of the shipped Natural Earth Mali ADM1 layer.
    pub fn mali_ne_adm1() -> Self {
        LayerSpec {
            level: 1,
            vintage: crate::vintage::PRE2016.into(),
            name_prop: "name".into(),
            code_prop: "gn_a1_code".into(),
            code_strip_prefix: Some("ML.".into()),
            country: Some("MLI".into()),
            source: "naturalearth-10m".into(),
        }
    }
}

/// An admin unit found at a point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminHit {
    /// Level (1, 2, 3).
    pub level: u8,
    /// Name (from the layer's name property).
    pub name: String,
    /// Code (from the layer's code property).
    pub code: String,
    /// Vintage of the layer.
    pub vintage: String,
    /// Country (alpha-3) of the layer, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

#[derive(Debug, Clone)]
struct Unit {
    name: String,
    code: String,
    /// Polygons: rings (first = outer), each ring a list of (x=lon, y=lat).
    polygons: Vec<Vec<Vec<(f64, f64)>>>,
    bbox: [f64; 4], // minx, miny, maxx, maxy
}

const OUTSIDE: u32 = u32::MAX;
const MIXED: u32 = 1 << 31;

/// One admin level of one vintage.
#[derive(Debug, Clone)]
pub struct Boundaries {
    spec: LayerSpec,
    file: String,
    units: Vec<Unit>,
    bbox: [f64; 4],
    cell: f64,
    nx: usize,
    ny: usize,
    cells: Vec<u32>,
    mixed: Vec<Vec<u32>>,
    vertices: usize,
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn prop_string(props: Option<&Value>, key: &str) -> Option<String> {
    let v = props?.get(key)?;
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn segs_intersect(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
    fn orient(p: (f64, f64), q: (f64, f64), r: (f64, f64)) -> f64 {
        (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)
    }
    fn on_seg(p: (f64, f64), q: (f64, f64), r: (f64, f64)) -> bool {
        r.0 >= p.0.min(q.0) && r.0 <= p.0.max(q.0) && r.1 >= p.1.min(q.1) && r.1 <= p.1.max(q.1)
    }
    let d1 = orient(c, d, a);
    let d2 = orient(c, d, b);
    let d3 = orient(a, b, c);
    let d4 = orient(a, b, d);
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        return true;
    }
    (d1 == 0.0 && on_seg(c, d, a))
        || (d2 == 0.0 && on_seg(c, d, b))
        || (d3 == 0.0 && on_seg(a, b, c))
        || (d4 == 0.0 && on_seg(a, b, d))
}

/// Finds two non-adjacent edges of a closed ring that touch or cross (sweep over edges
/// sorted by min x). Returns the edge indices.
fn ring_self_intersection(ring: &[(f64, f64)]) -> Option<(usize, usize)> {
    let n = ring.len().saturating_sub(1); // edges
    if n < 3 {
        return None;
    }
    let mut order: Vec<usize> = (0..n).collect();
    let minx = |i: usize| ring[i].0.min(ring[i + 1].0);
    let maxx = |i: usize| ring[i].0.max(ring[i + 1].0);
    order.sort_by(|&a, &b| minx(a).total_cmp(&minx(b)));
    for (oi, &i) in order.iter().enumerate() {
        let mx = maxx(i);
        for &j in &order[oi + 1..] {
            if minx(j) > mx {
                break;
            }
            let (a, b) = (i.min(j), i.max(j));
            // adjacent edges share a vertex legitimately
            if b == a + 1 || (a == 0 && b == n - 1) {
                continue;
            }
            if segs_intersect(ring[a], ring[a + 1], ring[b], ring[b + 1]) {
                return Some((a, b));
            }
        }
    }
    None
}

/// Where two intersecting segments meet (for collinear overlaps, an endpoint).
fn crossing_point(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> (f64, f64) {
    let den = (b.0 - a.0) * (d.1 - c.1) - (b.1 - a.1) * (d.0 - c.0);
    if den == 0.0 {
        return c;
    }
    let t = ((c.0 - a.0) * (d.1 - c.1) - (c.1 - a.1) * (d.0 - c.0)) / den;
    (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
}

fn ring_contains(ring: &[(f64, f64)], x: f64, y: f64) -> bool {
    let mut inside = false;
    let mut j = ring.len().wrapping_sub(1);
    for i in 0..ring.len() {
        let (xi, yi) = ring[i];
        let (xj, yj) = ring[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

impl Unit {
    fn contains(&self, x: f64, y: f64) -> bool {
        if x < self.bbox[0] || x > self.bbox[2] || y < self.bbox[1] || y > self.bbox[3] {
            return false;
        }
        self.polygons.iter().any(|poly| {
            poly.first().is_some_and(|outer| ring_contains(outer, x, y))
                && !poly[1..].iter().any(|hole| ring_contains(hole, x, y))
        })
    }
}

impl Boundaries {
    /// The shipped Natural Earth ADM1 layer for Mali, vintage `pre2016`, codes = GeoNames
    /// admin1 codes.
    pub fn mali_adm1() -> Result<Self, GeoError> {
        Self::from_geojson_bytes(
            "data/boundaries/mli_adm1_naturalearth10m.geojson",
            MALI_ADM1_GEOJSON,
            &LayerSpec::mali_ne_adm1(),
        )
    }

    /// Loads a GeoJSON file. All-or-nothing.
    pub fn load_path(path: &std::path::Path, spec: &LayerSpec) -> Result<Self, GeoError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| GeoError::Io {
            file: file.clone(),
            source,
        })?;
        Self::from_geojson_bytes(&file, &bytes, spec)
    }

    /// Parses and validates a FeatureCollection of Polygons/MultiPolygons. `file` names
    /// the input in errors.
    pub fn from_geojson_bytes(
        file: &str,
        bytes: &[u8],
        spec: &LayerSpec,
    ) -> Result<Self, GeoError> {
        let gj = |reason: String| GeoError::GeoJson {
            file: file.to_string(),
            reason,
        };
        let v: Value = serde_json::from_slice(bytes).map_err(|e| gj(e.to_string()))?;
        if v.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
            return Err(gj("top-level object is not a FeatureCollection".into()));
        }
        let feats = v
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| gj("FeatureCollection has no \"features\" array".into()))?;
        let mut units = Vec::with_capacity(feats.len());
        let mut vertices = 0;
        for (index, f) in feats.iter().enumerate() {
            let props = f.get("properties");
            let display = prop_string(props, &spec.name_prop).unwrap_or_else(|| "unnamed".into());
            let ferr = |reason: String| GeoError::Feature {
                file: file.to_string(),
                index,
                name: display.clone(),
                reason,
            };
            let name = prop_string(props, &spec.name_prop)
                .ok_or_else(|| ferr(format!("no name property {:?}", spec.name_prop)))?;
            let mut code = prop_string(props, &spec.code_prop)
                .ok_or_else(|| ferr(format!("no code property {:?}", spec.code_prop)))?;
            if let Some(pre) = &spec.code_strip_prefix {
                if let Some(s) = code.strip_prefix(pre.as_str()) {
                    code = s.to_string();
                }
            }
            let geom = f
                .get("geometry")
                .filter(|g| !g.is_null())
                .ok_or_else(|| ferr("no geometry".into()))?;
            let gtype = geom.get("type").and_then(Value::as_str).unwrap_or("");
            let coords = geom
                .get("coordinates")
                .and_then(Value::as_array)
                .ok_or_else(|| ferr("geometry has no coordinates array".into()))?;
            let raw_polys: Vec<&Value> = match gtype {
                "Polygon" => vec![geom.get("coordinates").unwrap_or(&Value::Null)],
                "MultiPolygon" => coords.iter().collect(),
                other => {
                    return Err(ferr(format!(
                        "geometry type {other:?} is not Polygon or MultiPolygon"
                    )))
                }
            };
            let mut polygons = Vec::new();
            let mut bbox = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
            for (pi, rp) in raw_polys.iter().enumerate() {
                let rings = rp
                    .as_array()
                    .ok_or_else(|| ferr(format!("polygon {pi} is not an array of rings")))?;
                if rings.is_empty() {
                    return Err(ferr(format!("polygon {pi} has no rings")));
                }
                let mut poly = Vec::new();
                for (ri, r) in rings.iter().enumerate() {
                    let pts = r
                        .as_array()
                        .ok_or_else(|| ferr(format!("polygon {pi} ring {ri} is not an array")))?;
                    let mut ring = Vec::with_capacity(pts.len());
                    for (k, p) in pts.iter().enumerate() {
                        let a = p.as_array().filter(|a| a.len() >= 2);
                        let (x, y) = match a.and_then(|a| Some((num(&a[0])?, num(&a[1])?))) {
                            Some(xy) => xy,
                            None => {
                                return Err(ferr(format!(
                                    "polygon {pi} ring {ri} position {k} is not [lon, lat]"
                                )))
                            }
                        };
                        check_lat_lon(y, x).map_err(|m| {
                            ferr(format!("polygon {pi} ring {ri} position {k}: {m}"))
                        })?;
                        bbox = [
                            bbox[0].min(x),
                            bbox[1].min(y),
                            bbox[2].max(x),
                            bbox[3].max(y),
                        ];
                        ring.push((x, y));
                    }
                    if ring.len() < 4 {
                        return Err(ferr(format!(
                            "polygon {pi} ring {ri} has {} positions; a ring needs at least 4",
                            ring.len()
                        )));
                    }
                    if ring.first() != ring.last() {
                        return Err(ferr(format!(
                            "polygon {pi} ring {ri} is not closed (first position ≠ last)"
                        )));
                    }
                    if let Some((a, b)) = ring_self_intersection(&ring) {
                        let (x, y) = crossing_point(ring[a], ring[a + 1], ring[b], ring[b + 1]);
                        return Err(ferr(format!(
                            "self-intersecting polygon: polygon {pi} ring {ri}, edges {a} and {b} cross at lat {y:.5}, lon {x:.5}"
                        )));
                    }
                    vertices += ring.len();
                    poly.push(ring);
                }
                polygons.push(poly);
            }
            units.push(Unit {
                name,
                code,
                polygons,
                bbox,
            });
        }
        if units.is_empty() {
            return Err(gj("FeatureCollection has no features".into()));
        }
        let mut b = Boundaries {
            spec: spec.clone(),
            file: file.to_string(),
            units,
            bbox: [0.0; 4],
            cell: 0.1,
            nx: 0,
            ny: 0,
            cells: Vec::new(),
            mixed: Vec::new(),
            vertices,
        };
        b.build_grid();
        Ok(b)
    }

    fn build_grid(&mut self) {
        let mut bb = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for u in &self.units {
            bb = [
                bb[0].min(u.bbox[0]),
                bb[1].min(u.bbox[1]),
                bb[2].max(u.bbox[2]),
                bb[3].max(u.bbox[3]),
            ];
        }
        let w = (bb[2] - bb[0]).max(1e-9);
        let h = (bb[3] - bb[1]).max(1e-9);
        // About 4 cells per vertex, between 64k and 4M cells.
        let target = (self.vertices * 4).clamp(65_536, 4_000_000) as f64;
        let cell = ((w * h) / target).sqrt().max(1e-4);
        let nx = ((w / cell).ceil() as usize).max(1);
        let ny = ((h / cell).ceil() as usize).max(1);
        self.bbox = bb;
        self.cell = cell;
        self.nx = nx;
        self.ny = ny;
        let mut touched: Vec<Vec<u32>> = vec![Vec::new(); nx * ny];
        let cx = |x: f64| (((x - bb[0]) / cell).floor().max(0.0) as usize).min(nx - 1);
        let cy = |y: f64| (((y - bb[1]) / cell).floor().max(0.0) as usize).min(ny - 1);
        // Row crossings at each row's centre line, per unit: (unit, x).
        let mut row_x: Vec<Vec<(u32, f64)>> = vec![Vec::new(); ny];
        for (ui, u) in self.units.iter().enumerate() {
            let ui = ui as u32;
            for poly in &u.polygons {
                for ring in poly {
                    for e in ring.windows(2) {
                        let (a, b) = (e[0], e[1]);
                        let (x0, x1) = (cx(a.0.min(b.0)), cx(a.0.max(b.0)));
                        let (y0, y1) = (cy(a.1.min(b.1)), cy(a.1.max(b.1)));
                        for yy in y0..=y1 {
                            for xx in x0..=x1 {
                                let t = &mut touched[yy * nx + xx];
                                if t.last() != Some(&ui) && !t.contains(&ui) {
                                    t.push(ui);
                                }
                            }
                            let yc = bb[1] + (yy as f64 + 0.5) * cell;
                            if (a.1 > yc) != (b.1 > yc) {
                                let x = a.0 + (yc - a.1) * (b.0 - a.0) / (b.1 - a.1);
                                row_x[yy].push((ui, x));
                            }
                        }
                    }
                }
            }
        }
        let mut cells = vec![OUTSIDE; nx * ny];
        // Fill interior cells by parity along each row centre line.
        for (yy, xs) in row_x.iter_mut().enumerate() {
            xs.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            for pair in xs.chunk_by(|a, b| a.0 == b.0) {
                for iv in pair.chunks(2) {
                    if let [s, e] = iv {
                        let from = (((s.1 - bb[0]) / cell - 0.5).ceil().max(0.0)) as usize;
                        let to = (((e.1 - bb[0]) / cell - 0.5).floor()) as i64;
                        if to < 0 {
                            continue;
                        }
                        for xx in from..=(to as usize).min(nx - 1) {
                            cells[yy * nx + xx] = s.0;
                        }
                    }
                }
            }
        }
        let mut mixed = Vec::new();
        for (i, t) in touched.into_iter().enumerate() {
            if t.is_empty() {
                continue;
            }
            let mut cand = t;
            let c = cells[i];
            if c != OUTSIDE && !cand.contains(&c) {
                cand.push(c);
            }
            cells[i] = MIXED | mixed.len() as u32;
            mixed.push(cand);
        }
        self.cells = cells;
        self.mixed = mixed;
    }

    /// The unit containing (lat, lon), if any. Never guesses: outside every polygon →
    /// `None`.
    pub fn locate(&self, lat: f64, lon: f64) -> Option<AdminHit> {
        self.locate_index(lat, lon).map(|i| self.hit(i))
    }

    /// Index of the containing unit (fast path used by benchmarks).
    pub fn locate_index(&self, lat: f64, lon: f64) -> Option<usize> {
        let bb = &self.bbox;
        if !(lon >= bb[0] && lon <= bb[2] && lat >= bb[1] && lat <= bb[3]) {
            return None;
        }
        let xx = (((lon - bb[0]) / self.cell) as usize).min(self.nx - 1);
        let yy = (((lat - bb[1]) / self.cell) as usize).min(self.ny - 1);
        let c = *self.cells.get(yy * self.nx + xx)?;
        if c == OUTSIDE {
            None
        } else if c & MIXED == 0 {
            Some(c as usize)
        } else {
            let cand = self.mixed.get((c & !MIXED) as usize)?;
            cand.iter()
                .map(|&u| u as usize)
                .find(|&u| self.units[u].contains(lon, lat))
        }
    }

    /// Brute-force lookup without the grid (for tests and comparison).
    pub fn locate_brute(&self, lat: f64, lon: f64) -> Option<usize> {
        self.units.iter().position(|u| u.contains(lon, lat))
    }

    fn hit(&self, i: usize) -> AdminHit {
        let u = &self.units[i];
        AdminHit {
            level: self.spec.level,
            name: u.name.clone(),
            code: u.code.clone(),
            vintage: self.spec.vintage.clone(),
            country: self.spec.country.clone(),
        }
    }

    /// The layer's spec.
    pub fn spec(&self) -> &LayerSpec {
        &self.spec
    }
    /// Admin level.
    pub fn level(&self) -> u8 {
        self.spec.level
    }
    /// Vintage.
    pub fn vintage(&self) -> &str {
        &self.spec.vintage
    }
    /// The file it was loaded from.
    pub fn file(&self) -> &str {
        &self.file
    }
    /// (name, code) of every unit.
    pub fn units(&self) -> Vec<(String, String)> {
        self.units
            .iter()
            .map(|u| (u.name.clone(), u.code.clone()))
            .collect()
    }
    /// Total vertices.
    pub fn vertex_count(&self) -> usize {
        self.vertices
    }
    /// Layer bounding box [min lon, min lat, max lon, max lat].
    pub fn bbox(&self) -> [f64; 4] {
        self.bbox
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> LayerSpec {
        LayerSpec {
            level: 1,
            vintage: "test".into(),
            name_prop: "name".into(),
            code_prop: "code".into(),
            code_strip_prefix: None,
            country: None,
            source: String::new(),
        }
    }

    #[test]
    fn shipped_layer_locates_regions() {
        let b = Boundaries::mali_adm1().unwrap();
        assert_eq!(b.units().len(), 9);
        assert_eq!(b.vertex_count(), 2764);
        let at = |lat, lon| b.locate(lat, lon).map(|h| h.code);
        assert_eq!(at(14.4843, -4.18296).as_deref(), Some("04")); // Mopti
        assert_eq!(at(12.65, -8.0).as_deref(), Some("01")); // Bamako (hole in Koulikoro)
        assert_eq!(at(12.85, -7.6).as_deref(), Some("07")); // Koulikoro, just outside Bamako
        assert_eq!(at(16.77348, -3.00742).as_deref(), Some("08")); // Timbuktu
        assert_eq!(at(15.9182, 2.4022).as_deref(), Some("09")); // Ménaka town: Gao pre-2016
        assert_eq!(at(18.44111, 1.40778).as_deref(), Some("10")); // Kidal
        assert_eq!(at(12.37, -1.52), None); // Ouagadougou
        assert_eq!(at(48.85, 2.35), None); // Paris
        assert_eq!(b.locate(14.0, -4.0).unwrap().vintage, "pre2016");
    }

    #[test]
    fn grid_agrees_with_brute_force() {
        let b = Boundaries::mali_adm1().unwrap();
        let mut s: u64 = 42;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..200_000 {
            let lat = 9.5 + next() * 16.0;
            let lon = -13.0 + next() * 18.0;
            assert_eq!(
                b.locate_index(lat, lon),
                b.locate_brute(lat, lon),
                "{lat},{lon}"
            );
        }
    }

    #[test]
    fn broken_geojson_names_file_and_error() {
        let e = Boundaries::from_geojson_bytes(
            "x.geojson",
            b"{\"type\": \"FeatureCollection\", ",
            &spec(),
        )
        .unwrap_err();
        let m = e.to_string();
        assert!(
            m.starts_with("x.geojson: invalid GeoJSON: EOF while parsing"),
            "{m}"
        );
    }

    #[test]
    fn self_intersecting_polygon_names_feature() {
        let bowtie = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"name":"Ok","code":"1"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
          {"type":"Feature","properties":{"name":"Bowtie","code":"2"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]}"#;
        let e =
            Boundaries::from_geojson_bytes("b.geojson", bowtie.as_bytes(), &spec()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "b.geojson: feature 1 (Bowtie): self-intersecting polygon: polygon 0 ring 0, edges 0 and 2 cross at lat 0.50000, lon 0.50000"
        );
    }

    #[test]
    fn latitude_out_of_range_and_wrong_type_rejected() {
        let bad = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"name":"North","code":"1"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,91],[0,0]]]}}]}"#;
        let e = Boundaries::from_geojson_bytes("n.geojson", bad.as_bytes(), &spec()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "n.geojson: feature 0 (North): polygon 0 ring 0 position 2: latitude 91 outside ±90"
        );
        let pt = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"name":"P","code":"1"},"geometry":{"type":"Point","coordinates":[0,0]}}]}"#;
        let e = Boundaries::from_geojson_bytes("p.geojson", pt.as_bytes(), &spec()).unwrap_err();
        assert!(e.to_string().contains("is not Polygon or MultiPolygon"));
        let noname = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"code":"1"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#;
        let e =
            Boundaries::from_geojson_bytes("q.geojson", noname.as_bytes(), &spec()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "q.geojson: feature 0 (unnamed): no name property \"name\""
        );
    }

    #[test]
    fn multipolygon_with_user_mapping() {
        let mp = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"NAME_2":"Two squares","GID_2":"X.1"},"geometry":{"type":"MultiPolygon","coordinates":[
            [[[0,0],[1,0],[1,1],[0,1],[0,0]]],
            [[[2,0],[3,0],[3,1],[2,1],[2,0]]]]}}]}"#;
        let s = LayerSpec {
            level: 2,
            vintage: "2016".into(),
            name_prop: "NAME_2".into(),
            code_prop: "GID_2".into(),
            code_strip_prefix: None,
            country: None,
            source: String::new(),
        };
        let b = Boundaries::from_geojson_bytes("m.geojson", mp.as_bytes(), &s).unwrap();
        assert_eq!(b.locate(0.5, 2.5).unwrap().code, "X.1");
        assert_eq!(b.locate(0.5, 1.5), None);
        assert_eq!(b.level(), 2);
    }
}
