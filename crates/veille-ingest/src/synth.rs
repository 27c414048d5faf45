//! Synthetic data lives in its own crate, `veille-synth`.
