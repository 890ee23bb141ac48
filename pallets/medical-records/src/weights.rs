//! Weights of `pallet_medical_records`, measured by `frame-benchmarking` (do not edit by hand:
//! regenerate with `scripts/benchmark-pallets.sh`).
//!
//! Benchmark CLI 64.0.0, 2026-12-07; steps 20, repeat 10;
//! host `vm`, CPU `Intel(R) Xeon(R) Processor`; execution Compiled, chain `Some("dev")`.
//!
//! Command:
//! /root/.cache/medchain-target/release/medchain-node
//! benchmark
//! pallet
//! --chain
//! dev
//! --pallet
//! pallet_medical_records
//! --extrinsic
//! *
//! --steps
//! 20
//! --repeat
//! 10
//! --wasm-execution
//! compiled
//! --template
//! scripts/weight-template.hbs
//! --output
//! pallets/medical-records/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// The weight of each call of `pallet_medical_records`.
pub trait WeightInfo {
	fn register_record() -> Weight;
	fn amend_record() -> Weight;
	fn retract_record() -> Weight;
	fn report_integrity_failure() -> Weight;
	fn register_dictionary() -> Weight;
	fn retire_dictionary() -> Weight;
	fn accept_owner() -> Weight;
	fn drop_owner() -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Access::Roles` (r:2 w:0)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::AcceptedOwners` (r:1 w:0)
	/// Proof: `MedicalRecords::AcceptedOwners` (`max_values`: None, `max_size`: Some(96), added: 2571, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::Dictionaries` (r:1 w:0)
	/// Proof: `MedicalRecords::Dictionaries` (`max_values`: None, `max_size`: Some(46), added: 2521, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::RecordByRawHash` (r:1 w:1)
	/// Proof: `MedicalRecords::RecordByRawHash` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::NextRecordId` (r:1 w:1)
	/// Proof: `MedicalRecords::NextRecordId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(157), added: 2632, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Access::AuditHeads` (r:1 w:1)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `Access::BlockAuditIndex` (r:1 w:1)
	/// Proof: `Access::BlockAuditIndex` (`max_values`: Some(1), `max_size`: Some(40), added: 535, mode: `MaxEncodedLen`)
	/// Storage: `System::ParentHash` (r:1 w:0)
	/// Proof: `System::ParentHash` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `System::Digest` (r:1 w:0)
	/// Proof: `System::Digest` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `Access::AuditTails` (r:1 w:1)
	/// Proof: `Access::AuditTails` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::RecordsByLabel` (r:0 w:16)
	/// Proof: `MedicalRecords::RecordsByLabel` (`max_values`: None, `max_size`: Some(98), added: 2573, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::RecordsByOwner` (r:0 w:1)
	/// Proof: `MedicalRecords::RecordsByOwner` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::Records` (r:0 w:1)
	/// Proof: `MedicalRecords::Records` (`max_values`: None, `max_size`: Some(1557), added: 4032, mode: `MaxEncodedLen`)
	fn register_record() -> Weight {
		// Proof size: measured `841`, estimated `6038`.
		// Minimum execution time: 177_016_000 ps.
		Weight::from_parts(193_787_000, 6038)
			.saturating_add(T::DbWeight::get().reads(18_u64))
			.saturating_add(T::DbWeight::get().writes(27_u64))
	}
	/// Storage: `MedicalRecords::Records` (r:1 w:2)
	/// Proof: `MedicalRecords::Records` (`max_values`: None, `max_size`: Some(1557), added: 4032, mode: `MaxEncodedLen`)
	/// Storage: `Access::Roles` (r:2 w:0)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::AcceptedOwners` (r:1 w:0)
	/// Proof: `MedicalRecords::AcceptedOwners` (`max_values`: None, `max_size`: Some(96), added: 2571, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::Dictionaries` (r:1 w:0)
	/// Proof: `MedicalRecords::Dictionaries` (`max_values`: None, `max_size`: Some(46), added: 2521, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::RecordByRawHash` (r:1 w:2)
	/// Proof: `MedicalRecords::RecordByRawHash` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::NextRecordId` (r:1 w:1)
	/// Proof: `MedicalRecords::NextRecordId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(157), added: 2632, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Access::AuditHeads` (r:2 w:2)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `Access::BlockAuditIndex` (r:1 w:1)
	/// Proof: `Access::BlockAuditIndex` (`max_values`: Some(1), `max_size`: Some(40), added: 535, mode: `MaxEncodedLen`)
	/// Storage: `System::ParentHash` (r:1 w:0)
	/// Proof: `System::ParentHash` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `System::Digest` (r:1 w:0)
	/// Proof: `System::Digest` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `Access::AuditTails` (r:2 w:2)
	/// Proof: `Access::AuditTails` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::RecordsByLabel` (r:0 w:32)
	/// Proof: `MedicalRecords::RecordsByLabel` (`max_values`: None, `max_size`: Some(98), added: 2573, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::RecordsByOwner` (r:0 w:2)
	/// Proof: `MedicalRecords::RecordsByOwner` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	fn amend_record() -> Weight {
		// Proof size: measured `2717`, estimated `6038`.
		// Minimum execution time: 266_551_000 ps.
		Weight::from_parts(284_556_000, 6038)
			.saturating_add(T::DbWeight::get().reads(21_u64))
			.saturating_add(T::DbWeight::get().writes(48_u64))
	}
	/// Storage: `MedicalRecords::Records` (r:1 w:1)
	/// Proof: `MedicalRecords::Records` (`max_values`: None, `max_size`: Some(1557), added: 4032, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(157), added: 2632, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Access::AuditHeads` (r:1 w:1)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `Access::BlockAuditIndex` (r:1 w:1)
	/// Proof: `Access::BlockAuditIndex` (`max_values`: Some(1), `max_size`: Some(40), added: 535, mode: `MaxEncodedLen`)
	/// Storage: `System::ParentHash` (r:1 w:0)
	/// Proof: `System::ParentHash` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `System::Digest` (r:1 w:0)
	/// Proof: `System::Digest` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `Access::AuditTails` (r:1 w:1)
	/// Proof: `Access::AuditTails` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::RecordsByLabel` (r:0 w:16)
	/// Proof: `MedicalRecords::RecordsByLabel` (`max_values`: None, `max_size`: Some(98), added: 2573, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::RecordsByOwner` (r:0 w:1)
	/// Proof: `MedicalRecords::RecordsByOwner` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::RecordByRawHash` (r:0 w:1)
	/// Proof: `MedicalRecords::RecordByRawHash` (`max_values`: None, `max_size`: Some(104), added: 2579, mode: `MaxEncodedLen`)
	fn retract_record() -> Weight {
		// Proof size: measured `2142`, estimated `5022`.
		// Minimum execution time: 103_631_000 ps.
		Weight::from_parts(112_452_000, 5022)
			.saturating_add(T::DbWeight::get().reads(13_u64))
			.saturating_add(T::DbWeight::get().writes(26_u64))
	}
	/// Storage: `MedicalRecords::Records` (r:1 w:0)
	/// Proof: `MedicalRecords::Records` (`max_values`: None, `max_size`: Some(1557), added: 4032, mode: `MaxEncodedLen`)
	/// Storage: `Access::Roles` (r:1 w:0)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Access::AuditHeads` (r:1 w:1)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Access::BlockAuditIndex` (r:1 w:1)
	/// Proof: `Access::BlockAuditIndex` (`max_values`: Some(1), `max_size`: Some(40), added: 535, mode: `MaxEncodedLen`)
	/// Storage: `System::ParentHash` (r:1 w:0)
	/// Proof: `System::ParentHash` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `System::Digest` (r:1 w:0)
	/// Proof: `System::Digest` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `Access::AuditTails` (r:1 w:1)
	/// Proof: `Access::AuditTails` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn report_integrity_failure() -> Weight {
		// Proof size: measured `2081`, estimated `5022`.
		// Minimum execution time: 39_342_000 ps.
		Weight::from_parts(42_959_000, 5022)
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `MedicalRecords::Dictionaries` (r:1 w:1)
	/// Proof: `MedicalRecords::Dictionaries` (`max_values`: None, `max_size`: Some(46), added: 2521, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::DictionaryCount` (r:1 w:1)
	/// Proof: `MedicalRecords::DictionaryCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::ActiveDictionaries` (r:1 w:1)
	/// Proof: `MedicalRecords::ActiveDictionaries` (`max_values`: None, `max_size`: Some(138), added: 2613, mode: `MaxEncodedLen`)
	/// Storage: `Preimage::StatusFor` (r:1 w:0)
	/// Proof: `Preimage::StatusFor` (`max_values`: None, `max_size`: Some(91), added: 2566, mode: `MaxEncodedLen`)
	/// Storage: `Preimage::RequestStatusFor` (r:1 w:1)
	/// Proof: `Preimage::RequestStatusFor` (`max_values`: None, `max_size`: Some(91), added: 2566, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn register_dictionary() -> Weight {
		// Proof size: measured `570`, estimated `3603`.
		// Minimum execution time: 32_745_000 ps.
		Weight::from_parts(34_961_000, 3603)
			.saturating_add(T::DbWeight::get().reads(9_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `MedicalRecords::Dictionaries` (r:1 w:1)
	/// Proof: `MedicalRecords::Dictionaries` (`max_values`: None, `max_size`: Some(46), added: 2521, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::ActiveDictionaries` (r:1 w:1)
	/// Proof: `MedicalRecords::ActiveDictionaries` (`max_values`: None, `max_size`: Some(138), added: 2613, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn retire_dictionary() -> Weight {
		// Proof size: measured `458`, estimated `3603`.
		// Minimum execution time: 22_416_000 ps.
		Weight::from_parts(24_455_000, 3603)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Access::Roles` (r:1 w:0)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::AcceptedOwners` (r:1 w:1)
	/// Proof: `MedicalRecords::AcceptedOwners` (`max_values`: None, `max_size`: Some(96), added: 2571, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::AcceptedOwnerCount` (r:1 w:1)
	/// Proof: `MedicalRecords::AcceptedOwnerCount` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn accept_owner() -> Weight {
		// Proof size: measured `535`, estimated `3561`.
		// Minimum execution time: 25_290_000 ps.
		Weight::from_parts(27_614_000, 3561)
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `MedicalRecords::AcceptedOwners` (r:1 w:1)
	/// Proof: `MedicalRecords::AcceptedOwners` (`max_values`: None, `max_size`: Some(96), added: 2571, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::AcceptedOwnerCount` (r:1 w:1)
	/// Proof: `MedicalRecords::AcceptedOwnerCount` (`max_values`: None, `max_size`: Some(52), added: 2527, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn drop_owner() -> Weight {
		// Proof size: measured `335`, estimated `3561`.
		// Minimum execution time: 20_269_000 ps.
		Weight::from_parts(22_047_000, 3561)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
}

/// The same measurements with ParityDB's database weights, for mocks and tests.
impl WeightInfo for () {
	fn register_record() -> Weight {
		Weight::from_parts(193_787_000, 6038)
			.saturating_add(ParityDbWeight::get().reads(18_u64))
			.saturating_add(ParityDbWeight::get().writes(27_u64))
	}
	fn amend_record() -> Weight {
		Weight::from_parts(284_556_000, 6038)
			.saturating_add(ParityDbWeight::get().reads(21_u64))
			.saturating_add(ParityDbWeight::get().writes(48_u64))
	}
	fn retract_record() -> Weight {
		Weight::from_parts(112_452_000, 5022)
			.saturating_add(ParityDbWeight::get().reads(13_u64))
			.saturating_add(ParityDbWeight::get().writes(26_u64))
	}
	fn report_integrity_failure() -> Weight {
		Weight::from_parts(42_959_000, 5022)
			.saturating_add(ParityDbWeight::get().reads(12_u64))
			.saturating_add(ParityDbWeight::get().writes(5_u64))
	}
	fn register_dictionary() -> Weight {
		Weight::from_parts(34_961_000, 3603)
			.saturating_add(ParityDbWeight::get().reads(9_u64))
			.saturating_add(ParityDbWeight::get().writes(6_u64))
	}
	fn retire_dictionary() -> Weight {
		Weight::from_parts(24_455_000, 3603)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn accept_owner() -> Weight {
		Weight::from_parts(27_614_000, 3561)
			.saturating_add(ParityDbWeight::get().reads(7_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn drop_owner() -> Weight {
		Weight::from_parts(22_047_000, 3561)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
}
