//! The bytes of one input: read into memory, or mapped when large.
//!
//! Reading a 100 MB file costs more than the copy: the kernel first clears
//! 100 MB of fresh pages for the buffer, then copies the page cache into
//! them (on the machine of `docs/performance.md`, a tenth of converting the
//! file). Mapping the file instead lets the decoder and the readers work on
//! the page cache itself, as ripgrep does for large files; valid UTF-8 is
//! then never copied at all. Small files are read: mapping and unmapping
//! cost more than copying a few kilobytes.
//!
//! A mapped file that another process shortens while artconv reads it
//! makes the kernel kill artconv with `SIGBUS`; `--no-mmap` reads every
//! file instead, for inputs that may be truncated during a run.

use std::fs::File;
use std::io::Read;
use std::ops::Deref;

use crate::error::Error;

/// Files at least this large are mapped rather than read (when mapping is
/// allowed): below it the copy is too small to pay for setting up a
/// mapping.
pub const MAP_AT_LEAST: u64 = 4 * 1024 * 1024;

/// The bytes of an input, however they were obtained.
pub enum InputBytes {
    /// Read into memory: standard input, small files, or `--no-mmap`.
    Read(Vec<u8>),
    /// A large regular file mapped read-only.
    Mapped(memmap2::Mmap),
}

impl crate::model::text_sealed::Sealed for InputBytes {}

/// A read buffer or a read-only mapping: the same bytes on every look.
impl crate::model::StableBytes for InputBytes {}

impl Deref for InputBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            InputBytes::Read(bytes) => bytes,
            InputBytes::Mapped(map) => map,
        }
    }
}

/// Whether large files may be mapped (`--no-mmap` says no).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mapping {
    /// Map regular files of at least [`MAP_AT_LEAST`] bytes.
    Large,
    /// Always read.
    Never,
}

/// The bytes of the open regular file `file`, whose size is `len` and at
/// most `limit` bytes: mapped when `mapping` allows and the file is large,
/// read otherwise (and whenever mapping fails, as on some network file
/// systems).
///
/// # Errors
///
/// [`Error::Io`] when reading fails; [`Error::TooLarge`] when the file grew
/// past `limit` since its size was taken.
pub fn of_file(
    mut file: File,
    len: u64,
    limit: u64,
    mapping: Mapping,
) -> Result<InputBytes, Error> {
    if mapping == Mapping::Large && len >= MAP_AT_LEAST {
        // SAFETY: the mapping is read-only and private to this process;
        // the one hazard, another process truncating the file while it is
        // mapped, is documented for `--no-mmap`, as ripgrep documents it.
        let mapped = unsafe { memmap2::MmapOptions::new().map(&file) };
        if let Ok(map) = mapped {
            // The length is taken when mapping: a file that grew since its
            // metadata was read is judged by what was mapped.
            if map.len() as u64 > limit {
                return Err(Error::TooLarge { limit });
            }
            return Ok(InputBytes::Mapped(map));
        }
    }
    // One allocation of the right size (the file may still grow), in huge
    // pages when it is large.
    let room = usize::try_from(len).unwrap_or(0) + 1;
    read_all(&mut file, crate::memory::large_vec(room), limit)
}

/// Everything `reader` holds, appended to `bytes`, refusing more than
/// `limit` bytes: standard input, pipes, and files not mapped.
///
/// # Errors
///
/// [`Error::Io`] when reading fails; [`Error::TooLarge`] past the limit.
pub fn read_all(
    reader: &mut dyn Read,
    mut bytes: Vec<u8>,
    limit: u64,
) -> Result<InputBytes, Error> {
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Error::TooLarge { limit });
    }
    Ok(InputBytes::Read(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_of(len: usize) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("input.txt");
        let line = "كلمة عربية ثم word\n";
        let text = line.repeat(len / line.len() + 1);
        std::fs::write(&path, &text.as_bytes()[..len]).unwrap();
        (dir, path)
    }

    fn bytes_of(path: &std::path::Path, limit: u64, mapping: Mapping) -> Result<InputBytes, Error> {
        let file = File::open(path).unwrap();
        let len = file.metadata().unwrap().len();
        of_file(file, len, limit, mapping)
    }

    #[test]
    fn large_files_are_mapped_small_ones_read_and_both_hold_the_same_bytes() {
        let (_dir, large) = file_of(MAP_AT_LEAST as usize + 3);
        let mapped = bytes_of(&large, u64::MAX, Mapping::Large).unwrap();
        assert!(matches!(mapped, InputBytes::Mapped(_)));
        let read = bytes_of(&large, u64::MAX, Mapping::Never).unwrap();
        assert!(matches!(read, InputBytes::Read(_)));
        assert_eq!(&*mapped, &*read);
        assert_eq!(&*mapped, &std::fs::read(&large).unwrap()[..]);

        let (_dir, small) = file_of(1000);
        let small = bytes_of(&small, u64::MAX, Mapping::Large).unwrap();
        assert!(matches!(small, InputBytes::Read(_)));
        assert_eq!(small.len(), 1000);
    }

    #[test]
    fn the_limit_holds_for_mapped_and_read_files() {
        let (_dir, large) = file_of(MAP_AT_LEAST as usize + 3);
        for mapping in [Mapping::Large, Mapping::Never] {
            let refused = bytes_of(&large, MAP_AT_LEAST, mapping);
            assert!(
                matches!(refused, Err(Error::TooLarge { limit }) if limit == MAP_AT_LEAST),
                "{mapping:?}"
            );
        }
    }
}
