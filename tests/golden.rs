//! Golden tests: every fixture case converted to every format must give
//! exactly the committed `expected.*` bytes.
//!
//! Goldens are reviewed by eye before they are committed and regenerated
//! only on purpose: `ARTCONV_BLESS=1 cargo test --test golden`.

mod common;

use common::{artconv, blessing, case_input, fixture_cases, relative};

const FORMATS: &[&str] = &["json", "csv", "xml", "md"];

#[test]
fn every_fixture_matches_its_goldens() {
    let mut failures = Vec::new();
    for case in fixture_cases() {
        let input = relative(&case_input(&case));
        for format in FORMATS {
            let output = artconv()
                .args([input.as_str(), "-t", format, "-q"])
                .output()
                .expect("artconv runs");
            assert!(
                output.status.success(),
                "{input} -t {format}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let expected_path = case.join(format!("expected.{format}"));
            if blessing() {
                std::fs::write(&expected_path, &output.stdout).expect("golden written");
                continue;
            }
            match std::fs::read(&expected_path) {
                Ok(expected) if expected == output.stdout => {}
                Ok(_) => failures.push(format!("{} differs", relative(&expected_path))),
                Err(_) => failures.push(format!("{} is missing", relative(&expected_path))),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches (review, then ARTCONV_BLESS=1 cargo test --test golden):\n{}",
        failures.join("\n")
    );
}
