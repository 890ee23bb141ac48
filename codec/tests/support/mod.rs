//! Helpers shared by the codec's integration tests.

pub mod manifest;
