# syntax=docker/dockerfile:1
# passerelle-proxy: build from the repository root with
#   docker build -f deploy/docker/proxy.Dockerfile -t REGISTRY/passerelle/proxy:TAG .
# Two stages: the Rust toolchain builds the release binary (aws-lc-rs is
# compiled with the image's C compiler; no cmake or Go needed), then only the
# binary is copied onto distroless's glibc base, which has no shell and runs
# as the unprivileged user nonroot (65532). The Helm chart binds unprivileged
# ports (8000, 8443, admin 8081) unless hostNetwork is chosen.

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p passerelle-proxy --bin passerelle-proxy \
 && install -D target/release/passerelle-proxy /out/passerelle-proxy

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/passerelle-proxy /usr/local/bin/passerelle-proxy
USER 65532:65532
EXPOSE 8000 8443 8081
ENTRYPOINT ["/usr/local/bin/passerelle-proxy"]
