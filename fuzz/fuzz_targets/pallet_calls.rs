//! Random sequences of calls and origins on the mock runtime of `medchain-pallets-fuzz`,
//! with every pallet's `try_state` after each block. See `src/lib.rs` for what counts as
//! a finding and for the input format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    medchain_pallets_fuzz::run(data);
});
