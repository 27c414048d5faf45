//! The rules every event must satisfy. Validation lives here, in the model, so every
//! importer, editor and endpoint applies the same rules and says the same thing.

use crate::event::{Count, Event};
use std::fmt;

/// One broken rule: the field (as a dotted path, e.g. `casualties.killed.total`) and
/// what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Dotted path of the offending field.
    pub field: String,
    /// What is wrong, in plain words.
    pub reason: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

/// All the rules an event breaks (never empty when returned as an error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| e.to_string()).collect();
        f.write_str(&parts.join("; "))
    }
}

/// Checks `low ≤ best ≤ high` for a count; `field` names it in the message.
pub fn check_count(field: &str, c: &Count) -> Option<ValidationError> {
    if c.low > c.best {
        Some(ValidationError {
            field: field.into(),
            reason: format!("low ({}) is greater than best ({})", c.low, c.best),
        })
    } else if c.best > c.high {
        Some(ValidationError {
            field: field.into(),
            reason: format!("best ({}) is greater than high ({})", c.best, c.high),
        })
    } else {
        None
    }
}

/// Checks a latitude is a finite number in −90..=90.
pub fn check_latitude(lat: f64) -> Option<String> {
    (!lat.is_finite() || !(-90.0..=90.0).contains(&lat))
        .then(|| format!("latitude {lat} is outside -90..90"))
}

/// Checks a longitude is a finite number in −180..=180.
pub fn check_longitude(lon: f64) -> Option<String> {
    (!lon.is_finite() || !(-180.0..=180.0).contains(&lon))
        .then(|| format!("longitude {lon} is outside -180..180"))
}

impl Event {
    /// Checks every rule and returns all broken ones.
    ///
    /// Rules: dates ordered; sub-type belongs to the event type; coordinates in range
    /// and given as a pair; a three-letter upper-case country code; every count has
    /// `low ≤ best ≤ high`; sources name a publisher; actors have a name.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errs = Vec::new();
        let mut push = |field: &str, reason: String| {
            errs.push(ValidationError {
                field: field.to_string(),
                reason,
            })
        };

        if self.date_end < self.date_start {
            push(
                "date_end",
                format!(
                    "date_end {} is before date_start {}",
                    self.date_end, self.date_start
                ),
            );
        }
        if self.sub_event_type.event_type() != self.event_type {
            push(
                "sub_event_type",
                format!(
                    "'{}' belongs to '{}', not to '{}'",
                    self.sub_event_type,
                    self.sub_event_type.event_type(),
                    self.event_type
                ),
            );
        }
        let loc = &self.location;
        if let Some(lat) = loc.latitude {
            if let Some(r) = check_latitude(lat) {
                push("location.latitude", r);
            }
        }
        if let Some(lon) = loc.longitude {
            if let Some(r) = check_longitude(lon) {
                push("location.longitude", r);
            }
        }
        if loc.latitude.is_some() != loc.longitude.is_some() {
            push(
                "location",
                "latitude and longitude must be given together".into(),
            );
        }
        let c = &loc.country;
        if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
            push(
                "location.country",
                format!("'{c}' is not an ISO 3166-1 alpha-3 code"),
            );
        }
        for (name, fig) in self.casualties.figures() {
            if let Some(t) = &fig.total {
                if let Some(e) = check_count(&format!("casualties.{name}.total"), t) {
                    errs.push(e);
                }
            }
            for (cat, cnt) in &fig.by_category {
                if let Some(e) = check_count(&format!("casualties.{name}.{}", cat.code()), cnt) {
                    errs.push(e);
                }
            }
        }
        for (i, s) in self.sources.iter().enumerate() {
            if s.publisher.trim().is_empty() {
                errs.push(ValidationError {
                    field: format!("sources[{i}].publisher"),
                    reason: "is empty".into(),
                });
            }
        }
        for (i, a) in self.actors.iter().enumerate() {
            if a.name.trim().is_empty() && a.actor_id.is_none() {
                errs.push(ValidationError {
                    field: format!("actors[{i}].name"),
                    reason: "is empty and no registry actor is given".into(),
                });
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(errs))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::event::*;
    use crate::taxonomy::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn event() -> Event {
        let d = NaiveDate::from_ymd_opt(2020, 6, 13).unwrap();
        let now = Utc.with_ymd_and_hms(2020, 6, 20, 0, 0, 0).unwrap();
        Event::new(d, SubEventType::ArmedClash, "MLI", "test", now)
    }

    #[test]
    fn a_plain_event_is_valid() {
        assert_eq!(event().validate(), Ok(()));
    }

    #[test]
    fn dates_must_be_ordered() {
        let mut e = event();
        e.date_end = NaiveDate::from_ymd_opt(2020, 6, 1).unwrap();
        assert_eq!(
            e.validate().unwrap_err().to_string(),
            "date_end: date_end 2020-06-01 is before date_start 2020-06-13"
        );
    }

    #[test]
    fn low_best_high_must_be_ordered() {
        let mut e = event();
        e.casualties.killed.total = Some(Count {
            low: 5,
            best: 3,
            high: 9,
        });
        e.casualties.injured.by_category.insert(
            VictimCategory::Civilians,
            Count {
                low: 1,
                best: 4,
                high: 2,
            },
        );
        assert_eq!(
            e.validate().unwrap_err().to_string(),
            "casualties.killed.total: low (5) is greater than best (3); \
             casualties.injured.civilians: best (4) is greater than high (2)"
        );
    }

    #[test]
    fn coordinates_in_range_and_paired() {
        let mut e = event();
        e.location.latitude = Some(95.0);
        e.location.longitude = Some(-4.0);
        assert_eq!(
            e.validate().unwrap_err().to_string(),
            "location.latitude: latitude 95 is outside -90..90"
        );
        e.location.latitude = Some(14.0);
        e.location.longitude = None;
        assert_eq!(
            e.validate().unwrap_err().to_string(),
            "location: latitude and longitude must be given together"
        );
    }

    #[test]
    fn sub_type_must_belong_to_type() {
        let mut e = event();
        e.event_type = EventType::Protests;
        assert_eq!(
            e.validate().unwrap_err().to_string(),
            "sub_event_type: 'Armed clash' belongs to 'Battles', not to 'Protests'"
        );
    }

    #[test]
    fn country_must_be_iso3() {
        let mut e = event();
        e.location.country = "Mali".into();
        assert_eq!(
            e.validate().unwrap_err().to_string(),
            "location.country: 'Mali' is not an ISO 3166-1 alpha-3 code"
        );
    }
}
