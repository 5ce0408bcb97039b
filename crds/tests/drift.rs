//! The committed CRDs must be exactly what `crdgen` writes from the Rust
//! types, in both places it writes them: `deploy/crds/` (for
//! `kubectl apply -f`) and the Helm chart's `deploy/helm/passerelle/crds/`.
//! They are generated, never edited by hand.

use std::path::{Path, PathBuf};

const REGENERATE: &str = "cargo run -p passerelle-crds --bin crdgen";

/// Checks that `dir` (relative to the repository) holds exactly the
/// generated CRDs.
fn check(dir: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir);
    let mut expected: Vec<String> = Vec::new();
    for crd in passerelle_crds::crd::all() {
        let file = passerelle_crds::crd::file_name(&crd);
        let want = passerelle_crds::crd::to_yaml(&crd).unwrap();
        let got = std::fs::read_to_string(path.join(&file))
            .unwrap_or_else(|_| panic!("{dir}/{file} is missing: run `{REGENERATE}`"));
        assert!(
            got == want,
            "{dir}/{file} differs from the Rust types: run `{REGENERATE}`"
        );
        expected.push(file);
    }
    let mut present: Vec<String> = std::fs::read_dir(&path)
        .unwrap_or_else(|_| panic!("{dir} is missing: run `{REGENERATE}`"))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|f| f.ends_with(".yaml"))
        .collect();
    present.sort();
    expected.sort();
    assert_eq!(
        present, expected,
        "{dir} holds files crdgen does not write: run `{REGENERATE}`"
    );
}

#[test]
fn committed_crds_match_the_generated_ones() {
    check("deploy/crds");
}

#[test]
fn helm_chart_crds_match_the_generated_ones() {
    check("deploy/helm/passerelle/crds");
}

#[test]
fn both_copies_are_the_same_files() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    for crd in passerelle_crds::crd::all() {
        let file = passerelle_crds::crd::file_name(&crd);
        let plain = std::fs::read(root.join("deploy/crds").join(&file)).ok();
        let chart = std::fs::read(root.join("deploy/helm/passerelle/crds").join(&file)).ok();
        assert!(
            plain.is_some() && plain == chart,
            "deploy/crds/{file} and the chart's copy differ: run `{REGENERATE}`"
        );
    }
}
