//! A small fluent harness: write scenario files into a temporary folder, run the `ccsim`
//! binary there, and read its reports.

use ccsim::stats::t_quantile_975;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Ccsim {
    dir: tempfile::TempDir,
    args: Vec<String>,
    stdout: Option<std::fs::File>,
}

/// A finished run of the binary.
pub struct Run {
    pub dir: PathBuf,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    _keep: tempfile::TempDir,
}

impl Ccsim {
    pub fn new() -> Self {
        Ccsim {
            dir: tempfile::tempdir().expect("a temporary folder"),
            args: Vec::new(),
            stdout: None,
        }
    }

    /// Writes `contents` to `name` in the run's folder.
    pub fn file(self, name: &str, contents: &str) -> Self {
        self.bytes(name, contents.as_bytes())
    }

    /// Writes `contents`, which need not be text, to `name` in the run's folder.
    pub fn bytes(self, name: &str, contents: &[u8]) -> Self {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, contents).unwrap();
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, args: I) -> Self {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_string()));
        self
    }

    /// The folder with the files written so far, for running the binary by other means; the
    /// caller removes it.
    pub fn run_in(self) -> PathBuf {
        self.dir.keep()
    }

    /// Sends the binary's standard output to `file` instead of capturing it.
    pub fn stdout(mut self, file: std::fs::File) -> Self {
        self.stdout = Some(file);
        self
    }

    /// Runs `ccsim` with the folder as its working directory.
    pub fn run(self) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ccsim"));
        command
            .args(&self.args)
            .current_dir(self.dir.path())
            .env("CI", "true");
        let captured = self.stdout.is_none();
        if let Some(file) = self.stdout {
            command.stdout(file);
        }
        let out = output_in_time(&mut command, captured);
        Run {
            dir: self.dir.path().to_path_buf(),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            _keep: self.dir,
        }
    }

    /// Runs `ccsim run SCENARIO --out out` with `scenario` written to `scenario.toml`.
    pub fn simulate(scenario: &str, extra: &[&str]) -> Run {
        Ccsim::new()
            .file("scenario.toml", scenario)
            .args(["run", "scenario.toml", "--out", "out"])
            .args(extra)
            .run()
            .success()
    }
}

impl Run {
    pub fn success(self) -> Self {
        assert_eq!(
            self.code, 0,
            "ccsim failed:\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    /// Runs `ccsim` again in the same folder (the reports of this run are overwritten).
    pub fn again<I: IntoIterator<Item = S>, S: AsRef<str>>(&self, args: I) -> std::process::Output {
        output_in_time(
            Command::new(env!("CARGO_BIN_EXE_ccsim"))
                .args(args.into_iter().map(|a| a.as_ref().to_string()))
                .current_dir(&self.dir)
                .env("CI", "true"),
            true,
        )
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn summary(&self) -> Summary {
        Summary::read(&self.path("out/summary.csv"))
    }

    /// `replications.csv` as (scope, metric) → values by replication.
    pub fn replications(&self) -> HashMap<(String, String), Vec<f64>> {
        let mut out: HashMap<(String, String), Vec<f64>> = HashMap::new();
        for row in csv_rows(&self.path("out/replications.csv")) {
            let v = row["value"].parse().unwrap_or(f64::NAN);
            out.entry((row["scope"].clone(), row["metric"].clone()))
                .or_default()
                .push(v);
        }
        out
    }
}

/// Rows of a CSV file as header → value maps.
pub fn csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// A mean over replications with its CI, as `summary.csv` gives it.
#[derive(Clone, Copy, Debug)]
pub struct Est {
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
    pub n: usize,
}

impl Est {
    /// The standard error behind the CI.
    pub fn se(&self) -> f64 {
        (self.hi - self.lo) / 2.0 / t_quantile_975(self.n - 1)
    }

    /// Asserts |mean − exact| ≤ k standard errors.
    /// Prints the comparison (`--nocapture` shows it: the README's validation tables).
    pub fn assert_near(&self, exact: f64, k: f64, what: &str) {
        let se = self.se();
        eprintln!(
            "{what}: exact {exact:.6}, simulated {:.6} ± {se:.6} ({:+.2} SE)",
            self.mean,
            (self.mean - exact) / se
        );
        assert!(
            self.n >= 30,
            "{what}: needs at least 30 replications, has {}",
            self.n
        );
        assert!(
            (self.mean - exact).abs() <= k * se,
            "{what}: simulated {:.6} (SE {se:.6}) vs exact {exact:.6}: off by {:.2} SE",
            self.mean,
            (self.mean - exact).abs() / se
        );
    }
}

pub struct Summary(HashMap<(String, String), Est>);

impl Summary {
    pub fn read(path: &Path) -> Summary {
        let parse = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
        Summary(
            csv_rows(path)
                .into_iter()
                .map(|r| {
                    let est = Est {
                        mean: parse(&r["mean"]),
                        lo: parse(&r["ci95_low"]),
                        hi: parse(&r["ci95_high"]),
                        n: r["replications"].parse().unwrap(),
                    };
                    ((r["scope"].clone(), r["metric"].clone()), est)
                })
                .collect(),
        )
    }

    pub fn get(&self, scope: &str, metric: &str) -> Est {
        *self
            .0
            .get(&(scope.to_string(), metric.to_string()))
            .unwrap_or_else(|| panic!("no {scope} {metric} in summary.csv"))
    }
}

/// Mean and standard error of paired differences, for identities that hold replication by
/// replication in expectation (Little's law).
pub fn mean_and_se(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Reference values from `tests/fixtures/NAME` keyed by the `key` column.
pub fn reference(name: &str, key: &str) -> HashMap<String, HashMap<String, f64>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    csv_rows(&path)
        .into_iter()
        .map(|r| {
            (
                r[key].clone(),
                r.iter()
                    .map(|(k, v)| (k.clone(), v.parse().unwrap()))
                    .collect(),
            )
        })
        .collect()
}

/// The longest a test's run of ccsim may take: a run that hangs fails its test (naming
/// its arguments) instead of holding the whole suite until CI's limit.
const RUN_LIMIT: std::time::Duration = std::time::Duration::from_secs(300);

/// Runs `command` to its end, as `Command::output` does (standard output captured unless
/// `command` sends it elsewhere: `captured` false), within `RUN_LIMIT`.
fn output_in_time(command: &mut Command, captured: bool) -> std::process::Output {
    use std::process::Stdio;
    if captured {
        command.stdout(Stdio::piped());
    }
    let mut child = command.stderr(Stdio::piped()).spawn().expect("ccsim runs");
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let pid = child.id();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(child.wait()));
    let status = match finished.recv_timeout(RUN_LIMIT) {
        Ok(status) => status.expect("ccsim's status"),
        Err(_) => {
            Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status()
                .ok();
            panic!(
                "ccsim {:?} did not finish within {RUN_LIMIT:?}",
                command.get_args()
            );
        }
    };
    std::process::Output {
        status,
        stdout: stdout.join().expect("standard output read"),
        stderr: stderr.join().expect("standard error read"),
    }
}

/// Reads a child's pipe to its end on a thread of its own (a full pipe would stall it).
fn drain<R: std::io::Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            pipe.read_to_end(&mut bytes).expect("ccsim's output");
        }
        bytes
    })
}
