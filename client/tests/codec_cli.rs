//! `medchain codec …` end to end, through the real binary.

use std::{
    fs,
    io::Write,
    path::PathBuf,
    process::{Command, Output, Stdio},
};

fn medchain(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_medchain"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = stdin.unwrap_or_default().to_vec();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || pipe.write_all(&input));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    output
}

fn fixture(name: &str) -> PathBuf {
    manifest_dir().join("../codec/tests/fixtures").join(name)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("medchain-cli-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn files_round_trip_in_every_mode() {
    let dir = temp_dir("files");
    for (name, encoding) in [
        ("zh.txt", "utf8"),
        ("zh-gbk.txt", "gbk"),
        ("en.txt", "utf8"),
        ("mixed.txt", "utf8"),
    ] {
        let original = fs::read(fixture(name)).unwrap();
        let input = dir.join(name);
        fs::write(&input, &original).unwrap();
        for mode in ["auto", "bytes", "hanzi", "paper-mixed"] {
            let packed = dir.join(format!("{name}.{mode}.mlzw"));
            let out = medchain(
                &[
                    "codec",
                    "compress",
                    "--mode",
                    mode,
                    "--input-encoding",
                    encoding,
                    input.to_str().unwrap(),
                    "-o",
                    packed.to_str().unwrap(),
                ],
                None,
            );
            assert!(out.status.success(), "{}", stderr(&out));
            let back = dir.join(format!("{name}.{mode}.out"));
            let out = medchain(
                &[
                    "codec",
                    "decompress",
                    packed.to_str().unwrap(),
                    "-o",
                    back.to_str().unwrap(),
                ],
                None,
            );
            assert!(out.status.success(), "{}", stderr(&out));
            assert_eq!(fs::read(&back).unwrap(), original, "{name} {mode}");
        }
        // Default names: IN.mlzw, and back to IN without the suffix (refused while IN exists).
        let out = medchain(&["codec", "compress", input.to_str().unwrap()], None);
        assert!(out.status.success(), "{}", stderr(&out));
        let out = medchain(
            &["codec", "decompress", &format!("{}.mlzw", input.display())],
            None,
        );
        assert!(!out.status.success());
        assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
        let out = medchain(
            &[
                "codec",
                "decompress",
                "--force",
                &format!("{}.mlzw", input.display()),
            ],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(fs::read(&input).unwrap(), original);
    }
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn stdin_to_stdout() {
    let original = fs::read(fixture("mixed.txt")).unwrap().repeat(50);
    let packed = medchain(&["codec", "compress", "-"], Some(&original));
    assert!(packed.status.success(), "{}", stderr(&packed));
    assert!(packed.stdout.len() < original.len() / 4);
    let back = medchain(&["codec", "decompress", "-"], Some(&packed.stdout));
    assert!(back.status.success(), "{}", stderr(&back));
    assert_eq!(back.stdout, original);
}

#[test]
fn clear_errors() {
    let dir = temp_dir("errors");
    let out = medchain(
        &[
            "codec",
            "compress",
            dir.join("missing.txt").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot read") && stderr(&out).contains("missing.txt"),
        "{}",
        stderr(&out)
    );

    let mut packed = fs::read(fixture("zh.auto.mlzw")).unwrap();
    let middle = packed.len() / 2;
    packed[middle] ^= 0x10;
    let corrupt = dir.join("corrupt.mlzw");
    fs::write(&corrupt, &packed).unwrap();
    let out = medchain(
        &["codec", "decompress", corrupt.to_str().unwrap(), "-o", "-"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not a valid container"),
        "{}",
        stderr(&out)
    );
    assert!(
        !dir.join("corrupt").exists(),
        "a failed run left output behind"
    );

    // A container that names a primed dictionary this run was not given.
    let mut with_dictionary = b"MLZW\x01\x01\x02\x10".to_vec();
    with_dictionary.extend_from_slice(&[0xAB; 32]);
    with_dictionary.extend_from_slice(&[1, 0, 0, 0, 0, 0x61]);
    let path = dir.join("dict.mlzw");
    fs::write(&path, &with_dictionary).unwrap();
    let out = medchain(
        &["codec", "decompress", path.to_str().unwrap(), "-o", "-"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("primed dictionary abababab"),
        "{}",
        stderr(&out)
    );

    let out = medchain(
        &["codec", "bench", dir.join("nothing-here").to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read"), "{}", stderr(&out));
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bench_reports_every_codec_with_gbk_ratios() {
    let out = medchain(
        &[
            "codec",
            "bench",
            "--json",
            "--min-time-ms",
            "1",
            fixture("zh.txt").to_str().unwrap(),
            fixture("zh-gbk.txt").to_str().unwrap(),
            fixture("en.txt").to_str().unwrap(),
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert_eq!(files[0]["method"], "hanzi");
    assert_eq!(files[2]["method"], "bytes");
    let codecs: Vec<&str> = files[0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["codec"].as_str().unwrap())
        .collect();
    assert_eq!(
        codecs,
        [
            "medchain-lzw",
            "gzip-9",
            "zstd-3",
            "zstd-19",
            "brotli-11",
            "weezl-lzw12"
        ]
    );
    // Our speed as a multiple of zstd's in the same run, the figure that travels.
    for ratio in ["encode_vs_zstd3", "decode_vs_zstd19"] {
        let value = report["relative"][ratio].as_f64().unwrap();
        assert!(value.is_finite() && value > 0.0, "{ratio} = {value}");
    }
    let zh = &files[0]["results"][0];
    let zh_gbk = &files[1]["results"][0];
    assert_eq!(files[1]["encoding"], "gbk");
    // The same text: UTF-8 size of the GBK file is the UTF-8 file's size, and vice versa.
    assert_eq!(zh["utf8"], zh_gbk["utf8"]);
    assert_eq!(zh["gbk"], zh_gbk["original"]);
    let ratio = zh["compressed"].as_f64().unwrap() / zh["utf8"].as_f64().unwrap();
    assert!((zh["ratio_utf8"].as_f64().unwrap() - ratio).abs() < 1e-9);
    assert!(
        files[2]["results"][0].get("ratio_gbk").is_none(),
        "English has no GBK ratio"
    );
    assert!(
        report["totals"][0].get("ratio_gbk").is_none(),
        "mixed-language totals have no GBK ratio"
    );
    assert!(zh["encode_mb_s"].as_f64().unwrap() > 0.0 && zh["decode_mb_s"].as_f64().unwrap() > 0.0);
}

#[test]
fn bench_names_the_method_of_a_forced_mode() {
    let out = medchain(
        &[
            "codec",
            "bench",
            "--json",
            "--only-ours",
            "--min-time-ms",
            "1",
            "--mode",
            "paper-mixed",
            fixture("zh.txt").to_str().unwrap(),
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["files"][0]["method"], "paper-mixed");
    assert_eq!(report["files"][0]["results"].as_array().unwrap().len(), 1);
}

/// This crate's directory in the checkout being tested. Read when the test runs (cargo
/// sets it), not when it was compiled: clones sharing one target directory may reuse a
/// test binary built from another clone's path.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}
