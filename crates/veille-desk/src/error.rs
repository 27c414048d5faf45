//! The desk's one error type. `Invalid`, `NotFound` and `Conflict` carry messages meant
//! for people (the CLI prints them, the server answers them as 400/404/409); the other
//! variants wrap the libraries' errors.

/// What went wrong in a desk workflow.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// Bad input (a period, a category, a missing justification…).
    #[error("{0}")]
    Invalid(String),
    /// No such record, or not visible at the caller's clearance.
    #[error("{0}")]
    NotFound(String),
    /// The record is in a state that forbids this (already acknowledged, closed).
    #[error("{0}")]
    Conflict(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] veille_store::StoreError),
    /// A rules or response-matrix file is malformed.
    #[error(transparent)]
    Rules(#[from] veille_protect::RulesError),
    /// The actor registry could not be loaded.
    #[error(transparent)]
    Registry(#[from] veille_actors::RegistryError),
    /// A stored protection record does not have the expected shape.
    #[error("stored {kind} record '{key}' is malformed: {source}")]
    Corrupt {
        /// Record kind.
        kind: String,
        /// Record key.
        key: String,
        /// The decoding error.
        source: serde_json::Error,
    },
}

impl From<veille_protect::tracking::TrackingError> for DeskError {
    fn from(e: veille_protect::tracking::TrackingError) -> Self {
        use veille_protect::tracking::TrackingError as T;
        match e {
            T::Closed(..) => DeskError::Conflict(e.to_string()),
            T::ReasonRequired | T::OutcomeRequired => DeskError::Invalid(e.to_string()),
        }
    }
}

/// Result of desk workflows.
pub type Result<T, E = DeskError> = std::result::Result<T, E>;

/// Decodes a stored record's document.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    kind: &str,
    key: &str,
    doc: serde_json::Value,
) -> Result<T> {
    serde_json::from_value(doc).map_err(|source| DeskError::Corrupt {
        kind: kind.to_string(),
        key: key.to_string(),
        source,
    })
}
