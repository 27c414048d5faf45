//! The extractor: segments a report into incidents and fills one draft per incident.

use crate::actors::{find_actors, ActorIndex, ActorMention};
use crate::casualties::{find_casualties, summarize, CasualtyMention, Harm};
use crate::classify::{self, Features, Targets};
use crate::dates::{find_dates, DateMention};
use crate::places::{find_places, CountryMention, PlaceMention, PlaceRole};
use crate::text::{char_offset, tokenize, Doc, Kind};
use crate::{DraftEvent, ExtractOutcome, FieldEvidence, Report};
use chrono::{DateTime, NaiveDate, Utc};
use veille_actors::{Registry, UNIDENTIFIED};
use veille_geo::{Geo, Hints};
use veille_model::{
    ActorParticipation, ActorRole, AdminUnit, Attribution, DatePrecision, Event, GeoPrecision,
    InterCode, Location, Side, Source, SubEventType, VictimCategory,
};

/// Reports longer than this many bytes are cut (at a character boundary) before
/// extraction; the draft says so.
pub const MAX_TEXT_BYTES: usize = 200_000;

/// Turns report text into draft events. Build once; `extract` is cheap.
#[derive(Debug, Clone)]
pub struct Extractor<'a> {
    geo: &'a Geo,
    registry: &'a Registry,
    index: ActorIndex,
    now: DateTime<Utc>,
}

/// Sentences that open a new incident ("A separate attack hit ...").
const SEPARATORS: &[&str] = &[
    "separate attack",
    "separate incident",
    "separately",
    "in another",
    "another attack",
    "une autre attaque",
    "autre attaque",
    "par ailleurs",
    "elsewhere",
    "meanwhile",
    "le meme jour",
    "the same day",
    "in a second",
    "a second attack",
    "egalement ete attaque",
    "also attacked",
    "dans un autre",
    "in a further",
];

const SPEECH: &[&str] = &[
    "said",
    "says",
    "announced",
    "claimed",
    "claims",
    "reported",
    "told",
    "stated",
    "statement",
    "confirmed",
    "acknowledged",
    "added",
    "indicated",
    "revendique",
    "annonce",
    "affirme",
    "indique",
    "declare",
    "rapporte",
    "communique",
    "selon",
    "according",
    "published",
    "released",
    "issued",
];

const CLAIM: &[&str] = &[
    "claimed responsibility",
    "claims responsibility",
    "claiming responsibility",
    "claimed the attack",
    "claimed the attacks",
    "claimed both",
    "claimed the",
    "claimed coordinated",
    "claimed it",
    "claimed that",
    "claimed",
    "claims",
    "took credit",
    "said it carried out",
    "said they killed",
    "said it killed",
    "said it had carried out",
    "revendique",
    "revendiquee",
    "revendiquees",
    "revendiques",
    "revendication",
    "a annonce le groupe",
    "dans un message audio",
    "diffusee par",
    "qui le retient",
];

const NO_CLAIM: &[&str] = &[
    "no group has claimed",
    "no group claimed",
    "no one has claimed",
    "no one claimed",
    "not been claimed",
    "not yet been claimed",
    "no claim",
    "unclaimed",
    "n ' a pas ete revendiquee",
    "n ' a pas ete revendique",
    "n ' a ete revendiquee",
    "pas de revendication",
    "aucune revendication",
    "non revendiquee",
    "not claimed",
];

const HEDGES: &[&str] = &[
    "suspected",
    "suspect",
    "suspects",
    "presumed",
    "presume",
    "presumes",
    "presumee",
    "presumees",
    "alleged",
    "allegedly",
    "believed",
    "blamed",
    "blame",
    "blames",
    "blaming",
    "accuse",
    "accused",
    "accusent",
    "accusant",
    "attributed",
    "attribue",
    "attribuee",
    "imputed",
    "impute",
    "imputee",
    "soupconne",
    "soupconnes",
    "likely",
    "probably",
    "thought",
    "dressed",
    "tenue",
    "habilles",
    "disguised",
    "belonging",
    "reportedly",
    "auraient",
    "aurait",
    "hallmarks",
    "presumably",
    "apparently",
];

const PERP_AFTER: &[&str] = &[
    "claimed",
    "claims",
    "killed",
    "attacked",
    "ambushed",
    "stormed",
    "seized",
    "took",
    "impose",
    "imposes",
    "imposed",
    "carried",
    "fired",
    "opened",
    "struck",
    "kidnapped",
    "abducted",
    "executed",
    "burned",
    "looted",
    "beat",
    "arrested",
    "interpelle",
    "shelled",
    "targeted",
    "overran",
    "used",
    "tue",
    "tues",
    "attaque",
    "attaquent",
    "issued",
    "ordered",
    "threatened",
    "banned",
    "interdit",
    "besieged",
    "blocked",
    "raided",
    "detained",
    "massacred",
    "clashed",
    "tirent",
    "enleve",
    "incendie",
    "encercle",
];

/// Words after "said"/"affirme" that make the speaker the doer ("the army said it
/// killed", "l'armée affirme avoir tué").
const SELF_REPORT: &[&str] = &[
    "it",
    "its",
    "they",
    "their",
    "avoir",
    "had",
    "that its",
    "que ses",
    "qu ' il",
    "qu ' elle",
    "having",
];

const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "affirme",
    "affirment",
    "annonce",
    "announced",
    "maintains",
    "acknowledged",
    "reconnait",
    "a annonce",
    "claimed",
    "stated",
    "declared",
    "declare",
    "indique",
];

/// Words before a mention that make it a supporting actor ("appuyée par", "with support
/// from").
const SUPPORT_BEFORE: &[&str] = &[
    "appuyee",
    "appuye",
    "appuyes",
    "appuyees",
    "supported",
    "backed",
    "aided",
    "accompanied",
    "appui",
    "support",
    "helping",
    "assisted",
    "escorted",
];

/// Unit nouns before a state mention that make it the target ("poste FAMa", "convoi de
/// l'armée", "patrouille des FAMa", "véhicule du JNIM").
const UNIT_BEFORE: &[&str] = &[
    "logistics",
    "camp",
    "camps",
    "poste",
    "post",
    "postes",
    "convoy",
    "convoi",
    "patrouille",
    "patrol",
    "base",
    "bases",
    "position",
    "positions",
    "vehicule",
    "vehicle",
    "unit",
    "unite",
    "column",
    "colonne",
    "checkpoint",
    "brigade",
    "detachement",
];

impl<'a> Extractor<'a> {
    /// An extractor over a geography and an actor registry.
    pub fn new(geo: &'a Geo, registry: &'a Registry) -> Self {
        Extractor {
            geo,
            registry,
            index: ActorIndex::new(registry),
            now: Utc::now(),
        }
    }

    /// Extracts the incidents of one report. Never panics, whatever the input.
    pub fn extract(&self, report: &Report) -> ExtractOutcome {
        let mut text = report.text.as_str();
        let mut truncated = false;
        if text.len() > MAX_TEXT_BYTES {
            let mut cut = MAX_TEXT_BYTES;
            while cut > 0 && !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text = &text[..cut];
            truncated = true;
        }
        if text.trim().is_empty() {
            return ExtractOutcome::NoIncident {
                reason: "the report text is empty".into(),
            };
        }
        let doc = tokenize(text);
        let words = doc.tokens.iter().filter(|t| t.kind == Kind::Word).count();
        let letters = doc
            .tokens
            .iter()
            .filter(|t| t.kind == Kind::Word)
            .map(|t| t.norm.chars().filter(|c| c.is_ascii_alphabetic()).count())
            .sum::<usize>();
        if words == 0 || letters * 2 < text.chars().filter(|c| !c.is_whitespace()).count() / 2 {
            return ExtractOutcome::NoIncident {
                reason: "the text has too few words in a Latin script to read (English or French expected)".into(),
            };
        }
        let dates = find_dates(&doc, report.report_date);
        let mut date_mask = vec![false; doc.tokens.len()];
        for d in &dates {
            for k in d.first..d.last.min(date_mask.len()) {
                date_mask[k] = true;
            }
        }
        let (places, countries) = find_places(self.geo, &doc, &date_mask);
        // Segments: runs of sentences; a separator sentence with an event cue opens a
        // new one.
        let mut segments: Vec<(usize, usize)> = Vec::new();
        for (si, s) in doc.sentences.iter().enumerate() {
            let opens = si > 0
                && doc.any(s.first, s.last, SEPARATORS)
                && classify::features(&doc, s.first, s.last).any_event();
            match segments.last_mut() {
                Some(last) if !opens => last.1 = s.last,
                _ => segments.push((s.first, s.last)),
            }
        }
        let mut drafts = Vec::new();
        let mut prev_date: Option<PrevDate> = None;
        for (k, &(from, to)) in segments.iter().enumerate() {
            let f = classify::features(&doc, from, to);
            let cas = find_casualties(&doc, from, to, &date_mask);
            if !f.any_event() && cas.is_empty() {
                continue;
            }
            let seg = Segment {
                doc: &doc,
                from,
                to,
                features: f,
                casualties: cas,
                report,
                primary: k == 0,
            };
            if let Some(d) = self.draft(&seg, &dates, &places, &countries, prev_date, truncated) {
                prev_date = Some((
                    d.event.date_start,
                    d.event.date_end,
                    d.event.date_precision,
                    d.evidence_for("date").map(|e| e.confidence).unwrap_or(0.3),
                    d.evidence_for("date").map(|e| e.span).unwrap_or((0, 0)),
                ));
                drafts.push(d);
            }
        }
        if drafts.is_empty() {
            return ExtractOutcome::NoIncident {
                reason: "no event words (attack, killed, clash, kidnapped, protest, ...) and no casualty figures in the text".into(),
            };
        }
        ExtractOutcome::Drafts { drafts }
    }

    #[allow(clippy::too_many_arguments)]
    fn draft(
        &self,
        seg: &Segment,
        dates: &[DateMention],
        places: &[PlaceMention],
        countries: &[CountryMention],
        prev_date: Option<PrevDate>,
        truncated: bool,
    ) -> Option<DraftEvent> {
        let doc = seg.doc;
        let src = doc.src;
        let mut ev: Vec<FieldEvidence> = Vec::new();
        let mut missing: Vec<String> = Vec::new();
        let span_of = |a: usize, b: usize| -> ((usize, usize), String) {
            let (s, e) = doc.span(a, b);
            (
                (char_offset(src, s), char_offset(src, e)),
                src.get(s..e).unwrap_or("").to_string(),
            )
        };
        let push = |ev: &mut Vec<FieldEvidence>,
                    field: &str,
                    value: String,
                    conf: f32,
                    a: usize,
                    b: usize| {
            let (span, text) = span_of(a, b);
            ev.push(FieldEvidence {
                field: field.to_string(),
                value,
                confidence: conf.clamp(0.0, 1.0),
                span,
                text,
            });
        };

        // ---- date
        let in_seg: Vec<&DateMention> = dates
            .iter()
            .filter(|d| d.first >= seg.from && d.first < seg.to)
            .collect();
        let chosen = choose_date(doc, &in_seg, seg.report.report_date).or_else(|| {
            if seg.primary {
                choose_date(
                    doc,
                    &dates.iter().collect::<Vec<_>>(),
                    seg.report.report_date,
                )
            } else {
                None
            }
        });
        let (date_start, date_end, precision) = match chosen {
            Some(d) => {
                push(
                    &mut ev,
                    "date",
                    fmt_range(d.start, d.end),
                    d.confidence,
                    d.first,
                    d.last,
                );
                (d.start, d.end, d.precision)
            }
            None => match (prev_date, seg.report.report_date) {
                (Some((s, e, p, c, _)), _) => {
                    let f = FieldEvidence {
                        field: "date".into(),
                        value: fmt_range(s, e),
                        confidence: (c * 0.8).clamp(0.0, 1.0),
                        span: (0, 0),
                        text: "(same as the previous incident of the report)".into(),
                    };
                    ev.push(f);
                    (s, e, p)
                }
                (None, Some(r)) => {
                    // No date in the text. A short message (SMS, alert) reports what is
                    // happening now: the report date. Otherwise the report date is only a
                    // placeholder.
                    let short_message = src.chars().count() <= 300
                        && (crate::places::lowercase_style(doc)
                            || !src.trim_end().ends_with(['.', '!', '?']));
                    if short_message {
                        ev.push(FieldEvidence {
                            field: "date".into(),
                            value: r.to_string(),
                            confidence: 0.45,
                            span: (0, 0),
                            text: "(no date in a short message; the report date)".into(),
                        });
                    } else {
                        missing.push("date".into());
                    }
                    (r, r, DatePrecision::Day)
                }
                (None, None) => {
                    missing.push("date".into());
                    let today = self.now.date_naive();
                    (today, today, DatePrecision::Year)
                }
            },
        };

        // ---- actors (needed for the type)
        let date_hint = Some(date_start);
        let mentions = find_actors(&self.index, self.registry, doc, date_hint, seg.from, seg.to);
        let roles = assign_roles(doc, &mentions, &seg.casualties);

        // ---- casualties
        let summary = summarize(
            &seg.casualties,
            crate::casualties::breakdown_cue(doc, seg.from, seg.to),
        );
        let cats = |h: Harm| -> Vec<VictimCategory> {
            seg.casualties
                .iter()
                .filter(|m| m.harm == h && m.count.best > 0)
                .map(|m| m.category)
                .collect()
        };
        let victims: Vec<VictimCategory> =
            [Harm::Killed, Harm::Injured, Harm::Abducted, Harm::Missing]
                .iter()
                .flat_map(|h| cats(*h))
                .collect();

        // ---- perpetrator and target
        let claim_at = claim_position(doc, seg).map(|c| c.0);
        let perp_idx = choose_perpetrator(&mentions, &roles, claim_at);
        let joint = perp_idx.and_then(|i| self.joint_actor(doc, &mentions, i, date_hint));
        let joint_mention;
        let perp = match joint {
            Some(j) => {
                joint_mention = j;
                Some(&joint_mention)
            }
            None => perp_idx.and_then(|i| mentions.get(i)),
        };
        let state_perp = perp.is_some_and(|p| p.inter == 1 || p.inter == 8);
        let nonstate_perp = perp.is_some_and(|p| matches!(p.inter, 2..=4));
        let target_actor = mentions
            .iter()
            .enumerate()
            .find(|(i, m)| {
                Some(*i) != perp_idx
                    && matches!(roles.get(*i), Some(Role::Target) | Some(Role::Victim))
                    && !m.generic
            })
            .map(|(_, m)| m);
        let in_perp = |k: usize| perp.is_some_and(|p| k >= p.first && k < p.last);
        let force_word = (seg.from..seg.to).any(|k| {
            !in_perp(k)
                && classify::FORCE_TARGET_WORDS
                    .iter()
                    .any(|w| doc.matches(k, w))
        });
        let civ_word = (seg.from..seg.to).any(|k| {
            classify::CIVILIAN_TARGET_WORDS
                .iter()
                .any(|w| doc.matches(k, w))
        });
        let forces_victim = victims.iter().any(|c| {
            matches!(
                c,
                VictimCategory::StateForces
                    | VictimCategory::Peacekeepers
                    | VictimCategory::InternationalForces
            )
        });
        let armed_victim = victims.contains(&VictimCategory::NonStateArmed);
        let civ_victim = victims.contains(&VictimCategory::Civilians);
        let target_armed = target_actor.is_some_and(|t| matches!(t.inter, 1 | 2 | 3 | 4 | 8));
        let mut armed_ids: Vec<&str> = mentions
            .iter()
            .filter(|m| !m.generic && !m.disguise && matches!(m.inter, 1 | 2 | 3 | 4 | 8))
            .map(|m| m.actor_id.as_str())
            .collect();
        armed_ids.sort_unstable();
        armed_ids.dedup();
        let two_named_armed =
            armed_ids.len() >= 2 && seg.features.hits.iter().any(|h| h.0 == "clash");
        let targets = Targets {
            forces: forces_victim
                || target_actor.is_some_and(|t| t.inter == 1 || t.inter == 8)
                || (force_word && !civ_victim),
            civilians: civ_victim || (civ_word && !forces_victim),
            killed: summary.casualties.killed.best() > 0,
            injured: summary.casualties.injured.best() > 0,
            abducted: summary.casualties.abducted.best() > 0,
            forces_harmed: forces_victim,
            armed_harmed: armed_victim,
            civilians_harmed: civ_victim,
            two_armed_sides: two_named_armed
                || perp.is_some()
                    && (target_armed || (armed_victim && state_perp))
                    && !perp.is_some_and(|p| p.generic && target_actor.is_none() && !forces_victim),
            state_perpetrator: state_perp,
            nonstate_perpetrator: nonstate_perp || perp.is_some_and(|p| p.generic),
        };
        let (mut sub, cue) = classify::classify(&seg.features, &targets);
        if seg.features.hits.iter().any(|h| h.0 == "execution")
            && !forces_victim
            && !matches!(
                sub,
                SubEventType::AirDroneStrike
                    | SubEventType::SuicideBomb
                    | SubEventType::ExcessiveForceAgainstProtesters
                    | SubEventType::MobViolence
            )
            && sub.event_type() == veille_model::EventType::Battles
            && !armed_victim
        {
            sub = SubEventType::Attack;
        }
        let type_conf = if cue.is_empty() { 0.3 } else { 0.75 };
        let cue_at = seg
            .features
            .hits
            .iter()
            .find(|h| h.0 == cue)
            .map(|h| h.1)
            .unwrap_or(seg.from);
        let cue_len = classify::CUES
            .iter()
            .find(|c| c.0 == cue)
            .and_then(|c| {
                c.1.iter()
                    .find(|p| doc.matches(cue_at, p))
                    .map(|p| crate::text::Doc::len_of(p))
            })
            .unwrap_or(1);
        push(
            &mut ev,
            "event_type",
            sub.event_type().label().to_string(),
            type_conf,
            cue_at,
            cue_at + cue_len,
        );
        push(
            &mut ev,
            "sub_event_type",
            sub.label().to_string(),
            type_conf * 0.9,
            cue_at,
            cue_at + cue_len,
        );

        // ---- actors into the event
        let mut actors: Vec<ActorParticipation> = Vec::new();
        let mut perpetrator_id: Option<String> = None;
        let etype = sub.event_type();
        let forced_perp = match etype {
            veille_model::EventType::Protests => Some("protesters"),
            veille_model::EventType::Riots => Some("rioters"),
            _ => None,
        };
        let attribution;
        if let Some(id) = forced_perp {
            let name = self
                .registry
                .get(id)
                .map(|a| a.name.clone())
                .unwrap_or_else(|| id.to_string());
            attribution = Attribution::Stated;
            actors.push(ActorParticipation {
                actor_id: Some(id.to_string()),
                name: name.clone(),
                role: ActorRole::Perpetrator,
                side: Some(Side::A),
                attribution,
                inter_code: self.registry.get(id).and_then(|a| a.inter_code()),
                source_actor_id: None,
            });
            perpetrator_id = Some(id.to_string());
            push(&mut ev, "perpetrator", name, 0.6, cue_at, cue_at + cue_len);
        } else {
            match perp {
                Some(p) => {
                    attribution = attribution_of(doc, seg, p);
                    let conf = if p.generic {
                        0.6
                    } else {
                        (p.score * 0.85).min(0.95)
                    };
                    actors.push(ActorParticipation {
                        actor_id: Some(p.actor_id.clone()),
                        name: p.name.clone(),
                        role: ActorRole::Perpetrator,
                        side: Some(Side::A),
                        attribution,
                        inter_code: InterCode::from_number(p.inter),
                        source_actor_id: None,
                    });
                    perpetrator_id = Some(p.actor_id.clone());
                    push(
                        &mut ev,
                        "perpetrator",
                        p.actor_id.clone(),
                        conf,
                        p.first,
                        p.last,
                    );
                }
                None => {
                    let violent = !matches!(etype, veille_model::EventType::StrategicDevelopments);
                    if violent {
                        attribution = Attribution::Unattributed;
                        perpetrator_id = Some(UNIDENTIFIED.to_string());
                        actors.push(ActorParticipation {
                            actor_id: Some(UNIDENTIFIED.to_string()),
                            name: "unidentified".into(),
                            role: ActorRole::Perpetrator,
                            side: Some(Side::A),
                            attribution,
                            inter_code: Some(InterCode::PoliticalMilitias),
                            source_actor_id: None,
                        });
                        ev.push(FieldEvidence {
                            field: "perpetrator".into(),
                            value: UNIDENTIFIED.into(),
                            confidence: 0.4,
                            span: (0, 0),
                            text: "(no actor named; unidentified)".into(),
                        });
                    } else {
                        attribution = Attribution::Stated;
                        missing.push("perpetrator".into());
                    }
                }
            }
        }
        if perpetrator_id.is_some() {
            let (a, b, conf) = attribution_evidence(doc, seg, attribution);
            push(
                &mut ev,
                "attribution",
                attribution.code().to_string(),
                conf,
                a,
                b,
            );
        }
        if let Some(t) = target_actor {
            actors.push(ActorParticipation {
                actor_id: Some(t.actor_id.clone()),
                name: t.name.clone(),
                role: ActorRole::Target,
                side: Some(Side::B),
                attribution: Attribution::Stated,
                inter_code: InterCode::from_number(t.inter),
                source_actor_id: None,
            });
            push(&mut ev, "target", t.actor_id.clone(), 0.6, t.first, t.last);
        } else if targets.civilians && etype == veille_model::EventType::ViolenceAgainstCivilians {
            actors.push(ActorParticipation {
                actor_id: Some("civilians".into()),
                name: "Civilians".into(),
                role: ActorRole::Target,
                side: Some(Side::B),
                attribution: Attribution::Stated,
                inter_code: Some(InterCode::Civilians),
                source_actor_id: None,
            });
        }

        // ---- casualties evidence (the first few mentions)
        for m in seg.casualties.iter().take(12) {
            let value = format!(
                "{} {}{}{}",
                m.count.best,
                m.category.label(),
                m.qualifier.map(|q| format!(" ({q})")).unwrap_or_default(),
                if m.vague { " (vague)" } else { "" }
            );
            let conf = if m.vague {
                0.5
            } else if m.category == VictimCategory::Unknown {
                0.7
            } else {
                0.8
            };
            push(&mut ev, m.harm.field(), value, conf, m.first, m.last);
        }

        // ---- location
        let loc_out = self.location(seg, places, countries);
        let LocationOut {
            location,
            names,
            evidence: loc_ev,
            missing: loc_missing,
        } = loc_out;
        for (field, value, conf, a, b) in loc_ev {
            push(&mut ev, field, value, conf, a, b);
        }
        if loc_missing {
            missing.push("location".into());
        }

        // ---- the event
        let country = location.country.clone();
        let mut event = Event::new(date_start, sub, &country, "extract", self.now);
        event.date_end = date_end.max(date_start);
        event.date_precision = precision;
        event.location = location;
        event.actors = actors;
        event.casualties = summary.casualties.clone();
        event.violence_type = None;
        let (sa, sb) = doc.span(seg.from, seg.to);
        event.notes = src.get(sa..sb).unwrap_or("").chars().take(2000).collect();
        event.sources = vec![Source {
            publisher: seg.report.id.clone().unwrap_or_else(|| "report".into()),
            date: seg.report.report_date,
            ..Source::default()
        }];
        event.tags = vec!["extracted".into()];
        if truncated {
            event.tags.push("text-truncated".into());
        }
        let vague: Vec<String> = summary
            .vague
            .iter()
            .map(|h| h.field().to_string())
            .collect();
        let core = ["date", "location", "event_type", "perpetrator"];
        let mut conf_sum = 0.0;
        for f in core {
            conf_sum += ev
                .iter()
                .find(|e| e.field == f)
                .map(|e| e.confidence)
                .unwrap_or(0.0);
        }
        let mut confidence = conf_sum / core.len() as f32;
        if truncated {
            confidence *= 0.5;
        }
        Some(DraftEvent {
            event,
            evidence: ev,
            confidence,
            vague,
            missing,
            locations: names,
            perpetrator: perpetrator_id,
            segment: (char_offset(src, sa), char_offset(src, sb)),
        })
    }

    fn location(
        &self,
        seg: &Segment,
        places: &[PlaceMention],
        countries: &[CountryMention],
    ) -> LocationOut {
        let doc = seg.doc;
        let country = seg
            .report
            .country
            .clone()
            .unwrap_or_else(|| veille_model::MALI_ISO3.to_string());
        let mut evidence = Vec::new();
        // Hints from the whole report; places from the segment.
        let region = places
            .iter()
            .filter(|p| p.role == PlaceRole::Region && p.first < seg.to)
            .min_by_key(|p| if p.first >= seg.from { 0 } else { 1 });
        let area = places
            .iter()
            .find(|p| p.role == PlaceRole::Area && p.first >= seg.from && p.first < seg.to);
        let in_seg: Vec<&PlaceMention> = places
            .iter()
            .filter(|p| p.first >= seg.from && p.first < seg.to && p.role == PlaceRole::Site)
            .collect();
        let mut sites: Vec<&PlaceMention> = in_seg.clone();
        // Road ends ("the Gao-Ansongo road") and a header place ("Bamako : ...") are the
        // site only when nothing else is named.
        let header =
            |p: &PlaceMention| doc.n(p.last) == ":" && doc.sentence_of(p.first).first == p.first;
        if sites.iter().any(|p| !p.road && !header(p)) {
            sites.retain(|p| !p.road && !header(p));
        }
        let mut seen = std::collections::HashSet::new();
        sites.retain(|p| seen.insert(veille_geo::normalize::key(&p.name)));
        if sites.is_empty() && seg.primary {
            // A header place before the first sentence with an event, e.g. "Dioura : ...".
            sites = places
                .iter()
                .filter(|p| p.role == PlaceRole::Site)
                .take(1)
                .collect();
        }
        if sites.is_empty() {
            // The finest area: a commune before a cercle from a sitrep header.
            let areas: Vec<&PlaceMention> = places
                .iter()
                .filter(|p| p.first >= seg.from && p.first < seg.to && p.role == PlaceRole::Area)
                .collect();
            let rank = |p: &PlaceMention| {
                let commune = doc.n(p.last) == "commune"
                    || (p.first >= 2 && doc.n(p.first - 2) == "commune")
                    || (p.first >= 1 && doc.n(p.first - 1) == "commune");
                if commune {
                    0
                } else if prev_is_slash(doc, p.first) {
                    2
                } else {
                    1
                }
            };
            sites = areas
                .iter()
                .min_by_key(|p| rank(p))
                .map(|p| vec![*p])
                .unwrap_or_default();
        }
        let mut loc = Location {
            country: country.clone(),
            geo_precision: GeoPrecision::Country,
            ..Location::default()
        };
        let names: Vec<String> = sites.iter().map(|p| p.name.clone()).collect();
        let hints = Hints {
            country: Some(country.clone()),
            admin1: region.map(|r| r.name.clone()),
            admin2: area.map(|a| a.name.clone()),
            limit: Some(5),
            ..Default::default()
        };
        if let Some(first) = sites.first() {
            let between = sites.get(1).filter(|p| p.between_with_previous);
            let query = match between {
                Some(second) => format!("between {} and {}", first.name, second.name),
                None if first.near => format!("near {}", first.name),
                None => first.name.clone(),
            };
            // A several-word name the gazetteer index does not know ("Hadj Weri") is not sent
            // to the fuzzy matcher: nearby named places locate it instead.
            let unknown_multiword = first.lookup.is_none()
                && first.name.split_whitespace().count() > 1
                && self
                    .geo
                    .gazetteer
                    .lookup_key(&veille_geo::normalize::key(&first.name))
                    .is_empty();
            let mut r = if unknown_multiword {
                veille_geo::Resolution {
                    query: query.clone(),
                    status: veille_geo::ResolutionStatus::NotFound,
                    candidates: Vec::new(),
                    notes: Vec::new(),
                }
            } else {
                self.geo.resolve(&query, &hints)
            };
            let mut guessed = false;
            if r.best().is_none() && r.status == veille_geo::ResolutionStatus::Ambiguous {
                // Homonyms: a well-known town (an admin seat, or ten times the population
                // of every other close candidate) is taken, flagged with a low confidence.
                let top = r.candidates.first().map(|c| c.score).unwrap_or(0.0);
                let close: Vec<&veille_geo::Candidate> = r
                    .candidates
                    .iter()
                    .filter(|c| c.score >= top - 0.05)
                    .collect();
                let seat = |c: &veille_geo::Candidate| {
                    c.place.feature.starts_with("P.PPLA") || c.place.feature == "P.PPLC"
                };
                let seats: Vec<&&veille_geo::Candidate> =
                    close.iter().filter(|c| seat(c)).collect();
                let pick = if seats.len() == 1 {
                    Some((*seats[0]).clone())
                } else {
                    let mut by_pop = close.clone();
                    by_pop.sort_by_key(|c| std::cmp::Reverse(c.place.population));
                    match by_pop.as_slice() {
                        [a, b, ..]
                            if a.place.population >= 1000
                                && a.place.population >= 10 * b.place.population.max(1) =>
                        {
                            Some((*a).clone())
                        }
                        _ => None,
                    }
                };
                if let Some(c) = pick {
                    r.status = veille_geo::ResolutionStatus::Resolved;
                    r.candidates = vec![c];
                    guessed = true;
                }
            }
            if r.best().is_none() {
                if let Some(l) = &first.lookup {
                    let q2 = if first.near {
                        format!("near {l}")
                    } else {
                        l.clone()
                    };
                    let r2 = self.geo.resolve(&q2, &hints);
                    if r2.best().is_some() {
                        r = r2;
                    }
                }
            }
            if let Some(best) = r.best() {
                loc.place_name = Some(first.name.clone());
                if query != first.name {
                    loc.where_description = Some(query.clone());
                }
                loc.latitude = Some(best.place.latitude);
                loc.longitude = Some(best.place.longitude);
                loc.geo_precision = best.precision;
                let place_admin1 = best.place.admin1.clone();
                self.geo.enrich(&mut loc);
                // The region: what the text names ("in the Gao region", a sitrep
                // header), else the region of the cercle it names, else the gazetteer's
                // (2016-frame: Ménaka, Taoudénit) region of the place, else the polygon.
                let place_code = place_admin1
                    .as_ref()
                    .map(|a| a.0.clone())
                    .filter(|c| veille_geo::vintage::region(c).is_some());
                let chosen = region
                    .and_then(|r| r.region_code)
                    .map(str::to_string)
                    .or_else(|| area.and_then(|a| self.area_admin1(&a.name, &country)))
                    .or(place_code);
                if let Some(reg) = chosen.as_deref().and_then(veille_geo::vintage::region) {
                    loc.admin1 = Some(AdminUnit {
                        name: reg.name.to_string(),
                        code: Some(reg.code.to_string()),
                    });
                    loc.admin_vintage = Some(veille_geo::vintage::V2016.to_string());
                }
                let conf = if guessed {
                    0.5
                } else if best.reason.starts_with("fuzzy") {
                    0.55
                } else {
                    0.8
                };
                evidence.push((
                    "location",
                    format!(
                        "{} ({}; {})",
                        best.place.name,
                        best.place.id,
                        best.precision.label()
                    ),
                    conf,
                    first.first,
                    first.last,
                ));
                if let Some(a1) = &loc.admin1 {
                    evidence.push(("admin1", a1.name.clone(), conf, first.first, first.last));
                }
                return LocationOut {
                    location: loc,
                    names,
                    evidence,
                    missing: false,
                };
            }
            // Not resolved: keep the name as written. A named place nearby that does
            // resolve ("Ogossagou, near Bankass", another site, the cercle) locates it
            // with precision near.
            loc.place_name = Some(first.name.clone());
            let others = in_seg
                .iter()
                .copied()
                .filter(|p| p.first != first.first)
                .chain(places.iter().filter(|p| {
                    p.first >= seg.from
                        && p.first < seg.to
                        && matches!(p.role, PlaceRole::Reference | PlaceRole::Area)
                }));
            for o in others {
                let q = o.lookup.clone().unwrap_or_else(|| o.name.clone());
                let ro = self.geo.resolve(&q, &hints);
                let Some(b) = ro.best() else {
                    continue;
                };
                loc.latitude = Some(b.place.latitude);
                loc.longitude = Some(b.place.longitude);
                loc.geo_precision = GeoPrecision::Near;
                loc.where_description = Some(format!("{} (near {})", first.name, b.place.name));
                let place_code = b
                    .place
                    .admin1
                    .as_ref()
                    .map(|a| a.0.clone())
                    .filter(|c| veille_geo::vintage::region(c).is_some());
                self.geo.enrich(&mut loc);
                let chosen = region
                    .and_then(|r| r.region_code)
                    .map(str::to_string)
                    .or_else(|| area.and_then(|a| self.area_admin1(&a.name, &country)))
                    .or(place_code);
                if let Some(reg) = chosen.as_deref().and_then(veille_geo::vintage::region) {
                    loc.admin1 = Some(AdminUnit {
                        name: reg.name.to_string(),
                        code: Some(reg.code.to_string()),
                    });
                    loc.admin_vintage = Some(veille_geo::vintage::V2016.to_string());
                }
                evidence.push((
                    "location",
                    format!(
                        "{} (not in the gazetteer; near {}, {})",
                        first.name, b.place.name, b.place.id
                    ),
                    0.45,
                    first.first,
                    first.last,
                ));
                if let Some(a1) = &loc.admin1 {
                    evidence.push(("admin1", a1.name.clone(), 0.6, o.first, o.last));
                }
                return LocationOut {
                    location: loc,
                    names,
                    evidence,
                    missing: false,
                };
            }
            if region.is_none() && area.is_none() {
                if let Some(top) = r.candidates.first() {
                    let close: Vec<_> = r
                        .candidates
                        .iter()
                        .filter(|c| c.score >= top.score - 0.05)
                        .collect();
                    let code = top.place.admin1.as_ref().map(|a| a.0.clone());
                    let same = close
                        .iter()
                        .all(|c| c.place.admin1.as_ref().map(|a| &a.0) == code.as_ref());
                    if let Some(reg) = code
                        .as_deref()
                        .filter(|_| same)
                        .and_then(veille_geo::vintage::region)
                    {
                        loc.admin1 = Some(AdminUnit {
                            name: reg.name.to_string(),
                            code: Some(reg.code.to_string()),
                        });
                        loc.geo_precision = GeoPrecision::Admin1;
                        evidence.push((
                            "admin1",
                            reg.name.to_string(),
                            0.5,
                            first.first,
                            first.last,
                        ));
                        return LocationOut {
                            location: loc,
                            names,
                            evidence,
                            missing: false,
                        };
                    }
                }
            }
            evidence.push((
                "location",
                format!("{} (not resolved: {:?})", first.name, r.status),
                0.3,
                first.first,
                first.last,
            ));
        }
        let area_code = area.and_then(|a| self.area_admin1(&a.name, &country));
        let region_src = region
            .and_then(|r| r.region_code.map(|c| (c.to_string(), r.first, r.last)))
            .or_else(|| area.and_then(|a| area_code.clone().map(|c| (c, a.first, a.last))));
        if let Some((code, rf, rl)) = region_src {
            if let Some(reg) = veille_geo::vintage::region(&code) {
                loc.admin1 = Some(AdminUnit {
                    name: reg.name.to_string(),
                    code: Some(reg.code.to_string()),
                });
                loc.admin_vintage = Some(veille_geo::vintage::V2016.to_string());
                if loc.place_name.is_none() {
                    loc.geo_precision = GeoPrecision::Admin1;
                    // Region centroid from the gazetteer's ADM1 feature.
                    let rr = self.geo.resolve(
                        &format!("{} region", reg.name),
                        &Hints {
                            country: Some(country.clone()),
                            limit: Some(3),
                            ..Default::default()
                        },
                    );
                    if let Some(b) = rr.best() {
                        loc.latitude = Some(b.place.latitude);
                        loc.longitude = Some(b.place.longitude);
                        loc.priogrid_gid =
                            veille_geo::priogrid_gid(b.place.latitude, b.place.longitude);
                    }
                }
                evidence.push(("admin1", reg.name.to_string(), 0.75, rf, rl));
                return LocationOut {
                    location: loc,
                    names,
                    evidence,
                    missing: false,
                };
            }
        }
        if let Some(c) = countries
            .iter()
            .find(|c| c.first >= seg.from && c.first < seg.to)
            .or(countries.first())
        {
            let a = c.first.saturating_sub(1);
            let area = matches!(
                doc.n(a),
                "central"
                    | "northern"
                    | "southern"
                    | "eastern"
                    | "western"
                    | "centre"
                    | "nord"
                    | "sud"
            );
            evidence.push((
                "location",
                if area {
                    "an area of the country".into()
                } else {
                    "country only".into()
                },
                0.5,
                if area { a } else { c.first },
                c.last,
            ));
            let missing = names_missing(&loc);
            return LocationOut {
                location: loc,
                names,
                evidence,
                missing,
            };
        }
        LocationOut {
            location: loc,
            names,
            evidence,
            missing: true,
        }
    }
}

impl Extractor<'_> {
    /// "GATIA et du MSA": two conjoined perpetrators that the registry knows as one joint
    /// side (an actor with both as components) become that actor.
    fn joint_actor(
        &self,
        doc: &Doc,
        ms: &[ActorMention],
        i: usize,
        date: Option<NaiveDate>,
    ) -> Option<ActorMention> {
        let a = ms.get(i)?;
        let b = ms.get(i + 1)?;
        let joined = b.first >= a.last
            && b.first <= a.last + 4
            && (a.last..b.first).any(|k| matches!(doc.n(k), "and" | "et"));
        // A state force with a partner ("Malian soldiers and Russian forces") is coded
        // as the first named with the other associated (ACLED actor1 / assoc_actor_1).
        if !joined
            || a.actor_id == b.actor_id
            || matches!(a.inter, 1 | 8)
            || matches!(b.inter, 1 | 8)
        {
            return None;
        }
        let joint = self.registry.actors().iter().find(|x| {
            x.components.len() == 2
                && x.components.contains(&a.actor_id)
                && x.components.contains(&b.actor_id)
        })?;
        let _ = date;
        Some(ActorMention {
            first: a.first,
            last: b.last,
            actor_id: joint.id.clone(),
            name: doc.slice(a.first, b.last).to_string(),
            generic: false,
            disguise: false,
            inter: joint.inter,
            score: a.score.min(b.score),
        })
    }

    /// The region code of a cercle named in the text ("cercle de Niafunké").
    fn area_admin1(&self, name: &str, country: &str) -> Option<String> {
        let h = Hints {
            country: Some(country.to_string()),
            limit: Some(3),
            ..Default::default()
        };
        let r = self.geo.resolve(&format!("{name} cercle"), &h);
        let best = match r.best() {
            Some(b) => b.clone(),
            None => self.geo.resolve(name, &h).best()?.clone(),
        };
        best.place
            .admin1
            .map(|a| a.0)
            .filter(|c| veille_geo::vintage::region(c).is_some())
    }
}

fn prev_is_slash(doc: &Doc, i: usize) -> bool {
    i > 0 && doc.n(i - 1) == "/"
}

fn names_missing(loc: &Location) -> bool {
    loc.place_name.is_none() && loc.admin1.is_none()
}

/// The previous incident's date (start, end, precision, confidence, span), inherited by
/// an incident of the same report that gives none.
type PrevDate = (NaiveDate, NaiveDate, DatePrecision, f32, (usize, usize));

struct LocationOut {
    location: Location,
    names: Vec<String>,
    evidence: Vec<(&'static str, String, f32, usize, usize)>,
    missing: bool,
}

struct Segment<'d, 'a> {
    doc: &'d Doc<'a>,
    from: usize,
    to: usize,
    features: Features,
    casualties: Vec<CasualtyMention>,
    report: &'d Report,
    primary: bool,
}

fn fmt_range(s: NaiveDate, e: NaiveDate) -> String {
    if s == e {
        s.to_string()
    } else {
        format!("{s} to {e}")
    }
}

/// The incident date among the mentions: not the dateline or a header equal to the
/// report date, not a date of saying or claiming ("said on Wednesday") when another
/// exists; then the first.
fn choose_date<'m>(
    doc: &Doc,
    ms: &[&'m DateMention],
    report: Option<NaiveDate>,
) -> Option<&'m DateMention> {
    if ms.is_empty() {
        return None;
    }
    let said = |m: &DateMention| {
        let sent = doc.sentence_of(m.first);
        let lo = m.first.saturating_sub(3).max(sent.first);
        doc.any(lo, m.first, SPEECH) || doc.matches(m.last, "statement")
    };
    let published = |m: &DateMention| {
        let lo = m.first.saturating_sub(3);
        doc.any(
            lo,
            m.first,
            &[
                "publie",
                "published",
                "dated",
                "date du",
                "communique du",
                "issued",
            ],
        )
    };
    let header =
        |m: &DateMention| m.first < 8 && report.is_some_and(|r| m.start == r && m.end == r);
    let mut pool: Vec<&&DateMention> = ms.iter().filter(|m| !published(m)).collect();
    let confident: Vec<&&DateMention> = pool
        .iter()
        .copied()
        .filter(|m| m.confidence >= 0.5)
        .collect();
    if !confident.is_empty() {
        pool = confident;
    }
    let without_said: Vec<&&DateMention> = pool.iter().copied().filter(|m| !said(m)).collect();
    if !without_said.is_empty() {
        pool = without_said;
    }
    let without_header: Vec<&&DateMention> = pool.iter().copied().filter(|m| !header(m)).collect();
    if !without_header.is_empty() {
        pool = without_header;
    }
    pool.first().map(|m| **m)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The speaker of a statement ("the army said"), not a party to the incident.
    Source,
    Perpetrator,
    Target,
    Victim,
    Associated,
    Unknown,
}

fn assign_roles(doc: &Doc, ms: &[ActorMention], cas: &[CasualtyMention]) -> Vec<Role> {
    let mut roles: Vec<Role> = ms
        .iter()
        .map(|m| {
            if cas.iter().any(|c| m.first < c.last && c.first < m.last) {
                return Role::Victim;
            }
            let sent = doc.sentence_of(m.first);
            let before = |k: usize| -> &str {
                if m.first >= k && m.first - k >= sent.first {
                    doc.n(m.first - k)
                } else {
                    ""
                }
            };
            let after = |k: usize| -> &str {
                if m.last + k < sent.last {
                    doc.n(m.last + k)
                } else {
                    ""
                }
            };
            // Skip articles and head nouns: "by the Malian army", "par des éléments
            // présumés de l'EIGS".
            let mut b1 = 1;
            while matches!(
                before(b1),
                "the"
                    | "des"
                    | "les"
                    | "le"
                    | "la"
                    | "l"
                    | "'"
                    | "d"
                    | "de"
                    | "du"
                    | "a"
                    | "an"
                    | "elements"
                    | "membres"
                    | "members"
                    | "fighters"
                    | "combattants"
                    | "militants"
                    | "presumes"
                    | "presume"
                    | "suspected"
                    | "individus"
                    | "hommes"
                    | "its"
                    | "ses"
                    | "their"
                    | "leurs"
                    | "of"
                    | "from"
            ) && b1 < 9
            {
                b1 += 1;
            }
            let pb = before(b1);
            let a1 = after(0);
            let a2 = after(1);
            let state = matches!(m.inter, 1 | 8);
            if SUPPORT_BEFORE.contains(&pb) || SUPPORT_BEFORE.contains(&before(1)) {
                return Role::Associated;
            }
            if matches!(pb, "by" | "par") {
                return Role::Perpetrator;
            }
            if UNIT_BEFORE.contains(&pb) || (state && UNIT_BEFORE.contains(&a1)) {
                return Role::Target;
            }
            if matches!(
                a1,
                "riposte" | "ripostent" | "riposted" | "responded" | "retaliated"
            ) || (matches!(a1, "ont" | "a" | "have" | "has")
                && matches!(a2, "riposte" | "responded"))
            {
                return Role::Target;
            }
            if state
                && matches!(
                    a1,
                    "were" | "was" | "sont" | "est" | "came" | "tombees" | "tombes" | "tombe"
                )
                && matches!(
                    a2,
                    "attacked"
                        | "ambushed"
                        | "killed"
                        | "targeted"
                        | "tombees"
                        | "attaques"
                        | "attaquees"
                        | "tues"
                        | "vises"
                        | "under"
                        | "dans"
                        | "tombes"
                        | "tombe"
                        | "in"
                )
            {
                return Role::Target;
            }
            if matches!(
                pb,
                "against" | "contre" | "targeting" | "visant" | "ciblant"
            ) {
                return Role::Target;
            }
            if matches!(pb, "on" | "of" | "de" | "du" | "la" | "des")
                && matches!(
                    before(b1 + 1),
                    "attack"
                        | "attacks"
                        | "assault"
                        | "ambush"
                        | "attaque"
                        | "attaques"
                        | "embuscade"
                )
            {
                return Role::Target;
            }
            if PERP_AFTER.contains(&a1)
                || (matches!(a1, "a" | "ont" | "have" | "has" | "had") && PERP_AFTER.contains(&a2))
            {
                return Role::Perpetrator;
            }
            if SPEECH_VERBS.contains(&a1)
                || matches!(
                    a1,
                    "confirme" | "confirmed" | "reported" | "denied" | "dement" | "told"
                )
            {
                if SELF_REPORT.iter().any(|w| doc.matches(m.last + 1, w)) {
                    // "l'armée affirme avoir repoussé une attaque": the speaker defended.
                    let verb_at = (m.last + 1..(m.last + 5).min(sent.last)).find(|&k| {
                        matches!(
                            doc.n(k),
                            "repelled"
                                | "repousse"
                                | "riposte"
                                | "repulsed"
                                | "responded"
                                | "foiled"
                                | "dejoue"
                        )
                    });
                    if verb_at.is_some() {
                        return Role::Target;
                    }
                    return Role::Perpetrator;
                }
                return Role::Source;
            }
            if matches!(
                pb,
                "blamed"
                    | "blame"
                    | "blaming"
                    | "accuse"
                    | "accusent"
                    | "accused"
                    | "accusant"
                    | "suspect"
                    | "suspected"
                    | "attribue"
                    | "attributed"
                    | "impute"
            ) {
                return Role::Perpetrator;
            }
            Role::Unknown
        })
        .collect();
    // "les casques bleus de la MINUSMA ont riposté": two names of one actor share the
    // role of the later one.
    for i in (0..ms.len().saturating_sub(1)).rev() {
        let (a, b) = (&ms[i], &ms[i + 1]);
        if a.actor_id == b.actor_id
            && b.first >= a.last
            && b.first <= a.last + 3
            && roles[i] == Role::Unknown
        {
            roles[i] = roles[i + 1];
        }
    }
    // "Malian soldiers and Russian forces killed": conjoined mentions share the role.
    for i in (0..ms.len().saturating_sub(1)).rev() {
        let (a, b) = (&ms[i], &ms[i + 1]);
        let joined = b.first >= a.last
            && b.first <= a.last + 4
            && (a.last..b.first).any(|k| matches!(doc.n(k), "and" | "et" | ","));
        if joined && roles[i] == Role::Unknown && roles[i + 1] == Role::Perpetrator {
            roles[i] = Role::Perpetrator;
        }
    }
    roles
}

fn choose_perpetrator(
    ms: &[ActorMention],
    roles: &[Role],
    claim_at: Option<usize>,
) -> Option<usize> {
    // The actor that claims ("JNIM claimed the attack", "revendiqué par le GSIM").
    if let Some(c) = claim_at {
        let claimant = ms
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                !m.generic && (m.last <= c && c - m.last <= 3 || m.first > c && m.first - c <= 4)
            })
            .min_by_key(|(_, m)| if m.last <= c { c - m.last } else { m.first - c })
            .map(|(i, _)| i);
        // "Katiba Macina (JNIM) claimed": the name before the parenthesis.
        if let Some(ci) = claimant {
            if ci > 0 && ms[ci].first >= 1 {
                let prev = &ms[ci - 1];
                if !prev.generic && prev.last + 1 == ms[ci].first {
                    return Some(ci - 1);
                }
            }
        }
        if claimant.is_some() {
            return claimant;
        }
    }
    let mut best: Option<(usize, i32)> = None;
    for (i, m) in ms.iter().enumerate() {
        let role = roles.get(i).copied().unwrap_or(Role::Unknown);
        if matches!(
            role,
            Role::Target | Role::Victim | Role::Associated | Role::Source
        ) {
            continue;
        }
        if matches!(m.actor_id.as_str(), "civilians" | "protesters" | "rioters") {
            continue;
        }
        let mut score = 0;
        if !m.generic {
            score += 10;
        }
        if m.disguise {
            score -= 5;
        }
        if role == Role::Perpetrator {
            score += 3;
        }
        if best.is_none_or(|b| score > b.1) {
            best = Some((i, score));
        }
    }
    best.map(|b| b.0)
}

fn attribution_of(doc: &Doc, seg: &Segment, p: &ActorMention) -> Attribution {
    let claim_at = claim_position(doc, seg);
    let no_claim = doc.any(seg.from, seg.to, NO_CLAIM);
    if claim_at.is_some() && !no_claim && !p.generic {
        return Attribution::Claimed;
    }
    // An actor's own statement about its action: "the army said it killed", "le MSA
    // affirme avoir tué", "Barkhane said its forces neutralised".
    let self_report = (seg.from..seg.to).any(|k| {
        SPEECH_VERBS.contains(&doc.n(k)) && SELF_REPORT.iter().any(|w| doc.matches(k + 1, w))
    });
    if self_report && !p.generic {
        return Attribution::Claimed;
    }
    let sent = doc.sentence_of(p.first);
    let (lo, hi) = if p.generic {
        (sent.first, sent.last)
    } else {
        (
            p.first.saturating_sub(6).max(sent.first),
            (p.last + 3).min(sent.last),
        )
    };
    let hedged = (lo..hi)
        .any(|k| HEDGES.contains(&doc.n(k)) && !(doc.n(k) == "suspects" && k > p.last))
        || p.disguise;
    if hedged {
        return Attribution::Attributed;
    }
    if p.generic {
        return Attribution::Unattributed;
    }
    Attribution::Stated
}

fn claim_position(doc: &Doc, seg: &Segment) -> Option<(usize, usize)> {
    let (at, len) = doc.first_of(seg.from, seg.to, CLAIM)?;
    // "claimed the lives of", "claimed 10 lives" are not claims of responsibility.
    if doc.matches(at, "claimed the lives")
        || doc.matches(at + 1, "the lives")
        || doc.n(at + 2) == "lives"
        || doc.n(at + 3) == "lives"
    {
        return None;
    }
    Some((at, len))
}

fn attribution_evidence(doc: &Doc, seg: &Segment, a: Attribution) -> (usize, usize, f32) {
    match a {
        Attribution::Claimed => claim_position(doc, seg)
            .map(|(at, n)| (at, at + n, 0.8))
            .unwrap_or((seg.from, seg.from, 0.5)),
        Attribution::Unattributed => doc
            .first_of(seg.from, seg.to, NO_CLAIM)
            .or_else(|| {
                doc.first_of(
                    seg.from,
                    seg.to,
                    &[
                        "unidentified",
                        "non identifies",
                        "non identifie",
                        "inconnus",
                        "unknown",
                    ],
                )
            })
            .map(|(at, n)| (at, at + n, 0.75))
            .unwrap_or((seg.from, seg.from, 0.5)),
        Attribution::Attributed => (seg.from..seg.to)
            .find(|&k| HEDGES.contains(&doc.n(k)))
            .map(|k| (k, k + 1, 0.7))
            .unwrap_or((seg.from, seg.from, 0.5)),
        Attribution::Stated => (seg.from, seg.from, 0.5),
    }
}
