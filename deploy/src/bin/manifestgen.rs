//! `manifestgen`: writes `deploy/manifests/passerelle.yaml`, the default
//! install as plain YAML, by rendering the Helm chart with its default
//! values (run `crdgen` first when the API types changed: the chart's CRDs
//! come from its `crds/`). The file is generated, never edited by hand; a
//! test fails when it drifts.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(passerelle_deploy::install::manifest_path);
    let text = passerelle_deploy::install::default_install()?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, text)?;
    println!("wrote {}", path.display());
    Ok(())
}
