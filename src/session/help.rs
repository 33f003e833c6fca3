//! `help` and `help TOPIC`, generated from the command table and the verb registry so help can
//! never describe something the parser or planner does not do.

use crate::config::settings::SETTINGS;
use crate::error::{DdqError, Result, closest_match};
use crate::lang::commands::COMMANDS;
use crate::plan::verbs;

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
    let mut groups: Vec<&str> = Vec::new();
    for v in verbs::all() {
        if !groups.contains(&v.group) {
            groups.push(v.group);
        }
    }
    for group in groups {
        text.push_str(&format!("\n{group}:\n  "));
        let names: Vec<&str> = verbs::all()
            .filter(|v| v.group == group)
            .map(|v| v.name)
            .collect();
        let mut unique: Vec<&str> = Vec::new();
        for n in names {
            if !unique.contains(&n) {
                unique.push(n);
            }
        }
        text.push_str(&unique.join(", "));
        text.push('\n');
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
