//! What the chain and store commands print: a line for people, or one JSON object per
//! result with `--json` (for scripts); progress bars on stderr for anything that takes
//! a while, hidden with `--json` or when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressStyle};

/// How results are printed.
#[derive(Clone, Copy)]
pub struct Output {
    json: bool,
}

impl Output {
    /// `--json` or human text.
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    /// Prints one result: `value` as a JSON line, or `text()` for a person.
    pub fn emit(&self, value: serde_json::Value, text: impl FnOnce() -> String) {
        if self.json {
            println!("{value}");
        } else {
            println!("{}", text());
        }
    }

    /// Prints `value` as a JSON line with `--json`; nothing for a person (commands whose
    /// result is a file they wrote).
    pub fn emit_json_only(&self, value: serde_json::Value) {
        if self.json {
            println!("{value}");
        }
    }

    /// Whether results are JSON lines.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Fails with a message naming `command` when `--json` was given to a command that
    /// cannot print JSON (a server that logs, data written to stdout).
    pub fn refuse_json(&self, command: &str) -> anyhow::Result<()> {
        if self.json {
            anyhow::bail!("--json is not supported by `medchain {command}`");
        }
        Ok(())
    }

    /// A byte-counting progress bar (hidden in JSON mode).
    pub fn bytes(&self, what: &str, total: u64) -> ProgressBar {
        if self.json {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(
                "{msg:>12} [{bar:32}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        bar.set_message(what.to_owned());
        bar
    }

    /// A spinner for a step of unknown length, such as waiting for finality.
    pub fn step(&self, what: &str) -> ProgressBar {
        if self.json {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("a valid template"),
        );
        bar.set_message(what.to_owned());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    }
}
