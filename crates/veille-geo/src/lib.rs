//! veille geography: the GeoNames gazetteer, admin boundaries with vintages and
//! crosswalks, place-name resolution, reverse geocoding, PRIO-GRID, and the enrichment
//! applied to every imported or edited event.
//!
//! Start from [`Geo::shipped`]: Mali's GeoNames gazetteer (CC BY 4.0, "Data from GeoNames
//! (https://www.geonames.org/), CC BY 4.0") and the Natural Earth ADM1 layer (public
//! domain, vintage `pre2016`), both embedded in the binary. Then call
//! [`Geo::resolve`], [`Geo::at`] or [`Geo::enrich`].
//!
//! ```
//! let geo = veille_geo::Geo::shipped().unwrap();
//! let r = geo.resolve("Tombouctou", &veille_geo::Hints::default());
//! assert_eq!(r.best().unwrap().place.name, "Timbuktu");
//! ```

pub mod bench;
pub mod boundaries;
pub mod error;
pub mod eval;
pub mod gazetteer;
mod geo;
pub mod normalize;
pub mod priogrid;
pub mod resolve;
pub mod vintage;

pub use boundaries::{AdminHit, Boundaries, LayerSpec};
pub use error::GeoError;
pub use gazetteer::{Gazetteer, Place, PlaceAlias, PlaceSummary, UserPlace};
pub use geo::{haversine_km, AdminAssignment, Enrichment, Geo, ReverseGeocode};
pub use priogrid::{priogrid_centroid, priogrid_gid};
pub use resolve::{Candidate, Hints, Resolution, ResolutionStatus};

/// The attribution GeoNames' licence requires wherever gazetteer data is shown.
pub const GEONAMES_ATTRIBUTION: &str = "Data from GeoNames (https://www.geonames.org/), CC BY 4.0";
