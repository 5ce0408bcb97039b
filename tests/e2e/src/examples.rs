//! The manifests of `deploy/examples`, made ready to apply: their `${NAME}`
//! placeholders (the ACME server, its CA bundle, the domain, the backend's
//! address, the Secret's mount directory, the proxy's entry points — see
//! `deploy/examples/README.md`)
//! are replaced with the values of one run. A placeholder with no value is
//! an error, never left in the output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::binaries::workspace_root;

/// Every placeholder the examples may use.
pub const PLACEHOLDERS: [&str; 8] = [
    "ACME_SERVER",
    "ACME_CA_BUNDLE",
    "DOMAIN",
    "BACKEND_ADDRESS",
    "BACKEND_PORT",
    "SSL_DIR",
    "HTTP_ADDRESS",
    "HTTPS_ADDRESS",
];

/// `deploy/examples/NAME` in this clone.
pub fn example_dir(name: &str) -> PathBuf {
    workspace_root().join("deploy/examples").join(name)
}

/// Replaces each `${NAME}` of `text` with `values[NAME]`; `file` names the
/// text in errors.
pub fn render(file: &str, text: &str, values: &BTreeMap<String, String>) -> Result<String, Error> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').ok_or_else(|| Error::Render {
            file: file.to_string(),
            message: "a `${` is never closed".to_string(),
        })?;
        let name = &after[..end];
        let value = values.get(name).ok_or_else(|| Error::Render {
            file: file.to_string(),
            message: format!("no value for ${{{name}}}"),
        })?;
        out.push_str(value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Renders every file of `src` into `dst` (created), keeping the names;
/// returns the rendered files in name order (kubectl applies a directory in
/// that order).
pub fn render_dir(src: &Path, dst: &Path, values: &BTreeMap<String, String>) -> Result<Vec<PathBuf>, Error> {
    let read_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::ReadFile { path, source }
    };
    std::fs::create_dir_all(dst).map_err(|source| Error::WriteFile {
        path: dst.to_path_buf(),
        source,
    })?;
    let mut names: Vec<PathBuf> = std::fs::read_dir(src)
        .map_err(read_error(src))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    names.sort();
    let mut rendered = Vec::new();
    for path in names {
        let text = std::fs::read_to_string(&path).map_err(read_error(&path))?;
        let file = path.display().to_string();
        let target = dst.join(path.file_name().unwrap_or_default());
        std::fs::write(&target, render(&file, &text, values)?).map_err(|source| Error::WriteFile {
            path: target.clone(),
            source,
        })?;
        rendered.push(target);
    }
    Ok(rendered)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize as _;

    use super::*;
    use crate::pebble::process::ScratchDir;

    fn values() -> BTreeMap<String, String> {
        PLACEHOLDERS
            .iter()
            .map(|name| {
                let value = match *name {
                    "BACKEND_PORT" => "8080".to_string(),
                    "BACKEND_ADDRESS" => "127.0.0.1".to_string(),
                    other => format!("value-of-{}", other.to_lowercase()),
                };
                (name.to_string(), value)
            })
            .collect()
    }

    #[test]
    fn replaces_placeholders_and_refuses_unknown_ones() {
        let text = "server: ${ACME_SERVER}\nhost: a.${DOMAIN}\n";
        assert_eq!(
            render("t", text, &values()).unwrap(),
            "server: value-of-acme_server\nhost: a.value-of-domain\n"
        );
        let error = render("t.yaml", "x: ${NOPE}", &values()).unwrap_err();
        assert!(error.to_string().contains("no value for ${NOPE}"), "{error}");
        assert!(render("t", "x: ${DOMAIN", &values()).is_err());
    }

    /// Every example renders with the known placeholders only, and every
    /// manifest is YAML with an apiVersion and kind once rendered.
    #[test]
    fn every_example_renders_to_manifests() {
        for example in ["walkthrough", "v1"] {
            let scratch = ScratchDir::create("passerelle-examples").expect("scratch");
            let files = render_dir(&example_dir(example), scratch.path(), &values()).expect("renders");
            let mut kinds = Vec::new();
            for file in files
                .iter()
                .filter(|f| f.extension().is_some_and(|e| e == "yaml"))
            {
                let text = std::fs::read_to_string(file).unwrap();
                for document in serde_yaml::Deserializer::from_str(&text) {
                    let value = serde_yaml::Value::deserialize(document)
                        .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                    assert!(value["apiVersion"].is_string(), "{}", file.display());
                    kinds.push(value["kind"].as_str().unwrap_or_default().to_string());
                }
            }
            for kind in ["Issuer", "Certificate", "Service", "EndpointSlice", "Ingress"] {
                assert!(
                    kinds.iter().any(|k| k == kind),
                    "{example} has no {kind}: {kinds:?}"
                );
            }
        }
        let toml = std::fs::read_to_string(example_dir("walkthrough").join("traefik.toml")).unwrap();
        assert!(toml.contains("${SSL_DIR}/tls.crt"), "{toml}");
    }
}
