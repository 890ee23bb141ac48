//! How the off-chain worker of `pallet-medical-records` signs its transactions: with the
//! node's `medr` key, through the same transaction extensions as any signed transaction,
//! mortal for [`WORKER_TX_MORTALITY`] blocks.

use codec::Encode;
use frame_system::offchain::{
    AppCrypto, CreateSignedTransaction, CreateTransactionBase, SigningTypes,
};
use sp_runtime::{
    generic::Era,
    traits::{StaticLookup, Verify},
    SaturatedConversion,
};

use crate::{
    AccountId, Nonce, Runtime, RuntimeCall, Signature, SignedPayload, System, TxExtension,
    UncheckedExtrinsic,
};

/// Blocks a worker transaction stays valid; `ResubmitAfter` must exceed it. A power of
/// two, so the era is exactly this long (eras round their period up to one).
pub const WORKER_TX_MORTALITY: u64 = 16;
const _: () = assert!(WORKER_TX_MORTALITY.is_power_of_two());

impl SigningTypes for Runtime {
    type Public = <Signature as Verify>::Signer;
    type Signature = Signature;
}

impl<LocalCall> CreateTransactionBase<LocalCall> for Runtime
where
    RuntimeCall: From<LocalCall>,
{
    type Extrinsic = UncheckedExtrinsic;
    type RuntimeCall = RuntimeCall;
}

impl<LocalCall> CreateSignedTransaction<LocalCall> for Runtime
where
    RuntimeCall: From<LocalCall>,
{
    fn create_signed_transaction<C: AppCrypto<Self::Public, Self::Signature>>(
        call: RuntimeCall,
        public: <Signature as Verify>::Signer,
        account: AccountId,
        nonce: Nonce,
    ) -> Option<UncheckedExtrinsic> {
        // The era starts at the parent of the worker's block, as in Substrate's own
        // node runtime: a block every node has, whichever fork it follows.
        let current = System::block_number()
            .saturated_into::<u64>()
            .saturating_sub(1);
        let tx_ext: TxExtension = (
            frame_system::CheckNonZeroSender::<Runtime>::new(),
            frame_system::CheckSpecVersion::<Runtime>::new(),
            frame_system::CheckTxVersion::<Runtime>::new(),
            frame_system::CheckGenesis::<Runtime>::new(),
            frame_system::CheckEra::<Runtime>::from(Era::mortal(WORKER_TX_MORTALITY, current)),
            frame_system::CheckNonce::<Runtime>::from(nonce),
            frame_system::CheckWeight::<Runtime>::new(),
            pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
            frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
            frame_system::WeightReclaim::<Runtime>::new(),
        );
        let payload = SignedPayload::new(call, tx_ext)
            .inspect_err(|error| log::warn!("worker transaction not signable: {error:?}"))
            .ok()?;
        let signature = payload.using_encoded(|bytes| C::sign(bytes, public))?;
        let (call, tx_ext, _) = payload.deconstruct();
        let address = <Runtime as frame_system::Config>::Lookup::unlookup(account);
        Some(UncheckedExtrinsic::new_signed(
            call, address, signature, tx_ext,
        ))
    }
}
