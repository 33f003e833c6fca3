//! Remote paths over the real binary: `read_csv("s3://...")` against a moto S3 server started on
//! loopback from the test venv (`$DDQ_VENV`, as `.ci/run` sets it up), `http://` against a
//! small server in this file that counts the downloads, and `https://` against Python's file
//! server over TLS with a certificate made for the test. Each gives the local files' answers, a
//! second read reuses the local copy, a changed object is fetched again, and a missing object
//! or a server that is down is an error naming the URL.

mod common;

use common::{Run, ddq_command, project_path, run};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BUCKET: &str = "ddq-test";
const QUERY: &str = r#"ddf.groupby("Origin").DepDelay.mean()"#;

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("an address").port()
}

fn sample_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(project_path("data/nycflights"))
        .expect("the sample is committed")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    files
}

/// `ddq -c STATEMENTS` with the scan cache (and so the remote copies) in `cache`, and `env`.
fn ddq_with(cache: &Path, env: &[(&str, String)], statements: &str) -> Run {
    let mut command = ddq_command(&["--format", "csv", "-c", statements]);
    command.env("DDQ_CACHE_DIR", cache);
    for name in [
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ALLOW_HTTP",
    ] {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    run(&mut command, None)
}

fn ok(run: Run) -> String {
    assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
    run.stdout
}

/// The query's answer over the committed local files.
fn local_answer(scheduler: &[&str]) -> String {
    let mut args = scheduler.to_vec();
    let statements = format!(r#"ddf = read_csv("data/nycflights/*.csv"); {QUERY}"#);
    args.extend(["--format", "csv", "-c", &statements]);
    ok(run(&mut ddq_command(&args), None))
}

/// A child process killed (by its own id) when the test ends, however it ends.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

fn wait_for_port(port: u16, server: &mut Server) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("moto_server exited ({status}):\n{}", server.log());
        }
        assert!(Instant::now() < deadline, "moto_server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The venv's `moto_server`, or why there is none.
fn moto_server() -> Result<PathBuf, String> {
    let venv = std::env::var_os("DDQ_VENV")
        .map(PathBuf::from)
        .or_else(|| dirs_home().map(|h| h.join(".cache/ddq-venv")))
        .ok_or("no DDQ_VENV and no home directory")?;
    let server = venv.join("bin/moto_server");
    if server.is_file() {
        Ok(server)
    } else {
        Err(format!(
            "no {} (`.ci/run` installs tests/remote-requirements.txt into the venv)",
            server.display()
        ))
    }
}

fn dirs_home() -> Option<PathBuf> {
    std::env::var_os("HOME").map(PathBuf::from)
}

/// One plain, unsigned HTTP/1.1 request; the status code. moto lets an unsigned request
/// overwrite an object only in a bucket made public-read-write, hence the ACL header.
fn request(port: u16, method: &str, path: &str, body: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the server answers");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\nx-amz-acl: public-read-write\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("send");
    stream.write_all(body).expect("send");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

fn start_moto(dir: &Path) -> Option<(Server, u16)> {
    let program = match moto_server() {
        Ok(program) => program,
        Err(why) => {
            eprintln!("SKIPPED the S3 test: {why}");
            return None;
        }
    };
    let port = free_port();
    let log = dir.join("moto.log");
    let log_file = std::fs::File::create(&log).expect("a log file");
    let child = Command::new(program)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(log_file.try_clone().expect("log"))
        .stderr(log_file)
        .stdin(Stdio::null())
        .spawn()
        .expect("moto_server starts");
    let mut server = Server { child, log };
    wait_for_port(port, &mut server);
    assert_eq!(request(port, "PUT", &format!("/{BUCKET}"), b""), 200);
    for file in sample_files() {
        let name = file.file_name().expect("a name").to_string_lossy();
        let body = std::fs::read(&file).expect("the sample");
        let path = format!("/{BUCKET}/nycflights/{name}");
        assert_eq!(request(port, "PUT", &path, &body), 200, "upload {path}");
    }
    Some((server, port))
}

fn s3_env(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}")),
        ("AWS_ACCESS_KEY_ID", "testing".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "testing".to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
    ]
}

/// How many times moto served an object's body (its log has a line per request).
fn object_gets(server: &Server) -> usize {
    server
        .log()
        .lines()
        .filter(|l| l.contains(&format!("\"GET /{BUCKET}/nycflights/")))
        .count()
}

#[test]
fn s3_globs_read_like_the_local_files_and_reuse_their_copies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some((server, port)) = start_moto(dir.path()) else {
        return;
    };
    let env = s3_env(port);
    let cache = dir.path().join("cache");
    let read = format!(r#"ddf = read_csv("s3://{BUCKET}/nycflights/*.csv"); {QUERY}"#);
    let expected = local_answer(&[]);

    assert_eq!(ok(ddq_with(&cache, &env, &read)), expected);
    let fetched = object_gets(&server);
    assert_eq!(fetched, sample_files().len(), "{}", server.log());
    // The second read lists the bucket and finds every copy current: no object is fetched.
    assert_eq!(ok(ddq_with(&cache, &env, &read)), expected);
    assert_eq!(object_gets(&server), fetched, "{}", server.log());

    // A changed object is fetched again, and the answer follows it.
    let changed = "Year,Month,DayofMonth,DayOfWeek,DepTime,CRSDepTime,ArrTime,CRSArrTime,UniqueCarrier,FlightNum,TailNum,ActualElapsedTime,CRSElapsedTime,AirTime,ArrDelay,DepDelay,Origin,Dest,Distance,TaxiIn,TaxiOut,Cancelled,Diverted\n1990,1,1,1,1,1,1,1,X,1,T,1,1,1,1,5,ZZZ,EWR,1,1,1,0,0\n";
    let path = format!("/{BUCKET}/nycflights/1990.csv");
    assert_eq!(request(port, "PUT", &path, changed.as_bytes()), 200);
    let after = ok(ddq_with(&cache, &env, &read));
    assert!(after.contains("ZZZ,5.0"), "{after}");
    assert_eq!(object_gets(&server), fetched + 1, "{}", server.log());

    // `cache` counts the copies; `cache clear` deletes them.
    let listed = ok(ddq_with(&cache, &env, "cache"));
    assert!(
        listed.contains("copies of s3:// and https:// objects: 10 files"),
        "{listed}"
    );

    // A folder is its objects; on the processes scheduler the workers read the local copies.
    let folder = format!(r#"ddf = read_csv("s3://{BUCKET}/nycflights/"); {QUERY}"#);
    assert_eq!(ok(ddq_with(&cache, &env, &folder)), after);
    let mut command = ddq_command(&["--scheduler", "processes", "--workers", "2"]);
    command
        .env("DDQ_CACHE_DIR", &cache)
        .envs(env.iter().cloned());
    let on_cluster = ok(run(command.args(["--format", "csv", "-c", &read]), None));
    assert_eq!(on_cluster, after);

    // A missing object and a glob matching nothing name the URL.
    let missing = ddq_with(
        &cache,
        &env,
        &format!(r#"read_csv("s3://{BUCKET}/nycflights/nope.csv")"#),
    );
    assert_eq!(missing.code, 1, "{}", missing.stdout);
    assert!(
        missing
            .stderr
            .contains(&format!("not found: s3://{BUCKET}/nycflights/nope.csv")),
        "{}",
        missing.stderr
    );
    let none = ddq_with(
        &cache,
        &env,
        &format!(r#"read_csv("s3://{BUCKET}/other/*.csv")"#),
    );
    assert!(
        none.stderr
            .contains(&format!("no objects match \"s3://{BUCKET}/other/*.csv\"")),
        "{}",
        none.stderr
    );
    let cleared = ok(ddq_with(&cache, &env, "cache clear"));
    assert!(
        cleared.contains("removed 10 copies of s3:// and https:// objects"),
        "{cleared}"
    );
    assert!(!ok(ddq_with(&cache, &env, "cache")).contains("copies of s3://"));
}

#[test]
fn an_s3_endpoint_that_is_down_is_a_quick_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let started = Instant::now();
    let run = ddq_with(
        dir.path(),
        &s3_env(port),
        r#"read_csv("s3://bucket/x.csv")"#,
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    for needle in [
        "cannot connect for s3://bucket/x.csv: connection refused",
        &format!("AWS_ENDPOINT_URL=http://127.0.0.1:{port}"),
    ] {
        assert!(run.stderr.contains(needle), "{needle:?} in\n{}", run.stderr);
    }
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// Objects an HTTP server in this test serves (HEAD and GET, with an ETag), and how many
/// times each was downloaded.
#[derive(Default)]
struct Objects {
    bodies: HashMap<String, Vec<u8>>,
    downloads: HashMap<String, usize>,
}

fn serve_http(objects: Arc<Mutex<Objects>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = listener.local_addr().expect("an address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let objects = Arc::clone(&objects);
            std::thread::spawn(move || answer(stream, &objects));
        }
    });
    port
}

fn answer(stream: TcpStream, objects: &Mutex<Objects>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // The headers: ignored.
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let mut objects = objects.lock().expect("lock");
    let body = objects.bodies.get(path).cloned();
    let mut out = stream;
    let Some(body) = body else {
        let _ = out
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    };
    let etag = format!("\"{}\"", body.len());
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nETag: {etag}\r\nLast-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = out.write_all(head.as_bytes());
    if method == "GET" {
        *objects.downloads.entry(path.to_string()).or_default() += 1;
        let _ = out.write_all(&body);
    }
}

#[test]
fn http_paths_read_like_the_local_file_and_reuse_their_copy() {
    let objects = Arc::new(Mutex::new(Objects::default()));
    let sample = project_path("data/nycflights/1991.csv");
    objects.lock().expect("lock").bodies.insert(
        "/data/1991.csv".to_string(),
        std::fs::read(&sample).expect("the sample"),
    );
    let port = serve_http(Arc::clone(&objects));
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("http://127.0.0.1:{port}/data/1991.csv");
    let read = format!(r#"ddf = read_csv("{url}"); {QUERY}"#);
    let local = format!(r#"ddf = read_csv("data/nycflights/1991.csv"); {QUERY}"#);
    let expected = ok(run(
        &mut ddq_command(&["--format", "csv", "-c", &local]),
        None,
    ));
    let downloads = |objects: &Mutex<Objects>| {
        objects
            .lock()
            .expect("lock")
            .downloads
            .get("/data/1991.csv")
            .copied()
    };

    assert_eq!(ok(ddq_with(dir.path(), &[], &read)), expected);
    assert_eq!(downloads(&objects), Some(1));
    assert_eq!(ok(ddq_with(dir.path(), &[], &read)), expected);
    assert_eq!(
        downloads(&objects),
        Some(1),
        "the second read fetched again"
    );

    let missing = ddq_with(
        dir.path(),
        &[],
        &format!(r#"read_csv("http://127.0.0.1:{port}/data/gone.csv")"#),
    );
    assert_eq!(missing.code, 1);
    assert!(
        missing
            .stderr
            .contains(&format!("not found: http://127.0.0.1:{port}/data/gone.csv")),
        "{}",
        missing.stderr
    );
}

/// A self-signed certificate for 127.0.0.1 and its key, made by the `openssl` command in
/// `dir`; `None` when there is no `openssl`.
fn self_signed_certificate(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args([
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        // A server's own certificate, not an authority's (rustls refuses a CA as a server).
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    made.then_some((cert, key))
}

/// Python's file server over TLS, serving `root` on loopback; `None` without `python3`.
fn serve_https(root: &Path, cert: &Path, key: &Path, dir: &Path) -> Option<(Server, u16)> {
    let port = free_port();
    let script = format!(
        "import http.server, ssl, functools\n\
         handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory={root:?})\n\
         server = http.server.ThreadingHTTPServer(('127.0.0.1', {port}), handler)\n\
         context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n\
         context.load_cert_chain({cert:?}, {key:?})\n\
         server.socket = context.wrap_socket(server.socket, server_side=True)\n\
         server.serve_forever()\n",
        root = root.display().to_string(),
        cert = cert.display().to_string(),
        key = key.display().to_string(),
    );
    let log = dir.join("https.log");
    let child = Command::new("python3")
        .args(["-c", &script])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).ok()?)
        .spawn()
        .ok()?;
    let mut server = Server { child, log };
    wait_for_port(port, &mut server);
    Some((server, port))
}

#[test]
fn https_paths_are_read_through_tls_with_the_certificates_ssl_cert_file_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some((cert, key)) = self_signed_certificate(dir.path()) else {
        eprintln!("SKIPPED the https test: no `openssl` command to make a certificate");
        return;
    };
    let Some((_server, port)) = serve_https(&project_path("data"), &cert, &key, dir.path()) else {
        eprintln!("SKIPPED the https test: no `python3` to serve files over TLS");
        return;
    };
    let url = format!("https://127.0.0.1:{port}/nycflights/1991.csv");
    let read = format!(r#"ddf = read_csv("{url}"); {QUERY}"#);
    let local = format!(r#"ddf = read_csv("data/nycflights/1991.csv"); {QUERY}"#);
    let expected = ok(run(
        &mut ddq_command(&["--format", "csv", "-c", &local]),
        None,
    ));
    let trusted = [("SSL_CERT_FILE", cert.display().to_string())];
    assert_eq!(ok(ddq_with(dir.path(), &trusted, &read)), expected);
    // A certificate nobody said to trust is refused, naming the URL.
    let untrusted = ddq_with(&dir.path().join("other-cache"), &[], &read);
    assert_eq!(untrusted.code, 1, "{}", untrusted.stdout);
    assert!(untrusted.stderr.contains(&url), "{}", untrusted.stderr);
    assert!(
        untrusted.stderr.contains("SSL_CERT_FILE"),
        "{}",
        untrusted.stderr
    );
}
