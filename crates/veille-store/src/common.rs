//! What both backends share: the one derivation of the scalar columns from an event's
//! document, SQL text builders (both dialects accept `$N` placeholders), filter
//! translation, row decoding and stats assembly. Nothing here touches a connection.

use crate::{ActorSpan, Backend, EventFilter, ReferenceEdit, Result, Stats, StoreError};
use chrono::{DateTime, NaiveDate, SecondsFormat, SubsecRound, Utc};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use uuid::Uuid;
use veille_model::{
    Event, EventType, FieldChange, ImportBatch, Revision, RevisionAction, VerificationStatus,
};

/// The columns of `events`, in insert order. [`EventRow`] binds in this order.
pub(crate) const EVENT_COLUMNS: &[&str] = &[
    "id",
    "date_start",
    "date_end",
    "country",
    "admin1",
    "admin1_lc",
    "admin2",
    "event_type",
    "sub_event_type",
    "latitude",
    "longitude",
    "killed_best",
    "verification",
    "sensitivity",
    "actor_text",
    "search_text",
    "import_batch_id",
    "created_at",
    "updated_at",
    "doc",
    "span_days",
    "geo_precision",
    "victim_related",
    "admin1_code",
    "admin2_code",
];

/// The stored code of a retracted event's verification.
pub(crate) const RETRACTED: &str = "retracted";

/// One `events` row: every scalar column derived from the event, plus its JSON `doc`.
/// This is the only place where the derivation is written.
pub(crate) struct EventRow {
    pub id: String,
    pub date_start: String,
    pub date_end: String,
    pub country: String,
    pub admin1: Option<String>,
    pub admin1_lc: Option<String>,
    pub admin2: Option<String>,
    pub event_type: &'static str,
    pub sub_event_type: &'static str,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub killed_best: i64,
    pub verification: &'static str,
    pub sensitivity: &'static str,
    pub actor_text: String,
    pub search_text: String,
    pub import_batch_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub doc: String,
    /// Days from `date_start` to `date_end`: bounds the date-range scans (see
    /// [`filter_where`]).
    pub span_days: i64,
    pub geo_precision: &'static str,
    /// 1 when [`Event::is_victim_related`]: the map blurs these for most roles.
    pub victim_related: i64,
    pub admin1_code: Option<String>,
    pub admin2_code: Option<String>,
}

impl EventRow {
    /// Derives the row from `e`; `import_batch_id` is the batch that created it, if any.
    /// The document is serialised exactly once here.
    pub fn from_event(e: &Event, import_batch_id: Option<Uuid>) -> Result<Self> {
        let doc = serde_json::to_string(e).map_err(|err| StoreError::Corrupt {
            id: e.id.to_string(),
            reason: format!("cannot serialise event: {err}"),
        })?;
        let loc = &e.location;
        let mut actor_text = String::new();
        for (i, a) in e.actors.iter().enumerate() {
            if i > 0 {
                actor_text.push('\n');
            }
            actor_text.push_str(&a.name.to_lowercase());
        }
        let mut search_text = e.notes.to_lowercase();
        let mut add = |s: &str| {
            if !s.is_empty() {
                search_text.push('\n');
                search_text.push_str(&s.to_lowercase());
            }
        };
        if let Some(p) = &loc.place_name {
            add(p);
        }
        if let Some(w) = &loc.where_description {
            add(w);
        }
        add(&actor_text);
        for s in &e.sources {
            if let Some(h) = &s.headline {
                add(h);
            }
        }
        let admin1 = loc.admin1.as_ref().map(|a| a.name.clone());
        Ok(EventRow {
            id: e.id.to_string(),
            date_start: e.date_start.to_string(),
            date_end: e.date_end.to_string(),
            country: loc.country.clone(),
            admin1_lc: admin1.as_ref().map(|a| a.to_lowercase()),
            admin1,
            admin2: loc.admin2.as_ref().map(|a| a.name.clone()),
            event_type: e.event_type.code(),
            sub_event_type: e.sub_event_type.code(),
            latitude: loc.latitude,
            longitude: loc.longitude,
            killed_best: i64::from(e.killed_best()),
            verification: e.verification.code(),
            sensitivity: e.sensitivity.code(),
            actor_text,
            search_text,
            import_batch_id: import_batch_id.map(|b| b.to_string()),
            created_at: fmt_ts(e.audit.created_at),
            updated_at: fmt_ts(e.audit.updated_at),
            doc,
            span_days: (e.date_end - e.date_start).num_days(),
            geo_precision: loc.geo_precision.code(),
            victim_related: i64::from(e.is_victim_related()),
            admin1_code: loc.admin1.as_ref().and_then(|a| a.code.clone()),
            admin2_code: loc.admin2.as_ref().and_then(|a| a.code.clone()),
        })
    }
}

/// The columns of `event_actors`, in [`EventActorRow`] bind order.
pub(crate) const EVENT_ACTOR_COLUMNS: &str = "event_id, actor_id, name, role, date_start, date_end";

/// Number of columns in [`EVENT_ACTOR_COLUMNS`].
pub(crate) const EVENT_ACTOR_NCOLS: usize = 6;

/// One `event_actors` row: an actor's participation in an event.
pub(crate) struct EventActorRow {
    pub event_id: String,
    pub actor_id: Option<String>,
    pub name: String,
    pub role: &'static str,
    pub date_start: String,
    pub date_end: String,
}

/// The `event_actors` rows of `e`, one per participation: the only place where they are
/// derived from the event (next to [`EventRow::from_event`]).
pub(crate) fn event_actor_rows(e: &Event) -> Vec<EventActorRow> {
    let id = e.id.to_string();
    let (start, end) = (e.date_start.to_string(), e.date_end.to_string());
    e.actors
        .iter()
        .map(|a| EventActorRow {
            event_id: id.clone(),
            actor_id: a.actor_id.clone(),
            name: a.name.clone(),
            role: a.role.code(),
            date_start: start.clone(),
            date_end: end.clone(),
        })
        .collect()
}

/// A value bound to a `$N` placeholder.
pub(crate) enum Arg {
    Text(String),
    I64(i64),
}

/// How a dialect writes bind parameters in the long statements (multi-row inserts and
/// `IN` lists). SQLite gets anonymous `?`: with numbered names its
/// `sqlite3_bind_parameter_name` (called by sqlx for every parameter) scans a list, which
/// makes binding quadratic in the number of parameters.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ph {
    /// `$1, $2, …` (PostgreSQL).
    Dollar,
    /// `?, ?, …` (SQLite).
    Question,
}

impl Ph {
    /// Writes `n` comma-separated placeholders numbered from `*next`.
    fn write(self, s: &mut String, n: usize, next: &mut usize) {
        for i in 0..n {
            if i > 0 {
                s.push(',');
            }
            match self {
                Ph::Dollar => {
                    let _ = write!(s, "${next}");
                }
                Ph::Question => s.push('?'),
            }
            *next += 1;
        }
    }
}

/// `(…),(…)` placeholders for `rows` rows of `cols` columns, bound row by row.
pub(crate) fn values_sql(ph: Ph, rows: usize, cols: usize) -> String {
    let mut s = String::with_capacity(rows * (cols * 7 + 3));
    let mut next = 1;
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        ph.write(&mut s, cols, &mut next);
        s.push(')');
    }
    s
}

/// Separates a PostgreSQL statement's own `WITH` list from its main part, so that
/// [`chain_dollar_statements`] can hoist the list: `WITH a AS (…) /*main*/ INSERT …`.
/// Standalone, the marker is a comment and the statement runs as written.
pub(crate) const MAIN_MARK: &str = "/*main*/";

/// Joins PostgreSQL statements (`$n` placeholders, each numbered from `$1`, no other `$`
/// in their text) into one: all but the last become data-modifying `WITH` parts, and the
/// placeholders are renumbered so the arguments follow one another. A statement with its
/// own `WITH` list ([`MAIN_MARK`]) has the list hoisted into the joined one (its names
/// must be unique across the statements). One round trip instead of one per statement;
/// all parts see the same snapshot.
pub(crate) fn chain_dollar_statements(statements: Vec<(String, Vec<Arg>)>) -> (String, Vec<Arg>) {
    let n = statements.len();
    let mut sql = String::new();
    let mut args = Vec::new();
    let mut parts = 0;
    let open = |sql: &mut String, parts: &mut usize| {
        sql.push_str(if *parts == 0 { "WITH " } else { ", " });
        *parts += 1;
    };
    for (i, (s, a)) in statements.into_iter().enumerate() {
        let body = renumber_dollars(&s, args.len());
        let (ctes, main) = match body
            .strip_prefix("WITH ")
            .and_then(|rest| rest.split_once(MAIN_MARK))
        {
            Some((ctes, main)) => (Some(ctes.trim().to_string()), main.trim().to_string()),
            None => (None, body),
        };
        if let Some(ctes) = ctes {
            open(&mut sql, &mut parts);
            sql.push_str(&ctes);
        }
        if i + 1 < n {
            open(&mut sql, &mut parts);
            let _ = write!(sql, "w{i} AS ({main})");
        } else {
            if parts > 0 {
                sql.push(' ');
            }
            sql.push_str(&main);
        }
        args.extend(a);
    }
    (sql, args)
}

/// `sql` with every `$k` placeholder turned into `$(k + offset)`.
fn renumber_dollars(sql: &str, offset: usize) -> String {
    if offset == 0 {
        return sql.to_string();
    }
    let mut out = String::with_capacity(sql.len() + sql.len() / 8);
    let mut chars = sql.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut k: usize = 0;
        let mut digits = false;
        while let Some(&(_, d)) = chars.peek() {
            let Some(v) = d.to_digit(10) else { break };
            k = k * 10 + v as usize;
            digits = true;
            chars.next();
        }
        if digits {
            let _ = write!(out, "{}", k + offset);
        }
    }
    out
}

/// `n` placeholders, for `IN (…)` lists.
pub(crate) fn list_sql(ph: Ph, n: usize) -> String {
    let mut s = String::with_capacity(n * 7);
    ph.write(&mut s, n, &mut 1);
    s
}

/// The `INSERT INTO events (…) VALUES …` statement for `rows` rows.
pub(crate) fn insert_events_sql(ph: Ph, rows: usize) -> String {
    format!(
        "INSERT INTO events ({}) VALUES {}",
        EVENT_COLUMNS.join(", "),
        values_sql(ph, rows, EVENT_COLUMNS.len())
    )
}

/// The `UPDATE events SET … WHERE id = $1` statement. It binds like [`EventRow`] without
/// `import_batch_id` (the creating batch never changes).
pub(crate) fn update_event_sql() -> String {
    let sets: Vec<String> = EVENT_COLUMNS
        .iter()
        .filter(|c| **c != "id" && **c != "import_batch_id")
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 2))
        .collect();
    format!("UPDATE events SET {} WHERE id = $1", sets.join(", "))
}

/// The columns [`Store::map_points`](crate::Store::map_points) reads, in [`MapRow`] order.
pub(crate) const MAP_COLUMNS: &str = "id, date_start, event_type, sub_event_type, killed_best, \
     latitude, longitude, geo_precision, admin1, admin2, admin1_code, admin2_code, \
     verification, victim_related";

/// One row of [`MAP_COLUMNS`].
pub(crate) struct MapRow {
    pub id: String,
    pub date_start: String,
    pub event_type: String,
    pub sub_event_type: String,
    pub killed_best: i64,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub geo_precision: Option<String>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub admin1_code: Option<String>,
    pub admin2_code: Option<String>,
    pub verification: String,
    pub victim_related: Option<i64>,
}

impl MapRow {
    /// The point, or `None` for an event without coordinates. Codes that do not parse
    /// are corruption, named with the event id.
    pub fn into_point(self) -> Result<Option<crate::MapPoint>> {
        let (Some(latitude), Some(longitude)) = (self.latitude, self.longitude) else {
            return Ok(None);
        };
        let id = parse_uuid(&self.id, "events.id")?;
        let bad = |what: &str, v: &str| corrupt(&self.id, format!("{what} '{v}'"));
        Ok(Some(crate::MapPoint {
            id,
            date_start: parse_date(&self.date_start, &self.id)?,
            event_type: self
                .event_type
                .parse()
                .map_err(|_| bad("event_type", &self.event_type))?,
            sub_event_type: self
                .sub_event_type
                .parse()
                .map_err(|_| bad("sub_event_type", &self.sub_event_type))?,
            killed: u32::try_from(self.killed_best).unwrap_or(0),
            latitude,
            longitude,
            geo_precision: match &self.geo_precision {
                Some(g) => g.parse().map_err(|_| bad("geo_precision", g))?,
                None => return Err(bad("geo_precision", "NULL")),
            },
            verification: self
                .verification
                .parse()
                .map_err(|_| bad("verification", &self.verification))?,
            // Unknown (a row not yet derived) counts as victim-related: blurred.
            victim_related: self.victim_related.unwrap_or(1) != 0,
            admin1: self.admin1,
            admin2: self.admin2,
            admin1_code: self.admin1_code,
            admin2_code: self.admin2_code,
        }))
    }
}

/// Timestamps are stored as RFC 3339 UTC text with microseconds, so they sort as text.
pub(crate) fn fmt_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parses a stored timestamp; `id` names the record in the error.
pub(crate) fn parse_ts(s: &str, id: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| corrupt(id, format!("bad timestamp '{s}': {e}")))
}

/// Parses a stored uuid; `id` names the record in the error.
pub(crate) fn parse_uuid(s: &str, id: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| corrupt(id, format!("bad uuid '{s}': {e}")))
}

/// Parses a stored date.
pub(crate) fn parse_date(s: &str, id: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| corrupt(id, format!("bad date '{s}': {e}")))
}

/// Decodes a stored event document.
pub(crate) fn parse_doc(id: &str, doc: &str) -> Result<Event> {
    serde_json::from_str(doc).map_err(|e| corrupt(id, e.to_string()))
}

/// A [`StoreError::Corrupt`].
pub(crate) fn corrupt(id: &str, reason: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        id: id.to_string(),
        reason: reason.into(),
    }
}

/// Now, truncated to what the database keeps (microseconds), so that a returned
/// revision equals the one read back.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A `%needle%` LIKE pattern, lower-cased, with `\`, `%` and `_` escaped by `\`.
/// An FTS5 phrase matching `needle` as a lower-cased substring (trigram tokenizer).
pub(crate) fn fts_phrase(needle: &str) -> String {
    format!("\"{}\"", needle.trim().to_lowercase().replace('"', "\"\""))
}

pub(crate) fn like_pattern(needle: &str) -> String {
    let mut s = String::with_capacity(needle.len() + 2);
    s.push('%');
    for c in needle.to_lowercase().chars() {
        if matches!(c, '\\' | '%' | '_') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

/// How a text filter is answered on SQLite (PostgreSQL's trigram index serves `LIKE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextPlan {
    /// Ask the FTS5 trigram index for the matching rows (few matches).
    Index,
    /// Test each row in date order with `LIKE` (a needle so common that the first page is
    /// found in the first few hundred rows, while the index would list all of them).
    Scan,
    /// Leave the text condition out: the caller joins the FTS index itself.
    Omit,
}

/// FTS matches at or above which [`TextPlan::Scan`] is chosen: at that density (0.5 % of
/// a million events) a page of 50 turns up within about ten thousand rows in date order,
/// while below it sorting the matches themselves is cheaper.
pub(crate) const DENSE_TEXT: i64 = 5_000;

/// The FTS probe deciding the [`TextPlan`]: how many rows match, up to [`DENSE_TEXT`].
/// Its one argument is [`fts_phrase`].
pub(crate) const FTS_PROBE_SQL: &str = "SELECT COUNT(*) FROM (SELECT rowid FROM events_fts \
     WHERE events_fts MATCH $1 LIMIT 5000) t";

/// True when a SQLite text filter would use the FTS index (3+ characters).
pub(crate) fn fts_searchable(f: &EventFilter) -> Option<&str> {
    f.text.as_deref().filter(|t| t.trim().chars().count() >= 3)
}

/// The `WHERE …` clause (possibly empty) for a filter, pushing its arguments; a text
/// filter uses the FTS index on SQLite.
pub(crate) fn filter_where(f: &EventFilter, args: &mut Vec<Arg>, backend: Backend) -> String {
    filter_where_planned(f, args, backend, TextPlan::Index)
}

/// [`filter_where`] with the text plan chosen by the caller.
///
/// A date range is "ends on or after `date_from` and starts on or before `date_to`".
/// Since no stored event lasts longer than the longest `span_days`, the first half is
/// also bounded on `date_start` (from `date_from` minus that span), which lets the date
/// and admin1 indexes serve the range instead of every earlier event being tested.
pub(crate) fn filter_where_planned(
    f: &EventFilter,
    args: &mut Vec<Arg>,
    backend: Backend,
    text_plan: TextPlan,
) -> String {
    let conds = filter_conds(f, args, backend, text_plan);
    if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    }
}

/// The conditions of [`filter_where_planned`], pushing their arguments.
fn filter_conds(
    f: &EventFilter,
    args: &mut Vec<Arg>,
    backend: Backend,
    text_plan: TextPlan,
) -> Vec<String> {
    let mut conds: Vec<String> = Vec::new();
    let mut push = |cond: &str, a: Arg, args: &mut Vec<Arg>| {
        args.push(a);
        conds.push(cond.replace("{}", &format!("${}", args.len())));
    };
    if let Some(d) = f.date_from {
        push("date_end >= {}", Arg::Text(d.to_string()), args);
        let lower = match backend {
            Backend::Sqlite => {
                "date_start >= date({}, '-' || \
                 COALESCE((SELECT MAX(span_days) FROM events), 0) || ' days')"
            }
            Backend::Postgres => {
                "date_start >= to_char(CAST({} AS date) - \
                 CAST(COALESCE((SELECT MAX(span_days) FROM events), 0) AS integer), 'YYYY-MM-DD')"
            }
        };
        push(lower, Arg::Text(d.to_string()), args);
    }
    if let Some(d) = f.date_to {
        push("date_start <= {}", Arg::Text(d.to_string()), args);
    }
    if let Some(c) = &f.country {
        push("country = {}", Arg::Text(c.clone()), args);
    }
    if let Some(a) = &f.admin1 {
        push("admin1_lc = {}", Arg::Text(a.to_lowercase()), args);
    }
    if let Some(t) = f.event_type {
        push("event_type = {}", Arg::Text(t.code().to_string()), args);
    }
    if let Some(a) = &f.actor_text {
        push(
            "actor_text LIKE {} ESCAPE '\\'",
            Arg::Text(like_pattern(a)),
            args,
        );
    }
    if let Some(t) = f.text.as_ref().filter(|_| text_plan != TextPlan::Omit) {
        let indexed = backend == Backend::Sqlite
            && text_plan == TextPlan::Index
            && t.trim().chars().count() >= 3;
        if indexed {
            // The trigram full-text index answers substrings of 3 characters or more.
            push(
                "rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH {})",
                Arg::Text(fts_phrase(t)),
                args,
            );
        } else {
            // PostgreSQL's pg_trgm GIN index serves LIKE itself.
            push(
                "search_text LIKE {} ESCAPE '\\'",
                Arg::Text(like_pattern(t)),
                args,
            );
        }
    }
    // These two are written exactly as in the partial indexes' WHERE (migration 0010), so
    // that both databases see the indexes apply.
    if !f.include_retracted {
        conds.push(format!("verification <> '{RETRACTED}'"));
    }
    if !f.include_merged {
        conds.push("merged_into IS NULL".to_string());
    }
    if let Some(max) = f.max_sensitivity {
        // Codes come from the closed vocabulary, never from the caller's text.
        let allowed: Vec<String> = veille_model::Sensitivity::ALL
            .iter()
            .filter(|s| **s <= max)
            .map(|s| format!("'{}'", s.code()))
            .collect();
        conds.push(format!("sensitivity IN ({})", allowed.join(", ")));
    }
    conds
}

/// `SELECT id, doc …` for a filter, with ordering, limit and offset. A page (a limit or
/// an offset) is found first among the ids, which the indexes answer without reading
/// the rows, and only its own rows are read.
pub(crate) fn select_sql(
    f: &EventFilter,
    args: &mut Vec<Arg>,
    backend: Backend,
    text_plan: TextPlan,
) -> String {
    select_columns_sql("id, doc", f, args, backend, text_plan)
}

/// Like [`select_sql`] with other columns.
pub(crate) fn select_columns_sql(
    columns: &str,
    f: &EventFilter,
    args: &mut Vec<Arg>,
    backend: Backend,
    text_plan: TextPlan,
) -> String {
    let filter = filter_where_planned(f, args, backend, text_plan);
    if f.limit.is_none() && f.offset.is_none() {
        return order_and_page(format!("SELECT {columns} FROM events{filter}"), f, args);
    }
    let ids = order_and_page(format!("SELECT id FROM events{filter}"), f, args);
    format!(
        "SELECT {columns} FROM events WHERE id IN ({ids}){}",
        order_by(f)
    )
}

/// `SELECT COUNT(*)` of a filter's events, counting at most `cap` (the count stops there:
/// a page's "more than N" costs N index entries, not the whole table). A SQLite text
/// filter is counted by walking the FTS index's matches and looking each up, which stops
/// after `cap` visible ones however common the needle.
pub(crate) fn count_upto_sql(
    f: &EventFilter,
    cap: u64,
    args: &mut Vec<Arg>,
    backend: Backend,
) -> String {
    let fts = (backend == Backend::Sqlite)
        .then(|| fts_searchable(f))
        .flatten();
    let inner = match fts {
        Some(t) => {
            args.push(Arg::Text(fts_phrase(t)));
            let mut conds = vec![format!("events_fts MATCH ${}", args.len())];
            conds.extend(filter_conds(f, args, backend, TextPlan::Omit));
            format!(
                "SELECT 1 FROM events_fts JOIN events ON events.rowid = events_fts.rowid \
                 WHERE {}",
                conds.join(" AND ")
            )
        }
        None => format!(
            "SELECT 1 FROM events{}",
            filter_where_planned(f, args, backend, TextPlan::Index)
        ),
    };
    args.push(Arg::I64(clamp_i64(cap)));
    format!("SELECT COUNT(*) FROM ({inner} LIMIT ${}) t", args.len())
}

/// The `WHERE …` clause for the family queries: the filter's conditions and "one of the
/// event's actors matches a span". `None` when there are no spans (nothing matches).
pub(crate) fn actors_where(
    spans: &[ActorSpan],
    f: &EventFilter,
    args: &mut Vec<Arg>,
    backend: Backend,
) -> Option<String> {
    if spans.is_empty() {
        return None;
    }
    let base = filter_where(f, args, backend);
    let mut alts = Vec::with_capacity(spans.len());
    for sp in spans {
        args.push(Arg::Text(sp.actor_id.clone()));
        let mut c = format!("(actor_id = ${}", args.len());
        if let Some(d) = sp.from {
            args.push(Arg::Text(d.to_string()));
            let _ = write!(c, " AND date_start >= ${}", args.len());
        }
        if let Some(d) = sp.to {
            args.push(Arg::Text(d.to_string()));
            let _ = write!(c, " AND date_start <= ${}", args.len());
        }
        c.push(')');
        alts.push(c);
    }
    let cond = format!(
        "id IN (SELECT event_id FROM event_actors WHERE {})",
        alts.join(" OR ")
    );
    Some(if base.is_empty() {
        format!(" WHERE {cond}")
    } else {
        format!("{base} AND {cond}")
    })
}

/// `SELECT id, doc …` for the family queries (see [`actors_where`]).
pub(crate) fn select_for_actors_sql(
    spans: &[ActorSpan],
    f: &EventFilter,
    args: &mut Vec<Arg>,
    backend: Backend,
) -> Option<String> {
    let w = actors_where(spans, f, args, backend)?;
    Some(order_and_page(
        format!("SELECT id, doc FROM events{w}"),
        f,
        args,
    ))
}

/// Appends the ordering (date_start, id) and the filter's limit and offset.
/// The `ORDER BY` of a filter's listing.
fn order_by(f: &EventFilter) -> &'static str {
    if f.newest_first {
        " ORDER BY date_start DESC, id DESC"
    } else {
        " ORDER BY date_start, id"
    }
}

fn order_and_page(mut sql: String, f: &EventFilter, args: &mut Vec<Arg>) -> String {
    sql.push_str(order_by(f));
    if f.limit.is_some() || f.offset.is_some() {
        let limit = f.limit.map_or(i64::MAX, clamp_i64);
        args.push(Arg::I64(limit));
        let _ = write!(sql, " LIMIT ${}", args.len());
        args.push(Arg::I64(f.offset.map_or(0, clamp_i64)));
        let _ = write!(sql, " OFFSET ${}", args.len());
    }
    sql
}

fn clamp_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A stored count as u64 (negative counts cannot happen; they read as 0).
pub(crate) fn count_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A stored `revisions` row.
#[derive(sqlx::FromRow)]
pub(crate) struct RevisionRow {
    pub id: String,
    pub event_id: String,
    pub seq: i64,
    pub action: String,
    pub by_user: String,
    pub at: String,
    pub reason: Option<String>,
    pub batch_id: Option<String>,
    pub changes: String,
}

/// Columns of `revisions`, in [`RevisionRow`] / insert order.
pub(crate) const REVISION_COLUMNS: &str =
    "id, event_id, seq, action, by_user, at, reason, batch_id, changes";

impl RevisionRow {
    /// Decodes into a revision.
    pub fn into_revision(self) -> Result<Revision> {
        let id = self.id.as_str();
        let changes: Vec<FieldChange> =
            serde_json::from_str(&self.changes).map_err(|e| corrupt(id, e.to_string()))?;
        Ok(Revision {
            id: parse_uuid(id, id)?,
            event_id: parse_uuid(&self.event_id, id)?,
            seq: u32::try_from(self.seq).map_err(|_| corrupt(id, "bad seq"))?,
            action: RevisionAction::from_code(&self.action)
                .ok_or_else(|| corrupt(id, format!("unknown action '{}'", self.action)))?,
            by: self.by_user,
            at: parse_ts(&self.at, id)?,
            reason: self.reason,
            batch_id: self
                .batch_id
                .as_deref()
                .map(|b| parse_uuid(b, id))
                .transpose()?,
            changes,
        })
    }

    /// The row for a revision.
    pub fn from_revision(r: &Revision) -> Result<Self> {
        Ok(RevisionRow {
            id: r.id.to_string(),
            event_id: r.event_id.to_string(),
            seq: i64::from(r.seq),
            action: r.action.code().to_string(),
            by_user: r.by.clone(),
            at: fmt_ts(r.at),
            reason: r.reason.clone(),
            batch_id: r.batch_id.map(|b| b.to_string()),
            changes: serde_json::to_string(&r.changes)
                .map_err(|e| corrupt(&r.id.to_string(), e.to_string()))?,
        })
    }
}

/// A stored `reference_edits` row.
#[derive(sqlx::FromRow)]
pub(crate) struct ReferenceEditRow {
    pub id: String,
    pub kind: String,
    pub seq: i64,
    pub edit_key: String,
    pub payload: String,
    pub by_user: String,
    pub at: String,
    pub reason: Option<String>,
}

/// Columns of `reference_edits`, in [`ReferenceEditRow`] / insert order.
pub(crate) const REFERENCE_EDIT_COLUMNS: &str =
    "id, kind, seq, edit_key, payload, by_user, at, reason";

impl ReferenceEditRow {
    /// Decodes into an edit.
    pub fn into_edit(self) -> Result<ReferenceEdit> {
        let id = self.id.as_str();
        Ok(ReferenceEdit {
            id: parse_uuid(id, id)?,
            seq: u64::try_from(self.seq).map_err(|_| corrupt(id, "bad seq"))?,
            payload: serde_json::from_str(&self.payload).map_err(|e| corrupt(id, e.to_string()))?,
            at: parse_ts(&self.at, id)?,
            kind: self.kind,
            key: self.edit_key,
            by: self.by_user,
            reason: self.reason,
        })
    }
}

/// A stored `import_batches` row.
#[derive(sqlx::FromRow)]
pub(crate) struct BatchRow {
    pub id: String,
    pub file_name: String,
    pub sha256: String,
    pub format: String,
    pub rows_read: i64,
    pub rows_created: i64,
    pub rows_updated: i64,
    pub rows_unchanged: i64,
    pub rows_rejected: i64,
    pub by_user: String,
    pub at: String,
}

/// Columns of `import_batches`, in [`BatchRow`] order.
pub(crate) const BATCH_COLUMNS: &str = "id, file_name, sha256, format, rows_read, rows_created, \
     rows_updated, rows_unchanged, rows_rejected, by_user, at";

impl BatchRow {
    /// Decodes into a batch.
    pub fn into_batch(self) -> Result<ImportBatch> {
        let id = self.id.as_str();
        Ok(ImportBatch {
            id: parse_uuid(id, id)?,
            at: parse_ts(&self.at, id)?,
            file_name: self.file_name,
            sha256: self.sha256,
            format: self.format,
            rows_read: count_u64(self.rows_read),
            rows_created: count_u64(self.rows_created),
            rows_updated: count_u64(self.rows_updated),
            rows_unchanged: count_u64(self.rows_unchanged),
            rows_rejected: count_u64(self.rows_rejected),
            by: self.by_user,
        })
    }

    /// The row for a batch.
    pub fn from_batch(b: &ImportBatch) -> Self {
        let c = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        BatchRow {
            id: b.id.to_string(),
            file_name: b.file_name.clone(),
            sha256: b.sha256.clone(),
            format: b.format.clone(),
            rows_read: c(b.rows_read),
            rows_created: c(b.rows_created),
            rows_updated: c(b.rows_updated),
            rows_unchanged: c(b.rows_unchanged),
            rows_rejected: c(b.rows_rejected),
            by_user: b.by.clone(),
            at: fmt_ts(b.at),
        }
    }
}

/// The `import` revision that stands for the stored per-row one an import does not
/// write: seq 1, by and at of the batch, no field changes. Its id is the batch id.
pub(crate) fn synthesised_import_revision(event_id: Uuid, b: &ImportBatch) -> Revision {
    let short: String = b.sha256.chars().take(12).collect();
    Revision {
        id: b.id,
        event_id,
        seq: 1,
        action: RevisionAction::Import,
        by: b.by.clone(),
        at: b.at,
        reason: Some(format!("imported from {} (sha256 {short})", b.file_name)),
        batch_id: Some(b.id),
        changes: Vec::new(),
    }
}

/// The event as it will be stored after a change by `by` at `at`: the stored creation
/// audit is kept.
pub(crate) fn with_update_audit(
    mut e: Event,
    current: &Event,
    by: &str,
    at: DateTime<Utc>,
) -> Event {
    e.audit.created_by = current.audit.created_by.clone();
    e.audit.created_at = current.audit.created_at;
    e.audit.updated_by = by.to_string();
    e.audit.updated_at = at;
    e
}

/// The retracted version of an event.
pub(crate) fn retracted(current: &Event, by: &str, at: DateTime<Utc>) -> Event {
    let mut e = current.clone();
    e.verification = VerificationStatus::Retracted;
    with_update_audit(e, current, by, at)
}

/// Raw aggregates read from the database, turned into [`Stats`].
#[derive(Default)]
pub(crate) struct RawStats {
    pub events: i64,
    pub retracted: i64,
    pub killed_best: i64,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub by_type: Vec<(String, i64)>,
    pub by_admin1: Vec<(String, i64)>,
    pub by_year: Vec<(String, i64)>,
    pub import_batches: i64,
    pub revisions: i64,
}

impl RawStats {
    /// Sorts and labels in Rust, so both backends give the same order whatever their
    /// collation.
    pub fn into_stats(self) -> Result<Stats> {
        let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
        for (code, n) in self.by_type {
            let label = code
                .parse::<EventType>()
                .map(|t| t.label().to_string())
                .map_err(|e| corrupt("stats", e.to_string()))?;
            *by_type.entry(label).or_default() += count_u64(n);
        }
        let mut by_admin1: BTreeMap<String, u64> = BTreeMap::new();
        for (name, n) in self.by_admin1 {
            *by_admin1.entry(name).or_default() += count_u64(n);
        }
        let mut by_year: BTreeMap<i32, u64> = BTreeMap::new();
        for (y, n) in self.by_year {
            let year: i32 = y
                .parse()
                .map_err(|_| corrupt("stats", format!("bad year '{y}'")))?;
            *by_year.entry(year).or_default() += count_u64(n);
        }
        Ok(Stats {
            events: count_u64(self.events),
            retracted: count_u64(self.retracted),
            killed_best: count_u64(self.killed_best),
            first_date: self
                .first_date
                .as_deref()
                .map(|d| parse_date(d, "stats"))
                .transpose()?,
            last_date: self
                .last_date
                .as_deref()
                .map(|d| parse_date(d, "stats"))
                .transpose()?,
            by_type: by_type.into_iter().collect(),
            by_admin1: by_admin1.into_iter().collect(),
            by_year: by_year.into_iter().collect(),
            import_batches: count_u64(self.import_batches),
            revisions: count_u64(self.revisions),
        })
    }
}

/// Hides the user-info part (`user:password@`) of a URL, for error messages.
pub(crate) fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes() {
        assert_eq!(like_pattern("50%_A\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn values_sql_numbers_placeholders() {
        assert_eq!(values_sql(Ph::Dollar, 2, 2), "($1,$2),($3,$4)");
        assert_eq!(values_sql(Ph::Question, 2, 2), "(?,?),(?,?)");
        assert_eq!(list_sql(Ph::Dollar, 3), "$1,$2,$3");
    }

    #[test]
    fn chained_statements_renumber_their_placeholders() {
        let (sql, args) = chain_dollar_statements(vec![
            ("DELETE FROM f WHERE id IN ($1,$2)".into(), vec![Arg::I64(1), Arg::I64(2)]),
            ("INSERT INTO f (a) VALUES ($1)".into(), vec![Arg::I64(3)]),
            (
                "INSERT INTO c (a, b) VALUES ($1,$2),($3,$4) ON CONFLICT (a) DO UPDATE SET b = c.b + excluded.b".into(),
                (4..8).map(Arg::I64).collect(),
            ),
        ]);
        assert_eq!(
            sql,
            "WITH w0 AS (DELETE FROM f WHERE id IN ($1,$2)), w1 AS (INSERT INTO f (a) VALUES ($3)) \
             INSERT INTO c (a, b) VALUES ($4,$5),($6,$7) ON CONFLICT (a) DO UPDATE SET b = c.b + excluded.b"
        );
        assert_eq!(args.len(), 7);
        let (one, _) = chain_dollar_statements(vec![("SELECT $1".into(), vec![Arg::I64(1)])]);
        assert_eq!(one, "SELECT $1");
        let (hoisted, args) = chain_dollar_statements(vec![
            ("DELETE FROM f WHERE id = $1".into(), vec![Arg::I64(1)]),
            (
                format!("WITH d0 (a) AS (VALUES ($1)), u0 AS (UPDATE c SET b = 1 FROM d0) {MAIN_MARK} INSERT INTO c SELECT a FROM d0 WHERE a > $2"),
                vec![Arg::I64(2), Arg::I64(3)],
            ),
            (
                format!("WITH d1 (a) AS (VALUES ($1)) {MAIN_MARK} INSERT INTO c SELECT a FROM d1"),
                vec![Arg::I64(4)],
            ),
        ]);
        assert_eq!(
            hoisted,
            "WITH w0 AS (DELETE FROM f WHERE id = $1), d0 (a) AS (VALUES ($2)), u0 AS (UPDATE c SET b = 1 FROM d0), \
             w1 AS (INSERT INTO c SELECT a FROM d0 WHERE a > $3), d1 (a) AS (VALUES ($4)) INSERT INTO c SELECT a FROM d1"
        );
        assert_eq!(args.len(), 4);
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact_url("mysql://u:pw@h/db"), "mysql://***@h/db");
        assert_eq!(redact_url("mysql://h/db"), "mysql://h/db");
    }
}
