//! The codec's typed errors.

use core::fmt;

/// Why compressing or decompressing failed. Decoding hostile input returns one of these;
/// it never panics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The data ends before the container or the code stream is complete.
    Truncated,
    /// The data does not start with the container's magic bytes.
    BadMagic,
    /// A container version this build does not read.
    UnsupportedVersion(u8),
    /// An unknown method byte in a header or frame.
    UnknownMethod(u8),
    /// Reserved header flag bits are set.
    BadFlags(u8),
    /// The code width in the header is outside what the method allows.
    BadMaxBits(u8),
    /// A length field is malformed (overlong varint).
    BadLength,
    /// The container was made with a primed dictionary that was not supplied.
    MissingDictionary([u8; 32]),
    /// The container was made with a primed dictionary other than those supplied.
    WrongDictionary {
        /// Id of the dictionary the container names.
        needed: [u8; 32],
        /// How many dictionaries were supplied.
        given: usize,
    },
    /// A dictionary file is malformed, with what is wrong.
    BadDictionary(&'static str),
    /// A code that cannot occur at that point of the stream.
    InvalidCode,
    /// The decoded data is longer or shorter than the header says.
    LengthMismatch,
    /// The decoded data does not match the checksum of the original.
    ChecksumMismatch {
        /// Checksum stored in the container.
        expected: u32,
        /// Checksum of what was decoded.
        actual: u32,
    },
    /// Bytes, or non-zero padding bits, after the end of the data.
    TrailingData,
    /// The declared or actual size exceeds the caller's limit or the method's maximum.
    TooLarge,
    /// An option is out of range (e.g. `max_bits`), with a description.
    InvalidOption(&'static str),
    /// A streaming call after the stream was finished or failed.
    StreamClosed,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("truncated data: the container or code stream ends early"),
            Error::BadMagic => f.write_str("not a MedChain LZW container (bad magic bytes)"),
            Error::UnsupportedVersion(v) => write!(f, "unsupported container version {v}"),
            Error::UnknownMethod(m) => write!(f, "unknown compression method {m}"),
            Error::BadFlags(x) => write!(f, "reserved header flags set: {x:#04x}"),
            Error::BadMaxBits(b) => write!(f, "invalid code width {b} bits for this method"),
            Error::BadLength => f.write_str("malformed length field"),
            Error::MissingDictionary(id) => {
                f.write_str("this container needs the primed dictionary ")?;
                for b in id {
                    write!(f, "{b:02x}")?;
                }
                f.write_str(", which was not supplied")
            }
            Error::WrongDictionary { needed, given } => {
                f.write_str("this container needs the primed dictionary ")?;
                for b in needed {
                    write!(f, "{b:02x}")?;
                }
                write!(f, ", and none of the {given} supplied is that one (a different or changed file)")
            }
            Error::BadDictionary(what) => write!(f, "invalid dictionary: {what}"),
            Error::InvalidCode => f.write_str("corrupt code stream: invalid code"),
            Error::LengthMismatch => f.write_str("corrupt data: decoded length differs from the header"),
            Error::ChecksumMismatch { expected, actual } => write!(
                f,
                "corrupt data: checksum {actual:08x} of the decoded data differs from {expected:08x} in the header"
            ),
            Error::TrailingData => f.write_str("corrupt data: unexpected bytes after the end of the stream"),
            Error::TooLarge => f.write_str("data larger than the allowed limit"),
            Error::InvalidOption(what) => write!(f, "invalid option: {what}"),
            Error::StreamClosed => f.write_str("stream already finished or failed"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}
