//! Storage migrations of `pallet-access`.
//!
//! Layout versions (`#[pallet::storage_version]`):
//! - **1** — the first layout. A chain that adds the pallet by a runtime upgrade needs
//!   no migration: FRAME writes the in-code version for a pallet without storage
//!   (`BeforeAllRuntimeMigrations`).
//! - **2** — a request's `purpose` is coded: an HL7 v3 PurposeOfUse code and the free
//!   text (`medchain_primitives::purpose::Purpose`). Requests opened before keep their
//!   text with the code `Uncoded`, emergency ones (with a review) `BTG`.
//!   [`v2::MigrateV1ToV2`].
//!
//! Every layout change adds a `frame_support::migrations::VersionedMigration` here (from
//! version N to N + 1, with `try-runtime` pre- and post-checks) and lists it in the
//! runtime's `Migrations`.

pub mod v2;
