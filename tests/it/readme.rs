//! The README's rule table is generated from the registry; this fails when
//! it is stale. `GOHINT_BLESS=1 cargo test --test it readme::` rewrites it.

use std::path::Path;

const START: &str = "<!-- rules:start -->\n";
const END: &str = "<!-- rules:end -->";

#[test]
fn readme_rule_table_matches_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (Some(s), Some(e)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the {START:?} … {END:?} markers");
    };
    let table = gohint::explain::rule_table();
    let current = &readme[s + START.len()..e];
    if current != table {
        if std::env::var_os("GOHINT_BLESS").is_some() {
            let updated = format!("{}{table}{}", &readme[..s + START.len()], &readme[e..]);
            std::fs::write(&path, updated).expect("rewrite README.md");
        } else {
            panic!(
                "README rule table is stale: run `GOHINT_BLESS=1 cargo test --test it readme::`"
            );
        }
    }
}
