//! Location blurring (DOMAIN.md §8: "location precision is a weapon"). Victim-related
//! records shown to roles without exact-location rights, and everything published, have
//! their point moved to the admin2 (cercle) point of the gazetteer (else admin1's, else
//! none), precision set to admin2 or coarser, and place names and notes removed.

use std::collections::HashMap;
use veille_model::{Event, GeoPrecision};

/// Admin unit points from the gazetteer, keyed by GeoNames code.
#[derive(Debug, Default)]
pub struct Blurrer {
    admin2: HashMap<String, (f64, f64)>,
    admin1: HashMap<String, (f64, f64)>,
}

impl Blurrer {
    /// Collects the ADM1 and ADM2 points of a gazetteer.
    pub fn new(g: &veille_geo::Gazetteer) -> Self {
        let mut b = Blurrer::default();
        for p in g.places() {
            if p.is_adm2() && !p.admin2_code.is_empty() {
                b.admin2
                    .insert(p.admin2_code.clone(), (p.latitude, p.longitude));
            } else if p.is_adm1() && !p.admin1_code.is_empty() {
                b.admin1
                    .insert(p.admin1_code.clone(), (p.latitude, p.longitude));
            }
        }
        b
    }

    /// The point a victim-related record is shown at: its cercle's (admin2) point, else
    /// its region's, else none; and the precision that point has.
    fn blurred(
        &self,
        admin2_code: Option<&str>,
        admin1_code: Option<&str>,
    ) -> (Option<(f64, f64)>, GeoPrecision) {
        let a2 = admin2_code.and_then(|c| self.admin2.get(c));
        let a1 = admin1_code.and_then(|c| self.admin1.get(c));
        match (a2, a1) {
            (Some(p), _) => (Some(*p), GeoPrecision::Admin2),
            (None, Some(p)) => (Some(*p), GeoPrecision::Admin1),
            (None, None) => (None, GeoPrecision::Country),
        }
    }

    /// Blurs a map point in place when it is victim-related, as [`Blurrer::blur`] does an
    /// event. False when the blurred record has no point left (it is then not drawn).
    pub fn blur_point(&self, p: &mut veille_store::MapPoint) -> bool {
        if !p.victim_related {
            return true;
        }
        let (point, precision) = self.blurred(p.admin2_code.as_deref(), p.admin1_code.as_deref());
        let Some((lat, lon)) = point else {
            return false;
        };
        p.latitude = lat;
        p.longitude = lon;
        p.geo_precision = veille_geo::resolve::coarser(p.geo_precision, precision);
        true
    }

    /// Blurs the event's location in place when it is victim-related
    /// ([`Event::is_victim_related`]).
    pub fn blur(&self, e: &mut Event) {
        if !e.is_victim_related() {
            return;
        }
        let loc = &mut e.location;
        let (point, precision) = self.blurred(
            loc.admin2.as_ref().and_then(|a| a.code.as_deref()),
            loc.admin1.as_ref().and_then(|a| a.code.as_deref()),
        );
        loc.latitude = point.map(|p| p.0);
        loc.longitude = point.map(|p| p.1);
        loc.priogrid_gid = point.and_then(|p| veille_geo::priogrid_gid(p.0, p.1));
        loc.geo_precision = veille_geo::resolve::coarser(loc.geo_precision, precision);
        loc.place_name = None;
        loc.where_description = None;
        loc.admin3 = None;
        e.notes = String::new();
        if let Some(p) = e.provenance.as_mut() {
            p.original.clear();
        }
    }
}
