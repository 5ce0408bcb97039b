//! Tests of the configuration: the command line, the traefik.toml and
//! their merge.

mod args;
mod entry_point_flags;
mod file;
mod forwarding;
mod settings;

/// The walkthrough's traefik.toml, verbatim from the issue.
const WALKTHROUGH: &str = r#"defaultEntryPoints = ["http", "https"]
[entryPoints]
  [entryPoints.http]
   address = ":80"
     [entryPoints.http.redirect]
      entryPoint = "https"
     [entryPoints.https]
      address = ":443"
     [entryPoints.https.tls]
       [[entryPoints.https.tls.certificates]]
        CertFile = "/ssl/tls.crt"
        KeyFile = "/ssl/tls.key"
"#;

/// The walkthrough DaemonSet's arguments.
const WALKTHROUGH_ARGS: [&str; 6] = [
    "traefik",
    "-d",
    "--web",
    "--web.address=:8081",
    "--kubernetes",
    "--configfile=/config/traefik.toml",
];
