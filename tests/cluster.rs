//! The schedulers through the real binary: the workflow gives the same output on a local
//! cluster of worker processes as on threads; the session switches schedulers like Dask; a
//! worker killed mid-query is survived; no process of a cluster outlives ddq, however ddq ends;
//! a scheduler address that does not answer fails within seconds; and, where the machine
//! allows it (root, `ip netns`), a scheduler and two workers on separate network hosts.
//!
//! Every ddq started here carries a marker in its environment, which its cluster's processes
//! inherit: that is how a test finds them (and proves them gone) in /proc.

mod common;

use common::{DDQ, READ, Run, WORKFLOW, http_get, project_dir};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const PROCESSES: &[&str] = &[
    "--scheduler",
    "processes",
    "--workers",
    "2",
    "--threads-per-worker",
    "1",
];
/// How long a cluster's processes may take to go once ddq has gone (they check every 200 ms).
const GONE_WITHIN: Duration = Duration::from_secs(5);

/// Clusters are whole process trees: one test at a time keeps a 2-core machine responsive.
static ONE_CLUSTER_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_CLUSTER_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn marker(test: &str) -> String {
    format!("{}-{test}", std::process::id())
}

/// `ddq ARGS` (see `common::ddq_command`) carrying `marker` in its environment.
fn ddq_command(marker: &str, args: &[&str]) -> Command {
    let mut command = common::ddq_command(args);
    command.env("DDQ_TEST_MARKER", marker);
    command
}

fn run(marker: &str, args: &[&str]) -> Run {
    common::run(&mut ddq_command(marker, args), None)
}

/// The processes whose environment carries `marker`, with their ddq subcommand.
fn marked_processes(marker: &str) -> Vec<(u32, String)> {
    let needle = format!("DDQ_TEST_MARKER={marker}\0");
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in entries.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if !String::from_utf8_lossy(&environ).contains(&needle) {
            continue;
        }
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let role = String::from_utf8_lossy(&cmdline)
            .split('\0')
            .nth(1)
            .unwrap_or("")
            .to_string();
        // A zombie (exited, not yet reaped) has an empty command line and holds nothing.
        if !cmdline.is_empty() {
            found.push((pid, role));
        }
    }
    found
}

fn cluster_processes(marker: &str) -> Vec<(u32, String)> {
    marked_processes(marker)
        .into_iter()
        .filter(|(_, role)| role == "scheduler" || role == "worker")
        .collect()
}

fn assert_all_gone(marker: &str) {
    let deadline = Instant::now() + GONE_WITHIN;
    loop {
        let left = cluster_processes(marker);
        if left.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "cluster processes outlived ddq: {left:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn kill(pid: u32) {
    let status = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -KILL {pid} failed");
}

/// A ddq REPL on pipes (`-i`), read line by line as it answers.
struct Repl {
    child: Child,
    stdout: BufReader<ChildStdout>,
}

impl Repl {
    fn start(marker: &str, args: &[&str]) -> Repl {
        let mut all = vec!["-i", "--format", "csv"];
        all.extend(args);
        let mut child = ddq_command(marker, &all)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ddq starts");
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        Repl { child, stdout }
    }

    fn send(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().expect("stdin is piped");
        writeln!(stdin, "{line}").expect("ddq reads its input");
        stdin.flush().expect("ddq reads its input");
    }

    /// Lines of output up to and including the first that contains `needle`.
    fn read_until(&mut self, needle: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let n = self
                .stdout
                .read_line(&mut line)
                .expect("ddq's output reads");
            assert!(
                n > 0,
                "ddq ended before printing {needle:?}; it printed:\n{}",
                lines.join("")
            );
            let found = line.contains(needle);
            lines.push(line);
            if found {
                return lines;
            }
        }
    }

    /// Closes ddq's input and returns the rest of its output and its stderr.
    fn finish(mut self) -> (String, String, i32) {
        drop(self.child.stdin.take());
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).expect("stdout reads");
        let mut stderr = String::new();
        if let Some(mut err) = self.child.stderr.take() {
            err.read_to_string(&mut stderr).expect("stderr reads");
        }
        let status = self.child.wait().expect("ddq ends");
        assert!(!stderr.contains("panicked"), "ddq panicked:\n{stderr}");
        (rest, stderr, status.code().unwrap_or(-1))
    }
}

/// A REPL on a local cluster with `big` bound to `copies` copies of the sample, and the
/// scheduler's address.
fn cluster_with_big_frame(marker: &str, copies: usize) -> (Repl, String) {
    let paths = vec!["\"data/nycflights/*.csv\""; copies].join(", ");
    let mut repl = Repl::start(marker, PROCESSES);
    repl.send(&format!("big = read_csv([{paths}])"));
    repl.send("cluster");
    let address = scheduler_address(&repl.read_until("Workers:"));
    (repl, address)
}

/// Waits until the scheduler at `address` runs a job.
fn wait_for_a_running_job(address: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !http_get(address, "/api/jobs").contains("\"Running\"") {
        assert!(Instant::now() < deadline, "the query never started running");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The scheduler address in the output of `cluster`.
fn scheduler_address(cluster_output: &[String]) -> String {
    cluster_output
        .iter()
        .find_map(|line| {
            line.strip_prefix("Scheduler:")
                .map(|rest| rest.trim().trim_start_matches("df://"))
                .and_then(|rest| rest.split_whitespace().next())
                .map(str::to_string)
        })
        .expect("`cluster` names the scheduler")
}

#[test]
fn the_workflow_gives_the_same_output_on_threads_and_on_processes() {
    let _guard = one_at_a_time();
    let marker = marker("workflow");
    let threads = run(&marker, &["--format", "table", "run", WORKFLOW]);
    assert_eq!(threads.code, 0, "stderr:\n{}", threads.stderr);
    let mut args = PROCESSES.to_vec();
    args.extend(["--format", "table", "run", WORKFLOW]);
    let processes = run(&marker, &args);
    assert_eq!(processes.code, 0, "stderr:\n{}", processes.stderr);
    assert!(
        processes
            .stderr
            .contains("starting a local cluster: 2 workers x 1 threads"),
        "stderr:\n{}",
        processes.stderr
    );
    if let Some(line) = threads
        .stdout
        .lines()
        .zip(processes.stdout.lines())
        .position(|(a, b)| a != b)
    {
        panic!(
            "line {} differs:\n  threads:   {:?}\n  processes: {:?}",
            line + 1,
            threads.stdout.lines().nth(line),
            processes.stdout.lines().nth(line)
        );
    }
    assert_eq!(threads.stdout, processes.stdout);
    let expected = common::workflow_output();
    assert_eq!(processes.stdout, expected);
    assert_all_gone(&marker);
}

#[test]
fn the_session_switches_schedulers_like_dask() {
    let _guard = one_at_a_time();
    let marker = marker("switch");
    let mut repl = Repl::start(&marker, &["--workers", "2", "--threads-per-worker", "1"]);
    repl.send(READ);
    repl.send("cluster");
    // Its last line names the session's dashboard.
    let threads = repl.read_until("Dashboard:");
    assert!(
        threads.iter().any(|l| l.contains("scheduler='threads'")),
        "{threads:?}"
    );
    let dashboard = threads
        .last()
        .and_then(|l| l.split("http://").nth(1))
        .and_then(|rest| rest.split('/').next())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no dashboard address in {threads:?}"));
    repl.send("set scheduler processes");
    repl.send("cluster");
    let cluster = repl.read_until("Workers:");
    assert!(
        cluster[0].contains("processes=2 threads=2"),
        "the client repr counts the workers: {cluster:?}"
    );
    let address = scheduler_address(&cluster);
    let workers = repl.read_until("id=");
    assert!(workers[0].contains("threads=1"), "{workers:?}");
    repl.send("len(ddf)");
    assert_eq!(
        repl.read_until("20800").last().map(|l| l.trim()),
        Some("20800")
    );
    // The session's dashboard shows the cluster's workers, as Dask's does (issue 20).
    let status = http_get(&dashboard, "/api/status");
    assert!(status.contains(r#""scheduler":"processes""#), "{status}");
    let workers = status.split(r#""workers":"#).nth(1).unwrap_or_default();
    assert_eq!(
        workers.matches(r#""name":"#).count(),
        2,
        "two workers: {status}"
    );
    assert!(!status.contains("LOST"), "{status}");
    let jobs_before = http_get(&address, "/api/jobs").matches("job_id").count();
    assert!(
        jobs_before >= 1,
        "the statement ran as a job on the cluster"
    );
    // The workers count their partitions and ddq adds the counts up: the job is one stage,
    // not a second one that merges on a worker.
    let jobs = http_get(&address, "/api/jobs");
    assert!(jobs.contains(r#""num_stages":1,"#), "{jobs}");
    // `explain` shows that split: the merge here, the group-by in the job.
    repl.send(r#"explain ddf.groupby("Origin").DepDelay.mean()"#);
    let explained = repl.read_until("AggregateExec: mode=Partial").join("\n");
    let (here, job) = explained
        .split_once("job (on the cluster at")
        .unwrap_or_else(|| panic!("no job in:\n{explained}"));
    assert!(here.contains("SortPreservingMergeExec"), "{explained}");
    assert!(here.contains("DdqJobExec: partitions=2"), "{explained}");
    assert!(
        job.contains("AggregateExec: mode=FinalPartitioned"),
        "{explained}"
    );
    // One statement on threads: no new job on the cluster.
    repl.send(r#"ddf.DepDelay.max().compute(scheduler="threads")"#);
    repl.read_until("1006.0");
    let jobs_after = http_get(&address, "/api/jobs").matches("job_id").count();
    assert_eq!(
        jobs_after, jobs_before,
        "compute(scheduler=\"threads\") ran here"
    );
    repl.send(r#"ddf.DepDelay.max().compute(scheduler="proceses")"#);
    repl.send("set scheduler threads");
    repl.send("cluster");
    let back = repl.read_until("Dashboard:");
    assert!(back.iter().any(|l| l.contains("threads")), "{back:?}");
    let (_, stderr, code) = repl.finish();
    assert_eq!(code, 0, "stderr:\n{stderr}");
    assert!(
        stderr.contains("unknown scheduler \"proceses\""),
        "a misspelt scheduler is named:\n{stderr}"
    );
    assert_all_gone(&marker);
}

#[test]
fn dask_client_and_config_set_choose_the_scheduler() {
    let _guard = one_at_a_time();
    let marker = marker("client");
    let script = format!(
        "from dask.distributed import Client\n\
         client = Client(n_workers=1, threads_per_worker=1, memory_limit=\"512MB\")\n\
         client\n\
         {READ}\n\
         len(ddf)\n\
         dask.config.set(scheduler=\"threads\")\n\
         cluster\n"
    );
    let out = run(&marker, &["--format", "csv", "-c", &script]);
    assert_eq!(out.code, 0, "stderr:\n{}", out.stderr);
    assert!(
        out.stderr
            .contains("starting a local cluster: 1 workers x 1 threads, 512MB"),
        "memory_limit is per worker, as in Dask:\n{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("processes=1 threads=1"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("memory_limit=512MB"), "{}", out.stdout);
    assert!(out.stdout.contains("20800"), "{}", out.stdout);
    assert!(out.stdout.contains("scheduler='threads'"), "{}", out.stdout);
    assert_all_gone(&marker);
}

#[test]
fn a_clients_persist_compute_gather_and_close_work_as_in_dask() {
    let _guard = one_at_a_time();
    let marker = marker("client-methods");
    // Answers from pandas over the sample: 941 rows with DepDelay > 60, the largest delay
    // 1006.0, the smallest -15.0, and 61.0 among the late rows.
    let script = "from dask.distributed import Client\n\
                  client = Client(n_workers=1, threads_per_worker=1)\n\
                  ddf = read_csv(\"data/nycflights/*.csv\")\n\
                  late = client.persist(ddf[ddf.DepDelay > 60])\n\
                  len(late)\n\
                  client.compute(ddf.DepDelay.max()).result()\n\
                  lo, hi = client.gather(client.compute([ddf.DepDelay.min(), late.DepDelay.min()]))\n\
                  print(lo, hi)\n\
                  client.close()\n\
                  set scheduler\n\
                  len(late)\n";
    let out = run(&marker, &["--format", "csv", "-c", script]);
    assert_eq!(out.code, 0, "stderr:\n{}", out.stderr);
    assert_eq!(
        out.stdout, "941\n1006.0\n-15.0 61.0\nscheduler = threads\n941\n",
        "stderr:\n{}",
        out.stderr
    );
    assert_all_gone(&marker);
}

#[test]
fn a_worker_killed_mid_query_is_survived_and_shown_lost() {
    let _guard = one_at_a_time();
    let marker = marker("fault");
    // Twenty copies of the sample: long enough (seconds, in a debug build) to kill a worker
    // while the query runs.
    let (mut repl, address) = cluster_with_big_frame(&marker, 20);
    repl.send(r#"big.groupby("Dest").DepDelay.mean().head(2)"#);
    wait_for_a_running_job(&address);
    let workers: Vec<u32> = cluster_processes(&marker)
        .into_iter()
        .filter(|(_, role)| role == "worker")
        .map(|(pid, _)| pid)
        .collect();
    assert_eq!(workers.len(), 2, "two workers run");
    kill(workers[0]);
    repl.send("len(big)");
    repl.send("cluster");
    let (rest, stderr, code) = repl.finish();
    assert_eq!(code, 0, "stderr:\n{stderr}");
    let answered = rest.contains("ATL,8.496") && rest.contains("BOS,8.224459358687547");
    // stderr also says "starting a local cluster: 2 workers ...": only an error line counts.
    let named = stderr
        .lines()
        .any(|l| l.contains("error") && (l.contains("worker") || l.contains("executor")));
    assert!(
        answered || named,
        "the query neither completed nor named the lost worker:\n{rest}\n{stderr}"
    );
    assert!(
        rest.contains("416000"),
        "the session stays usable:\n{rest}\n{stderr}"
    );
    assert!(rest.contains("LOST"), "`cluster` shows the loss:\n{rest}");
    assert_all_gone(&marker);
}

#[test]
fn ctrl_c_cancels_the_job_on_the_cluster_and_the_session_goes_on() {
    let _guard = one_at_a_time();
    let marker = marker("cancel");
    let (mut repl, address) = cluster_with_big_frame(&marker, 60);
    // A full-frame drop_duplicates over 1.2 M rows runs for seconds in a debug build.
    repl.send("len(big.drop_duplicates())");
    wait_for_a_running_job(&address);
    let status = Command::new("kill")
        .args(["-INT", &repl.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while !http_get(&address, "/api/jobs").contains("Cancelled") {
        assert!(
            Instant::now() < deadline,
            "the job was not cancelled on the scheduler: {}",
            http_get(&address, "/api/jobs")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    repl.send("len(big)");
    let (rest, stderr, code) = repl.finish();
    assert_eq!(code, 0, "stderr:\n{stderr}");
    assert!(stderr.contains("query cancelled"), "{stderr}");
    assert!(rest.contains("1248000"), "the session goes on:\n{rest}");
    assert_all_gone(&marker);
}

#[test]
fn killing_ddq_takes_its_cluster_with_it() {
    let _guard = one_at_a_time();
    let marker = marker("killed");
    let mut repl = Repl::start(&marker, PROCESSES);
    repl.send("cluster");
    repl.read_until("Workers:");
    assert_eq!(
        cluster_processes(&marker).len(),
        3,
        "a scheduler and two workers run"
    );
    let _ = repl.child.kill();
    let _ = repl.child.wait();
    assert_all_gone(&marker);
}

/// ddq killed while its cluster starts (between fork and exec, before a worker's first look at
/// its parent, while the scheduler loads): each moment once, and no process may be left behind.
#[test]
fn killing_ddq_during_start_up_leaves_no_cluster_process() {
    let _guard = one_at_a_time();
    for (launch, delay_ms) in [0u64, 5, 10, 15, 20, 25, 30, 40, 60, 100, 200, 400]
        .into_iter()
        .enumerate()
    {
        let marker = marker(&format!("start-up-{launch}"));
        let mut child = ddq_command(&marker, &[&["-i"], PROCESSES].concat())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ddq starts");
        std::thread::sleep(Duration::from_millis(delay_ms));
        kill(child.id());
        let _ = child.wait();
        assert_all_gone(&marker);
    }
}

/// A `persist()`ed frame lives in the client; plans over it reach the cluster as logical plans
/// carrying the frame's definition (the physical plans ddq sends otherwise cannot carry it).
#[test]
fn a_persisted_frame_answers_on_processes_as_on_threads() {
    let _guard = one_at_a_time();
    let marker = marker("persist");
    let statements = format!(
        "{READ}; late = ddf[ddf.DepDelay > 10].persist(); len(late); \
         late.groupby(\"Origin\").DepDelay.mean().compute()"
    );
    let threads = run(&marker, &["--format", "csv", "-c", &statements]);
    assert_eq!(threads.code, 0, "stderr:\n{}", threads.stderr);
    let mut args = PROCESSES.to_vec();
    args.extend(["--format", "csv", "-c", &statements]);
    let processes = run(&marker, &args);
    assert_eq!(processes.code, 0, "stderr:\n{}", processes.stderr);
    assert!(threads.stdout.contains("EWR,"), "{}", threads.stdout);
    assert_eq!(processes.stdout, threads.stdout);
    assert_all_gone(&marker);
}

#[test]
fn an_error_ends_a_script_and_its_cluster() {
    let _guard = one_at_a_time();
    let marker = marker("error");
    let statements = format!("{READ}; len(ddf); ddf.NoSuchColumn");
    let mut args = PROCESSES.to_vec();
    args.extend(["-c", &statements]);
    let failed = run(&marker, &args);
    assert_eq!(failed.code, 1, "stderr:\n{}", failed.stderr);
    assert!(failed.stdout.contains("20800"), "{}", failed.stdout);
    assert!(failed.stderr.contains("NoSuchColumn"), "{}", failed.stderr);
    assert_all_gone(&marker);
}

/// `--scheduler processes` starts the cluster with the session; a script that never needs it
/// (or ends while it is still starting) leaves none of its processes behind.
#[test]
fn a_cluster_started_with_the_session_and_never_used_is_stopped_with_it() {
    let _guard = one_at_a_time();
    let marker = marker("unused");
    let mut args = PROCESSES.to_vec();
    args.extend(["-c", "1 + 1"]);
    let done = run(&marker, &args);
    assert_eq!(done.code, 0, "stderr:\n{}", done.stderr);
    assert_eq!(done.stdout.trim(), "2");
    assert!(
        done.stderr.contains("starting a local cluster"),
        "{}",
        done.stderr
    );
    assert_all_gone(&marker);
}

#[test]
fn a_scheduler_that_does_not_answer_fails_within_seconds() {
    let marker = marker("silent");
    // Accepts connections (the kernel does) but never answers.
    let silent = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let address = format!("df://{}", silent.local_addr().expect("an address"));
    let started = Instant::now();
    let failed = run(
        &marker,
        &[
            "--scheduler",
            "distributed",
            "--address",
            &address,
            "-c",
            "1 + 1",
        ],
    );
    assert_eq!(failed.code, 1, "stdout:\n{}", failed.stdout);
    assert!(
        failed.stderr.contains("no Ballista scheduler answers at"),
        "{}",
        failed.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    drop(silent);

    let refused = run(
        &marker,
        &[
            "--scheduler",
            "distributed",
            "--address",
            "df://127.0.0.1:1",
            "-c",
            "1 + 1",
        ],
    );
    assert_eq!(refused.code, 1);
    assert!(
        refused
            .stderr
            .contains("no Ballista scheduler answers at 127.0.0.1:1"),
        "{}",
        refused.stderr
    );

    let no_address = run(&marker, &["--scheduler", "distributed", "-c", "1 + 1"]);
    assert_eq!(no_address.code, 1);
    assert!(
        no_address.stderr.contains("--address df://HOST:PORT"),
        "{}",
        no_address.stderr
    );
}

/// Runs `ip` (or anything) and says whether it worked.
fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The test network's addresses (a private range nothing else here uses).
const SUBNET: &str = "10.77.0";

/// Three network namespaces on one bridge: the scheduler (and the client) on 10.77.0.1, two
/// workers on .2 and .3. Removed on drop, with every process started in them.
struct Hosts {
    names: Vec<String>,
    switch: String,
    children: Vec<Child>,
}

impl Hosts {
    fn create(tag: &str) -> Option<Hosts> {
        let switch = format!("ddqsw{tag}");
        let names: Vec<String> = (1..=3).map(|n| format!("ddqh{n}{tag}")).collect();
        let mut hosts = Hosts {
            names: Vec::new(),
            switch: switch.clone(),
            children: Vec::new(),
        };
        if !succeeds("ip", &["netns", "add", &switch]) {
            return None;
        }
        let sw = |args: &[&str]| {
            let mut all = vec!["netns", "exec", &switch, "ip"];
            all.extend(args);
            succeeds("ip", &all)
        };
        if !sw(&["link", "add", "br0", "type", "bridge"]) || !sw(&["link", "set", "br0", "up"]) {
            return None;
        }
        for (n, name) in names.iter().enumerate() {
            if !succeeds("ip", &["netns", "add", name]) {
                return None;
            }
            hosts.names.push(name.clone());
            let host_end = format!("h{n}{tag}");
            let switch_end = format!("s{n}{tag}");
            let address = format!("{SUBNET}.{}/24", n + 1);
            let ok = succeeds(
                "ip",
                &[
                    "link",
                    "add",
                    &host_end,
                    "type",
                    "veth",
                    "peer",
                    "name",
                    &switch_end,
                ],
            ) && succeeds("ip", &["link", "set", &host_end, "netns", name])
                && succeeds("ip", &["link", "set", &switch_end, "netns", &switch])
                && sw(&["link", "set", &switch_end, "master", "br0"])
                && sw(&["link", "set", &switch_end, "up"])
                && succeeds(
                    "ip",
                    &[
                        "netns", "exec", name, "ip", "addr", "add", &address, "dev", &host_end,
                    ],
                )
                && succeeds(
                    "ip",
                    &["netns", "exec", name, "ip", "link", "set", &host_end, "up"],
                )
                && succeeds(
                    "ip",
                    &["netns", "exec", name, "ip", "link", "set", "lo", "up"],
                );
            if !ok {
                return None;
            }
        }
        Some(hosts)
    }

    /// `ddq ARGS` on host number `host`, in the project directory.
    fn ddq(&self, host: usize, args: &[&str]) -> Command {
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", &self.names[host], DDQ])
            .args(args)
            .current_dir(project_dir());
        command
    }

    fn spawn(&mut self, host: usize, marker: &str, args: &[&str]) {
        let child = self
            .ddq(host, args)
            .env("DDQ_TEST_MARKER", marker)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ip netns exec starts");
        self.children.push(child);
    }
}

impl Drop for Hosts {
    fn drop(&mut self) {
        for child in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
        for name in &self.names {
            succeeds("ip", &["netns", "delete", name]);
        }
        succeeds("ip", &["netns", "delete", &self.switch]);
    }
}

#[test]
fn a_cluster_across_network_hosts_gives_the_same_workflow_output() {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    if !root || !succeeds("ip", &["netns", "list"]) {
        eprintln!(
            "skipped: the multi-host test needs root and `ip netns` (root: {root}); \
             it runs a scheduler and two workers in separate network namespaces"
        );
        return;
    }
    let _guard = one_at_a_time();
    let marker = marker("hosts");
    let tag = format!("{}", std::process::id() % 10000);
    let Some(mut hosts) = Hosts::create(&tag) else {
        eprintln!("skipped: this machine refused to create network namespaces and a bridge");
        return;
    };
    let subnet = SUBNET;
    let scheduler = format!("{subnet}.1:50050");
    hosts.spawn(0, &marker, &["scheduler", "--bind", &scheduler]);
    for host in [1, 2] {
        let bind = format!("{subnet}.{}:50051", host + 1);
        hosts.spawn(
            host,
            &marker,
            &[
                "worker",
                "--scheduler",
                &scheduler,
                "--bind",
                &bind,
                "--threads",
                "1",
            ],
        );
    }
    // The client runs on the scheduler's host and waits until both workers have registered.
    let deadline = Instant::now() + Duration::from_secs(30);
    let address = format!("df://{scheduler}");
    let distributed = ["--scheduler", "distributed", "--address", &address];
    let output = loop {
        let output = hosts
            .ddq(0, &distributed)
            .args(["--format", "table", "-c", "cluster"])
            .output()
            .expect("ddq runs");
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        if text.contains("processes=2") {
            break text;
        }
        assert!(
            Instant::now() < deadline,
            "the workers never registered: {text}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(output.contains(&format!("{subnet}.2:50051")), "{output}");
    assert!(output.contains(&format!("{subnet}.3:50051")), "{output}");
    let run = hosts
        .ddq(0, &distributed)
        .args(["--format", "table", "run", WORKFLOW])
        .env("DDQ_CACHE_DIR", common::test_cache_dir())
        .output()
        .expect("ddq runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "stderr:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let expected = common::workflow_output();
    assert_eq!(stdout, expected);
}
