//! The dashboard in a real browser: Debian's headless Chromium, driven over the Chrome DevTools
//! Protocol (a small client below: a WebSocket over a `TcpStream`, JSON from serde_json) opens
//! the status page while a long statement runs in `ddq -i`, checks that the progress and the
//! task stream change while it runs, that the history lists the statement once it has ended
//! and draws its plan, and that the pages log no console error or exception. A screenshot of
//! the status page mid-run and one of the history page are saved as artifacts
//! (`target/tmp/dashboard-status.png`, `dashboard-history.png`).
//!
//! `.ci/run` installs Chromium where it is missing; where there is none (`/usr/bin/chromium`, or
//! `DDQ_CHROMIUM`) the test says so on stderr and passes without running.

mod common;

use common::{ddq_command, http_get};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// The long statement: a group-by over [`make_data`]'s files, some seconds in a debug build
/// (the first read parses the CSVs).
const LONG_STATEMENT: &str = "df.groupby(\"k\").v.mean().head()";

#[test]
fn the_status_page_follows_a_running_statement_and_the_history_keeps_it() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "SKIPPED the dashboard browser test: no Chromium at /usr/bin/chromium (nor DDQ_CHROMIUM); \
             `.ci/run` installs it with `apt-get install -y chromium`"
        );
        return;
    };
    let work = tempfile::tempdir().expect("a temporary directory");
    let data = make_data(work.path());
    let port = free_port();
    let mut ddq = Session::start(port, &data);
    let dashboard = format!("127.0.0.1:{port}");
    wait_for(Duration::from_secs(30), "the dashboard to answer", || {
        http_get(&dashboard, "/api/status").contains("\"workers\"")
    });

    let mut browser = Browser::launch(&chromium, &work.path().join("profile"));
    let mut page = browser.page();
    page.call("Runtime.enable", json!({}));
    page.call("Log.enable", json!({}));
    page.call("Page.enable", json!({}));
    page.call(
        "Page.navigate",
        json!({ "url": format!("http://{dashboard}/status") }),
    );
    page.wait_until("the page is live", |p| {
        p.eval("(document.getElementById('connection') || {}).textContent") == json!("live")
    });

    ddq.send(LONG_STATEMENT);
    page.wait_until("the statement shows as running", |p| {
        let now = p.eval(STATUS_PROBE);
        now["text"] == json!(LONG_STATEMENT) && now["bars"].as_u64() > Some(0)
    });
    page.screenshot("dashboard-status.png");
    let running = page.samples_while_running();
    assert!(
        running.len() >= 3,
        "the statement ended within {} samples; make the data larger: {running:#?}",
        running.len()
    );
    let (first, last) = (&running[0], &running[running.len() - 1]);
    assert_ne!(
        first["progress"], last["progress"],
        "the progress did not change while the statement ran"
    );
    assert_ne!(
        first["stream"], last["stream"],
        "the task stream did not change while the statement ran"
    );
    assert!(
        last["operators"].as_u64() > Some(1) && last["workers"] == json!("this process"),
        "{last}"
    );

    page.wait_until("the statement ends", |p| {
        p.eval(STATUS_PROBE)["text"].is_null()
    });
    page.call(
        "Page.navigate",
        json!({ "url": format!("http://{dashboard}/history") }),
    );
    page.wait_until("the history lists the statement", |p| {
        p.eval(HISTORY_PROBE)["texts"]
            .as_array()
            .is_some_and(|texts| texts.contains(&json!(LONG_STATEMENT)))
    });
    page.eval("document.querySelector('#history tbody tr').click()");
    page.wait_until("the plan is drawn", |p| {
        p.eval(HISTORY_PROBE)["plan_width"].as_u64() > Some(0)
    });

    page.screenshot("dashboard-history.png");

    let errors = page.errors();
    assert!(errors.is_empty(), "the pages logged errors: {errors:#?}");
    drop(page);
    browser.close();
    let out = ddq.finish();
    let printed = out
        .lines()
        .find_map(|line| line.strip_prefix("0,")?.parse::<f64>().ok());
    let expected = first_group_mean();
    assert!(
        printed.is_some_and(|mean| (mean - expected).abs() < 1e-4),
        "ddq printed the group means ({expected} for k = 0): {out}"
    );
}

/// What the status page shows, as the test compares it over time.
const STATUS_PROBE: &str = r#"(() => { const text = document.getElementById('statement-text');
  return JSON.stringify({
  text: !text || text.className === 'muted' ? null : text.textContent,
  progress: (document.getElementById('progress') || {}).textContent,
  bars: document.querySelectorAll('#task-stream rect').length,
  stream: [...document.querySelectorAll('#task-stream rect')]
    .map(r => r.getAttribute('x') + ':' + r.getAttribute('width')).join(' '),
  operators: document.querySelectorAll('#operators tbody tr').length,
  workers: document.querySelector('#workers tbody td') &&
    document.querySelector('#workers tbody td').textContent,
}); })()"#;

const HISTORY_PROBE: &str = r#"JSON.stringify({
  texts: [...document.querySelectorAll('#history td.text')].map(td => td.textContent),
  plan_width: [...document.querySelectorAll('#plan img')]
    .reduce((w, img) => w + (img.complete ? img.naturalWidth : 0), 0),
})"#;

/// The Chromium to drive, if the machine has one.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("DDQ_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    path.exists().then_some(path)
}

/// Rows per file of [`make_data`]'s eight files.
const ROWS_PER_FILE: u64 = 1_000_000;

/// The value column `v` of `file`'s `row`: the group key is `row % 97`.
fn value(file: u64, row: u64) -> u64 {
    row * 7 % 1000 + file
}

/// Eight CSV files, 8 M rows in all (about 130 MB): enough for a group-by that runs for
/// seconds, so the page can be watched while it runs.
fn make_data(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("the data directory");
    for file in 0..8 {
        let mut text = String::from("k,v,w\n");
        for row in 0..ROWS_PER_FILE {
            let w = row as f64 / 3.0;
            text.push_str(&format!("{},{},{w:.3}\n", row % 97, value(file, row)));
        }
        std::fs::write(data.join(format!("part{file}.csv")), text).expect("a data file");
    }
    data
}

/// The mean of `v` in group `k == 0`, the first line of [`LONG_STATEMENT`]'s answer.
fn first_group_mean() -> f64 {
    let values: Vec<u64> = (0..8)
        .flat_map(|file| {
            (0..ROWS_PER_FILE)
                .step_by(97)
                .map(move |row| value(file, row))
        })
        .collect();
    values.iter().sum::<u64>() as f64 / values.len() as f64
}

/// A port nothing listens on now (ddq moves to the next one if it is taken meanwhile; the
/// test would then fail to reach it and say so).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

fn wait_for(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `ddq -i` reading statements from a pipe the test writes to, so the session (and its
/// dashboard) lives on after the long statement until the test closes the pipe.
struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Session {
    fn start(port: u16, data: &Path) -> Session {
        let mut child = ddq_command(&["-i", "--dashboard", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ddq starts");
        let mut session = Session {
            stdin: child.stdin.take(),
            child,
        };
        session.send(&format!("df = read_csv(\"{}/*.csv\")", data.display()));
        session
    }

    fn send(&mut self, statement: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        writeln!(stdin, "{statement}").expect("ddq reads its input");
        stdin.flush().expect("ddq reads its input");
    }

    /// Closes the input, so ddq ends, and returns what it printed.
    fn finish(mut self) -> String {
        drop(self.stdin.take());
        let mut out = String::new();
        if let Some(mut stdout) = self.child.stdout.take() {
            let _ = stdout.read_to_string(&mut out);
        }
        let mut err = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut err);
        }
        let status = self.child.wait().expect("ddq ends");
        assert!(status.success(), "ddq failed: {err}");
        assert!(!err.contains("panicked"), "ddq panicked: {err}");
        out
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if self.stdin.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A headless Chromium with a fresh profile, killed when dropped.
struct Browser {
    child: Child,
    port: u16,
}

impl Browser {
    fn launch(chromium: &Path, profile: &Path) -> Browser {
        let mut child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,1000",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let stderr = child.stderr.take().expect("chromium's stderr");
        let mut lines = BufReader::new(stderr).lines();
        let port = loop {
            let line = match lines.next() {
                Some(Ok(line)) => line,
                _ => panic!("chromium ended without saying where DevTools listens"),
            };
            if let Some(url) = line.strip_prefix("DevTools listening on ws://") {
                let port = url.split(['/', ':']).nth(1).and_then(|p| p.parse().ok());
                break port.expect("a DevTools port");
            }
        };
        // Chromium's later messages go nowhere, so a full pipe never blocks it.
        std::thread::spawn(move || for _ in lines {});
        Browser { child, port }
    }

    /// The DevTools connection to the browser's page.
    fn page(&mut self) -> Cdp {
        let address = format!("127.0.0.1:{}", self.port);
        let mut url = None;
        wait_for(Duration::from_secs(20), "chromium's page target", || {
            let answer = http_get(&address, "/json/list");
            let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
            let targets: Value = serde_json::from_str(body).unwrap_or_default();
            url = targets.as_array().into_iter().flatten().find_map(|t| {
                (t["type"] == "page")
                    .then(|| t["webSocketDebuggerUrl"].as_str().map(String::from))?
            });
            url.is_some()
        });
        Cdp::connect(&url.unwrap_or_default())
    }

    fn close(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A Chrome DevTools Protocol connection to one page: commands and their answers, and the
/// console errors and exceptions the page reported meanwhile.
struct Cdp {
    socket: TcpStream,
    next_id: u64,
    errors: Vec<Value>,
}

impl Cdp {
    fn connect(url: &str) -> Cdp {
        let rest = url.strip_prefix("ws://").expect("a ws:// URL");
        let (host, path) = rest.split_once('/').expect("a path");
        let mut socket = TcpStream::connect(host).expect("DevTools accepts the connection");
        socket
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("a read timeout");
        let handshake = format!(
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: ZGRxLWRhc2hib2FyZC10ZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        );
        socket
            .write_all(handshake.as_bytes())
            .expect("the handshake");
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            socket
                .read_exact(&mut byte)
                .expect("the handshake's answer");
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head);
        assert!(head.starts_with("HTTP/1.1 101"), "DevTools refused: {head}");
        Cdp {
            socket,
            next_id: 0,
            errors: Vec::new(),
        }
    }

    /// Sends a command and returns its result; events that arrive meanwhile are screened for
    /// errors.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let message = json!({ "id": id, "method": method, "params": params });
        self.send(message.to_string().as_bytes());
        loop {
            let message: Value =
                serde_json::from_slice(&self.receive()).expect("DevTools sends JSON");
            if message["id"] == json!(id) {
                assert!(
                    message["error"].is_null(),
                    "{method} failed: {}",
                    message["error"]
                );
                return message["result"].clone();
            }
            self.screen(message);
        }
    }

    fn screen(&mut self, event: Value) {
        let params = &event["params"];
        let error = match event["method"].as_str() {
            Some("Runtime.exceptionThrown") => true,
            Some("Runtime.consoleAPICalled") => params["type"] == "error",
            Some("Log.entryAdded") => params["entry"]["level"] == "error",
            _ => false,
        };
        if error {
            self.errors.push(params.clone());
        }
    }

    /// Saves the page as a PNG test artifact under `target/tmp/`.
    fn screenshot(&mut self, name: &str) {
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let png = base64_decode(shot["data"].as_str().expect("the screenshot's data"));
        assert!(png.starts_with(b"\x89PNG"), "the screenshot is a PNG");
        let artifact = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        std::fs::write(&artifact, &png).expect("the screenshot is written");
        eprintln!("screenshot: {}", artifact.display());
    }

    fn errors(&self) -> Vec<Value> {
        self.errors.clone()
    }

    /// Evaluates an expression in the page; a JSON text it returns is parsed.
    fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        );
        assert!(
            result["exceptionDetails"].is_null(),
            "{expression} threw: {}",
            result["exceptionDetails"]
        );
        let value = result["result"]["value"].clone();
        match value.as_str().map(serde_json::from_str::<Value>) {
            Some(Ok(parsed)) if parsed.is_object() => parsed,
            _ => value,
        }
    }

    fn wait_until(&mut self, what: &str, mut done: impl FnMut(&mut Cdp) -> bool) {
        let start = Instant::now();
        while !done(self) {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "timed out waiting until {what}; the page shows {}",
                self.eval(STATUS_PROBE)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What the status page showed every 200 ms until the statement ended there.
    fn samples_while_running(&mut self) -> Vec<Value> {
        let mut samples = Vec::new();
        loop {
            let now = self.eval(STATUS_PROBE);
            if now["text"] != json!(LONG_STATEMENT) {
                return samples;
            }
            samples.push(now);
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// One masked text frame, as a client sends.
    fn send(&mut self, payload: &[u8]) {
        let mut frame = vec![0x81u8];
        match payload.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n <= 0xffff => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        let mask = [0x5a, 0x13, 0xc7, 0x2e];
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.socket
            .write_all(&frame)
            .expect("DevTools takes the frame");
    }

    /// One message: its frames' payloads joined.
    fn receive(&mut self) -> Vec<u8> {
        let mut message = Vec::new();
        loop {
            let mut head = [0u8; 2];
            self.socket
                .read_exact(&mut head)
                .expect("a frame from DevTools");
            let length = match head[1] & 0x7f {
                126 => {
                    let mut n = [0u8; 2];
                    self.socket.read_exact(&mut n).expect("a frame length");
                    u16::from_be_bytes(n) as usize
                }
                127 => {
                    let mut n = [0u8; 8];
                    self.socket.read_exact(&mut n).expect("a frame length");
                    u64::from_be_bytes(n) as usize
                }
                n => n as usize,
            };
            let mut payload = vec![0u8; length];
            self.socket
                .read_exact(&mut payload)
                .expect("a frame's payload");
            assert_ne!(head[0] & 0x0f, 0x8, "DevTools closed the connection");
            message.extend_from_slice(&payload);
            if head[0] & 0x80 != 0 {
                return message;
            }
        }
    }
}

/// Standard base64, as DevTools sends a screenshot.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {}", c as char),
    };
    let digits: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let bits = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &d)| acc | (u32::from(d) << (18 - 6 * i)));
        out.extend_from_slice(&bits.to_be_bytes()[1..chunk.len()]);
    }
    out
}

#[test]
fn base64_decodes_what_devtools_sends() {
    assert_eq!(base64_decode("iVBORw=="), b"\x89PNG");
    assert_eq!(base64_decode("ZGRx"), b"ddq");
}
