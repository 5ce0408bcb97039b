//! A Helm chart on disk, as the renderer needs it: `Chart.yaml`,
//! `values.yaml`, the files of `templates/` and of `crds/`, and the release
//! it is rendered for (the `.Release` and `.Chart` objects of Helm's
//! template context).

use std::path::{Path, PathBuf};

use serde_yaml::Value as Yaml;

use crate::{Error, Result};

/// A chart loaded from its directory.
#[derive(Clone, Debug)]
pub struct Chart {
    /// The chart directory.
    pub dir: PathBuf,
    /// `Chart.yaml`.
    pub metadata: Yaml,
    /// `values.yaml`.
    pub values: Yaml,
    /// The files of `templates/`, by path relative to the chart
    /// (`templates/x.yaml`), sorted.
    pub templates: Vec<(String, String)>,
    /// The files of `crds/`, by file name, sorted.
    pub crds: Vec<(String, String)>,
}

/// The release a chart is rendered for (`helm template NAME -n NAMESPACE`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    /// `.Release.Name`.
    pub name: String,
    /// `.Release.Namespace`.
    pub namespace: String,
}

impl Release {
    /// The default install: release `passerelle` in namespace `passerelle`.
    pub fn default_install() -> Self {
        Self {
            name: "passerelle".into(),
            namespace: "passerelle".into(),
        }
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn parse_yaml(text: &str, what: &Path) -> Result<Yaml> {
    serde_yaml::from_str(text).map_err(|source| Error::Yaml {
        what: what.display().to_string(),
        source,
    })
}

/// The files of `dir` (not recursing), sorted by name; none when it is
/// missing.
fn files(dir: &Path) -> Result<Vec<(String, String)>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            out.push((name, read(&path)?));
        }
    }
    out.sort();
    Ok(out)
}

impl Chart {
    /// Loads the chart in `dir`.
    pub fn load(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        let metadata_path = dir.join("Chart.yaml");
        let values_path = dir.join("values.yaml");
        let metadata = parse_yaml(&read(&metadata_path)?, &metadata_path)?;
        let values = parse_yaml(&read(&values_path)?, &values_path)?;
        let templates = files(&dir.join("templates"))?
            .into_iter()
            .map(|(name, text)| (format!("templates/{name}"), text))
            .collect();
        let crds = files(&dir.join("crds"))?;
        Ok(Self {
            dir,
            metadata,
            values,
            templates,
            crds,
        })
    }

    /// The chart in this repository, `deploy/helm/passerelle`.
    pub fn passerelle() -> Result<Self> {
        Self::load(Self::passerelle_dir())
    }

    /// Where the repository's chart is.
    pub fn passerelle_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("helm/passerelle")
    }

    /// `name` from Chart.yaml.
    pub fn name(&self) -> &str {
        self.metadata
            .get("name")
            .and_then(Yaml::as_str)
            .unwrap_or_default()
    }

    /// Helm's `.Chart` object: Chart.yaml's fields with Go's capitalized
    /// names (`name` → `Name`, `appVersion` → `AppVersion`).
    pub fn chart_object(&self) -> Yaml {
        let mut out = serde_yaml::Mapping::new();
        if let Some(map) = self.metadata.as_mapping() {
            for (key, value) in map {
                let Some(key) = key.as_str() else { continue };
                let mut chars = key.chars();
                let capitalized: String = chars
                    .next()
                    .map(|c| c.to_ascii_uppercase())
                    .into_iter()
                    .chain(chars)
                    .collect();
                out.insert(Yaml::from(capitalized), value.clone());
            }
        }
        Yaml::Mapping(out)
    }

    /// The whole template context for `release` with `values` (already
    /// merged over the chart's defaults): `.Values`, `.Release`, `.Chart`.
    pub fn context(&self, release: &Release, values: &Yaml) -> Yaml {
        let release_object: serde_yaml::Mapping = [
            ("Name", Yaml::from(release.name.clone())),
            ("Namespace", Yaml::from(release.namespace.clone())),
            ("Service", Yaml::from("Helm")),
            ("IsInstall", Yaml::from(true)),
            ("IsUpgrade", Yaml::from(false)),
            ("Revision", Yaml::from(1)),
        ]
        .into_iter()
        .map(|(k, v)| (Yaml::from(k), v))
        .collect();
        let context: serde_yaml::Mapping = [
            ("Values", values.clone()),
            ("Release", Yaml::Mapping(release_object)),
            ("Chart", self.chart_object()),
        ]
        .into_iter()
        .map(|(k, v)| (Yaml::from(k), v))
        .collect();
        Yaml::Mapping(context)
    }
}
