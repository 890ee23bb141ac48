//! Builds the runtime's WASM blob with the metadata hash, so that `CheckMetadataHash`
//! can be verified by offline signers and Polkadot.js.
#[cfg(feature = "std")]
fn main() {
    substrate_wasm_builder::WasmBuilder::init_with_defaults()
        .enable_metadata_hash("MED", 12)
        .build();
}

#[cfg(not(feature = "std"))]
fn main() {}
