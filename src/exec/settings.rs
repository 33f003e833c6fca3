//! Session settings. Each setting is defined once, in `SETTINGS`, with its help; the `set`
//! command and the command-line flags both go through `Settings::set`.

use crate::error::{DdqError, Result, closest_match};
use crate::lang::ast::Ident;
use crate::output::{DisplayOptions, Format};

pub struct SettingSpec {
    pub name: &'static str,
    pub values: &'static str,
    pub summary: &'static str,
}

pub const SETTINGS: &[SettingSpec] = &[
    SettingSpec {
        name: "format",
        values: "table | csv | json",
        summary: "How results are printed (the --format flag).",
    },
    SettingSpec {
        name: "max_rows",
        values: "N (0: no limit)",
        summary: "Tables longer than this show their first and last rows only.",
    },
    SettingSpec {
        name: "min_rows",
        values: "N",
        summary: "How many rows a shortened table shows.",
    },
    SettingSpec {
        name: "max_columns",
        values: "N (0: no limit)",
        summary: "Tables wider than this show their first and last columns only.",
    },
    SettingSpec {
        name: "quiet",
        values: "true | false",
        summary: "Suppress notices on stderr (the --quiet flag).",
    },
];

#[derive(Debug, Clone)]
pub struct Settings {
    pub format: Format,
    pub display: DisplayOptions,
    pub quiet: bool,
}

impl Settings {
    pub fn new(format: Format, quiet: bool) -> Settings {
        Settings {
            format,
            display: DisplayOptions::default(),
            quiet,
        }
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
