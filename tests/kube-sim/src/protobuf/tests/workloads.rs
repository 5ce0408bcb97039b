//! Workload kinds built field by field: Service ports and a Deployment's
//! pod template with containers, volumes, probes and a rollout strategy.

use pretty_assertions::assert_eq;
use serde_json::json;

use super::{Enc, decoded, int_or_string_int, int_or_string_str, named};

#[test]
fn service_target_ports_are_numbers_or_names_and_zero_when_unset() {
    let http = Enc::default()
        .str(1, "http")
        .str(2, "TCP")
        .varint(3, 80)
        .msg(4, int_or_string_int(8080));
    let https = Enc::default()
        .varint(3, 443)
        .msg(4, int_or_string_str("https"))
        .str(6, "h2");
    let dns = Enc::default().varint(3, 53);
    let spec = Enc::default()
        .msg(1, http)
        .msg(1, https)
        .msg(1, dns)
        .str(4, "ClusterIP")
        .str(17, "SingleStack");
    let service = Enc::default().msg(1, named("web")).msg(2, spec);
    let got = decoded("v1", "Service", service);
    let expected = json!({
        "kind": "Service", "apiVersion": "v1", "metadata": {"name": "web"},
        "spec": {
            "ports": [
                {"name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080},
                {"port": 443, "targetPort": "https", "appProtocol": "h2"},
                {"port": 53, "targetPort": 0}
            ],
            "type": "ClusterIP", "ipFamilyPolicy": "SingleStack"
        },
        "status": {"loadBalancer": {}}
    });
    assert_eq!(got, expected);
}

#[test]
fn deployment_pod_template_decodes_containers_volumes_and_probes() {
    let secret_ref = Enc::default().msg(1, named("creds")).str(2, "password");
    let container = named("app")
        .str(2, "registry.example/app:1")
        .str(3, "serve")
        .msg(6, Enc::default().str(1, "http").varint(3, 8080))
        .msg(7, named("MODE").str(2, "prod"))
        .msg(7, named("PASSWORD").msg(3, Enc::default().msg(4, secret_ref)))
        .msg(
            8,
            Enc::default()
                .msg(
                    1,
                    Enc::default().str(1, "cpu").msg(2, Enc::default().str(1, "500m")),
                )
                .msg(
                    2,
                    Enc::default()
                        .str(1, "memory")
                        .msg(2, Enc::default().str(1, "64Mi")),
                ),
        )
        .msg(9, named("data").varint(2, 1).str(3, "/data"))
        .msg(
            10,
            Enc::default()
                .msg(
                    1,
                    Enc::default().msg(
                        2,
                        Enc::default()
                            .str(1, "/healthz")
                            .msg(2, int_or_string_str("http")),
                    ),
                )
                .varint(4, 10),
        );
    let volumes = Enc::default()
        .msg(1, named("data").msg(2, Enc::default().msg(2, Enc::default())))
        .msg(
            1,
            named("cfg").msg(
                2,
                Enc::default().msg(19, Enc::default().msg(1, named("cfg")).varint(3, 420)),
            ),
        );
    let pod_spec = volumes.msg(2, container).str(3, "Always");
    let template = Enc::default()
        .msg(1, Enc::default().entry(11, "app", b"web"))
        .msg(2, pod_spec);
    let strategy = Enc::default().str(1, "RollingUpdate").msg(
        2,
        Enc::default()
            .msg(1, int_or_string_int(1))
            .msg(2, int_or_string_str("25%")),
    );
    let spec = Enc::default()
        .varint(1, 0)
        .msg(3, template)
        .msg(4, strategy)
        .varint(6, 5);
    let got = decoded(
        "apps/v1",
        "Deployment",
        Enc::default().msg(1, named("web")).msg(2, spec),
    );
    let expected = json!({
        "kind": "Deployment", "apiVersion": "apps/v1", "metadata": {"name": "web"},
        "spec": {
            "replicas": 0,
            "selector": null,
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "volumes": [
                        {"name": "data", "emptyDir": {}},
                        {"name": "cfg", "configMap": {"name": "cfg", "defaultMode": 420}}
                    ],
                    "containers": [{
                        "name": "app",
                        "image": "registry.example/app:1",
                        "command": ["serve"],
                        "ports": [{"name": "http", "containerPort": 8080}],
                        "env": [
                            {"name": "MODE", "value": "prod"},
                            {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}}
                        ],
                        "resources": {"limits": {"cpu": "500m"}, "requests": {"memory": "64Mi"}},
                        "volumeMounts": [{"name": "data", "readOnly": true, "mountPath": "/data"}],
                        "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10}
                    }],
                    "restartPolicy": "Always"
                }
            },
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "25%"}},
            "revisionHistoryLimit": 5
        },
        "status": {}
    });
    assert_eq!(got, expected);
}
