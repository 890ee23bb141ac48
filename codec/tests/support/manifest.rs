//! Where this crate's checkout is, for the integration tests that read its files.

/// This crate's directory in the checkout being tested. Read when the test runs (cargo
/// sets it), not when it was compiled: clones sharing one target directory may reuse a
/// test binary built from another clone's path.
pub fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}
