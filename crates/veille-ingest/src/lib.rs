//! placeholder
pub mod synth;
