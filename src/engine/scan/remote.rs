//! `s3://` and `https://` paths: each object named (an S3 glob is resolved by listing its
//! bucket) is copied once into the cache directory, and the scan reads the local copy with the
//! same fast path as any local file.
//!
//! Why a local copy and not DataFusion's object-store readers: ddq's scan (its CSV parser,
//! type inference over every file, byte-range partitions, the columnar scan cache, the file
//! paths its cluster plans carry) works on memory-mapped local files; one copy keeps all of it,
//! and a later statement over an unchanged object costs one HEAD (or list) request.
//!
//! A copy lives in `<cache dir>/remote/HASH-NAME` (HASH of the URL, NAME its last part, so the
//! extension still tells gzip from plain text), beside `HASH-NAME.version` holding the object's
//! size and ETag (or modification time) when it was fetched. It is streamed into a temporary file
//! and renamed into place once whole, so a large object never sits in memory and an interrupted
//! download leaves no partial copy under the real name. `cache clear` deletes the copies.

use crate::engine::cache::{
    REMOTE_SUBDIR, REMOTE_VERSION_EXTENSION as VERSION_EXTENSION, default_dir, fnv1a,
};
use crate::engine::guard::run_apart;
use crate::error::{DdqError, Result};
use futures::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::http::HttpBuilder;
use object_store::path::Path as StorePath;
use object_store::{
    BackoffConfig, ClientOptions, ObjectMeta, ObjectStore, ObjectStoreExt, RetryConfig,
};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// The URL each local copy was made from, so messages name what the user wrote.
static URLS: Mutex<Option<HashMap<PathBuf, String>>> = Mutex::new(None);

/// Whether `pattern` names objects of a remote store rather than local files.
pub(crate) fn is_remote(pattern: &str) -> bool {
    ["s3://", "s3a://", "http://", "https://"]
        .iter()
        .any(|scheme| pattern.starts_with(scheme))
}

/// Why a worker may not find a copy the client made: it runs on another machine.
pub(crate) const MISSING_COPY_HELP: &str = "this is the ddq client's local copy of an s3:// or \
    https:// object, which a worker on another machine cannot see; read remote paths on the \
    threads or processes scheduler, or give the workers the client's cache directory \
    (DDQ_CACHE_DIR) on a shared file system";

/// Whether `path` is named as a local copy is (`remote/HASH-NAME`), wherever the cache is.
pub(crate) fn is_copy(path: &Path) -> bool {
    let in_remote = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|dir| dir == REMOTE_SUBDIR);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    in_remote
        && name.is_some_and(|n| {
            n.len() > 17
                && n.as_bytes()[16] == b'-'
                && n[..16].bytes().all(|b| b.is_ascii_hexdigit())
        })
}

/// The URL a local copy was made from, if `path` is one this process fetched.
pub(crate) fn url_of(path: &Path) -> Option<String> {
    URLS.lock().ok()?.as_ref()?.get(path).cloned()
}

/// The local copies of the objects `pattern` names (one URL, or an `s3://` glob whose matches
/// are sorted as strings, as local globs are), fetched when missing or changed.
pub(crate) fn local_copies(pattern: &str) -> Result<Vec<PathBuf>> {
    let location = Location::parse(pattern)?;
    let dir = copies_dir()?;
    std::fs::create_dir_all(&dir).map_err(|e| {
        DdqError::input(format!(
            "cannot create {} for the copy of {pattern}: {e}",
            dir.display()
        ))
    })?;
    let copies = run_apart(2, location.fetch_all(&dir))?;
    if let Ok(mut urls) = URLS.lock() {
        let urls = urls.get_or_insert_with(HashMap::new);
        for (path, url) in &copies {
            urls.insert(path.clone(), url.clone());
        }
    }
    Ok(copies.into_iter().map(|(path, _)| path).collect())
}

/// Where copies go: beside the scan cache, or in the temporary directory when there is none.
fn copies_dir() -> Result<PathBuf> {
    let cache = default_dir().unwrap_or_else(|| std::env::temp_dir().join("ddq"));
    Ok(cache.join(REMOTE_SUBDIR))
}

/// A parsed remote path: its store, the object (or glob) within it, and how to name it.
struct Location {
    store: Box<dyn ObjectStore>,
    /// `s3://bucket` or `https://host:port`, the part before the object's path.
    root: String,
    /// The object's path, or the glob's, without a leading `/`.
    key: String,
    s3: bool,
}

impl Location {
    fn parse(pattern: &str) -> Result<Location> {
        let (scheme, rest) = pattern.split_once("://").unwrap_or(("", pattern));
        let (host, key) = rest.split_once('/').unwrap_or((rest, ""));
        if host.is_empty() || key.is_empty() {
            return Err(DdqError::input(format!(
                "{pattern} names no object: expected {scheme}://{}/PATH",
                if scheme.starts_with("s3") {
                    "BUCKET"
                } else {
                    "HOST"
                }
            )));
        }
        let s3 = scheme.starts_with("s3");
        let store = if s3 {
            s3_store(host).map_err(|e| describe(pattern, true, e))?
        } else {
            http_store(scheme, host).map_err(|e| describe(pattern, false, e))?
        };
        Ok(Location {
            store,
            root: format!("{scheme}://{host}"),
            key: key.to_string(),
            s3,
        })
    }

    fn url(&self, key: &str) -> String {
        format!("{}/{key}", self.root)
    }

    /// Every object named, with its local copy and URL.
    async fn fetch_all(self, dir: &Path) -> Result<Vec<(PathBuf, String)>> {
        let objects = if super::files::is_glob(&self.key) {
            self.list_matches().await?
        } else {
            let url = self.url(&self.key);
            let path = StorePath::from_url_path(&self.key)
                .map_err(|e| DdqError::input(format!("invalid path in {url}: {e}")))?;
            vec![
                self.store
                    .head(&path)
                    .await
                    .map_err(|e| describe(&url, self.s3, e))?,
            ]
        };
        let mut copies = Vec::with_capacity(objects.len());
        for meta in objects {
            let url = self.url(meta.location.as_ref());
            let copy = ensure_copy(self.store.as_ref(), &meta, &url, self.s3, dir).await?;
            copies.push((copy, url));
        }
        Ok(copies)
    }

    /// The objects of an `s3://` glob: those under its fixed leading folders, matched the way
    /// a local glob matches (`*` stays within a folder, hidden names need a literal dot).
    async fn list_matches(&self) -> Result<Vec<ObjectMeta>> {
        let pattern_url = self.url(&self.key);
        if !self.s3 {
            return Err(DdqError::input(format!(
                "{pattern_url}: an http(s) path names one file; globs work over s3:// only"
            ))
            .with_help(
                "list the files, as read_csv([\"https://.../a.csv\", \"https://.../b.csv\"])",
            ));
        }
        let glob = glob::Pattern::new(&self.key)
            .map_err(|e| DdqError::input(format!("invalid glob {pattern_url:?}: {e}")))?;
        let options = glob::MatchOptions {
            require_literal_separator: true,
            require_literal_leading_dot: true,
            ..glob::MatchOptions::new()
        };
        let fixed = &self.key[..self.key.find(['*', '?', '[']).unwrap_or(0)];
        let prefix = fixed.rfind('/').map(|end| StorePath::from(&fixed[..end]));
        let mut listing = self.store.list(prefix.as_ref());
        let mut matches = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(|e| describe(&pattern_url, true, e))?;
            if glob.matches_with(meta.location.as_ref(), options) {
                matches.push(meta);
            }
        }
        if matches.is_empty() {
            return Err(DdqError::input(format!("no objects match {pattern_url:?}")));
        }
        matches.sort_by(|a, b| a.location.as_ref().cmp(b.location.as_ref()));
        Ok(matches)
    }
}

/// Retries and timeouts short enough that a server that is down is an error in seconds.
fn client_parts(allow_http: bool) -> (ClientOptions, RetryConfig) {
    let options = ClientOptions::new()
        .with_connect_timeout(Duration::from_secs(5))
        .with_allow_http(allow_http);
    let retry = RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            base: 2.0,
        },
        max_retries: 2,
        retry_timeout: Duration::from_secs(30),
    };
    (options, retry)
}

/// The S3 store of `bucket`, configured from the `AWS_*` environment variables. An
/// `http://` endpoint the user named is allowed without `AWS_ALLOW_HTTP` as well; without
/// credentials in the environment requests go unsigned (public buckets) rather than waiting on
/// an instance metadata service that is not there.
fn s3_store(bucket: &str) -> object_store::Result<Box<dyn ObjectStore>> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let endpoint = env("AWS_ENDPOINT_URL").or_else(|| env("AWS_ENDPOINT"));
    let plain_http = endpoint
        .as_deref()
        .is_some_and(|e| e.starts_with("http://"));
    let allow_http = plain_http
        || env("AWS_ALLOW_HTTP").is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
    let (options, retry) = client_parts(allow_http);
    let mut builder = AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .with_client_options(options)
        .with_retry(retry);
    let has_credentials = [
        "AWS_ACCESS_KEY_ID",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ]
    .iter()
    .any(|name| env(name).is_some());
    if !has_credentials {
        builder = builder.with_skip_signature(true);
    }
    Ok(Box::new(builder.build()?))
}

fn http_store(scheme: &str, host: &str) -> object_store::Result<Box<dyn ObjectStore>> {
    let (options, retry) = client_parts(scheme == "http");
    let store = HttpBuilder::new()
        .with_url(format!("{scheme}://{host}"))
        .with_client_options(options)
        .with_retry(retry)
        .build()?;
    Ok(Box::new(store))
}

/// The local copy of the object `meta` describes: the one on disk if it was made from this
/// version of the object, else a fresh one.
async fn ensure_copy(
    store: &dyn ObjectStore,
    meta: &ObjectMeta,
    url: &str,
    s3: bool,
    dir: &Path,
) -> Result<PathBuf> {
    let name = meta.location.filename().unwrap_or("object");
    let copy = dir.join(format!("{:016x}-{name}", fnv1a(url.as_bytes())));
    let version_file = copy.with_file_name(format!(
        "{}.{VERSION_EXTENSION}",
        copy.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    ));
    let current = version_text(meta);
    let unchanged = std::fs::read_to_string(&version_file).is_ok_and(|kept| kept == current)
        && std::fs::metadata(&copy).is_ok_and(|m| m.is_file() && m.len() == meta.size);
    if unchanged {
        return Ok(copy);
    }
    let fetched = download(store, &meta.location, url, s3, &copy).await?;
    // Written after the copy is in place: a copy without its version is fetched again.
    write_atomically(&version_file, version_text(&fetched).as_bytes())
        .map_err(|e| DdqError::input(format!("cannot write {}: {e}", version_file.display())))?;
    Ok(copy)
}

/// What identifies a version of an object: its size and ETag, or its modification time when
/// the server gives no ETag (S3 lists times in milliseconds but HEAD answers in seconds, so the
/// time is compared only when there is nothing better).
fn version_text(meta: &ObjectMeta) -> String {
    match &meta.e_tag {
        Some(etag) => format!("size={}\netag={etag}\n", meta.size),
        None => format!(
            "size={}\nlast_modified={}\n",
            meta.size,
            meta.last_modified.to_rfc3339()
        ),
    }
}

/// Streams the object into a temporary file beside `copy` (removed if the download fails),
/// renamed to `copy` once whole; the metadata of the version fetched.
async fn download(
    store: &dyn ObjectStore,
    location: &StorePath,
    url: &str,
    s3: bool,
    copy: &Path,
) -> Result<ObjectMeta> {
    let local_error =
        |e: std::io::Error| DdqError::input(format!("cannot write the copy of {url}: {e}"));
    let result = store
        .get(location)
        .await
        .map_err(|e| describe(url, s3, e))?;
    let meta = result.meta.clone();
    let dir = copy.parent().unwrap_or(Path::new("."));
    let temp = tempfile::NamedTempFile::new_in(dir).map_err(local_error)?;
    let mut file = std::io::BufWriter::new(temp);
    let mut body = result.into_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| describe(url, s3, e))?;
        file.write_all(&chunk).map_err(local_error)?;
    }
    let temp = file.into_inner().map_err(|e| local_error(e.into_error()))?;
    temp.as_file().sync_all().map_err(local_error)?;
    temp.persist(copy).map_err(|e| local_error(e.error))?;
    Ok(meta)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut temp = tempfile::NamedTempFile::new_in(path.parent().unwrap_or(Path::new(".")))?;
    temp.write_all(bytes)?;
    temp.persist(path).map(|_| ()).map_err(|e| e.error)
}

/// A store's error as a message naming the URL and what went wrong, with what to do when
/// that is known: not found, no access (and whether credentials were given), no server.
fn describe(url: &str, s3: bool, error: object_store::Error) -> DdqError {
    use object_store::Error;
    let chain = error_chain(&error);
    match error {
        Error::NotFound { .. } => DdqError::input(format!("not found: {url}")),
        Error::PermissionDenied { .. } | Error::Unauthenticated { .. } => {
            access_denied(url, s3, &chain)
        }
        _ if chain.contains("403") || chain.contains("AccessDenied") => {
            access_denied(url, s3, &chain)
        }
        _ if chain.contains("onnection refused") || chain.contains("error sending request") => {
            unreachable_server(url, s3, &chain)
        }
        _ => DdqError::input(format!("cannot read {url}: {chain}")),
    }
}

/// An error's message and its sources', joined: the store's own text often says only
/// "error sending request" and leaves the cause to its source.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn access_denied(url: &str, s3: bool, chain: &str) -> DdqError {
    let err = DdqError::input(format!("access denied to {url}: {chain}"));
    if !s3 {
        return err;
    }
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
        err.with_help(
            "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_REGION)",
        )
    } else {
        err.with_help("check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION")
    }
}

fn unreachable_server(url: &str, s3: bool, chain: &str) -> DdqError {
    // The store's own text names the request, its retries and the socket error; the last
    // is what the user needs.
    let reason = if chain.contains("onnection refused") {
        "connection refused".to_string()
    } else if let Some(at) = chain.find("invalid peer certificate") {
        chain[at..].to_string()
    } else {
        chain.to_string()
    };
    let err = DdqError::input(format!("cannot connect for {url}: {reason}"));
    if reason.starts_with("invalid peer certificate") {
        return err.with_help(
            "the server's certificate is not trusted here; for a private authority, name its \
             PEM file in SSL_CERT_FILE",
        );
    }
    if !s3 {
        return err.with_help("is the server running, and is the address right?");
    }
    let endpoint = std::env::var("AWS_ENDPOINT_URL")
        .or_else(|_| std::env::var("AWS_ENDPOINT"))
        .ok();
    err.with_help(match endpoint {
        Some(endpoint) => {
            format!("ddq reaches S3 at AWS_ENDPOINT_URL={endpoint}: is that server running?")
        }
        None => "for an S3-compatible server, set AWS_ENDPOINT_URL to its address".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_told_by_their_folder_and_hashed_names() {
        assert!(is_copy(Path::new("/c/remote/0123456789abcdef-1990.csv")));
        assert!(!is_copy(Path::new("/c/other/0123456789abcdef-1990.csv")));
        assert!(!is_copy(Path::new("/c/remote/1990.csv")));
        assert!(!is_copy(Path::new("/c/remote/0123456789abcdeg-1990.csv")));
    }

    #[test]
    fn a_path_without_an_object_is_named() {
        let err = Location::parse("s3://bucket").err().expect("no key");
        assert_eq!(
            err.message,
            "s3://bucket names no object: expected s3://BUCKET/PATH"
        );
        let err = Location::parse("https:///x.csv").err().expect("no host");
        assert!(
            err.message.contains("expected https://HOST/PATH"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_version_is_the_size_and_etag_or_else_the_time() {
        let mut meta = ObjectMeta {
            location: StorePath::from("a/b.csv"),
            last_modified: chrono::DateTime::UNIX_EPOCH,
            size: 3,
            e_tag: Some("\"x\"".to_string()),
            version: None,
        };
        assert_eq!(version_text(&meta), "size=3\netag=\"x\"\n");
        meta.e_tag = None;
        assert!(version_text(&meta).contains("last_modified=1970-01-01"));
    }
}
