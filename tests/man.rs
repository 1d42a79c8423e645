//! `man/artconv.1` is generated from the clap definition and committed; this
//! test fails when it is stale. Regenerate with
//! `ARTCONV_BLESS=1 cargo test --test man`.

mod common;

#[test]
fn man_page_is_up_to_date() {
    let mut page = Vec::new();
    clap_mangen::Man::new(artconv::cli::command())
        .render(&mut page)
        .expect("man page renders");
    let path = common::root().join("man/artconv.1");
    if common::blessing() {
        std::fs::write(&path, &page).expect("man page written");
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == page,
        "man/artconv.1 is stale: run ARTCONV_BLESS=1 cargo test --test man and commit the result"
    );
}
