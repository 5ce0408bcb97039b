//! Rendering a chart as `helm template` does: every file of `templates/`
//! whose name does not start with `_` is executed with the context of the
//! release (defines from every file visible to all), each output is split
//! into YAML documents, empty ones dropped, and the documents are ordered by
//! Helm's install order of kinds (stable: within a kind, by file name and
//! position). `NOTES.txt` is rendered but is not a manifest.

use serde_yaml::Value as Yaml;

use crate::chart::{Chart, Release};
use crate::funcs::{Templates, template_set};
use crate::values::{merge, to_gtmpl};
use crate::{Error, Result};

/// One rendered template file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// `templates/x.yaml`.
    pub path: String,
    /// The output.
    pub text: String,
}

/// One Kubernetes object of the rendering.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// The template file it comes from (`passerelle/templates/x.yaml`, as
    /// Helm's `# Source:` line names it).
    pub source: String,
    /// Its kind.
    pub kind: String,
    /// The document text, trimmed.
    pub text: String,
    /// The document, parsed.
    pub object: Yaml,
}

/// Helm's install order (`releaseutil.InstallOrder`): kinds that others
/// depend on first. Unknown kinds go last.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
];

/// Renders every template of `chart` for `release`, with `overrides`
/// merged over the chart's values.
pub fn render(chart: &Chart, release: &Release, overrides: &Yaml) -> Result<Vec<Rendered>> {
    let values = merge(&chart.values, overrides);
    let context = to_gtmpl(&chart.context(release, &values));
    let _templates = Templates::install(&chart.templates);
    let mut out = Vec::new();
    for (path, _) in &chart.templates {
        let file = path.rsplit('/').next().unwrap_or(path);
        if file.starts_with('_') {
            continue;
        }
        let template = template_set(&chart.templates, path).map_err(|message| Error::Parse {
            template: path.clone(),
            message,
        })?;
        let text = template
            .render(&gtmpl::Context::from(context.clone()))
            .map_err(|e| Error::Render {
                template: path.clone(),
                message: e.to_string(),
            })?;
        out.push(Rendered {
            path: path.clone(),
            text,
        });
    }
    Ok(out)
}

/// Splits a rendered file into its non-empty documents, trimmed, as Helm's
/// `SplitManifests` does.
pub fn split_documents(text: &str) -> Vec<String> {
    let separator = regex::Regex::new(r"(?:^|\s*\n)---\s*").expect("valid regex");
    separator
        .split(text)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .collect()
}

fn kind_rank(kind: &str) -> usize {
    INSTALL_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(INSTALL_ORDER.len())
}

/// The objects of a rendering (NOTES.txt left out), in install order.
pub fn manifests(chart: &Chart, rendered: &[Rendered]) -> Result<Vec<Manifest>> {
    let mut out = Vec::new();
    for file in rendered.iter().filter(|r| !r.path.ends_with("NOTES.txt")) {
        let source = format!("{}/{}", chart.name(), file.path);
        for text in split_documents(&file.text) {
            let object: Yaml = serde_yaml::from_str(&text).map_err(|source_error| Error::Yaml {
                what: format!("a document of {source}"),
                source: source_error,
            })?;
            // A document of comments only is no object: Helm keeps it, with
            // no kind; nothing here renders one.
            let kind = object
                .get("kind")
                .and_then(Yaml::as_str)
                .ok_or_else(|| Error::Manifest {
                    source_file: source.clone(),
                    message: format!("a document has no kind:\n{text}"),
                })?;
            out.push(Manifest {
                source: source.clone(),
                kind: kind.to_string(),
                text,
                object: object.clone(),
            });
        }
    }
    out.sort_by(|a, b| {
        let (ra, rb) = (kind_rank(&a.kind), kind_rank(&b.kind));
        // Unknown kinds last, sorted by kind, as Helm does.
        ra.cmp(&rb).then_with(|| {
            if ra == INSTALL_ORDER.len() {
                a.kind.cmp(&b.kind)
            } else {
                std::cmp::Ordering::Equal
            }
        })
    });
    Ok(out)
}

/// The rendered NOTES.txt, when the chart has one.
pub fn notes(rendered: &[Rendered]) -> Option<&str> {
    rendered
        .iter()
        .find(|r| r.path.ends_with("NOTES.txt"))
        .map(|r| r.text.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_split_on_separators_and_empty_ones_dropped() {
        let text = "\n---\n# only\nkind: A\n---   \n\nkind: B\n---\n  \n";
        assert_eq!(split_documents(text), vec!["# only\nkind: A", "kind: B"]);
    }

    #[test]
    fn install_order_puts_accounts_before_roles_and_workloads_last() {
        assert!(kind_rank("ServiceAccount") < kind_rank("ClusterRole"));
        assert!(kind_rank("ClusterRoleBinding") < kind_rank("Role"));
        assert!(kind_rank("Service") < kind_rank("DaemonSet"));
        assert!(kind_rank("Deployment") < kind_rank("IngressClass"));
        assert_eq!(kind_rank("Unknown"), INSTALL_ORDER.len());
    }
}
