//! The committed CRDs in `deploy/crds/` must be exactly what `crdgen` writes
//! from the Rust types: they are generated, never edited by hand.

use std::path::PathBuf;

const REGENERATE: &str = "cargo run -p passerelle-crds --bin crdgen";

#[test]
fn committed_crds_match_the_generated_ones() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../deploy/crds");
    let mut expected: Vec<String> = Vec::new();
    for crd in passerelle_crds::crd::all() {
        let file = passerelle_crds::crd::file_name(&crd);
        let want = passerelle_crds::crd::to_yaml(&crd).unwrap();
        let got = std::fs::read_to_string(dir.join(&file))
            .unwrap_or_else(|_| panic!("deploy/crds/{file} is missing: run `{REGENERATE}`"));
        assert!(
            got == want,
            "deploy/crds/{file} differs from the Rust types: run `{REGENERATE}`"
        );
        expected.push(file);
    }
    let mut present: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|f| f.ends_with(".yaml"))
        .collect();
    present.sort();
    expected.sort();
    assert_eq!(
        present, expected,
        "deploy/crds/ holds files crdgen does not write: run `{REGENERATE}`"
    );
}
