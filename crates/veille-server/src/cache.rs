//! Cached answers of the dashboard's heavy reads: the map, event lists and searches, the
//! threat matrix. Analysts look at the same regions and months over and over; the data
//! changes far less often than it is read.
//!
//! - **Key**: the route, the query string as sent, and what the caller may see (clearance,
//!   exact victim locations). Permissions are checked before the cache is asked, so a
//!   cached answer only ever goes to callers entitled to the same answer.
//! - **Validity**: each answer is stored with the store's
//!   [`data_version`](veille_store::Store::data_version), read *before* the data. Any
//!   write to events, protection records, reference edits or the rollup state, by this
//!   server or another process, moves the version, and answers made before it are
//!   served again only as below.
//! - **One computation per key**: concurrent misses for the same key wait for the first
//!   one instead of all computing it (fifty analysts opening the same matrix after an
//!   import compute it once).
//! - **While recomputing** ([`Freshness::WhileRecomputing`], the threat matrix and the
//!   map only): when the data moved and another request is already computing the new
//!   answer, the others get the key's previous answer at once, marked
//!   `X-Veille-Stale: recomputing`, instead of queueing behind the model fit. The request
//!   that finds no computation running computes (so a caller who wrote and then reads
//!   alone sees the write). Event lists and searches are always exact.
//! - Every cached answer says which data version it shows (`X-Veille-Data-Version`).
//! - **Bytes**: answers are kept raw and gzip-compressed, with an ETag
//!   (`"v<version>-<key digest>"`), so a hit costs no serialisation or compression and a
//!   browser's revalidation (`If-None-Match`) answers `304`. The least recently used
//!   answers go first when the budget ([`Config::response_cache_bytes`]) is spent; a
//!   budget of 0 turns caching off (every answer computed, as `veille bench api
//!   --no-cache` measures).
//!
//! [`Config::response_cache_bytes`]: crate::Config::response_cache_bytes

use crate::auth::Caller;
use crate::error::ApiError;
use crate::ui::Prepared;
use crate::AppState;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use flate2::Compression;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::{Arc, Mutex, Weak};

/// `Cache-Control` of cached API answers: the browser may keep them, per user, and must
/// revalidate (cheap: a `304`).
const CACHE_CONTROL: &str = "private, no-cache";

/// Hits and misses since the server started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Answers served from the cache.
    pub hits: u64,
    /// Answers computed.
    pub misses: u64,
    /// Previous answers served while the current one was being computed.
    pub stale: u64,
    /// Answers held now.
    pub entries: usize,
    /// Bytes held now.
    pub bytes: usize,
}

struct Entry {
    version: u64,
    tick: u64,
    answer: Arc<Prepared>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    /// Last use → key, oldest first.
    order: BTreeMap<u64, String>,
    tick: u64,
    bytes: usize,
    hits: u64,
    misses: u64,
    stale: u64,
}

impl Inner {
    fn remove(&mut self, key: &str) {
        if let Some(e) = self.entries.remove(key) {
            self.order.remove(&e.tick);
            self.bytes -= e.answer.size();
        }
    }

    fn touch(&mut self, key: &str) {
        self.tick += 1;
        let tick = self.tick;
        if let Some(e) = self.entries.get_mut(key) {
            self.order.remove(&e.tick);
            e.tick = tick;
            self.order.insert(tick, key.to_string());
        }
    }
}

/// Whether a route may answer with the previous data version's answer while the current
/// one is being computed (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Always the current version (event lists and searches).
    Exact,
    /// The previous answer while another request computes the current one (the threat
    /// matrix and the map).
    WhileRecomputing,
}

/// An answer and the data version it shows.
pub struct Served {
    /// The answer.
    pub answer: Arc<Prepared>,
    /// The data version it was computed at.
    pub version: u64,
    /// True when it is an older version's answer, served while the current one is being
    /// computed.
    pub stale: bool,
}

/// The response cache (see the module docs).
pub struct ResponseCache {
    max_bytes: usize,
    inner: Mutex<Inner>,
    /// One lock per key being computed.
    computing: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
}

impl ResponseCache {
    /// A cache holding at most `max_bytes` of answers (0: no caching).
    pub fn new(max_bytes: usize) -> Self {
        ResponseCache {
            max_bytes,
            inner: Mutex::new(Inner::default()),
            computing: Mutex::new(HashMap::new()),
        }
    }

    /// True when answers are cached at all.
    pub fn enabled(&self) -> bool {
        self.max_bytes > 0
    }

    /// Hits, misses and size.
    pub fn stats(&self) -> CacheStats {
        match self.inner.lock() {
            Ok(i) => CacheStats {
                hits: i.hits,
                misses: i.misses,
                stale: i.stale,
                entries: i.entries.len(),
                bytes: i.bytes,
            },
            Err(_) => CacheStats::default(),
        }
    }

    /// The answer stored for `key` at `version`, counting a hit.
    fn get(&self, key: &str, version: u64) -> Option<Arc<Prepared>> {
        let mut i = self.inner.lock().ok()?;
        let answer = match i.entries.get(key) {
            Some(e) if e.version == version => e.answer.clone(),
            _ => return None,
        };
        i.touch(key);
        i.hits += 1;
        Some(answer)
    }

    /// The answer stored for `key` at a version older than `version`, counting a stale
    /// answer.
    fn get_previous(&self, key: &str, version: u64) -> Option<(Arc<Prepared>, u64)> {
        let mut i = self.inner.lock().ok()?;
        let (answer, v) = match i.entries.get(key) {
            Some(e) if e.version < version => (e.answer.clone(), e.version),
            _ => return None,
        };
        i.touch(key);
        i.stale += 1;
        Some((answer, v))
    }

    fn put(&self, key: String, version: u64, answer: Arc<Prepared>) {
        let Ok(mut i) = self.inner.lock() else {
            return;
        };
        i.misses += 1;
        if answer.size() > self.max_bytes
            || i.entries.get(&key).is_some_and(|e| e.version > version)
        {
            return;
        }
        // Older answers stay (as the previous answer of their key) until replaced or
        // pushed out by the budget.
        i.remove(&key);
        i.tick += 1;
        let tick = i.tick;
        i.bytes += answer.size();
        i.order.insert(tick, key.clone());
        i.entries.insert(
            key,
            Entry {
                version,
                tick,
                answer,
            },
        );
        while i.bytes > self.max_bytes {
            let Some((_, oldest)) = i.order.pop_first() else {
                break;
            };
            if let Some(e) = i.entries.remove(&oldest) {
                i.bytes -= e.answer.size();
            }
        }
    }

    /// The lock serialising computations of `key`.
    fn lock_for(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut m = match self.computing.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        m.retain(|_, w| w.strong_count() > 0);
        if let Some(l) = m.get(key).and_then(Weak::upgrade) {
            return l;
        }
        let l = Arc::new(tokio::sync::Mutex::new(()));
        m.insert(key.to_string(), Arc::downgrade(&l));
        l
    }

    /// [`serve`](Self::serve) with [`Freshness::Exact`], for the tests.
    #[cfg(test)]
    async fn get_or_compute<F, Fut>(
        &self,
        key: &str,
        version: u64,
        compute: F,
    ) -> Result<Arc<Prepared>, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Prepared, ApiError>>,
    {
        Ok(self
            .serve(key, version, Freshness::Exact, compute)
            .await?
            .answer)
    }

    /// The answer for `key` at `version`: from the cache, or computed once by `compute`
    /// (concurrent callers with the same key wait for it) and stored; with
    /// [`Freshness::WhileRecomputing`], the key's previous answer when another caller is
    /// computing this version's.
    pub async fn serve<F, Fut>(
        &self,
        key: &str,
        version: u64,
        freshness: Freshness,
        compute: F,
    ) -> Result<Served, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Prepared, ApiError>>,
    {
        let exact = |answer| Served {
            answer,
            version,
            stale: false,
        };
        if let Some(a) = self.get(key, version) {
            return Ok(exact(a));
        }
        let lock = self.lock_for(key);
        let _guard = match lock.try_lock() {
            Ok(g) => g,
            Err(_) => {
                if freshness == Freshness::WhileRecomputing {
                    if let Some((answer, v)) = self.get_previous(key, version) {
                        return Ok(Served {
                            answer,
                            version: v,
                            stale: true,
                        });
                    }
                }
                lock.lock().await
            }
        };
        if let Some(a) = self.get(key, version) {
            return Ok(exact(a));
        }
        let answer = Arc::new(compute().await?);
        self.put(key.to_string(), version, answer.clone());
        Ok(exact(answer))
    }
}

/// What distinguishes the answers of one route for different callers: the clearance and
/// whether victims' exact locations are shown.
fn caller_class(caller: &Caller) -> String {
    format!(
        "{}:{}",
        caller.role.clearance().code(),
        caller.role.exact_locations()
    )
}

/// Answers a read through the cache: `compute` makes the body (of `content_type`) when
/// the cache has no answer for this route, query and caller class at the current data
/// version (or, with [`Freshness::WhileRecomputing`], gives the previous one while
/// another request computes it). With caching off the body is sent as computed (the
/// router's compression layer gzips it).
#[allow(clippy::too_many_arguments)]
pub async fn cached<F, Fut>(
    state: &AppState,
    caller: &Caller,
    route: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    content_type: &'static str,
    freshness: Freshness,
    compute: F,
) -> Result<Response, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Vec<u8>, ApiError>>,
{
    let cache = &state.cache;
    if !cache.enabled() {
        let body = compute().await?;
        let mut r = body.into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        return Ok(r);
    }
    // Read before the data, so an answer is never newer-labelled than what it shows.
    let version = state.store.data_version().await?;
    let key = format!(
        "{route}?{}|{}",
        query.unwrap_or_default(),
        caller_class(caller)
    );
    let served = cache
        .serve(&key, version, freshness, || async {
            let body = compute().await?;
            let digest = hex::encode(Sha256::digest(key.as_bytes()));
            let etag = format!("\"v{version}-{}\"", &digest[..16]);
            Ok(Prepared::with_etag(
                content_type,
                body,
                etag,
                CACHE_CONTROL,
                Compression::fast(),
            ))
        })
        .await?;
    let mut r = served.answer.respond(headers);
    let h = r.headers_mut();
    h.insert(DATA_VERSION, HeaderValue::from(served.version));
    if served.stale {
        h.insert(STALE, HeaderValue::from_static("recomputing"));
    }
    Ok(r)
}

/// The data version an answer shows.
pub const DATA_VERSION: &str = "x-veille-data-version";
/// Set on a previous answer served while the current one is computed.
pub const STALE: &str = "x-veille-stale";

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn answer(n: usize) -> Prepared {
        Prepared::with_etag(
            "application/json",
            vec![b'x'; n],
            "\"e\"".into(),
            CACHE_CONTROL,
            Compression::none(),
        )
    }

    #[tokio::test]
    async fn a_newer_version_is_a_miss_and_replaces_the_older_answer() {
        let c = ResponseCache::new(1 << 20);
        let mut computed = 0;
        for version in [1, 1, 2, 2, 1] {
            c.get_or_compute("k", version, || async {
                computed += 1;
                Ok(answer(10))
            })
            .await
            .unwrap();
        }
        // 1 computed, 1 hit, 2 computed, 2 hit, 1 computed again (older, not stored).
        assert_eq!(computed, 3);
        let s = c.stats();
        assert_eq!((s.hits, s.misses, s.entries), (2, 3, 1));
        assert!(c.get("k", 1).is_none() && c.get("k", 2).is_some());
    }

    fn tagged(tag: &str) -> Prepared {
        Prepared::with_etag(
            "application/json",
            tag.as_bytes().to_vec(),
            format!("\"{tag}\""),
            CACHE_CONTROL,
            Compression::none(),
        )
    }

    #[tokio::test]
    async fn while_one_caller_recomputes_the_others_get_the_previous_answer() {
        let c = Arc::new(ResponseCache::new(1 << 20));
        c.get_or_compute("m", 1, || async { Ok(tagged("v1")) })
            .await
            .unwrap();
        let (started, wait) = tokio::sync::oneshot::channel::<()>();
        let (finish, finished) = tokio::sync::oneshot::channel::<()>();
        let slow = {
            let c = c.clone();
            tokio::spawn(async move {
                c.serve("m", 2, Freshness::WhileRecomputing, || async move {
                    let _ = started.send(());
                    let _ = finished.await;
                    Ok(tagged("v2"))
                })
                .await
                .map(|s| (s.answer.raw.to_vec(), s.version, s.stale))
            })
        };
        wait.await.unwrap();
        // Version 2 is being computed: a lagging route gets version 1's answer at once.
        let lagging = c.serve("m", 2, Freshness::WhileRecomputing, || async {
            panic!("computed twice")
        });
        let s = tokio::time::timeout(std::time::Duration::from_secs(5), lagging)
            .await
            .expect("waited for the computation instead of answering")
            .unwrap();
        assert_eq!(
            (&s.answer.raw[..], s.version, s.stale),
            (&b"v1"[..], 1, true)
        );
        // An exact route waits for it instead.
        let exact = {
            let c = c.clone();
            tokio::spawn(async move {
                c.serve("m", 2, Freshness::Exact, || async {
                    panic!("computed twice")
                })
                .await
                .map(|s| (s.answer.raw.to_vec(), s.version, s.stale))
            })
        };
        tokio::task::yield_now().await;
        assert!(!exact.is_finished());
        finish.send(()).unwrap();
        assert_eq!(slow.await.unwrap().unwrap(), (b"v2".to_vec(), 2, false));
        assert_eq!(exact.await.unwrap().unwrap(), (b"v2".to_vec(), 2, false));
        // Nothing running: a lagging route computes the new version itself.
        let s = c
            .serve("m", 3, Freshness::WhileRecomputing, || async {
                Ok(tagged("v3"))
            })
            .await
            .unwrap();
        assert_eq!((&s.answer.raw[..], s.stale), (&b"v3"[..], false));
        let st = c.stats();
        assert_eq!((st.misses, st.stale), (3, 1));
    }

    #[tokio::test]
    async fn least_recently_used_answers_leave_first() {
        let c = ResponseCache::new(3 * answer(100).size());
        for k in ["a", "b", "c"] {
            c.get_or_compute(k, 1, || async { Ok(answer(100)) })
                .await
                .unwrap();
        }
        // Use "a", so "b" is the oldest when "d" arrives.
        assert!(c.get("a", 1).is_some());
        c.get_or_compute("d", 1, || async { Ok(answer(100)) })
            .await
            .unwrap();
        assert!(c.get("b", 1).is_none());
        assert!(c.get("a", 1).is_some() && c.get("c", 1).is_some() && c.get("d", 1).is_some());
        assert_eq!(c.stats().bytes, 3 * answer(100).size());
    }

    #[tokio::test]
    async fn concurrent_misses_compute_once() {
        let c = Arc::new(ResponseCache::new(1 << 20));
        let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (c, runs) = (c.clone(), runs.clone());
            tasks.push(tokio::spawn(async move {
                c.get_or_compute("same", 7, || async {
                    runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    Ok(answer(10))
                })
                .await
                .map(|a| a.raw.len())
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), 10);
        }
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn errors_are_not_cached_and_a_zero_budget_stores_nothing() {
        let c = ResponseCache::new(1 << 20);
        let e = c
            .get_or_compute("k", 1, || async { Err(ApiError::bad_request("no")) })
            .await;
        assert!(e.is_err());
        assert_eq!(c.stats().entries, 0);
        let off = ResponseCache::new(0);
        assert!(!off.enabled());
        off.get_or_compute("k", 1, || async { Ok(answer(10)) })
            .await
            .unwrap();
        assert_eq!(off.stats().entries, 0);
    }
}
