//! Shards: a run's replications split into contiguous ranges run apart (a cluster's job
//! array), each written to a shard folder, and merged into the very reports one machine
//! would have written.
//!
//! A shard folder holds `shard.json` (the manifest, written last), `metrics.bin` (each
//! replication's run-level metrics, as exact bits) and `replications/` (each replication's
//! interval rows, and its call and trace rows when asked for: the files a run keeps as
//! scratch). The manifest names the ccsim version, the scenario and the files it names by
//! SHA-256, the seed, the run's total replications and this shard's range, and the SHA-256
//! of every file, so that a merge can tell shards that belong together from mixed, tampered,
//! missing or overlapping ones.

use crate::experiment::{ReplicationResult, RunResults};
use crate::scenario::Scenario;
use crate::stats::Ratio;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Which part of a run a shard is: shard `index` of `count`, from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardSpec {
    pub index: u32,
    pub count: u32,
}

impl ShardSpec {
    /// Parses `K/N`. `K` may be `env`: the index of a job array's task, from
    /// `SLURM_ARRAY_TASK_ID` (less `SLURM_ARRAY_TASK_MIN`) or Kubernetes'
    /// `JOB_COMPLETION_INDEX`; and `env` alone takes `N` from `SLURM_ARRAY_TASK_COUNT` too.
    pub fn parse(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<ShardSpec, String> {
        let number = |name: &str| -> Result<Option<u32>, String> {
            env(name)
                .map(|v| {
                    v.trim()
                        .parse::<u32>()
                        .map_err(|_| format!("{name}={v} is not a whole number"))
                })
                .transpose()
        };
        let env_index = || -> Result<u32, String> {
            if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
                let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
                return id.checked_sub(min).ok_or_else(|| {
                    format!("SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}")
                });
            }
            number("JOB_COMPLETION_INDEX")?.ok_or_else(|| {
                "--shard env: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set".into()
            })
        };
        let (index, count) = match text.split_once('/') {
            None if text == "env" => (
                env_index()?,
                number("SLURM_ARRAY_TASK_COUNT")?.ok_or(
                    "--shard env: SLURM_ARRAY_TASK_COUNT is not set; give the count: --shard env/N",
                )?,
            ),
            None => {
                return Err(format!(
                    "\"{text}\": write K/N (shard K of N, from 0), env/N or env"
                ));
            }
            Some((k, n)) => {
                let n: u32 = n.parse().map_err(|_| {
                    format!("\"{text}\": the shard count \"{n}\" is not a whole number")
                })?;
                let k = if k == "env" {
                    env_index()?
                } else {
                    k.parse().map_err(|_| {
                        format!("\"{text}\": the shard index \"{k}\" is not a whole number")
                    })?
                };
                (k, n)
            }
        };
        if count == 0 || index >= count {
            return Err(format!(
                "shard {index} of {count}: the index goes from 0 to the count less one"
            ));
        }
        Ok(ShardSpec { index, count })
    }

    /// This shard's replications of `total`: contiguous, as even as they can be.
    pub fn range(self, total: u32) -> (u32, u32) {
        let at = |k: u32| (u64::from(k) * u64::from(total) / u64::from(self.count)) as u32;
        let first = at(self.index);
        (first, at(self.index + 1) - first)
    }
}

/// The manifest of a run's shard folder (`shard.json`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// `run` (a sweep's shards say `sweep`).
    pub kind: String,
    /// Of this layout; a merge refuses any other.
    pub format: u32,
    pub ccsim_version: String,
    /// The scenario as the shard's command named it (for `run.json`), and its absolute path
    /// (for the merge to read it).
    pub scenario: PathBuf,
    pub scenario_absolute: PathBuf,
    pub scenario_sha256: String,
    /// The files the scenario names (empirical durations, callback requests), by key.
    pub files: Vec<(String, String)>,
    pub seed: u64,
    /// Of the whole run.
    pub replications: u32,
    pub first_replication: u32,
    pub shard_replications: u32,
    pub calls: bool,
    pub trace: bool,
    pub wall_time_s: f64,
    /// SHA-256 of every file of the shard but the manifest, by path within it.
    pub contents: Vec<(String, String)>,
}

/// Shards' format: 2 since sweep rows give shares at their bounds Clopper–Pearson's interval
/// and the sweep's manifest its charts' reference levels.
const FORMAT: u32 = 2;
/// The largest manifest read: it lists a SHA-256 for each replication's files (about 130
/// bytes each), so a shard of a million replications with calls and trace fits.
const MAX_MANIFEST_BYTES: u64 = 1 << 30;
const METRICS: &str = "metrics.bin";
const REPLICATIONS: &str = "replications";
pub const MANIFEST: &str = "shard.json";

/// Whether `name` is one a shard folder holds.
pub fn is_shard_output(name: &str) -> bool {
    name == MANIFEST || name == METRICS || name == REPLICATIONS
}

fn sha256_of(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut hasher = Sha256::new();
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// SHA-256 of the files `s` names, by key.
fn named_files(s: &Scenario) -> std::io::Result<Vec<(String, String)>> {
    s.file_keys()
        .into_iter()
        .map(|(key, path)| Ok((key, sha256_of(&path)?)))
        .collect()
}

/// The text of the manifest in `dir`.
fn manifest_text(dir: &Path) -> Result<String, String> {
    crate::scenario::input::read_text(&dir.join(MANIFEST), MAX_MANIFEST_BYTES).map_err(|e| {
        format!(
            "{}: {MANIFEST}: {e} (is it a folder written by `ccsim run --shard` or `ccsim sweep --shard`?)",
            dir.display()
        )
    })
}

/// Checks that `parts` — each a shard's label, first item and count, sorted by first — hold
/// every one of `total` `items` (replications, points) exactly once.
fn check_cover(parts: &[(String, u32, u32)], total: u32, items: &str) -> Result<(), String> {
    // In u64: a tampered manifest cannot overflow the sums.
    let mut next = 0u64;
    for (i, (label, first, count)) in parts.iter().enumerate() {
        let (from, n) = (u64::from(*first), u64::from(*count));
        if from > next {
            return Err(format!(
                "{items} {next} to {} are missing: no shard holds them",
                from - 1
            ));
        }
        if from < next {
            return Err(format!(
                "{} and {label} overlap: both hold {items} {from} to {}",
                parts[i - 1].0,
                next.min(from + n) - 1
            ));
        }
        next = from + n;
    }
    let total = u64::from(total);
    if next < total {
        return Err(format!(
            "{items} {next} to {} are missing: no shard holds them",
            total - 1
        ));
    }
    if next > total {
        return Err(format!(
            "the shards hold {items} up to {}, beyond the {total} in all",
            next - 1
        ));
    }
    Ok(())
}

/// Writes the shard of `results` (of a run of `total` replications) into `dir`, a fresh
/// folder: its metrics, its replications' files (moved from scratch) and, last, the manifest.
pub fn write(results: RunResults, total: u32, dir: &Path) -> std::io::Result<()> {
    use std::io::Write;
    let mut metrics = Vec::new();
    for r in &results.replications {
        metrics.extend_from_slice(&r.events.to_le_bytes());
        metrics.extend_from_slice(&u64::from(r.cut).to_le_bytes());
        for m in &r.metrics {
            metrics.extend_from_slice(&m.num.to_bits().to_le_bytes());
            metrics.extend_from_slice(&m.den.to_bits().to_le_bytes());
        }
    }
    let mut file = std::fs::File::create_new(dir.join(METRICS))?;
    file.write_all(&metrics)?;
    file.sync_data()?;
    let replications = dir.join(REPLICATIONS);
    let (scenario, options, wall_time) = (
        results.scenario.clone(),
        results.options.clone(),
        results.wall_time,
    );
    std::fs::rename(results.keep_files(), &replications)?;
    let mut contents = vec![(METRICS.to_string(), sha256_of(&dir.join(METRICS))?)];
    let mut names: Vec<String> = std::fs::read_dir(&replications)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<_>>()?;
    names.sort();
    for name in names {
        let path = replications.join(&name);
        std::fs::File::open(&path)?.sync_all()?;
        contents.push((format!("{REPLICATIONS}/{name}"), sha256_of(&path)?));
    }
    let manifest = Manifest {
        kind: "run".into(),
        format: FORMAT,
        ccsim_version: env!("CARGO_PKG_VERSION").into(),
        scenario: scenario.path.clone(),
        scenario_absolute: std::fs::canonicalize(&scenario.path).unwrap_or(scenario.path.clone()),
        scenario_sha256: scenario.sha256.clone(),
        files: named_files(&scenario)?,
        seed: options.seed,
        replications: total,
        first_replication: options.first_replication,
        shard_replications: options.replications,
        calls: options.calls,
        trace: options.trace,
        wall_time_s: wall_time.as_secs_f64(),
        contents,
    };
    let mut file = std::fs::File::create_new(dir.join(MANIFEST))?;
    serde_json::to_writer_pretty(&mut file, &manifest)?;
    writeln!(file)?;
    file.sync_data()
}

/// A shard read back and checked against its manifest.
pub struct Shard {
    pub dir: PathBuf,
    pub manifest: Manifest,
}

impl Shard {
    /// Reads the shard at `dir` and checks every file against the manifest's SHA-256.
    pub fn read(dir: &Path) -> Result<Shard, String> {
        let at = |what: String| format!("{}: {what}", dir.display());
        let text = manifest_text(dir)?;
        let manifest: Manifest = serde_json::from_str(&text)
            .map_err(|e| at(format!("{MANIFEST} is not a run's shard manifest: {e}")))?;
        if manifest.format != FORMAT {
            return Err(at(format!(
                "shard format {}, this ccsim merges format {FORMAT}",
                manifest.format
            )));
        }
        // Its metrics and files are laid out as its version wrote them: only the same reads them.
        if manifest.ccsim_version != env!("CARGO_PKG_VERSION") {
            return Err(at(format!(
                "written by ccsim {}, and this is ccsim {}: merge with the version that ran the shards",
                manifest.ccsim_version,
                env!("CARGO_PKG_VERSION")
            )));
        }
        let mut listed: Vec<&str> = manifest.contents.iter().map(|(p, _)| p.as_str()).collect();
        listed.sort();
        let mut present = vec![METRICS.to_string()];
        let replications = dir.join(REPLICATIONS);
        for entry in
            std::fs::read_dir(&replications).map_err(|e| at(format!("{REPLICATIONS}/: {e}")))?
        {
            let entry = entry.map_err(|e| at(e.to_string()))?;
            present.push(format!(
                "{REPLICATIONS}/{}",
                entry.file_name().to_string_lossy()
            ));
        }
        present.sort();
        if present != listed {
            return Err(at(
                "its files are not the ones its manifest lists: the shard was changed after it was written; run it again"
                    .into(),
            ));
        }
        for (path, sha) in &manifest.contents {
            let actual = sha256_of(&dir.join(path)).map_err(|e| at(format!("{path}: {e}")))?;
            if &actual != sha {
                return Err(at(format!(
                    "{path} differs from what the shard wrote (SHA-256 mismatch): the shard is damaged or was changed; run it again"
                )));
            }
        }
        Ok(Shard {
            dir: dir.to_path_buf(),
            manifest,
        })
    }

    /// Each replication's run-level metrics (`metrics` per replication).
    fn replications(&self, metrics: usize) -> Result<Vec<ReplicationResult>, String> {
        let bytes = std::fs::read(self.dir.join(METRICS))
            .map_err(|e| format!("{}: {METRICS}: {e}", self.dir.display()))?;
        let words: Vec<u64> = bytes
            .chunks_exact(8)
            .map(|w| u64::from_le_bytes(w.try_into().expect("8 bytes")))
            .collect();
        let per = 2 + 2 * metrics;
        let n = self.manifest.shard_replications as usize;
        if bytes.len() % 8 != 0 || words.len() != n * per {
            return Err(format!(
                "{}: {METRICS} holds {} bytes, not the {} of {n} replications of this scenario's metrics",
                self.dir.display(),
                bytes.len(),
                8 * n * per
            ));
        }
        Ok(words
            .chunks_exact(per)
            .map(|w| ReplicationResult {
                events: w[0],
                cut: w[1] != 0,
                metrics: w[2..]
                    .chunks_exact(2)
                    .map(|p| Ratio::new(f64::from_bits(p[0]), f64::from_bits(p[1])))
                    .collect(),
            })
            .collect())
    }
}

/// Checks that `shards` are the whole of one run — the same version, scenario (and the files
/// it names), seed, total and options, and ranges that cover every replication once — and
/// gives the run's results, as the run would have had them on one machine.
pub fn merge(mut shards: Vec<Shard>) -> Result<RunResults, String> {
    let first = shards.first().ok_or("no shard to merge")?;
    let reference = first.manifest.clone();
    let label = |s: &Shard| s.dir.display().to_string();
    for s in &shards {
        let m = &s.manifest;
        let differs = |what: &str, a: String, b: String| {
            Err(format!(
                "{} and {} are not shards of one run: {what} {a} and {b}",
                label(&shards[0]),
                label(s)
            ))
        };
        if m.ccsim_version != reference.ccsim_version {
            return differs(
                "ccsim versions",
                reference.ccsim_version.clone(),
                m.ccsim_version.clone(),
            );
        }
        if m.scenario_sha256 != reference.scenario_sha256 {
            return differs(
                "scenarios (SHA-256)",
                reference.scenario_sha256.clone(),
                m.scenario_sha256.clone(),
            );
        }
        if m.files != reference.files {
            return differs(
                "files the scenario names",
                format!("{:?}", reference.files),
                format!("{:?}", m.files),
            );
        }
        if m.seed != reference.seed {
            return differs("seeds", reference.seed.to_string(), m.seed.to_string());
        }
        if m.replications != reference.replications {
            return differs(
                "replications in all",
                reference.replications.to_string(),
                m.replications.to_string(),
            );
        }
        if (m.calls, m.trace) != (reference.calls, reference.trace) {
            return differs(
                "options (--calls, --trace)",
                format!("{:?}", (reference.calls, reference.trace)),
                format!("{:?}", (m.calls, m.trace)),
            );
        }
    }
    shards.sort_by_key(|s| s.manifest.first_replication);
    let parts: Vec<(String, u32, u32)> = shards
        .iter()
        .map(|s| {
            let m = &s.manifest;
            (label(s), m.first_replication, m.shard_replications)
        })
        .collect();
    check_cover(&parts, reference.replications, "replications")?;
    let mut scenario = Scenario::load(&reference.scenario_absolute).map_err(|e| {
        format!(
            "the shards' scenario {}: {e}",
            reference.scenario_absolute.display()
        )
    })?;
    if scenario.sha256 != reference.scenario_sha256 {
        return Err(format!(
            "{} has changed since the shards ran (SHA-256 differs)",
            reference.scenario.display()
        ));
    }
    let named = named_files(&scenario).map_err(|e| e.to_string())?;
    if named != reference.files {
        return Err(format!(
            "a file {} names has changed since the shards ran",
            reference.scenario.display()
        ));
    }
    (scenario.seed, scenario.path) = (reference.seed, reference.scenario.clone());
    let catalog = crate::stats::catalog(&scenario);
    let mut replications = Vec::new();
    let mut parts = Vec::new();
    for s in &shards {
        replications.extend(s.replications(catalog.len())?);
        parts.push((s.dir.join(REPLICATIONS), s.manifest.shard_replications));
    }
    let options = crate::experiment::RunOptions {
        first_replication: 0,
        replications: reference.replications,
        seed: reference.seed,
        threads: 0,
        calls: reference.calls,
        trace: reference.trace,
        // A report of the merge's own choosing (`ccsim merge --xlsx`).
        xlsx: false,
    };
    let wall_time = std::time::Duration::from_secs_f64(
        shards.iter().map(|s| s.manifest.wall_time_s).sum::<f64>(),
    );
    Ok(RunResults::from_parts(
        scenario,
        options,
        replications,
        parts,
        wall_time,
    ))
}

/// What kind of shard the folder at `dir` holds: `run` or `sweep` (from its manifest).
pub fn kind(dir: &Path) -> Result<String, String> {
    let text = manifest_text(dir)?;
    let doc: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: {MANIFEST} is not a shard manifest: {e}", dir.display()))?;
    Ok(doc["kind"].as_str().unwrap_or("").to_string())
}

/// The manifest of a sweep's shard folder: its points' rows of `sweep.csv`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SweepManifest {
    /// `sweep`.
    pub kind: String,
    pub format: u32,
    pub ccsim_version: String,
    /// The scenario's name (the merged `sweep.csv` goes to `output/sweep-<name>/`).
    pub name: String,
    pub scenario_sha256: String,
    pub files: Vec<(String, String)>,
    #[serde(flatten)]
    pub part: SweepPart,
    pub rows_sha256: String,
}

/// What a sweep's shard is: the sweep as asked for and its share of the points.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SweepPart {
    /// The sweep's `--set` arguments, replications and seed.
    pub sets: Vec<String>,
    pub replications: Option<u32>,
    pub seed: Option<u64>,
    /// `sweep.csv`'s header line, and the sweep's points in all.
    pub header: String,
    pub points: u32,
    pub first_point: u32,
    pub shard_points: u32,
    /// The level each figure's chart marks (a target, a cap), if any (absent from format 1,
    /// which is refused by its format rather than by a missing field).
    #[serde(default)]
    pub references: Vec<Option<f64>>,
}

const SWEEP_ROWS: &str = "sweep-rows.csv";

/// A sweep joined from its shards: its `sweep.csv`, its scenario's name, and its charts'
/// reference levels.
pub struct MergedSweep {
    pub csv: Vec<u8>,
    pub name: String,
    pub references: Vec<Option<f64>>,
}

/// Whether `name` is one a sweep's shard folder holds.
pub fn is_sweep_shard_output(name: &str) -> bool {
    name == MANIFEST || name == SWEEP_ROWS
}

/// Writes a sweep's shard into `dir`, a fresh folder: its rows, then the manifest, which
/// holds the SHA-256 of every file any of the sweep's `points` names (`--set` may name
/// files the base `scenario` does not).
pub fn write_sweep(
    dir: &Path,
    rows: &[u8],
    scenario: &Scenario,
    points: &[Scenario],
    part: SweepPart,
) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create_new(dir.join(SWEEP_ROWS))?;
    file.write_all(rows)?;
    file.sync_data()?;
    let manifest = SweepManifest {
        kind: "sweep".into(),
        format: FORMAT,
        ccsim_version: env!("CARGO_PKG_VERSION").into(),
        name: scenario.name.clone(),
        scenario_sha256: scenario.sha256.clone(),
        files: {
            let mut files = points
                .iter()
                .map(named_files)
                .collect::<std::io::Result<Vec<_>>>()?
                .concat();
            files.sort();
            files.dedup();
            files
        },
        part,
        rows_sha256: sha256_of(&dir.join(SWEEP_ROWS))?,
    };
    let mut file = std::fs::File::create_new(dir.join(MANIFEST))?;
    serde_json::to_writer_pretty(&mut file, &manifest)?;
    writeln!(file)?;
    file.sync_data()
}

/// Checks that the sweep shards at `dirs` are the whole of one sweep and joins them.
pub fn merge_sweep(dirs: &[PathBuf]) -> Result<MergedSweep, String> {
    let mut shards = Vec::new();
    for dir in dirs {
        let at = |what: String| format!("{}: {what}", dir.display());
        let text = manifest_text(dir)?;
        let m: SweepManifest = serde_json::from_str(&text)
            .map_err(|e| at(format!("{MANIFEST} is not a sweep's shard manifest: {e}")))?;
        if m.format != FORMAT || m.ccsim_version != env!("CARGO_PKG_VERSION") {
            return Err(at(format!(
                "written by ccsim {} (shard format {}); this is ccsim {} (format {FORMAT}): merge with the version that ran the shards",
                m.ccsim_version,
                m.format,
                env!("CARGO_PKG_VERSION")
            )));
        }
        let rows = dir.join(SWEEP_ROWS);
        if sha256_of(&rows).map_err(|e| at(e.to_string()))? != m.rows_sha256 {
            return Err(at(format!(
                "{SWEEP_ROWS} differs from what the shard wrote (SHA-256 mismatch): run it again"
            )));
        }
        shards.push((dir, m));
    }
    let reference = shards.first().ok_or("no shard to merge")?.1.clone();
    for (dir, m) in &shards {
        let sweep = |m: &SweepManifest| {
            let p = &m.part;
            (
                m.ccsim_version.clone(),
                m.scenario_sha256.clone(),
                m.files.clone(),
                p.sets.clone(),
                p.replications,
                p.seed,
                p.points,
                p.header.clone(),
            )
        };
        let same = sweep(m) == sweep(&reference);
        if !same {
            return Err(format!(
                "{} and {} are not shards of one sweep: their version, scenario, --set values, replications, seed, points or columns differ",
                shards[0].0.display(),
                dir.display()
            ));
        }
    }
    shards.sort_by_key(|(_, m)| m.part.first_point);
    let parts: Vec<(String, u32, u32)> = shards
        .iter()
        .map(|(dir, m)| {
            (
                dir.display().to_string(),
                m.part.first_point,
                m.part.shard_points,
            )
        })
        .collect();
    check_cover(&parts, reference.part.points, "points")?;
    let mut out = format!("{}\n", reference.part.header).into_bytes();
    for (dir, _) in &shards {
        out.extend(std::fs::read(dir.join(SWEEP_ROWS)).map_err(|e| e.to_string())?);
    }
    Ok(MergedSweep {
        csv: out,
        name: reference.name,
        references: reference.part.references,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_contiguous_and_cover_every_replication_once() {
        for total in [1u32, 2, 7, 30, 1019] {
            for count in 1..=9u32 {
                let mut next = 0;
                for index in 0..count {
                    let (first, n) = ShardSpec { index, count }.range(total);
                    assert_eq!(first, next);
                    next += n;
                }
                assert_eq!(next, total, "{total} in {count}");
            }
        }
    }

    #[test]
    fn the_index_comes_from_a_job_array() {
        let slurm = |name: &str| match name {
            "SLURM_ARRAY_TASK_ID" => Some("5".to_string()),
            "SLURM_ARRAY_TASK_MIN" => Some("1".to_string()),
            "SLURM_ARRAY_TASK_COUNT" => Some("8".to_string()),
            _ => None,
        };
        assert_eq!(
            ShardSpec::parse("env", slurm),
            Ok(ShardSpec { index: 4, count: 8 })
        );
        let k8s = |name: &str| (name == "JOB_COMPLETION_INDEX").then(|| "2".to_string());
        assert_eq!(
            ShardSpec::parse("env/3", k8s),
            Ok(ShardSpec { index: 2, count: 3 })
        );
        assert!(ShardSpec::parse("env", k8s).is_err());
        assert!(ShardSpec::parse("3/3", |_| None).is_err());
        assert!(ShardSpec::parse("0/0", |_| None).is_err());
        assert_eq!(
            ShardSpec::parse("2/7", |_| None),
            Ok(ShardSpec { index: 2, count: 7 })
        );
    }
}
