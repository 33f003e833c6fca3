//! The ddq binary: command-line arguments, then the library. Everything else lives in `ddq::`.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use ddq::config::settings;
use ddq::config::size::parse_size;
use ddq::engine::cluster::serve::{self, Role, WorkerOptions};
use ddq::launch::{self, Invocation};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

const EXAMPLES: &str = "Examples:
  ddq                                         start the REPL
  ddq run queries/nycflights.q                run a script
  ddq -c 'read_csv(\"data/nycflights/*.csv\").Dest.value_counts()' > counts.csv
  echo 'len(read_csv(\"data/nycflights/*.csv\"))' | ddq run -
  ddq --scheduler processes --workers 2 run queries/nycflights.q    on a local cluster
  ddq scheduler --bind 0.0.0.0:50050; ddq worker --scheduler HOST:50050   a cluster's processes";

/// pandas- and Dask-style dataframe commands on Apache DataFusion.
#[derive(Parser)]
#[command(name = "ddq", version, about, after_help = EXAMPLES)]
struct Cli {
    /// Run these statements and exit (`;` or newlines separate them).
    #[arg(short = 'c', long = "command", value_name = "STATEMENTS")]
    command: Option<String>,
    /// Write results to FILE (atomically: a temporary file renamed when done).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Run the REPL even when standard input is not a terminal (errors do not stop it).
    #[arg(short, long)]
    interactive: bool,
    /// Do not run the start-up file (~/.ddqrc, or $XDG_CONFIG_HOME/ddq/ddqrc).
    #[arg(long)]
    no_rc: bool,
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Subcommand)]
enum Action {
    /// Run a script of statements (`-` reads standard input).
    Run {
        /// The script, e.g. queries/nycflights.q
        file: String,
    },
    /// Run a cluster's scheduler (Ballista), for workers to join and `--scheduler distributed`.
    Scheduler {
        /// The address to listen on; its port serves gRPC and the REST API (/api/jobs).
        #[arg(long, value_name = "ADDR:PORT", default_value = "0.0.0.0:50050")]
        bind: SocketAddr,
        /// Exit when the process that started this one does (local clusters).
        #[arg(long, hide = true)]
        exit_with_parent: bool,
    },
    /// Run a cluster worker (a Ballista executor) that joins the scheduler at HOST:PORT.
    Worker {
        /// The scheduler to join, e.g. 10.0.0.1:50050.
        #[arg(long, value_name = "HOST:PORT")]
        scheduler: String,
        /// Tasks run at once [default: the machine's cores].
        #[arg(long, value_name = "T")]
        threads: Option<usize>,
        /// Memory its tasks may hold before spilling, e.g. 4GB [default: Ballista's share of RAM].
        #[arg(long, value_name = "SIZE", value_parser = |s: &str| parse_size(s).map_err(|e| e.to_string()))]
        memory_limit: Option<u64>,
        /// The address to listen on; its port serves results and shuffles (Arrow Flight).
        #[arg(long, value_name = "ADDR:PORT", default_value = "0.0.0.0:50051")]
        bind: SocketAddr,
        /// The port of the worker's task service.
        #[arg(long, value_name = "PORT", default_value_t = 50052)]
        grpc_port: u16,
        /// The host name or IP the other machines reach this worker at [default: this
        /// machine's address on the way to the scheduler].
        #[arg(long, value_name = "HOST")]
        advertise: Option<String>,
        /// Where shuffle files and spills go [default: a temporary directory].
        #[arg(long, value_name = "DIR")]
        work_dir: Option<PathBuf>,
        #[arg(long, hide = true)]
        exit_with_parent: bool,
    },
}

fn main() -> ExitCode {
    // The settings' flags (--format, --max-rows, --quiet, ...) come from the same table as `set`.
    let matches = settings::add_flags(Cli::command()).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match cli.action {
        Some(Action::Scheduler {
            bind,
            exit_with_parent,
        }) => serve::run_process(Role::Scheduler { bind }, exit_with_parent),
        Some(Action::Worker {
            scheduler,
            threads,
            memory_limit,
            bind,
            grpc_port,
            advertise,
            work_dir,
            exit_with_parent,
        }) => {
            let options = WorkerOptions {
                scheduler,
                bind,
                grpc_port,
                advertise,
                threads,
                memory_limit,
                work_dir,
            };
            serve::run_process(Role::Worker(options), exit_with_parent)
        }
        action => {
            let script = match action {
                Some(Action::Run { file }) => Some(file),
                _ => None,
            };
            let invocation = Invocation {
                command: cli.command,
                script,
                output: cli.output,
                interactive: cli.interactive,
                no_rc: cli.no_rc,
            };
            launch::run(invocation, &matches)
        }
    }
}
