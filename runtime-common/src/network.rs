//! Peer ids of the consortium's nodes, as `NodeAuthorization` stores them.
//!
//! Substrate nodes have Ed25519 network keys, and libp2p encodes the peer id of such a
//! key as an identity multihash (0x00, 36 bytes) of the protobuf-encoded public key (key
//! type 1 = Ed25519, 32 bytes): the bytes of `PeerId::to_bytes`, the base58 decoding of
//! `12D3KooW…`. The runtime authorises only peer ids of that form, so a typo cannot
//! authorise a node that can never exist.

use alloc::vec::Vec;

/// What every Ed25519 peer id starts with.
pub const ED25519_PEER_ID_PREFIX: [u8; 6] = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20];

/// Length of an Ed25519 peer id in bytes.
pub const ED25519_PEER_ID_LEN: usize = ED25519_PEER_ID_PREFIX.len() + 32;

/// The peer id of the Ed25519 network key `public`.
pub fn ed25519_peer_id(public: &[u8; 32]) -> Vec<u8> {
    let mut peer_id = Vec::with_capacity(ED25519_PEER_ID_LEN);
    peer_id.extend_from_slice(&ED25519_PEER_ID_PREFIX);
    peer_id.extend_from_slice(public);
    peer_id
}

/// Whether `bytes` is the peer id of an Ed25519 network key.
pub fn is_ed25519_peer_id(bytes: &[u8]) -> bool {
    bytes.len() == ED25519_PEER_ID_LEN && bytes.starts_with(&ED25519_PEER_ID_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ed25519_peer_ids_pass() {
        assert!(is_ed25519_peer_id(&ed25519_peer_id(&[7; 32])));
        let mut wrong_type = ed25519_peer_id(&[7; 32]);
        wrong_type[3] = 0x02;
        assert!(!is_ed25519_peer_id(&wrong_type));
        assert!(!is_ed25519_peer_id(&ed25519_peer_id(&[7; 32])[..37]));
        // A sha256 multihash (an RSA key's peer id): not a Substrate node's.
        let mut sha256 = vec![0x12, 0x20];
        sha256.extend_from_slice(&[1; 32]);
        assert!(!is_ed25519_peer_id(&sha256));
    }
}
