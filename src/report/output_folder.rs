//! An output folder replaced as a whole: a run's reports are written into a fresh folder
//! beside it, and that folder is swapped in at once, so that the output folder always holds
//! one complete set — the new run's or the previous one's, never a mix — whatever happens
//! meanwhile (kill -9, a full disk, a panic, a second run).
//!
//! Beside `output/day` live `.day.ccsim-lock` (a file that stays; a run holds a lock on it, so
//! that a second run into the same folder fails at once), and while a run writes,
//! `.day.ccsim-new-XXXXXX` (the new set) and `.day.ccsim-scratch-XXXXXX` (its scratch files). Whatever a crashed run left beside the folder is removed by
//! the next run into it, which holds the lock, so no live run can own it.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// Why an output folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The folder named is not one ccsim may replace: bad input.
    #[error("{0}")]
    NotOurs(String),
    /// Another run is writing it, or the file system failed.
    #[error("{0}")]
    Failed(String),
}

/// An output folder being written: files go into [`OutputFolder::path`] until
/// [`OutputFolder::commit`] swaps them in.
pub struct OutputFolder {
    target: PathBuf,
    parent: PathBuf,
    /// Which names in the target are ccsim's (checked again just before the swap).
    ours: fn(&str) -> bool,
    staging: tempfile::TempDir,
    /// The run's scratch files, beside the new set rather than in it.
    scratch: tempfile::TempDir,
    /// Held until the folder is swapped in; the lock goes with the process, however it ends.
    _lock: File,
}

impl OutputFolder {
    /// Locks `target` against other runs, removes what crashed runs left beside it and makes
    /// an empty folder for the new set. An existing `target` must hold only files `ours`
    /// accepts (by name): it is replaced as a whole, and a planner's own files in it would go.
    pub fn begin(target: &Path, ours: fn(&str) -> bool) -> Result<OutputFolder, OutputError> {
        let failed = |e: io::Error| OutputError::Failed(format!("{}: {e}", target.display()));
        let base = target
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| !n.starts_with('.'))
            .ok_or_else(|| {
                OutputError::NotOurs(format!(
                    "{}: the output folder needs a name of its own (not `.`, `..` or a hidden name)",
                    target.display()
                ))
            })?;
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(failed)?;
        let prefix = format!(".{base}.ccsim-");
        let lock_name = format!("{prefix}lock");
        let lock = lock(&parent.join(&lock_name), target)?;
        restore_stepped_aside(target, &parent, &prefix).map_err(failed)?;
        check_contents(target, ours)?;
        refuse_mount_point(target, &parent)?;
        remove_leftovers(&parent, &prefix, &lock_name).map_err(failed)?;
        let folder = |kind: &str| {
            tempfile::Builder::new()
                .prefix(&format!("{prefix}{kind}-"))
                .tempdir_in(&parent)
                .map_err(failed)
        };
        Ok(OutputFolder {
            target: target.to_path_buf(),
            parent: parent.clone(),
            ours,
            staging: folder("new")?,
            scratch: folder("scratch")?,
            _lock: lock,
        })
    }

    /// Where the new set is written.
    pub fn path(&self) -> &Path {
        self.staging.path()
    }

    /// Where the run may keep scratch files: removed with the folder's lock.
    pub fn scratch(&self) -> &Path {
        self.scratch.path()
    }

    /// Swaps the new set in: atomically where the system can exchange two folders (Linux),
    /// else by two renames in a row. The previous set is then removed: the staging folder
    /// holds it after the swap, and goes (with the scratch files) when `self` is dropped. The
    /// files must be synced already; the folder entries are synced here.
    pub fn commit(self) -> Result<(), OutputError> {
        self.swap_in()
            .map_err(|e| OutputError::Failed(format!("replacing {}: {e}", self.target.display())))
    }

    fn swap_in(&self) -> io::Result<()> {
        let staging = self.staging.path();
        File::open(staging)?.sync_all()?;
        // Files put into the folder while the run went would go with the old set.
        check_contents(&self.target, self.ours).map_err(|e| io::Error::other(e.to_string()))?;
        if !self.target.exists() {
            std::fs::rename(staging, &self.target)?;
        } else if !exchange(staging, &self.target)? {
            // No atomic exchange here: the old set steps aside, then the new one takes its name.
            // A run killed between the two renames leaves the old set under the `-old` name:
            // the next run into the folder puts it back (`restore_stepped_aside`).
            let old = stepped_aside(staging);
            std::fs::rename(&self.target, &old)?;
            std::fs::rename(staging, &self.target)?;
            std::fs::rename(&old, staging)?;
        }
        File::open(&self.parent)?.sync_all()
    }
}

/// Where the previous set steps aside when the system cannot exchange two folders.
fn stepped_aside(staging: &Path) -> PathBuf {
    let mut old = staging.as_os_str().to_owned();
    old.push(STEPPED_ASIDE);
    PathBuf::from(old)
}

const STEPPED_ASIDE: &str = "-old";

/// If a run was killed between the two renames of a swap without exchange, the target is
/// gone and its set is beside it under the `-old` name: it is put back before anything is
/// removed.
fn restore_stepped_aside(target: &Path, parent: &Path, prefix: &str) -> io::Result<()> {
    if std::fs::symlink_metadata(target).is_ok() {
        return Ok(());
    }
    for entry in std::fs::read_dir(parent)? {
        let name = entry?.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with(prefix) && name.ends_with(STEPPED_ASIDE) {
            return std::fs::rename(parent.join(name), target);
        }
    }
    Ok(())
}

/// A target on another device than its parent (a mount point, a container's volume) cannot
/// be swapped: refused at once rather than after the whole run.
fn refuse_mount_point(target: &Path, parent: &Path) -> Result<(), OutputError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(t), Ok(p)) = (std::fs::metadata(target), std::fs::metadata(parent))
            && t.dev() != p.dev()
        {
            return Err(OutputError::NotOurs(format!(
                "{}: a mount point (another file system than its parent's); a run replaces its output folder as a whole, which cannot be done there: give a folder inside it, e.g. --out {}",
                target.display(),
                target.join("run").display()
            )));
        }
    }
    let _ = (target, parent);
    Ok(())
}

/// Takes the lock file at `path` (never following a link planted there).
fn lock(path: &Path, target: &Path) -> Result<File, OutputError> {
    let failed = |e: io::Error| OutputError::Failed(format!("{}: {e}", path.display()));
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(path).map_err(failed)?;
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: flock on a file descriptor we own has no other preconditions.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let e = io::Error::last_os_error();
            return Err(if e.kind() == io::ErrorKind::WouldBlock {
                OutputError::Failed(format!(
                    "{}: another ccsim run is writing this folder; wait for it to finish, or give another --out",
                    target.display()
                ))
            } else {
                failed(e)
            });
        }
    }
    Ok(file)
}

/// An existing output folder may hold only ccsim's files: it is replaced as a whole.
fn check_contents(target: &Path, ours: fn(&str) -> bool) -> Result<(), OutputError> {
    let meta = match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(OutputError::Failed(format!("{}: {e}", target.display()))),
        Ok(m) => m,
    };
    if !meta.is_dir() {
        return Err(OutputError::NotOurs(format!(
            "{}: not a folder (the reports go into a folder of that name)",
            target.display()
        )));
    }
    let mut foreign = Vec::new();
    for entry in std::fs::read_dir(target)
        .map_err(|e| OutputError::Failed(format!("{}: {e}", target.display())))?
    {
        let entry = entry.map_err(|e| OutputError::Failed(format!("{}: {e}", target.display())))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !ours(&name) {
            foreign.push(name);
        }
    }
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let shown: Vec<String> = foreign.iter().take(5).map(|n| format!("`{n}`")).collect();
    Err(OutputError::NotOurs(format!(
        "{}: holds files ccsim did not write ({}{}); a run replaces the whole folder, so give an empty or new folder, or the output folder of an earlier run",
        target.display(),
        shown.join(", "),
        if foreign.len() > 5 { ", …" } else { "" }
    )))
}

/// Removes what crashed runs left beside the folder: every entry named with `prefix` but the
/// lock.
fn remove_leftovers(parent: &Path, prefix: &str, lock_name: &str) -> io::Result<()> {
    for entry in std::fs::read_dir(parent)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with(prefix) && name != lock_name {
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                std::fs::remove_dir_all(&path)?;
            } else {
                std::fs::remove_file(&path)?;
            }
        }
    }
    Ok(())
}

/// Exchanges two folders atomically; `false` when the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::ENOTSUP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}
