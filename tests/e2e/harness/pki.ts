/**
 * Certificates made for one cluster run with openssl, nothing reused between runs: a CA, the API
 * server's serving certificate (127.0.0.1 and localhost), one client certificate in
 * `system:masters` for the harness and the control-plane components, and the service-account
 * signing key pair. EC P-256 throughout: quick to generate, accepted by every component.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface ClusterPki {
    caCert: string;
    caKey: string;
    serverCert: string;
    serverKey: string;
    adminCert: string;
    adminKey: string;
    serviceAccountKey: string;
    serviceAccountPub: string;
}

/** The file names of a run's PKI under `dir`. */
export function pkiPaths(dir: string): ClusterPki {
    const p = (name: string) => path.join(dir, name);
    return {
        caCert: p("ca.crt"),
        caKey: p("ca.key"),
        serverCert: p("apiserver.crt"),
        serverKey: p("apiserver.key"),
        adminCert: p("admin.crt"),
        adminKey: p("admin.key"),
        serviceAccountKey: p("sa.key"),
        serviceAccountPub: p("sa.pub"),
    };
}

/** The `[ext]` section of a leaf certificate: SANs for a server, client auth for a client. */
export function leafExtensions(kind: "server" | "client"): string {
    const usage = kind === "server" ? "serverAuth" : "clientAuth";
    const lines = ["[ext]", "basicConstraints = critical, CA:FALSE", "keyUsage = critical, digitalSignature, keyEncipherment", `extendedKeyUsage = ${usage}`];
    if (kind === "server") lines.push("subjectAltName = IP:127.0.0.1, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default.svc");
    return `${lines.join("\n")}\n`;
}

function openssl(args: string[]): void {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
}

function ecKey(file: string): void {
    openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file]);
}

function leaf(dir: string, pki: ClusterPki, name: string, subject: string, kind: "server" | "client", cert: string, key: string): void {
    ecKey(key);
    const csr = path.join(dir, `${name}.csr`);
    const ext = path.join(dir, `${name}.ext`);
    fs.writeFileSync(ext, leafExtensions(kind));
    openssl(["req", "-new", "-key", key, "-subj", subject, "-out", csr]);
    openssl(["x509", "-req", "-in", csr, "-CA", pki.caCert, "-CAkey", pki.caKey, "-CAcreateserial", "-days", "2", "-extfile", ext, "-extensions", "ext", "-out", cert]);
}

/** Generates a fresh PKI into `dir` (created, mode 0700). */
export function generatePki(dir: string): ClusterPki {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pki = pkiPaths(dir);
    ecKey(pki.caKey);
    openssl(["req", "-x509", "-new", "-key", pki.caKey, "-subj", "/CN=platform-e2e-ca", "-days", "2", "-out", pki.caCert]);
    leaf(dir, pki, "apiserver", "/CN=kube-apiserver", "server", pki.serverCert, pki.serverKey);
    leaf(dir, pki, "admin", "/O=system:masters/CN=platform-e2e-admin", "client", pki.adminCert, pki.adminKey);
    ecKey(pki.serviceAccountKey);
    openssl(["pkey", "-in", pki.serviceAccountKey, "-pubout", "-out", pki.serviceAccountPub]);
    return pki;
}
