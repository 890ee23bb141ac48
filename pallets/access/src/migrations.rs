//! Storage migrations of `pallet-access`.
//!
//! Layout versions (`#[pallet::storage_version]`):
//! - **1** — the first layout. A chain that adds the pallet by a runtime upgrade needs
//!   no migration: FRAME writes the in-code version for a pallet without storage
//!   (`BeforeAllRuntimeMigrations`).
//!
//! Every later layout change adds a `frame_support::migrations::VersionedMigration`
//! here (from version N to N + 1, with `try-runtime` pre- and post-checks) and lists
//! it in the runtime's `Migrations`.
