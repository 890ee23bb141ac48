//! The consortium's network, governed by the council:
//!
//! - `NodeAuthorization`: the peer ids of the nodes that may connect (the paper's
//!   admission of hospitals). Each node's off-chain worker hands the set to its network
//!   (`--offchain-worker always` on nodes that do not author).
//! - `ValidatorSet` (`pallet-validator-set`) and `Session`: which hospitals author blocks
//!   (Aura) and vote on finality (GRANDPA). A hospital sets its keys with
//!   `Session::set_keys`; a council majority adds or removes it, effective from the
//!   session after the next boundary.
//! - [`NetworkRules`], part of the call filter.

use frame_support::{
    parameter_types,
    traits::{ConstU32, Contains},
};
use medchain_runtime_common::{
    network::{is_ed25519_peer_id, ED25519_PEER_ID_LEN},
    params, CouncilCollective, EnsureRootOrCouncilMajority,
};
use sp_runtime::traits::{Convert, OpaqueKeys};

use sp_consensus_aura::sr25519::AuthorityId as AuraId;

use super::super::{
    opaque::SessionKeys, AccountId, Balances, BlockNumber, Grandpa, Runtime, RuntimeCall,
    RuntimeEvent, Session, ValidatorSet, MILLI_SECS_PER_BLOCK,
};

impl pallet_session::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    // A hospital's account is its validator id: no stash and controller. Only members
    // and validators may store keys.
    type ValidatorId = AccountId;
    type ValidatorIdOf = MembersAndValidators;
    type ShouldEndSession = ValidatorSet;
    type NextSessionRotation = ValidatorSet;
    type SessionManager = ValidatorSet;
    type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
    type Keys = SessionKeys;
    type DisablingStrategy = ();
    type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
    type Currency = Balances;
    // No deposit, as on the parachain: keys cannot be purged (see `NetworkRules`), so a
    // deposit could never be returned. One set of keys per account, paid by its fee.
    type KeyDeposit = ();
}

impl pallet_validator_set::Config for Runtime {
    type AdminOrigin = EnsureRootOrCouncilMajority;
    type KeysRegistered = Session;
    type MaxValidators = ConstU32<{ params::MAX_AUTHORITIES }>;
    type MinSessionLengthBlocks = MinSessionLengthBlocks;
    type MaxSessionLengthBlocks = MaxSessionLengthBlocks;
    type WeightInfo = pallet_validator_set::weights::SubstrateWeight<Runtime>;
    #[cfg(feature = "runtime-benchmarks")]
    type BenchmarkHelper = BenchmarkKeys;
}

impl pallet_node_authorization::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type MaxWellKnownNodes = ConstU32<{ params::MAX_WELL_KNOWN_NODES }>;
    // The pallet wants peer ids shorter than this: an Ed25519 one (38 bytes) and no more.
    type MaxPeerIdLength = ConstU32<{ ED25519_PEER_ID_LEN as u32 + 1 }>;
    type AddOrigin = EnsureRootOrCouncilMajority;
    type RemoveOrigin = EnsureRootOrCouncilMajority;
    type SwapOrigin = EnsureRootOrCouncilMajority;
    type ResetOrigin = EnsureRootOrCouncilMajority;
    // The pallet ships no benchmarks; its own weights (50 µs per call) stand.
    type WeightInfo = ();
}

/// The council decides who connects and who authors (`System::CallFiltered` otherwise;
/// sudo, on development chains only, bypasses it):
/// - `NodeAuthorization`'s owner calls (`claim_node`, `remove_claim`, `transfer_node`,
///   `add_connections`, `remove_connections`) are refused: with them any account could
///   store claims, and a node's owner could admit nodes of its choosing to its node,
///   around the council.
/// - `add_well_known_node`, `swap_well_known_node` and `reset_well_known_nodes` only
///   with Ed25519 peer ids (`medchain_runtime_common::network`): the peer id of a
///   Substrate node; any other bytes would authorise a node that cannot exist.
/// - A validator keeps an authorised node: `ValidatorSet::add_validator` of an account
///   that owns none, `remove_well_known_node` of a validator's last node and a
///   `reset_well_known_nodes` that leaves one without a node (or names more than
///   `MAX_WELL_KNOWN_NODES`) are refused (remove it from the validator set first), so a
///   motion cannot cut the authors off each other. (The council can still swap a
///   validator's node for a peer id nobody runs: swaps are how a hospital moves its node.)
/// - `Session::purge_keys` is refused, as on the parachain: a validator without keys
///   drops out of the set unannounced, and if all did, GRANDPA would be handed an empty
///   set and the chain would stop. Keys are replaced with `set_keys`; a hospital leaves
///   the set by a council motion.
pub struct NetworkRules;

impl Contains<RuntimeCall> for NetworkRules {
    fn contains(call: &RuntimeCall) -> bool {
        use pallet_node_authorization::Call as Nodes;
        let valid = |node: &sp_core::OpaquePeerId| is_ed25519_peer_id(&node.0);
        match call {
            RuntimeCall::NodeAuthorization(
                Nodes::claim_node { .. }
                | Nodes::remove_claim { .. }
                | Nodes::transfer_node { .. }
                | Nodes::add_connections { .. }
                | Nodes::remove_connections { .. },
            ) => false,
            RuntimeCall::NodeAuthorization(Nodes::add_well_known_node { node, .. }) => valid(node),
            RuntimeCall::NodeAuthorization(Nodes::swap_well_known_node { add, .. }) => valid(add),
            RuntimeCall::NodeAuthorization(Nodes::remove_well_known_node { node }) => {
                !is_last_node_of_a_validator(node)
            }
            RuntimeCall::NodeAuthorization(Nodes::reset_well_known_nodes { nodes }) => {
                nodes.len() <= params::MAX_WELL_KNOWN_NODES as usize
                    && nodes.iter().all(|(node, _)| valid(node))
                    && every_validator_keeps_a_node(nodes)
            }
            // A validator must own an authorised node, or it could not reach the others.
            RuntimeCall::ValidatorSet(pallet_validator_set::Call::add_validator { who }) => {
                owns_a_node(who)
            }
            RuntimeCall::Session(pallet_session::Call::purge_keys {}) => false,
            _ => true,
        }
    }
}

/// The validators: wanted, current and queued for the next session.
fn validators() -> alloc::collections::BTreeSet<AccountId> {
    pallet_validator_set::Validators::<Runtime>::get()
        .into_iter()
        .chain(pallet_session::Validators::<Runtime>::get())
        .chain(
            pallet_session::QueuedKeys::<Runtime>::get()
                .into_iter()
                .map(|(who, _)| who),
        )
        .collect()
}

/// Whether `who` owns an authorised node.
fn owns_a_node(who: &AccountId) -> bool {
    use pallet_node_authorization::{Owners, WellKnownNodes};
    WellKnownNodes::<Runtime>::get()
        .iter()
        .any(|node| Owners::<Runtime>::get(node).as_ref() == Some(who))
}

/// Whether `who` is a validator: wanted, current or queued.
pub fn keys_must_stay(who: &AccountId) -> bool {
    validators().contains(who)
}

/// Whether `node` is the only authorised node of a validator.
fn is_last_node_of_a_validator(node: &sp_core::OpaquePeerId) -> bool {
    use pallet_node_authorization::{Owners, WellKnownNodes};
    let Some(owner) = Owners::<Runtime>::get(node) else {
        return false;
    };
    keys_must_stay(&owner)
        && !WellKnownNodes::<Runtime>::get()
            .iter()
            .any(|other| other != node && Owners::<Runtime>::get(other).as_ref() == Some(&owner))
}

/// Whether every validator owns a node of `nodes`.
fn every_validator_keeps_a_node(nodes: &[(sp_core::OpaquePeerId, AccountId)]) -> bool {
    validators()
        .iter()
        .all(|validator| nodes.iter().any(|(_, owner)| owner == validator))
}

/// The founding Aura and GRANDPA authorities of a chain that predates `Session`, each
/// run by the account of its Aura key (true of every chain built from this project's
/// development presets, the only ones before spec 106).
pub struct GenesisAuthorities;

impl pallet_validator_set::migrations::v1::CurrentAuthorities<AccountId, SessionKeys>
    for GenesisAuthorities
{
    fn get() -> alloc::vec::Vec<(AccountId, SessionKeys)> {
        let aura = pallet_aura::Authorities::<Runtime>::get();
        let grandpa = Grandpa::grandpa_authorities();
        aura.into_iter()
            .zip(grandpa)
            .map(|(aura, (grandpa, _weight))| {
                let account = AccountId::new(aura.clone().into_inner().0);
                (account, SessionKeys { aura, grandpa })
            })
            .collect()
    }
}

parameter_types! {
    /// The shortest session the council may set: 30 s.
    pub const MinSessionLengthBlocks: BlockNumber = medchain_runtime_common::blocks_in(params::MIN_SESSION_MS, MILLI_SECS_PER_BLOCK);
    /// The longest: a day.
    pub const MaxSessionLengthBlocks: BlockNumber = medchain_runtime_common::blocks_in(params::MAX_SESSION_MS, MILLI_SECS_PER_BLOCK);
    /// Sessions of the development presets, and of a chain seeded by the migration.
    pub const DevSessionLengthBlocks: BlockNumber = medchain_runtime_common::blocks_in(params::DEV_SESSION_MS, MILLI_SECS_PER_BLOCK);
}

/// A validator id for consortium members and validators only (`Session::set_keys` by
/// anyone else: `Session.NoAssociatedValidatorId`), so keys, which cannot be purged,
/// are stored only for the consortium's hospitals.
pub struct MembersAndValidators;

impl Convert<AccountId, Option<AccountId>> for MembersAndValidators {
    fn convert(who: AccountId) -> Option<AccountId> {
        let member = pallet_membership::Members::<Runtime, CouncilCollective>::get().contains(&who);
        (member || keys_must_stay(&who)).then_some(who)
    }
}

/// Gives benchmark accounts session keys derived from their account bytes.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkKeys;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_validator_set::benchmarking::BenchmarkHelper<AccountId> for BenchmarkKeys {
    fn register_keys(who: &AccountId) {
        let raw: [u8; 32] = *who.as_ref();
        let keys = SessionKeys {
            aura: sp_core::sr25519::Public::from_raw(raw).into(),
            grandpa: sp_core::ed25519::Public::from_raw(raw).into(),
        };
        pallet_session::NextKeys::<Runtime>::insert(who, keys);
    }
}

/// Seeds `NodeAuthorization` with the development consortium's four nodes (each run
/// with its hospital's development node key, see `medchain_runtime_common::genesis`) on
/// the upgrade to spec 106, so the nodes of a chain that predates it keep their peers:
/// every chain before it was built from the development presets. Runs only on such a
/// chain: one that predates `Session` (no validators), whose Aura authorities are all
/// development keys, and with no authorised node. Before `SeedFromAuthorities`, which
/// ends "predating".
pub struct SeedDevelopmentNodes;

impl frame_support::traits::OnRuntimeUpgrade for SeedDevelopmentNodes {
    fn on_runtime_upgrade() -> frame_support::weights::Weight {
        let db = <Runtime as frame_system::Config>::DbWeight::get();
        let dev_aura: alloc::vec::Vec<AuraId> = medchain_runtime_common::genesis::HOSPITALS
            .iter()
            .map(|hospital| hospital.public().into())
            .collect();
        let authorities = pallet_aura::Authorities::<Runtime>::get();
        let development = !authorities.is_empty()
            && authorities
                .iter()
                .all(|authority| dev_aura.contains(authority));
        if !pallet_validator_set::migrations::v1::predates_sessions::<Runtime>()
            || !development
            || !pallet_node_authorization::WellKnownNodes::<Runtime>::get().is_empty()
        {
            return db.reads(5);
        }
        let nodes = medchain_runtime_common::genesis::dev_well_known_nodes();
        let count = nodes.len() as u64;
        let mut known = alloc::collections::BTreeSet::new();
        for (peer_id, owner) in nodes {
            let peer_id = sp_core::OpaquePeerId(peer_id);
            pallet_node_authorization::Owners::<Runtime>::insert(&peer_id, owner);
            known.insert(peer_id);
        }
        pallet_node_authorization::WellKnownNodes::<Runtime>::put(known);
        db.reads_writes(5, 1 + count)
    }
}
