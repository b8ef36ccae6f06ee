import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    ACME_SERVER_URLS,
    CertManager,
    CERT_MANAGER_CHART_VERSION,
    certManagerValues,
    clusterIssuerName,
    clusterIssuerSpec,
    issuerKind,
    servedEntryPoints,
    tlsEnabled,
} from "../../../components/platform/cert-manager";
import type { CertManagerNeeds } from "../../../components/entry-points/contract";
import { gatewayAcmeSolver } from "../../../components/entry-points/envoy-gateway";
import type { TlsSettings } from "../../../config";
import { runProgram, valueOf } from "../../harness/mocks";

const NONE: TlsSettings = { acmeServer: "production" };
const DOMAIN_ONLY: TlsSettings = { domain: "app.example.com", acmeServer: "production" };
const PROD: TlsSettings = { domain: "app.example.com", acmeEmail: "ops@example.com", acmeServer: "production" };
const STAGING: TlsSettings = { ...PROD, acmeServer: "staging" };
const NGINX_SOLVERS = [{ http01: { ingress: { ingressClassName: "nginx" } } }];
const GATEWAY_SOLVER = gatewayAcmeSolver({ name: "platform", namespace: "envoy-gateway-system" });
const NGINX: CertManagerNeeds = { acmeHttp01Solver: NGINX_SOLVERS[0], gatewayApi: false, startAfter: [] };
const GATEWAY: CertManagerNeeds = { acmeHttp01Solver: GATEWAY_SOLVER, gatewayApi: true, startAfter: [] };

function deploy(tls: TlsSettings, gatewayApi = false) {
    return runProgram(() => {
        const provider = new k8s.Provider("k8s", { context: "kind-kind" });
        return new CertManager("cert-manager", { tls, entryPoints: [gatewayApi ? GATEWAY : NGINX] }, { provider });
    });
}

describe("cert-manager issuer selection", () => {
    it("self-signed without a domain, and with a domain but no ACME email", () => {
        for (const tls of [NONE, DOMAIN_ONLY, { acmeEmail: "ops@example.com", acmeServer: "production" } as TlsSettings]) {
            assert.equal(issuerKind(tls), "selfSigned");
            assert.equal(clusterIssuerName(tls), "platform-selfsigned");
            assert.deepEqual(clusterIssuerSpec(tls, NGINX_SOLVERS), { selfSigned: {} });
        }
    });

    it("Let's Encrypt production over HTTP-01 through the nginx class when domain and email are set", () => {
        assert.equal(clusterIssuerName(PROD), "letsencrypt-production");
        assert.deepEqual(clusterIssuerSpec(PROD, NGINX_SOLVERS), {
            acme: {
                server: "https://acme-v02.api.letsencrypt.org/directory",
                email: "ops@example.com",
                privateKeySecretRef: { name: "letsencrypt-production-account-key" },
                solvers: [{ http01: { ingress: { ingressClassName: "nginx" } } }],
            },
        });
    });

    it("answers HTTP-01 through the Gateway's HTTP listener with an HTTPRoute solver, and lists one solver per entry point in order", () => {
        const spec = clusterIssuerSpec(PROD, [GATEWAY_SOLVER]) as { acme: { solvers: unknown[] } };
        assert.deepEqual(spec.acme.solvers, [
            {
                http01: {
                    gatewayHTTPRoute: {
                        parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "platform", namespace: "envoy-gateway-system", sectionName: "http" }],
                    },
                },
            },
        ]);
        // While migrating, nginx (where DNS still points) comes first: cert-manager takes the first of equal solvers.
        const both = clusterIssuerSpec(PROD, [...NGINX_SOLVERS, GATEWAY_SOLVER]) as { acme: { solvers: unknown[] } };
        assert.deepEqual(both.acme.solvers, [...NGINX_SOLVERS, GATEWAY_SOLVER]);
    });

    it("Let's Encrypt staging uses the staging directory and its own issuer and account key", () => {
        assert.equal(clusterIssuerName(STAGING), "letsencrypt-staging");
        const spec = clusterIssuerSpec(STAGING, NGINX_SOLVERS) as { acme: { server: string; privateKeySecretRef: { name: string } } };
        assert.equal(spec.acme.server, ACME_SERVER_URLS.staging);
        assert.equal(spec.acme.server, "https://acme-staging-v02.api.letsencrypt.org/directory");
        assert.equal(spec.acme.privateKeySecretRef.name, "letsencrypt-staging-account-key");
    });

    it("TLS is enabled exactly when a domain is set", () => {
        assert.equal(tlsEnabled(NONE), false);
        assert.equal(tlsEnabled(DOMAIN_ONLY), true);
        assert.equal(tlsEnabled(PROD), true);
    });
});

describe("cert-manager serves the running entry points", () => {
    it("takes their solvers in order, Gateway API support if any needs it, and starts after what any needs", async () => {
        await runProgram(() => {
            const crds = new pulumi.ComponentResource("test:index:Crds", "crds");
            const served = servedEntryPoints([NGINX, { ...GATEWAY, startAfter: [crds] }]);
            assert.deepEqual(served.solvers, [NGINX_SOLVERS[0], GATEWAY_SOLVER]);
            assert.equal(served.gatewayApi, true);
            assert.deepEqual(served.startAfter, [crds]);
            assert.deepEqual(servedEntryPoints([NGINX]), { solvers: [NGINX_SOLVERS[0]], gatewayApi: false, startAfter: [] });
            return {};
        });
    });
});

describe("certManagerValues", () => {
    it("turns Gateway API support on (ControllerConfiguration enableGatewayAPI) only when a gateway runs", async () => {
        assert.deepEqual(certManagerValues({ gatewayApi: true }).config, {
            apiVersion: "controller.config.cert-manager.io/v1alpha1",
            kind: "ControllerConfiguration",
            enableGatewayAPI: true,
        });
        assert.equal(certManagerValues({ gatewayApi: false }).config, undefined);
        const { resources } = await deploy(PROD, true);
        const values = resources.one("kubernetes:helm.sh/v3:Release").inputs.values as { config?: { enableGatewayAPI?: boolean } };
        assert.equal(values.config?.enableGatewayAPI, true);
        const issuer = resources.one("kubernetes:cert-manager.io/v1:ClusterIssuer");
        assert.deepEqual((issuer.inputs.spec as { acme: { solvers: unknown[] } }).acme.solvers, [GATEWAY_SOLVER]);
    });

    it("installs the CRDs and keeps them on uninstall", () => {
        assert.deepEqual(certManagerValues().crds, { enabled: true, keep: true });
    });

    it("runs every component twice with a PDB and memory limits", () => {
        const v = certManagerValues() as Record<string, Record<string, unknown>> & { replicaCount: number };
        assert.equal(v.replicaCount, 2);
        assert.deepEqual(v.podDisruptionBudget, { enabled: true, maxUnavailable: 1 });
        for (const part of ["webhook", "cainjector"]) {
            assert.equal(v[part].replicaCount, 2, part);
            assert.deepEqual(v[part].podDisruptionBudget, { enabled: true, maxUnavailable: 1 }, part);
            assert.ok((v[part].resources as { limits: { memory: string } }).limits.memory, part);
        }
    });

    it("keeps cert-manager's exact HTTP-01 solver paths (ingress-nginx 1.15 accepts the dot in /.well-known)", () => {
        assert.equal(certManagerValues().config, undefined);
    });

    it("exposes metrics without a ServiceMonitor", () => {
        assert.deepEqual(certManagerValues().prometheus, { enabled: true, servicemonitor: { enabled: false } });
    });
});

describe("CertManager", () => {
    it("installs the pinned jetstack chart as a helm.v3 Release in its own namespace", async () => {
        const { resources } = await deploy(PROD);
        const release = resources.one("kubernetes:helm.sh/v3:Release");
        assert.equal(release.inputs.chart, "cert-manager");
        assert.equal(release.inputs.version, CERT_MANAGER_CHART_VERSION);
        assert.match(CERT_MANAGER_CHART_VERSION, /^v1\.\d+\.\d+$/);
        assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://charts.jetstack.io" });
        assert.equal(release.inputs.name, "cert-manager");
        assert.equal(release.inputs.namespace, "cert-manager");
        assert.equal(release.inputs.createNamespace, false);
        assert.equal(release.inputs.cleanupOnFail, true);
        assert.equal(release.inputs.skipAwait, false);
        assert.deepEqual(release.inputs.values, JSON.parse(JSON.stringify(certManagerValues())));
        const ns = resources.one("kubernetes:core/v1:Namespace");
        assert.equal((ns.inputs.metadata as { name: string }).name, "cert-manager");
    });

    it("registers the ACME ClusterIssuer after the release, and exposes its name and tlsEnabled", async () => {
        const { result, resources } = await deploy(STAGING);
        const issuer = resources.one("kubernetes:cert-manager.io/v1:ClusterIssuer");
        assert.equal(issuer.inputs.apiVersion, "cert-manager.io/v1");
        assert.equal(issuer.inputs.kind, "ClusterIssuer");
        assert.equal((issuer.inputs.metadata as { name: string }).name, "letsencrypt-staging");
        assert.deepEqual(issuer.inputs.spec, clusterIssuerSpec(STAGING, NGINX_SOLVERS));
        const release = resources.one("kubernetes:helm.sh/v3:Release");
        assert.ok(issuer.dependsOn.includes(release.urn), "the issuer waits for the CRDs and webhook");
        assert.equal(await valueOf(result.clusterIssuerName), "letsencrypt-staging");
        assert.equal(result.tlsEnabled, true);
    });

    it("without a domain: a self-signed ClusterIssuer and TLS off", async () => {
        const { result, resources } = await deploy(NONE);
        const issuer = resources.one("kubernetes:cert-manager.io/v1:ClusterIssuer");
        assert.deepEqual(issuer.inputs.spec, { selfSigned: {} });
        assert.equal(await valueOf(result.clusterIssuerName), "platform-selfsigned");
        assert.equal(result.tlsEnabled, false);
    });

    it("gives every Kubernetes object our explicit provider", async () => {
        const { resources } = await deploy(PROD);
        const objects = resources.kubernetesObjects();
        assert.equal(objects.length, 3);
        for (const o of objects) {
            assert.match(o.provider, /^urn:pulumi:test::platform::pulumi:providers:kubernetes::k8s::/, `${o.type} ${o.name}`);
            assert.match(o.parent, /platform:tls:CertManager::cert-manager$/);
        }
    });
});
