//! The checks every signed transaction goes through, in this order. Polkadot.js and the
//! CLI read them from the metadata; the node's benchmarks and the off-chain worker build
//! them with [`tx_extension`].

use frame_support::dispatch::{DispatchInfo, PostDispatchInfo};
use pallet_transaction_payment::OnChargeTransaction;
use sp_runtime::{
    generic::Era,
    traits::{Dispatchable, Zero},
};

/// Blocks a worker transaction stays valid; `WorkerResubmitAfter` must exceed it. A
/// power of two, so the era is exactly this long (eras round their period up to one).
pub const WORKER_TX_MORTALITY: u64 = 16;
const _: () = assert!(WORKER_TX_MORTALITY.is_power_of_two());

/// The transaction extensions of runtime `R`.
pub type TxExtension<R> = (
    frame_system::CheckNonZeroSender<R>,
    frame_system::CheckSpecVersion<R>,
    frame_system::CheckTxVersion<R>,
    frame_system::CheckGenesis<R>,
    frame_system::CheckEra<R>,
    frame_system::CheckNonce<R>,
    frame_system::CheckWeight<R>,
    pallet_transaction_payment::ChargeTransactionPayment<R>,
    frame_metadata_hash_extension::CheckMetadataHash<R>,
    frame_system::WeightReclaim<R>,
);

/// The extensions of a transaction valid during `era`, with `nonce`, no tip and no
/// metadata hash.
pub fn tx_extension<R>(era: Era, nonce: R::Nonce) -> TxExtension<R>
where
    R: frame_system::Config + pallet_transaction_payment::Config + Send + Sync,
    R::RuntimeCall: Dispatchable<Info = DispatchInfo, PostInfo = PostDispatchInfo>,
{
    (
        frame_system::CheckNonZeroSender::<R>::new(),
        frame_system::CheckSpecVersion::<R>::new(),
        frame_system::CheckTxVersion::<R>::new(),
        frame_system::CheckGenesis::<R>::new(),
        frame_system::CheckEra::<R>::from(era),
        frame_system::CheckNonce::<R>::from(nonce),
        frame_system::CheckWeight::<R>::new(),
        pallet_transaction_payment::ChargeTransactionPayment::<R>::from(
            <R::OnChargeTransaction as OnChargeTransaction<R>>::Balance::zero(),
        ),
        frame_metadata_hash_extension::CheckMetadataHash::<R>::new(false),
        frame_system::WeightReclaim::<R>::new(),
    )
}
