//! The committed chain specs in `chain-specs/` must be what the node builds today.
//!
//! The runtime's WASM differs between machines (panic messages carry source paths), so
//! the `code` is left out of the comparison; everything else — genesis config, raw
//! storage (which records the runtime version), name, id, properties — must match.
//! Regenerate with `scripts/chain-specs.sh`.

use std::process::Command;

use serde_json::Value;

const CODE_KEY: &str = "0x3a636f6465"; // ":code"

fn built_spec(raw: bool) -> Value {
    let mut command = Command::new(env!("CARGO_BIN_EXE_medchain-node"));
    command.args([
        "build-spec",
        "--chain",
        "local",
        "--disable-default-bootnode",
    ]);
    if raw {
        command.arg("--raw");
    }
    let output = command.output().expect("run medchain-node build-spec");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("build-spec prints JSON")
}

fn committed_spec(name: &str) -> Value {
    let path = manifest_dir().join("../chain-specs").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Removes the runtime code from a plain or raw spec, checking it was there.
fn without_code(mut spec: Value) -> Value {
    let genesis = spec.get_mut("genesis").expect("a genesis section");
    let removed = if let Some(runtime) = genesis.get_mut("runtimeGenesis") {
        runtime.as_object_mut().and_then(|r| r.remove("code"))
    } else {
        genesis
            .pointer_mut("/raw/top")
            .and_then(Value::as_object_mut)
            .and_then(|top| top.remove(CODE_KEY))
    };
    assert!(
        removed.is_some_and(|code| code.as_str().is_some_and(|c| c.len() > 1000)),
        "no runtime code in the spec"
    );
    spec
}

#[test]
fn committed_chain_specs_are_up_to_date() {
    for (name, raw) in [("local.json", false), ("local-raw.json", true)] {
        assert!(
            without_code(committed_spec(name)) == without_code(built_spec(raw)),
            "chain-specs/{name} is stale: run scripts/chain-specs.sh and commit the result"
        );
    }
}

#[test]
fn local_spec_has_the_four_hospitals_their_nodes_and_no_sudo_key() {
    let spec = committed_spec("local.json");
    assert_eq!(spec["chainType"], "Local");
    let patch = &spec["genesis"]["runtimeGenesis"]["patch"];
    // The validators and their Aura and GRANDPA keys come from `Session`, the
    // authorised nodes are the four development nodes.
    assert_eq!(
        patch["validatorSet"]["validators"].as_array().map(Vec::len),
        Some(4)
    );
    assert_eq!(patch["session"]["keys"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        patch["nodeAuthorization"]["nodes"].as_array().map(Vec::len),
        Some(4)
    );
    assert_eq!(
        spec["name"],
        "MedChain Development Consortium (development keys, not for real data)"
    );
    assert_eq!(
        patch["consortiumMembership"]["members"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
    assert!(
        patch["sudo"]["key"].is_null(),
        "the consortium spec must not have a sudo key"
    );
}

/// This crate's directory in the checkout being tested. Read when the test runs (cargo
/// sets it), not when it was compiled: clones sharing one target directory may reuse a
/// test binary built from another clone's path.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}
