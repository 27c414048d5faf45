//! [`Geo`]: the gazetteer plus boundary layers; reverse geocoding and event enrichment.

use crate::boundaries::{AdminHit, Boundaries};
use crate::error::{check_lat_lon, GeoError};
use crate::gazetteer::{Gazetteer, PlaceSummary};
use crate::priogrid::priogrid_gid;
use crate::resolve::{self, coarser, Hints, Resolution, ResolutionStatus};
use serde::{Deserialize, Serialize};
use veille_model::{AdminUnit, GeoPrecision, Location};

/// Great-circle distance in km (haversine, R = 6371 km).
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().min(1.0).asin()
}

/// Search radius for "nearest gazetteer place with an admin2" (km).
pub const ADMIN2_SEARCH_KM: f64 = 150.0;
/// Search radius for "nearest named place" (km).
pub const NEAREST_PLACE_KM: f64 = 200.0;
/// Outside all polygons, the nearest place's country is reported (as approximate) only
/// within this distance (km).
pub const COUNTRY_FALLBACK_KM: f64 = 25.0;

/// An admin unit assigned to a point, with how it was assigned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminAssignment {
    /// Name.
    pub name: String,
    /// Code.
    pub code: String,
    /// Vintage of the code ("pre2016" for the shipped NE layer, "2016" for GeoNames
    /// codes).
    pub vintage: String,
    /// True when not from a polygon (e.g. cercle from the nearest gazetteer place).
    pub approximate: bool,
    /// How it was assigned.
    pub method: String,
}

/// The answer of [`Geo::at`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReverseGeocode {
    /// Latitude asked.
    pub latitude: f64,
    /// Longitude asked.
    pub longitude: f64,
    /// ISO alpha-3 country (from the containing polygon layer), or alpha-2 of the nearest
    /// place when outside all polygons (then `country_approximate`); `None` = unknown.
    pub country: Option<String>,
    /// True when the country is from the nearest place rather than a polygon.
    pub country_approximate: bool,
    /// Admin1 from polygons; `None` outside all loaded boundaries (never a wrong region).
    pub admin1: Option<AdminAssignment>,
    /// Admin2: polygon if a level-2 layer is loaded, else the nearest gazetteer place's
    /// admin2 (approximate). Only assigned inside an admin1 polygon.
    pub admin2: Option<AdminAssignment>,
    /// The nearest named place and its distance in km.
    pub nearest_place: Option<(PlaceSummary, f64)>,
    /// PRIO-GRID cell.
    pub priogrid_gid: Option<u32>,
}

/// What [`Geo::enrich`] did to a location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Enrichment {
    /// True when coordinates were filled from a resolved place name.
    pub coordinates_from_place: bool,
    /// The resolution attempted for an event without coordinates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// True when admin1 came from a polygon.
    pub admin1_from_polygon: bool,
    /// True when admin2 was assigned approximately from the gazetteer.
    pub admin2_approximate: bool,
    /// Human-readable notes ("place name ambiguous: …").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The geography service: a gazetteer and boundary layers.
#[derive(Debug, Clone, Default)]
pub struct Geo {
    /// The gazetteer (shipped Mali dump plus anything loaded or added).
    pub gazetteer: Gazetteer,
    layers: Vec<Boundaries>,
}

impl Geo {
    /// Mali's shipped data: GeoNames ML.txt (CC BY 4.0) and the Natural Earth ADM1 layer
    /// (public domain, vintage `pre2016`), both embedded in the binary.
    pub fn shipped() -> Result<Self, GeoError> {
        let mut g = Geo {
            gazetteer: Gazetteer::mali()?,
            layers: Vec::new(),
        };
        g.add_layer(Boundaries::mali_adm1()?);
        Ok(g)
    }

    /// A geo from parts.
    pub fn new(gazetteer: Gazetteer) -> Self {
        Geo {
            gazetteer,
            layers: Vec::new(),
        }
    }

    /// Adds a boundary layer. The most recently added layer of a level is the one used.
    pub fn add_layer(&mut self, b: Boundaries) {
        self.layers.push(b);
    }

    /// The active layer of a level.
    pub fn layer(&self, level: u8) -> Option<&Boundaries> {
        self.layers.iter().rev().find(|l| l.level() == level)
    }

    /// The layer of a level to use for something that happened on `date`: the most
    /// recently added layer whose vintage was in force that day (see
    /// [`crate::vintage::vintage_on`]); without such a layer (or a date), the active one.
    pub fn layer_on(&self, level: u8, date: Option<chrono::NaiveDate>) -> Option<&Boundaries> {
        date.and_then(|d| {
            let v = crate::vintage::vintage_on(d);
            self.layers
                .iter()
                .rev()
                .find(|l| l.level() == level && l.vintage() == v)
        })
        .or_else(|| self.layer(level))
    }

    /// All layers.
    pub fn layers(&self) -> &[Boundaries] {
        &self.layers
    }

    /// Resolves a place name; see [`crate::resolve`].
    pub fn resolve(&self, query: &str, hints: &Hints) -> Resolution {
        resolve::resolve(&self.gazetteer, query, hints)
    }

    fn admin_from_hit(&self, h: AdminHit) -> AdminAssignment {
        // Prefer the gazetteer's (French) name for a GeoNames code.
        let name = (h.level == 1)
            .then(|| self.gazetteer.admin1_name("ML", &h.code))
            .flatten()
            .filter(|_| h.country.as_deref() == Some("MLI"))
            .map(str::to_string)
            .unwrap_or(h.name);
        AdminAssignment {
            name,
            code: h.code,
            vintage: h.vintage,
            approximate: false,
            method: format!("polygon (level {})", h.level),
        }
    }

    fn admin2_near(&self, lat: f64, lon: f64, admin1: Option<&str>) -> Option<AdminAssignment> {
        let accept = |p: &crate::Place| {
            !p.admin2_code.is_empty()
                && admin1.is_none_or(|a| crate::vintage::agrees_allowing_vintage(&p.admin1_code, a))
        };
        let (p, d) = self
            .gazetteer
            .nearest_with_admin2(lat, lon, ADMIN2_SEARCH_KM, &accept)?;
        Some(AdminAssignment {
            name: self
                .gazetteer
                .admin2_name(&p.country_code, &p.admin2_code)
                .unwrap_or("")
                .to_string(),
            code: p.admin2_code.clone(),
            vintage: crate::vintage::V2016.into(),
            approximate: true,
            method: format!(
                "approximate: admin2 of the nearest gazetteer place with one, {} ({}), {d:.1} km away",
                p.name, p.id
            ),
        })
    }

    /// Reverse geocoding with the active layers. Errors only on invalid coordinates.
    pub fn at(&self, lat: f64, lon: f64) -> Result<ReverseGeocode, GeoError> {
        self.at_on(lat, lon, None)
    }

    /// Reverse geocoding as of `date`: polygons come from the layers whose vintage was in
    /// force that day when such layers are loaded ([`Geo::layer_on`]).
    pub fn at_on(
        &self,
        lat: f64,
        lon: f64,
        date: Option<chrono::NaiveDate>,
    ) -> Result<ReverseGeocode, GeoError> {
        check_lat_lon(lat, lon).map_err(GeoError::Coordinate)?;
        let hit1 = self.layer_on(1, date).and_then(|l| l.locate(lat, lon));
        let country_poly = hit1.as_ref().and_then(|h| h.country.clone());
        let admin1 = hit1.map(|h| self.admin_from_hit(h));
        let nearest = self
            .gazetteer
            .nearest(lat, lon, NEAREST_PLACE_KM, &|_| true)
            .map(|(p, d)| (self.gazetteer.summary(p), d));
        let admin2 = match self.layer_on(2, date) {
            Some(l) => l.locate(lat, lon).map(|h| self.admin_from_hit(h)),
            None => admin1.as_ref().and_then(|a1| {
                let code = (a1.vintage == crate::vintage::PRE2016
                    || a1.vintage == crate::vintage::V2016)
                    .then_some(a1.code.as_str());
                self.admin2_near(lat, lon, code)
            }),
        };
        let (country, country_approximate) = match (&admin1, country_poly) {
            (Some(_), Some(c)) => (Some(c), false),
            _ => match &nearest {
                Some((p, d)) if *d <= COUNTRY_FALLBACK_KM => (Some(p.country_code.clone()), true),
                _ => (None, false),
            },
        };
        Ok(ReverseGeocode {
            latitude: lat,
            longitude: lon,
            country,
            country_approximate,
            admin1,
            admin2,
            nearest_place: nearest,
            priogrid_gid: priogrid_gid(lat, lon),
        })
    }

    /// Enriches an imported or edited event's location in place.
    ///
    /// * **With coordinates** (kept as they are): `priogrid_gid`; admin1 from the active
    ///   level-1 polygon layer (code and `admin_vintage` = the layer's vintage, e.g.
    ///   `pre2016`); admin2 from a level-2 layer if loaded, otherwise the admin2 of the
    ///   nearest gazetteer place that has one (in the same admin1, allowing for the 2016
    ///   reform) with `admin_approximate = true`. Outside every polygon the source's admin
    ///   names are kept untouched (`admin_vintage` = "source" if unset) — never a wrong
    ///   region.
    /// * **Without coordinates**: resolves `place_name` (hints: `admin1` name, `country`).
    ///   Only a [`ResolutionStatus::Resolved`] answer is used: coordinates come from the
    ///   place, `geo_precision` becomes the coarser of the source's and the place's
    ///   (a "near X" name gives *near*), and admin2 comes from the resolved place itself
    ///   (approximate). Ambiguous or unknown names leave the coordinates empty and say so
    ///   in the returned notes. Nothing is guessed.
    ///
    /// The source's `geo_precision` (from ACLED `geo_precision` or GED `where_prec`, via
    /// [`GeoPrecision::from_acled`]/[`GeoPrecision::from_ged`]) is kept for events that
    /// carry coordinates.
    pub fn enrich(&self, loc: &mut Location) -> Enrichment {
        self.enrich_on(loc, None)
    }

    /// [`Geo::enrich`] for an event that happened on `date` (its start date): the date is
    /// a resolution hint (a "Ménaka region" source before 2016 means the Gao region of
    /// the time) and picks the boundary layers whose vintage was in force
    /// ([`Geo::layer_on`]), so `admin_vintage` says which frame the codes come from.
    pub fn enrich_on(&self, loc: &mut Location, date: Option<chrono::NaiveDate>) -> Enrichment {
        let mut out = Enrichment::default();
        let mut resolved_admin2: Option<AdminAssignment> = None;
        let has_coords = matches!((loc.latitude, loc.longitude), (Some(a), Some(b)) if check_lat_lon(a, b).is_ok());
        if !has_coords {
            if loc.latitude.is_some() || loc.longitude.is_some() {
                out.notes
                    .push("coordinates invalid or incomplete; ignored".into());
                loc.latitude = None;
                loc.longitude = None;
            }
            let Some(name) = loc.place_name.clone().filter(|n| !n.trim().is_empty()) else {
                out.notes.push("no coordinates and no place name".into());
                loc.priogrid_gid = None;
                return out;
            };
            let hints = Hints {
                admin1: loc.admin1.as_ref().map(|a| a.name.clone()),
                admin2: loc.admin2.as_ref().map(|a| a.name.clone()),
                country: (!loc.country.is_empty()).then(|| loc.country.clone()),
                limit: Some(5),
                date,
                ..Hints::default()
            };
            let r = self.resolve(&name, &hints);
            match r.best() {
                Some(c) => {
                    loc.latitude = Some(c.place.latitude);
                    loc.longitude = Some(c.place.longitude);
                    loc.geo_precision = coarser(loc.geo_precision, c.precision);
                    // When the event had no precision of its own (default Country), the
                    // place's precision is what we know.
                    if loc.geo_precision == GeoPrecision::Country
                        && c.precision != GeoPrecision::Country
                    {
                        loc.geo_precision = c.precision;
                    }
                    out.coordinates_from_place = true;
                    out.notes.push(format!(
                        "coordinates from resolved place {} ({}): {}",
                        c.place.name, c.place.id, c.reason
                    ));
                    if let Some((code, name)) = &c.place.admin2 {
                        resolved_admin2 = Some(AdminAssignment {
                            name: name.clone(),
                            code: code.clone(),
                            vintage: crate::vintage::V2016.into(),
                            approximate: true,
                            method: format!("admin2 of the resolved place {}", c.place.id),
                        });
                    }
                }
                None => {
                    out.notes.push(match r.status {
                        ResolutionStatus::Ambiguous => format!(
                            "place name {name:?} is ambiguous ({} candidates); coordinates left empty",
                            r.candidates.len()
                        ),
                        _ => format!("place name {name:?} not found; coordinates left empty"),
                    });
                    out.resolution = Some(r);
                    loc.priogrid_gid = None;
                    return out;
                }
            }
            out.resolution = Some(r);
        }
        let (Some(lat), Some(lon)) = (loc.latitude, loc.longitude) else {
            return out;
        };
        loc.priogrid_gid = priogrid_gid(lat, lon);
        let Ok(rg) = self.at_on(lat, lon, date) else {
            return out;
        };
        match rg.admin1 {
            Some(a1) => {
                loc.admin1 = Some(AdminUnit {
                    name: a1.name,
                    code: Some(a1.code),
                });
                loc.admin_vintage = Some(a1.vintage);
                out.admin1_from_polygon = true;
                let a2 = match (&self.layer_on(2, date), resolved_admin2) {
                    (Some(_), _) => rg.admin2,
                    (None, Some(r)) => Some(r),
                    (None, None) => rg.admin2,
                };
                if let Some(a2) = a2 {
                    loc.admin_approximate = a2.approximate;
                    out.admin2_approximate = a2.approximate;
                    loc.admin2 = Some(AdminUnit {
                        name: a2.name,
                        code: Some(a2.code),
                    });
                }
            }
            None => {
                out.notes.push(
                    "point outside every loaded admin1 polygon; source admin names kept".into(),
                );
                if loc.admin_vintage.is_none() && (loc.admin1.is_some() || loc.admin2.is_some()) {
                    loc.admin_vintage = Some("source".into());
                }
            }
        }
        out
    }
}
