//! Decompressing arbitrary bytes, with and without primed dictionaries, must return `Ok`
//! or `Err`, never panic, hang or allocate beyond the limit; see `../harness.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::check(data));
