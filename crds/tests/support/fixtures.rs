//! The manifests under `tests/fixtures/`, shared by the integration tests.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Every YAML document of every `tests/fixtures/*.yaml`, with its file.
pub(crate) fn fixtures() -> Vec<(PathBuf, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut docs = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for doc in serde_yaml::Deserializer::from_str(&text) {
            let value: Value = serde::Deserialize::deserialize(doc)
                .unwrap_or_else(|e| panic!("{}: not YAML: {e}", file.display()));
            if !value.is_null() {
                docs.push((file.clone(), value));
            }
        }
    }
    docs
}

/// The CRD name (`certificates.cert-manager.io`) a manifest belongs to.
pub(crate) fn crd_name(manifest: &Value) -> String {
    let api_version = manifest["apiVersion"].as_str().unwrap_or_default();
    let group = api_version.split('/').next().unwrap_or_default();
    let kind = manifest["kind"].as_str().unwrap_or_default();
    format!("{}s.{group}", kind.to_lowercase())
}
