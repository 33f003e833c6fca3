//! The dashboard's web server (axum, already in the dependency tree through Ballista's
//! scheduler): the status and history pages and their script and style, compiled into the
//! binary; `/api/status` and `/api/history` (JSON); each finished plan drawn as SVG; and
//! `/api/events`, a server-sent-event stream of the status while a page is open.

use super::{Dashboard, live};
use crate::error::{DdqError, Result};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Json, Redirect, Response};
use axum::routing::get;
use futures::Stream;
use std::convert::Infallible;
use std::net::{SocketAddr, TcpListener};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How often an open page's status is refreshed.
const TICK: Duration = Duration::from_millis(250);
/// An unchanged status is still sent this often, so a page sees the connection is alive.
const RESEND: Duration = Duration::from_secs(2);
/// Ports tried after a taken one, as Dask moves on from a taken 8787.
const PORTS_TRIED: u16 = 100;

const STATUS_HTML: &str = include_str!("assets/status.html");
const HISTORY_HTML: &str = include_str!("assets/history.html");
const SCRIPT: &str = include_str!("assets/dashboard.js");
const STYLE: &str = include_str!("assets/dashboard.css");

/// A running dashboard server; dropping it stops it (open pages' streams end too).
pub struct Server {
    pub address: SocketAddr,
    stop: watch::Sender<bool>,
}

impl Server {
    /// The status page's address, as Dask's `client.dashboard_link` gives it.
    pub fn link(&self) -> String {
        format!("http://{}/status", self.address)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

#[derive(Clone)]
struct App {
    dashboard: Dashboard,
    stop: watch::Receiver<bool>,
}

/// Binds `requested`, or the next free port after it when it is taken (port 0: any free
/// port), and serves the dashboard there on the current tokio runtime.
pub fn start(dashboard: Dashboard, requested: SocketAddr) -> Result<Server> {
    let listener = bind(requested)?;
    let address = listener
        .local_addr()
        .map_err(|e| cannot_serve(requested, &e))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| cannot_serve(requested, &e))?;
    let listener =
        tokio::net::TcpListener::from_std(listener).map_err(|e| cannot_serve(requested, &e))?;
    let (stop, stopped) = watch::channel(false);
    let app = App {
        dashboard,
        stop: stopped.clone(),
    };
    let mut shutdown = stopped;
    tokio::spawn(async move {
        let served = axum::serve(listener, router(app)).with_graceful_shutdown(async move {
            let _ = shutdown.wait_for(|stop| *stop).await;
        });
        if let Err(e) = served.await {
            log::warn!("the dashboard stopped: {e}");
        }
    });
    Ok(Server { address, stop })
}

fn bind(requested: SocketAddr) -> Result<TcpListener> {
    let mut first_error = None;
    let last = if requested.port() == 0 {
        0
    } else {
        requested.port().saturating_add(PORTS_TRIED)
    };
    for port in requested.port()..=last {
        let mut address = requested;
        address.set_port(port);
        match TcpListener::bind(address) {
            Ok(listener) => return Ok(listener),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let error = first_error.unwrap_or_else(|| std::io::Error::other("no port to try"));
    Err(cannot_serve(requested, &error))
}

fn cannot_serve(address: SocketAddr, error: &std::io::Error) -> DdqError {
    DdqError::execution(format!(
        "cannot serve the dashboard on {address} (nor on the {PORTS_TRIED} ports after it): {error}"
    ))
    .with_help(
        "name another address with `--dashboard HOST:PORT`, or serve none with `--dashboard off`",
    )
}

fn router(app: App) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/status") }))
        .route("/status", get(|| async { page(STATUS_HTML) }))
        .route("/history", get(|| async { page(HISTORY_HTML) }))
        .route("/assets/dashboard.js", get(|| async { script() }))
        .route("/assets/dashboard.css", get(|| async { style() }))
        .route("/api/status", get(status))
        .route("/api/history", get(history))
        .route("/api/history/{id}/plans/{n}", get(plan_svg))
        .route("/api/events", get(events))
        .with_state(app)
}

fn page(html: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

async fn status(State(app): State<App>) -> Response {
    let status = live::status(&app.dashboard).await;
    json_response(live::to_json(&status))
}

fn json_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Every statement that has ended, the latest first.
async fn history(State(app): State<App>) -> Response {
    let records: Vec<_> = app
        .dashboard
        .board()
        .history
        .iter()
        .rev()
        .cloned()
        .collect();
    Json(records).into_response()
}

async fn plan_svg(State(app): State<App>, Path((id, n)): Path<(u64, usize)>) -> Response {
    let plan = {
        let board = app.dashboard.board();
        board
            .history
            .iter()
            .find(|r| r.id == id)
            .and_then(|r| r.plans.get(n).cloned())
    };
    let Some(plan) = plan else {
        let message = format!("statement {id} has no plan {n} in the history");
        return (StatusCode::NOT_FOUND, message).into_response();
    };
    match plan.svg() {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.message).into_response(),
    }
}

/// The status as server-sent events while the page stays open: whenever it changes (checked
/// every [`TICK`]), and at least every [`RESEND`].
async fn events(
    State(app): State<App>,
) -> Sse<impl Stream<Item = std::result::Result<Event, Infallible>>> {
    let guard = app.dashboard.watch();
    let start = (app, guard, String::new(), None::<Instant>);
    let stream = futures::stream::unfold(start, |(mut app, guard, last, sent)| async move {
        loop {
            if sent.is_some() {
                tokio::select! {
                    _ = tokio::time::sleep(TICK) => {}
                    _ = app.stop.wait_for(|stop| *stop) => return None,
                }
            }
            if *app.stop.borrow() {
                return None;
            }
            let status = live::status(&app.dashboard).await;
            let body = serde_json::to_string(&status).unwrap_or_default();
            if body != last || sent.is_none_or(|at| at.elapsed() >= RESEND) {
                let event = Event::default()
                    .event("status")
                    .data(live::to_json(&status));
                return Some((Ok(event), (app, guard, body, Some(Instant::now()))));
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::dashboard::empty_plan;
    use crate::engine::progress::ScanProgress;
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn get(address: SocketAddr, path: &str) -> String {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer
    }

    fn body(answer: &str) -> serde_json::Value {
        let (_, body) = answer.split_once("\r\n\r\n").unwrap();
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
    }

    fn loopback() -> SocketAddr {
        "127.0.0.1:0".parse().unwrap()
    }

    #[tokio::test]
    async fn the_status_json_shows_the_running_statement_and_its_scans() {
        let dashboard = Dashboard::default();
        dashboard.describe_session(
            datafusion::execution::runtime_env::RuntimeEnv::default().into(),
            1 << 30,
            4,
            "threads",
        );
        let server = start(dashboard.clone(), loopback()).unwrap();
        let idle = body(&get(server.address, "/api/status").await);
        assert_eq!(idle["statement"], serde_json::Value::Null);
        assert_eq!(idle["memory"]["limit"], 1 << 30);
        assert_eq!(idle["workers"][0]["threads"], 4);
        assert_eq!(idle["workers"][0]["status"], "idle");

        dashboard.statement_started("flights.DepDelay.mean()", "threads");
        let scan = Arc::new(ScanProgress::default());
        scan.add_total(1000);
        scan.add_read(250);
        dashboard.plan_started(&empty_plan(), &scan, None).unwrap();
        let running = body(&get(server.address, "/api/status").await);
        let statement = &running["statement"];
        assert_eq!(statement["text"], "flights.DepDelay.mean()");
        assert_eq!(
            (
                statement["bytes_read"].as_u64(),
                statement["bytes_total"].as_u64()
            ),
            (Some(250), Some(1000))
        );
        assert_eq!(statement["operators"][0]["name"], "EmptyExec");
        assert_eq!(running["workers"][0]["status"], "running");
        assert!(running["now_ms"].as_u64().unwrap() >= statement["started_ms"].as_u64().unwrap());
    }

    #[tokio::test]
    async fn the_history_json_lists_statements_latest_first_and_draws_their_plans() {
        let dashboard = Dashboard::default();
        let server = start(dashboard.clone(), loopback()).unwrap();
        for text in ["a = 1", "df.head()"] {
            dashboard.statement_started(text, "threads");
            let ticket = dashboard
                .plan_started(&empty_plan(), &Arc::new(ScanProgress::default()), None)
                .unwrap();
            dashboard.plan_finished(ticket, Some(0));
            dashboard.statement_finished(None);
        }
        let history = body(&get(server.address, "/api/history").await);
        let texts: Vec<&str> = history
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["text"].as_str().unwrap())
            .collect();
        assert_eq!(texts, ["df.head()", "a = 1"]);
        assert_eq!(history[0]["rows_out"], 0);
        assert_eq!(history[0]["scheduler"], "threads");
        let svg = get(server.address, "/api/history/2/plans/0").await;
        assert!(
            svg.contains("image/svg+xml") && svg.contains("EmptyExec"),
            "{svg}"
        );
        let missing = get(server.address, "/api/history/9/plans/0").await;
        assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    }

    #[tokio::test]
    async fn pages_are_served_from_the_binary_and_a_taken_port_moves_on() {
        let dashboard = Dashboard::default();
        let first = start(dashboard.clone(), loopback()).unwrap();
        let second = start(dashboard, first.address).unwrap();
        assert_eq!(second.address.port(), first.address.port() + 1);
        let page = get(first.address, "/status").await;
        assert!(page.contains("text/html") && page.contains("dashboard.js"));
        let script = get(first.address, "/assets/dashboard.js").await;
        assert!(script.contains("EventSource"));
        let root = get(first.address, "/").await;
        assert!(root.contains("location: /status"), "{root}");
    }

    #[tokio::test]
    async fn the_event_stream_sends_the_status_and_counts_its_watcher() {
        let dashboard = Dashboard::default();
        let server = start(dashboard.clone(), loopback()).unwrap();
        let mut stream = tokio::net::TcpStream::connect(server.address)
            .await
            .unwrap();
        let request = "GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n";
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut received = Vec::new();
        let mut buffer = [0u8; 4096];
        while !String::from_utf8_lossy(&received).contains("\"workers\"") {
            let n = stream.read(&mut buffer).await.unwrap();
            assert!(n > 0, "the stream ended early");
            received.extend_from_slice(&buffer[..n]);
        }
        let text = String::from_utf8_lossy(&received);
        assert!(text.contains("text/event-stream") && text.contains("event: status"));
        assert_eq!(dashboard.watchers(), 1);
        drop(server);
        let mut rest = Vec::new();
        let ended = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest));
        assert!(ended.await.is_ok(), "a stopped server ends the stream");
    }
}
