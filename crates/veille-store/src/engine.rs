//! The one implementation of [`Store`](crate::Store) and
//! [`ImportSession`](crate::ImportSession), written once and expanded for each sqlx
//! driver by [`impl_store!`]. Both dialects accept the same SQL text (`$N` placeholders,
//! `ON CONFLICT`, `LIKE … ESCAPE`, `CAST(… AS BIGINT)`), so the backends differ only in
//! how they connect, how a write transaction begins, how many bind parameters a
//! statement may carry, and how the long multi-row statements write their placeholders
//! (see [`Ph`](crate::common::Ph)).

/// Expands the store for one driver. The invoking module must define the store type
/// `$store` with a `pool: sqlx::Pool<$db>` field and inherent methods
/// `async fn begin_write(&self) -> Result<sqlx::Transaction<'static, $db>>` and
/// `async fn settle(&self) -> Result<()>` (called after bulk writes).
macro_rules! impl_store {
    ($store:ident, $session:ident, $db:ty, $backend:expr, $max_params:expr, $ph:expr) => {
        use $crate::common::{
            corrupt, event_actor_rows, fmt_ts, list_sql, now, parse_doc, parse_uuid, retracted,
            synthesised_import_revision, with_update_audit, Arg, BatchRow, EventActorRow,
            EventRow, RawStats, ReferenceEditRow, RevisionRow, BATCH_COLUMNS,
            EVENT_ACTOR_COLUMNS, EVENT_ACTOR_NCOLS, EVENT_COLUMNS, REFERENCE_EDIT_COLUMNS,
            RETRACTED, REVISION_COLUMNS,
        };
        use $crate::{
            ActorSpan, Backend, EventFilter, ImportSession, ReferenceEdit, Result, Stats, Store,
            StoreError, UpsertOutcome,
        };
        use async_trait::async_trait;
        use sqlx::Row as _;
        use std::collections::HashMap;
        use uuid::Uuid;
        use veille_model::{
            diff_events, Event, ImportBatch, Provenance, Revision, RevisionAction,
        };

        type Conn = <$db as sqlx::Database>::Connection;
        type Q<'q> = sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>;

        /// Most bind parameters one statement may carry.
        const MAX_PARAMS: usize = $max_params;
        /// How long statements write their placeholders.
        const PH: $crate::common::Ph = $ph;

        fn bind_args<'q>(mut q: Q<'q>, args: Vec<Arg>) -> Q<'q> {
            for a in args {
                q = match a {
                    Arg::Text(s) => q.bind(s),
                    Arg::I64(n) => q.bind(n),
                };
            }
            q
        }

        fn bind_event_row<'q>(q: Q<'q>, r: EventRow, with_batch: bool) -> Q<'q> {
            let q = q
                .bind(r.id)
                .bind(r.date_start)
                .bind(r.date_end)
                .bind(r.country)
                .bind(r.admin1)
                .bind(r.admin1_lc)
                .bind(r.admin2)
                .bind(r.event_type)
                .bind(r.sub_event_type)
                .bind(r.latitude)
                .bind(r.longitude)
                .bind(r.killed_best)
                .bind(r.verification)
                .bind(r.sensitivity)
                .bind(r.actor_text)
                .bind(r.search_text);
            let q = if with_batch {
                q.bind(r.import_batch_id)
            } else {
                q
            };
            q.bind(r.created_at)
                .bind(r.updated_at)
                .bind(r.doc)
                .bind(r.span_days)
                .bind(r.geo_precision)
                .bind(r.victim_related)
                .bind(r.admin1_code)
                .bind(r.admin2_code)
        }

        /// Multi-row inserts of new events, as many rows per statement as allowed.
        async fn insert_events(conn: &mut Conn, rows: Vec<EventRow>) -> Result<()> {
            let per = (MAX_PARAMS / EVENT_COLUMNS.len()).min(1000).max(1);
            let mut it = rows.into_iter().peekable();
            let mut full_sql: Option<String> = None;
            while it.peek().is_some() {
                let chunk: Vec<EventRow> = it.by_ref().take(per).collect();
                let sql = if chunk.len() == per {
                    full_sql
                        .get_or_insert_with(|| $crate::common::insert_events_sql(PH, per))
                        .clone()
                } else {
                    $crate::common::insert_events_sql(PH, chunk.len())
                };
                let mut q = sqlx::query(&sql);
                for r in chunk {
                    q = bind_event_row(q, r, true);
                }
                q.execute(&mut *conn).await?;
            }
            Ok(())
        }

        /// Multi-row inserts of `event_actors` rows.
        async fn insert_event_actors(conn: &mut Conn, rows: Vec<EventActorRow>) -> Result<()> {
            let per = (MAX_PARAMS / EVENT_ACTOR_NCOLS).min(1000).max(1);
            let mut it = rows.into_iter().peekable();
            let mut full_sql: Option<String> = None;
            while it.peek().is_some() {
                let chunk: Vec<EventActorRow> = it.by_ref().take(per).collect();
                let make = |n: usize| {
                    format!(
                        "INSERT INTO event_actors ({EVENT_ACTOR_COLUMNS}) VALUES {}",
                        $crate::common::values_sql(PH, n, EVENT_ACTOR_NCOLS)
                    )
                };
                let sql = if chunk.len() == per {
                    full_sql.get_or_insert_with(|| make(per)).clone()
                } else {
                    make(chunk.len())
                };
                let mut q = sqlx::query(&sql);
                for r in chunk {
                    q = q
                        .bind(r.event_id)
                        .bind(r.actor_id)
                        .bind(r.name)
                        .bind(r.role)
                        .bind(r.date_start)
                        .bind(r.date_end);
                }
                q.execute(&mut *conn).await?;
            }
            Ok(())
        }

        /// Makes the `event_actors` rows of `e` match its document.
        async fn replace_event_actors(conn: &mut Conn, e: &Event) -> Result<()> {
            sqlx::query("DELETE FROM event_actors WHERE event_id = $1")
                .bind(e.id.to_string())
                .execute(&mut *conn)
                .await?;
            insert_event_actors(conn, event_actor_rows(e)).await
        }

        impl $store {
            /// Fills `event_actors` from the stored documents when it is empty but some
            /// event names actors (a database written before the table existed). One
            /// pass, in pages, in one write transaction; does nothing otherwise.
            async fn backfill_event_actors(&self) -> Result<()> {
                let needed = "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM event_actors LIMIT 1) a), \
                              (SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE actor_text <> '' LIMIT 1) b)";
                let row = sqlx::query(needed).fetch_one(&self.pool).await?;
                let (have, named): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
                if have > 0 || named == 0 {
                    return Ok(());
                }
                let mut tx = self.begin_write().await?;
                if $backend == Backend::Postgres {
                    sqlx::query("LOCK TABLE event_actors IN SHARE ROW EXCLUSIVE MODE")
                        .execute(&mut *tx)
                        .await?;
                }
                // Re-check under the lock: another process may have done it meanwhile.
                let row = sqlx::query(needed).fetch_one(&mut *tx).await?;
                if row.try_get::<i64, _>(0)? > 0 {
                    tx.rollback().await?;
                    return Ok(());
                }
                let mut after = String::new();
                loop {
                    let rows = sqlx::query(
                        "SELECT id, doc FROM events WHERE id > $1 AND actor_text <> '' \
                         ORDER BY id LIMIT 2000",
                    )
                    .bind(&after)
                    .fetch_all(&mut *tx)
                    .await?;
                    let Some(last) = rows.last() else { break };
                    after = last.try_get(0)?;
                    let mut out = Vec::new();
                    for row in &rows {
                        let id: String = row.try_get(0)?;
                        let doc: String = row.try_get(1)?;
                        out.extend(event_actor_rows(&parse_doc(&id, &doc)?));
                    }
                    insert_event_actors(&mut tx, out).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            /// Derives the columns added by migration 0010 (span_days, geo_precision,
            /// victim_related, admin codes) for rows written before it, from their
            /// documents, with the one derivation (`EventRow::from_event`). In pages of
            /// 2,000, each its own transaction, so a large database is upgraded without one
            /// huge transaction and an interrupted pass resumes where it stopped.
            async fn backfill_derived_columns(&self) -> Result<()> {
                let pending = sqlx::query("SELECT 1 FROM events WHERE span_days IS NULL LIMIT 1")
                    .fetch_optional(&self.pool)
                    .await?;
                if pending.is_none() {
                    return Ok(());
                }
                // Keyset pages by id: asking again for "the next NULLs" would wade through
                // the index entries of rows already done (PostgreSQL keeps them until vacuum).
                let mut after = String::new();
                loop {
                    let mut tx = self.begin_write().await?;
                    let rows = sqlx::query(
                        "SELECT id, doc FROM events WHERE id > $1 AND span_days IS NULL \
                         ORDER BY id LIMIT 2000",
                    )
                    .bind(&after)
                    .fetch_all(&mut *tx)
                    .await?;
                    let Some(last) = rows.last() else {
                        tx.rollback().await?;
                        return Ok(());
                    };
                    after = last.try_get(0)?;
                    for row in &rows {
                        let id: String = row.try_get(0)?;
                        let doc: String = row.try_get(1)?;
                        let r = EventRow::from_event(&parse_doc(&id, &doc)?, None)?;
                        sqlx::query(
                            "UPDATE events SET span_days = $2, geo_precision = $3, \
                             victim_related = $4, admin1_code = $5, admin2_code = $6 WHERE id = $1",
                        )
                        .bind(r.id)
                        .bind(r.span_days)
                        .bind(r.geo_precision)
                        .bind(r.victim_related)
                        .bind(r.admin1_code)
                        .bind(r.admin2_code)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                }
            }
        }

        async fn update_event_row(conn: &mut Conn, row: EventRow) -> Result<()> {
            let sql = $crate::common::update_event_sql();
            bind_event_row(sqlx::query(&sql), row, false)
                .execute(&mut *conn)
                .await?;
            Ok(())
        }

        /// Inserts `(external_id, event_id)` pairs.
        async fn insert_external_ids(conn: &mut Conn, pairs: Vec<(String, String)>) -> Result<()> {
            let per = (MAX_PARAMS / 2).min(5000);
            let mut it = pairs.into_iter().peekable();
            while it.peek().is_some() {
                let chunk: Vec<(String, String)> = it.by_ref().take(per).collect();
                let sql = format!(
                    "INSERT INTO event_external_ids (external_id, event_id) VALUES {}",
                    $crate::common::values_sql(PH, chunk.len(), 2)
                );
                let mut q = sqlx::query(&sql);
                for (x, e) in chunk {
                    q = q.bind(x).bind(e);
                }
                q.execute(&mut *conn).await?;
            }
            Ok(())
        }

        /// Makes the external-id rows of an event match its new document: deletes the
        /// rows of its previous version (by primary key), then inserts the new ones.
        async fn replace_external_ids(conn: &mut Conn, old: &Event, new: &Event) -> Result<()> {
            let ids: Vec<&str> = old.external_ids.iter().map(|x| x.0.as_str()).collect();
            for chunk in ids.chunks(MAX_PARAMS.min(10_000)) {
                let sql = format!(
                    "DELETE FROM event_external_ids WHERE event_id = $1 AND external_id IN ({})",
                    list_sql_from(chunk.len(), 2)
                );
                let mut q = sqlx::query(&sql).bind(old.id.to_string());
                for x in chunk {
                    q = q.bind(*x);
                }
                q.execute(&mut *conn).await?;
            }
            insert_external_ids(conn, external_id_pairs(new)).await
        }

        /// `$start, $start+1, …` (short lists only: both dialects accept `$N`).
        fn list_sql_from(n: usize, start: usize) -> String {
            (start..start + n)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(",")
        }

        fn external_id_pairs(e: &Event) -> Vec<(String, String)> {
            let id = e.id.to_string();
            let mut seen = std::collections::HashSet::new();
            e.external_ids
                .iter()
                .filter(|x| seen.insert(x.0.as_str()))
                .map(|x| (x.0.clone(), id.clone()))
                .collect()
        }

        async fn insert_revisions(conn: &mut Conn, revs: &[Revision]) -> Result<()> {
            let per = (MAX_PARAMS / 9).min(1000);
            for chunk in revs.chunks(per) {
                let sql = format!(
                    "INSERT INTO revisions ({REVISION_COLUMNS}) VALUES {}",
                    $crate::common::values_sql(PH, chunk.len(), 9)
                );
                let mut q = sqlx::query(&sql);
                for r in chunk {
                    let r = RevisionRow::from_revision(r)?;
                    q = q
                        .bind(r.id)
                        .bind(r.event_id)
                        .bind(r.seq)
                        .bind(r.action)
                        .bind(r.by_user)
                        .bind(r.at)
                        .bind(r.reason)
                        .bind(r.batch_id)
                        .bind(r.changes);
                }
                q.execute(&mut *conn).await?;
            }
            Ok(())
        }

        /// external id → event id, for those of `ids` that are stored. One query per
        /// `MAX_PARAMS` ids.
        async fn lookup_external_ids(
            conn: &mut Conn,
            ids: &[&str],
        ) -> Result<HashMap<String, Uuid>> {
            let mut out = HashMap::new();
            for chunk in ids.chunks(MAX_PARAMS.min(10_000)) {
                let sql = format!(
                    "SELECT external_id, event_id FROM event_external_ids WHERE external_id IN ({})",
                    list_sql(PH, chunk.len())
                );
                let mut q = sqlx::query(&sql);
                for x in chunk {
                    q = q.bind(*x);
                }
                for row in q.fetch_all(&mut *conn).await? {
                    let x: String = row.try_get(0)?;
                    let e: String = row.try_get(1)?;
                    let id = parse_uuid(&e, &x)?;
                    out.insert(x, id);
                }
            }
            Ok(out)
        }

        /// Decodes `(id, doc)` rows into events.
        fn decode_events(rows: Vec<<$db as sqlx::Database>::Row>) -> Result<Vec<Event>> {
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let id: String = row.try_get(0)?;
                let doc: String = row.try_get(1)?;
                out.push(parse_doc(&id, &doc)?);
            }
            Ok(out)
        }

        /// A loaded event with its creating batch and the last revision seq used.
        struct Loaded {
            event: Event,
            last_seq: u32,
        }

        /// Loads events with the last revision seq each has used (the synthesised import
        /// revision counts as seq 1).
        async fn load_events(conn: &mut Conn, ids: &[Uuid]) -> Result<HashMap<Uuid, Loaded>> {
            let mut out = HashMap::new();
            for chunk in ids.chunks(MAX_PARAMS.min(10_000)) {
                let list = list_sql(PH, chunk.len());
                let sql = format!(
                    "SELECT e.id, e.doc, e.import_batch_id, \
                     (SELECT MAX(r.seq) FROM revisions r WHERE r.event_id = e.id) \
                     FROM events e WHERE e.id IN ({list})"
                );
                let mut q = sqlx::query(&sql);
                for id in chunk {
                    q = q.bind(id.to_string());
                }
                for row in q.fetch_all(&mut *conn).await? {
                    let id: String = row.try_get(0)?;
                    let doc: String = row.try_get(1)?;
                    let batch: Option<String> = row.try_get(2)?;
                    let max_seq: Option<i64> = row.try_get(3)?;
                    let event = parse_doc(&id, &doc)?;
                    let floor = i64::from(batch.is_some());
                    let last = max_seq.unwrap_or(0).max(floor);
                    let last_seq =
                        u32::try_from(last).map_err(|_| corrupt(&id, "bad revision seq"))?;
                    out.insert(parse_uuid(&id, &id)?, Loaded { event, last_seq });
                }
            }
            Ok(out)
        }

        async fn load_one(conn: &mut Conn, id: Uuid) -> Result<Loaded> {
            load_events(conn, &[id])
                .await?
                .remove(&id)
                .ok_or(StoreError::NotFound(id))
        }

        /// Fails if one of `e`'s external ids belongs to an event other than `e`.
        async fn check_external_ids(conn: &mut Conn, e: &Event) -> Result<()> {
            let ids: Vec<&str> = e.external_ids.iter().map(|x| x.0.as_str()).collect();
            if ids.is_empty() {
                return Ok(());
            }
            let found = lookup_external_ids(conn, &ids).await?;
            for x in &e.external_ids {
                if let Some(existing) = found.get(&x.0) {
                    if *existing != e.id {
                        return Err(StoreError::DuplicateExternalId {
                            external_id: x.0.clone(),
                            existing: *existing,
                        });
                    }
                }
            }
            Ok(())
        }

        /// Inserts a new (validated) event with its `create` revision, inside `conn`'s
        /// transaction: the one path for [`Store::create_event`] and accepted drafts.
        async fn insert_created(
            conn: &mut Conn,
            event: &Event,
            by: &str,
            reason: Option<&str>,
        ) -> Result<Revision> {
            let exists = sqlx::query("SELECT 1 FROM events WHERE id = $1")
                .bind(event.id.to_string())
                .fetch_optional(&mut *conn)
                .await?;
            if exists.is_some() {
                return Err(StoreError::AlreadyExists(event.id));
            }
            check_external_ids(conn, event).await?;
            insert_events(conn, vec![EventRow::from_event(event, None)?]).await?;
            insert_external_ids(conn, external_id_pairs(event)).await?;
            insert_event_actors(conn, event_actor_rows(event)).await?;
            let rev = Revision {
                id: Uuid::now_v7(),
                event_id: event.id,
                seq: 1,
                action: RevisionAction::Create,
                by: by.to_string(),
                at: now(),
                reason: reason.map(str::to_string),
                batch_id: None,
                changes: diff_events(None, event),
            };
            insert_revisions(conn, std::slice::from_ref(&rev)).await?;
            Ok(rev)
        }

        fn validate(e: &Event) -> Result<()> {
            e.validate().map_err(|errors| StoreError::Invalid { id: e.id, errors })
        }

        async fn insert_batch(conn: &mut Conn, b: &ImportBatch) -> Result<()> {
            let r = BatchRow::from_batch(b);
            let sql = format!(
                "INSERT INTO import_batches ({BATCH_COLUMNS}) VALUES {}",
                $crate::common::values_sql(PH, 1, 11)
            );
            sqlx::query(&sql)
                .bind(r.id)
                .bind(r.file_name)
                .bind(r.sha256)
                .bind(r.format)
                .bind(r.rows_read)
                .bind(r.rows_created)
                .bind(r.rows_updated)
                .bind(r.rows_unchanged)
                .bind(r.rows_rejected)
                .bind(r.by_user)
                .bind(r.at)
                .execute(&mut *conn)
                .await?;
            Ok(())
        }

        async fn fetch_batch(conn: &mut Conn, id: &str) -> Result<Option<ImportBatch>> {
            let sql = format!("SELECT {BATCH_COLUMNS} FROM import_batches WHERE id = $1");
            match sqlx::query(&sql).bind(id).fetch_optional(&mut *conn).await? {
                Some(row) => {
                    let r = <BatchRow as sqlx::FromRow<_>>::from_row(&row)?;
                    Ok(Some(r.into_batch()?))
                }
                None => Ok(None),
            }
        }

        async fn count(conn: &mut Conn, sql: &str) -> Result<i64> {
            let row = sqlx::query(sql).fetch_one(&mut *conn).await?;
            Ok(row.try_get::<i64, _>(0)?)
        }

        async fn grouped(conn: &mut Conn, sql: &str) -> Result<Vec<(String, i64)>> {
            let mut out = Vec::new();
            for row in sqlx::query(sql).fetch_all(&mut *conn).await? {
                out.push((row.try_get::<String, _>(0)?, row.try_get::<i64, _>(1)?));
            }
            Ok(out)
        }

        // ------------------------------------------------------------ drafts and merges

        const DRAFT_COLUMNS: &str =
            "id, status, event_doc, evidence, report_text, source, created_by, created_at, event_id";

        fn to_json<T: serde::Serialize>(v: &T, id: &str) -> Result<String> {
            serde_json::to_string(v).map_err(|e| corrupt(id, format!("cannot serialise: {e}")))
        }

        fn from_json<T: serde::de::DeserializeOwned>(s: &str, id: &str) -> Result<T> {
            serde_json::from_str(s).map_err(|e| corrupt(id, e.to_string()))
        }

        fn decode_draft(row: &<$db as sqlx::Database>::Row) -> Result<$crate::Draft> {
            let id: String = row.try_get(0)?;
            let status: String = row.try_get(1)?;
            let event_doc: String = row.try_get(2)?;
            let evidence: String = row.try_get(3)?;
            let source: String = row.try_get(5)?;
            let created_at: String = row.try_get(7)?;
            let event_id: Option<String> = row.try_get(8)?;
            Ok($crate::Draft {
                id: parse_uuid(&id, &id)?,
                status: $crate::DraftStatus::from_code(&status)
                    .ok_or_else(|| corrupt(&id, format!("unknown draft status '{status}'")))?,
                event: parse_doc(&id, &event_doc)?,
                evidence: from_json(&evidence, &id)?,
                report_text: row.try_get(4)?,
                source: from_json(&source, &id)?,
                created_by: row.try_get(6)?,
                created_at: $crate::common::parse_ts(&created_at, &id)?,
                event_id: event_id.as_deref().map(|e| parse_uuid(e, &id)).transpose()?,
            })
        }

        async fn fetch_draft(conn: &mut Conn, id: Uuid) -> Result<Option<$crate::Draft>> {
            let sql = format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE id = $1");
            match sqlx::query(&sql)
                .bind(id.to_string())
                .fetch_optional(&mut *conn)
                .await?
            {
                Some(row) => Ok(Some(decode_draft(&row)?)),
                None => Ok(None),
            }
        }

        /// The draft, which must still be waiting for a decision.
        async fn undecided_draft(conn: &mut Conn, id: Uuid) -> Result<$crate::Draft> {
            let d = fetch_draft(conn, id)
                .await?
                .ok_or(StoreError::DraftNotFound(id))?;
            if d.status != $crate::DraftStatus::Draft {
                return Err(StoreError::DraftDecided { id, status: d.status });
            }
            Ok(d)
        }

        async fn insert_draft_revision(conn: &mut Conn, r: &$crate::DraftRevision) -> Result<()> {
            let rid = r.id.to_string();
            sqlx::query(
                "INSERT INTO draft_revisions (id, draft_id, seq, action, by_user, at, reason, changes) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&rid)
            .bind(r.draft_id.to_string())
            .bind(i64::from(r.seq))
            .bind(&r.action)
            .bind(&r.by)
            .bind(fmt_ts(r.at))
            .bind(r.reason.as_deref())
            .bind(to_json(&r.changes, &rid)?)
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        /// Records a decision on a draft: status, accepted event, and the revision.
        async fn decide_draft(
            conn: &mut Conn,
            id: Uuid,
            status: $crate::DraftStatus,
            event_id: Option<Uuid>,
            rev: &$crate::DraftRevision,
        ) -> Result<()> {
            sqlx::query("UPDATE drafts SET status = $1, event_id = $2 WHERE id = $3")
                .bind(status.code())
                .bind(event_id.map(|e| e.to_string()))
                .bind(id.to_string())
                .execute(&mut *conn)
                .await?;
            insert_draft_revision(conn, rev).await
        }

        async fn next_draft_seq(conn: &mut Conn, id: Uuid) -> Result<u32> {
            let row = sqlx::query(
                "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM draft_revisions WHERE draft_id = $1",
            )
            .bind(id.to_string())
            .fetch_one(&mut *conn)
            .await?;
            let last: i64 = row.try_get(0)?;
            u32::try_from(last + 1).map_err(|_| corrupt(&id.to_string(), "bad draft revision seq"))
        }

        /// The survivor `id` is merged into (`None` when live); NotFound when missing.
        async fn merged_into_of(conn: &mut Conn, id: Uuid) -> Result<Option<Uuid>> {
            let row = sqlx::query("SELECT merged_into FROM events WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&mut *conn)
                .await?
                .ok_or(StoreError::NotFound(id))?;
            let m: Option<String> = row.try_get(0)?;
            m.as_deref().map(|s| parse_uuid(s, &id.to_string())).transpose()
        }

        async fn set_merged_into(conn: &mut Conn, id: Uuid, into: Option<Uuid>) -> Result<()> {
            sqlx::query("UPDATE events SET merged_into = $1 WHERE id = $2")
                .bind(into.map(|u| u.to_string()))
                .bind(id.to_string())
                .execute(&mut *conn)
                .await?;
            Ok(())
        }

        /// Points the external ids `ids` at event `to`.
        async fn move_external_ids(conn: &mut Conn, ids: &[String], to: Uuid) -> Result<()> {
            for chunk in ids.chunks(MAX_PARAMS.min(10_000) - 1) {
                let sql = format!(
                    "UPDATE event_external_ids SET event_id = $1 WHERE external_id IN ({})",
                    list_sql_from(chunk.len(), 2)
                );
                let mut q = sqlx::query(&sql).bind(to.to_string());
                for x in chunk {
                    q = q.bind(x.as_str());
                }
                q.execute(&mut *conn).await?;
            }
            Ok(())
        }

        const MERGE_COLUMNS: &str =
            "id, survivor_id, absorbed_id, by_user, at, reason, survivor_before, absorbed_before, undone_at";

        /// A merge row with the two documents it saved.
        struct MergeRow {
            record: $crate::MergeRecord,
            survivor_before: Event,
            absorbed_before: Event,
        }

        fn decode_merge(row: &<$db as sqlx::Database>::Row) -> Result<MergeRow> {
            let id: String = row.try_get(0)?;
            let survivor: String = row.try_get(1)?;
            let absorbed: String = row.try_get(2)?;
            let at: String = row.try_get(4)?;
            let sb: String = row.try_get(6)?;
            let ab: String = row.try_get(7)?;
            let undone: Option<String> = row.try_get(8)?;
            Ok(MergeRow {
                record: $crate::MergeRecord {
                    id: parse_uuid(&id, &id)?,
                    survivor: parse_uuid(&survivor, &id)?,
                    absorbed: parse_uuid(&absorbed, &id)?,
                    by: row.try_get(3)?,
                    at: $crate::common::parse_ts(&at, &id)?,
                    reason: row.try_get(5)?,
                    undone_at: undone
                        .as_deref()
                        .map(|u| $crate::common::parse_ts(u, &id))
                        .transpose()?,
                },
                survivor_before: parse_doc(&id, &sb)?,
                absorbed_before: parse_doc(&id, &ab)?,
            })
        }

        /// `items` plus those of `extra` not already in it, in order.
        fn union_into<T: PartialEq + Clone>(items: &mut Vec<T>, extra: &[T]) {
            for x in extra {
                if !items.contains(x) {
                    items.push(x.clone());
                }
            }
        }

        /// Removes from `items` what a merge added: entries of `added_from` that were
        /// not in `before`.
        fn remove_added<T: PartialEq>(items: &mut Vec<T>, before: &[T], added_from: &[T]) {
            items.retain(|x| before.contains(x) || !added_from.contains(x));
        }

        /// A marker change for the absorbed event's revisions.
        fn merged_change(before: Option<Uuid>, after: Option<Uuid>) -> veille_model::FieldChange {
            let v = |u: Option<Uuid>| u.map_or(serde_json::Value::Null, |u| u.to_string().into());
            veille_model::FieldChange {
                field: "merged_into".into(),
                before: v(before),
                after: v(after),
            }
        }

        /// On PostgreSQL, locks `table` against concurrent writers for the rest of the
        /// transaction, so that numbers read as MAX()+1 stay 1, 2, 3… (SQLite's write
        /// transactions are already exclusive). `table` is a constant of this file.
        async fn lock_for_numbering(
            tx: &mut sqlx::Transaction<'static, $db>,
            table: &'static str,
        ) -> Result<()> {
            if $backend == Backend::Postgres {
                sqlx::query(&format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))
                    .execute(&mut **tx)
                    .await?;
            }
            Ok(())
        }

        /// An `update` revision by an analyst (no import batch).
        fn update_revision(
            event_id: Uuid,
            seq: u32,
            by: &str,
            at: chrono::DateTime<chrono::Utc>,
            reason: Option<String>,
            changes: Vec<veille_model::FieldChange>,
        ) -> Revision {
            Revision {
                id: Uuid::now_v7(),
                event_id,
                seq,
                action: RevisionAction::Update,
                by: by.to_string(),
                at,
                reason,
                batch_id: None,
                changes,
            }
        }

        fn with_reason(head: String, reason: Option<&str>) -> String {
            match reason.map(str::trim).filter(|r| !r.is_empty()) {
                Some(r) => format!("{head}: {r}"),
                None => head,
            }
        }

        // ---- persisted rollups (see crate::rollup) ----------------------------------

        /// The `rollup_state` row: fingerprint, stale flag, last rebuild time.
        /// How a SQLite text filter is best answered (see [`TextPlan`]): one probe of the
        /// FTS index, capped; `None` when nothing matches at all (the caller answers empty
        /// without another query). PostgreSQL always lets its planner use the trigram index.
        async fn text_plan(
            pool: &sqlx::Pool<$db>,
            f: &EventFilter,
        ) -> Result<Option<$crate::common::TextPlan>> {
            use $crate::common::{fts_phrase, fts_searchable, TextPlan, DENSE_TEXT, FTS_PROBE_SQL};
            if $backend != Backend::Sqlite {
                return Ok(Some(TextPlan::Index));
            }
            let Some(t) = fts_searchable(f) else {
                return Ok(Some(TextPlan::Index));
            };
            let row = sqlx::query(FTS_PROBE_SQL).bind(fts_phrase(t)).fetch_one(pool).await?;
            let n: i64 = row.try_get(0)?;
            Ok(match n {
                0 => None,
                n if n >= DENSE_TEXT => Some(TextPlan::Scan),
                _ => Some(TextPlan::Index),
            })
        }

        async fn rollup_state(conn: &mut Conn) -> Result<(Option<String>, bool, Option<String>)> {
            let row = sqlx::query("SELECT fingerprint, stale, rebuilt_at FROM rollup_state WHERE id = 1")
                .fetch_optional(&mut *conn)
                .await?;
            match row {
                Some(r) => Ok((r.try_get(0)?, r.try_get::<i64, _>(1)? != 0, r.try_get(2)?)),
                None => Err(corrupt("rollup_state", "the state row is missing")),
            }
        }

        async fn mark_rollups_stale(conn: &mut Conn) -> Result<()> {
            sqlx::query("UPDATE rollup_state SET stale = 1 WHERE id = 1 AND stale = 0")
                .execute(&mut *conn)
                .await?;
            Ok(())
        }

        /// The statements that bring `rollup_facts` and `rollup_cells` in line: facts
        /// deleted and upserted, then `delta` added to the cells in key order (so that
        /// concurrent PostgreSQL writers lock cells in the same order): multi-row upserts
        /// on SQLite, one statement of constant text on PostgreSQL
        /// ([`$crate::rollup::pg_cells_write`]).
        fn rollup_writes(
            put: Vec<(String, String, String)>,
            drop: Vec<String>,
            delta: $crate::rollup::Delta,
        ) -> Vec<(String, Vec<Arg>)> {
            use $crate::rollup::{cell_args, cell_upsert, pg_cells_json, pg_cells_write, CELL_COLUMNS, CELL_NCOLS};
            let mut out = Vec::new();
            for chunk in drop.chunks(MAX_PARAMS.min(10_000)) {
                let sql = format!(
                    "DELETE FROM rollup_facts WHERE event_id IN ({})",
                    list_sql(PH, chunk.len())
                );
                out.push((sql, chunk.iter().map(|id| Arg::Text(id.clone())).collect()));
            }
            let per = (MAX_PARAMS / 3).min(1000).max(1);
            for chunk in put.chunks(per) {
                let sql = format!(
                    "INSERT INTO rollup_facts (event_id, sensitivity, facts) VALUES {} \
                     ON CONFLICT (event_id) DO UPDATE SET sensitivity = excluded.sensitivity, \
                     facts = excluded.facts",
                    $crate::common::values_sql(PH, chunk.len(), 3)
                );
                let mut args = Vec::with_capacity(chunk.len() * 3);
                for (id, sens, facts) in chunk {
                    args.extend([Arg::Text(id.clone()), Arg::Text(sens.clone()), Arg::Text(facts.clone())]);
                }
                out.push((sql, args));
            }
            // The delta is ordered by key, so concurrent writers lock cells in one order.
            let rows: Vec<_> = delta.into_iter().filter(|(_, t)| !t.is_zero()).collect();
            if $backend == Backend::Postgres {
                // One statement of constant text, however many cells.
                if !rows.is_empty() {
                    let json = pg_cells_json(rows.iter().map(|((k, s), t)| (k, s.as_str(), t)));
                    let update_first = rows.len() <= $crate::rollup::PG_UPDATE_FIRST_MAX;
                    out.push((pg_cells_write(update_first).to_string(), vec![Arg::Text(json)]));
                }
                return out;
            }
            let per = (MAX_PARAMS / CELL_NCOLS).min(1000).max(1);
            for chunk in rows.chunks(per) {
                let sql = format!(
                    "INSERT INTO rollup_cells ({CELL_COLUMNS}) VALUES {}{}",
                    $crate::common::values_sql(PH, chunk.len(), CELL_NCOLS),
                    cell_upsert()
                );
                let mut args = Vec::with_capacity(chunk.len() * CELL_NCOLS);
                for ((key, sens), t) in chunk {
                    args.extend(cell_args(key, sens, t));
                }
                out.push((sql, args));
            }
            out
        }

        /// Runs `statements` in order, in one round trip when they are small. SQLite takes
        /// them as one multi-statement call (its anonymous `?` parameters continue from
        /// one statement to the next), which saves a trip to its worker thread per
        /// statement; PostgreSQL takes them as one statement whose data-modifying `WITH`
        /// parts run first ([`$crate::common::chain_dollar_statements`]). The statements
        /// must not depend on each other's effects (PostgreSQL runs them on one snapshot):
        /// the rollup writes touch disjoint facts and distinct cells.
        async fn execute_all(conn: &mut Conn, statements: Vec<(String, Vec<Arg>)>) -> Result<()> {
            let small = statements.iter().map(|(_, a)| a.len()).sum::<usize>() <= 20_000;
            if statements.len() > 1 && small {
                let (sql, args) = if $backend == Backend::Sqlite {
                    let mut sql = String::new();
                    let mut args = Vec::new();
                    for (s, a) in statements {
                        sql.push_str(&s);
                        sql.push_str(";\n");
                        args.extend(a);
                    }
                    (sql, args)
                } else {
                    $crate::common::chain_dollar_statements(statements)
                };
                bind_args(sqlx::query(&sql), args).execute(&mut *conn).await?;
                return Ok(());
            }
            for (sql, args) in statements {
                bind_args(sqlx::query(&sql), args).execute(&mut *conn).await?;
            }
            Ok(())
        }

        /// Brings the persisted rollups in line with events just written in `conn`'s
        /// transaction. `items` pairs each event id with the event as it now stands, or
        /// `None` when it no longer counts whatever its document says. Events merged into
        /// another are not counted; an event's category override is read here.
        ///
        /// One read (the state row, stored facts, merge marks and overrides together) and,
        /// on SQLite, one write: every round trip counts when this runs for each event.
        async fn sync_rollups(
            conn: &mut Conn,
            contributor: Option<&dyn $crate::rollup::RollupContributor>,
            items: &[(Uuid, Option<&Event>)],
        ) -> Result<()> {
            if items.is_empty() {
                return Ok(());
            }
            let Some(c) = contributor else {
                return mark_rollups_stale(conn).await;
            };
            let mut state: Option<(Option<String>, bool)> = None;
            let mut old: HashMap<String, (String, String)> = HashMap::new();
            let mut merged: std::collections::HashSet<String> = Default::default();
            let mut overrides: HashMap<String, serde_json::Value> = HashMap::new();
            let ids: Vec<String> = items.iter().map(|(id, _)| id.to_string()).collect();
            for chunk in ids.chunks(MAX_PARAMS.min(10_000)) {
                let sql = format!(
                    "SELECT e.id, e.merged_into, f.sensitivity, f.facts, p.doc, \
                     s.fingerprint, s.stale FROM events e \
                     LEFT JOIN rollup_state s ON s.id = 1 \
                     LEFT JOIN rollup_facts f ON f.event_id = e.id \
                     LEFT JOIN protection_records p ON p.kind = '{}' AND p.record_key = e.id \
                     WHERE e.id IN ({})",
                    $crate::rollup::CATEGORY_OVERRIDE_KIND,
                    list_sql(PH, chunk.len())
                );
                let mut q = sqlx::query(&sql);
                for id in chunk {
                    q = q.bind(id.clone());
                }
                for row in q.fetch_all(&mut *conn).await? {
                    let id: String = row.try_get(0)?;
                    if state.is_none() {
                        let stale: Option<i64> = row.try_get(6)?;
                        let stale = stale.ok_or_else(|| {
                            corrupt("rollup_state", "the state row is missing")
                        })?;
                        state = Some((row.try_get(5)?, stale != 0));
                    }
                    if row.try_get::<Option<String>, _>(1)?.is_some() {
                        merged.insert(id.clone());
                    }
                    let sens: Option<String> = row.try_get(2)?;
                    let facts: Option<String> = row.try_get(3)?;
                    if let (Some(s), Some(f)) = (sens, facts) {
                        old.insert(id.clone(), (s, f));
                    }
                    if let Some(doc) = row.try_get::<Option<String>, _>(4)? {
                        let v = serde_json::from_str(&doc).map_err(|e| corrupt(&id, e.to_string()))?;
                        overrides.insert(id, v);
                    }
                }
            }
            // No stored event among the items: nothing to count.
            let Some((fingerprint, stale)) = state else {
                return Ok(());
            };
            if stale {
                return Ok(());
            }
            let mine = c.fingerprint();
            match fingerprint {
                Some(f) if f != mine => return mark_rollups_stale(conn).await,
                Some(_) => {}
                None => {
                    sqlx::query("UPDATE rollup_state SET fingerprint = $1 WHERE id = 1")
                        .bind(&mine)
                        .execute(&mut *conn)
                        .await?;
                }
            }
            let mut delta = $crate::rollup::Delta::new();
            let (mut put, mut drop) = (Vec::new(), Vec::new());
            for (id, event) in items {
                let key = id.to_string();
                let new = match event {
                    Some(e) if !merged.contains(&key) => c
                        .facts(e, overrides.get(&key))
                        .map(|f| (e.sensitivity.code().to_string(), f)),
                    _ => None,
                };
                let was = old.remove(&key);
                if was == new {
                    continue;
                }
                if let Some((s, f)) = &was {
                    $crate::rollup::add_cells(&mut delta, c, &key, s, f, -1)?;
                }
                match new {
                    Some((s, f)) => {
                        $crate::rollup::add_cells(&mut delta, c, &key, &s, &f, 1)?;
                        put.push((key, s, f));
                    }
                    None => {
                        if was.is_some() {
                            drop.push(key);
                        }
                    }
                }
            }
            execute_all(conn, rollup_writes(put, drop, delta)).await
        }

        #[async_trait]
        impl Store for $store {
            fn backend(&self) -> Backend {
                $backend
            }

            async fn create_event(
                &self,
                event: &Event,
                by: &str,
                reason: Option<&str>,
            ) -> Result<Revision> {
                validate(event)?;
                let mut tx = self.begin_write().await?;
                let rev = insert_created(&mut tx, event, by, reason).await?;
                let c = self.rollups.get();
                sync_rollups(&mut tx, c.as_deref(), &[(event.id, Some(event))]).await?;
                tx.commit().await?;
                Ok(rev)
            }

            async fn update_event(
                &self,
                event: &Event,
                by: &str,
                reason: Option<&str>,
            ) -> Result<Option<Revision>> {
                validate(event)?;
                let mut tx = self.begin_write().await?;
                let current = load_one(&mut tx, event.id).await?;
                let changes = diff_events(Some(&current.event), event);
                if changes.is_empty() {
                    tx.rollback().await?;
                    return Ok(None);
                }
                check_external_ids(&mut tx, event).await?;
                let at = now();
                let new = with_update_audit(event.clone(), &current.event, by, at);
                update_event_row(&mut tx, EventRow::from_event(&new, None)?).await?;
                if new.external_ids != current.event.external_ids {
                    replace_external_ids(&mut tx, &current.event, &new).await?;
                }
                if new.actors != current.event.actors
                    || new.date_start != current.event.date_start
                    || new.date_end != current.event.date_end
                {
                    replace_event_actors(&mut tx, &new).await?;
                }
                let rev = update_revision(event.id, current.last_seq + 1, by, at, reason.map(str::to_string), changes);
                insert_revisions(&mut tx, std::slice::from_ref(&rev)).await?;
                let c = self.rollups.get();
                sync_rollups(&mut tx, c.as_deref(), &[(event.id, Some(&new))]).await?;
                tx.commit().await?;
                Ok(Some(rev))
            }

            async fn retract_event(&self, id: Uuid, by: &str, reason: &str) -> Result<Revision> {
                if reason.trim().is_empty() {
                    return Err(StoreError::ReasonRequired);
                }
                let mut tx = self.begin_write().await?;
                let current = load_one(&mut tx, id).await?;
                if current.event.is_retracted() {
                    return Err(StoreError::AlreadyRetracted(id));
                }
                let at = now();
                let new = retracted(&current.event, by, at);
                let changes = diff_events(Some(&current.event), &new);
                update_event_row(&mut tx, EventRow::from_event(&new, None)?).await?;
                let rev = Revision {
                    id: Uuid::now_v7(),
                    event_id: id,
                    seq: current.last_seq + 1,
                    action: RevisionAction::Retract,
                    by: by.to_string(),
                    at,
                    reason: Some(reason.to_string()),
                    batch_id: None,
                    changes,
                };
                insert_revisions(&mut tx, std::slice::from_ref(&rev)).await?;
                let c = self.rollups.get();
                sync_rollups(&mut tx, c.as_deref(), &[(id, Some(&new))]).await?;
                tx.commit().await?;
                Ok(rev)
            }

            async fn get_event(&self, id: Uuid) -> Result<Option<Event>> {
                let row = sqlx::query("SELECT doc FROM events WHERE id = $1")
                    .bind(id.to_string())
                    .fetch_optional(&self.pool)
                    .await?;
                match row {
                    Some(row) => {
                        let doc: String = row.try_get(0)?;
                        Ok(Some(parse_doc(&id.to_string(), &doc)?))
                    }
                    None => Ok(None),
                }
            }

            async fn find_by_external_id(&self, external_id: &str) -> Result<Option<Uuid>> {
                let row =
                    sqlx::query("SELECT event_id FROM event_external_ids WHERE external_id = $1")
                        .bind(external_id)
                        .fetch_optional(&self.pool)
                        .await?;
                match row {
                    Some(row) => {
                        let id: String = row.try_get(0)?;
                        Ok(Some(parse_uuid(&id, external_id)?))
                    }
                    None => Ok(None),
                }
            }

            async fn list_events(&self, filter: &EventFilter) -> Result<Vec<Event>> {
                let Some(plan) = text_plan(&self.pool, filter).await? else {
                    return Ok(Vec::new());
                };
                let mut args = Vec::new();
                let sql = $crate::common::select_sql(filter, &mut args, $backend, plan);
                let rows = bind_args(sqlx::query(&sql), args)
                    .fetch_all(&self.pool)
                    .await?;
                decode_events(rows)
            }

            async fn count_events(&self, filter: &EventFilter) -> Result<u64> {
                let mut args = Vec::new();
                let sql = format!(
                    "SELECT COUNT(*) FROM events{}",
                    $crate::common::filter_where(filter, &mut args, $backend)
                );
                let row = bind_args(sqlx::query(&sql), args)
                    .fetch_one(&self.pool)
                    .await?;
                Ok($crate::common::count_u64(row.try_get::<i64, _>(0)?))
            }

            async fn count_events_upto(&self, filter: &EventFilter, cap: u64) -> Result<u64> {
                let mut args = Vec::new();
                let sql = $crate::common::count_upto_sql(filter, cap, &mut args, $backend);
                let row = bind_args(sqlx::query(&sql), args)
                    .fetch_one(&self.pool)
                    .await?;
                Ok($crate::common::count_u64(row.try_get::<i64, _>(0)?))
            }

            async fn data_version(&self) -> Result<u64> {
                let row = sqlx::query("SELECT version FROM data_version WHERE id = 1")
                    .fetch_one(&self.pool)
                    .await?;
                Ok($crate::common::count_u64(row.try_get::<i64, _>(0)?))
            }

            async fn map_points(&self, filter: &EventFilter) -> Result<Vec<$crate::MapPoint>> {
                let Some(plan) = text_plan(&self.pool, filter).await? else {
                    return Ok(Vec::new());
                };
                let mut args = Vec::new();
                let sql = $crate::common::select_columns_sql(
                    $crate::common::MAP_COLUMNS,
                    filter,
                    &mut args,
                    $backend,
                    plan,
                );
                let rows = bind_args(sqlx::query(&sql), args)
                    .fetch_all(&self.pool)
                    .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    let row = $crate::common::MapRow {
                        id: r.try_get(0)?,
                        date_start: r.try_get(1)?,
                        event_type: r.try_get(2)?,
                        sub_event_type: r.try_get(3)?,
                        killed_best: r.try_get(4)?,
                        latitude: r.try_get(5)?,
                        longitude: r.try_get(6)?,
                        geo_precision: r.try_get(7)?,
                        admin1: r.try_get(8)?,
                        admin2: r.try_get(9)?,
                        admin1_code: r.try_get(10)?,
                        admin2_code: r.try_get(11)?,
                        verification: r.try_get(12)?,
                        victim_related: r.try_get(13)?,
                    };
                    if let Some(p) = row.into_point()? {
                        out.push(p);
                    }
                }
                Ok(out)
            }

            async fn history(&self, id: Uuid) -> Result<Vec<Revision>> {
                let mut conn = self.pool.acquire().await?;
                let sid = id.to_string();
                let Some(row) = sqlx::query("SELECT import_batch_id FROM events WHERE id = $1")
                    .bind(&sid)
                    .fetch_optional(&mut *conn)
                    .await?
                else {
                    return Ok(Vec::new());
                };
                let batch_id: Option<String> = row.try_get(0)?;
                let mut out = Vec::new();
                if let Some(b) = batch_id {
                    match fetch_batch(&mut conn, &b).await? {
                        Some(batch) => out.push(synthesised_import_revision(id, &batch)),
                        None => {
                            return Err(corrupt(&sid, format!("import batch {b} is missing")))
                        }
                    }
                }
                let sql = format!(
                    "SELECT {REVISION_COLUMNS} FROM revisions WHERE event_id = $1 ORDER BY seq"
                );
                for row in sqlx::query(&sql).bind(&sid).fetch_all(&mut *conn).await? {
                    let r = <RevisionRow as sqlx::FromRow<_>>::from_row(&row)?;
                    out.push(r.into_revision()?);
                }
                Ok(out)
            }

            async fn stats(&self) -> Result<Stats> {
                let mut conn = self.pool.acquire().await?;
                let live = format!("verification <> '{RETRACTED}' AND merged_into IS NULL");
                let row = sqlx::query(&format!(
                    "SELECT COUNT(*), CAST(COALESCE(SUM(killed_best), 0) AS BIGINT), \
                     MIN(date_start), MAX(date_end) FROM events WHERE {live}"
                ))
                .fetch_one(&mut *conn)
                .await?;
                let mut raw = RawStats {
                    events: row.try_get(0)?,
                    killed_best: row.try_get(1)?,
                    first_date: row.try_get(2)?,
                    last_date: row.try_get(3)?,
                    ..RawStats::default()
                };
                raw.retracted = count(
                    &mut conn,
                    &format!("SELECT COUNT(*) FROM events WHERE verification = '{RETRACTED}'"),
                )
                .await?;
                raw.by_type = grouped(
                    &mut conn,
                    &format!(
                        "SELECT event_type, COUNT(*) FROM events WHERE {live} GROUP BY event_type"
                    ),
                )
                .await?;
                raw.by_admin1 = grouped(
                    &mut conn,
                    &format!(
                        "SELECT COALESCE(admin1, ''), COUNT(*) FROM events WHERE {live} \
                         GROUP BY COALESCE(admin1, '')"
                    ),
                )
                .await?;
                raw.by_year = grouped(
                    &mut conn,
                    &format!(
                        "SELECT substr(date_start, 1, 4), COUNT(*) FROM events WHERE {live} \
                         GROUP BY substr(date_start, 1, 4)"
                    ),
                )
                .await?;
                raw.import_batches = count(&mut conn, "SELECT COUNT(*) FROM import_batches").await?;
                raw.revisions = count(&mut conn, "SELECT COUNT(*) FROM revisions").await?
                    + count(
                        &mut conn,
                        "SELECT COUNT(*) FROM events WHERE import_batch_id IS NOT NULL",
                    )
                    .await?;
                raw.into_stats()
            }

            async fn begin_import(&self, batch: &ImportBatch) -> Result<Box<dyn ImportSession>> {
                let tx = self.begin_write().await?;
                Ok(Box::new($session {
                    tx,
                    store: self.clone(),
                    batch: batch.clone(),
                    at: now(),
                    rollups: self.rollups.get(),
                }))
            }

            async fn import_batches(&self) -> Result<Vec<ImportBatch>> {
                let sql = format!("SELECT {BATCH_COLUMNS} FROM import_batches ORDER BY at, id");
                let mut out = Vec::new();
                for row in sqlx::query(&sql).fetch_all(&self.pool).await? {
                    let r = <BatchRow as sqlx::FromRow<_>>::from_row(&row)?;
                    out.push(r.into_batch()?);
                }
                Ok(out)
            }

            async fn import_batch(&self, id: Uuid) -> Result<Option<ImportBatch>> {
                let mut conn = self.pool.acquire().await?;
                fetch_batch(&mut conn, &id.to_string()).await
            }

            async fn append_reference_edit(
                &self,
                kind: &str,
                key: &str,
                payload: &serde_json::Value,
                by: &str,
                reason: Option<&str>,
            ) -> Result<ReferenceEdit> {
                let id = Uuid::now_v7();
                let text = serde_json::to_string(payload)
                    .map_err(|e| corrupt(&id.to_string(), e.to_string()))?;
                let mut tx = self.begin_write().await?;
                // Serialise appenders so that seq stays 1, 2, 3… per kind.
                lock_for_numbering(&mut tx, "reference_edits").await?;
                let row = sqlx::query(
                    "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM reference_edits WHERE kind = $1",
                )
                .bind(kind)
                .fetch_one(&mut *tx)
                .await?;
                let last: i64 = row.try_get(0)?;
                let at = now();
                let sql = format!(
                    "INSERT INTO reference_edits ({REFERENCE_EDIT_COLUMNS}) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                );
                sqlx::query(&sql)
                    .bind(id.to_string())
                    .bind(kind)
                    .bind(last + 1)
                    .bind(key)
                    .bind(text)
                    .bind(by)
                    .bind(fmt_ts(at))
                    .bind(reason)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(ReferenceEdit {
                    id,
                    seq: $crate::common::count_u64(last + 1),
                    kind: kind.to_string(),
                    key: key.to_string(),
                    payload: payload.clone(),
                    by: by.to_string(),
                    at,
                    reason: reason.map(str::to_string),
                })
            }

            async fn reference_edits(&self, kind: &str) -> Result<Vec<ReferenceEdit>> {
                let sql = format!(
                    "SELECT {REFERENCE_EDIT_COLUMNS} FROM reference_edits WHERE kind = $1 ORDER BY seq"
                );
                let mut out = Vec::new();
                for row in sqlx::query(&sql).bind(kind).fetch_all(&self.pool).await? {
                    let r = <ReferenceEditRow as sqlx::FromRow<_>>::from_row(&row)?;
                    out.push(r.into_edit()?);
                }
                Ok(out)
            }

            async fn count_events_for_actors(
                &self,
                spans: &[ActorSpan],
                filter: &EventFilter,
            ) -> Result<u64> {
                let mut args = Vec::new();
                let Some(w) = $crate::common::actors_where(spans, filter, &mut args, $backend) else {
                    return Ok(0);
                };
                let sql = format!("SELECT COUNT(*) FROM events{w}");
                let row = bind_args(sqlx::query(&sql), args)
                    .fetch_one(&self.pool)
                    .await?;
                Ok($crate::common::count_u64(row.try_get::<i64, _>(0)?))
            }

            async fn list_events_for_actors(
                &self,
                spans: &[ActorSpan],
                filter: &EventFilter,
            ) -> Result<Vec<Event>> {
                let mut args = Vec::new();
                let Some(sql) = $crate::common::select_for_actors_sql(spans, filter, &mut args, $backend)
                else {
                    return Ok(Vec::new());
                };
                let rows = bind_args(sqlx::query(&sql), args)
                    .fetch_all(&self.pool)
                    .await?;
                decode_events(rows)
            }

            async fn unresolved_actor_names(&self) -> Result<Vec<(String, u64)>> {
                let sql = format!(
                    "SELECT a.name, COUNT(DISTINCT a.event_id) FROM event_actors a \
                     JOIN events e ON e.id = a.event_id \
                     WHERE a.actor_id IS NULL AND a.name <> '' AND e.verification <> '{RETRACTED}' \
                     AND e.merged_into IS NULL \
                     GROUP BY a.name"
                );
                let mut conn = self.pool.acquire().await?;
                let mut out: Vec<(String, u64)> = grouped(&mut conn, &sql)
                    .await?
                    .into_iter()
                    .map(|(n, c)| (n, $crate::common::count_u64(c)))
                    .collect();
                // Sorted here so both backends agree whatever their collation.
                out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                Ok(out)
            }

            async fn put_protection_record(
                &self,
                kind: &str,
                key: &str,
                doc: &serde_json::Value,
                by: &str,
                reason: Option<&str>,
            ) -> Result<Option<$crate::ProtectionRecord>> {
                let text = serde_json::to_string(doc).map_err(|e| corrupt(key, e.to_string()))?;
                let mut tx = self.begin_write().await?;
                // Serialise writers so that versions stay 1, 2, 3… per record.
                lock_for_numbering(&mut tx, "protection_records").await?;
                let row = sqlx::query(
                    "SELECT doc, version FROM protection_records WHERE kind = $1 AND record_key = $2",
                )
                .bind(kind)
                .bind(key)
                .fetch_optional(&mut *tx)
                .await?;
                let version: i64 = match row {
                    Some(r) => {
                        let old: String = r.try_get(0)?;
                        if old == text {
                            tx.rollback().await?;
                            return Ok(None);
                        }
                        r.try_get::<i64, _>(1)? + 1
                    }
                    None => 1,
                };
                let at = now();
                sqlx::query(
                    "INSERT INTO protection_records (kind, record_key, doc, version, by_user, at, reason) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (kind, record_key) DO UPDATE SET doc = excluded.doc, \
                     version = excluded.version, by_user = excluded.by_user, at = excluded.at, \
                     reason = excluded.reason",
                )
                .bind(kind)
                .bind(key)
                .bind(&text)
                .bind(version)
                .bind(by)
                .bind(fmt_ts(at))
                .bind(reason)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO protection_history (kind, record_key, version, doc, by_user, at, reason) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(kind)
                .bind(key)
                .bind(version)
                .bind(&text)
                .bind(by)
                .bind(fmt_ts(at))
                .bind(reason)
                .execute(&mut *tx)
                .await?;
                if kind == $crate::rollup::CATEGORY_OVERRIDE_KIND {
                    // The event is counted under its new categories from now on.
                    if let Ok(id) = Uuid::parse_str(key) {
                        if let Some(l) = load_events(&mut tx, &[id]).await?.remove(&id) {
                            let c = self.rollups.get();
                            sync_rollups(&mut tx, c.as_deref(), &[(id, Some(&l.event))]).await?;
                        }
                    }
                }
                tx.commit().await?;
                Ok(Some($crate::ProtectionRecord {
                    kind: kind.to_string(),
                    key: key.to_string(),
                    version: $crate::common::count_u64(version),
                    doc: doc.clone(),
                    by: by.to_string(),
                    at,
                    reason: reason.map(str::to_string),
                }))
            }

            async fn protection_records(&self, kind: &str) -> Result<Vec<$crate::ProtectionRecord>> {
                let rows = sqlx::query(
                    "SELECT kind, record_key, version, doc, by_user, at, reason \
                     FROM protection_records WHERE kind = $1 ORDER BY record_key",
                )
                .bind(kind)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(protection_row).collect()
            }

            async fn protection_history(
                &self,
                kind: &str,
                key: &str,
            ) -> Result<Vec<$crate::ProtectionRecord>> {
                let rows = sqlx::query(
                    "SELECT kind, record_key, version, doc, by_user, at, reason \
                     FROM protection_history WHERE kind = $1 AND record_key = $2 ORDER BY version",
                )
                .bind(kind)
                .bind(key)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(protection_row).collect()
            }

            async fn create_draft(&self, draft: &$crate::NewDraft, by: &str) -> Result<$crate::Draft> {
                let id = Uuid::now_v7();
                let sid = id.to_string();
                let at = now();
                let mut tx = self.begin_write().await?;
                let sql = format!(
                    "INSERT INTO drafts ({DRAFT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                );
                sqlx::query(&sql)
                    .bind(&sid)
                    .bind($crate::DraftStatus::Draft.code())
                    .bind(to_json(&draft.event, &sid)?)
                    .bind(to_json(&draft.evidence, &sid)?)
                    .bind(&draft.report_text)
                    .bind(to_json(&draft.source, &sid)?)
                    .bind(by)
                    .bind(fmt_ts(at))
                    .bind(Option::<String>::None)
                    .execute(&mut *tx)
                    .await?;
                let rev = $crate::DraftRevision {
                    id: Uuid::now_v7(),
                    draft_id: id,
                    seq: 1,
                    action: "create".into(),
                    by: by.to_string(),
                    at,
                    reason: None,
                    changes: Vec::new(),
                };
                insert_draft_revision(&mut tx, &rev).await?;
                tx.commit().await?;
                Ok($crate::Draft {
                    id,
                    status: $crate::DraftStatus::Draft,
                    event: draft.event.clone(),
                    evidence: draft.evidence.clone(),
                    report_text: draft.report_text.clone(),
                    source: draft.source.clone(),
                    created_by: by.to_string(),
                    created_at: at,
                    event_id: None,
                })
            }

            async fn list_drafts(
                &self,
                status: Option<$crate::DraftStatus>,
            ) -> Result<Vec<$crate::Draft>> {
                let rows = match status {
                    Some(st) => {
                        let sql = format!(
                            "SELECT {DRAFT_COLUMNS} FROM drafts WHERE status = $1 ORDER BY created_at, id"
                        );
                        sqlx::query(&sql).bind(st.code()).fetch_all(&self.pool).await?
                    }
                    None => {
                        let sql =
                            format!("SELECT {DRAFT_COLUMNS} FROM drafts ORDER BY created_at, id");
                        sqlx::query(&sql).fetch_all(&self.pool).await?
                    }
                };
                rows.iter().map(decode_draft).collect()
            }

            async fn get_draft(&self, id: Uuid) -> Result<Option<$crate::Draft>> {
                let mut conn = self.pool.acquire().await?;
                fetch_draft(&mut conn, id).await
            }

            async fn accept_draft(
                &self,
                id: Uuid,
                edited: Option<&Event>,
                by: &str,
            ) -> Result<Event> {
                let mut tx = self.begin_write().await?;
                let draft = undecided_draft(&mut tx, id).await?;
                let mut event = edited.cloned().unwrap_or_else(|| draft.event.clone());
                event.id = draft.event.id;
                if !event.sources.contains(&draft.source) {
                    event.sources.push(draft.source.clone());
                }
                let at = now();
                event.audit = veille_model::Audit::new(by, at);
                validate(&event)?;
                insert_created(&mut tx, &event, by, Some(&format!("accepted from draft {id}")))
                    .await?;
                let rev = $crate::DraftRevision {
                    id: Uuid::now_v7(),
                    draft_id: id,
                    seq: next_draft_seq(&mut tx, id).await?,
                    action: "accept".into(),
                    by: by.to_string(),
                    at,
                    reason: Some(format!("created event {}", event.id)),
                    changes: diff_events(Some(&draft.event), &event),
                };
                decide_draft(&mut tx, id, $crate::DraftStatus::Accepted, Some(event.id), &rev)
                    .await?;
                let c = self.rollups.get();
                sync_rollups(&mut tx, c.as_deref(), &[(event.id, Some(&event))]).await?;
                tx.commit().await?;
                Ok(event)
            }

            async fn reject_draft(&self, id: Uuid, reason: &str, by: &str) -> Result<$crate::Draft> {
                if reason.trim().is_empty() {
                    return Err(StoreError::RejectReasonRequired);
                }
                let mut tx = self.begin_write().await?;
                let mut draft = undecided_draft(&mut tx, id).await?;
                let rev = $crate::DraftRevision {
                    id: Uuid::now_v7(),
                    draft_id: id,
                    seq: next_draft_seq(&mut tx, id).await?,
                    action: "reject".into(),
                    by: by.to_string(),
                    at: now(),
                    reason: Some(reason.to_string()),
                    changes: Vec::new(),
                };
                decide_draft(&mut tx, id, $crate::DraftStatus::Rejected, None, &rev).await?;
                tx.commit().await?;
                draft.status = $crate::DraftStatus::Rejected;
                Ok(draft)
            }

            async fn draft_history(&self, id: Uuid) -> Result<Vec<$crate::DraftRevision>> {
                let rows = sqlx::query(
                    "SELECT id, draft_id, seq, action, by_user, at, reason, changes \
                     FROM draft_revisions WHERE draft_id = $1 ORDER BY seq",
                )
                .bind(id.to_string())
                .fetch_all(&self.pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let rid: String = row.try_get(0)?;
                    let did: String = row.try_get(1)?;
                    let seq: i64 = row.try_get(2)?;
                    let at: String = row.try_get(5)?;
                    let changes: String = row.try_get(7)?;
                    out.push($crate::DraftRevision {
                        id: parse_uuid(&rid, &rid)?,
                        draft_id: parse_uuid(&did, &rid)?,
                        seq: u32::try_from(seq).map_err(|_| corrupt(&rid, "bad seq"))?,
                        action: row.try_get(3)?,
                        by: row.try_get(4)?,
                        at: $crate::common::parse_ts(&at, &rid)?,
                        reason: row.try_get(6)?,
                        changes: from_json(&changes, &rid)?,
                    });
                }
                Ok(out)
            }

            async fn dedup_records(
                &self,
                query: &$crate::DedupQuery,
            ) -> Result<Vec<$crate::DedupRecord>> {
                let (precision, ext_ids, place) = if $backend == Backend::Postgres {
                    (
                        "CAST(doc AS jsonb)->>'date_precision'",
                        "CAST(doc AS jsonb)->>'external_ids'",
                        "CAST(doc AS jsonb)->'location'->>'place_name'",
                    )
                } else {
                    (
                        "json_extract(doc, '$.date_precision')",
                        "json_extract(doc, '$.external_ids')",
                        "json_extract(doc, '$.location.place_name')",
                    )
                };
                let mut args: Vec<Arg> = Vec::new();
                let mut conds =
                    vec![format!("verification <> '{RETRACTED}'"), "merged_into IS NULL".into()];
                if let Some(a) = query.after {
                    args.push(Arg::Text(a.to_string()));
                    conds.push(format!("id > ${}", args.len()));
                }
                if let Some(d) = query.date_from {
                    args.push(Arg::Text(d.to_string()));
                    conds.push(format!("date_end >= ${}", args.len()));
                }
                if let Some(d) = query.date_to {
                    args.push(Arg::Text(d.to_string()));
                    conds.push(format!("date_start <= ${}", args.len()));
                }
                let limit = query.limit.unwrap_or(10_000).clamp(1, 100_000);
                args.push(Arg::I64(i64::try_from(limit).unwrap_or(10_000)));
                let sql = format!(
                    "SELECT id, date_start, date_end, {precision}, latitude, longitude, admin1, \
                     admin2, event_type, sub_event_type, killed_best, {ext_ids}, {place} FROM events WHERE {} \
                     ORDER BY id LIMIT ${}",
                    conds.join(" AND "),
                    args.len()
                );
                let rows = bind_args(sqlx::query(&sql), args)
                    .fetch_all(&self.pool)
                    .await?;
                let mut out = Vec::with_capacity(rows.len());
                let mut index: HashMap<String, usize> = HashMap::with_capacity(rows.len());
                for row in rows {
                    let id: String = row.try_get(0)?;
                    let ds: String = row.try_get(1)?;
                    let de: String = row.try_get(2)?;
                    let prec: Option<String> = row.try_get(3)?;
                    let et: String = row.try_get(8)?;
                    let st: String = row.try_get(9)?;
                    let killed: i64 = row.try_get(10)?;
                    let ext: Option<String> = row.try_get(11)?;
                    let ext: Vec<veille_model::ExternalId> = match ext.as_deref() {
                        Some(t) if !t.is_empty() => from_json(t, &id)?,
                        _ => Vec::new(),
                    };
                    let bad = |what: &str, v: &str| corrupt(&id, format!("bad {what} '{v}'"));
                    let prec = prec.unwrap_or_default();
                    let rec = $crate::DedupRecord {
                        id: parse_uuid(&id, &id)?,
                        date_start: $crate::common::parse_date(&ds, &id)?,
                        date_end: $crate::common::parse_date(&de, &id)?,
                        date_precision: prec.parse().map_err(|_| bad("date precision", &prec))?,
                        latitude: row.try_get(4)?,
                        longitude: row.try_get(5)?,
                        admin1: row.try_get(6)?,
                        admin2: row.try_get(7)?,
                        place_name: row.try_get(12)?,
                        event_type: et.parse().map_err(|_| bad("event type", &et))?,
                        sub_event_type: st.parse().map_err(|_| bad("sub-event type", &st))?,
                        killed_best: u32::try_from(killed).unwrap_or(0),
                        actors: Vec::new(),
                        datasets: $crate::DedupRecord::datasets_of(&ext),
                    };
                    index.insert(id, out.len());
                    out.push(rec);
                }
                // The actors of this page, by the event_actors index.
                let ids: Vec<String> = out.iter().map(|r| r.id.to_string()).collect();
                for chunk in ids.chunks(MAX_PARAMS.min(10_000)) {
                    let sql = format!(
                        "SELECT event_id, actor_id, name, role FROM event_actors WHERE event_id IN ({})",
                        list_sql(PH, chunk.len())
                    );
                    let mut q = sqlx::query(&sql);
                    for x in chunk {
                        q = q.bind(x.as_str());
                    }
                    for row in q.fetch_all(&self.pool).await? {
                        let eid: String = row.try_get(0)?;
                        let role: String = row.try_get(3)?;
                        let Some(&i) = index.get(&eid) else { continue };
                        out[i].actors.push($crate::DedupActor {
                            actor_id: row.try_get(1)?,
                            name: row.try_get(2)?,
                            role: role
                                .parse()
                                .map_err(|_| corrupt(&eid, format!("bad role '{role}'")))?,
                        });
                    }
                }
                for r in &mut out {
                    r.actors = $crate::DedupActor::sorted(std::mem::take(&mut r.actors));
                }
                Ok(out)
            }

            async fn merge_events(
                &self,
                survivor: Uuid,
                absorbed: Uuid,
                by: &str,
                reason: Option<&str>,
            ) -> Result<$crate::MergeRecord> {
                if survivor == absorbed {
                    return Err(StoreError::MergeWithItself(survivor));
                }
                let mut tx = self.begin_write().await?;
                let s = load_one(&mut tx, survivor).await?;
                let a = load_one(&mut tx, absorbed).await?;
                for e in [&s.event, &a.event] {
                    if e.is_retracted() {
                        return Err(StoreError::MergeRetracted(e.id));
                    }
                }
                for id in [survivor, absorbed] {
                    if let Some(into) = merged_into_of(&mut tx, id).await? {
                        return Err(StoreError::AlreadyMerged { id, into });
                    }
                }
                let at = now();
                let mut new = s.event.clone();
                union_into(&mut new.external_ids, &a.event.external_ids);
                union_into(&mut new.sources, &a.event.sources);
                union_into(&mut new.tags, &a.event.tags);
                let new = with_update_audit(new, &s.event, by, at);
                let changes = diff_events(Some(&s.event), &new);
                update_event_row(&mut tx, EventRow::from_event(&new, None)?).await?;
                let moved: Vec<String> =
                    a.event.external_ids.iter().map(|x| x.0.clone()).collect();
                move_external_ids(&mut tx, &moved, survivor).await?;
                set_merged_into(&mut tx, absorbed, Some(survivor)).await?;
                let record = $crate::MergeRecord {
                    id: Uuid::now_v7(),
                    survivor,
                    absorbed,
                    by: by.to_string(),
                    at,
                    reason: reason.map(str::to_string),
                    undone_at: None,
                };
                let mid = record.id.to_string();
                let sql = format!(
                    "INSERT INTO event_merges ({MERGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                );
                sqlx::query(&sql)
                    .bind(&mid)
                    .bind(survivor.to_string())
                    .bind(absorbed.to_string())
                    .bind(by)
                    .bind(fmt_ts(at))
                    .bind(reason)
                    .bind(to_json(&s.event, &mid)?)
                    .bind(to_json(&a.event, &mid)?)
                    .bind(Option::<String>::None)
                    .execute(&mut *tx)
                    .await?;
                let revs = [
                    update_revision(survivor, s.last_seq + 1, by, at, Some(with_reason(format!("merged: absorbed event {absorbed}"), reason)), changes),
                    update_revision(absorbed, a.last_seq + 1, by, at, Some(with_reason(format!("merged into event {survivor}"), reason)), vec![merged_change(None, Some(survivor))]),
                ];
                insert_revisions(&mut tx, &revs).await?;
                let c = self.rollups.get();
                sync_rollups(&mut tx, c.as_deref(), &[(survivor, Some(&new)), (absorbed, None)]).await?;
                tx.commit().await?;
                Ok(record)
            }

            async fn unmerge_event(
                &self,
                absorbed: Uuid,
                by: &str,
                reason: Option<&str>,
            ) -> Result<$crate::MergeRecord> {
                let mut tx = self.begin_write().await?;
                let a = load_one(&mut tx, absorbed).await?;
                let sql = format!(
                    "SELECT {MERGE_COLUMNS} FROM event_merges \
                     WHERE absorbed_id = $1 AND undone_at IS NULL ORDER BY at DESC, id DESC"
                );
                let Some(row) = sqlx::query(&sql)
                    .bind(absorbed.to_string())
                    .fetch_optional(&mut *tx)
                    .await?
                else {
                    return Err(StoreError::NotMerged(absorbed));
                };
                let m = decode_merge(&row)?;
                let survivor = m.record.survivor;
                if let Some(into) = merged_into_of(&mut tx, survivor).await? {
                    return Err(StoreError::SurvivorMerged {
                        id: absorbed,
                        survivor,
                        into,
                    });
                }
                let s = load_one(&mut tx, survivor).await?;
                let (sb, ab) = (&m.survivor_before, &m.absorbed_before);
                let mut restored = s.event.clone();
                remove_added(&mut restored.external_ids, &sb.external_ids, &ab.external_ids);
                remove_added(&mut restored.sources, &sb.sources, &ab.sources);
                remove_added(&mut restored.tags, &sb.tags, &ab.tags);
                let at = now();
                let restored = with_update_audit(restored, &s.event, by, at);
                let changes = diff_events(Some(&s.event), &restored);
                update_event_row(&mut tx, EventRow::from_event(&restored, None)?).await?;
                let back: Vec<String> = ab
                    .external_ids
                    .iter()
                    .filter(|x| !sb.external_ids.contains(x))
                    .map(|x| x.0.clone())
                    .collect();
                move_external_ids(&mut tx, &back, absorbed).await?;
                set_merged_into(&mut tx, absorbed, None).await?;
                sqlx::query(
                    "UPDATE event_merges SET undone_by = $1, undone_at = $2, undone_reason = $3 \
                     WHERE id = $4",
                )
                .bind(by)
                .bind(fmt_ts(at))
                .bind(reason)
                .bind(m.record.id.to_string())
                .execute(&mut *tx)
                .await?;
                let revs = [
                    update_revision(survivor, s.last_seq + 1, by, at, Some(with_reason(format!("unmerged: event {absorbed} split off"), reason)), changes),
                    update_revision(absorbed, a.last_seq + 1, by, at, Some(with_reason(format!("unmerged from event {survivor}"), reason)), vec![merged_change(Some(survivor), None)]),
                ];
                insert_revisions(&mut tx, &revs).await?;
                let c = self.rollups.get();
                sync_rollups(&mut tx, c.as_deref(), &[(survivor, Some(&restored)), (absorbed, Some(&a.event))]).await?;
                tx.commit().await?;
                let mut record = m.record;
                record.undone_at = Some(at);
                Ok(record)
            }

            async fn merged_into(&self, id: Uuid) -> Result<Option<Uuid>> {
                let mut conn = self.pool.acquire().await?;
                merged_into_of(&mut conn, id).await
            }

            async fn merges_of(&self, id: Uuid) -> Result<Vec<$crate::MergeRecord>> {
                let sql = format!(
                    "SELECT {MERGE_COLUMNS} FROM event_merges \
                     WHERE survivor_id = $1 OR absorbed_id = $1 ORDER BY at, id"
                );
                let rows = sqlx::query(&sql)
                    .bind(id.to_string())
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(|r| decode_merge(r).map(|m| m.record)).collect()
            }

            fn attach_rollups(&self, contributor: std::sync::Arc<dyn $crate::RollupContributor>) {
                self.rollups.set(contributor);
            }

            async fn rollup_cells(
                &self,
                query: &$crate::RollupQuery,
            ) -> Result<Vec<($crate::CellKey, $crate::CellTally)>> {
                let mut conn = self.pool.acquire().await?;
                let (fingerprint, stale, _) = rollup_state(&mut conn).await?;
                if stale {
                    return Err(StoreError::RollupsStale(
                        "events were written under other POC rules, or without them".into(),
                    ));
                }
                if let Some(want) = &query.fingerprint {
                    if fingerprint.as_deref() != Some(want.as_str()) {
                        return Err(StoreError::RollupsStale(
                            "they were built with other POC rules or actor classes".into(),
                        ));
                    }
                }
                if let (Some(c), Some(f)) = (self.rollups.get(), fingerprint) {
                    if c.fingerprint() != f {
                        return Err(StoreError::RollupsStale(
                            "they were built with other POC rules or actor classes".into(),
                        ));
                    }
                }
                let (conds, args) = $crate::rollup::query_conditions(query);
                // Tens of thousands of cells: aggregated into one JSON array by the
                // database and parsed here in one go, instead of one driver row each.
                let agg = match $backend {
                    Backend::Sqlite => "json_group_array(json_array(unit_kind, unit, grain, period, \
                        event_type, poc, perp, victim, ev, ki, ck, inj, ab, ch, la, lo, lc))",
                    Backend::Postgres => "COALESCE(json_agg(json_build_array(unit_kind, unit, grain, \
                        period, event_type, poc, perp, victim, ev, ki, ck, inj, ab, ch, la, lo, lc))::text, '[]')",
                };
                let sql = format!(
                    "SELECT {agg} FROM (SELECT unit_kind, unit, grain, period, event_type, poc, perp, victim, \
                     CAST(SUM(events) AS BIGINT) AS ev, CAST(SUM(killed) AS BIGINT) AS ki, \
                     CAST(SUM(civilians_killed) AS BIGINT) AS ck, CAST(SUM(injured) AS BIGINT) AS inj, \
                     CAST(SUM(abducted) AS BIGINT) AS ab, CAST(SUM(civilian_harm) AS BIGINT) AS ch, \
                     CAST(SUM(lat_e6) AS BIGINT) AS la, CAST(SUM(lon_e6) AS BIGINT) AS lo, \
                     CAST(SUM(located) AS BIGINT) AS lc \
                     FROM rollup_cells WHERE {conds} \
                     GROUP BY unit_kind, grain, perp, victim, unit, period, event_type, poc \
                     HAVING SUM(events) <> 0) c"
                );
                let row = bind_args(sqlx::query(&sql), args).fetch_one(&mut *conn).await?;
                let json: String = row.try_get(0)?;
                let mut out = $crate::rollup::cells_from_json(&json)
                    .map_err(|e| corrupt("rollup_cells", e))?;
                out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                Ok(out)
            }

            async fn rollup_status(&self) -> Result<$crate::RollupStatus> {
                let mut conn = self.pool.acquire().await?;
                let (fingerprint, stale, rebuilt_at) = rollup_state(&mut conn).await?;
                let facts = count(&mut conn, "SELECT COUNT(*) FROM rollup_facts").await?;
                let cells = count(&mut conn, "SELECT COUNT(*) FROM rollup_cells WHERE events <> 0").await?;
                Ok($crate::RollupStatus {
                    fingerprint,
                    stale,
                    rebuilt_at,
                    events_counted: $crate::common::count_u64(facts),
                    cells: $crate::common::count_u64(cells),
                })
            }

            async fn rebuild_rollups(
                &self,
                progress: &(dyn Fn(u64) + Send + Sync),
            ) -> Result<$crate::RebuildStats> {
                let c = self.rollups.get().ok_or(StoreError::NoRollupContributor)?;
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM rollup_cells").execute(&mut *tx).await?;
                sqlx::query("DELETE FROM rollup_facts").execute(&mut *tx).await?;
                let sql = format!(
                    "SELECT e.id, e.doc, p.doc FROM events e \
                     LEFT JOIN protection_records p ON p.kind = '{}' AND p.record_key = e.id \
                     WHERE e.merged_into IS NULL AND e.verification <> '{RETRACTED}' AND e.id > $1 \
                     ORDER BY e.id LIMIT 2000",
                    $crate::rollup::CATEGORY_OVERRIDE_KIND
                );
                let mut stats = $crate::RebuildStats { events_read: 0, events_counted: 0, cells: 0 };
                let mut delta = $crate::rollup::Delta::new();
                let mut last = String::new();
                loop {
                    let rows = sqlx::query(&sql).bind(&last).fetch_all(&mut *tx).await?;
                    if rows.is_empty() {
                        break;
                    }
                    let mut put = Vec::with_capacity(rows.len());
                    for row in &rows {
                        let id: String = row.try_get(0)?;
                        let doc: String = row.try_get(1)?;
                        let over: Option<String> = row.try_get(2)?;
                        let event = parse_doc(&id, &doc)?;
                        let over = match over {
                            Some(o) => Some(
                                serde_json::from_str::<serde_json::Value>(&o)
                                    .map_err(|e| corrupt(&id, e.to_string()))?,
                            ),
                            None => None,
                        };
                        stats.events_read += 1;
                        if let Some(f) = c.facts(&event, over.as_ref()) {
                            let sens = event.sensitivity.code().to_string();
                            $crate::rollup::add_cells(&mut delta, c.as_ref(), &id, &sens, &f, 1)?;
                            put.push((id.clone(), sens, f));
                            stats.events_counted += 1;
                        }
                        last = id;
                    }
                    // Bound memory: flush the partial cube into the table now and then.
                    let cells = if delta.len() > 250_000 {
                        std::mem::take(&mut delta)
                    } else {
                        Default::default()
                    };
                    execute_all(&mut tx, rollup_writes(put, Vec::new(), cells)).await?;
                    progress(stats.events_read);
                }
                execute_all(&mut tx, rollup_writes(Vec::new(), Vec::new(), delta)).await?;
                sqlx::query(
                    "UPDATE rollup_state SET fingerprint = $1, stale = 0, rebuilt_at = $2 WHERE id = 1",
                )
                .bind(c.fingerprint())
                .bind(fmt_ts(now()))
                .execute(&mut *tx)
                .await?;
                stats.cells = $crate::common::count_u64(
                    count(&mut tx, "SELECT COUNT(*) FROM rollup_cells WHERE events <> 0").await?,
                );
                tx.commit().await?;
                self.settle().await?;
                Ok(stats)
            }
        }

        /// Decodes a protection_records / protection_history row.
        fn protection_row(
            r: &<$db as sqlx::Database>::Row,
        ) -> Result<$crate::ProtectionRecord> {
            let key: String = r.try_get(1)?;
            let doc: String = r.try_get(3)?;
            let at: String = r.try_get(5)?;
            Ok($crate::ProtectionRecord {
                kind: r.try_get(0)?,
                version: $crate::common::count_u64(r.try_get::<i64, _>(2)?),
                doc: serde_json::from_str(&doc).map_err(|e| corrupt(&key, e.to_string()))?,
                by: r.try_get(4)?,
                at: $crate::common::parse_ts(&at, &key)?,
                reason: r.try_get(6)?,
                key,
            })
        }

        #[doc = concat!("A bulk import in progress on [`", stringify!($store), "`]: one open transaction.")]
        pub struct $session {
            tx: sqlx::Transaction<'static, $db>,
            store: $store,
            batch: ImportBatch,
            at: chrono::DateTime<chrono::Utc>,
            rollups: Option<std::sync::Arc<dyn $crate::rollup::RollupContributor>>,
        }

        /// Where an event offered to a chunk went.
        enum Slot {
            /// Index into the chunk's new events.
            New(usize),
            /// An existing event changed by this chunk (index into `updated`).
            Updated(usize),
        }

        impl $session {
            /// Marks `e` as coming from this batch.
            fn stamp(&self, e: &mut Event) {
                match &mut e.provenance {
                    Some(p) => p.batch_id = Some(self.batch.id),
                    None => {
                        e.provenance = Some(Provenance {
                            format: self.batch.format.clone(),
                            batch_id: Some(self.batch.id),
                            original: Default::default(),
                        })
                    }
                }
            }
        }

        #[async_trait]
        impl ImportSession for $session {
            async fn upsert_chunk(&mut self, events: Vec<Event>) -> Result<Vec<UpsertOutcome>> {
                for e in &events {
                    validate(e)?;
                }
                // One lookup for the whole chunk; it sees this session's earlier chunks.
                let mut known = {
                    let ids: Vec<&str> = events
                        .iter()
                        .flat_map(|e| e.external_ids.iter().map(|x| x.0.as_str()))
                        .collect();
                    lookup_external_ids(&mut self.tx, &ids).await?
                };
                let loaded = if known.is_empty() {
                    HashMap::new()
                } else {
                    let mut ids: Vec<Uuid> = known.values().copied().collect();
                    ids.sort_unstable();
                    ids.dedup();
                    load_events(&mut self.tx, &ids).await?
                };

                let mut outcomes = Vec::with_capacity(events.len());
                let mut new_events: Vec<Loaded> = Vec::new();
                // Existing events changed by this chunk, in first-change order.
                let mut updated: Vec<Loaded> = Vec::new();
                let mut slots: HashMap<Uuid, Slot> = HashMap::new();
                let mut revisions: Vec<Revision> = Vec::new();

                for mut e in events {
                    self.stamp(&mut e);
                    let mut target: Option<Uuid> = None;
                    for x in &e.external_ids {
                        if let Some(id) = known.get(&x.0) {
                            match target {
                                Some(t) if t != *id => {
                                    return Err(StoreError::DuplicateExternalId {
                                        external_id: x.0.clone(),
                                        existing: *id,
                                    })
                                }
                                _ => target = Some(*id),
                            }
                        }
                    }
                    let Some(id) = target else {
                        for x in &e.external_ids {
                            known.insert(x.0.clone(), e.id);
                        }
                        slots.insert(e.id, Slot::New(new_events.len()));
                        outcomes.push(UpsertOutcome::Created(e.id));
                        // seq 1 is the synthesised import revision.
                        new_events.push(Loaded { event: e, last_seq: 1 });
                        continue;
                    };
                    e.id = id;
                    // The current version: new or changed earlier in this chunk, or stored.
                    let (current, last_seq): (&Event, u32) = match slots.get(&id) {
                        Some(Slot::New(i)) => (&new_events[*i].event, new_events[*i].last_seq),
                        Some(Slot::Updated(i)) => (&updated[*i].event, updated[*i].last_seq),
                        None => match loaded.get(&id) {
                            Some(l) => (&l.event, l.last_seq),
                            None => {
                                return Err(corrupt(
                                    &id.to_string(),
                                    "an external id points to a missing event",
                                ))
                            }
                        },
                    };
                    // A dataset row replaces the fields it carries, but never takes away
                    // what analysts added since: other external ids (attached by hand or
                    // by a merge) and other sources stay.
                    for x in &current.external_ids {
                        if !e.external_ids.contains(x) {
                            e.external_ids.push(x.clone());
                        }
                    }
                    for src in &current.sources {
                        if !e.sources.contains(src) {
                            e.sources.push(src.clone());
                        }
                    }
                    let changes = diff_events(Some(current), &e);
                    if changes.is_empty() {
                        outcomes.push(UpsertOutcome::Unchanged(id));
                        continue;
                    }
                    let new = with_update_audit(e, current, &self.batch.by, self.at);
                    let seq = last_seq + 1;
                    for x in &new.external_ids {
                        known.insert(x.0.clone(), id);
                    }
                    revisions.push(Revision {
                        id: Uuid::now_v7(),
                        event_id: id,
                        seq,
                        action: RevisionAction::Update,
                        by: self.batch.by.clone(),
                        at: self.at,
                        reason: Some(format!("re-import batch {}", self.batch.id)),
                        batch_id: Some(self.batch.id),
                        changes,
                    });
                    match slots.get(&id) {
                        // Created then changed within this chunk: store the last version.
                        Some(Slot::New(i)) => {
                            new_events[*i] = Loaded {
                                event: new,
                                last_seq: seq,
                            }
                        }
                        Some(Slot::Updated(i)) => {
                            updated[*i] = Loaded {
                                event: new,
                                last_seq: seq,
                            }
                        }
                        None => {
                            slots.insert(id, Slot::Updated(updated.len()));
                            updated.push(Loaded {
                                event: new,
                                last_seq: seq,
                            });
                        }
                    }
                    outcomes.push(UpsertOutcome::Updated(id));
                }

                // Write: new events in multi-row statements, then changed ones.
                if !new_events.is_empty() {
                    let mut rows = Vec::with_capacity(new_events.len());
                    let mut pairs = Vec::with_capacity(new_events.len());
                    for n in &new_events {
                        rows.push(EventRow::from_event(&n.event, Some(self.batch.id))?);
                        pairs.extend(external_id_pairs(&n.event));
                    }
                    insert_events(&mut self.tx, rows).await?;
                    insert_external_ids(&mut self.tx, pairs).await?;
                    let actors: Vec<EventActorRow> = new_events
                        .iter()
                        .flat_map(|n| event_actor_rows(&n.event))
                        .collect();
                    insert_event_actors(&mut self.tx, actors).await?;
                }
                for u in &updated {
                    update_event_row(&mut self.tx, EventRow::from_event(&u.event, None)?).await?;
                    let same_actors = loaded.get(&u.event.id).is_some_and(|l| {
                        l.event.actors == u.event.actors
                            && l.event.date_start == u.event.date_start
                            && l.event.date_end == u.event.date_end
                    });
                    if !same_actors {
                        replace_event_actors(&mut self.tx, &u.event).await?;
                    }
                    let old = loaded.get(&u.event.id).map(|l| &l.event);
                    match old {
                        Some(old) if old.external_ids == u.event.external_ids => {}
                        Some(old) => replace_external_ids(&mut self.tx, old, &u.event).await?,
                        None => {
                            return Err(corrupt(&u.event.id.to_string(), "updated event not loaded"))
                        }
                    }
                }
                insert_revisions(&mut self.tx, &revisions).await?;
                let items: Vec<(Uuid, Option<&Event>)> = new_events
                    .iter()
                    .chain(updated.iter())
                    .map(|l| (l.event.id, Some(&l.event)))
                    .collect();
                sync_rollups(&mut self.tx, self.rollups.as_deref(), &items).await?;
                Ok(outcomes)
            }

            async fn commit(mut self: Box<Self>, batch: &ImportBatch) -> Result<()> {
                insert_batch(&mut self.tx, batch).await?;
                self.tx.commit().await?;
                self.store.settle().await
            }

            async fn rollback(self: Box<Self>) -> Result<()> {
                self.tx.rollback().await?;
                Ok(())
            }
        }

    };
}

pub(crate) use impl_store;
