//! The container around every compressed record.
//!
//! ```text
//! offset  size  field
//! 0       4     magic "MLZW"
//! 4       1     version (1)
//! 5       1     method: 0 stored, 1 bytes, 2 hanzi, 3 paper-mixed, 4 framed (streaming)
//! 6       1     flags: bit 0 = text is GB2312/GBK (else UTF-8), bit 1 = dictionary id follows,
//!               bit 2 = the encoder prunes the full dictionary (`FullPolicy::Prune`);
//!               other bits must be 0
//! 7       1     max code width in bits (0 for stored and framed)
//! 8       32    dictionary id (blake2-256 of the primed dictionary), only if flag bit 1;
//!               absent means "no dictionary" (all zero)
//! ..      1-10  original length, LEB128        } not for framed: a framed container
//! ..      4     CRC-32 of the original, LE     } carries them in its trailer
//! ..            body
//! ```
//!
//! A header without a dictionary is 14 to 18 bytes, so storing incompressible input raw
//! expands it by at most that.

use alloc::vec::Vec;

use crate::{Error, TextEncoding};

/// First bytes of every container.
pub const MAGIC: [u8; 4] = *b"MLZW";
/// Container version written by this build.
pub const VERSION: u8 = 1;

const FLAG_GBK: u8 = 1;
const FLAG_DICTIONARY: u8 = 2;
const FLAG_PRUNE: u8 = 4;
const KNOWN_FLAGS: u8 = FLAG_GBK | FLAG_DICTIONARY | FLAG_PRUNE;

/// How a container (or a frame of a framed container) was compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Method {
    /// The original bytes, uncompressed (incompressible input).
    Stored = 0,
    /// LZW over bytes.
    Bytes = 1,
    /// LZW over GB2312 characters and bytes (the paper's method).
    Hanzi = 2,
    /// The paper's mixed method: Chinese and other text in two streams.
    PaperMixed = 3,
    /// Streaming container: a sequence of independently compressed frames.
    Framed = 4,
}

impl Method {
    /// Parses a method byte.
    pub fn from_byte(b: u8) -> Result<Self, Error> {
        Ok(match b {
            0 => Method::Stored,
            1 => Method::Bytes,
            2 => Method::Hanzi,
            3 => Method::PaperMixed,
            4 => Method::Framed,
            other => return Err(Error::UnknownMethod(other)),
        })
    }

    /// The name used by the CLI and the docs.
    pub fn name(self) -> &'static str {
        match self {
            Method::Stored => "stored",
            Method::Bytes => "bytes",
            Method::Hanzi => "hanzi",
            Method::PaperMixed => "paper-mixed",
            Method::Framed => "framed",
        }
    }
}

/// A parsed container header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Container version.
    pub version: u8,
    /// How the body is compressed.
    pub method: Method,
    /// Encoding of the original text (selects the hanzi units' bytes).
    pub encoding: TextEncoding,
    /// Maximum code width of the LZW bodies.
    pub max_bits: u8,
    /// Whether the encoder pruned its full dictionary, which the decoder must mirror.
    pub prune: bool,
    /// Id of the primed dictionary, if one was used.
    pub dictionary: Option<[u8; 32]>,
    /// Original length and CRC-32; `None` for framed containers (they are in the trailer).
    pub original: Option<(u64, u32)>,
    /// Size of the header in bytes; the body starts here.
    pub header_len: usize,
}

/// Appends `v` as a LEB128 varint.
pub fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a LEB128 varint at `*pos`, advancing it. Refuses overlong encodings.
pub fn read_varint(data: &[u8], pos: &mut usize) -> Result<u64, Error> {
    let mut v = 0u64;
    for i in 0..10 {
        let b = *data.get(*pos).ok_or(Error::Truncated)?;
        *pos += 1;
        if i == 9 && b > 1 {
            return Err(Error::BadLength);
        }
        v |= ((b & 0x7F) as u64) << (7 * i);
        if b & 0x80 == 0 {
            if b == 0 && i > 0 {
                return Err(Error::BadLength);
            }
            return Ok(v);
        }
    }
    Err(Error::BadLength)
}

pub(crate) fn read_u32(data: &[u8], pos: &mut usize) -> Result<u32, Error> {
    let bytes = data.get(*pos..*pos + 4).ok_or(Error::Truncated)?;
    *pos += 4;
    Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// Writes a header; `original` is `None` only for framed containers.
pub fn write_header(
    out: &mut Vec<u8>,
    method: Method,
    encoding: TextEncoding,
    max_bits: u8,
    prune: bool,
    dictionary: Option<&[u8; 32]>,
    original: Option<(u64, u32)>,
) {
    out.extend_from_slice(&MAGIC);
    out.push(VERSION);
    out.push(method as u8);
    let mut flags = 0;
    if encoding == TextEncoding::Gbk {
        flags |= FLAG_GBK;
    }
    if dictionary.is_some() {
        flags |= FLAG_DICTIONARY;
    }
    if prune {
        flags |= FLAG_PRUNE;
    }
    out.push(flags);
    out.push(max_bits);
    if let Some(id) = dictionary {
        out.extend_from_slice(id);
    }
    if let Some((len, crc)) = original {
        write_varint(out, len);
        out.extend_from_slice(&crc.to_le_bytes());
    }
}

/// Parses and checks a header.
pub fn read_header(data: &[u8]) -> Result<Header, Error> {
    let Some(fixed) = data.get(..8) else {
        let seen = &data[..data.len().min(4)];
        return Err(if MAGIC.starts_with(seen) {
            Error::Truncated
        } else {
            Error::BadMagic
        });
    };
    if fixed[..4] != MAGIC {
        return Err(Error::BadMagic);
    }
    let version = fixed[4];
    if version != VERSION {
        return Err(Error::UnsupportedVersion(version));
    }
    let method = Method::from_byte(fixed[5])?;
    let flags = fixed[6];
    if flags & !KNOWN_FLAGS != 0 {
        return Err(Error::BadFlags(flags));
    }
    let max_bits = fixed[7];
    match method {
        Method::Stored | Method::Framed if max_bits != 0 => {
            return Err(Error::BadMaxBits(max_bits))
        }
        Method::Bytes | Method::Hanzi | Method::PaperMixed
            if crate::check_max_bits(method, max_bits).is_err() =>
        {
            return Err(Error::BadMaxBits(max_bits))
        }
        _ => {}
    }
    let mut pos = 8;
    let dictionary = if flags & FLAG_DICTIONARY != 0 {
        let id = data.get(8..40).ok_or(Error::Truncated)?;
        pos = 40;
        let mut out = [0u8; 32];
        out.copy_from_slice(id);
        Some(out)
    } else {
        None
    };
    let original = if method == Method::Framed {
        None
    } else {
        let len = read_varint(data, &mut pos)?;
        let crc = read_u32(data, &mut pos)?;
        Some((len, crc))
    };
    Ok(Header {
        version,
        method,
        encoding: if flags & FLAG_GBK != 0 {
            TextEncoding::Gbk
        } else {
            TextEncoding::Utf8
        },
        max_bits,
        prune: flags & FLAG_PRUNE != 0,
        dictionary,
        original,
        header_len: pos,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints() {
        for v in [0u64, 1, 127, 128, 300, 1 << 32, u64::MAX] {
            let mut out = Vec::new();
            write_varint(&mut out, v);
            let mut pos = 0;
            assert_eq!(read_varint(&out, &mut pos), Ok(v));
            assert_eq!(pos, out.len());
        }
        assert_eq!(read_varint(&[0x80, 0x00], &mut 0), Err(Error::BadLength));
        assert_eq!(read_varint(&[0xFF; 11], &mut 0), Err(Error::BadLength));
        assert_eq!(read_varint(&[0x80], &mut 0), Err(Error::Truncated));
    }

    #[test]
    fn header_round_trip() {
        let mut out = Vec::new();
        write_header(
            &mut out,
            Method::Hanzi,
            TextEncoding::Gbk,
            16,
            true,
            Some(&[7; 32]),
            Some((1234, 99)),
        );
        assert!(read_header(&out).unwrap().prune);
        let h = read_header(&out).unwrap();
        assert_eq!(h.method, Method::Hanzi);
        assert_eq!(h.encoding, TextEncoding::Gbk);
        assert_eq!(h.dictionary, Some([7; 32]));
        assert_eq!(h.original, Some((1234, 99)));
        assert_eq!(h.header_len, out.len());
    }

    #[test]
    fn bad_headers() {
        assert_eq!(read_header(b""), Err(Error::Truncated));
        assert_eq!(read_header(b"ML"), Err(Error::Truncated));
        assert_eq!(read_header(b"PK\x03\x04...."), Err(Error::BadMagic));
        assert_eq!(
            read_header(b"MLZW\x02\x01\x00\x10"),
            Err(Error::UnsupportedVersion(2))
        );
        assert_eq!(
            read_header(b"MLZW\x01\x09\x00\x10"),
            Err(Error::UnknownMethod(9))
        );
        assert_eq!(
            read_header(b"MLZW\x01\x01\x80\x10"),
            Err(Error::BadFlags(0x80))
        );
        assert_eq!(
            read_header(b"MLZW\x01\x01\x08\x10"),
            Err(Error::BadFlags(0x08))
        );
        assert_eq!(
            read_header(b"MLZW\x01\x01\x00\x08"),
            Err(Error::BadMaxBits(8))
        );
        assert_eq!(
            read_header(b"MLZW\x01\x02\x00\x0C"),
            Err(Error::BadMaxBits(12))
        );
        assert_eq!(read_header(b"MLZW\x01\x01\x00\x10"), Err(Error::Truncated));
    }
}
