//! X25519 public keys a demander may publish.
//!
//! A point of small order (1, 2, 4 or 8) makes every Diffie–Hellman result one of eight
//! values whatever the secret, so a data key sealed to it is readable by anyone. The
//! sealing side (`medchain-crypto`) refuses such a result after the fact; the chain
//! refuses the key before anyone seals to it. Both rules name the same points: the
//! crypto crate's tests check this list against its Diffie–Hellman.

/// The u-coordinates of Curve25519's points of small order, as X25519 encodes them
/// (little-endian; the top bit is ignored by X25519, so it is ignored here too). Values
/// from p to p + 1 are the non-canonical encodings of 0 and 1.
const SMALL_ORDER: [[u8; 32]; 7] = [
    // 0 (order 4)
    [0; 32],
    // 1 (order 1)
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    // 325606250916557431795983626356110631294008115727848805560023387167927233504 (order 8)
    [
        0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4,
        0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49,
        0xb8, 0x00,
    ],
    // 39382357235489614581723060781553021112529911719440698176882885853963445705823 (order 8)
    [
        0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef,
        0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f,
        0x11, 0x57,
    ],
    // p − 1 (order 2)
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    // p, i.e. 0
    [
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    // p + 1, i.e. 1
    [
        0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
];

/// Whether `key` encodes a point of small order, to which nothing may be sealed.
pub fn is_small_order(key: &[u8; 32]) -> bool {
    SMALL_ORDER
        .iter()
        .any(|point| key[..31] == point[..31] && (key[31] & 0x7f) == point[31])
}

/// Every small-order encoding, with and without the ignored top bit (for tests).
pub fn small_order_encodings() -> impl Iterator<Item = [u8; 32]> {
    SMALL_ORDER.into_iter().flat_map(|point| {
        let mut high = point;
        high[31] |= 0x80;
        [point, high]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_bit_is_ignored_and_ordinary_keys_pass() {
        assert_eq!(small_order_encodings().count(), 14);
        assert!(small_order_encodings().all(|key| is_small_order(&key)));
        // The base point u = 9 has prime order.
        let mut nine = [0u8; 32];
        nine[0] = 9;
        assert!(!is_small_order(&nine));
        assert!(!is_small_order(&[0x42; 32]));
    }
}
