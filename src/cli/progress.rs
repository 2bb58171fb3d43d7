//! Progress bars, shown only when standard error is a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A bar over `total` units of `what`, hidden when not on a terminal (pipes, CI).
pub fn bar(total: u64, what: &str) -> ProgressBar {
    let bar = on_stderr(Some(total));
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{bar:40}} {{pos}}/{{len}} {what} ({{elapsed}}, ~{{eta}} left)"
        ))
        .expect("a valid template"),
    );
    bar
}

/// A spinner for work whose amount is not known in advance, with a message saying how much
/// is done; hidden when not on a terminal.
pub fn counter() -> ProgressBar {
    let bar = on_stderr(None);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("a valid template"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

fn on_stderr(total: Option<u64>) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar
}
