//! Session settings. Each setting is defined once, in `SETTINGS`, with its help; the `set`
//! command and the command-line flags (generated from the same table) both go through
//! `Settings::set`, so `--max-rows 20` and `set max_rows 20` cannot disagree.

use crate::error::{DdqError, Result, closest_match};
use crate::exec::cluster::{LocalShape, SchedulerKind, default_shape};
use crate::exec::memory;
use crate::exec::progress::BarMode;
use crate::lang::ast::Ident;
use crate::output::{DisplayOptions, Format};

pub struct SettingSpec {
    pub name: &'static str,
    pub values: &'static str,
    pub summary: &'static str,
    /// On the command line: a switch (`--quiet`) rather than a flag with a value.
    pub switch: bool,
    /// The value's placeholder in `--help`.
    pub placeholder: &'static str,
    pub short: Option<char>,
}

pub const SETTINGS: &[SettingSpec] = &[
    SettingSpec {
        name: "format",
        placeholder: "FORMAT",
        values: "table | csv | json",
        summary: "How results are printed [default: table on a terminal, csv otherwise].",
        switch: false,
        short: None,
    },
    SettingSpec {
        name: "max_rows",
        placeholder: "N",
        values: "N (0: no limit)",
        summary: "Tables longer than this show their first and last rows only [default: 60].",
        switch: false,
        short: None,
    },
    SettingSpec {
        name: "min_rows",
        placeholder: "N",
        values: "N",
        summary: "How many rows a shortened table shows [default: 10].",
        switch: false,
        short: None,
    },
    SettingSpec {
        name: "max_columns",
        placeholder: "N",
        values: "N (0: no limit)",
        summary: "Tables wider than this show their first and last columns only [default: 20].",
        switch: false,
        short: None,
    },
    SettingSpec {
        name: "memory_limit",
        placeholder: "SIZE",
        values: "SIZE such as 256MB, 2GB, 512MiB, or auto",
        summary: "Memory queries may use before they spill to disk [default: half the machine's memory].",
        switch: false,
        short: None,
    },
    SettingSpec {
        name: "progress",
        placeholder: "MODE",
        values: "clear | keep | off",
        summary: "The progress bar of long statements on a terminal: cleared when done, kept, or never drawn [default: clear].",
        switch: false,
        short: None,
    },
    SettingSpec {
        name: "scheduler",
        placeholder: "NAME",
        values: "threads | processes | distributed",
        summary: "Where statements run: this process' threads, a local cluster of worker processes, or the cluster at --address [default: threads].",
        switch: false,
        short: None,
    },
    SettingSpec {
        name: "workers",
        placeholder: "N",
        values: "N, or auto",
        summary: "Worker processes of the local cluster (--scheduler processes) [default: from the machine's cores].",
        switch: false,
        short: None,
    },
    SettingSpec {
        name: "threads_per_worker",
        placeholder: "T",
        values: "T, or auto",
        summary: "Threads of each local worker [default: the cores divided among the workers].",
        switch: false,
        short: None,
    },
    SettingSpec {
        name: "address",
        placeholder: "URL",
        values: "df://HOST:PORT of a `ddq scheduler`",
        summary: "The cluster --scheduler distributed runs on.",
        switch: false,
        short: None,
    },
    SettingSpec {
        name: "quiet",
        placeholder: "",
        values: "true | false",
        summary: "Print nothing but results and errors.",
        switch: true,
        short: Some('q'),
    },
];

impl SettingSpec {
    /// The command-line spelling: `max_rows` is `--max-rows`.
    pub fn flag(&self) -> String {
        self.name.replace('_', "-")
    }
}

/// Adds one command-line flag per setting to a clap command.
pub fn add_flags(mut command: clap::Command) -> clap::Command {
    for spec in SETTINGS {
        let mut arg = clap::Arg::new(spec.name)
            .long(spec.flag())
            .help(spec.summary);
        if let Some(short) = spec.short {
            arg = arg.short(short);
        }
        arg = if spec.switch {
            arg.action(clap::ArgAction::SetTrue)
        } else {
            arg.value_name(spec.placeholder)
        };
        command = command.arg(arg);
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
}

impl Settings {
    pub fn new(format: Format, quiet: bool) -> Settings {
        Settings {
            format,
            display: DisplayOptions::default(),
            quiet,
            memory_limit: memory::default_limit(),
            progress: BarMode::Clear,
            scheduler: SchedulerKind::Threads,
            workers: None,
            threads_per_worker: None,
            address: None,
        }
    }

    /// Settings from parsed command-line flags, on top of the defaults.
    pub fn from_flags(matches: &clap::ArgMatches, default_format: Format) -> Result<Settings> {
        let mut settings = Settings::new(default_format, false);
        for spec in SETTINGS {
            if spec.switch {
                if matches.get_flag(spec.name) {
                    settings.set(spec.name, "true")?;
                }
            } else if let Some(value) = matches.get_one::<String>(spec.name) {
                settings.set(spec.name, value).map_err(|e| {
                    DdqError::new(e.kind, format!("--{}: {}", spec.flag(), e.message))
                })?;
            }
        }
        Ok(settings)
    }

    /// `set` (list all), `set NAME` (show one), `set NAME VALUE` (change one).
    pub fn apply(&mut self, name: Option<&Ident>, value: Option<&str>) -> Result<String> {
        match (name, value) {
            (None, _) => Ok(SETTINGS
                .iter()
                .map(|s| format!("{} = {}\n", s.name, self.get(s.name)))
                .collect()),
            (Some(ident), None) => {
                spec(&ident.name).map_err(|e| e.at(ident.span))?;
                Ok(format!("{} = {}\n", ident.name, self.get(&ident.name)))
            }
            (Some(ident), Some(value)) => {
                self.set(&ident.name, value).map_err(|e| e.at(ident.span))?;
                Ok(String::new())
            }
        }
    }

    pub fn get(&self, name: &str) -> String {
        match name {
            "format" => self.format.to_string(),
            "max_rows" => self.display.max_rows.to_string(),
            "min_rows" => self.display.min_rows.to_string(),
            "max_columns" => self.display.max_columns.to_string(),
            "quiet" => self.quiet.to_string(),
            "memory_limit" => memory::format_size(self.memory_limit),
            "scheduler" => self.scheduler.to_string(),
            "workers" => {
                let (workers, _) = self.local_shape_counts();
                format_count(self.workers, workers)
            }
            "threads_per_worker" => {
                let (_, threads) = self.local_shape_counts();
                format_count(self.threads_per_worker, threads)
            }
            "address" => self
                .address
                .as_ref()
                .map_or_else(|| "none".to_string(), |a| format!("df://{a}")),
            "progress" => match self.progress {
                BarMode::Clear => "clear".into(),
                BarMode::Keep => "keep".into(),
                BarMode::Off => "off".into(),
            },
            _ => String::new(),
        }
    }

    pub fn set(&mut self, name: &str, value: &str) -> Result<()> {
        let spec = spec(name)?;
        let value = value.trim().trim_matches('"');
        let invalid = || {
            DdqError::type_error(format!(
                "invalid value `{value}` for {name}; expected {}",
                spec.values
            ))
        };
        match name {
            "format" => self.format = value.parse().map_err(|_| invalid())?,
            "max_rows" => self.display.max_rows = value.parse().map_err(|_| invalid())?,
            "min_rows" => self.display.min_rows = value.parse().map_err(|_| invalid())?,
            "max_columns" => self.display.max_columns = value.parse().map_err(|_| invalid())?,
            "memory_limit" => self.memory_limit = memory::parse_size(value)?,
            "scheduler" => self.scheduler = value.parse()?,
            "workers" => self.workers = parse_count(value).ok_or_else(invalid)?,
            "threads_per_worker" => {
                self.threads_per_worker = parse_count(value).ok_or_else(invalid)?
            }
            "address" => {
                self.address = Some(crate::exec::cluster::serve::scheduler_address(value)?)
            }
            "progress" => {
                self.progress = match value {
                    "clear" => BarMode::Clear,
                    "keep" => BarMode::Keep,
                    "off" => BarMode::Off,
                    _ => return Err(invalid()),
                }
            }
            "quiet" => {
                self.quiet = match value {
                    "true" | "True" | "on" | "1" => true,
                    "false" | "False" | "off" | "0" => false,
                    _ => return Err(invalid()),
                }
            }
            _ => return Err(invalid()),
        }
        Ok(())
    }
}

impl Settings {
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

fn spec(name: &str) -> Result<&'static SettingSpec> {
    SETTINGS.iter().find(|s| s.name == name).ok_or_else(|| {
        let names: Vec<&str> = SETTINGS.iter().map(|s| s.name).collect();
        let err = DdqError::unknown(format!("unknown setting `{name}`"));
        match closest_match(name, names.iter().copied()) {
            Some(best) => err.with_help(format!("did you mean `{best}`?")),
            None => err.with_help(format!("settings: {}", names.join(", "))),
        }
    })
}
