//! The network as the off-chain worker sees it, with one guard: an empty authorised set
//! never cuts the node off.
//!
//! `NodeAuthorization`'s off-chain worker hands the authorised peers to the network on
//! every new best block (`set_authorized_peers`, then `set_authorized_only(true)`). An
//! empty set would leave the node with no peers, and a node without peers stops
//! authoring (Aura waits for the network), so its worker never runs again to undo it.
//! That happens on the runtime upgrade that adds `NodeAuthorization`: the worker of the
//! block that applied the new code runs the new runtime on the old state, before the
//! migration has seeded the set. No consortium means to authorise no node at all (the
//! runtime refuses a reset that leaves a validator without a node), so an empty set is
//! ignored and the node keeps its current peers until a non-empty set arrives.

use std::{
    collections::HashSet,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use sc_network::{
    config::MultiaddrWithPeerId, service::traits::NetworkService, Multiaddr, NetworkPeers,
    NetworkStateInfo, ObservedRole, PeerId, ProtocolName, ReputationChange,
};

/// The node's network, for the off-chain worker.
pub struct OffchainNetwork {
    inner: Arc<dyn NetworkService>,
    /// Whether the last authorised set handed over was empty (and so ignored).
    ignoring: AtomicBool,
}

impl OffchainNetwork {
    pub fn new(inner: Arc<dyn NetworkService>) -> Self {
        Self {
            inner,
            ignoring: AtomicBool::new(false),
        }
    }
}

impl NetworkStateInfo for OffchainNetwork {
    fn external_addresses(&self) -> Vec<Multiaddr> {
        self.inner.external_addresses()
    }

    fn listen_addresses(&self) -> Vec<Multiaddr> {
        self.inner.listen_addresses()
    }

    fn local_peer_id(&self) -> PeerId {
        self.inner.local_peer_id()
    }
}

#[async_trait::async_trait]
impl NetworkPeers for OffchainNetwork {
    fn set_authorized_peers(&self, peers: HashSet<PeerId>) {
        let empty = peers.is_empty();
        let was_ignoring = self.ignoring.swap(empty, Ordering::SeqCst);
        if empty {
            if !was_ignoring {
                log::warn!(
                    target: "medchain::network",
                    "the runtime names no authorised node: keeping the current peers"
                );
            }
            return;
        }
        self.inner.set_authorized_peers(peers);
    }

    fn set_authorized_only(&self, reserved_only: bool) {
        if !self.ignoring.load(Ordering::SeqCst) {
            self.inner.set_authorized_only(reserved_only);
        }
    }

    fn add_known_address(&self, peer_id: PeerId, addr: Multiaddr) {
        self.inner.add_known_address(peer_id, addr)
    }

    fn report_peer(&self, peer_id: PeerId, cost_benefit: ReputationChange) {
        self.inner.report_peer(peer_id, cost_benefit)
    }

    fn peer_reputation(&self, peer_id: &PeerId) -> i32 {
        self.inner.peer_reputation(peer_id)
    }

    fn disconnect_peer(&self, peer_id: PeerId, protocol: ProtocolName) {
        self.inner.disconnect_peer(peer_id, protocol)
    }

    fn accept_unreserved_peers(&self) {
        self.inner.accept_unreserved_peers()
    }

    fn deny_unreserved_peers(&self) {
        self.inner.deny_unreserved_peers()
    }

    fn add_reserved_peer(&self, peer: MultiaddrWithPeerId) -> Result<(), String> {
        self.inner.add_reserved_peer(peer)
    }

    fn remove_reserved_peer(&self, peer_id: PeerId) {
        self.inner.remove_reserved_peer(peer_id)
    }

    fn set_reserved_peers(
        &self,
        protocol: ProtocolName,
        peers: HashSet<Multiaddr>,
    ) -> Result<(), String> {
        self.inner.set_reserved_peers(protocol, peers)
    }

    fn add_peers_to_reserved_set(
        &self,
        protocol: ProtocolName,
        peers: HashSet<Multiaddr>,
    ) -> Result<(), String> {
        self.inner.add_peers_to_reserved_set(protocol, peers)
    }

    fn remove_peers_from_reserved_set(
        &self,
        protocol: ProtocolName,
        peers: Vec<PeerId>,
    ) -> Result<(), String> {
        self.inner.remove_peers_from_reserved_set(protocol, peers)
    }

    fn sync_num_connected(&self) -> usize {
        self.inner.sync_num_connected()
    }

    fn peer_role(&self, peer_id: PeerId, handshake: Vec<u8>) -> Option<ObservedRole> {
        self.inner.peer_role(peer_id, handshake)
    }

    async fn reserved_peers(&self) -> Result<Vec<PeerId>, ()> {
        self.inner.reserved_peers().await
    }
}
