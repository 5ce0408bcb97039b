//! Bodies kubectl 1.37 sent to kube-sim (captured through a logging proxy),
//! each checked against the JSON `kubectl … --dry-run=client -o json`
//! prints for the same command: decoding must give exactly what kubectl
//! would have sent as JSON.

use pretty_assertions::assert_eq;
use serde_json::Value;

use super::unhex;
use crate::protobuf::{CONTENT_TYPE, decode};

fn check(hex: &str, expected: &str) {
    let body = unhex(hex);
    let got = decode(CONTENT_TYPE, &body).expect("the captured body decodes");
    let expected: Value = serde_json::from_str(expected).expect("expected JSON parses");
    assert_eq!(got, expected);
}

/// `kubectl create namespace team`
#[test]
fn create_namespace() {
    check(
        concat!(
            "6b3873000a0f0a02763112094e616d657370616365121c0a140a047465616d12001a0022002a0032003800420012001a",
            "020a001a002200",
        ),
        r#"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"team"},"spec":{},"status":{}}"#,
    );
}

/// `kubectl create secret generic s --from-literal=a=b`
#[test]
fn create_secret_generic() {
    check(
        concat!(
            "6b3873000a0c0a0276311206536563726574121d0a110a017312001a0022002a0032003800420012060a01611201621a",
            "001a002200",
        ),
        r#"{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s"},"data":{"a":"Yg=="}}"#,
    );
}

/// `kubectl create secret docker-registry d --docker-server=r.example --docker-username=u --docker-password=p --docker-email=e@x`
#[test]
fn create_secret_docker_registry() {
    check(
        concat!(
            "6b3873000a0c0a0276311206536563726574129d010a110a016412001a0022002a0032003800420012680a112e646f63",
            "6b6572636f6e6669676a736f6e12537b226175746873223a7b22722e6578616d706c65223a7b22757365726e616d6522",
            "3a2275222c2270617373776f7264223a2270222c22656d61696c223a22654078222c2261757468223a2264547077227d",
            "7d7d1a1e6b756265726e657465732e696f2f646f636b6572636f6e6669676a736f6e1a002200",
        ),
        r#"{"kind":"Secret","apiVersion":"v1","metadata":{"name":"d"},"data":{".dockerconfigjson":"eyJhdXRocyI6eyJyLmV4YW1wbGUiOnsidXNlcm5hbWUiOiJ1IiwicGFzc3dvcmQiOiJwIiwiZW1haWwiOiJlQHgiLCJhdXRoIjoiZFRwdyJ9fX0="},"type":"kubernetes.io/dockerconfigjson"}"#,
    );
}

/// `kubectl create configmap c --from-literal=k=v --from-file=f.txt`
#[test]
fn create_configmap() {
    check(
        concat!(
            "6b3873000a0f0a0276311209436f6e6669674d6170122c0a110a016312001a0022002a00320038004200120f0a05662e",
            "747874120668656c6c6f0a12060a016b1201761a002200",
        ),
        r#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c"},"data":{"f.txt":"hello\n","k":"v"}}"#,
    );
}

/// `kubectl create serviceaccount sa`
#[test]
fn create_serviceaccount() {
    check(
        concat!(
            "6b3873000a140a027631120e536572766963654163636f756e7412140a120a02736112001a0022002a00320038004200",
            "1a002200",
        ),
        r#"{"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"sa"}}"#,
    );
}

/// `kubectl create role r --verb=get,list --resource=pods,secrets --resource-name=x`
#[test]
fn create_role() {
    check(
        concat!(
            "6b3873000a240a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311204526f6c6512340a110a01",
            "7212001a0022002a00320038004200121f0a036765740a046c69737412001a04706f64731a0773656372657473220178",
            "1a002200",
        ),
        r#"{"kind":"Role","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"r"},"rules":[{"verbs":["get","list"],"apiGroups":[""],"resources":["pods","secrets"],"resourceNames":["x"]}]}"#,
    );
}

/// `kubectl create rolebinding rb --role=r --serviceaccount=default:sa --user=alice --group=g`
#[test]
fn create_rolebinding() {
    check(
        concat!(
            "6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b526f6c6542696e64696e",
            "6712b0010a120a02726212001a0022002a00320038004200122a0a04557365721219726261632e617574686f72697a61",
            "74696f6e2e6b38732e696f1a05616c696365220012270a0547726f75701219726261632e617574686f72697a6174696f",
            "6e2e6b38732e696f1a01672200121f0a0e536572766963654163636f756e7412001a027361220764656661756c741a24",
            "0a19726261632e617574686f72697a6174696f6e2e6b38732e696f1204526f6c651a01721a002200",
        ),
        r#"{"kind":"RoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"rb"},"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"},{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"g"},{"kind":"ServiceAccount","name":"sa","namespace":"default"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"}}"#,
    );
}

/// `kubectl create clusterrole agg --aggregation-rule=a=b`
#[test]
fn create_clusterrole_aggregated() {
    check(
        concat!(
            "6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b436c7573746572526f6c",
            "6512210a130a0361676712001a0022002a003200380042001a0a0a080a060a01611201621a002200",
        ),
        r#"{"kind":"ClusterRole","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"agg"},"rules":null,"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"a":"b"}}]}}"#,
    );
}

/// `kubectl create clusterrole nr --non-resource-url=/healthz --verb=get`
#[test]
fn create_clusterrole_non_resource() {
    check(
        concat!(
            "6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b436c7573746572526f6c",
            "6512250a120a026e7212001a0022002a00320038004200120f0a036765742a082f6865616c74687a1a002200",
        ),
        r#"{"kind":"ClusterRole","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"nr"},"rules":[{"verbs":["get"],"nonResourceURLs":["/healthz"]}]}"#,
    );
}

/// `kubectl create clusterrolebinding crb --clusterrole=cr --serviceaccount=default:sa`
#[test]
fn create_clusterrolebinding() {
    check(
        concat!(
            "6b3873000a320a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311212436c7573746572526f6c",
            "6542696e64696e6712640a130a0363726212001a0022002a00320038004200121f0a0e536572766963654163636f756e",
            "7412001a027361220764656661756c741a2c0a19726261632e617574686f72697a6174696f6e2e6b38732e696f120b43",
            "6c7573746572526f6c651a0263721a002200",
        ),
        r#"{"kind":"ClusterRoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"crb"},"subjects":[{"kind":"ServiceAccount","name":"sa","namespace":"default"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cr"}}"#,
    );
}

/// `kubectl create deployment web --image=nginx --port=80 --replicas=2`
#[test]
fn create_deployment() {
    check(
        concat!(
            "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b8010a1f0a0377656212001a0022002a00320038",
            "0042005a0a0a0361707012037765621286010802120c0a0a0a0361707012037765621a6c0a1c0a0012001a0022002a00",
            "3200380042005a0a0a036170701203776562124c122e0a056e67696e7812056e67696e782a00320a0a00100018502200",
            "2a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c20100",
            "22020a00280038001a0c0800100018002000280038001a002200",
        ),
        r#"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx","ports":[{"containerPort":80}],"resources":{}}]}},"strategy":{}},"status":{}}"#,
    );
}

/// `kubectl create deployment cmd --image=busybox -- sleep 10`
#[test]
fn create_deployment_with_command() {
    check(
        concat!(
            "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412bb010a1f0a03636d6412001a0022002a00320038",
            "0042005a0a0a036170701203636d641289010801120c0a0a0a036170701203636d641a6f0a1c0a0012001a0022002a00",
            "3200380042005a0a0a036170701203636d64124f12310a0762757379626f78120762757379626f781a05736c6565701a",
            "0231302a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100",
            "c2010022020a00280038001a0c0800100018002000280038001a002200",
        ),
        r#"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"cmd","labels":{"app":"cmd"}},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"cmd"}},"template":{"metadata":{"labels":{"app":"cmd"}},"spec":{"containers":[{"name":"busybox","image":"busybox","command":["sleep","10"],"resources":{}}]}},"strategy":{}},"status":{}}"#,
    );
}

/// `kubectl create service clusterip web --tcp=80:8080`
#[test]
fn create_service_clusterip() {
    check(
        concat!(
            "6b3873000a0d0a02763112075365727669636512690a1f0a0377656212001a0022002a003200380042005a0a0a036170",
            "70120377656212420a1b0a0738302d38303830120354435018502207080010903f1a002800120a0a0361707012037765",
            "621a002209436c757374657249503a00420052005a00600068001a020a001a002200",
        ),
        r#"{"kind":"Service","apiVersion":"v1","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080}],"selector":{"app":"web"},"type":"ClusterIP"},"status":{"loadBalancer":{}}}"#,
    );
}

/// `kubectl create service nodeport np --tcp=80:8080 --node-port=30080`
#[test]
fn create_service_nodeport() {
    check(
        concat!(
            "6b3873000a0d0a02763112075365727669636512670a1d0a026e7012001a0022002a003200380042005a090a03617070",
            "12026e7012420a1d0a0738302d38303830120354435018502207080010903f1a002880eb0112090a0361707012026e70",
            "1a0022084e6f6465506f72743a00420052005a00600068001a020a001a002200",
        ),
        r#"{"kind":"Service","apiVersion":"v1","metadata":{"name":"np","labels":{"app":"np"}},"spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080}],"selector":{"app":"np"},"type":"NodePort"},"status":{"loadBalancer":{}}}"#,
    );
}

/// `kubectl create service externalname en --external-name=example.com --tcp=80`
#[test]
fn create_service_externalname() {
    check(
        concat!(
            "6b3873000a0d0a027631120753657276696365126e0a1d0a02656e12001a0022002a003200380042005a090a03617070",
            "1202656e12490a150a023830120354435018502206080010501a00280012090a036170701202656e1a00220c45787465",
            "726e616c4e616d653a004200520b6578616d706c652e636f6d5a00600068001a020a001a002200",
        ),
        r#"{"kind":"Service","apiVersion":"v1","metadata":{"name":"en","labels":{"app":"en"}},"spec":{"ports":[{"name":"80","protocol":"TCP","port":80,"targetPort":80}],"selector":{"app":"en"},"type":"ExternalName","externalName":"example.com"},"status":{"loadBalancer":{}}}"#,
    );
}

/// `kubectl create ingress web --rule=host.example/path=svc:80 --rule="tls.example/*=svc2:http,tls=sec" --class=traefik --annotation=a=b --default-backend=def:8080`
#[test]
fn create_ingress() {
    check(
        concat!(
            "6b3873000a1f0a146e6574776f726b696e672e6b38732e696f2f76311207496e677265737312b8010a1b0a0377656212",
            "001a0022002a0032003800420062060a01611201621294010a0e220c0a0364656612050a0010903f12120a0b746c732e",
            "6578616d706c6512037365631a310a0c686f73742e6578616d706c6512210a1f0a1d0a052f70617468120d220b0a0373",
            "766312040a0010501a0545786163741a320a0b746c732e6578616d706c6512230a210a1f0a012f121222100a04737663",
            "3212080a046874747010001a0650726566697822077472616566696b1a020a001a002200",
        ),
        r#"{"kind":"Ingress","apiVersion":"networking.k8s.io/v1","metadata":{"name":"web","annotations":{"a":"b"}},"spec":{"ingressClassName":"traefik","defaultBackend":{"service":{"name":"def","port":{"number":8080}}},"tls":[{"hosts":["tls.example"],"secretName":"sec"}],"rules":[{"host":"host.example","http":{"paths":[{"path":"/path","pathType":"Exact","backend":{"service":{"name":"svc","port":{"number":80}}}}]}},{"host":"tls.example","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"svc2","port":{"name":"http"}}}}]}}]},"status":{"loadBalancer":{}}}"#,
    );
}

/// `kubectl auth can-i list certificates.cert-manager.io (no such resource known to kubectl)`
#[test]
fn auth_can_i() {
    check(
        concat!(
            "6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a65637441636365",
            "737352657669657712550a100a0012001a0022002a0032003800420012370a350a0764656661756c7412046c6973741a",
            "0022002a1c6365727469666963617465732e636572742d6d616e616765722e696f32003a001a08080012001a0020001a",
            "002200",
        ),
        r#"{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{},"spec":{"resourceAttributes":{"namespace":"default","verb":"list","resource":"certificates.cert-manager.io"}},"status":{"allowed":false}}"#,
    );
}

/// `kubectl auth can-i --list`
#[test]
fn auth_can_i_list() {
    check(
        concat!(
            "6b3873000a310a17617574686f72697a6174696f6e2e6b38732e696f2f7631121653656c665375626a65637452756c65",
            "7352657669657712230a100a0012001a0022002a0032003800420012090a0764656661756c741a04180022001a002200",
        ),
        r#"{"kind":"SelfSubjectRulesReview","apiVersion":"authorization.k8s.io/v1","metadata":{},"spec":{"namespace":"default"},"status":{"resourceRules":null,"nonResourceRules":null,"incomplete":false}}"#,
    );
}

/// `kubectl auth whoami`
#[test]
fn auth_whoami() {
    check(
        concat!(
            "6b3873000a2d0a1861757468656e7469636174696f6e2e6b38732e696f2f7631121153656c665375626a656374526576",
            "696577121a0a100a0012001a0022002a0032003800420012060a040a0012001a002200",
        ),
        r#"{"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1","metadata":{},"status":{"userInfo":{}}}"#,
    );
}
