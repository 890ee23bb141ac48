//! `--json` on the commands that need no chain, through the real binary: each prints
//! JSON lines (one object per result) or refuses `--json` naming the command. The chain's
//! and the worker's commands are checked with `--json` by the end-to-end suites; the
//! unit test `every_command_has_its_json_checked` (main.rs) keeps the list complete.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Output},
};

fn medchain(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_medchain"))
        .args(args)
        // The developer's own settings must not change what is tested.
        .env_remove("MEDCHAIN_SURI")
        .env_remove("MEDCHAIN_NODE_URL")
        .output()
        .unwrap()
}

/// Every line of stdout, parsed; fails unless the command succeeded.
fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    assert!(!stdout.trim().is_empty(), "no output");
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}")))
        .collect()
}

fn refuses_json(args: &[&str], command: &str) {
    let output = medchain(args);
    assert!(!output.status.success(), "{args:?} accepted --json");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("--json is not supported by `medchain {command}`")),
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "{args:?} printed to stdout");
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("medchain-json-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn codec_commands_print_one_json_object_per_result() {
    let dir = temp_dir("codec");
    let text = "Patient presents with chest pain and shortness of breath.\n\n".repeat(40);
    let note = dir.join("note.txt");
    fs::write(&note, &text).unwrap();
    let packed = dir.join("note.mlzw");
    let lines = json_lines(&medchain(&[
        "--json",
        "codec",
        "compress",
        s(&note),
        "-o",
        s(&packed),
    ]));
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["input_bytes"], text.len() as u64);
    assert_eq!(
        lines[0]["output_bytes"],
        fs::metadata(&packed).unwrap().len()
    );

    let back = dir.join("back.txt");
    let lines = json_lines(&medchain(&[
        "--json",
        "codec",
        "decompress",
        s(&packed),
        "-o",
        s(&back),
    ]));
    assert_eq!(lines[0]["output_bytes"], text.len() as u64);
    assert_eq!(fs::read_to_string(&back).unwrap(), text);

    let dict = dir.join("en.mlzd");
    let lines = json_lines(&medchain(&[
        "--json",
        "codec",
        "train",
        "-o",
        s(&dict),
        "--size",
        "200",
        "--max-bits",
        "12",
        s(&note),
    ]));
    assert_eq!(lines[0]["len"], fs::metadata(&dict).unwrap().len());
    assert!(lines[0]["id"].as_str().unwrap().starts_with("0x"));

    let lines = json_lines(&medchain(&[
        "--json",
        "codec",
        "bench",
        "--only-ours",
        "--min-time-ms",
        "1",
        s(&note),
    ]));
    assert_eq!(lines.len(), 1, "the report is one object");
    assert!(lines[0]["totals"].is_array());
}

#[test]
fn key_commands_print_json() {
    let dir = temp_dir("key");
    let path = dir.join("owner.key");
    let made = json_lines(&medchain(&["--json", "key", "generate", "-o", s(&path)]));
    let shown = json_lines(&medchain(&[
        "--json",
        "key",
        "show",
        "--key-file",
        s(&path),
    ]));
    assert_eq!(made, shown);
    assert!(made[0]["address"].is_string());
}

#[test]
fn commands_that_cannot_print_json_refuse_it_by_name() {
    let dir = temp_dir("refuse");
    let note = dir.join("note.txt");
    fs::write(&note, "text").unwrap();
    refuses_json(
        &["--json", "codec", "compress", s(&note), "-o", "-"],
        "codec compress to stdout",
    );
    refuses_json(
        &["--json", "codec", "decompress", "-"],
        "codec decompress to stdout",
    );
    refuses_json(&["--json", "completions", "bash"], "completions");
    refuses_json(
        &["--json", "store", "serve", "--manager", "nobody"],
        "store serve",
    );
}

#[test]
fn completions_name_the_commands() {
    for shell in ["bash", "zsh", "fish"] {
        let output = medchain(&["completions", shell]);
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        for word in ["records", "deliver-key", "provision-worker"] {
            assert!(script.contains(word), "{shell}: {word}");
        }
    }
    assert!(!medchain(&["completions", "tcsh"]).status.success());
}
