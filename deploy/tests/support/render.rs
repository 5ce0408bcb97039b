//! Rendering the repository's chart in the tests, with `--set`-style
//! overrides, and finding objects in the result.

#![allow(dead_code, unreachable_pub)]

use passerelle_deploy::render::{manifests, notes, render};
use passerelle_deploy::values::with_overrides;
use passerelle_deploy::{Chart, Manifest, Release};
use serde_yaml::Value as Yaml;

/// The chart rendered for the default release with `overrides`.
pub fn objects(overrides: &[&str]) -> Vec<Manifest> {
    let chart = Chart::passerelle().expect("the chart loads");
    let values = with_overrides(&Yaml::Mapping(Default::default()), overrides).expect("overrides parse");
    let rendered = render(&chart, &Release::default_install(), &values)
        .unwrap_or_else(|e| panic!("the chart renders with {overrides:?}: {e}"));
    manifests(&chart, &rendered).expect("every rendered document is an object")
}

/// The chart's NOTES.txt rendered with `overrides`.
pub fn notes_text(overrides: &[&str]) -> String {
    let chart = Chart::passerelle().expect("the chart loads");
    let values = with_overrides(&Yaml::Mapping(Default::default()), overrides).expect("overrides parse");
    let rendered = render(&chart, &Release::default_install(), &values).expect("the chart renders");
    notes(&rendered).expect("the chart has a NOTES.txt").to_string()
}

/// The object of `kind` named `name`, if rendered.
pub fn find<'a>(objects: &'a [Manifest], kind: &str, name: &str) -> Option<&'a Yaml> {
    objects
        .iter()
        .find(|m| m.kind == kind && m.object["metadata"]["name"].as_str() == Some(name))
        .map(|m| &m.object)
}

/// The object of `kind` named `name`; the test fails when it is missing.
pub fn get<'a>(objects: &'a [Manifest], kind: &str, name: &str) -> &'a Yaml {
    find(objects, kind, name).unwrap_or_else(|| panic!("no {kind} {name} rendered"))
}

/// The first container of a workload.
pub fn container(workload: &Yaml) -> &Yaml {
    &workload["spec"]["template"]["spec"]["containers"][0]
}

/// A container's args, as strings.
pub fn args(workload: &Yaml) -> Vec<String> {
    container(workload)["args"]
        .as_sequence()
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect()
}

/// Whether the args hold `flag` exactly.
pub fn has_arg(workload: &Yaml, flag: &str) -> bool {
    args(workload).iter().any(|a| a == flag)
}
