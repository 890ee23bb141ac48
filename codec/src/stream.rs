//! Streaming API: compress and decompress in chunks with memory bounded by one frame.
//!
//! A streaming container has method [`Method::Framed`] and no length or checksum in its
//! header. The input is cut into frames (1 MiB by default), each compressed on its own
//! with the method [`Mode::Auto`](crate::Mode) picks for it, then a trailer:
//!
//! ```text
//! frame   := raw_len (LEB128, > 0) · method (u8) · max_bits (u8) · body_len (LEB128) · body
//! trailer := 0 (LEB128) · total length (LEB128) · CRC-32 of the whole original (u32 LE)
//! ```
//!
//! [`Decompressor`] also accepts one-shot containers; those it buffers (bounded by its
//! limit) and decodes when the stream ends.

use alloc::vec::Vec;

use crate::{
    check_max_bits,
    container::{self, read_u32, read_varint, write_varint, Header, Method},
    decode_body, encode_body, resolve_method, Error, Options,
};

/// Default frame size of [`Compressor`].
pub const DEFAULT_FRAME_SIZE: usize = 1 << 20;
/// Largest frame a [`Compressor`] writes and a [`Decompressor`] accepts.
pub const MAX_FRAME_SIZE: usize = 16 << 20;
/// Smallest frame size accepted by [`Compressor::with_frame_size`].
pub const MIN_FRAME_SIZE: usize = 1 << 10;

/// Longest possible header: fixed part, dictionary id, varint length, CRC.
const MAX_HEADER_LEN: usize = 8 + 32 + 10 + 4;
/// Longest frame header: two varints and two bytes.
const MAX_FRAME_HEADER_LEN: usize = 10 + 1 + 1 + 10;

/// Compresses a stream fed in chunks into a framed container.
///
/// ```
/// use medchain_lzw::{decompress, stream::Compressor, Options};
/// let mut packed = Vec::new();
/// let mut compressor = Compressor::new(Options::default()).unwrap();
/// for chunk in ["病历：", "患者头痛。", "Headache."] {
///     compressor.write(chunk.as_bytes(), &mut packed).unwrap();
/// }
/// compressor.finish(&mut packed).unwrap();
/// assert_eq!(decompress(&packed).unwrap(), "病历：患者头痛。Headache.".as_bytes());
/// ```
pub struct Compressor {
    options: Options,
    frame_size: usize,
    pending: Vec<u8>,
    total: u64,
    crc: crc32fast::Hasher,
    header_written: bool,
}

impl Compressor {
    /// A compressor with the default frame size.
    pub fn new(options: Options) -> Result<Self, Error> {
        Self::with_frame_size(options, DEFAULT_FRAME_SIZE)
    }

    /// A compressor cutting the input into frames of `frame_size` bytes
    /// ([`MIN_FRAME_SIZE`]..=[`MAX_FRAME_SIZE`]).
    pub fn with_frame_size(options: Options, frame_size: usize) -> Result<Self, Error> {
        if !(MIN_FRAME_SIZE..=MAX_FRAME_SIZE).contains(&frame_size) {
            return Err(Error::InvalidOption("frame size out of range"));
        }
        // Fail now, not at the first frame, on a width no method could use.
        resolve_method(&[], &options)?;
        if options.mode == crate::Mode::Auto {
            check_max_bits(Method::Hanzi, options.max_bits)
                .map_err(|_| Error::InvalidOption("max_bits out of range for the mode"))?;
        }
        Ok(Self {
            options,
            frame_size,
            pending: Vec::new(),
            total: 0,
            crc: crc32fast::Hasher::new(),
            header_written: false,
        })
    }

    fn write_header(&mut self, out: &mut Vec<u8>) {
        if !self.header_written {
            let prune = self.options.policy == crate::FullPolicy::Prune;
            container::write_header(
                out,
                Method::Framed,
                self.options.encoding,
                0,
                prune,
                None,
                None,
            );
            self.header_written = true;
        }
    }

    /// Feeds `data`; appends any finished frames to `out`.
    pub fn write(&mut self, mut data: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.write_header(out);
        while !data.is_empty() {
            let take = (self.frame_size - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.pending.len() == self.frame_size {
                self.flush_frame(out, false)?;
            }
        }
        Ok(())
    }

    /// Compresses the buffered input as one frame. Unless `last`, a UTF-8 character cut
    /// by the frame boundary is carried over to the next frame, so no frame splits one.
    fn flush_frame(&mut self, out: &mut Vec<u8>, last: bool) -> Result<(), Error> {
        let mut cut = self.pending.len();
        if !last && self.options.encoding == crate::TextEncoding::Utf8 {
            let back = self
                .pending
                .iter()
                .rev()
                .take(4)
                .position(|&b| b & 0xC0 != 0x80);
            if let Some(back) = back {
                let start = cut - back - 1;
                let width = match self.pending[start] {
                    b if b < 0x80 => 1,
                    b if b >= 0xF0 => 4,
                    b if b >= 0xE0 => 3,
                    b if b >= 0xC0 => 2,
                    _ => 1,
                };
                if start + width > cut && start > 0 {
                    cut = start;
                }
            }
        }
        if cut == 0 {
            return Ok(());
        }
        let frame = &self.pending[..cut];
        let method = resolve_method(frame, &self.options)?;
        self.crc.update(frame);
        self.total += frame.len() as u64;
        let mut body = Vec::with_capacity(frame.len() / 2);
        encode_body(frame, method, &self.options, &mut body);
        let (method, max_bits, body) = if body.len() >= frame.len() {
            (Method::Stored, 0, frame)
        } else {
            (method, self.options.max_bits, &body[..])
        };
        write_varint(out, frame.len() as u64);
        out.push(method as u8);
        out.push(max_bits);
        write_varint(out, body.len() as u64);
        out.extend_from_slice(body);
        self.pending.drain(..cut);
        Ok(())
    }

    /// Compresses what is left and writes the trailer.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        self.write_header(out);
        if !self.pending.is_empty() {
            self.flush_frame(out, true)?;
        }
        write_varint(out, 0);
        write_varint(out, self.total);
        out.extend_from_slice(&self.crc.clone().finalize().to_le_bytes());
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Header,
    /// A one-shot container: buffered whole, decoded by `finish`.
    OneShot,
    Frames,
    Done,
    Failed,
}

/// Decompresses a container fed in chunks. Framed containers are decoded frame by frame
/// (memory: one frame); one-shot containers are buffered and decoded at [`finish`].
///
/// [`finish`]: Decompressor::finish
pub struct Decompressor {
    limit: usize,
    buf: Vec<u8>,
    /// Bytes of `buf` already consumed.
    at: usize,
    state: State,
    header: Option<Header>,
    produced: u64,
    crc: crc32fast::Hasher,
}

impl Decompressor {
    /// A decompressor that refuses to produce more than `limit` bytes in total.
    pub fn with_limit(limit: usize) -> Self {
        Self {
            limit,
            buf: Vec::new(),
            at: 0,
            state: State::Header,
            header: None,
            produced: 0,
            crc: crc32fast::Hasher::new(),
        }
    }

    /// The header, once it has been read.
    pub fn header(&self) -> Option<&Header> {
        self.header.as_ref()
    }

    /// Feeds `data`; appends everything that can be decoded so far to `out`. With highly
    /// compressible data one call may produce many frames; use [`push`](Self::push) and
    /// [`pull`](Self::pull) to take the output one frame at a time.
    pub fn write(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.push(data)?;
        while self.pull(out)? {}
        Ok(())
    }

    /// Buffers `data` without decoding it.
    pub fn push(&mut self, data: &[u8]) -> Result<(), Error> {
        match self.state {
            State::Failed => return Err(Error::StreamClosed),
            State::Done if !data.is_empty() => return self.fail(Error::TrailingData),
            State::OneShot if (self.buf.len() + data.len()) as u64 > self.one_shot_max() => {
                // A body is never longer than the original: such input is stored raw.
                return self.fail(Error::TrailingData);
            }
            _ => {}
        }
        self.buf.extend_from_slice(data);
        Ok(())
    }

    /// Decodes at most one frame from the buffered input into `out`; `true` when it did
    /// (call again), `false` when more input is needed or the stream is complete.
    pub fn pull(&mut self, out: &mut Vec<u8>) -> Result<bool, Error> {
        if self.state == State::Failed {
            return Err(Error::StreamClosed);
        }
        match self.step(out) {
            Ok(progress) => Ok(progress),
            Err(e) => self.fail(e).map(|()| false),
        }
    }

    fn fail(&mut self, error: Error) -> Result<(), Error> {
        self.state = State::Failed;
        self.buf = Vec::new();
        Err(error)
    }

    /// Largest size of a buffered one-shot container: its header plus the original.
    fn one_shot_max(&self) -> u64 {
        self.header.as_ref().map_or(0, |h| {
            let (len, _) = h.original.unwrap_or_default();
            len.saturating_add(h.header_len as u64)
        })
    }

    fn step(&mut self, out: &mut Vec<u8>) -> Result<bool, Error> {
        loop {
            match self.state {
                State::Header => {
                    let header = match container::read_header(&self.buf) {
                        Ok(header) => header,
                        Err(Error::Truncated) if self.buf.len() < MAX_HEADER_LEN => {
                            return Ok(false)
                        }
                        Err(e) => return Err(e),
                    };
                    if let Some(id) = header.dictionary {
                        return Err(Error::MissingDictionary(id));
                    }
                    match header.original {
                        Some((len, _)) if len > self.limit as u64 => return Err(Error::TooLarge),
                        Some(_) => self.state = State::OneShot,
                        None => {
                            self.at = header.header_len;
                            self.state = State::Frames;
                        }
                    }
                    self.header = Some(header);
                    if self.state == State::OneShot && self.buf.len() as u64 > self.one_shot_max() {
                        return Err(Error::TrailingData);
                    }
                }
                State::OneShot | State::Done | State::Failed => return Ok(false),
                State::Frames => {
                    let progress = self.next_frame(out)?;
                    if !progress {
                        self.compact();
                    }
                    return Ok(progress);
                }
            }
        }
    }

    /// Drops consumed bytes so that the buffer holds at most one frame.
    fn compact(&mut self) {
        if self.at > 0 {
            self.buf.drain(..self.at);
            self.at = 0;
        }
    }

    /// Decodes the next frame or the trailer; `false` when more input is needed.
    fn next_frame(&mut self, out: &mut Vec<u8>) -> Result<bool, Error> {
        let data = &self.buf[..];
        let mut pos = self.at;
        let need_more = |e: Error, data: &[u8], at: usize| match e {
            Error::Truncated if data.len() - at < MAX_FRAME_HEADER_LEN => Ok(false),
            e => Err(e),
        };
        let raw_len = match read_varint(data, &mut pos) {
            Ok(v) => v,
            Err(e) => return need_more(e, data, self.at),
        };
        if raw_len == 0 {
            let total = match read_varint(data, &mut pos) {
                Ok(v) => v,
                Err(e) => return need_more(e, data, self.at),
            };
            let crc = match read_u32(data, &mut pos) {
                Ok(v) => v,
                Err(e) => return need_more(e, data, self.at),
            };
            if pos != data.len() {
                return Err(Error::TrailingData);
            }
            if total != self.produced {
                return Err(Error::LengthMismatch);
            }
            let actual = self.crc.clone().finalize();
            if actual != crc {
                return Err(Error::ChecksumMismatch {
                    expected: crc,
                    actual,
                });
            }
            self.at = pos;
            self.state = State::Done;
            return Ok(false);
        }
        if raw_len > MAX_FRAME_SIZE as u64 {
            return Err(Error::TooLarge);
        }
        if self.produced + raw_len > self.limit as u64 {
            return Err(Error::TooLarge);
        }
        let (Some(&method), Some(&max_bits)) = (data.get(pos), data.get(pos + 1)) else {
            return Ok(false);
        };
        pos += 2;
        let method = Method::from_byte(method)?;
        match method {
            Method::Framed => return Err(Error::UnknownMethod(method as u8)),
            Method::Stored if max_bits != 0 => return Err(Error::BadMaxBits(max_bits)),
            Method::Stored => {}
            _ => check_max_bits(method, max_bits)?,
        }
        let body_len = match read_varint(data, &mut pos) {
            Ok(v) => v,
            Err(e) => return need_more(e, data, self.at),
        };
        // The compressor stores a frame raw unless its body is shorter, so anything else
        // is not a frame it wrote.
        let canonical = match method {
            Method::Stored => body_len == raw_len,
            _ => body_len < raw_len,
        };
        if !canonical {
            return Err(Error::BadLength);
        }
        let body_len = body_len as usize;
        if data.len() - pos < body_len {
            return Ok(false);
        }
        let (encoding, prune) = self
            .header
            .as_ref()
            .map_or(Default::default(), |h| (h.encoding, h.prune));
        let start = out.len();
        let body = &data[pos..pos + body_len];
        if let Err(e) = decode_body(
            body,
            method,
            encoding,
            max_bits,
            prune,
            raw_len as usize,
            out,
        ) {
            // Nothing of a frame that fails reaches the caller.
            out.truncate(start);
            return Err(e);
        }
        self.crc.update(&out[start..]);
        self.produced += raw_len;
        self.at = pos + body_len;
        Ok(true)
    }

    /// Ends the stream: decodes a buffered one-shot container, or checks that the framed
    /// container's trailer was seen.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        let result = match self.state {
            State::Done => Ok(()),
            State::Failed => Err(Error::StreamClosed),
            State::Header | State::Frames => Err(Error::Truncated),
            State::OneShot => {
                let header = self.header.clone().ok_or(Error::Truncated)?;
                let (len, crc) = header.original.ok_or(Error::Truncated)?;
                let start = out.len();
                let body = &self.buf[header.header_len..];
                let (method, encoding, bits, prune) = (
                    header.method,
                    header.encoding,
                    header.max_bits,
                    header.prune,
                );
                let result = if method != Method::Stored && body.len() as u64 >= len {
                    // Not a container the compressor writes: it would have stored the input.
                    Err(Error::BadLength)
                } else {
                    decode_body(body, method, encoding, bits, prune, len as usize, out)
                }
                .and_then(|()| crate::verify_checksum(&out[start..], crc));
                if result.is_err() {
                    out.truncate(start);
                }
                result
            }
        };
        match result {
            Ok(()) => {
                self.state = State::Done;
                self.buf = Vec::new();
                Ok(())
            }
            Err(e) => self.fail(e),
        }
    }
}

/// `std::io` adapters over the streaming API.
#[cfg(feature = "std")]
pub mod io {
    use std::io::{self, Read, Write};

    use super::{Compressor, Decompressor, DEFAULT_FRAME_SIZE};
    use crate::Options;

    fn to_io(e: crate::Error) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, e)
    }

    /// Reads the next chunk: `None` at the end, retrying interrupted reads.
    fn read_chunk(reader: &mut impl Read, chunk: &mut [u8]) -> io::Result<Option<usize>> {
        loop {
            match reader.read(chunk) {
                Ok(0) => return Ok(None),
                Ok(n) => return Ok(Some(n)),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Compresses everything from `reader` into `writer`; returns the bytes read.
    pub fn compress<R: Read, W: Write>(
        mut reader: R,
        mut writer: W,
        options: Options,
    ) -> io::Result<u64> {
        let mut compressor = Compressor::new(options).map_err(to_io)?;
        let mut chunk = vec![0u8; 64 << 10];
        let mut out = Vec::with_capacity(DEFAULT_FRAME_SIZE);
        let mut total = 0u64;
        while let Some(n) = read_chunk(&mut reader, &mut chunk)? {
            total += n as u64;
            compressor.write(&chunk[..n], &mut out).map_err(to_io)?;
            writer.write_all(&out)?;
            out.clear();
        }
        compressor.finish(&mut out).map_err(to_io)?;
        writer.write_all(&out)?;
        writer.flush()?;
        Ok(total)
    }

    /// Decompresses a container from `reader` into `writer`, producing at most `limit`
    /// bytes; returns the bytes written. Any error is `InvalidData` wrapping
    /// [`crate::Error`] (see `io::Error::get_ref`).
    pub fn decompress<R: Read, W: Write>(
        mut reader: R,
        mut writer: W,
        limit: usize,
    ) -> io::Result<u64> {
        let mut decompressor = Decompressor::with_limit(limit);
        let mut chunk = vec![0u8; 64 << 10];
        let mut out = Vec::new();
        let mut total = 0u64;
        while let Some(n) = read_chunk(&mut reader, &mut chunk)? {
            decompressor.push(&chunk[..n]).map_err(to_io)?;
            // One frame at a time, so memory stays at one frame whatever the ratio.
            while decompressor.pull(&mut out).map_err(to_io)? {
                writer.write_all(&out)?;
                total += out.len() as u64;
                out.clear();
            }
        }
        decompressor.finish(&mut out).map_err(to_io)?;
        writer.write_all(&out)?;
        writer.flush()?;
        Ok(total + out.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decompress, decompress_with_limit, Mode, TextEncoding};

    fn sample() -> Vec<u8> {
        let mut text = Vec::new();
        for i in 0..4000 {
            text.extend_from_slice(
                format!("第{i}次复诊：血压 128/82 mmHg，心率 76 次/分。Follow-up #{i}: stable.\n")
                    .as_bytes(),
            );
        }
        text
    }

    fn compress_chunked(input: &[u8], chunk: usize, frame: usize, options: Options) -> Vec<u8> {
        let mut out = Vec::new();
        let mut c = Compressor::with_frame_size(options, frame).unwrap();
        for piece in input.chunks(chunk.max(1)) {
            c.write(piece, &mut out).unwrap();
        }
        c.finish(&mut out).unwrap();
        out
    }

    fn decompress_chunked(data: &[u8], chunk: usize) -> Result<Vec<u8>, Error> {
        let mut d = Decompressor::with_limit(usize::MAX);
        let mut out = Vec::new();
        for piece in data.chunks(chunk.max(1)) {
            d.write(piece, &mut out)?;
        }
        d.finish(&mut out)?;
        Ok(out)
    }

    #[test]
    fn framed_round_trip_in_any_chunking() {
        let text = sample();
        for (chunk, frame) in [
            (1, 1024),
            (7, 4096),
            (1000, 1 << 16),
            (1 << 20, DEFAULT_FRAME_SIZE),
        ] {
            let packed = compress_chunked(&text, chunk, frame, Options::default());
            if frame >= 1 << 16 {
                assert!(
                    packed.len() < text.len() / 3,
                    "{} of {}",
                    packed.len(),
                    text.len()
                );
            }
            assert_eq!(decompress(&packed).unwrap(), text);
            for read_chunk in [1, 3, 4096] {
                assert_eq!(decompress_chunked(&packed, read_chunk).unwrap(), text);
            }
        }
    }

    #[test]
    fn frames_do_not_split_utf8_characters() {
        let text = "肺".repeat(5000);
        let packed = compress_chunked(
            text.as_bytes(),
            1,
            1024,
            Options {
                mode: Mode::Hanzi,
                ..Default::default()
            },
        );
        assert_eq!(decompress(&packed).unwrap(), text.as_bytes());
        // 1024 is not a multiple of 3: each frame must still hold whole characters.
        let mut pos = container::read_header(&packed).unwrap().header_len;
        while let Ok(raw) = read_varint(&packed, &mut pos) {
            if raw == 0 {
                break;
            }
            assert_eq!(raw % 3, 0);
            pos += 2;
            let body = read_varint(&packed, &mut pos).unwrap();
            pos += body as usize;
        }
    }

    #[test]
    fn gbk_and_empty_streams() {
        let gbk = [0xC6u8, 0xF7, 0xB9, 0xD9, b' ', 0x81, 0x40].repeat(3000);
        let options = Options {
            encoding: TextEncoding::Gbk,
            ..Default::default()
        };
        let packed = compress_chunked(&gbk, 333, 1024, options);
        assert_eq!(decompress(&packed).unwrap(), gbk);
        let empty = compress_chunked(b"", 1, 1024, options);
        assert_eq!(decompress(&empty).unwrap(), b"");
    }

    #[test]
    fn one_shot_containers_stream_too() {
        let text = sample();
        let packed = crate::compress(&text, &Options::default()).unwrap();
        assert_eq!(decompress_chunked(&packed, 999).unwrap(), text);
        let mut extra = packed.clone();
        extra.push(0);
        assert_eq!(decompress_chunked(&extra, 999), Err(Error::TrailingData));
    }

    #[test]
    fn limits_and_corruption() {
        let text = sample();
        let packed = compress_chunked(&text, 4096, 4096, Options::default());
        assert_eq!(decompress_with_limit(&packed, 10_000), Err(Error::TooLarge));
        for cut in (0..packed.len()).step_by(97) {
            assert!(
                decompress_chunked(&packed[..cut], 512).is_err(),
                "cut at {cut}"
            );
        }
        let mut flipped = packed.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(matches!(
            decompress(&flipped),
            Err(Error::ChecksumMismatch { .. })
        ));
        let mut d = Decompressor::with_limit(usize::MAX);
        let mut out = Vec::new();
        assert!(d.write(&flipped, &mut out).is_err());
        assert_eq!(d.write(b"x", &mut out), Err(Error::StreamClosed));
    }

    #[test]
    fn io_adapters() {
        let text = sample();
        let mut packed = Vec::new();
        io::compress(&text[..], &mut packed, Options::default()).unwrap();
        let mut back = Vec::new();
        assert_eq!(
            io::decompress(&packed[..], &mut back, usize::MAX).unwrap(),
            text.len() as u64
        );
        assert_eq!(back, text);
    }

    #[test]
    fn bad_options() {
        let o = Options {
            max_bits: 30,
            ..Default::default()
        };
        assert!(Compressor::new(o).is_err());
        assert!(Compressor::with_frame_size(Options::default(), 10).is_err());
    }
}
