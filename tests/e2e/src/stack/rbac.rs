//! RBAC proven rather than guessed: under kube-sim's `--authorization rbac`
//! the operator and the proxy each authenticate with a token bound to their
//! ServiceAccount from `deploy/manifests/passerelle.yaml` (the default
//! install), whose Roles and bindings are applied as they are. Any
//! permission missing from that file makes a request fail and the test with
//! it.

use std::path::{Path, PathBuf};

use serde::Deserialize as _;

use crate::Error;
use crate::binaries::workspace_root;

/// The install manifest whose ServiceAccounts and Roles are used.
pub fn install_manifest() -> PathBuf {
    workspace_root().join("deploy/manifests/passerelle.yaml")
}

/// A ServiceAccount of the install manifest and the token bound to it.
#[derive(Clone, Debug)]
pub struct Account {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// The bearer token kube-sim maps to it.
    pub token: String,
}

impl Account {
    /// The user kube-sim sees (`system:serviceaccount:NS:NAME`).
    pub fn user(&self) -> String {
        format!("system:serviceaccount:{}:{}", self.namespace, self.name)
    }

    /// kube-sim's `--token-user` value for it.
    pub fn token_user(&self) -> String {
        format!("{}={}", self.token, self.user())
    }
}

/// The accounts of both programs and the cluster admin's token.
#[derive(Clone, Debug)]
pub struct Accounts {
    /// The cluster admin (kubectl, the kubelet stand-in).
    pub admin_token: String,
    /// The operator's ServiceAccount.
    pub operator: Account,
    /// The proxy's ServiceAccount.
    pub proxy: Account,
}

impl Accounts {
    /// Reads the ServiceAccounts of `manifest`: the operator's is the one
    /// whose name contains `operator`, the proxy's the one containing
    /// `proxy`. Each gets a fresh random token.
    pub fn from_manifest(manifest: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(manifest).map_err(|source| Error::ReadFile {
            path: manifest.to_path_buf(),
            source,
        })?;
        let accounts = service_accounts(&text).map_err(|message| Error::Render {
            file: manifest.display().to_string(),
            message,
        })?;
        let pick = |part: &str| {
            let mut matching = accounts.iter().filter(|(_, name)| name.contains(part));
            match (matching.next(), matching.next()) {
                (Some((namespace, name)), None) => Ok(Account {
                    namespace: namespace.clone(),
                    name: name.clone(),
                    token: random_token(),
                }),
                _ => Err(Error::Render {
                    file: manifest.display().to_string(),
                    message: format!(
                        "expected exactly one ServiceAccount whose name contains {part:?}, found {accounts:?}"
                    ),
                }),
            }
        };
        Ok(Self {
            admin_token: random_token(),
            operator: pick("operator")?,
            proxy: pick("proxy")?,
        })
    }
}

/// (namespace, name) of every ServiceAccount in a multi-document YAML.
fn service_accounts(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut found = Vec::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let value = serde_yaml::Value::deserialize(document).map_err(|e| e.to_string())?;
        if value["kind"].as_str() == Some("ServiceAccount") {
            let meta = &value["metadata"];
            let name = meta["name"].as_str().ok_or("a ServiceAccount has no name")?;
            let namespace = meta["namespace"].as_str().unwrap_or("default");
            found.push((namespace.to_string(), name.to_string()));
        }
    }
    Ok(found)
}

/// 32 hex characters from the kernel's random source.
fn random_token() -> String {
    let mut bytes = [0u8; 16];
    if let Ok(mut file) = std::fs::File::open("/dev/urandom") {
        let _ = std::io::Read::read_exact(&mut file, &mut bytes);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `kubeconfig` (YAML, one user) with that user's token replaced by `token`.
pub fn with_token(kubeconfig: &str, token: &str, path: &Path) -> Result<String, Error> {
    let invalid = |message: String| Error::Kubeconfig {
        path: path.to_path_buf(),
        message,
    };
    let mut value: serde_yaml::Value =
        serde_yaml::from_str(kubeconfig).map_err(|e| invalid(e.to_string()))?;
    let users = value["users"]
        .as_sequence_mut()
        .ok_or_else(|| invalid("no users".to_string()))?;
    for user in users {
        user["user"] =
            serde_yaml::from_str(&format!("token: {token}")).map_err(|e| invalid(e.to_string()))?;
    }
    serde_yaml::to_string(&value).map_err(|e| invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_service_accounts_in_a_multi_document_manifest() {
        let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: passerelle}\n---\n\
            apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: passerelle-operator, namespace: passerelle}\n---\n\
            apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: passerelle-proxy, namespace: passerelle}\n";
        assert_eq!(
            service_accounts(text).unwrap(),
            vec![
                ("passerelle".to_string(), "passerelle-operator".to_string()),
                ("passerelle".to_string(), "passerelle-proxy".to_string())
            ]
        );
    }

    #[test]
    fn replaces_the_token_of_a_kubeconfig() {
        let kubeconfig =
            "apiVersion: v1\nkind: Config\nusers:\n- name: kube-sim\n  user:\n    token: admin\n";
        let changed = with_token(kubeconfig, "t1", Path::new("k")).unwrap();
        assert!(
            changed.contains("token: t1") && !changed.contains("admin"),
            "{changed}"
        );
        let account = Account {
            namespace: "passerelle".into(),
            name: "passerelle-proxy".into(),
            token: "t".into(),
        };
        assert_eq!(
            account.token_user(),
            "t=system:serviceaccount:passerelle:passerelle-proxy"
        );
        assert_eq!(random_token().len(), 32);
        assert_ne!(random_token(), random_token());
    }
}
