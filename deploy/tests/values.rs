//! What can be checked of the chart's text without rendering it: every
//! `.Values` path a template reads exists in values.yaml and every key of
//! values.yaml is read; every RBAC rule says, in a comment, what uses it;
//! and every flag the chart passes to a program is one that program
//! declares (found in its source, since the binaries are not built here).

#[path = "support/render.rs"]
mod support;

use std::collections::BTreeSet;
use std::path::Path;

use passerelle_deploy::Chart;
use passerelle_deploy::values::{paths, references};

fn template_references(chart: &Chart) -> BTreeSet<String> {
    chart
        .templates
        .iter()
        .flat_map(|(_, text)| references(text))
        .collect()
}

#[test]
fn every_values_reference_exists_in_values_yaml() {
    let chart = Chart::passerelle().unwrap();
    let defined = paths(&chart.values);
    let missing: Vec<String> = template_references(&chart)
        .into_iter()
        .filter(|r| !defined.contains(r))
        .collect();
    assert!(
        missing.is_empty(),
        "templates read values that values.yaml lacks: {missing:?}"
    );
}

#[test]
fn every_key_of_values_yaml_is_read_by_a_template() {
    let chart = Chart::passerelle().unwrap();
    let read = template_references(&chart);
    // A key is read when a template reads it, a map holding it (toYaml of
    // the whole map), or something inside it.
    let unread: Vec<String> = paths(&chart.values)
        .into_iter()
        .filter(|p| {
            !read
                .iter()
                .any(|r| r == p || p.starts_with(&format!("{r}.")) || r.starts_with(&format!("{p}.")))
        })
        .collect();
    assert!(
        unread.is_empty(),
        "values.yaml keys no template reads: {unread:?}"
    );
}

#[test]
fn every_rbac_rule_says_what_uses_it() {
    for m in support::objects(&["proxy.kind=Deployment"]) {
        if !matches!(m.kind.as_str(), "ClusterRole" | "Role") {
            continue;
        }
        let lines: Vec<&str> = m.text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.trim_start().starts_with("- apiGroups:") {
                let above = lines[..i].last().map(|l| l.trim_start()).unwrap_or_default();
                assert!(
                    above.starts_with('#'),
                    "{} {:?}: the rule at line {} has no comment saying what uses it",
                    m.kind,
                    m.object["metadata"]["name"],
                    i + 1
                );
            }
        }
        assert!(
            !m.text.contains("\"*\""),
            "{} {:?} grants a wildcard",
            m.kind,
            m.object["metadata"]["name"]
        );
    }
}

/// The Rust sources of a crate, concatenated.
fn sources(dir: &Path) -> String {
    let mut out = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    out
}

/// Whether `source` declares the clap flag `--name`: a field named after it
/// (clap derives `--leader-election-namespace` from
/// `leader_election_namespace`) or an explicit `long = "name"`.
fn declares(source: &str, name: &str) -> bool {
    let field = format!("{}:", name.replace(['-', '.'], "_"));
    source.contains(&format!("long = \"{name}\""))
        || source.lines().any(|l| {
            let l = l.trim_start();
            let l = l
                .strip_prefix("pub(crate) ")
                .or_else(|| l.strip_prefix("pub "))
                .unwrap_or(l);
            l.starts_with(&field)
        })
}

fn flags_of(workload: &serde_yaml::Value) -> Vec<String> {
    support::args(workload)
        .iter()
        .filter_map(|a| a.strip_prefix("--"))
        .map(|a| a.split('=').next().unwrap_or(a).to_string())
        .collect()
}

#[test]
fn every_flag_the_chart_passes_is_declared_by_its_program() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let objects = support::objects(&[
        "proxy.accessLog=true",
        "proxy.ingressClass=x",
        "proxy.namespaces=a",
        "proxy.labelSelector=a=b",
        "proxy.kind=Deployment",
        "ingressShim.defaultIssuerName=x",
    ]);
    let with_address = support::objects(&["proxy.publishAddress=203.0.113.7"]);
    let programs = [
        (
            "operator/src",
            support::get(&objects, "Deployment", "passerelle-operator"),
        ),
        (
            "proxy/src",
            support::get(&objects, "Deployment", "passerelle-proxy"),
        ),
        (
            "proxy/src",
            support::get(&with_address, "DaemonSet", "passerelle-proxy"),
        ),
    ];
    for (dir, workload) in programs {
        let source = sources(&root.join(dir));
        let undeclared: Vec<String> = flags_of(workload)
            .into_iter()
            .filter(|f| !declares(&source, f))
            .collect();
        assert!(
            undeclared.is_empty(),
            "{dir} declares no flag {undeclared:?}, which the chart passes"
        );
    }
}
