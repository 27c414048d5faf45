//! The standard enrichment applied to every imported event: places through
//! `veille-geo` (admin codes with vintage, PRIO-GRID, coordinates for named places) and
//! actor names through the `veille-actors` registry. Every importer, and later the
//! extractor and the API, calls this one implementation.

use crate::import::Enricher;
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};
use veille_actors::Registry;
use veille_geo::Geo;
use veille_model::Event;

/// Why the standard enrichment could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EnrichError {
    /// The shipped geography failed to load.
    #[error("cannot load the shipped geography: {0}")]
    Geo(#[from] veille_geo::GeoError),
    /// The shipped actor registry failed to load.
    #[error("cannot load the actor registry: {0}")]
    Actors(#[from] veille_actors::RegistryError),
}

/// Places and actors, resolved through the gazetteer, boundaries and registry: the
/// shipped ones, or those of a store with its analysts' edits applied.
pub struct StandardEnricher {
    geo: Cow<'static, Geo>,
    registry: Cow<'static, Registry>,
}

static SHIPPED_GEO: OnceLock<Geo> = OnceLock::new();

/// The shipped geography (Mali gazetteer and boundaries), loaded once per process.
pub fn shipped_geo() -> Result<&'static Geo, EnrichError> {
    if let Some(g) = SHIPPED_GEO.get() {
        return Ok(g);
    }
    let g = Geo::shipped()?;
    Ok(SHIPPED_GEO.get_or_init(|| g))
}

impl StandardEnricher {
    /// The enricher over the shipped geography and actor registry.
    pub fn shipped() -> Result<Arc<dyn Enricher>, EnrichError> {
        Ok(Arc::new(StandardEnricher {
            geo: Cow::Borrowed(shipped_geo()?),
            registry: Cow::Borrowed(Registry::shipped()?),
        }))
    }

    /// The enricher for a store: shipped reference data plus every place, alias,
    /// boundary layer and actor edit persisted in it (see [`crate::reference`]). Without
    /// persisted edits it shares the shipped data instead of copying it.
    pub async fn for_store(
        store: &dyn veille_store::Store,
    ) -> Result<Arc<dyn Enricher>, crate::reference::ReferenceError> {
        use crate::reference::*;
        let mut any_geo = false;
        for kind in [BOUNDARY_EDITS, PLACE_EDITS, PLACE_ALIAS_EDITS] {
            any_geo |= !store.reference_edits(kind).await?.is_empty();
        }
        let any_actor = !store.reference_edits(ACTOR_EDITS).await?.is_empty();
        let geo = if any_geo {
            Cow::Owned(load_geo(Some(store)).await?)
        } else {
            Cow::Borrowed(shipped_geo().map_err(|e| match e {
                EnrichError::Geo(g) => ReferenceError::Geo(g),
                EnrichError::Actors(a) => ReferenceError::Registry(a),
            })?)
        };
        let registry = if any_actor {
            Cow::Owned(load_registry(Some(store)).await?)
        } else {
            Cow::Borrowed(Registry::shipped()?)
        };
        Ok(Arc::new(StandardEnricher { geo, registry }))
    }
}

impl Enricher for StandardEnricher {
    fn enrich(&self, event: &mut Event) {
        self.geo
            .enrich_on(&mut event.location, Some(event.date_start));
        for a in &mut event.actors {
            if a.actor_id.is_some() {
                continue;
            }
            // UCDP rows carry the UCDP actor id; other formats only the name.
            let ucdp_id = a
                .source_actor_id
                .as_deref()
                .and_then(|s| s.parse::<u32>().ok());
            if let Some(actor) = self.registry.resolve_ucdp(ucdp_id, &a.name) {
                a.actor_id = Some(actor.id.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};
    use veille_model::*;

    #[test]
    fn enriches_location_and_links_actors() {
        let e = StandardEnricher::shipped().unwrap();
        let d = NaiveDate::from_ymd_opt(2019, 3, 23).unwrap();
        let now = Utc.with_ymd_and_hms(2019, 3, 24, 0, 0, 0).unwrap();
        let mut ev = Event::new(d, SubEventType::Attack, "MLI", "test", now);
        // Ogossagou, Bankass cercle, Mopti region.
        ev.location.latitude = Some(14.2167);
        ev.location.longitude = Some(-3.6167);
        ev.location.geo_precision = GeoPrecision::Exact;
        ev.actors.push(ActorParticipation {
            actor_id: None,
            name: "Dan na Ambassagou".into(),
            role: ActorRole::Perpetrator,
            side: Some(Side::A),
            attribution: Attribution::Attributed,
            inter_code: None,
            source_actor_id: Some("7092".into()),
        });
        ev.actors.push(ActorParticipation {
            actor_id: None,
            name: "Some group nobody has heard of".into(),
            role: ActorRole::Target,
            side: Some(Side::B),
            attribution: Attribution::Stated,
            inter_code: None,
            source_actor_id: None,
        });
        e.enrich(&mut ev);
        let l = &ev.location;
        assert_eq!(l.admin1.as_ref().map(|a| a.name.as_str()), Some("Mopti"));
        assert!(l.admin2.is_some());
        assert!(
            l.admin_approximate,
            "admin2 comes from the nearest gazetteer place"
        );
        assert_eq!(l.priogrid_gid, veille_geo::priogrid_gid(14.2167, -3.6167));
        assert!(ev.actors[0].actor_id.is_some());
        // Unknown names stay as text, unresolved.
        assert_eq!(ev.actors[1].actor_id, None);
        assert_eq!(ev.actors[1].name, "Some group nobody has heard of");
    }
}
