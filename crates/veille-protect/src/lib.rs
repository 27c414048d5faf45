//! # veille-protect
//!
//! The protection core of veille, pure and testable without a database:
//!
//! - [`category`]: the six POC threat categories of MINUSMA's 2017 strategy (and the
//!   sub-categories of category 4), and the coarse perpetrator class every rule reads.
//! - [`rules`]: transparent categorisation rules loaded from a readable TOML file
//!   (`data/poc/rules.toml`); every category an event gets names the rule that fired.
//! - [`rollup`]: counts and casualties per admin unit × day/week/month × event type ×
//!   POC category × perpetrator class × victim category, updated incrementally
//!   (apply/unapply) or rebuilt in full with identical numbers.
//! - [`persist`]: the persisted rollups' contributor ([`persist::PocRollups`]): what each
//!   event contributes to the store's rollup tables, and [`rollup::Rollup::from_cells`].
//! - [`assess`]: the likelihood model (recency-weighted empirical-Bayes Poisson rate with
//!   a spatial lag) and the per-area threat assessment (likelihood, impact, risk cell,
//!   trend with a significance flag, explicit "no data").
//! - [`backtest`]: rolling-origin evaluation of the likelihood model (Brier score and
//!   reliability table against the base-rate and "same as last period" benchmarks).
//! - [`response`]: the response matrix (warning type × level → components, options per
//!   tier, time to acknowledge and to act, escalation), from `data/poc/response_matrix.toml`.
//! - [`tracking`]: response actions (owner, tier, option, due, status, outcome), overdue
//!   detection and the warning-to-action metrics.
//! - [`warnings`]: early warnings (spike, reprisal-cycle risk, new actor, severity,
//!   atrocity risk) with de-duplication, and the spike-warning backtest (precision,
//!   recall, lead time).
//! - [`atrocity`]: the atrocity-risk assessment per country or region (UN Framework of
//!   Analysis' 14 risk factors, Genocide Watch stage) from
//!   `data/poc/atrocity_framework.toml`: suggested scores from data, analysts' scores,
//!   overall score, diff between versions and the rise that raises a warning.

pub mod assess;
pub mod atrocity;
pub mod backtest;
pub mod category;
pub mod persist;
pub mod response;
pub mod rollup;
pub mod rules;
pub mod tracking;
pub mod warnings;

pub use category::{PerpClass, PocCode};
pub use rules::{Categorisation, Fired, RuleSet, RulesError};
