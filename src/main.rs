//! The `ccsim` binary: all of it lives in the library's `cli` module.

fn main() -> std::process::ExitCode {
    // Like other command-line tools, stop quietly when the reader of our output goes away
    // (`ccsim compare … | head`), instead of panicking on a failed print. Rust ignores
    // SIGPIPE by default; restoring the default action lets the system end the process.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to the default has no preconditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    ccsim::cli::main()
}
