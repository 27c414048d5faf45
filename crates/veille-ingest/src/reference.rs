//! Reference data as an analyst sees it: what veille ships (gazetteer, boundaries, actor
//! registry) plus every edit persisted in the store's `reference_edits` log, replayed in
//! order. Each edit is a revision (who, when, why, sequence number), so nothing an
//! analyst adds is lost, and every importer and command sees the same places and actors.

use serde::{Deserialize, Serialize};
use veille_actors::{Registry, RegistryEdit};
use veille_geo::{Boundaries, Geo, LayerSpec, PlaceAlias, UserPlace};
use veille_store::Store;

/// `reference_edits` kind for actor registry edits (payload: a `RegistryEdit`).
pub const ACTOR_EDITS: &str = "actor";
/// `reference_edits` kind for user-added places (payload: a `UserPlace`).
pub const PLACE_EDITS: &str = "place";
/// `reference_edits` kind for user-added place aliases (payload: a `PlaceAlias`).
pub const PLACE_ALIAS_EDITS: &str = "place_alias";
/// `reference_edits` kind for loaded boundary layers (payload: a [`BoundaryLayerEdit`]).
pub const BOUNDARY_EDITS: &str = "boundary";

/// A boundary layer loaded by a user: the GeoJSON text and how to read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoundaryLayerEdit {
    /// The file name it was loaded from.
    pub file_name: String,
    /// Level, vintage and the properties holding names and codes.
    pub spec: LayerSpec,
    /// The GeoJSON FeatureCollection, verbatim.
    pub geojson: String,
}

/// Why reference data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] veille_store::StoreError),
    /// The shipped actor registry failed to load.
    #[error("cannot load the shipped actor registry: {0}")]
    Registry(#[from] veille_actors::RegistryError),
    /// The shipped geography failed to load.
    #[error("cannot load the shipped geography: {0}")]
    Geo(#[from] veille_geo::GeoError),
    /// A persisted edit could not be decoded or no longer applies.
    #[error("persisted {kind} edit #{seq} (by {by} at {at}): {reason}")]
    Edit {
        /// The edit kind.
        kind: String,
        /// Its sequence number.
        seq: u64,
        /// Who made it.
        by: String,
        /// When.
        at: String,
        /// What went wrong.
        reason: String,
    },
}

fn edit_error(e: &veille_store::ReferenceEdit, reason: impl ToString) -> ReferenceError {
    ReferenceError::Edit {
        kind: e.kind.clone(),
        seq: e.seq,
        by: e.by.clone(),
        at: e.at.to_rfc3339(),
        reason: reason.to_string(),
    }
}

fn decode<T: serde::de::DeserializeOwned>(
    e: &veille_store::ReferenceEdit,
) -> Result<T, ReferenceError> {
    serde_json::from_value(e.payload.clone()).map_err(|err| edit_error(e, err))
}

/// The actor registry: shipped, plus every persisted actor edit (when there is a store).
pub async fn load_registry(store: Option<&dyn Store>) -> Result<Registry, ReferenceError> {
    let mut reg = Registry::load_shipped()?;
    if let Some(store) = store {
        for e in store.reference_edits(ACTOR_EDITS).await? {
            let edit: RegistryEdit = decode(&e)?;
            reg.apply(edit).map_err(|err| edit_error(&e, err))?;
        }
    }
    Ok(reg)
}

/// The geography: shipped, plus every persisted user place, alias and boundary layer
/// (when there is a store), applied in the order they were made within each kind:
/// boundary layers, then places, then aliases (an alias may name a user place).
pub async fn load_geo(store: Option<&dyn Store>) -> Result<Geo, ReferenceError> {
    let mut geo = crate::enrich::shipped_geo()
        .map_err(|e| match e {
            crate::enrich::EnrichError::Geo(g) => ReferenceError::Geo(g),
            crate::enrich::EnrichError::Actors(a) => ReferenceError::Registry(a),
        })?
        .clone();
    if let Some(store) = store {
        for e in store.reference_edits(BOUNDARY_EDITS).await? {
            let b: BoundaryLayerEdit = decode(&e)?;
            let layer = Boundaries::from_geojson_bytes(&b.file_name, b.geojson.as_bytes(), &b.spec)
                .map_err(|err| edit_error(&e, err))?;
            geo.add_layer(layer);
        }
        for e in store.reference_edits(PLACE_EDITS).await? {
            let p: UserPlace = decode(&e)?;
            geo.gazetteer
                .add_place(&p)
                .map_err(|err| edit_error(&e, err))?;
        }
        for e in store.reference_edits(PLACE_ALIAS_EDITS).await? {
            let a: PlaceAlias = decode(&e)?;
            geo.gazetteer
                .add_alias(&a)
                .map_err(|err| edit_error(&e, err))?;
        }
    }
    Ok(geo)
}
