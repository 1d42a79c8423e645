//! The `artconv` binary: a thin shell over the library (see `cli.rs`).

/// mimalloc rather than the system allocator: a conversion allocates one
/// string per block and frees them all at the end, and a batch does that
/// for thousands of files on several threads, where glibc's per-thread
/// arenas grow and shrink with `mprotect` and `madvise` calls. Chosen
/// here, in the binary, so that programs using the library keep theirs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(artconv::cli::main());
}
