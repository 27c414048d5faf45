//! Synthetic GED-format data (owned by the lead; see synth.rs).
