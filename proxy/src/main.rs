//! `passerelle-proxy`: the ingress controller that serves Ingress routes over
//! HTTP and HTTPS. The proxy arrives with the proxy issue; until then the
//! binary only states what it is.

fn main() {
    println!(
        "passerelle-proxy {}: the proxy is not implemented yet",
        env!("CARGO_PKG_VERSION")
    );
    std::process::exit(2);
}
