//! `medchain key …` and the refusals the chain commands give before touching a node.

use std::process::{Command, Output};

fn medchain(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_medchain"))
        .args(args)
        .env_remove("MEDCHAIN_SURI")
        .output()
        .expect("the medchain binary runs")
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

#[test]
fn dev_accounts_have_stable_addresses_and_encryption_keys() {
    let alice = json(&medchain(&["--json", "key", "show", "--suri", "//Alice"]));
    assert_eq!(alice["address"], ALICE);
    assert_eq!(
        alice["public_key"],
        "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
    );
    let again = json(&medchain(&["--json", "key", "show", "--suri", "//Alice"]));
    assert_eq!(alice["x25519_public_key"], again["x25519_public_key"]);
    let bob = json(&medchain(&["--json", "key", "show", "--suri", "//Bob"]));
    assert_ne!(alice["x25519_public_key"], bob["x25519_public_key"]);
    assert_ne!(alice["x25519_public_key"], alice["public_key"]);
}

#[test]
fn generated_key_files_are_private_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hospital.key");
    let path = path.to_str().unwrap();
    let made = json(&medchain(&["--json", "key", "generate", "-o", path]));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let words = std::fs::read_to_string(path).unwrap();
    assert_eq!(words.split_whitespace().count(), 12);
    let shown = json(&medchain(&["--json", "key", "show", "--key-file", path]));
    assert_eq!(made, shown);
    let from_words = json(&medchain(&[
        "--json",
        "key",
        "show",
        "--suri",
        words.trim(),
    ]));
    assert_eq!(made, from_words);

    let again = medchain(&["key", "generate", "-o", path]);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already exists: it is never overwritten")
    );
    assert_eq!(std::fs::read_to_string(path).unwrap(), words, "overwritten");
}

#[test]
fn chain_commands_refuse_bad_input_clearly() {
    let cases: &[(&[&str], &str)] = &[
        (&["records", "get", "1", "-o", "/tmp/x"], "no account"),
        (
            &["key", "show", "--suri", "not a valid uri"],
            "invalid secret URI",
        ),
        (&["access", "vote", "1", "--suri", "//Alice"], "--aye"),
        (
            &["access", "vote", "1", "--aye", "--nay", "--suri", "//Alice"],
            "cannot be used with",
        ),
        (
            &["access", "revoke", "1", "nobody", "--suri", "//Alice"],
            "not an SS58 address",
        ),
        (
            &[
                "records",
                "put",
                "/nonexistent",
                "--store",
                "http://127.0.0.1:9",
                "--suri",
                "//Alice",
                "--node",
                "ws://127.0.0.1:9",
            ],
            "cannot connect to the node",
        ),
    ];
    for (args, expected) in cases {
        let output = medchain(args);
        assert!(!output.status.success(), "{args:?} succeeded");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}
