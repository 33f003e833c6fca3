//! `help` and `help TOPIC`, generated from the command table and the verb registry so help can
//! never describe something the parser or planner does not do.

use crate::config::settings::SETTINGS;
use crate::error::{DdqError, Result, closest_match};
use crate::lang::commands::COMMANDS;
use crate::plan::verbs::{self, Receiver};

pub fn help_text(topic: Option<&str>) -> Result<String> {
    match topic {
        None => Ok(overview()),
        Some(name) => topic_text(name),
    }
}

fn overview() -> String {
    let mut text = String::from("Commands:\n");
    for c in COMMANDS {
        text.push_str(&format!("  {:<28} {}\n", c.usage, c.summary));
    }
    for (receiver, heading) in SECTIONS {
        text.push_str(&format!("\n{heading}\n"));
        text.push_str(&section(*receiver));
    }
    text.push_str("\nSettings (set NAME VALUE): ");
    text.push_str(
        &SETTINGS
            .iter()
            .map(|s| s.name)
            .collect::<Vec<_>>()
            .join(", "),
    );
    text.push_str("\n\n`help NAME` shows a verb's or command's signature and an example.\n");
    text
}

/// The sections of the overview, in the order of pandas' API reference: what a verb applies to,
/// then, inside, ddq's groups of verbs.
const SECTIONS: &[(Receiver, &str)] = &[
    (
        Receiver::Function,
        "Top-level functions (also as dd.NAME, pd.NAME):",
    ),
    (Receiver::Frame, "DataFrame:"),
    (Receiver::Series, "Series:"),
    (
        Receiver::GroupBy,
        "GroupBy (and resample(...), which groups by time):",
    ),
    (Receiver::Rolling, "Rolling (s.rolling(n)):"),
    (Receiver::Dt, "Series.dt:"),
    (Receiver::Str, "Series.str:"),
    (Receiver::Cat, "Series.cat:"),
    (Receiver::Plot, "Series.plot and DataFrame.plot:"),
    (Receiver::Scalar, "Computed values:"),
    (Receiver::Client, "Client (client = Client(...)):"),
];

/// One line per group of the verbs that apply to `receiver`: `  Group: a, b, c`.
fn section(receiver: Receiver) -> String {
    let mut groups: Vec<&str> = Vec::new();
    for v in verbs::verbs_for(receiver) {
        if !groups.contains(&v.group) {
            groups.push(v.group);
        }
    }
    let mut text = String::new();
    for group in groups {
        let mut names: Vec<&str> = Vec::new();
        for v in verbs::verbs_for(receiver).filter(|v| v.group == group) {
            if !names.contains(&v.name) {
                names.push(v.name);
            }
        }
        text.push_str(&format!("  {group}: {}\n", names.join(", ")));
    }
    text
}

fn topic_text(name: &str) -> Result<String> {
    let mut text = String::new();
    if let Some(c) = COMMANDS.iter().find(|c| c.name == name) {
        text.push_str(&format!(
            "{}\n  {}\n  example: {}\n",
            c.usage, c.summary, c.example
        ));
    }
    for v in verbs::named(name) {
        let on: Vec<&str> = v.receivers.iter().map(|r| r.describe()).collect();
        text.push_str(&format!(
            "{}  ({})\n  {}\n  example: {}\n",
            v.signature,
            on.join(", "),
            v.summary,
            v.example
        ));
    }
    if let Some(s) = SETTINGS.iter().find(|s| s.name == name) {
        text.push_str(&format!("set {} {}\n  {}\n", s.name, s.values, s.summary));
    }
    if text.is_empty() {
        let names = COMMANDS
            .iter()
            .map(|c| c.name)
            .chain(verbs::all().map(|v| v.name));
        let err = DdqError::unknown(format!("no help for `{name}`"));
        return Err(match closest_match(name, names) {
            Some(best) => err.with_help(format!("did you mean `{best}`?")),
            None => err.with_help("`help` lists every command and method"),
        });
    }
    Ok(text)
}
