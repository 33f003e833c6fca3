//! The ddq binary: command-line arguments, then the library. Everything else lives in `ddq::`.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use ddq::exec::cluster;
use ddq::exec::script::{self, Outcome};
use ddq::exec::session::Session;
use ddq::exec::settings::{self, Settings};
use ddq::exec::sink::Sink;
use ddq::lang::span::Source;
use ddq::output::Format;
use std::io::{IsTerminal, Read};
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
        #[arg(long, value_name = "SIZE")]
        memory_limit: Option<String>,
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
    let stdout_is_terminal = std::io::stdout().is_terminal() && cli.output.is_none();
    let default_format = if stdout_is_terminal {
        Format::Table
    } else {
        Format::Csv
    };
    let settings = match Settings::from_flags(&matches, default_format) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let sink = match &cli.output {
        Some(path) => match Sink::file(path.clone()) {
            Ok(sink) => sink,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        },
        None => Sink::stdout(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(action @ (Action::Scheduler { .. } | Action::Worker { .. })) = cli.action {
        let code = match runtime.block_on(serve(action)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
        runtime.shutdown_background();
        return code;
    }
    let mut session = match Session::new(settings, sink) {
        Ok(session) => session,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let source = match (&cli.command, &cli.action) {
        (Some(text), _) => Some(Source::new("<command>", text.clone())),
        (None, Some(Action::Run { file })) => match read_script(file) {
            Ok(source) => Some(source),
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::FAILURE;
            }
        },
        (None, Some(Action::Scheduler { .. } | Action::Worker { .. })) => None,
        (None, None) if !cli.interactive && !std::io::stdin().is_terminal() => {
            match read_script("-") {
                Ok(source) => Some(source),
                Err(message) => {
                    eprintln!("error: {message}");
                    return ExitCode::FAILURE;
                }
            }
        }
        (None, None) => None,
    };
    {
        let _in_runtime = runtime.enter();
        session.start_cluster_early();
    }
    let outcome = match source {
        Some(source) => runtime.block_on(script::run(&mut session, &source, color)),
        None => match ddq::repl::run(&mut session, &runtime, color) {
            Ok(()) => Outcome::Ok,
            Err(e) => {
                eprintln!("error: {e}");
                Outcome::Failed
            }
        },
    };
    let code = finish(session, outcome);
    // A cancelled query may still occupy a worker thread until it next yields; do not wait for it.
    runtime.shutdown_background();
    code
}

/// `ddq scheduler` and `ddq worker`: run one process of a cluster until it is stopped.
async fn serve(action: Action) -> Result<(), ddq::error::DdqError> {
    cluster::serve::log_to_stderr();
    match action {
        Action::Scheduler {
            bind,
            exit_with_parent,
        } => {
            if exit_with_parent {
                cluster::serve::exit_with_parent();
            }
            eprintln!("ddq scheduler listening on {bind} (REST API: http://{bind}/api/executors)");
            cluster::serve::run_scheduler(bind).await
        }
        Action::Worker {
            scheduler,
            threads,
            memory_limit,
            bind,
            grpc_port,
            advertise,
            work_dir,
            exit_with_parent,
        } => {
            if exit_with_parent {
                cluster::serve::exit_with_parent();
            }
            let memory_limit = memory_limit
                .map(|size| ddq::exec::memory::parse_size(&size))
                .transpose()?;
            let temporary = match work_dir {
                Some(_) => None,
                None => Some(tempfile::Builder::new().prefix("ddq-worker-").tempdir()?),
            };
            let work_dir = work_dir
                .or_else(|| temporary.as_ref().map(|t| t.path().to_path_buf()))
                .unwrap_or_default();
            let threads = threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            eprintln!("ddq worker on {bind} with {threads} threads, joining {scheduler}");
            cluster::serve::run_worker(cluster::serve::WorkerOptions {
                scheduler,
                bind,
                grpc_port,
                advertise,
                threads,
                memory_limit,
                work_dir,
            })
            .await
        }
        Action::Run { .. } => Ok(()),
    }
}

fn read_script(file: &str) -> Result<Source, String> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(Source::new("<stdin>", text));
    }
    std::fs::read_to_string(file)
        .map(|text| Source::new(file, text))
        .map_err(|e| format!("cannot read {file}: {e}"))
}

fn finish(session: Session, outcome: Outcome) -> ExitCode {
    match outcome {
        Outcome::Ok => match session.finish() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if ddq::output::is_broken_pipe(&e) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Outcome::ClosedPipe => {
            session.abandon();
            ExitCode::SUCCESS
        }
        Outcome::Failed => {
            session.abandon();
            ExitCode::FAILURE
        }
    }
}
