//! `paths` of a group version document: the routes the API installer (for
//! built-ins) or the apiextensions OpenAPI builder (for CRDs) registers for
//! each resource, with the operation ids, tags, parameters, request bodies
//! and responses they publish, and the `x-kubernetes-action` and
//! `x-kubernetes-group-version-kind` extensions kubectl reads: `kubectl
//! explain` finds a resource's kind through them, and `kubectl apply`
//! leaves validation to the server once the PATCH operation of the kind
//! lists a `fieldValidation` query parameter.
//!
//! The PATCH request body of a built-in kind does not offer
//! `application/strategic-merge-patch+json`: k8s-openapi's schemas carry no
//! `x-kubernetes-patch-strategy`/`-merge-key`, and without them kubectl
//! would compute strategic merge patches that replace lists. Without that
//! media type kubectl computes the patch from its compiled-in types, which
//! is the patch it sends to a real server.

use serde_json::{Map, Value, json};

use super::params;
use super::schemas::{REF_PREFIX, kind_name, list_name};
use crate::registry::ResourceType;

/// One operation of a route.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    List,
    Create,
    DeleteCollection,
    Read,
    Replace,
    Delete,
    Patch,
}

/// The resource being described and how its server names things.
struct Route<'a> {
    rt: &'a ResourceType,
    /// `coordinationV1`-style operation id infix and `coordination_v1` tag.
    id_infix: String,
    tag: String,
}

/// `paths` for the types of one group version.
pub(super) fn paths(types: &[&ResourceType]) -> Map<String, Value> {
    let mut paths = Map::new();
    for rt in types {
        let (id_infix, tag) = operation_naming(&rt.group, &rt.version);
        let route = Route { rt, id_infix, tag };
        let has = |verb: &str| rt.verbs.contains(&verb);
        let prefix = rt.prefix();
        let collection = if rt.namespaced {
            format!("{prefix}/namespaces/{{namespace}}/{}", rt.plural)
        } else {
            format!("{prefix}/{}", rt.plural)
        };
        if rt.namespaced && has("list") {
            let mut item = Map::new();
            item.insert("get".into(), route.operation(Action::List, "", true));
            item.insert(
                "parameters".into(),
                json!(params::for_path(&rt.kind, false, false)),
            );
            paths.insert(format!("{prefix}/{}", rt.plural), Value::Object(item));
        }
        let collection_actions: &[(&str, &str, Action)] = &[
            ("list", "get", Action::List),
            ("create", "post", Action::Create),
            ("deletecollection", "delete", Action::DeleteCollection),
        ];
        route.insert(&mut paths, &collection, collection_actions, "", false);
        let item_actions: &[(&str, &str, Action)] = &[
            ("get", "get", Action::Read),
            ("update", "put", Action::Replace),
            ("delete", "delete", Action::Delete),
            ("patch", "patch", Action::Patch),
        ];
        route.insert(
            &mut paths,
            &format!("{collection}/{{name}}"),
            item_actions,
            "",
            true,
        );
        if rt.status {
            let status_actions: &[(&str, &str, Action)] = &[
                ("get", "get", Action::Read),
                ("update", "put", Action::Replace),
                ("patch", "patch", Action::Patch),
            ];
            route.insert(
                &mut paths,
                &format!("{collection}/{{name}}/status"),
                status_actions,
                "status",
                true,
            );
        }
    }
    paths
}

/// `GetOperationIDAndTags`: the group (without `.k8s.io`, `core` for the
/// core group) and version as an operation id infix and a tag.
fn operation_naming(group: &str, version: &str) -> (String, String) {
    let group = if group.is_empty() {
        "core"
    } else {
        group.strip_suffix(".k8s.io").unwrap_or(group)
    };
    let infix = format!(
        "{}{}",
        valid_operation_id(group, true),
        valid_operation_id(version, true)
    );
    let tag = format!(
        "{}_{}",
        valid_operation_id(group, false),
        valid_operation_id(version, false)
    );
    (infix, tag)
}

/// `ToValidOperationID`: letters kept, the letter after a separator
/// capitalized (`cert-manager.io` → `certManagerIo`).
fn valid_operation_id(s: &str, capitalize_first: bool) -> String {
    let mut out = String::new();
    let mut capitalize = capitalize_first;
    for (i, c) in s.chars().enumerate() {
        if c.is_alphabetic() || c == '_' || (i != 0 && c.is_ascii_digit()) {
            if capitalize {
                out.extend(c.to_uppercase());
                capitalize = false;
            } else {
                out.push(c);
            }
        } else {
            capitalize = true;
        }
    }
    out
}

/// `GetArticleForNoun`: `a`, `an`, or none for plurals.
fn article(noun: &str) -> &'static str {
    if !noun.ends_with("ss") && noun.ends_with('s') {
        " "
    } else if noun.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        " an "
    } else {
        " a "
    }
}

impl Route<'_> {
    /// Adds the path with the operations of the verbs the type serves.
    fn insert(
        &self,
        paths: &mut Map<String, Value>,
        path: &str,
        actions: &[(&str, &str, Action)],
        sub: &str,
        named: bool,
    ) {
        let mut item = Map::new();
        for (verb, method, action) in actions {
            if self.rt.verbs.contains(verb) {
                item.insert((*method).into(), self.operation(*action, sub, false));
            }
        }
        if item.is_empty() {
            return;
        }
        item.insert(
            "parameters".into(),
            json!(params::for_path(&self.rt.kind, named, self.rt.namespaced)),
        );
        paths.insert(path.into(), Value::Object(item));
    }

    /// One operation.
    fn operation(&self, action: Action, sub: &str, all_namespaces: bool) -> Value {
        let rt = self.rt;
        let (operation_id, x_action, description) = self.naming(action, sub, all_namespaces);
        let mut op = json!({
            "description": description,
            "operationId": operation_id,
            "tags": [self.tag],
            "x-kubernetes-action": x_action,
            "x-kubernetes-group-version-kind": {"group": rt.group, "kind": rt.kind, "version": rt.version},
        });
        self.exchange(action, &mut op);
        op
    }

    /// The operation id, `x-kubernetes-action` and description, in the
    /// installer's wording for built-ins and the CRD builder's for CRDs.
    fn naming(&self, action: Action, sub: &str, all_namespaces: bool) -> (String, &'static str, String) {
        let rt = self.rt;
        let custom = rt.is_custom();
        let kind = &rt.kind;
        let sub_title = sub
            .get(..1)
            .map(|f| f.to_uppercase() + &sub[1..])
            .unwrap_or_default();
        let sub_of = if sub.is_empty() {
            String::new()
        } else {
            format!(" {sub} of")
        };
        let namespaced = if rt.namespaced { "Namespaced" } else { "" };
        let (verb, x_action, description) = match action {
            Action::List if custom => ("list", "list", format!("list objects of kind {kind}")),
            Action::List => ("list", "list", format!("list or watch objects of kind {kind}")),
            Action::Create => ("create", "post", format!("create{}{kind}", article(kind))),
            Action::DeleteCollection if custom => (
                "deletecollection",
                "deletecollection",
                format!("delete collection of{sub_of} {kind}"),
            ),
            Action::DeleteCollection => (
                "delete",
                "deletecollection",
                format!("delete collection of{sub_of} {kind}"),
            ),
            Action::Read => ("read", "get", format!("read{sub_of} the specified {kind}")),
            Action::Replace => ("replace", "put", format!("replace{sub_of} the specified {kind}")),
            Action::Delete => ("delete", "delete", format!("delete{}{kind}", article(kind))),
            Action::Patch => (
                "patch",
                "patch",
                format!("partially update{sub_of} the specified {kind}"),
            ),
        };
        let rest = match action {
            Action::List if all_namespaces => format!("{kind}ForAllNamespaces"),
            // The installer names it `deleteCollection…`, the CRD builder
            // `deletecollection…`.
            Action::DeleteCollection if !custom => format!("Collection{namespaced}{kind}"),
            _ => format!("{namespaced}{kind}{sub_title}"),
        };
        (format!("{verb}{}{rest}", self.id_infix), x_action, description)
    }

    /// The parameters, request body and responses of an operation.
    fn exchange(&self, action: Action, op: &mut Value) {
        let rt = self.rt;
        let (produces, consumes): (&[&str], &[&str]) = if rt.is_custom() {
            (CRD_MEDIA, CRD_MEDIA)
        } else {
            (BUILTIN_PRODUCES, &["*/*"])
        };
        let kind = reference(&kind_name(rt));
        let status = reference("io.k8s.apimachinery.pkg.apis.meta.v1.Status");
        let delete_options = json!({"content": media(&reference("io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"), &["*/*"])});
        let (parameters, body, responses) = match action {
            Action::List => {
                let watch: &[&str] = if rt.is_custom() { &[] } else { WATCH_PRODUCES };
                let list = reference(&list_name(rt));
                (
                    params::list(),
                    None,
                    json!({"200": response(&list, &[produces, watch].concat(), "OK")}),
                )
            }
            Action::Create => (
                params::write(),
                Some(json!({"content": media(&kind, consumes), "required": true})),
                json!({
                    "200": response(&kind, produces, "OK"),
                    "201": response(&kind, produces, "Created"),
                    "202": response(&kind, produces, "Accepted"),
                }),
            ),
            Action::DeleteCollection => (
                [params::delete(), params::list()].concat(),
                Some(delete_options),
                json!({"200": response(&status, produces, "OK")}),
            ),
            Action::Read => (Vec::new(), None, json!({"200": response(&kind, produces, "OK")})),
            Action::Replace => (
                params::write(),
                Some(json!({"content": media(&kind, consumes), "required": true})),
                json!({"200": response(&kind, produces, "OK"), "201": response(&kind, produces, "Created")}),
            ),
            Action::Delete => (
                params::delete(),
                Some(delete_options),
                json!({"200": response(&status, produces, "OK"), "202": response(&status, produces, "Accepted")}),
            ),
            Action::Patch => (
                params::patch(),
                Some(json!({
                    "content": media(&reference("io.k8s.apimachinery.pkg.apis.meta.v1.Patch"), PATCH_MEDIA),
                    "required": true,
                })),
                json!({"200": response(&kind, produces, "OK"), "201": response(&kind, produces, "Created")}),
            ),
        };
        if !parameters.is_empty() {
            op["parameters"] = json!(parameters);
        }
        if let Some(body) = body {
            op["requestBody"] = body;
        }
        op["responses"] = responses;
    }
}

/// What a built-in operation answers with.
const BUILTIN_PRODUCES: &[&str] = &[
    "application/json",
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
];
/// What a built-in list answers a watch with.
const WATCH_PRODUCES: &[&str] = &[
    "application/json;stream=watch",
    "application/vnd.kubernetes.protobuf;stream=watch",
];
/// What a CRD operation consumes and produces.
const CRD_MEDIA: &[&str] = &["application/json", "application/yaml"];
/// The patch media types offered (see the module documentation for the
/// missing strategic merge patch).
const PATCH_MEDIA: &[&str] = &[
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
];

/// A reference to a component schema.
fn reference(name: &str) -> Value {
    json!({"$ref": format!("{REF_PREFIX}{name}")})
}

/// A `content` map: each media type with the schema.
fn media(schema: &Value, types: &[&str]) -> Value {
    let content: Map<String, Value> = types
        .iter()
        .map(|m| ((*m).to_string(), json!({"schema": schema})))
        .collect();
    Value::Object(content)
}

/// A response with its content and description.
fn response(schema: &Value, types: &[&str], description: &str) -> Value {
    json!({"content": media(schema, types), "description": description})
}
