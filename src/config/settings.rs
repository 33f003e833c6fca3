//! Session settings. Each setting is defined once, below, as ripgrep defines its flags: one
//! `Setting` row with its names (`set NAME`, `--flag`, Dask's `Client(...)` keyword), its help,
//! the function that reads it and the one that parses and changes it, and its test beside it.
//! The `set` command, the command-line flags (generated from the same rows) and `Client(...)`
//! all go through a row's `set`, so `--max-rows 20` and `set max_rows 20` cannot disagree.

use crate::config::display::{BarMode, DisplayOptions, Format};
use crate::config::scheduler::{LocalShape, SchedulerKind, default_shape, scheduler_address};
use crate::config::size::{default_limit, format_size, parse_size};
use crate::error::span::Span;
use crate::error::{DdqError, Result, closest_match};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};

/// One setting: how it is named and documented, and how it is read and changed.
pub struct Setting {
    pub name: &'static str,
    /// The values it takes, for `help` and error messages (`table | csv | json`).
    pub values: &'static str,
    pub summary: &'static str,
    /// On the command line: a switch (`--quiet`) rather than a flag with a value.
    pub switch: bool,
    /// The value's placeholder in `--help`.
    pub placeholder: &'static str,
    pub short: Option<char>,
    /// The keyword of Dask's `Client(...)` that sets it (`n_workers` sets `workers`).
    pub client_keyword: Option<&'static str>,
    get: fn(&Settings) -> String,
    set: fn(&mut Settings, &str) -> Option<Result<()>>,
}

/// Every setting, in the order `set` lists them.
pub const SETTINGS: &[&Setting] = &[
    &FORMAT,
    &MAX_ROWS,
    &MIN_ROWS,
    &MAX_COLUMNS,
    &WIDTH,
    &PAGER,
    &MEMORY_LIMIT,
    &CACHE,
    &CACHE_LIMIT,
    &PROGRESS,
    &SCHEDULER,
    &WORKERS,
    &THREADS_PER_WORKER,
    &ADDRESS,
    &DASHBOARD,
    &QUIET,
];

/// A setting is known by its name (the rows hold functions, which neither print nor compare).
impl std::fmt::Debug for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Setting({})", self.name)
    }
}

impl PartialEq for Setting {
    fn eq(&self, other: &Setting) -> bool {
        self.name == other.name
    }
}

/// The values of a setting that is on or off; on the command line it also has `--no-NAME`.
const ON_OFF: &str = "on | off";

impl Setting {
    /// The command-line spelling: `max_rows` is `--max-rows`.
    pub fn flag(&self) -> String {
        self.name.replace('_', "-")
    }

    /// `--no-NAME`, the switch that turns an on/off setting off (`--no-cache`).
    fn off_switch(&self) -> Option<String> {
        (self.values == ON_OFF).then(|| format!("no-{}", self.flag()))
    }

    /// The setting's current value as `set` shows it.
    pub fn get(&self, settings: &Settings) -> String {
        (self.get)(settings)
    }

    /// Parses `value` and changes the setting; an error names the values it takes.
    pub fn set(&self, settings: &mut Settings, value: &str) -> Result<()> {
        let value = value.trim().trim_matches('"');
        (self.set)(settings, value).unwrap_or_else(|| {
            Err(DdqError::type_error(format!(
                "invalid value `{value}` for {}; expected {}",
                self.name, self.values
            )))
        })
    }
}

/// The setting named `name`, or an error with a did-you-mean.
pub fn setting(name: &str) -> Result<&'static Setting> {
    SETTINGS
        .iter()
        .copied()
        .find(|s| s.name == name)
        .ok_or_else(|| {
            let names: Vec<&str> = SETTINGS.iter().map(|s| s.name).collect();
            let err = DdqError::unknown(format!("unknown setting `{name}`"));
            match closest_match(name, names.iter().copied()) {
                Some(best) => err.with_help(format!("did you mean `{best}`?")),
                None => err.with_help(format!("settings: {}", names.join(", "))),
            }
        })
}

/// The setting Dask's `Client(KEYWORD=...)` changes.
pub fn client_setting(keyword: &str) -> Option<&'static Setting> {
    SETTINGS
        .iter()
        .copied()
        .find(|s| s.client_keyword == Some(keyword))
}

/// Adds one command-line flag per setting to a clap command.
pub fn add_flags(mut command: clap::Command) -> clap::Command {
    for setting in SETTINGS {
        let mut arg = clap::Arg::new(setting.name)
            .long(setting.flag())
            .help(setting.summary);
        if let Some(short) = setting.short {
            arg = arg.short(short);
        }
        arg = if setting.switch {
            arg.action(clap::ArgAction::SetTrue)
        } else {
            arg.value_name(setting.placeholder)
        };
        command = command.arg(arg);
        if let Some(off) = setting.off_switch() {
            let help = format!("Turn {} off (`--{} off`).", setting.name, setting.flag());
            let switch = clap::Arg::new(off.clone())
                .long(off)
                .help(help)
                .action(clap::ArgAction::SetTrue);
            command = command.arg(switch);
        }
    }
    command
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub format: Format,
    pub display: DisplayOptions,
    pub quiet: bool,
    /// Bytes of memory queries may hold before spilling.
    pub memory_limit: u64,
    pub progress: BarMode,
    pub scheduler: SchedulerKind,
    /// Local cluster size; `None`: from the machine.
    pub workers: Option<usize>,
    pub threads_per_worker: Option<usize>,
    /// The distributed scheduler's HOST:PORT.
    pub address: Option<String>,
    /// Where the dashboard is served (the next free port when taken); `None`: nowhere.
    pub dashboard: Option<SocketAddr>,
    /// The command tables taller than the terminal are piped through; `None`: none.
    pub pager: Option<String>,
    /// Whether scans keep and read a columnar copy of the CSV they parse.
    pub cache: bool,
    /// Bytes that copy may take on disk; `None`: from the free disk space.
    pub cache_limit: Option<u64>,
}

impl Settings {
    pub fn new(format: Format, quiet: bool) -> Settings {
        Settings {
            format,
            display: DisplayOptions::default(),
            quiet,
            memory_limit: default_limit(),
            progress: BarMode::Clear,
            scheduler: SchedulerKind::Threads,
            workers: None,
            threads_per_worker: None,
            address: None,
            dashboard: Some(DEFAULT_DASHBOARD),
            pager: None,
            cache: true,
            cache_limit: None,
        }
    }

    /// Settings from parsed command-line flags, on top of the defaults.
    pub fn from_flags(matches: &clap::ArgMatches, default_format: Format) -> Result<Settings> {
        let mut settings = Settings::new(default_format, false);
        for setting in SETTINGS {
            if setting.switch {
                if matches.get_flag(setting.name) {
                    setting.set(&mut settings, "true")?;
                }
            } else if let Some(value) = matches.get_one::<String>(setting.name) {
                setting.set(&mut settings, value).map_err(|e| {
                    DdqError::new(e.kind, format!("--{}: {}", setting.flag(), e.message))
                })?;
            }
            if let Some(off) = setting.off_switch()
                && matches.get_flag(&off)
            {
                setting.set(&mut settings, "off")?;
            }
        }
        Ok(settings)
    }

    /// `set` (list all), `set NAME` (show one), `set NAME VALUE` (change one); `name` is the
    /// setting's name and where it was written.
    pub fn apply(&mut self, name: Option<(&str, Span)>, value: Option<&str>) -> Result<String> {
        match (name, value) {
            (None, _) => Ok(SETTINGS
                .iter()
                .map(|s| format!("{} = {}\n", s.name, s.get(self)))
                .collect()),
            (Some((name, span)), None) => {
                let setting = setting(name).map_err(|e| e.at(span))?;
                Ok(format!("{name} = {}\n", setting.get(self)))
            }
            (Some((name, span)), Some(value)) => {
                let setting = setting(name).map_err(|e| e.at(span))?;
                setting.set(self, value).map_err(|e| e.at(span))?;
                Ok(String::new())
            }
        }
    }

    /// Workers and threads per worker of a local cluster: as set, the rest from the machine's
    /// cores (like Dask's `LocalCluster`).
    fn local_shape_counts(&self) -> (usize, usize) {
        let cores = machine_cores();
        match (self.workers, self.threads_per_worker) {
            (Some(w), Some(t)) => (w, t),
            (Some(w), None) => (w, (cores / w).max(1)),
            (None, Some(t)) => ((cores / t).max(1), t),
            (None, None) => default_shape(cores),
        }
    }

    /// The local cluster `--scheduler processes` starts; all workers share the memory limit.
    pub fn local_shape(&self) -> LocalShape {
        let (workers, threads_per_worker) = self.local_shape_counts();
        LocalShape {
            workers,
            threads_per_worker,
            memory_limit: self.memory_limit,
        }
    }
}

pub const FORMAT: Setting = Setting {
    name: "format",
    placeholder: "FORMAT",
    values: "table | csv | json | markdown | tsv | parquet",
    summary: "How results are printed [default: table on a terminal, csv otherwise]; parquet only to a file (--output) or a pipe.",
    switch: false,
    short: None,
    client_keyword: None,
    get: |s| s.format.to_string(),
    set: |s, value| assign(&mut s.format, value.parse().ok()),
};

#[cfg(test)]
#[test]
fn format_setting() {
    let mut settings = Settings::new(Format::Table, false);
    FORMAT.set(&mut settings, "csv").unwrap();
    assert_eq!(settings.format, Format::Csv);
    assert_eq!(FORMAT.get(&settings), "csv");
    assert!(FORMAT.set(&mut settings, "xml").is_err());
}

pub const MAX_ROWS: Setting = Setting {
    name: "max_rows",
    placeholder: "N",
    values: "N (0: no limit)",
    summary: "Tables longer than this show their first and last rows only [default: 60].",
    switch: false,
    short: None,
    client_keyword: None,
    get: |s| s.display.max_rows.to_string(),
    set: |s, value| assign(&mut s.display.max_rows, value.parse().ok()),
};

pub const MIN_ROWS: Setting = Setting {
    name: "min_rows",
    placeholder: "N",
    values: "N",
    summary: "How many rows a shortened table shows [default: 10].",
    switch: false,
    short: None,
    client_keyword: None,
    get: |s| s.display.min_rows.to_string(),
    set: |s, value| assign(&mut s.display.min_rows, value.parse().ok()),
};

pub const MAX_COLUMNS: Setting = Setting {
    name: "max_columns",
    placeholder: "N",
    values: "N (0: no limit)",
    summary: "Tables wider than this show their first and last columns only [default: 20].",
    switch: false,
    short: None,
    client_keyword: None,
    get: |s| s.display.max_columns.to_string(),
    set: |s, value| assign(&mut s.display.max_columns, value.parse().ok()),
};

pub const WIDTH: Setting = Setting {
    name: "width",
    placeholder: "N",
    values: "N (0: the terminal's width)",
    summary: "Tables wider than this many characters show their first and last columns only [default: 0, the terminal's width; no limit off a terminal].",
    switch: false,
    short: None,
    client_keyword: None,
    get: |s| s.display.width.to_string(),
    set: |s, value| assign(&mut s.display.width, value.parse().ok()),
};

#[cfg(test)]
#[test]
fn width_setting() {
    let mut settings = Settings::new(Format::Table, false);
    assert_eq!(WIDTH.get(&settings), "0");
    WIDTH.set(&mut settings, "100").unwrap();
    assert_eq!(settings.display.width, 100);
    let err = WIDTH.set(&mut settings, "wide").unwrap_err();
    assert_eq!(
        err.message,
        "invalid value `wide` for width; expected N (0: the terminal's width)"
    );
}

pub const PAGER: Setting = Setting {
    name: "pager",
    placeholder: "COMMAND",
    values: "a command such as `less -S`, or off",
    summary: "On a terminal, tables taller than the window go through this pager, unshortened [default: off].",
    switch: false,
    short: None,
    client_keyword: None,
    get: |s| s.pager.clone().unwrap_or_else(|| "off".to_string()),
    set: |s, value| match value {
        "" => None,
        "off" | "none" | "None" => assign(&mut s.pager, Some(None)),
        command => assign(&mut s.pager, Some(Some(command.to_string()))),
    },
};

#[cfg(test)]
#[test]
fn pager_setting() {
    let mut settings = Settings::new(Format::Table, false);
    assert_eq!(PAGER.get(&settings), "off");
    PAGER.set(&mut settings, "less -S").unwrap();
    assert_eq!(settings.pager.as_deref(), Some("less -S"));
    PAGER.set(&mut settings, "off").unwrap();
    assert_eq!(settings.pager, None);
    assert!(PAGER.set(&mut settings, "").is_err());
}

#[cfg(test)]
#[test]
fn display_settings() {
    let mut settings = Settings::new(Format::Table, false);
    MAX_ROWS.set(&mut settings, "20").unwrap();
    MIN_ROWS.set(&mut settings, "4").unwrap();
    MAX_COLUMNS.set(&mut settings, "0").unwrap();
    assert_eq!(
        (settings.display.max_rows, settings.display.min_rows),
        (20, 4)
    );
    assert_eq!(MAX_COLUMNS.get(&settings), "0");
    let err = MAX_ROWS.set(&mut settings, "-1").unwrap_err();
    assert_eq!(
        err.message,
        "invalid value `-1` for max_rows; expected N (0: no limit)"
    );
}

pub const MEMORY_LIMIT: Setting = Setting {
    name: "memory_limit",
    placeholder: "SIZE",
    values: "SIZE such as 256MB, 2GB, 512MiB, or auto",
    summary: "Memory queries may use before they spill to disk [default: half the machine's memory].",
    switch: false,
    short: None,
    // Dask's `Client(memory_limit=...)` means it per worker; the session multiplies.
    client_keyword: Some("memory_limit"),
    get: |s| format_size(s.memory_limit),
    set: |s, value| Some(parse_size(value).map(|bytes| s.memory_limit = bytes)),
};

#[cfg(test)]
#[test]
fn memory_limit_setting() {
    let mut settings = Settings::new(Format::Table, false);
    MEMORY_LIMIT.set(&mut settings, "256MB").unwrap();
    assert_eq!(settings.memory_limit, 256_000_000);
    assert_eq!(MEMORY_LIMIT.get(&settings), "256MB");
    let err = MEMORY_LIMIT.set(&mut settings, "lots").unwrap_err();
    assert!(err.message.contains("is not a size"), "{}", err.message);
}

pub const CACHE: Setting = Setting {
    name: "cache",
    placeholder: "on|off",
    values: ON_OFF,
    summary: "Keep a compressed columnar copy of the CSV columns scans parse, and read it instead next time [default: on].",
    switch: false,
    short: None,
    client_keyword: None,
    get: |s| if s.cache { "on" } else { "off" }.to_string(),
    set: |s, value| assign(&mut s.cache, parse_switch(value)),
};

#[cfg(test)]
#[test]
fn cache_setting() {
    let mut settings = Settings::new(Format::Table, false);
    assert_eq!(CACHE.get(&settings), "on");
    CACHE.set(&mut settings, "off").unwrap();
    assert!(!settings.cache);
    assert_eq!(CACHE.off_switch().as_deref(), Some("no-cache"));
    let matches = add_flags(clap::Command::new("ddq")).get_matches_from(["ddq", "--no-cache"]);
    assert!(!Settings::from_flags(&matches, Format::Table).unwrap().cache);
    let matches = add_flags(clap::Command::new("ddq")).get_matches_from(["ddq"]);
    assert!(Settings::from_flags(&matches, Format::Table).unwrap().cache);
    assert!(CACHE.set(&mut settings, "sometimes").is_err());
}

pub const CACHE_LIMIT: Setting = Setting {
    name: "cache_limit",
    placeholder: "SIZE",
    values: "SIZE such as 1GB, 500MB, or auto",
    summary: "Disk the scan cache may take; the least recently used columns go first [default: auto, a quarter of the free disk space].",
    switch: false,
    short: None,
    client_keyword: None,
    get: |s| {
        s.cache_limit
            .map_or_else(|| "auto".to_string(), format_size)
    },
    set: |s, value| {
        if value.eq_ignore_ascii_case("auto") {
            s.cache_limit = None;
            return Some(Ok(()));
        }
        Some(parse_size(value).map(|bytes| s.cache_limit = Some(bytes)))
    },
};

#[cfg(test)]
#[test]
fn cache_limit_setting() {
    let mut settings = Settings::new(Format::Table, false);
    assert_eq!(CACHE_LIMIT.get(&settings), "auto");
    CACHE_LIMIT.set(&mut settings, "1GB").unwrap();
    assert_eq!(settings.cache_limit, Some(1_000_000_000));
    assert_eq!(CACHE_LIMIT.get(&settings), "1GB");
    CACHE_LIMIT.set(&mut settings, "auto").unwrap();
    assert_eq!(settings.cache_limit, None);
    assert!(CACHE_LIMIT.set(&mut settings, "huge").is_err());
}

pub const PROGRESS: Setting = Setting {
    name: "progress",
    placeholder: "MODE",
    values: "clear | keep | off",
    summary: "The progress bar of long statements on a terminal: cleared when done, kept, or never drawn [default: clear].",
    switch: false,
    short: None,
    client_keyword: None,
    get: |s| {
        match s.progress {
            BarMode::Clear => "clear",
            BarMode::Keep => "keep",
            BarMode::Off => "off",
        }
        .to_string()
    },
    set: |s, value| {
        s.progress = match value {
            "clear" => BarMode::Clear,
            "keep" => BarMode::Keep,
            "off" => BarMode::Off,
            _ => return None,
        };
        Some(Ok(()))
    },
};

#[cfg(test)]
#[test]
fn progress_setting() {
    let mut settings = Settings::new(Format::Table, false);
    PROGRESS.set(&mut settings, "off").unwrap();
    assert_eq!(settings.progress, BarMode::Off);
    assert_eq!(PROGRESS.get(&settings), "off");
    assert!(PROGRESS.set(&mut settings, "loud").is_err());
}

pub const SCHEDULER: Setting = Setting {
    name: "scheduler",
    placeholder: "NAME",
    values: "threads | processes | distributed",
    summary: "Where statements run: this process' threads, a local cluster of worker processes, or the cluster at --address [default: threads].",
    switch: false,
    short: None,
    client_keyword: None,
    get: |s| s.scheduler.to_string(),
    set: |s, value| Some(value.parse().map(|kind| s.scheduler = kind)),
};

#[cfg(test)]
#[test]
fn scheduler_setting() {
    let mut settings = Settings::new(Format::Table, false);
    SCHEDULER.set(&mut settings, "processes").unwrap();
    assert_eq!(settings.scheduler, SchedulerKind::Processes);
    let err = SCHEDULER.set(&mut settings, "proceses").unwrap_err();
    assert!(err.help.unwrap().contains("did you mean \"processes\""));
}

pub const WORKERS: Setting = Setting {
    name: "workers",
    placeholder: "N",
    values: "N, or auto",
    summary: "Worker processes of the local cluster (--scheduler processes) [default: from the machine's cores].",
    switch: false,
    short: None,
    client_keyword: Some("n_workers"),
    get: |s| format_count(s.workers, s.local_shape_counts().0),
    set: |s, value| assign(&mut s.workers, parse_count(value)),
};

pub const THREADS_PER_WORKER: Setting = Setting {
    name: "threads_per_worker",
    placeholder: "T",
    values: "T, or auto",
    summary: "Threads of each local worker [default: the cores divided among the workers].",
    switch: false,
    short: None,
    client_keyword: Some("threads_per_worker"),
    get: |s| format_count(s.threads_per_worker, s.local_shape_counts().1),
    set: |s, value| assign(&mut s.threads_per_worker, parse_count(value)),
};

#[cfg(test)]
#[test]
fn cluster_shape_settings() {
    let mut settings = Settings::new(Format::Table, false);
    WORKERS.set(&mut settings, "3").unwrap();
    THREADS_PER_WORKER.set(&mut settings, "2").unwrap();
    assert_eq!(
        (settings.workers, settings.threads_per_worker),
        (Some(3), Some(2))
    );
    assert_eq!(settings.local_shape().workers, 3);
    THREADS_PER_WORKER.set(&mut settings, "auto").unwrap();
    assert!(THREADS_PER_WORKER.get(&settings).starts_with("auto ("));
    assert!(WORKERS.set(&mut settings, "0").is_err());
    assert_eq!(client_setting("n_workers").map(|s| s.name), Some("workers"));
}

pub const ADDRESS: Setting = Setting {
    name: "address",
    placeholder: "URL",
    values: "df://HOST:PORT of a `ddq scheduler`",
    summary: "The cluster --scheduler distributed runs on.",
    switch: false,
    short: None,
    client_keyword: Some("address"),
    get: |s| {
        s.address
            .as_ref()
            .map_or_else(|| "none".to_string(), |a| format!("df://{a}"))
    },
    set: |s, value| Some(scheduler_address(value).map(|a| s.address = Some(a))),
};

#[cfg(test)]
#[test]
fn address_setting() {
    let mut settings = Settings::new(Format::Table, false);
    assert_eq!(ADDRESS.get(&settings), "none");
    ADDRESS.set(&mut settings, "df://10.0.0.1:50050").unwrap();
    assert_eq!(settings.address.as_deref(), Some("10.0.0.1:50050"));
    assert_eq!(ADDRESS.get(&settings), "df://10.0.0.1:50050");
    assert!(ADDRESS.set(&mut settings, "nowhere").is_err());
}

/// Dask's dashboard port, on loopback: only this machine (or an SSH tunnel) reaches it.
pub const DEFAULT_DASHBOARD: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8787);

pub const DASHBOARD: Setting = Setting {
    name: "dashboard",
    placeholder: "ADDR",
    values: "HOST:PORT, PORT (on 127.0.0.1), or off",
    summary: "Where the dashboard web page is served; the next free port when that one is taken [default: 127.0.0.1:8787].",
    switch: false,
    short: None,
    client_keyword: Some("dashboard_address"),
    get: |s| {
        s.dashboard
            .map_or_else(|| "off".to_string(), |a| a.to_string())
    },
    set: |s, value| assign(&mut s.dashboard, parse_dashboard(value)),
};

/// `off`, a port on loopback, or HOST:PORT (a name resolves to its first address).
fn parse_dashboard(value: &str) -> Option<Option<SocketAddr>> {
    if value == "off" {
        return Some(None);
    }
    if let Ok(port) = value.trim_start_matches(':').parse::<u16>() {
        return Some(Some(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)));
    }
    let mut addresses = value.to_socket_addrs().ok()?;
    addresses.next().map(Some)
}

#[cfg(test)]
#[test]
fn dashboard_setting() {
    let mut settings = Settings::new(Format::Table, false);
    assert_eq!(DASHBOARD.get(&settings), "127.0.0.1:8787");
    DASHBOARD.set(&mut settings, "off").unwrap();
    assert_eq!(settings.dashboard, None);
    assert_eq!(DASHBOARD.get(&settings), "off");
    DASHBOARD.set(&mut settings, "9000").unwrap();
    assert_eq!(DASHBOARD.get(&settings), "127.0.0.1:9000");
    DASHBOARD.set(&mut settings, "0.0.0.0:8787").unwrap();
    assert_eq!(DASHBOARD.get(&settings), "0.0.0.0:8787");
    let err = DASHBOARD.set(&mut settings, "on").unwrap_err();
    assert_eq!(
        err.message,
        "invalid value `on` for dashboard; expected HOST:PORT, PORT (on 127.0.0.1), or off"
    );
    assert_eq!(
        client_setting("dashboard_address").map(|s| s.name),
        Some("dashboard")
    );
}

pub const QUIET: Setting = Setting {
    name: "quiet",
    placeholder: "",
    values: "true | false",
    summary: "Print nothing but results and errors.",
    switch: true,
    short: Some('q'),
    client_keyword: None,
    get: |s| s.quiet.to_string(),
    set: |s, value| assign(&mut s.quiet, parse_switch(value)),
};

#[cfg(test)]
#[test]
fn quiet_setting() {
    let mut settings = Settings::new(Format::Table, false);
    QUIET.set(&mut settings, "True").unwrap();
    assert!(settings.quiet);
    assert!(QUIET.set(&mut settings, "maybe").is_err());
}

/// Stores a parsed value; `None` (it did not parse) makes `Setting::set` name the values taken.
fn assign<T>(slot: &mut T, parsed: Option<T>) -> Option<Result<()>> {
    *slot = parsed?;
    Some(Ok(()))
}

/// A setting that is on or off, spelled as Python, as a switch or as a number.
fn parse_switch(value: &str) -> Option<bool> {
    match value {
        "true" | "True" | "on" | "1" => Some(true),
        "false" | "False" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// The machine's logical cores, as sysinfo counts them.
fn machine_cores() -> usize {
    let counted = sysinfo::System::new_with_specifics(
        sysinfo::RefreshKind::nothing().with_cpu(sysinfo::CpuRefreshKind::nothing()),
    )
    .map_or(0, |system| system.cpus().len());
    match counted {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// A positive count, or `auto` (`None`).
fn parse_count(value: &str) -> Option<Option<usize>> {
    match value {
        "auto" => Some(None),
        _ => value.parse::<usize>().ok().filter(|&n| n > 0).map(Some),
    }
}

fn format_count(set: Option<usize>, effective: usize) -> String {
    match set {
        Some(n) => n.to_string(),
        None => format!("auto ({effective})"),
    }
}

#[cfg(test)]
#[test]
fn names_are_unique_and_unknown_names_are_suggested() {
    for (i, a) in SETTINGS.iter().enumerate() {
        assert!(SETTINGS[i + 1..].iter().all(|b| b.name != a.name));
    }
    let err = setting("max_row").err().unwrap();
    assert_eq!(err.help.as_deref(), Some("did you mean `max_rows`?"));
}
