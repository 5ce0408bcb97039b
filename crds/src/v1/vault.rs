//! The Vault issuer (`spec.vault`): certificates are signed by the `sign`
//! endpoint of a HashiCorp Vault PKI secrets engine. This module holds the
//! connection settings (server, TLS trust, mTLS client key pair) and the four
//! ways of logging in to Vault: a static token, AppRole, a TLS client
//! certificate or a Kubernetes ServiceAccount token.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::SecretKeySelector;

/// Signs certificates through a Vault PKI secrets engine.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VaultIssuer {
    /// How to authenticate with Vault.
    pub auth: VaultAuth,
    /// Address of the Vault server, e.g. `https://vault.example.com:8200`.
    pub server: String,
    /// Host name to verify Vault's serving certificate against, when it
    /// differs from the host of `server`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
    /// Mount path of the PKI engine's `sign` endpoint, e.g.
    /// `my_pki_mount/sign/my-role-name`.
    pub path: String,
    /// Vault Enterprise namespace to send requests to, e.g. `ns1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Base64-encoded PEM bundle of the CAs trusted to verify Vault's serving
    /// certificate over HTTPS. Mutually exclusive with `caBundleSecretRef`;
    /// with neither, the system trust store is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "byte"))]
    pub ca_bundle: Option<String>,
    /// Secret entry holding a PEM bundle of the CAs trusted to verify Vault's
    /// serving certificate over HTTPS (key defaults to `ca.crt`). Mutually
    /// exclusive with `caBundle`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_bundle_secret_ref: Option<SecretKeySelector>,
    /// Secret entry holding the PEM client certificate presented when Vault
    /// requires mutual TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_cert_secret_ref: Option<SecretKeySelector>,
    /// Secret entry holding the PEM private key of the mutual TLS client
    /// certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key_secret_ref: Option<SecretKeySelector>,
}

/// How to log in to Vault: exactly one of the fields should be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VaultAuth {
    /// Secret entry holding a Vault token, used as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_secret_ref: Option<SecretKeySelector>,
    /// Log in with the AppRole auth method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_role: Option<VaultAppRole>,
    /// Log in with the TLS certificates auth method, presenting a client
    /// certificate in the TLS handshake (HTTPS only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificate: Option<VaultClientCertificateAuth>,
    /// Log in with the Kubernetes auth method, presenting a ServiceAccount
    /// token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes: Option<VaultKubernetesAuth>,
}

/// Credentials for Vault's AppRole auth method.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VaultAppRole {
    /// Where the AppRole auth method is mounted in Vault, e.g. `approle`.
    pub path: String,
    /// The role ID of the AppRole.
    pub role_id: String,
    /// Secret entry holding the AppRole's secret ID; its `key` must be set.
    pub secret_ref: SecretKeySelector,
}

/// Settings of Vault's TLS certificates auth method.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VaultClientCertificateAuth {
    /// Vault path of the auth method; `<mountPath>/login` is called.
    /// Defaults to `/v1/auth/cert`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_path: Option<String>,
    /// Name of the certificate role to log in as; unset, any matching role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Name of a `kubernetes.io/tls` Secret whose `tls.crt` and `tls.key` are
    /// the client certificate and key to present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
}

/// Settings of Vault's Kubernetes auth method. The token comes either from a
/// Secret (`secretRef`) or is requested for a ServiceAccount
/// (`serviceAccountRef`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VaultKubernetesAuth {
    /// Vault path of the auth method; `<mountPath>/login` is called.
    /// Defaults to `/v1/auth/kubernetes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_path: Option<String>,
    /// Vault role to log in as; it binds ServiceAccounts to Vault policies.
    pub role: String,
    /// Secret entry holding a long-lived ServiceAccount token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<SecretKeySelector>,
    /// ServiceAccount for which a short-lived bound token is requested
    /// through the TokenRequest API (needs RBAC allowing cert-manager to
    /// create tokens for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_ref: Option<ServiceAccountRef>,
}

/// A ServiceAccount, in the issuer's namespace, to request a token for.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountRef {
    /// Name of the ServiceAccount.
    pub name: String,
    /// Audiences to add to the token, besides the default ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub audiences: Option<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn round_trip(manifest: Value) -> VaultIssuer {
        let vault: VaultIssuer = serde_json::from_value(manifest.clone()).unwrap();
        assert_eq!(serde_json::to_value(&vault).unwrap(), manifest);
        vault
    }

    #[test]
    fn vault_issuer_round_trips_connection_fields() {
        let vault = round_trip(json!({
            "server": "https://vault.example.com:8200",
            "serverName": "vault.internal",
            "path": "pki_int/sign/example-dot-com",
            "namespace": "ns1",
            "caBundle": "LS0tLS1CRUdJTi0tLS0t",
            "caBundleSecretRef": { "name": "vault-ca", "key": "ca.crt" },
            "clientCertSecretRef": { "name": "vault-client", "key": "tls.crt" },
            "clientKeySecretRef": { "name": "vault-client", "key": "tls.key" },
            "auth": { "tokenSecretRef": { "name": "vault-token", "key": "token" } },
        }));
        assert_eq!(vault.ca_bundle.as_deref(), Some("LS0tLS1CRUdJTi0tLS0t"));
        assert_eq!(vault.auth.token_secret_ref.unwrap().name, "vault-token");
    }

    #[test]
    fn vault_issuer_round_trips_app_role_and_client_certificate_auth() {
        let vault = round_trip(json!({
            "server": "https://vault.example.com",
            "path": "pki/sign/role",
            "auth": {
                "appRole": {
                    "path": "approle",
                    "roleId": "6d2a5f3c",
                    "secretRef": { "name": "approle", "key": "secretId" },
                },
                "clientCertificate": {
                    "mountPath": "/v1/auth/cert",
                    "name": "cert-manager",
                    "secretName": "vault-client-tls",
                },
            },
        }));
        assert_eq!(vault.auth.app_role.unwrap().role_id, "6d2a5f3c");
    }

    #[test]
    fn vault_issuer_round_trips_kubernetes_auth() {
        let vault = round_trip(json!({
            "server": "http://vault:8200",
            "path": "pki/sign/role",
            "auth": {
                "kubernetes": {
                    "mountPath": "/v1/auth/kubernetes",
                    "role": "cert-manager",
                    "secretRef": { "name": "sa-token", "key": "token" },
                    "serviceAccountRef": { "name": "vault-issuer", "audiences": ["vault://ns/issuer"] },
                },
            },
        }));
        let kubernetes = vault.auth.kubernetes.unwrap();
        assert_eq!(kubernetes.role, "cert-manager");
        assert_eq!(
            kubernetes.service_account_ref.unwrap().audiences,
            Some(vec!["vault://ns/issuer".to_owned()])
        );
        round_trip(json!({
            "server": "http://vault:8200",
            "path": "pki/sign/role",
            "auth": { "kubernetes": { "role": "r", "serviceAccountRef": { "name": "sa", "audiences": [] } } },
        }));
    }

    #[test]
    fn vault_issuer_requires_auth_path_and_server() {
        let missing_auth = json!({ "server": "https://vault", "path": "pki/sign/r" });
        assert!(serde_json::from_value::<VaultIssuer>(missing_auth).is_err());
        let missing_role = json!({ "server": "https://vault", "path": "p", "auth": { "kubernetes": {} } });
        assert!(serde_json::from_value::<VaultIssuer>(missing_role).is_err());
    }
}
