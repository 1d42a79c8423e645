//! Large buffers and the kernel's pages.
//!
//! Converting a large input is bounded less by artconv's own loops than by
//! the kernel handing out fresh memory: every 4 KiB page of a new buffer
//! costs a page fault the first time it is written (measured on the 2-core
//! virtual machine of `docs/performance.md`: 2 to 4 µs a fault, 68,000 to
//! 100,000 faults for a 100 MB input, a third of the run). A buffer that
//! artconv fills itself (the input's bytes, the decoded text, the text
//! reader's lists of units and sections) is asked to be backed by
//! transparent huge pages, 2 MiB at a time, when the system allows it
//! (`/sys/kernel/mm/transparent_hugepage/enabled` set to `madvise` or
//! `always`). The advice changes no byte and may be ignored; where it is
//! not available it does nothing.

/// Buffers smaller than this are left alone: they span too few huge pages
/// for the advice to matter, and small inputs should not pay its system
/// call.
const LARGE_BUFFER: usize = 8 * 1024 * 1024;

/// A transparent huge page on x86_64 and aarch64 with 4 KiB base pages.
#[cfg(target_os = "linux")]
const HUGE_PAGE: usize = 2 * 1024 * 1024;

/// An empty vector with room for `capacity` bytes, its allocation advised
/// to be backed by huge pages when it is large. Call before writing into
/// it: pages already written keep their size.
pub(crate) fn large_vec(capacity: usize) -> Vec<u8> {
    large_vec_of(capacity)
}

/// [`large_vec`] for a vector of any element: the lists a reader makes of
/// a large text (its units, its sections, the offset index of a decoded
/// legacy text) are megabytes written once, front to back, like the
/// buffers.
pub(crate) fn large_vec_of<T>(capacity: usize) -> Vec<T> {
    let mut items = Vec::with_capacity(capacity);
    advise_huge_pages(&mut items);
    items
}

/// A vector of `len` zero bytes, advised as [`large_vec`], for a buffer
/// written in place. The zeros cost no pass over the memory: a large block
/// comes fresh from the kernel, whose pages read as zero until written.
pub(crate) fn large_zeroed_vec(len: usize) -> Vec<u8> {
    let mut bytes = vec![0; len];
    advise_huge_pages(&mut bytes);
    bytes
}

/// An empty string with room for `capacity` bytes, advised as [`large_vec`].
pub(crate) fn large_string(capacity: usize) -> String {
    // An empty vector is valid UTF-8.
    String::from_utf8(large_vec(capacity)).unwrap_or_default()
}

/// Advises the kernel to back the allocated capacity of `items` with huge
/// pages (the whole 2 MiB pages inside it).
#[cfg(target_os = "linux")]
fn advise_huge_pages<T>(items: &mut Vec<T>) {
    let capacity = items.capacity().saturating_mul(std::mem::size_of::<T>());
    if capacity < LARGE_BUFFER {
        return;
    }
    let begin = items.as_mut_ptr() as usize;
    let first = begin.next_multiple_of(HUGE_PAGE);
    let last = (begin + capacity) / HUGE_PAGE * HUGE_PAGE;
    if last <= first {
        return;
    }
    // SAFETY: the range lies inside the vector's own allocation, which
    // lives for the whole call; MADV_HUGEPAGE only sets a flag on the
    // mapping and never changes its contents. A failure (a kernel without
    // transparent huge pages) leaves the buffer as it was and is ignored.
    unsafe {
        libc::madvise(
            first as *mut libc::c_void,
            last - first,
            libc::MADV_HUGEPAGE,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages<T>(_items: &mut Vec<T>) {
    let _ = LARGE_BUFFER;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advised_buffers_hold_what_is_written() {
        let mut bytes = large_vec(LARGE_BUFFER * 2);
        assert!(bytes.is_empty() && bytes.capacity() >= LARGE_BUFFER * 2);
        bytes.extend((0..LARGE_BUFFER * 2).map(|i| (i % 251) as u8));
        assert!(bytes.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
        let mut text = large_string(16);
        text.push_str("small buffers are left alone");
        assert_eq!(text, "small buffers are left alone");
    }
}
