//! The table of short commands (`read`, `head`, `%time`, ...). It is the single source of truth:
//! the parser recognises a command name only if it is listed here, and `help` and tab completion
//! are generated from the same rows, so a command cannot exist without its documentation.

/// One short command: how it is written, what it does and an example that is also a parser test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    /// The first word of the command, including the `%` of IPython-style magics.
    pub name: &'static str,
    pub usage: &'static str,
    pub summary: &'static str,
    pub example: &'static str,
}

pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "read",
        usage: "read \"GLOB\" [as NAME]",
        summary: "Read the CSV, Parquet or JSON files matching GLOB into a frame (by extension)",
        example: "read \"data/nycflights/*.csv\" as flights",
    },
    CommandSpec {
        name: "head",
        usage: "head EXPR [N]",
        summary: "Show the first N rows of a frame or series (default 5)",
        example: "head flights 10",
    },
    CommandSpec {
        name: "schema",
        usage: "schema EXPR",
        summary: "Show the column names and types of a frame",
        example: "schema flights",
    },
    CommandSpec {
        name: "explain",
        usage: "explain [analyze] EXPR",
        summary: "Show the query plan; with `analyze`, run it and show its metrics",
        example: "explain flights.groupby(\"Origin\").DepDelay.mean()",
    },
    CommandSpec {
        name: "visualize",
        usage: "visualize EXPR [to \"FILE\"]",
        summary: "Draw the task graph, a node per partition task, as PNG, SVG or DOT (no graphviz needed)",
        example: "visualize flights.DepDelay.mean() to \"plan.dot\"",
    },
    CommandSpec {
        name: "set",
        usage: "set [NAME [VALUE]]",
        summary: "Show all settings, one setting, or change a setting",
        example: "set max_rows 20",
    },
    CommandSpec {
        name: "cache",
        usage: "cache [clear]",
        summary: "List the scan cache (Arrow copies of parsed CSV partitions); `clear` deletes it",
        example: "cache",
    },
    CommandSpec {
        name: "cluster",
        usage: "cluster",
        summary: "Show where statements run: the scheduler, each worker with its threads and memory, the dashboard",
        example: "cluster",
    },
    CommandSpec {
        name: "client",
        usage: "client",
        summary: "Show the cluster (same as cluster, named like Dask's Client)",
        example: "client",
    },
    CommandSpec {
        name: "help",
        usage: "help [TOPIC]",
        summary: "Show help for a command, method or function",
        example: "help groupby",
    },
    CommandSpec {
        name: "%time",
        usage: "%time STMT",
        summary: "Run a statement and print how long it took",
        example: "%time flights.DepDelay.mean()",
    },
    CommandSpec {
        name: "%timeit",
        usage: "%timeit [-n N] STMT",
        summary: "Run a statement N times and print the timings",
        example: "%timeit -n 3 flights.DepDelay.mean()",
    },
    CommandSpec {
        name: "%%time",
        usage: "%%time CELL",
        summary: "Run the statements up to the next blank line (a notebook cell) and print how long they took",
        example: "%%time\nflights.DepDelay.mean()",
    },
    CommandSpec {
        name: "quit",
        usage: "quit",
        summary: "Leave ddq",
        example: "quit",
    },
    CommandSpec {
        name: "exit",
        usage: "exit",
        summary: "Leave ddq (same as quit)",
        example: "exit",
    },
];

/// The command whose first word is `name` (`%time` for magics), if there is one.
pub fn lookup(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|spec| spec.name == name)
}

/// The names of the `%` magics, for "supported magics: ..." hints.
pub fn magic_names() -> Vec<&'static str> {
    COMMANDS
        .iter()
        .map(|spec| spec.name)
        .filter(|name| name.starts_with('%'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found() {
        for spec in COMMANDS {
            assert_eq!(lookup(spec.name), Some(spec));
            assert_eq!(COMMANDS.iter().filter(|s| s.name == spec.name).count(), 1);
            assert!(spec.usage.starts_with(spec.name), "{} usage", spec.name);
            assert!(spec.example.starts_with(spec.name), "{} example", spec.name);
        }
        assert_eq!(lookup("groupby"), None);
        assert_eq!(magic_names(), vec!["%time", "%timeit", "%%time"]);
    }
}
