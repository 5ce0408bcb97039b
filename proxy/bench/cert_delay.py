#!/usr/bin/env python3
"""How long a new certificate takes to reach TLS handshakes (proxy/bench/run).

For each certificate given, in order: note the time, make the change (patch
the TLS Secret through the API server, or swap a kubelet-style Secret volume
directory), then handshake with the proxy back to back (a few ms each, no
process started per probe) until the served leaf certificate is the new one,
and print the elapsed milliseconds. Standard library only.

  cert_delay.py secret --api URL --namespace NS --name NAME --port P --sni HOST --key KEY CERT...
  cert_delay.py file --dir VOLUME --port P --sni HOST --key KEY CERT...
"""

import argparse
import base64
import json
import os
import socket
import ssl
import sys
import time
import urllib.request

TIMEOUT_S = 10.0


def served_der(port, sni):
    """The DER leaf certificate the proxy serves for `sni`, or None."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as raw:
            with context.wrap_socket(raw, server_hostname=sni) as tls:
                return tls.getpeercert(binary_form=True)
    except OSError:
        return None


def patch_secret(args, cert_pem, key_pem):
    body = {
        "data": {
            "tls.crt": base64.b64encode(cert_pem).decode(),
            "tls.key": base64.b64encode(key_pem).decode(),
        }
    }
    request = urllib.request.Request(
        f"{args.api}/api/v1/namespaces/{args.namespace}/secrets/{args.name}",
        data=json.dumps(body).encode(),
        method="PATCH",
        headers={"Content-Type": "application/merge-patch+json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        response.read()


def kubelet_swap(args, cert_pem, key_pem):
    """The kubelet's atomic writer: a new timestamped directory, a `..data_tmp`
    symlink to it renamed over `..data`; tls.crt and tls.key point through
    `..data`."""
    stamp = f"..{time.time_ns()}"
    os.mkdir(os.path.join(args.dir, stamp))
    for name, data in (("tls.crt", cert_pem), ("tls.key", key_pem)):
        with open(os.path.join(args.dir, stamp, name), "wb") as file:
            file.write(data)
    tmp = os.path.join(args.dir, "..data_tmp")
    os.symlink(stamp, tmp)
    os.replace(tmp, os.path.join(args.dir, "..data"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["secret", "file"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--sni", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--api")
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--name")
    parser.add_argument("--dir")
    parser.add_argument("certs", nargs="+")
    args = parser.parse_args()
    with open(args.key, "rb") as file:
        key_pem = file.read()
    change = patch_secret if args.mode == "secret" else kubelet_swap

    delays = []
    for path in args.certs:
        with open(path, "rb") as file:
            cert_pem = file.read()
        want = ssl.PEM_cert_to_DER_cert(cert_pem.decode())
        if served_der(args.port, args.sni) == want:
            sys.exit(f"{path} is served before the change")
        start = time.monotonic()
        change(args, cert_pem, key_pem)
        probes = 0
        while True:
            probes += 1
            if served_der(args.port, args.sni) == want:
                break
            if time.monotonic() - start > TIMEOUT_S:
                sys.exit(f"{path} not served for {args.sni} after {TIMEOUT_S:.0f} s")
        delays.append((time.monotonic() - start) * 1000)
        print(f"  {path.rsplit('/', 1)[-1]}: {delays[-1]:.1f} ms ({probes} handshakes)", file=sys.stderr)
    print(" ".join(f"{d:.0f}" for d in delays))


if __name__ == "__main__":
    main()
