//! Weights of `pallet_access`, measured by `frame-benchmarking` (do not edit by hand:
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
//! pallet_access
//! --extrinsic
//! *
//! --steps
//! 20
//! --repeat
//! 10
//! --wasm-execution
//! compiled
//! --default-pov-mode
//! measured
//! --template
//! scripts/weight-template.hbs
//! --output
//! pallets/access/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// The weight of each call of `pallet_access`.
pub trait WeightInfo {
	fn assign_role() -> Weight;
	fn revoke_role() -> Weight;
	fn set_encryption_key() -> Weight;
	fn request_access() -> Weight;
	fn vote() -> Weight;
	fn deliver_key() -> Weight;
	fn replace_key() -> Weight;
	fn revoke_grant() -> Weight;
	fn reap_request(v: u32, ) -> Weight;
	fn break_glass() -> Weight;
	fn review_emergency() -> Weight;
	fn on_initialize(n: u32, ) -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Access::Roles` (r:1 w:1)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `Measured`)
	/// Storage: `Access::NextRequestId` (r:1 w:0)
	/// Proof: `Access::NextRequestId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `Measured`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `Measured`)
	/// Storage: `Access::DemanderSince` (r:0 w:1)
	/// Proof: `Access::DemanderSince` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `Measured`)
	fn assign_role() -> Weight {
		// Proof size: measured `189`, estimated `3654`.
		// Minimum execution time: 14_739_000 ps.
		Weight::from_parts(19_570_000, 3654)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Access::Roles` (r:1 w:1)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `Measured`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `Measured`)
	/// Storage: `Access::DemanderSince` (r:0 w:1)
	/// Proof: `Access::DemanderSince` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `Measured`)
	/// Storage: `Access::EncryptionKeys` (r:0 w:1)
	/// Proof: `Access::EncryptionKeys` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `Measured`)
	fn revoke_role() -> Weight {
		// Proof size: measured `256`, estimated `3721`.
		// Minimum execution time: 17_659_000 ps.
		Weight::from_parts(22_345_000, 3721)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Access::Roles` (r:1 w:0)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `Measured`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `Measured`)
	/// Storage: `Access::EncryptionKeys` (r:0 w:1)
	/// Proof: `Access::EncryptionKeys` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `Measured`)
	fn set_encryption_key() -> Weight {
		// Proof size: measured `222`, estimated `3687`.
		// Minimum execution time: 13_642_000 ps.
		Weight::from_parts(17_471_000, 3687)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Access::Roles` (r:1 w:0)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `Measured`)
	/// Storage: `MedicalRecords::Records` (r:1 w:0)
	/// Proof: `MedicalRecords::Records` (`max_values`: None, `max_size`: Some(1557), added: 4032, mode: `Measured`)
	/// Storage: `ConsortiumMembership::Members` (r:1 w:0)
	/// Proof: `ConsortiumMembership::Members` (`max_values`: Some(1), `max_size`: Some(2050), added: 2545, mode: `Measured`)
	/// Storage: `Access::Grants` (r:1 w:0)
	/// Proof: `Access::Grants` (`max_values`: None, `max_size`: Some(374), added: 2849, mode: `Measured`)
	/// Storage: `Access::DemanderSince` (r:1 w:0)
	/// Proof: `Access::DemanderSince` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `Measured`)
	/// Storage: `Access::Reviews` (r:1 w:0)
	/// Proof: `Access::Reviews` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `Measured`)
	/// Storage: `Access::EmergencySince` (r:1 w:0)
	/// Proof: `Access::EmergencySince` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `Measured`)
	/// Storage: `Access::OpenRequests` (r:1 w:1)
	/// Proof: `Access::OpenRequests` (`max_values`: None, `max_size`: Some(561), added: 3036, mode: `Measured`)
	/// Storage: `Access::NextRequestId` (r:1 w:1)
	/// Proof: `Access::NextRequestId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `Measured`)
	/// Storage: `Access::Expiries` (r:1 w:1)
	/// Proof: `Access::Expiries` (`max_values`: None, `max_size`: Some(526), added: 3001, mode: `Measured`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `Measured`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(157), added: 2632, mode: `Measured`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `Measured`)
	/// Storage: `Access::AuditHeads` (r:1 w:1)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `Measured`)
	/// Storage: `Access::BlockAuditIndex` (r:1 w:1)
	/// Proof: `Access::BlockAuditIndex` (`max_values`: Some(1), `max_size`: Some(40), added: 535, mode: `Measured`)
	/// Storage: `Access::AuditTails` (r:1 w:1)
	/// Proof: `Access::AuditTails` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `Measured`)
	/// Storage: `Access::RequestDeposits` (r:0 w:1)
	/// Proof: `Access::RequestDeposits` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `Measured`)
	/// Storage: `Access::Requests` (r:0 w:1)
	/// Proof: `Access::Requests` (`max_values`: None, `max_size`: Some(377), added: 2852, mode: `Measured`)
	fn request_access() -> Weight {
		// Proof size: measured `9661`, estimated `13126`.
		// Minimum execution time: 193_597_000 ps.
		Weight::from_parts(227_256_000, 13126)
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().writes(10_u64))
	}
	/// Storage: `ConsortiumMembership::Members` (r:1 w:0)
	/// Proof: `ConsortiumMembership::Members` (`max_values`: Some(1), `max_size`: Some(2050), added: 2545, mode: `Measured`)
	/// Storage: `Access::Requests` (r:1 w:1)
	/// Proof: `Access::Requests` (`max_values`: None, `max_size`: Some(377), added: 2852, mode: `Measured`)
	/// Storage: `Access::Votes` (r:1 w:1)
	/// Proof: `Access::Votes` (`max_values`: None, `max_size`: Some(65), added: 2540, mode: `Measured`)
	/// Storage: `MedicalRecords::Records` (r:1 w:0)
	/// Proof: `MedicalRecords::Records` (`max_values`: None, `max_size`: Some(1557), added: 4032, mode: `Measured`)
	/// Storage: `Access::OpenRequests` (r:1 w:1)
	/// Proof: `Access::OpenRequests` (`max_values`: None, `max_size`: Some(561), added: 3036, mode: `Measured`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `Measured`)
	/// Storage: `Access::AuditHeads` (r:1 w:1)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `Measured`)
	/// Storage: `Access::BlockAuditIndex` (r:1 w:1)
	/// Proof: `Access::BlockAuditIndex` (`max_values`: Some(1), `max_size`: Some(40), added: 535, mode: `Measured`)
	/// Storage: `Access::AuditTails` (r:1 w:1)
	/// Proof: `Access::AuditTails` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `Measured`)
	fn vote() -> Weight {
		// Proof size: measured `7771`, estimated `11236`.
		// Minimum execution time: 107_356_000 ps.
		Weight::from_parts(127_846_000, 11236)
			.saturating_add(T::DbWeight::get().reads(9_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Access::Requests` (r:1 w:1)
	/// Proof: `Access::Requests` (`max_values`: None, `max_size`: Some(377), added: 2852, mode: `Measured`)
	/// Storage: `MedicalRecords::Records` (r:1 w:0)
	/// Proof: `MedicalRecords::Records` (`max_values`: None, `max_size`: Some(1557), added: 4032, mode: `Measured`)
	/// Storage: `Access::Roles` (r:2 w:0)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `Measured`)
	/// Storage: `Access::DemanderSince` (r:1 w:0)
	/// Proof: `Access::DemanderSince` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `Measured`)
	/// Storage: `Access::Reviews` (r:1 w:0)
	/// Proof: `Access::Reviews` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `Measured`)
	/// Storage: `Access::EncryptionKeys` (r:1 w:0)
	/// Proof: `Access::EncryptionKeys` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `Measured`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `Measured`)
	/// Storage: `Access::OpenRequests` (r:1 w:1)
	/// Proof: `Access::OpenRequests` (`max_values`: None, `max_size`: Some(561), added: 3036, mode: `Measured`)
	/// Storage: `Access::AuditHeads` (r:1 w:1)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `Measured`)
	/// Storage: `Access::BlockAuditIndex` (r:1 w:1)
	/// Proof: `Access::BlockAuditIndex` (`max_values`: Some(1), `max_size`: Some(40), added: 535, mode: `Measured`)
	/// Storage: `Access::AuditTails` (r:1 w:1)
	/// Proof: `Access::AuditTails` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `Measured`)
	/// Storage: `Access::Grants` (r:0 w:1)
	/// Proof: `Access::Grants` (`max_values`: None, `max_size`: Some(374), added: 2849, mode: `Measured`)
	fn deliver_key() -> Weight {
		// Proof size: measured `5518`, estimated `11458`.
		// Minimum execution time: 110_003_000 ps.
		Weight::from_parts(134_142_000, 11458)
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Access::Requests` (r:1 w:0)
	/// Proof: `Access::Requests` (`max_values`: None, `max_size`: Some(377), added: 2852, mode: `Measured`)
	/// Storage: `MedicalRecords::Records` (r:1 w:0)
	/// Proof: `MedicalRecords::Records` (`max_values`: None, `max_size`: Some(1557), added: 4032, mode: `Measured`)
	/// Storage: `Access::Grants` (r:1 w:1)
	/// Proof: `Access::Grants` (`max_values`: None, `max_size`: Some(374), added: 2849, mode: `Measured`)
	/// Storage: `Access::Roles` (r:1 w:0)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `Measured`)
	/// Storage: `Access::DemanderSince` (r:1 w:0)
	/// Proof: `Access::DemanderSince` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `Measured`)
	/// Storage: `Access::Reviews` (r:1 w:0)
	/// Proof: `Access::Reviews` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `Measured`)
	/// Storage: `Access::EncryptionKeys` (r:1 w:0)
	/// Proof: `Access::EncryptionKeys` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `Measured`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `Measured`)
	/// Storage: `Access::AuditHeads` (r:1 w:1)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `Measured`)
	/// Storage: `Access::BlockAuditIndex` (r:1 w:1)
	/// Proof: `Access::BlockAuditIndex` (`max_values`: Some(1), `max_size`: Some(40), added: 535, mode: `Measured`)
	/// Storage: `Access::AuditTails` (r:1 w:1)
	/// Proof: `Access::AuditTails` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `Measured`)
	fn replace_key() -> Weight {
		// Proof size: measured `5310`, estimated `8775`.
		// Minimum execution time: 95_241_000 ps.
		Weight::from_parts(114_569_000, 8775)
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `MedicalRecords::Records` (r:1 w:0)
	/// Proof: `MedicalRecords::Records` (`max_values`: None, `max_size`: Some(1557), added: 4032, mode: `Measured`)
	/// Storage: `Access::Grants` (r:1 w:1)
	/// Proof: `Access::Grants` (`max_values`: None, `max_size`: Some(374), added: 2849, mode: `Measured`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `Measured`)
	/// Storage: `Access::AuditHeads` (r:1 w:1)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `Measured`)
	/// Storage: `Access::BlockAuditIndex` (r:1 w:1)
	/// Proof: `Access::BlockAuditIndex` (`max_values`: Some(1), `max_size`: Some(40), added: 535, mode: `Measured`)
	/// Storage: `Access::AuditTails` (r:1 w:1)
	/// Proof: `Access::AuditTails` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `Measured`)
	fn revoke_grant() -> Weight {
		// Proof size: measured `3879`, estimated `7344`.
		// Minimum execution time: 72_431_000 ps.
		Weight::from_parts(86_209_000, 7344)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Access::Requests` (r:1 w:1)
	/// Proof: `Access::Requests` (`max_values`: None, `max_size`: Some(377), added: 2852, mode: `Measured`)
	/// Storage: `Access::Reviews` (r:1 w:1)
	/// Proof: `Access::Reviews` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `Measured`)
	/// Storage: `Access::Grants` (r:1 w:1)
	/// Proof: `Access::Grants` (`max_values`: None, `max_size`: Some(374), added: 2849, mode: `Measured`)
	/// Storage: `MedicalRecords::Records` (r:1 w:0)
	/// Proof: `MedicalRecords::Records` (`max_values`: None, `max_size`: Some(1557), added: 4032, mode: `Measured`)
	/// Storage: `Access::DemanderSince` (r:1 w:0)
	/// Proof: `Access::DemanderSince` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `Measured`)
	/// Storage: `Access::Roles` (r:1 w:0)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `Measured`)
	/// Storage: `Access::ReviewVotes` (r:64 w:64)
	/// Proof: `Access::ReviewVotes` (`max_values`: None, `max_size`: Some(65), added: 2540, mode: `Measured`)
	/// Storage: `Access::RequestDeposits` (r:1 w:1)
	/// Proof: `Access::RequestDeposits` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `Measured`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `Measured`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(157), added: 2632, mode: `Measured`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `Measured`)
	/// Storage: `Access::AuditHeads` (r:1 w:1)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `Measured`)
	/// Storage: `Access::BlockAuditIndex` (r:1 w:1)
	/// Proof: `Access::BlockAuditIndex` (`max_values`: Some(1), `max_size`: Some(40), added: 535, mode: `Measured`)
	/// Storage: `Access::AuditTails` (r:1 w:1)
	/// Proof: `Access::AuditTails` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `Measured`)
	/// The range of component `v` is `[1, 64]`.
	fn reap_request(v: u32, ) -> Weight {
		// Proof size: measured `6108 + v * (54 ±0)`, estimated `9573 + v * (2530 ±0)`.
		// Minimum execution time: 166_352_000 ps.
		Weight::from_parts(187_139_080, 9573)
			.saturating_add(Weight::from_parts(1_373_737, 0).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(13_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(v.into())))
			.saturating_add(T::DbWeight::get().writes(9_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(v.into())))
			.saturating_add(Weight::from_parts(0, 2530).saturating_mul(v.into()))
	}
	/// Storage: `Access::Roles` (r:1 w:0)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `Measured`)
	/// Storage: `MedicalRecords::Records` (r:1 w:0)
	/// Proof: `MedicalRecords::Records` (`max_values`: None, `max_size`: Some(1557), added: 4032, mode: `Measured`)
	/// Storage: `ConsortiumMembership::Members` (r:1 w:0)
	/// Proof: `ConsortiumMembership::Members` (`max_values`: Some(1), `max_size`: Some(2050), added: 2545, mode: `Measured`)
	/// Storage: `Access::EmergencyUses` (r:1 w:1)
	/// Proof: `Access::EmergencyUses` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `Measured`)
	/// Storage: `Access::Grants` (r:1 w:0)
	/// Proof: `Access::Grants` (`max_values`: None, `max_size`: Some(374), added: 2849, mode: `Measured`)
	/// Storage: `Access::DemanderSince` (r:1 w:0)
	/// Proof: `Access::DemanderSince` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `Measured`)
	/// Storage: `Access::Reviews` (r:1 w:1)
	/// Proof: `Access::Reviews` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `Measured`)
	/// Storage: `Access::EmergencySince` (r:1 w:0)
	/// Proof: `Access::EmergencySince` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `Measured`)
	/// Storage: `Access::OpenRequests` (r:1 w:1)
	/// Proof: `Access::OpenRequests` (`max_values`: None, `max_size`: Some(561), added: 3036, mode: `Measured`)
	/// Storage: `Access::NextRequestId` (r:1 w:1)
	/// Proof: `Access::NextRequestId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `Measured`)
	/// Storage: `Access::Expiries` (r:1 w:1)
	/// Proof: `Access::Expiries` (`max_values`: None, `max_size`: Some(526), added: 3001, mode: `Measured`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `Measured`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(157), added: 2632, mode: `Measured`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `Measured`)
	/// Storage: `Access::AuditHeads` (r:1 w:1)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `Measured`)
	/// Storage: `Access::BlockAuditIndex` (r:1 w:1)
	/// Proof: `Access::BlockAuditIndex` (`max_values`: Some(1), `max_size`: Some(40), added: 535, mode: `Measured`)
	/// Storage: `Access::AuditTails` (r:1 w:1)
	/// Proof: `Access::AuditTails` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `Measured`)
	/// Storage: `Access::RequestDeposits` (r:0 w:1)
	/// Proof: `Access::RequestDeposits` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `Measured`)
	/// Storage: `Access::Requests` (r:0 w:1)
	/// Proof: `Access::Requests` (`max_values`: None, `max_size`: Some(377), added: 2852, mode: `Measured`)
	fn break_glass() -> Weight {
		// Proof size: measured `10956`, estimated `14421`.
		// Minimum execution time: 217_889_000 ps.
		Weight::from_parts(255_298_000, 14421)
			.saturating_add(T::DbWeight::get().reads(17_u64))
			.saturating_add(T::DbWeight::get().writes(12_u64))
	}
	/// Storage: `ConsortiumMembership::Members` (r:1 w:0)
	/// Proof: `ConsortiumMembership::Members` (`max_values`: Some(1), `max_size`: Some(2050), added: 2545, mode: `Measured`)
	/// Storage: `Access::Requests` (r:1 w:1)
	/// Proof: `Access::Requests` (`max_values`: None, `max_size`: Some(377), added: 2852, mode: `Measured`)
	/// Storage: `Access::Reviews` (r:1 w:1)
	/// Proof: `Access::Reviews` (`max_values`: None, `max_size`: Some(37), added: 2512, mode: `Measured`)
	/// Storage: `Access::ReviewVotes` (r:1 w:1)
	/// Proof: `Access::ReviewVotes` (`max_values`: None, `max_size`: Some(65), added: 2540, mode: `Measured`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `Measured`)
	/// Storage: `Access::AuditHeads` (r:1 w:1)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `Measured`)
	/// Storage: `Access::BlockAuditIndex` (r:1 w:1)
	/// Proof: `Access::BlockAuditIndex` (`max_values`: Some(1), `max_size`: Some(40), added: 535, mode: `Measured`)
	/// Storage: `Access::AuditTails` (r:1 w:1)
	/// Proof: `Access::AuditTails` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `Measured`)
	/// Storage: `Access::OpenRequests` (r:1 w:1)
	/// Proof: `Access::OpenRequests` (`max_values`: None, `max_size`: Some(561), added: 3036, mode: `Measured`)
	/// Storage: `Access::Roles` (r:1 w:1)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `Measured`)
	/// Storage: `Access::EmergencySince` (r:0 w:1)
	/// Proof: `Access::EmergencySince` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `Measured`)
	/// Storage: `Access::EncryptionKeys` (r:0 w:1)
	/// Proof: `Access::EncryptionKeys` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `Measured`)
	fn review_emergency() -> Weight {
		// Proof size: measured `5735`, estimated `9200`.
		// Minimum execution time: 121_159_000 ps.
		Weight::from_parts(140_262_000, 9200)
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().writes(10_u64))
	}
	/// Storage: `Access::Expiries` (r:1 w:1)
	/// Proof: `Access::Expiries` (`max_values`: None, `max_size`: Some(526), added: 3001, mode: `Measured`)
	/// Storage: `Access::Requests` (r:64 w:64)
	/// Proof: `Access::Requests` (`max_values`: None, `max_size`: Some(377), added: 2852, mode: `Measured`)
	/// Storage: `Access::OpenRequests` (r:64 w:64)
	/// Proof: `Access::OpenRequests` (`max_values`: None, `max_size`: Some(561), added: 3036, mode: `Measured`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `Measured`)
	/// Storage: `Access::AuditHeads` (r:64 w:64)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `Measured`)
	/// Storage: `Access::BlockAuditIndex` (r:1 w:1)
	/// Proof: `Access::BlockAuditIndex` (`max_values`: Some(1), `max_size`: Some(40), added: 535, mode: `Measured`)
	/// Storage: `Access::AuditTails` (r:64 w:64)
	/// Proof: `Access::AuditTails` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `Measured`)
	/// The range of component `n` is `[0, 64]`.
	fn on_initialize(n: u32, ) -> Weight {
		// Proof size: measured `1231 + n * (1916 ±0)`, estimated `4727 + n * (4385 ±10)`.
		// Minimum execution time: 4_984_000 ps.
		Weight::from_parts(5_633_000, 4727)
			.saturating_add(Weight::from_parts(58_674_215, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((4_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(2_u64))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 4385).saturating_mul(n.into()))
	}
}

/// The same measurements with ParityDB's database weights, for mocks and tests.
impl WeightInfo for () {
	fn assign_role() -> Weight {
		Weight::from_parts(19_570_000, 3654)
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn revoke_role() -> Weight {
		Weight::from_parts(22_345_000, 3721)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn set_encryption_key() -> Weight {
		Weight::from_parts(17_471_000, 3687)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn request_access() -> Weight {
		Weight::from_parts(227_256_000, 13126)
			.saturating_add(ParityDbWeight::get().reads(16_u64))
			.saturating_add(ParityDbWeight::get().writes(10_u64))
	}
	fn vote() -> Weight {
		Weight::from_parts(127_846_000, 11236)
			.saturating_add(ParityDbWeight::get().reads(9_u64))
			.saturating_add(ParityDbWeight::get().writes(6_u64))
	}
	fn deliver_key() -> Weight {
		Weight::from_parts(134_142_000, 11458)
			.saturating_add(ParityDbWeight::get().reads(12_u64))
			.saturating_add(ParityDbWeight::get().writes(6_u64))
	}
	fn replace_key() -> Weight {
		Weight::from_parts(114_569_000, 8775)
			.saturating_add(ParityDbWeight::get().reads(11_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn revoke_grant() -> Weight {
		Weight::from_parts(86_209_000, 7344)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn reap_request(v: u32, ) -> Weight {
		Weight::from_parts(187_139_080, 9573)
			.saturating_add(Weight::from_parts(1_373_737, 0).saturating_mul(v.into()))
			.saturating_add(ParityDbWeight::get().reads(13_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(v.into())))
			.saturating_add(ParityDbWeight::get().writes(9_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(v.into())))
			.saturating_add(Weight::from_parts(0, 2530).saturating_mul(v.into()))
	}
	fn break_glass() -> Weight {
		Weight::from_parts(255_298_000, 14421)
			.saturating_add(ParityDbWeight::get().reads(17_u64))
			.saturating_add(ParityDbWeight::get().writes(12_u64))
	}
	fn review_emergency() -> Weight {
		Weight::from_parts(140_262_000, 9200)
			.saturating_add(ParityDbWeight::get().reads(10_u64))
			.saturating_add(ParityDbWeight::get().writes(10_u64))
	}
	fn on_initialize(n: u32, ) -> Weight {
		Weight::from_parts(5_633_000, 4727)
			.saturating_add(Weight::from_parts(58_674_215, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().reads((4_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
			.saturating_add(ParityDbWeight::get().writes((4_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 4385).saturating_mul(n.into()))
	}
}
