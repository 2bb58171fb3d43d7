//! Runs the replications of a scenario in parallel and gathers their results.
//!
//! Each replication streams its interval rows (and, with `--calls`, its call rows) to its own
//! scratch file, so memory stays flat however long the horizon; reports merge the files in
//! replication order, so output does not depend on the number of threads.

use crate::model::Model;
use crate::report::RecordClock;
use crate::scenario::Scenario;
use crate::stats::{
    AGENT_COLUMNS, CAMPAIGN_COLUMNS, CallLog, Column, INTERVAL_COLUMNS, IntervalSink, Metric,
    Ratio, Recorder, Scope, TraceLog, agent_columns_shown, campaign_columns_shown, catalog,
    interval_columns_shown,
};
use rayon::prelude::*;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// How to run a scenario.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub replications: u32,
    /// The first replication's number: replications `first_replication..+replications`
    /// run, each with its own streams, so a run can be extended with more replications
    /// that are the very ones a longer run would have had.
    pub first_replication: u32,
    pub seed: u64,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Write one row per contact.
    pub calls: bool,
    /// Write every contact's events and every agent's state changes (events.csv).
    pub trace: bool,
    /// Write `report.xlsx`.
    pub xlsx: bool,
}

impl RunOptions {
    /// The scenario's own settings.
    pub fn from_scenario(s: &Scenario) -> RunOptions {
        RunOptions {
            replications: s.replications,
            first_replication: 0,
            seed: s.seed,
            threads: 0,
            calls: false,
            trace: false,
            xlsx: false,
        }
    }
}

/// What one replication produced, besides its scratch files.
#[derive(Clone, Debug)]
pub struct ReplicationResult {
    /// Run-level metric values, aligned with `RunResults::catalog`.
    pub metrics: Vec<Ratio>,
    pub events: u64,
    /// The drain limit was reached with contacts still in the system.
    pub cut: bool,
}

/// Everything the reports need from a run.
pub struct RunResults {
    pub scenario: Scenario,
    pub options: RunOptions,
    pub threads: usize,
    pub catalog: Vec<(Scope, Metric)>,
    pub replications: Vec<ReplicationResult>,
    pub wall_time: std::time::Duration,
    files: ReplicationFiles,
}

/// Where each replication's files are: in folders of consecutive replications — one for a
/// run (its scratch folder), one per shard for a merge — named by position in the folder.
struct ReplicationFiles {
    /// Each folder and how many replications it holds, in order.
    parts: Vec<(PathBuf, u32)>,
    /// The run's own scratch folder, removed with the results (none for a merge).
    scratch: Option<ScratchDir>,
}

/// The files a replication writes, named by its position `i` in its folder.
#[derive(Clone, Copy)]
enum ReplicationFile {
    Intervals,
    Agents,
    Campaigns,
    Calls,
    Trace,
}

impl ReplicationFile {
    fn name(self, i: usize) -> String {
        match self {
            ReplicationFile::Intervals => format!("intervals-{i}.bin"),
            ReplicationFile::Agents => format!("agents-{i}.bin"),
            ReplicationFile::Campaigns => format!("campaigns-{i}.bin"),
            ReplicationFile::Calls => format!("calls-{i}.csv"),
            ReplicationFile::Trace => format!("events-{i}.csv"),
        }
    }
}

impl ReplicationFiles {
    /// Replication `r`'s file of `kind`.
    fn path(&self, r: usize, kind: ReplicationFile) -> PathBuf {
        let mut r = r as u64;
        for (dir, n) in &self.parts {
            if r < u64::from(*n) {
                return dir.join(kind.name(r as usize));
            }
            r -= u64::from(*n);
        }
        unreachable!("replication beyond the run's files")
    }
}

impl RunResults {
    /// The results of a run whose replications' files are in `parts` (folders of
    /// consecutive replications, each with how many it holds): a merge of shards.
    pub fn from_parts(
        scenario: Scenario,
        options: RunOptions,
        replications: Vec<ReplicationResult>,
        parts: Vec<(PathBuf, u32)>,
        wall_time: std::time::Duration,
    ) -> RunResults {
        RunResults {
            catalog: catalog(&scenario),
            scenario,
            options,
            threads: 1,
            replications,
            wall_time,
            files: ReplicationFiles {
                parts,
                scratch: None,
            },
        }
    }

    /// Keeps the run's scratch folder (for a shard) and gives its path.
    pub fn keep_files(self) -> PathBuf {
        match self.files.scratch {
            Some(s) => s.0.keep(),
            None => self.files.parts[0].0.clone(),
        }
    }

    pub fn events(&self) -> u64 {
        self.replications.iter().map(|r| r.events).sum()
    }

    /// Per-replication readers of interval rows (per queue), in replication order.
    pub fn interval_rows(&self) -> std::io::Result<Vec<RowReader<{ INTERVAL_COLUMNS.len() }>>> {
        self.readers(Spilled::intervals(&self.scenario), |r| {
            self.files.path(r, ReplicationFile::Intervals)
        })
    }

    /// Per-replication readers of agent-group rows, in replication order.
    pub fn agent_rows(&self) -> std::io::Result<Vec<RowReader<{ AGENT_COLUMNS.len() }>>> {
        self.readers(Spilled::agents(&self.scenario), |r| {
            self.files.path(r, ReplicationFile::Agents)
        })
    }

    /// Per-replication readers of campaign rows, in replication order.
    pub fn campaign_rows(&self) -> std::io::Result<Vec<RowReader<{ CAMPAIGN_COLUMNS.len() }>>> {
        self.readers(Spilled::campaigns(&self.scenario), |r| {
            self.files.path(r, ReplicationFile::Campaigns)
        })
    }

    /// Readers of the rows spilled with the columns `spilled`.
    fn readers<const N: usize>(
        &self,
        spilled: Spilled<N>,
        path: impl Fn(usize) -> PathBuf,
    ) -> std::io::Result<Vec<RowReader<N>>> {
        // All replications are read at once: their buffers share a few MiB, and beyond a few
        // dozen replications their files are opened only to refill a buffer, so that the
        // number of open files stays small however many replications there are.
        let n = self.replications.len();
        let capacity = (READ_BUFFERS / n.max(1)).clamp(8 << 10, SPILL_BUFFER);
        (0..n)
            .map(|r| {
                let source = if n <= MAX_OPEN_READERS {
                    ScratchSource::Open(File::open(path(r))?)
                } else {
                    ScratchSource::Reopened {
                        path: path(r),
                        offset: 0,
                    }
                };
                Ok(RowReader {
                    inner: BufReader::with_capacity(capacity, source),
                    bytes: vec![0; spilled.row_len()],
                    spilled: spilled.clone(),
                })
            })
            .collect()
    }

    /// Per-replication call files (rows without header), in replication order.
    pub fn call_files(&self) -> Vec<PathBuf> {
        if !self.options.calls {
            return Vec::new();
        }
        (0..self.replications.len())
            .map(|r| self.files.path(r, ReplicationFile::Calls))
            .collect()
    }

    /// Per-replication trace files (rows without header), in replication order.
    pub fn trace_files(&self) -> Vec<PathBuf> {
        if !self.options.trace {
            return Vec::new();
        }
        (0..self.replications.len())
            .map(|r| self.files.path(r, ReplicationFile::Trace))
            .collect()
    }
}

/// Buffer of each scratch file written: system calls, not bytes, cost the time.
const SPILL_BUFFER: usize = 256 << 10;
/// Buffers of all the scratch files read back together.
const READ_BUFFERS: usize = 4 << 20;

/// A folder of scratch files, made with a fresh name only this run can have created (so
/// nothing can be planted in it), and removed when dropped — on every way out but a kill.
/// Its name carries the process id, so that the next run can tell a dead run's folder.
struct ScratchDir(tempfile::TempDir);

const SCRATCH_PREFIX: &str = ".ccsim-scratch-";

impl ScratchDir {
    fn new(parent: &Path) -> std::io::Result<ScratchDir> {
        remove_dead_scratch(parent);
        tempfile::Builder::new()
            .prefix(&format!("{SCRATCH_PREFIX}{}-", std::process::id()))
            .tempdir_in(parent)
            .map(ScratchDir)
    }
    fn file(&self, name: String) -> PathBuf {
        self.0.path().join(name)
    }
    /// The file of `kind` of the replication at position `i` in the run.
    fn of(&self, i: usize, kind: ReplicationFile) -> PathBuf {
        self.file(kind.name(i))
    }
}

/// Removes scratch folders in `parent` of runs whose process is gone (killed: the only way
/// out that leaves them). Best effort: what cannot be removed stays for a later run.
fn remove_dead_scratch(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(SCRATCH_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<i32>().ok())
        else {
            continue;
        };
        if !process_alive(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(unix)]
fn process_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists; it sends nothing.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_alive(_: i32) -> bool {
    true
}

/// A row as stored in scratch: interval, queue or group, then the values.
pub type Row<const N: usize> = (usize, usize, [Ratio; N]);

/// Which of a report's `N` columns are spilled (those it shows: scratch I/O is a good part
/// of a run's time), in order, and which of them with their denominators (the ratios).
/// Worked out once: rows are many, and wide tables spill few of their columns.
#[derive(Clone)]
struct Spilled<const N: usize> {
    /// The spilled columns, each with whether it is a ratio.
    fields: Vec<(usize, bool)>,
}

impl Spilled<{ INTERVAL_COLUMNS.len() }> {
    fn intervals(s: &Scenario) -> Self {
        Spilled::of(
            interval_columns_shown(s),
            INTERVAL_COLUMNS.map(Metric::is_ratio),
        )
    }
}

impl Spilled<{ AGENT_COLUMNS.len() }> {
    fn agents(s: &Scenario) -> Self {
        Spilled::of(agent_columns_shown(s), AGENT_COLUMNS.map(Column::is_ratio))
    }
}

impl Spilled<{ CAMPAIGN_COLUMNS.len() }> {
    fn campaigns(s: &Scenario) -> Self {
        Spilled::of(
            campaign_columns_shown(s),
            CAMPAIGN_COLUMNS.map(Column::is_ratio),
        )
    }
}

impl<const N: usize> Spilled<N> {
    fn of(shown: [bool; N], ratio: [bool; N]) -> Self {
        Spilled {
            fields: (0..N)
                .filter(|&c| shown[c])
                .map(|c| (c, ratio[c]))
                .collect(),
        }
    }

    /// Bytes of one row: its interval and index, then each field's words.
    fn row_len(&self) -> usize {
        let words: usize = self.fields.iter().map(|&(_, r)| 1 + usize::from(r)).sum();
        8 * (2 + words)
    }

    /// Writes one row: built in `row` (reused) and written at once — one call per row, not
    /// per value: rows are many and short.
    fn write(
        &self,
        out: &mut impl Write,
        row: &mut Vec<u8>,
        (interval, index): (usize, usize),
        values: &[Ratio; N],
    ) -> std::io::Result<()> {
        row.clear();
        row.extend_from_slice(&(interval as u64).to_le_bytes());
        row.extend_from_slice(&(index as u64).to_le_bytes());
        for &(c, ratio) in &self.fields {
            row.extend_from_slice(&values[c].num.to_le_bytes());
            if ratio {
                row.extend_from_slice(&values[c].den.to_le_bytes());
            } else {
                debug_assert_eq!(values[c].den, 1.0, "column {c} is a plain value");
            }
        }
        out.write_all(row)
    }
}

/// Interval rows of one replication, spilled to scratch files: queue, group and campaign
/// rows.
struct IntervalSpill {
    queues: BufWriter<File>,
    groups: BufWriter<File>,
    /// Only with campaigns: most runs have none, and need not make the file.
    campaigns: Option<BufWriter<File>>,
    queue_columns: Spilled<{ INTERVAL_COLUMNS.len() }>,
    group_columns: Spilled<{ AGENT_COLUMNS.len() }>,
    campaign_columns: Spilled<{ CAMPAIGN_COLUMNS.len() }>,
    /// A row's bytes, reused.
    row: Vec<u8>,
}

impl IntervalSink for IntervalSpill {
    fn row(
        &mut self,
        interval: usize,
        queue: usize,
        values: &[Ratio; INTERVAL_COLUMNS.len()],
    ) -> std::io::Result<()> {
        self.queue_columns
            .write(&mut self.queues, &mut self.row, (interval, queue), values)
    }
    fn group_row(
        &mut self,
        interval: usize,
        group: usize,
        values: &[Ratio; AGENT_COLUMNS.len()],
    ) -> std::io::Result<()> {
        self.group_columns
            .write(&mut self.groups, &mut self.row, (interval, group), values)
    }
    fn campaign_row(
        &mut self,
        interval: usize,
        campaign: usize,
        values: &[Ratio; CAMPAIGN_COLUMNS.len()],
    ) -> std::io::Result<()> {
        let out = self
            .campaigns
            .as_mut()
            .expect("campaign rows come only with campaigns");
        self.campaign_columns
            .write(out, &mut self.row, (interval, campaign), values)
    }
    fn finish(&mut self) -> std::io::Result<()> {
        self.queues.flush()?;
        self.groups.flush()?;
        self.campaigns.as_mut().map_or(Ok(()), |c| c.flush())
    }
}

/// Queue rows kept in memory (group and campaign rows are not wanted): see
/// [`interval_rows_in_memory`].
struct RowsInMemory(std::sync::Arc<std::sync::Mutex<Vec<Row<{ INTERVAL_COLUMNS.len() }>>>>);

impl IntervalSink for RowsInMemory {
    fn row(
        &mut self,
        interval: usize,
        queue: usize,
        values: &[Ratio; INTERVAL_COLUMNS.len()],
    ) -> std::io::Result<()> {
        let mut rows = self.0.lock().expect("one replication's rows, not shared");
        rows.push((interval, queue, *values));
        Ok(())
    }
    fn group_row(
        &mut self,
        _: usize,
        _: usize,
        _: &[Ratio; AGENT_COLUMNS.len()],
    ) -> std::io::Result<()> {
        Ok(())
    }
    fn campaign_row(
        &mut self,
        _: usize,
        _: usize,
        _: &[Ratio; CAMPAIGN_COLUMNS.len()],
    ) -> std::io::Result<()> {
        Ok(())
    }
}

/// Each replication's queue rows of `intervals.csv`, in replication order, kept in memory
/// rather than in scratch files: for searches that simulate many short runs and need
/// nothing else (`staff`). Memory grows with intervals × replications, so this is for a
/// day's plan, not for long horizons.
pub fn interval_rows_in_memory(
    scenario: &Scenario,
    options: &RunOptions,
) -> std::io::Result<Vec<Vec<Row<{ INTERVAL_COLUMNS.len() }>>>> {
    let (_, rows) = each_replication(scenario, options, |scenario, model, i| {
        let rows = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = RowsInMemory(rows.clone());
        let mut rec = Recorder::new(scenario, Box::new(sink), None, None);
        model.simulate(options.first_replication + i, &mut rec);
        rec.into_metrics()?;
        let rows = std::mem::take(&mut *rows.lock().expect("the replication is over"));
        Ok(rows)
    })?;
    Ok(rows)
}

/// Set when the process is asked to stop (Ctrl-C, a termination signal): replications not
/// yet started are not run, so that the run ends by its ordinary error path, which removes
/// its scratch and staging folders, instead of leaving them behind as a kill would.
static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Asks every run in the process to stop after the replications under way (safe to call
/// from a signal handler: it only stores a flag).
pub fn request_stop() {
    STOP.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Runs `replication` for each of `options`' replications (by position in the run) on a
/// pool of `options.threads`, with the scenario under `options`' seed and its model; the
/// results come in replication order, whatever the thread count. Returns the scenario
/// run, the pool's thread count and the results.
fn each_replication<T: Send>(
    scenario: &Scenario,
    options: &RunOptions,
    replication: impl Fn(&Scenario, &Model, u32) -> std::io::Result<T> + Sync,
) -> std::io::Result<((Scenario, usize), Vec<T>)> {
    let mut scenario = scenario.clone();
    scenario.seed = options.seed;
    let model = Model::new(&scenario);
    let stopped = || {
        STOP.load(std::sync::atomic::Ordering::Relaxed).then(|| {
            std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "interrupted (Ctrl-C or a termination signal): nothing was written",
            )
        })
    };
    let one = |i: u32| match stopped() {
        Some(e) => Err(e),
        None => replication(&scenario, &model, i),
    };
    // One thread: the calling one, without a pool, whose idle worker would spin for
    // milliseconds beside the report writing that follows.
    if options.threads == 1 {
        let results = (0..options.replications)
            .map(one)
            .collect::<std::io::Result<Vec<T>>>()?;
        // A stop asked for while the last replications ran stops the run all the same.
        if let Some(e) = stopped() {
            return Err(e);
        }
        return Ok(((scenario, 1), results));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(std::io::Error::other)?;
    let results = pool.install(|| {
        (0..options.replications)
            .into_par_iter()
            .map(one)
            .collect::<std::io::Result<Vec<T>>>()
    })?;
    if let Some(e) = stopped() {
        return Err(e);
    }
    Ok(((scenario, pool.current_num_threads()), results))
}

/// The most scratch files of one table kept open while they are read back (two tables are
/// read at once, far below the usual limit of 1024 open files).
const MAX_OPEN_READERS: usize = 64;

/// A scratch file being read: kept open, or opened afresh for each read at where the last
/// one stopped.
enum ScratchSource {
    Open(File),
    Reopened { path: PathBuf, offset: u64 },
}

impl Read for ScratchSource {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            ScratchSource::Open(file) => file.read(buf),
            ScratchSource::Reopened { path, offset } => {
                use std::io::{Seek, SeekFrom};
                let mut file = File::open(path)?;
                file.seek(SeekFrom::Start(*offset))?;
                let n = file.read(buf)?;
                *offset += n as u64;
                Ok(n)
            }
        }
    }
}

/// Reads back the rows of `N` values one replication spilled.
pub struct RowReader<const N: usize> {
    inner: BufReader<ScratchSource>,
    /// One row's bytes, reused.
    bytes: Vec<u8>,
    /// The columns spilled.
    spilled: Spilled<N>,
}

impl<const N: usize> RowReader<N> {
    /// Reads the next row's spilled columns into `values`: a ratio's numerator and
    /// denominator, a plain value's number (its denominator is left as it is, so `values`
    /// must hold `Ratio::value`s, whose is 1); the columns not spilled are left as they are.
    /// Returns the row's interval and queue (or group), or `None` at the end.
    pub fn read_into(
        &mut self,
        values: &mut [Ratio; N],
    ) -> std::io::Result<Option<(usize, usize)>> {
        match self.inner.read_exact(&mut self.bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
            Ok(()) => {}
        }
        let mut words = self
            .bytes
            .chunks_exact(8)
            .map(|w| u64::from_le_bytes(w.try_into().expect("8 bytes")));
        let mut word = || words.next().expect("a row's words");
        let key = (word() as usize, word() as usize);
        for &(c, ratio) in &self.spilled.fields {
            values[c].num = f64::from_bits(word());
            if ratio {
                values[c].den = f64::from_bits(word());
            }
        }
        Ok(Some(key))
    }
}

impl<const N: usize> Iterator for RowReader<N> {
    type Item = std::io::Result<Row<N>>;
    fn next(&mut self) -> Option<Self::Item> {
        let mut values = [Ratio::value(f64::NAN); N];
        match self.read_into(&mut values) {
            Ok(Some((interval, index))) => Some(Ok((interval, index, values))),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// Runs every replication of `scenario`; `scratch_parent` is where scratch files go (a
/// folder is made in it and removed when the results are dropped). `on_replication` is
/// called as each replication finishes (for progress bars).
pub fn run(
    scenario: &Scenario,
    options: &RunOptions,
    scratch_parent: &Path,
    on_replication: &(dyn Fn() + Sync),
) -> std::io::Result<RunResults> {
    let started = std::time::Instant::now();
    std::fs::create_dir_all(scratch_parent)?;
    let scratch = ScratchDir::new(scratch_parent)?;
    let ((scenario, threads), replications) =
        each_replication(scenario, options, |scenario, model, i| {
            let result = run_replication(scenario, model, i, options, &scratch);
            on_replication();
            result
        })?;
    Ok(RunResults {
        catalog: catalog(&scenario),
        scenario,
        options: options.clone(),
        threads,
        replications,
        wall_time: started.elapsed(),
        files: ReplicationFiles {
            parts: vec![(scratch.0.path().to_path_buf(), options.replications)],
            scratch: Some(scratch),
        },
    })
}

fn run_replication(
    s: &Scenario,
    model: &Model,
    i: u32,
    options: &RunOptions,
    scratch: &ScratchDir,
) -> std::io::Result<ReplicationResult> {
    // Scratch files go by position in this run, streams by the replication's number.
    let r = options.first_replication + i;
    let i = i as usize;
    let sink = IntervalSpill {
        queues: BufWriter::with_capacity(
            SPILL_BUFFER,
            File::create(scratch.of(i, ReplicationFile::Intervals))?,
        ),
        groups: BufWriter::with_capacity(
            SPILL_BUFFER,
            File::create(scratch.of(i, ReplicationFile::Agents))?,
        ),
        campaigns: if s.campaigns.is_empty() {
            None
        } else {
            Some(BufWriter::with_capacity(
                SPILL_BUFFER,
                File::create(scratch.of(i, ReplicationFile::Campaigns))?,
            ))
        },
        queue_columns: Spilled::intervals(s),
        group_columns: Spilled::agents(s),
        campaign_columns: Spilled::campaigns(s),
        row: Vec::new(),
    };
    let queues: Vec<String> = s.queues.iter().map(|q| q.name.clone()).collect();
    let groups: Vec<String> = s.agent_groups.iter().map(|g| g.name.clone()).collect();
    let log = if options.calls {
        let file = BufWriter::with_capacity(
            SPILL_BUFFER,
            File::create(scratch.of(i, ReplicationFile::Calls))?,
        );
        Some(CallLog::new(
            r,
            RecordClock::new(s.calendar()),
            queues.clone(),
            groups.clone(),
            Box::new(file),
            scratch.file(format!("calls-{r}.runs")),
        ))
    } else {
        None
    };
    let trace = if options.trace {
        let file = BufWriter::with_capacity(
            SPILL_BUFFER,
            File::create(scratch.of(i, ReplicationFile::Trace))?,
        );
        let campaigns = s.campaigns.iter().map(|c| c.name.clone()).collect();
        Some(TraceLog::new(
            r,
            RecordClock::new(s.calendar()),
            (queues, groups, campaigns),
            Box::new(file),
        ))
    } else {
        None
    };
    let mut rec = Recorder::new(s, Box::new(sink), log, trace);
    let end = model.simulate(r, &mut rec);
    let metrics = rec.into_metrics()?;
    Ok(ReplicationResult {
        metrics: metrics.values,
        events: end.events,
        cut: end.cut,
    })
}
