//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root (tests run the binary from there, so that relative
/// paths in goldens are stable).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `artconv` binary, hermetic: cleared environment, repository root as
/// working directory.
pub fn artconv() -> Command {
    let mut cmd = Command::cargo_bin("artconv").expect("binary built");
    cmd.env_clear().current_dir(root());
    cmd
}

/// Whether goldens should be rewritten instead of compared (never in CI).
pub fn blessing() -> bool {
    std::env::var_os("ARTCONV_BLESS").is_some_and(|v| v == "1")
}

/// Every fixture case folder, sorted.
pub fn fixture_cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures"))
        .expect("fixtures/ exists")
        .map(|entry| entry.expect("readable fixtures").path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    cases
}

/// The input file of a case (`input.*`).
pub fn case_input(case: &Path) -> PathBuf {
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(case)
        .expect("case folder readable")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.file_stem().is_some_and(|stem| stem == "input"))
        .collect();
    inputs.sort();
    assert_eq!(
        inputs.len(),
        1,
        "{} must hold exactly one input.*",
        case.display()
    );
    inputs.remove(0)
}

/// `path` relative to the repository root, with `/` separators.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .expect("inside the repository")
        .to_string_lossy()
        .replace('\\', "/")
}
