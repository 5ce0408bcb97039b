//! A legacy DNS01 provider (`spec.acme.dns01.providers[]`) as a v1 DNS-01
//! solver: each DNS service's settings map to the v1 provider type of the
//! same service, field by field; fields that v1 added stay unset, so the
//! defaults are cert-manager 0.7's.

use crate::acme::dns01::{
    AcmeChallengeSolverDns01, AcmeIssuerDns01ProviderAcmeDns, AcmeIssuerDns01ProviderAkamai,
    AcmeIssuerDns01ProviderAzureDns, AcmeIssuerDns01ProviderCloudDns, AcmeIssuerDns01ProviderCloudflare,
    AcmeIssuerDns01ProviderDigitalOcean, AcmeIssuerDns01ProviderRfc2136, AcmeIssuerDns01ProviderRoute53,
    CnameStrategy,
};
use crate::v1alpha1::{LegacyAcmeIssuerDns01Provider, LegacyCnameStrategy};

/// The v1 DNS-01 solver of `provider`, or, when it does not configure
/// exactly one DNS service, how many it configures.
pub(super) fn dns01_solver(
    provider: &LegacyAcmeIssuerDns01Provider,
) -> Result<AcmeChallengeSolverDns01, usize> {
    let configured = [
        provider.akamai.is_some(),
        provider.cloud_dns.is_some(),
        provider.cloudflare.is_some(),
        provider.route53.is_some(),
        provider.azure_dns.is_some(),
        provider.digital_ocean.is_some(),
        provider.acme_dns.is_some(),
        provider.rfc2136.is_some(),
    ]
    .into_iter()
    .filter(|set| *set)
    .count();
    if configured != 1 {
        return Err(configured);
    }
    Ok(AcmeChallengeSolverDns01 {
        cname_strategy: provider.cname_strategy.map(|strategy| match strategy {
            LegacyCnameStrategy::None => CnameStrategy::None,
            LegacyCnameStrategy::Follow => CnameStrategy::Follow,
        }),
        akamai: provider.akamai.as_ref().map(|p| AcmeIssuerDns01ProviderAkamai {
            service_consumer_domain: p.service_consumer_domain.clone(),
            client_token_secret_ref: p.client_token_secret_ref.clone(),
            client_secret_secret_ref: p.client_secret_secret_ref.clone(),
            access_token_secret_ref: p.access_token_secret_ref.clone(),
        }),
        cloud_dns: provider
            .cloud_dns
            .as_ref()
            .map(|p| AcmeIssuerDns01ProviderCloudDns {
                service_account_secret_ref: p.service_account_secret_ref.clone(),
                project: p.project.clone(),
                hosted_zone_name: None,
            }),
        cloudflare: provider
            .cloudflare
            .as_ref()
            .map(|p| AcmeIssuerDns01ProviderCloudflare {
                email: Some(p.email.clone()),
                api_key_secret_ref: Some(p.api_key_secret_ref.clone()),
                api_token_secret_ref: None,
            }),
        route53: provider.route53.as_ref().map(|p| AcmeIssuerDns01ProviderRoute53 {
            access_key_id: p.access_key_id.clone(),
            secret_access_key_secret_ref: p.secret_access_key_secret_ref.clone(),
            hosted_zone_id: p.hosted_zone_id.clone(),
            role: p.role.clone(),
            region: Some(p.region.clone()),
            ..AcmeIssuerDns01ProviderRoute53::default()
        }),
        azure_dns: provider
            .azure_dns
            .as_ref()
            .map(|p| AcmeIssuerDns01ProviderAzureDns {
                client_id: Some(p.client_id.clone()),
                client_secret_secret_ref: Some(p.client_secret_secret_ref.clone()),
                subscription_id: p.subscription_id.clone(),
                tenant_id: Some(p.tenant_id.clone()),
                resource_group_name: p.resource_group_name.clone(),
                hosted_zone_name: p.hosted_zone_name.clone(),
                ..AcmeIssuerDns01ProviderAzureDns::default()
            }),
        digitalocean: provider
            .digital_ocean
            .as_ref()
            .map(|p| AcmeIssuerDns01ProviderDigitalOcean {
                token_secret_ref: p.token_secret_ref.clone(),
            }),
        acme_dns: provider
            .acme_dns
            .as_ref()
            .map(|p| AcmeIssuerDns01ProviderAcmeDns {
                host: p.host.clone(),
                account_secret_ref: p.account_secret_ref.clone(),
            }),
        rfc2136: provider.rfc2136.as_ref().map(|p| AcmeIssuerDns01ProviderRfc2136 {
            nameserver: p.nameserver.clone(),
            tsig_secret_secret_ref: p.tsig_secret_secret_ref.clone(),
            tsig_key_name: p.tsig_key_name.clone(),
            tsig_algorithm: p.tsig_algorithm.clone(),
            protocol: None,
        }),
        webhook: None,
    })
}
