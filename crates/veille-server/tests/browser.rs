//! End-to-end test in a real browser: Debian's headless Chromium driven over the DevTools
//! protocol (chromiumoxide, no browser download). A real server on a loopback port with a
//! temporary SQLite database; a French-speaking analyst logs in, creates an event through
//! the form (its notes carry `<script>`), sees it on the map and in the table, opens its
//! page (notes shown as text, nothing executed), accepts a draft from the review queue
//! (evidence highlighted in the report) and merges the duplicate the new event's page
//! proposes, acknowledges a warning on the warnings board (seeded through veille-desk),
//! opens the threat matrix, generates and downloads a regional report, and switches the
//! UI to English. The
//! first-load transfer size is read from the browser's Resource Timing. Screenshots go to
//! `target/browser-artifacts/` (or `$VEILLE_BROWSER_ARTIFACTS`).
//!
//! `VEILLE_CHROMIUM` names another executable. Without Chromium the test prints `skipped: no chromium` and returns, unless
//! `VEILLE_REQUIRE_BROWSER=1`, where it fails.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
// `Network.emulateNetworkConditions` is deprecated in the newest protocol in favour of
// `emulateNetworkConditionsByRule`, which older Debian Chromium builds lack; the old
// command works on both.
#![allow(deprecated)]

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use chromiumoxide::cdp::browser_protocol::network::{EmulateNetworkConditionsParams, EnableParams};
use chromiumoxide::page::ScreenshotParams;
use chromiumoxide::Page;
use futures::StreamExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use veille_server::{auth, AppState, Config};
use veille_store::{AuthStore, SqliteStore};

const PASSWORD: &str = "correct horse battery";
const NOTE: &str =
    "Témoin: <script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\"> fin";

/// `$VEILLE_CHROMIUM` when set (and only it), else Debian's `/usr/bin/chromium`.
fn chromium() -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match std::env::var("VEILLE_CHROMIUM") {
        Ok(p) if !p.trim().is_empty() => vec![PathBuf::from(p)],
        _ => vec![
            "/usr/bin/chromium".into(),
            "/usr/bin/chromium-browser".into(),
        ],
    };
    candidates.into_iter().find(|p| p.is_file())
}

fn artifacts() -> PathBuf {
    let dir = std::env::var("VEILLE_BROWSER_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-artifacts")
        });
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(page: &Page, name: &str) {
    let path = artifacts().join(name);
    page.save_screenshot(ScreenshotParams::builder().full_page(true).build(), &path)
        .await
        .unwrap();
    println!("screenshot: {}", path.display());
}

/// Evaluates `body` (the body of an async JS function) and returns its JSON value.
async fn js(page: &Page, body: &str) -> serde_json::Value {
    page.evaluate_function(format!("async () => {{ {body} }}"))
        .await
        .unwrap_or_else(|e| panic!("js failed: {e}\n{body}"))
        .into_value::<serde_json::Value>()
        .unwrap_or(serde_json::Value::Null)
}

/// Waits until `cond` (a JS expression) is truthy; on timeout saves a screenshot and fails.
async fn wait_for(page: &Page, what: &str, cond: &str) {
    let start = Instant::now();
    loop {
        let v = js(
            page,
            &format!("try {{ return !!({cond}); }} catch (e) {{ return false; }}"),
        )
        .await;
        if v == serde_json::Value::Bool(true) {
            return;
        }
        if start.elapsed() > Duration::from_secs(30) {
            shot(page, &format!("failed-{}.png", what.replace(' ', "-"))).await;
            let body = js(page, "return document.body.innerText.slice(0, 2000);").await;
            panic!("timed out waiting for {what} ({cond}); page text: {body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks the element `selector` as a person would.
async fn click(page: &Page, selector: &str) {
    page.find_element(selector)
        .await
        .unwrap_or_else(|e| panic!("no {selector}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Goes to a route and waits until that route (not an earlier one) has rendered.
async fn go(page: &Page, hash: &str, view: &str) {
    let before = js(page, "return document.body.dataset.ready || '';").await;
    js(
        page,
        &format!("location.hash = {}; return 1;", serde_json::json!(hash)),
    )
    .await;
    wait_for(
        page,
        view,
        &format!(
            "document.body.dataset.view === '{view}' && document.body.dataset.ready !== {before}"
        ),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyst_session_in_a_real_browser() {
    let Some(exe) = chromium() else {
        assert_ne!(
            std::env::var("VEILLE_REQUIRE_BROWSER").as_deref(),
            Ok("1"),
            "VEILLE_REQUIRE_BROWSER=1 but no Chromium at /usr/bin/chromium (apt-get install -y chromium)"
        );
        println!("skipped: no chromium");
        return;
    };

    // A real server on a loopback port over a temporary SQLite database.
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("b.db")).await.unwrap());
    store
        .create_user(
            "awa",
            "analyst",
            "fr",
            &auth::hash_password(PASSWORD).unwrap(),
            "test",
        )
        .await
        .unwrap();
    let state = Arc::new(
        AppState::new(
            store.clone(),
            store.clone(),
            Config {
                secure_cookies: false,
                ..Config::default()
            },
        )
        .unwrap(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(veille_server::serve(listener, state, async move {
        let _ = stopped.await;
    }));

    let profile = tempfile::tempdir().unwrap();
    let config = BrowserConfig::builder()
        .chrome_executable(&exe)
        .no_sandbox()
        .user_data_dir(profile.path())
        .window_size(1366, 900)
        .viewport(None)
        .arg("--disable-gpu")
        .arg("--disable-dev-shm-usage")
        .arg("--no-first-run")
        .launch_timeout(Duration::from_secs(60))
        .request_timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let (mut browser, mut handler) = Browser::launch(config).await.unwrap();
    let driver = tokio::spawn(async move { while handler.next().await.is_some() {} });
    let page = browser.new_page("about:blank").await.unwrap();
    page.execute(
        SetDeviceMetricsOverrideParams::builder()
            .width(1366)
            .height(900)
            .device_scale_factor(1.0)
            .mobile(false)
            .build()
            .unwrap(),
    )
    .await
    .unwrap();

    // The first load runs over an emulated field link: 256 kbit/s each way, 300 ms latency.
    page.execute(EnableParams::default()).await.unwrap();
    page.execute(EmulateNetworkConditionsParams::new(
        false, 300.0, 32_000.0, 32_000.0,
    ))
    .await
    .unwrap();

    // 1. The app asks for a login.
    let t_page = Instant::now();
    page.goto(format!("{base}/")).await.unwrap();
    wait_for(&page, "login form", "document.querySelector('#login-form')").await;
    let login_ready = t_page.elapsed();
    shot(&page, "01-login.png").await;

    // 2. Log in by typing, as a person would.
    page.find_element("#login-user")
        .await
        .unwrap()
        .click()
        .await
        .unwrap()
        .type_str("awa")
        .await
        .unwrap();
    page.find_element("#login-password")
        .await
        .unwrap()
        .click()
        .await
        .unwrap()
        .type_str(PASSWORD)
        .await
        .unwrap();
    let t_map = Instant::now();
    page.find_element("#login-submit")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &page,
        "map after login",
        "document.querySelector('#map-status[data-count]') && document.querySelectorAll('.leaflet-overlay-pane path').length >= 9",
    )
    .await;
    let map_ready = t_map.elapsed();
    println!(
        "at 256 kbit/s, 300 ms: login page ready in {:.1} s, map ready {:.1} s after sign-in",
        login_ready.as_secs_f64(),
        map_ready.as_secs_f64()
    );
    page.execute(EmulateNetworkConditionsParams::new(false, 0.0, -1.0, -1.0))
        .await
        .unwrap();
    // The user's language is French.
    let nav = js(&page, "return document.querySelector('#nav').innerText;").await;
    assert!(nav.as_str().unwrap().contains("Carte"), "{nav}");
    assert!(nav.as_str().unwrap().contains("Événements"), "{nav}");
    // Offline by design: every resource the page loaded came from this server.
    let foreign = js(
        &page,
        &format!(
            "return performance.getEntriesByType('resource').map(r => r.name).filter(n => !n.startsWith({}));",
            serde_json::json!(base)
        ),
    )
    .await;
    assert_eq!(foreign, serde_json::json!([]), "remote resources loaded");
    // First page load (login page, then the map with its basemap and events), as
    // transferred (compressed, with headers), from Resource Timing.
    let bytes = js(
        &page,
        "const nav = performance.getEntriesByType('navigation')[0];
         const res = performance.getEntriesByType('resource');
         return (nav ? nav.transferSize : 0) + res.reduce((s, r) => s + r.transferSize, 0);",
    )
    .await
    .as_f64()
    .unwrap();
    let decoded = js(
        &page,
        "const nav = performance.getEntriesByType('navigation')[0];
         const res = performance.getEntriesByType('resource');
         return (nav ? nav.decodedBodySize : 0) + res.reduce((s, r) => s + r.decodedBodySize, 0);",
    )
    .await
    .as_f64()
    .unwrap();
    println!(
        "first page load: {bytes} bytes transferred ({decoded} bytes decoded), {} requests",
        js(
            &page,
            "return performance.getEntriesByType('resource').length + 1;"
        )
        .await
    );
    assert!(bytes > 10_000.0, "the measure counts the scripts: {bytes}");
    assert!(bytes <= 1_500_000.0, "first load {bytes} bytes > 1.5 MB");
    assert!(decoded > bytes, "assets are sent compressed");

    // 3. Create an event through the form (Ogossagou, Mopti region).
    go(&page, "#/new", "new").await;
    js(
        &page,
        &format!(
            "const set = (id, v) => {{ const e = document.getElementById(id); e.value = v; }};
             set('new-date', '2019-03-23'); set('new-sub_event_type', 'attack');
             set('new-place_name', 'Ogossagou'); set('new-latitude', '14.1907'); set('new-longitude', '-3.6396');
             set('new-actor', 'Dan Na Ambassagou'); set('new-killed', '157'); set('new-sensitivity', 'restricted');
             set('new-publisher', 'MINUSMA'); set('new-reliability', 'b'); set('new-credibility', '2');
             set('new-notes', {});
             return 1;",
            serde_json::json!(NOTE)
        ),
    )
    .await;
    shot(&page, "02-new-event.png").await;
    page.find_element("#new-submit")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &page,
        "event created",
        "document.querySelector('#new-link')",
    )
    .await;
    let id = js(
        &page,
        "return document.querySelector('#new-link').textContent;",
    )
    .await
    .as_str()
    .unwrap()
    .to_string();
    let stored = store_event(&store, &id).await;
    assert_eq!(stored.notes, NOTE, "the note is stored as typed");
    assert_eq!(
        stored.location.admin1.as_ref().map(|a| a.name.as_str()),
        Some("Mopti"),
        "the server enriched the event"
    );

    // 4. The map shows it: one marker, and Mopti shaded in the choropleth.
    go(&page, "#/map", "map").await;
    wait_for(
        &page,
        "marker",
        "document.querySelector('#map-status')?.dataset.count === '1' && document.querySelectorAll('.event-marker, .marker-cluster').length >= 1",
    )
    .await;
    let markers = js(
        &page,
        "return document.querySelectorAll('path.event-marker').length;",
    )
    .await;
    assert_eq!(markers, serde_json::json!(1));
    shot(&page, "03-map.png").await;
    // Click-through from the marker's popup to the event.
    js(&page, "document.querySelector('path.event-marker').dispatchEvent(new MouseEvent('click', {bubbles: true})); return 1;").await;
    wait_for(
        &page,
        "popup",
        "document.querySelector('.leaflet-popup a.open-event')",
    )
    .await;
    let href = js(
        &page,
        "return document.querySelector('.leaflet-popup a.open-event').getAttribute('href');",
    )
    .await;
    assert_eq!(href, serde_json::json!(format!("#/event/{id}")));

    // 5. The table lists it, with an export link carrying the filter.
    go(&page, "#/events?actor=Ambassagou", "events").await;
    wait_for(&page, "table", "document.querySelector('#events-total')").await;
    let row = js(
        &page,
        &format!(
            "const r = document.querySelector('tr[data-id=\"{id}\"]'); return r ? r.innerText : null;"
        ),
    )
    .await;
    let row = row.as_str().unwrap_or_default().to_string();
    assert!(row.contains("2019-03-23") && row.contains("Mopti"), "{row}");
    let export = js(
        &page,
        "return document.querySelector('#export-csv').getAttribute('href');",
    )
    .await;
    assert_eq!(
        export,
        serde_json::json!("/api/export/events.csv?actor=Ambassagou&order=newest")
    );
    // The link downloads the same filter as CSV, with this session.
    let csv = js(
        &page,
        "const r = await fetch(document.querySelector('#export-csv').getAttribute('href'));
         return [r.status, r.headers.get('content-type'), await r.text()];",
    )
    .await;
    assert_eq!(csv[0], serde_json::json!(200), "{csv}");
    assert_eq!(csv[1], serde_json::json!("text/csv; charset=utf-8"));
    let text = csv[2].as_str().unwrap();
    assert_eq!(
        text.lines().count(),
        2,
        "header and the one matching event: {text}"
    );
    assert!(text.contains("Ogossagou"), "{text}");
    shot(&page, "04-table.png").await;

    // Every screen exists now; an unknown one says so, in the user's language.
    go(&page, "#/nowhere", "nowhere").await;
    let placeholder = js(
        &page,
        "return document.querySelector('.placeholder').innerText;",
    )
    .await;
    assert!(
        placeholder
            .as_str()
            .unwrap()
            .contains("Pas encore disponible"),
        "{placeholder}"
    );

    // 6. The event page: every field, the source grade, history, and the note as text.
    go(&page, &format!("#/event/{id}"), "event").await;
    wait_for(&page, "history", "document.querySelector('#history table')").await;
    let notes = js(
        &page,
        "return document.querySelector('#event-notes').textContent;",
    )
    .await;
    assert_eq!(
        notes,
        serde_json::json!(NOTE),
        "the note is shown verbatim, as text"
    );
    let injected = js(
        &page,
        "return [document.querySelectorAll('#event-notes *').length, typeof window.__pwned];",
    )
    .await;
    assert_eq!(
        injected,
        serde_json::json!([0, "undefined"]),
        "nothing from the note ran or became markup"
    );
    let sources = js(
        &page,
        "return document.querySelector('#sources-table').innerText;",
    )
    .await;
    assert!(sources.as_str().unwrap().contains("B2"), "{sources}");
    let history = js(
        &page,
        "return document.querySelectorAll('#history tbody tr').length;",
    )
    .await;
    assert_eq!(history, serde_json::json!(1));
    shot(&page, "05-event.png").await;

    // 7. Accepts a draft: queued from a real report by veille-extract, listed in the review
    // queue, its evidence highlighted in the report; accepting it creates the event, whose
    // page offers the event typed in at step 3 as a duplicate, merged with one click.
    let draft = queue_draft(&store).await;
    go(&page, "#/review", "review").await;
    wait_for(
        &page,
        "review queue",
        &format!(
            "document.querySelector('tr[data-id=\"{}\"] a.open-draft')",
            draft.id
        ),
    )
    .await;
    let heading = js(
        &page,
        "return document.querySelector('.review-view h1').textContent;",
    )
    .await;
    assert_eq!(heading, serde_json::json!("File de revue"));
    click(&page, &format!("tr[data-id=\"{}\"] a.open-draft", draft.id)).await;
    wait_for(
        &page,
        "draft",
        "document.querySelector('#report-text mark') && document.querySelector('#review-accept')",
    )
    .await;
    let report = js(
        &page,
        "return document.querySelector('#report-text').textContent;",
    )
    .await;
    assert_eq!(
        report,
        serde_json::json!(DRAFT_REPORT),
        "the report is shown whole, as text"
    );
    let marks = js(
        &page,
        "return Array.from(document.querySelectorAll('#report-text mark')).map(m => m.textContent);",
    )
    .await;
    let marks: Vec<String> = serde_json::from_value(marks).unwrap();
    assert!(marks.len() >= 3, "{marks:?}");
    assert!(marks.iter().any(|m| m.contains("157")), "{marks:?}");
    assert!(marks.iter().any(|m| m.contains("Ogossagou")), "{marks:?}");
    shot(&page, "07-review-draft.png").await;
    click(&page, "#review-accept").await;
    wait_for(
        &page,
        "accepted",
        "document.querySelector('#review-event-link')",
    )
    .await;
    let accepted = js(
        &page,
        "return document.querySelector('#review-event-link').textContent;",
    )
    .await;
    assert_eq!(accepted, serde_json::json!(draft.event.id.to_string()));
    let event = store_event(&store, &draft.event.id.to_string()).await;
    assert_eq!(event.killed_best(), 157, "the event exists as proposed");
    {
        use veille_store::Store;
        let d = store.get_draft(draft.id).await.unwrap().unwrap();
        assert_eq!(d.status, veille_store::DraftStatus::Accepted);
    }
    shot(&page, "08-review-accepted.png").await;
    go(&page, &format!("#/event/{}", draft.event.id), "event").await;
    wait_for(
        &page,
        "duplicates",
        &format!("document.querySelector('#candidates-table input.pick[value=\"{id}\"]')"),
    )
    .await;
    js(
        &page,
        &format!(
            "document.querySelector('#candidates-table input.pick[value=\"{id}\"]').click();
             document.querySelector('#merge-reason').value = 'même massacre, saisi deux fois';
             return 1;"
        ),
    )
    .await;
    shot(&page, "09-event-duplicates.png").await;
    click(&page, "#merge-button").await;
    wait_for(
        &page,
        "merged",
        &format!("document.querySelector('#merges-table') && document.querySelector('#merges-table').innerText.includes('même massacre') && !document.querySelector('#candidates-table input.pick[value=\"{id}\"]')"),
    )
    .await;
    {
        use veille_store::Store;
        let into = store
            .merged_into(uuid::Uuid::parse_str(&id).unwrap())
            .await
            .unwrap();
        assert_eq!(into, Some(draft.event.id), "merged into the accepted event");
    }
    shot(&page, "10-event-merged.png").await;

    // The actors: search by acronym, then an actor's page with its timeline and its
    // events (the accepted event names "hommes armés", resolved to the generic actor; the
    // event typed in at step 3 is merged into it, so it is no longer counted).
    go(&page, "#/actors?q=GSIM", "actors").await;
    wait_for(
        &page,
        "actors",
        "document.querySelector('#actors-table a.open-actor')",
    )
    .await;
    let first = js(
        &page,
        "return document.querySelector('#actors-table a.open-actor').getAttribute('href');",
    )
    .await;
    assert_eq!(first, serde_json::json!("#/actor/jnim"));
    go(&page, "#/actor/jnim", "actor").await;
    wait_for(&page, "actor page", "document.querySelector('#actor-timeline li') && document.querySelector('#actor-events-count')").await;
    shot(&page, "11-actor.png").await;
    go(&page, "#/actor/unidentified-armed-group", "actor").await;
    wait_for(
        &page,
        "generic actor",
        "document.querySelector('#actor-events a')",
    )
    .await;
    let linked = js(&page, "return [document.querySelector('#actor-events-count').dataset.count, document.querySelector('#actor-events a').getAttribute('href')];").await;
    assert_eq!(
        linked,
        serde_json::json!(["1", format!("#/event/{}", draft.event.id)])
    );

    // 7b. Acknowledges a warning: one seeded through veille-desk on that event; the
    // board shows it unacknowledged, the analyst acknowledges it, its state changes.
    let event = store_event(&store, &id).await;
    let warning = veille_protect::warnings::Warning {
        id: uuid::Uuid::now_v7(),
        kind: veille_protect::warnings::WarningKind::Severity,
        level: veille_protect::warnings::WarningLevel::High,
        area: "Mopti/Bankass".into(),
        subject: "civilians killed".into(),
        period_start: event.date_start,
        period_end: event.date_start,
        trigger: "civilians killed in one event".into(),
        evidence: vec![event.id],
        explanation: "seeded by the browser test".into(),
        updates: 1,
    };
    let sens = std::collections::HashMap::from([(event.id, event.sensitivity)]);
    veille_desk::warn::save(
        store.as_ref(),
        std::slice::from_ref(&warning),
        &sens,
        "test",
    )
    .await
    .unwrap();
    let wid = warning.id.to_string();
    go(&page, "#/warnings", "warnings").await;
    let ack_cell = format!("document.querySelector('#ack-{wid}')");
    wait_for(&page, "board row", &ack_cell).await;
    let before = js(&page, &format!("return {ack_cell}.innerText;")).await;
    assert!(before.as_str().unwrap().contains("non accusée"), "{before}");
    shot(&page, "13-warnings-board.png").await;
    page.find_element(format!("button.ack[data-id='{wid}']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &page,
        "acknowledged",
        &format!("{ack_cell}.innerText.includes('accusée par awa')"),
    )
    .await;
    // The warning-to-action metrics follow.
    wait_for(
        &page,
        "metrics",
        "document.querySelector('#metrics tbody td:nth-child(3)').innerText === '1'",
    )
    .await;
    shot(&page, "14-warning-acknowledged.png").await;
    let matrix = veille_protect::response::ResponseMatrix::shipped().unwrap();
    let stored = veille_desk::warn::get(
        store.as_ref(),
        &matrix,
        veille_model::Sensitivity::StrictlyConfidential,
        warning.id,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(stored.acknowledged.unwrap().by, "awa");
    // The threat matrix renders from the same store, one button per cell.
    go(&page, "#/threats", "threats").await;
    wait_for(
        &page,
        "matrix",
        "document.querySelector('#matrix button.cell')",
    )
    .await;
    shot(&page, "15-threat-matrix.png").await;
    // Reports: generate the regional threat assessment and download it with this session.
    go(&page, "#/reports", "reports").await;
    wait_for(
        &page,
        "report form",
        "document.querySelector('#report-form select option[value=\"Mopti\"]')",
    )
    .await;
    js(
        &page,
        "const f = document.querySelector('#report-form'); f.admin1.value = 'Mopti'; \
         f.period.value = '2019-04'; f.querySelector('button[type=submit]').click(); return 1;",
    )
    .await;
    wait_for(
        &page,
        "report links",
        "document.querySelector('#report-html')",
    )
    .await;
    let html = js(
        &page,
        "const r = await fetch(document.querySelector('#report-html').href); \
         return r.status + ' ' + (await r.text());",
    )
    .await;
    let html = html.as_str().unwrap();
    assert!(
        html.starts_with("200 <!doctype html>")
            && html.contains("Regional threat assessment — Mopti — 2019-04")
            && html.contains("<svg"),
        "{}",
        &html[..html.len().min(300)]
    );
    shot(&page, "16-report.png").await;

    // 8. Switch the UI to English.
    page.find_element("#lang-toggle")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &page,
        "english",
        "document.querySelector('#nav').innerText.includes('Map')",
    )
    .await;
    assert_eq!(
        js(&page, "return document.documentElement.lang;").await,
        serde_json::json!("en")
    );

    // 9. Tablet width: the table still renders, the menu folds.
    page.execute(
        SetDeviceMetricsOverrideParams::builder()
            .width(820)
            .height(1180)
            .device_scale_factor(1.0)
            .mobile(true)
            .build()
            .unwrap(),
    )
    .await
    .unwrap();
    go(&page, "#/events", "events").await;
    wait_for(
        &page,
        "tablet table",
        "document.querySelector('#events-table')",
    )
    .await;
    let toggle_shown = js(
        &page,
        "return getComputedStyle(document.querySelector('#menu-toggle')).display !== 'none';",
    )
    .await;
    assert_eq!(toggle_shown, serde_json::json!(true));
    shot(&page, "06-tablet-table.png").await;
    go(&page, "#/review?status=accepted", "review").await;
    wait_for(
        &page,
        "tablet review",
        "document.querySelector('#drafts-table')",
    )
    .await;
    shot(&page, "12-tablet-review.png").await;

    browser.close().await.unwrap();
    let _ = browser.wait().await;
    driver.abort();
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

const DRAFT_REPORT: &str = "Samedi 23 mars 2019, des hommes armés ont attaqué le village \
d'Ogossagou, dans le cercle de Bankass, tuant 157 civils.";

/// A draft queued as `veille extract --queue` queues it: the real extractor over the
/// shipped geography and registry, the report's source graded B2.
async fn queue_draft(store: &SqliteStore) -> veille_store::Draft {
    use veille_store::Store;
    let geo = veille_ingest::enrich::shipped_geo().unwrap();
    let reg = veille_actors::Registry::shipped().unwrap();
    let report = veille_extract::Report {
        id: None,
        text: DRAFT_REPORT.into(),
        report_date: chrono::NaiveDate::from_ymd_opt(2019, 3, 24),
        country: Some("MLI".into()),
    };
    let out = veille_extract::Extractor::new(geo, reg).extract(&report);
    let d = out
        .drafts()
        .first()
        .expect("the report reads as an incident");
    let source = veille_model::Source {
        publisher: "Studio Tamani".into(),
        reliability: veille_model::Reliability::B,
        credibility: veille_model::Credibility::ProbablyTrue,
        ..veille_model::Source::default()
    };
    let mut nd = d.to_new_draft(DRAFT_REPORT, source).unwrap();
    nd.event.sensitivity = veille_model::Sensitivity::Restricted;
    store.create_draft(&nd, "extractor").await.unwrap()
}

async fn store_event(store: &SqliteStore, id: &str) -> veille_model::Event {
    use veille_store::Store;
    let uuid = uuid::Uuid::parse_str(id).unwrap();
    store.get_event(uuid).await.unwrap().unwrap()
}
