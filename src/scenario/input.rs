//! Reading the files a scenario is made of (the scenario, callback requests, empirical
//! durations, CSV tables of values per interval): regular files of bounded size only, so that a device (`/dev/zero`), a pipe
//! or a huge file is refused at once instead of read without end.

use std::io::Read;
use std::path::Path;

/// The largest scenario file read: lists of a value per interval for a million intervals
/// fit, and parsing the largest takes about 0.7 GB (measured: 685 MB for 16 MiB of lists).
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;
/// The largest callback requests file read (about 100 000 requests of 300 bytes).
pub const MAX_REQUESTS_BYTES: u64 = 32 << 20;
/// The largest file of empirical durations read (about a million values).
pub const MAX_EMPIRICAL_BYTES: u64 = 16 << 20;
/// The largest CSV of values per interval read (a year of 15-minute intervals with a few
/// dozen series).
pub const MAX_TABLE_BYTES: u64 = 64 << 20;

/// Reads the text of the regular file at `path`, of at most `limit` bytes.
pub fn read_text(path: &Path, limit: u64) -> std::io::Result<String> {
    // Looked at before opening: opening a pipe with no writer would wait for ever.
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_regular());
    }
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > limit {
        return Err(std::io::Error::other(format!(
            "the file is {}, more than the {} ccsim reads",
            size(meta.len()),
            size(limit)
        )));
    }
    // Bounded even if the file grows while it is read.
    let mut text = String::new();
    file.take(limit + 1).read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "the file grew past the {} ccsim reads",
            size(limit)
        )));
    }
    Ok(text)
}

fn not_regular() -> std::io::Error {
    std::io::Error::other("not a regular file (a folder, a device or a pipe): give a file")
}

fn size(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
}

/// A short, escaped excerpt of text read from a file, for an error message: at most 40
/// characters, control characters escaped, so that a message never dumps a file's contents
/// or writes raw bytes to a terminal.
pub fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = text
        .chars()
        .take(MAX)
        .flat_map(char::escape_debug)
        .collect();
    if text.chars().nth(MAX).is_some() {
        out.push('…');
    }
    format!("\"{out}\"")
}
