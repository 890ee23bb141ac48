//! Fees as `impl_consortium_configs!` (medchain-runtime-common) sets them: the weight
//! part follows congestion within 1×–1,000×, and every byte costs
//! `TRANSACTION_BYTE_FEE`, so a block full of `System::remark` is not cheap.

use crate::{Runtime, System, TransactionPayment};
use frame_support::{
    dispatch::{DispatchClass, DispatchInfo},
    weights::Weight,
};
use medchain_runtime_common::{params::TRANSACTION_BYTE_FEE, Balance, UNIT};
use pallet_transaction_payment::Multiplier;
use sp_runtime::{traits::Convert, BuildStorage, FixedPointNumber};

type Update = <Runtime as pallet_transaction_payment::Config>::FeeMultiplierUpdate;

fn ext() -> sp_io::TestExternalities {
    frame_system::GenesisConfig::<Runtime>::default()
        .build_storage()
        .unwrap()
        .into()
}

/// The normal-class weight a block may use.
fn max_normal() -> Weight {
    <Runtime as frame_system::Config>::BlockWeights::get()
        .get(DispatchClass::Normal)
        .max_total
        .unwrap_or(Weight::MAX)
}

/// The multiplier after `blocks` blocks that each used `fill` of the normal weight.
fn after(blocks: u32, fill: Weight, start: Multiplier) -> Multiplier {
    (0..blocks).fold(start, |m, _| {
        System::set_block_consumed_resources(fill, 0);
        Update::convert(m)
    })
}

#[test]
fn full_blocks_raise_the_weight_fee_and_empty_ones_bring_it_back() {
    ext().execute_with(|| {
        let one = Multiplier::from_u32(1);
        let full = after(310, max_normal(), one);
        assert!(
            full > Multiplier::saturating_from_rational(19, 10)
                && full < Multiplier::saturating_from_rational(22, 10),
            "about doubles in 310 full blocks: {full}"
        );
        assert_eq!(
            after(20_000, max_normal(), one),
            Multiplier::from_u32(1_000),
            "capped"
        );
        assert_eq!(
            after(10_000, Weight::zero(), full),
            one,
            "never below the base price"
        );
        // A quarter-full block is the target: no change.
        assert_eq!(after(100, max_normal() / 4, full), full);
    });
}

#[test]
fn a_block_full_of_remarks_costs_hundreds_of_units() {
    ext().execute_with(|| {
        let length = *<Runtime as frame_system::Config>::BlockLength::get()
            .max
            .get(DispatchClass::Normal);
        let info = DispatchInfo::default();
        let fee: Balance = TransactionPayment::compute_fee(length, &info, 0);
        assert!(fee >= length as Balance * TRANSACTION_BYTE_FEE);
        assert!(fee > 390 * UNIT, "a full block of bytes costs {fee}");
    });
}
