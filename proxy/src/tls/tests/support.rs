//! A test CA made with rcgen at test time, issuing leaf certificates as PEM
//! pairs; nothing is checked in.

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};

use crate::routing::ObjectKey;
use crate::tls::{CertEntry, CertSource, LoadedCert, parse_pair};

/// A certificate authority.
pub(crate) struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A leaf certificate's PEM chain and key.
#[derive(Clone, Debug)]
pub(crate) struct Pem {
    pub(crate) cert: String,
    pub(crate) key: String,
}

impl Pem {
    pub(crate) fn load(&self) -> LoadedCert {
        parse_pair(self.cert.as_bytes(), self.key.as_bytes()).expect("test certificate parses")
    }

    pub(crate) fn bytes(&self) -> (Vec<u8>, Vec<u8>) {
        (self.cert.clone().into_bytes(), self.key.clone().into_bytes())
    }
}

impl Ca {
    pub(crate) fn new() -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "Passerelle test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        Ca { issuer }
    }

    /// A leaf for `names` (DNS subjectAltNames), valid from `year`-01-01.
    pub(crate) fn issue(&self, names: &[&str], year: i32) -> Pem {
        self.issue_with_cn(names, names.first().copied().unwrap_or("leaf"), year)
    }

    /// A leaf with this CN and subjectAltNames (none when `names` is empty).
    pub(crate) fn issue_with_cn(&self, names: &[&str], cn: &str, year: i32) -> Pem {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        params.not_before = rcgen::date_time_ymd(year, 1, 1);
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Pem {
            cert: cert.pem(),
            key: key.serialize_pem(),
        }
    }

    /// A client trust store holding only this CA.
    pub(crate) fn roots(&self) -> rustls::RootCertStore {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.issuer.der().clone()).unwrap();
        roots
    }
}

pub(crate) fn secret(name: &str) -> CertSource {
    CertSource::Secret(ObjectKey {
        namespace: "default".into(),
        name: name.into(),
    })
}

pub(crate) fn file(path: &str) -> CertSource {
    CertSource::File(path.into())
}

pub(crate) fn entry(pem: &Pem, source: CertSource) -> CertEntry {
    CertEntry {
        cert: pem.load(),
        source,
    }
}
