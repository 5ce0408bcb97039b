//! What one does with a running stack: apply an example, follow the
//! Certificates and Challenges until the wanted ones are Ready (reporting
//! each change, the demo's visible progress), wait until the proxy serves a
//! host over a certificate that verifies, force a renewal as `cmctl renew`
//! does, and build the `curl` commands a person would type.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, ListParams};
use passerelle_crds::acme::challenge::Challenge;
use passerelle_crds::meta::ConditionStatus;
use passerelle_crds::v1::Certificate;
use serde_json::json;

use super::Stack;
use crate::Error;
use crate::client::Fetched;
use crate::kubectl::Output;

/// How often the API is polled while waiting, and how many times: five
/// minutes, far beyond an issuance against pebble (a few seconds), so that
/// only a stuck issuance fails.
const POLL_INTERVAL: Duration = Duration::from_millis(250);
const POLL_ATTEMPTS: u32 = 1200;

impl Stack {
    /// `kubectl apply -f manifests/NAME/` (the rendered `deploy/examples/NAME`).
    pub async fn apply_example(&self, name: &str) -> Result<String, Error> {
        let dir = self.dir.join("manifests").join(name);
        self.kubectl
            .ok(&["apply", "-f", &dir.display().to_string()], None)
            .await
    }

    /// Waits until each `(namespace, name)` Certificate is Ready, calling
    /// `progress` with a line for every change of a Certificate's or a
    /// Challenge's state anywhere in the cluster.
    pub async fn wait_ready(
        &self,
        wanted: &[(&str, &str)],
        mut progress: impl FnMut(&str),
    ) -> Result<Vec<Certificate>, Error> {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut last = String::new();
        for _ in 0..POLL_ATTEMPTS {
            let states = self.states().await?;
            for (key, state) in &states.lines {
                if seen.get(key) != Some(state) {
                    progress(&format!("{key}: {state}"));
                    seen.insert(key.clone(), state.clone());
                }
            }
            let ready: Option<Vec<Certificate>> = wanted
                .iter()
                .map(|(ns, name)| states.ready.get(&format!("{ns}/{name}")).cloned())
                .collect();
            if let Some(ready) = ready {
                return Ok(ready);
            }
            last = states.lines.values().cloned().collect::<Vec<_>>().join("; ");
            tokio::time::sleep(POLL_INTERVAL).await;
        }
        Err(Error::WaitReady {
            binary: "passerelle-operator",
            attempts: POLL_ATTEMPTS,
            last,
            logs: self.logs(),
        })
    }

    async fn states(&self) -> Result<States, Error> {
        let kube = |action: &str| {
            let action = action.to_string();
            move |source| Error::Kube { action, source }
        };
        let certificates = Api::<Certificate>::all(self.client.clone())
            .list(&ListParams::default())
            .await
            .map_err(kube("listing Certificates"))?;
        let challenges = Api::<Challenge>::all(self.client.clone())
            .list(&ListParams::default())
            .await
            .map_err(kube("listing Challenges"))?;
        let mut states = States::default();
        for cert in certificates {
            let key = format!(
                "certificate {}/{}",
                cert.metadata.namespace.as_deref().unwrap_or_default(),
                cert.metadata.name.as_deref().unwrap_or_default()
            );
            let conditions = cert
                .status
                .as_ref()
                .and_then(|s| s.conditions.clone())
                .unwrap_or_default();
            let line = conditions
                .iter()
                .map(|c| {
                    let status = serde_json::to_value(c.status).unwrap_or_default();
                    let message = c.message.as_deref().unwrap_or_default();
                    format!("{}={} {message}", c.type_, status.as_str().unwrap_or("?"))
                })
                .collect::<Vec<_>>()
                .join(", ");
            if conditions
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == ConditionStatus::True)
                && !conditions.iter().any(|c| c.type_ == "Issuing")
            {
                let id = key.trim_start_matches("certificate ").to_string();
                states.ready.insert(id, cert);
            }
            states.lines.insert(
                key,
                if line.is_empty() {
                    "created".to_string()
                } else {
                    line
                },
            );
        }
        for challenge in challenges {
            let key = format!("challenge for {}", challenge.spec.dns_name);
            let status = challenge.status.unwrap_or_default();
            let state = status
                .state
                .map(|s| serde_json::to_value(s).unwrap_or_default())
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| "new".to_string());
            let presented = if status.presented == Some(true) {
                ", presented"
            } else {
                ""
            };
            let reason = status.reason.unwrap_or_default();
            states
                .lines
                .insert(key, format!("{state}{presented} {reason}").trim_end().to_string());
        }
        Ok(states)
    }

    /// Waits until `GET https://HOST/PATH` through the proxy is answered 200
    /// over a certificate that verifies for `host` against pebble's roots.
    pub async fn wait_served(&self, host: &str, path: &str) -> Result<Fetched, Error> {
        let mut last = String::new();
        for _ in 0..POLL_ATTEMPTS {
            match self.https(host, path).await {
                Ok(fetched) if fetched.status.is_success() => return Ok(fetched),
                Ok(fetched) => last = format!("{}: {}", fetched.status, fetched.body),
                Err(error) => last = error_chain(&error),
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
        Err(Error::WaitReady {
            binary: "passerelle-proxy",
            attempts: POLL_ATTEMPTS,
            last,
            logs: self.logs(),
        })
    }

    /// Forces a renewal as `cmctl renew` does: the Certificate's `Issuing`
    /// condition set to True with reason `ManuallyTriggered`, through the
    /// status subresource.
    pub async fn renew(&self, namespace: &str, name: &str) -> Result<(), Error> {
        let api: Api<Certificate> = Api::namespaced(self.client.clone(), namespace);
        let cert = api.get(name).await.map_err(|source| Error::Kube {
            action: format!("reading Certificate {namespace}/{name}"),
            source,
        })?;
        let condition = json!({
            "type": "Issuing",
            "status": "True",
            "reason": "ManuallyTriggered",
            "message": "Certificate re-issuance manually triggered",
            "lastTransitionTime": Time(Timestamp::now()),
            "observedGeneration": cert.metadata.generation,
        });
        let patch = json!([{"op": "add", "path": "/status/conditions/-", "value": condition}]);
        self.kubectl
            .ok(
                &[
                    "patch",
                    "certificates.cert-manager.io",
                    name,
                    "-n",
                    namespace,
                    "--subresource=status",
                    "--type=json",
                    "-p",
                    &patch.to_string(),
                ],
                None,
            )
            .await
            .map(drop)
    }

    /// kube-sim's request counts (`/kube-sim/stats`): `(verb, resource,
    /// user, code, count)` per kind of request.
    pub async fn request_counts(&self) -> Result<Vec<(String, String, String, u64, u64)>, Error> {
        let request = http::Request::get("/kube-sim/stats")
            .body(Vec::new())
            .map_err(|e| Error::InvalidOptions(e.to_string()))?;
        let text = self
            .client
            .request_text(request)
            .await
            .map_err(|source| Error::Kube {
                action: "reading kube-sim's request counts".to_string(),
                source,
            })?;
        let stats: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| Error::InvalidOptions(e.to_string()))?;
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        Ok(stats["requests"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|r| {
                let number = |key: &str| r[key].as_u64().unwrap_or_default();
                (
                    text(&r["verb"]),
                    text(&r["resource"]),
                    text(&r["user"]),
                    number("code"),
                    number("count"),
                )
            })
            .collect())
    }

    /// The API requests kube-sim refused (401 or 403) to anyone but the
    /// admin, as `verb resource user code ×count`: under RBAC, a permission
    /// missing from the install manifest.
    pub async fn refused_requests(&self) -> Result<Vec<String>, Error> {
        Ok(self
            .request_counts()
            .await?
            .into_iter()
            .filter(|(_, _, user, code, _)| matches!(code, 401 | 403) && user != "kube-sim-admin")
            .map(|(verb, resource, user, code, count)| format!("{verb} {resource} {user} {code} ×{count}"))
            .collect())
    }

    /// The `curl` arguments for `https://HOST:PORT/PATH` (or `http://`)
    /// through the proxy: `--resolve` to 127.0.0.1 and, over HTTPS,
    /// `--cacert` pebble's roots, so the certificate is verified.
    pub fn curl_args(&self, https: bool, host: &str, path: &str) -> Vec<String> {
        let port = if https { self.ports.https } else { self.ports.http };
        let scheme = if https { "https" } else { "http" };
        let mut args = vec!["-sS".to_string()];
        if https {
            args.extend(["--cacert".to_string(), self.roots_path.display().to_string()]);
        }
        args.extend([
            "--resolve".to_string(),
            format!("{host}:{port}:127.0.0.1"),
            format!("{scheme}://{host}:{port}{path}"),
        ]);
        args
    }

    /// Runs curl with `args`.
    pub async fn curl(&self, args: &[String]) -> Result<Output, Error> {
        let args = args.to_vec();
        let output =
            tokio::task::spawn_blocking(move || std::process::Command::new("curl").args(&args).output())
                .await
                .map_err(|join| std::io::Error::other(join.to_string()))
                .and_then(|result| result)
                .map_err(|source| match source.kind() {
                    std::io::ErrorKind::NotFound => Error::FindBinary { binary: "curl" },
                    _ => Error::Spawn {
                        binary: "curl",
                        source,
                    },
                })?;
        Ok(Output {
            success: output.status.success(),
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }
}

/// The state of the cluster's Certificates and Challenges, one line each,
/// and the Ready Certificates by `namespace/name`.
#[derive(Default)]
struct States {
    lines: BTreeMap<String, String>,
    ready: BTreeMap<String, Certificate>,
}

/// An error and its sources on one line.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
