//! `passerelle-operator`: reconciles cert-manager's API through ACME into
//! `kubernetes.io/tls` Secrets. The controllers arrive with the operator issue;
//! until then the binary only states what it is.

fn main() {
    println!(
        "passerelle-operator {}: the controllers are not implemented yet",
        env!("CARGO_PKG_VERSION")
    );
    std::process::exit(2);
}
