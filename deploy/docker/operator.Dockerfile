# syntax=docker/dockerfile:1
# passerelle-operator: build from the repository root with
#   docker build -f deploy/docker/operator.Dockerfile -t REGISTRY/passerelle/operator:TAG .
# Two stages: the Rust toolchain builds the release binary (aws-lc-rs is
# compiled with the image's C compiler; no cmake or Go needed), then only the
# binary is copied onto distroless's glibc base, which has no shell and runs
# as the unprivileged user nonroot (65532).

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p passerelle-operator --bin passerelle-operator \
 && install -D target/release/passerelle-operator /out/passerelle-operator

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/passerelle-operator /usr/local/bin/passerelle-operator
USER 65532:65532
# HTTP-01 solver, then /metrics /healthz /readyz.
EXPOSE 8089 9402
ENTRYPOINT ["/usr/local/bin/passerelle-operator"]
