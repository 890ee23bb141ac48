//! Weights of `pallet_access`, measured by `frame-benchmarking` (do not edit by hand:
//! regenerate with `scripts/benchmark-pallets.sh`).
//!
//! Benchmark CLI 64.0.0, 2026-12-05; steps 50, repeat 20;
//! host `vm`, CPU `AMD EPYC`; execution Compiled, chain `Some("dev")`.
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
//! 50
//! --repeat
//! 20
//! --wasm-execution
//! compiled
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
	fn revoke_grant() -> Weight;
	fn on_initialize(n: u32, ) -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Access::Roles` (r:1 w:1)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn assign_role() -> Weight {
		// Proof size: measured `207`, estimated `3514`.
		// Minimum execution time: 44_263_000 ps.
		Weight::from_parts(46_478_000, 3514)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Access::Roles` (r:1 w:1)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `Access::EncryptionKeys` (r:0 w:1)
	/// Proof: `Access::EncryptionKeys` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	fn revoke_role() -> Weight {
		// Proof size: measured `274`, estimated `3514`.
		// Minimum execution time: 50_014_000 ps.
		Weight::from_parts(52_248_000, 3514)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Access::Roles` (r:1 w:0)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `Access::EncryptionKeys` (r:0 w:1)
	/// Proof: `Access::EncryptionKeys` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	fn set_encryption_key() -> Weight {
		// Proof size: measured `240`, estimated `3514`.
		// Minimum execution time: 46_878_000 ps.
		Weight::from_parts(49_573_000, 3514)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Access::Roles` (r:1 w:0)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::Records` (r:1 w:0)
	/// Proof: `MedicalRecords::Records` (`max_values`: None, `max_size`: Some(1556), added: 4031, mode: `MaxEncodedLen`)
	/// Storage: `ConsortiumMembership::Members` (r:1 w:0)
	/// Proof: `ConsortiumMembership::Members` (`max_values`: Some(1), `max_size`: Some(2050), added: 2545, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Access::Grants` (r:1 w:0)
	/// Proof: `Access::Grants` (`max_values`: None, `max_size`: Some(374), added: 2849, mode: `MaxEncodedLen`)
	/// Storage: `Access::OpenRequests` (r:1 w:1)
	/// Proof: `Access::OpenRequests` (`max_values`: None, `max_size`: Some(561), added: 3036, mode: `MaxEncodedLen`)
	/// Storage: `Access::NextRequestId` (r:1 w:1)
	/// Proof: `Access::NextRequestId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Access::Expiries` (r:1 w:1)
	/// Proof: `Access::Expiries` (`max_values`: None, `max_size`: Some(526), added: 3001, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Access::AuditHeads` (r:1 w:1)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `Access::Requests` (r:0 w:1)
	/// Proof: `Access::Requests` (`max_values`: None, `max_size`: Some(343), added: 2818, mode: `MaxEncodedLen`)
	fn request_access() -> Weight {
		// Proof size: measured `16674`, estimated `18159`.
		// Minimum execution time: 227_427_000 ps.
		Weight::from_parts(260_428_000, 18159)
			.saturating_add(T::DbWeight::get().reads(13_u64))
			.saturating_add(T::DbWeight::get().writes(7_u64))
	}
	/// Storage: `ConsortiumMembership::Members` (r:1 w:0)
	/// Proof: `ConsortiumMembership::Members` (`max_values`: Some(1), `max_size`: Some(2050), added: 2545, mode: `MaxEncodedLen`)
	/// Storage: `Access::Requests` (r:1 w:1)
	/// Proof: `Access::Requests` (`max_values`: None, `max_size`: Some(343), added: 2818, mode: `MaxEncodedLen`)
	/// Storage: `Access::Votes` (r:1 w:1)
	/// Proof: `Access::Votes` (`max_values`: None, `max_size`: Some(65), added: 2540, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::Records` (r:1 w:0)
	/// Proof: `MedicalRecords::Records` (`max_values`: None, `max_size`: Some(1556), added: 4031, mode: `MaxEncodedLen`)
	/// Storage: `Access::OpenRequests` (r:1 w:1)
	/// Proof: `Access::OpenRequests` (`max_values`: None, `max_size`: Some(561), added: 3036, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Access::AuditHeads` (r:1 w:1)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn vote() -> Weight {
		// Proof size: measured `14497`, estimated `15982`.
		// Minimum execution time: 205_004_000 ps.
		Weight::from_parts(221_255_000, 15982)
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Access::Requests` (r:1 w:1)
	/// Proof: `Access::Requests` (`max_values`: None, `max_size`: Some(343), added: 2818, mode: `MaxEncodedLen`)
	/// Storage: `MedicalRecords::Records` (r:1 w:0)
	/// Proof: `MedicalRecords::Records` (`max_values`: None, `max_size`: Some(1556), added: 4031, mode: `MaxEncodedLen`)
	/// Storage: `Access::Roles` (r:2 w:0)
	/// Proof: `Access::Roles` (`max_values`: None, `max_size`: Some(49), added: 2524, mode: `MaxEncodedLen`)
	/// Storage: `Access::EncryptionKeys` (r:1 w:0)
	/// Proof: `Access::EncryptionKeys` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Access::OpenRequests` (r:1 w:1)
	/// Proof: `Access::OpenRequests` (`max_values`: None, `max_size`: Some(561), added: 3036, mode: `MaxEncodedLen`)
	/// Storage: `Access::AuditHeads` (r:1 w:1)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// Storage: `Access::Grants` (r:0 w:1)
	/// Proof: `Access::Grants` (`max_values`: None, `max_size`: Some(374), added: 2849, mode: `MaxEncodedLen`)
	fn deliver_key() -> Weight {
		// Proof size: measured `12272`, estimated `13757`.
		// Minimum execution time: 211_917_000 ps.
		Weight::from_parts(226_966_000, 13757)
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `MedicalRecords::Records` (r:1 w:0)
	/// Proof: `MedicalRecords::Records` (`max_values`: None, `max_size`: Some(1556), added: 4031, mode: `MaxEncodedLen`)
	/// Storage: `Access::Grants` (r:1 w:1)
	/// Proof: `Access::Grants` (`max_values`: None, `max_size`: Some(374), added: 2849, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Access::AuditHeads` (r:1 w:1)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	fn revoke_grant() -> Weight {
		// Proof size: measured `10755`, estimated `12240`.
		// Minimum execution time: 149_740_000 ps.
		Weight::from_parts(170_179_000, 12240)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Access::Expiries` (r:1 w:1)
	/// Proof: `Access::Expiries` (`max_values`: None, `max_size`: Some(526), added: 3001, mode: `MaxEncodedLen`)
	/// Storage: `Access::Requests` (r:64 w:64)
	/// Proof: `Access::Requests` (`max_values`: None, `max_size`: Some(343), added: 2818, mode: `MaxEncodedLen`)
	/// Storage: `Access::OpenRequests` (r:64 w:64)
	/// Proof: `Access::OpenRequests` (`max_values`: None, `max_size`: Some(561), added: 3036, mode: `MaxEncodedLen`)
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Proof: `Timestamp::Now` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Access::AuditHeads` (r:64 w:64)
	/// Proof: `Access::AuditHeads` (`max_values`: None, `max_size`: Some(48), added: 2523, mode: `MaxEncodedLen`)
	/// Storage: `System::Number` (r:1 w:0)
	/// Proof: `System::Number` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::ExecutionPhase` (r:1 w:0)
	/// Proof: `System::ExecutionPhase` (`max_values`: Some(1), `max_size`: Some(5), added: 500, mode: `MaxEncodedLen`)
	/// Storage: `System::EventCount` (r:1 w:1)
	/// Proof: `System::EventCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Events` (r:1 w:1)
	/// Proof: `System::Events` (`max_values`: Some(1), `max_size`: None, mode: `Measured`)
	/// The range of component `n` is `[0, 64]`.
	fn on_initialize(n: u32, ) -> Weight {
		// Proof size: measured `1088 + n * (6711 ±0)`, estimated `3991 + n * (6712 ±0)`.
		// Minimum execution time: 11_992_000 ps.
		Weight::from_parts(12_634_000, 3991)
			.saturating_add(Weight::from_parts(91_146_799, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(3_u64))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 6712).saturating_mul(n.into()))
	}
}

/// The same measurements with ParityDB's database weights, for mocks and tests.
impl WeightInfo for () {
	fn assign_role() -> Weight {
		Weight::from_parts(46_478_000, 3514)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn revoke_role() -> Weight {
		Weight::from_parts(52_248_000, 3514)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn set_encryption_key() -> Weight {
		Weight::from_parts(49_573_000, 3514)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
	}
	fn request_access() -> Weight {
		Weight::from_parts(260_428_000, 18159)
			.saturating_add(ParityDbWeight::get().reads(13_u64))
			.saturating_add(ParityDbWeight::get().writes(7_u64))
	}
	fn vote() -> Weight {
		Weight::from_parts(221_255_000, 15982)
			.saturating_add(ParityDbWeight::get().reads(11_u64))
			.saturating_add(ParityDbWeight::get().writes(6_u64))
	}
	fn deliver_key() -> Weight {
		Weight::from_parts(226_966_000, 13757)
			.saturating_add(ParityDbWeight::get().reads(12_u64))
			.saturating_add(ParityDbWeight::get().writes(6_u64))
	}
	fn revoke_grant() -> Weight {
		Weight::from_parts(170_179_000, 12240)
			.saturating_add(ParityDbWeight::get().reads(8_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn on_initialize(n: u32, ) -> Weight {
		Weight::from_parts(12_634_000, 3991)
			.saturating_add(Weight::from_parts(91_146_799, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(3_u64))
			.saturating_add(ParityDbWeight::get().writes((3_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 6712).saturating_mul(n.into()))
	}
}
