//! Memory is bounded by the dictionary and one frame, not by what headers claim or by
//! the length of the stream. Measured with a counting allocator (this test binary only).

use std::{
    alloc::{GlobalAlloc, Layout, System},
    sync::atomic::{AtomicUsize, Ordering},
};

use medchain_lzw::{container, decompress_with_limit, stream, Method, Options, TextEncoding};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak bytes allocated by `f` above what was allocated before it.
fn peak_during(f: impl FnOnce()) -> usize {
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    f();
    PEAK.load(Ordering::SeqCst) - base
}

#[test]
fn memory_bounds() {
    // A header claiming 900 MiB (under the limit) in front of 16 bytes of body.
    let mut lying = Vec::new();
    container::write_header(
        &mut lying,
        Method::Hanzi,
        TextEncoding::Utf8,
        16,
        false,
        None,
        Some((900 << 20, 0)),
    );
    lying.extend_from_slice(&[0xA5; 16]);
    let peak = peak_during(|| assert!(decompress_with_limit(&lying, usize::MAX).is_err()));
    assert!(
        peak < 64 << 10,
        "a lying header made the decoder allocate {peak} bytes"
    );

    // Streaming 24 MiB through the compressor and the decompressor: memory stays at
    // about one frame plus the dictionary, whatever the stream length.
    let unit = "病程记录：患者一般情况可，体温正常，BP 120/80 mmHg，继续当前治疗。\n".as_bytes();
    let chunk: Vec<u8> = unit.iter().copied().cycle().take(64 << 10).collect();
    let mut packed = Vec::new();
    let peak = peak_during(|| {
        let mut compressor = stream::Compressor::new(Options::default()).unwrap();
        let mut out = Vec::new();
        for _ in 0..384 {
            compressor.write(&chunk, &mut out).unwrap();
            packed.extend_from_slice(&out);
            out.clear();
        }
        compressor.finish(&mut out).unwrap();
        packed.extend_from_slice(&out);
        out = Vec::new();
        drop(out);
    }) - packed.capacity();
    assert!(peak < 6 << 20, "compressing 24 MiB peaked at {peak} bytes");

    let peak = peak_during(|| {
        let mut decompressor = stream::Decompressor::with_limit(usize::MAX);
        let mut out = Vec::new();
        let mut total = 0;
        for piece in packed.chunks(64 << 10) {
            decompressor.push(piece).unwrap();
            while decompressor.pull(&mut out).unwrap() {
                total += out.len();
                out.clear();
            }
        }
        decompressor.finish(&mut out).unwrap();
        assert_eq!(total + out.len(), 384 * chunk.len());
    });
    assert!(
        peak < 6 << 20,
        "decompressing 24 MiB peaked at {peak} bytes"
    );
}
