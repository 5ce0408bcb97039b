//! Start-up of TLS for the configured entry points: one default certificate
//! generated for the process, one [`CertSet`](super::CertSet) handle,
//! [`Resolver`] and rustls `ServerConfig` per TLS entry point, and the
//! config-file certificates loaded and watched.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::files::{FileCert, FileWatcher, WatchOptions, watch};
use super::sources::CertSlot;
use super::{CertSources, LoadedCert, Resolver, TlsError, generate_default, server_config};
use crate::config::EntryPointConfig;

/// TLS for the whole process, ready for the listeners.
#[derive(Debug)]
pub struct TlsRuntime {
    sources: CertSources,
    resolvers: BTreeMap<String, Arc<Resolver>>,
    configs: BTreeMap<String, Arc<rustls::ServerConfig>>,
    generated: LoadedCert,
    _watcher: Option<FileWatcher>,
}

impl TlsRuntime {
    /// Where Secret certificates are set and every set is read.
    pub fn sources(&self) -> &CertSources {
        &self.sources
    }

    /// The resolver of a TLS entry point.
    pub fn resolver(&self, entry_point: &str) -> Option<&Arc<Resolver>> {
        self.resolvers.get(entry_point)
    }

    /// The rustls server config of a TLS entry point.
    pub fn server_config(&self, entry_point: &str) -> Option<Arc<rustls::ServerConfig>> {
        self.configs.get(entry_point).cloned()
    }

    /// The certificate generated at start.
    pub fn generated(&self) -> &LoadedCert {
        &self.generated
    }
}

/// Sets up TLS for `entry_points` (those without `tls` are skipped): loads
/// their certificates, starts watching the files (within the current Tokio
/// runtime) and builds their server configs.
pub fn start(entry_points: &[EntryPointConfig], options: WatchOptions) -> Result<TlsRuntime, TlsError> {
    let generated = generate_default()?;
    let sources = CertSources::new();
    sources.set_generated(generated.clone());
    let mut resolvers = BTreeMap::new();
    let mut configs = BTreeMap::new();
    let mut files = Vec::new();
    for ep in entry_points {
        let Some(tls) = &ep.tls else { continue };
        let handle = sources.add_entry_point(&ep.name);
        let resolver = Arc::new(Resolver::new(handle, generated.key.clone(), tls.sni_strict));
        configs.insert(ep.name.clone(), server_config(resolver.clone(), tls.min_version));
        resolvers.insert(ep.name.clone(), resolver);
        let slots = tls
            .certificates
            .iter()
            .enumerate()
            .map(|(i, spec)| (CertSlot::Certificate(i), spec));
        for (slot, spec) in slots.chain(
            tls.default_certificate
                .iter()
                .map(|spec| (CertSlot::Default, spec)),
        ) {
            files.push(FileCert {
                entry_point: ep.name.clone(),
                slot,
                spec: spec.clone(),
            });
        }
    }
    let watcher = if files.is_empty() {
        None
    } else {
        Some(watch(files, sources.clone(), options)?)
    };
    Ok(TlsRuntime {
        sources,
        resolvers,
        configs,
        generated,
        _watcher: watcher,
    })
}
