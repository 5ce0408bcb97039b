//! `crdgen`: writes Passerelle's CustomResourceDefinitions, one YAML file per
//! CRD, into `deploy/crds/` and the Helm chart's `deploy/helm/passerelle/crds/`
//! (or the directories given as arguments). The files are generated, never
//! edited by hand; a test fails when either copy drifts.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut dirs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        dirs.push(root.join("deploy/crds"));
        dirs.push(root.join("deploy/helm/passerelle/crds"));
    }
    for dir in &dirs {
        std::fs::create_dir_all(dir)?;
        for crd in passerelle_crds::crd::all() {
            let path = dir.join(passerelle_crds::crd::file_name(&crd));
            std::fs::write(&path, passerelle_crds::crd::to_yaml(&crd)?)?;
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}
