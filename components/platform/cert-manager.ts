/**
 * cert-manager and the platform's one ClusterIssuer. Ingresses get certificates through the
 * `cert-manager.io/cluster-issuer: <clusterIssuerName>` annotation (set by the workloads).
 *
 * Issuer choice: Let's Encrypt (ACME HTTP-01 through the entry point: an Ingress of the nginx class,
 * or an HTTPRoute on the Gateway) only when both a domain and an
 * ACME email are set, since Let's Encrypt needs a public name it can reach; otherwise a self-signed
 * issuer. `tlsEnabled` is "a domain is set": without a domain there is no name to certify and the
 * app is served over plain HTTP on the LB address.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ChartSource, TlsSettings } from "../../config";
import type { CertManagerNeeds } from "../entry-points/contract";
import { chartLocation, type PinnedChart, RELEASE_POLICY } from "./helm";
import { ADDON_NAMESPACE_LABELS } from "./workload-security";

export const CERT_MANAGER_CHART = "cert-manager";
/** Latest patch of the newest line confirmed (cert-manager/cert-manager#9237, 2026-09). */
export const CERT_MANAGER_CHART_VERSION = "v1.21.2";
export const CERT_MANAGER_REPOSITORY = "https://charts.jetstack.io";
export const CERT_MANAGER_PINNED: PinnedChart = {
    name: CERT_MANAGER_CHART,
    version: CERT_MANAGER_CHART_VERSION,
    home: { kind: "repository", url: CERT_MANAGER_REPOSITORY },
};
export const CERT_MANAGER_NAMESPACE = "cert-manager";
export const CERT_MANAGER_RELEASE = "cert-manager";

export const SELF_SIGNED_ISSUER = "platform-selfsigned";
export const LETSENCRYPT_ISSUERS = { production: "letsencrypt-production", staging: "letsencrypt-staging" } as const;
export const ACME_SERVER_URLS = {
    production: "https://acme-v02.api.letsencrypt.org/directory",
    staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;

/**
 * Chart values: CRDs from the chart (kept on uninstall unless `keepCrds` is false: a local
 * cluster's clean slate), HA replicas with PDBs. `gatewayApi` turns on the Gateway API support
 * (gateway-shim: certificates for annotated Gateways' listeners, and the `gatewayHTTPRoute` HTTP-01
 * solver); the Gateway API CRDs must exist before cert-manager starts, or it does not watch Gateways
 * (cert-manager.io/docs/usage/gateway, checked 2026-12-01).
 */
export function certManagerValues(opts: { gatewayApi?: boolean; keepCrds?: boolean } = {}): Record<string, unknown> {
    const pdb = { enabled: true, maxUnavailable: 1 };
    return {
        // keep: uninstalling the chart must not delete the CRDs, which would garbage-collect every
        // Certificate and Issuer in the cluster; the target decides (a local cluster wants them gone).
        crds: { enabled: true, keep: opts.keepCrds ?? true },
        // The controller and cainjector elect a leader; the second replica takes over quickly.
        replicaCount: 2,
        podDisruptionBudget: pdb,
        resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "256Mi" } },
        // No feature-gate override: the solver Ingress keeps cert-manager's default pathType Exact
        // (>= 1.18). ingress-nginx 1.12.0-1.13.1 rejected the dot in `/.well-known/...` under
        // strict path validation (cert-manager#7791); 1.12.6/1.13.2 and later accept it
        // (ingress-nginx#13798), and the pinned controller is 1.15.1.
        webhook: {
            // Every Certificate/Issuer write goes through the webhook: keep it up during drains.
            replicaCount: 2,
            podDisruptionBudget: pdb,
            resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
        },
        cainjector: {
            replicaCount: 2,
            podDisruptionBudget: pdb,
            resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "256Mi" } },
        },
        // Leader election in cert-manager's own namespace, not the chart's default kube-system:
        // GKE Autopilot denies writes to its managed namespaces ("GKEAutopilot authz: the
        // namespace kube-system is managed"), and nothing else needs the locks there. Sources,
        // checked 2026-12-07: cert-manager.io/docs/installation/compatibility (GKE Autopilot),
        // cert-manager/cert-manager#3713, #5061, #6716.
        global: { leaderElection: { namespace: CERT_MANAGER_NAMESPACE } },
        // Metrics endpoint on; no ServiceMonitor (the Prometheus Operator CRDs are not installed).
        prometheus: { enabled: true, servicemonitor: { enabled: false } },
        ...(opts.gatewayApi
            ? { config: { apiVersion: "controller.config.cert-manager.io/v1alpha1", kind: "ControllerConfiguration", enableGatewayAPI: true } }
            : {}),
    };
}

export type IssuerKind = "selfSigned" | "acme";

/** Let's Encrypt needs both a public domain and an account email. */
export function issuerKind(tls: TlsSettings): IssuerKind {
    return tls.domain && tls.acmeEmail ? "acme" : "selfSigned";
}

export function clusterIssuerName(tls: TlsSettings): string {
    return issuerKind(tls) === "acme" ? LETSENCRYPT_ISSUERS[tls.acmeServer] : SELF_SIGNED_ISSUER;
}

export function tlsEnabled(tls: TlsSettings): boolean {
    return tls.domain !== undefined && tls.domain !== "";
}

/**
 * The ClusterIssuer `spec`. `solvers` are the HTTP-01 solvers of the running entry points
 * (`EntryPoint.certManager.acmeHttp01Solver`), first the one DNS points at: cert-manager uses the
 * first of equally specific solvers.
 */
export function clusterIssuerSpec(tls: TlsSettings, solvers: readonly pulumi.Input<Record<string, unknown>>[]): Record<string, unknown> {
    if (issuerKind(tls) === "selfSigned") return { selfSigned: {} };
    const name = clusterIssuerName(tls);
    return {
        acme: {
            server: ACME_SERVER_URLS[tls.acmeServer],
            email: tls.acmeEmail,
            // The ACME account key; cert-manager creates it in its own namespace.
            privateKeySecretRef: { name: `${name}-account-key` },
            solvers: [...solvers],
        },
    };
}

/**
 * cert-manager's settings for the running entry points: their solvers in order (the one DNS points
 * at first), Gateway API support if any of them needs it, and what the release starts after (a
 * component's `dependsOn` is not passed on to its children).
 */
export function servedEntryPoints(needs: readonly CertManagerNeeds[]): { solvers: Record<string, unknown>[]; gatewayApi: boolean; startAfter: pulumi.Resource[] } {
    return {
        solvers: needs.map((n) => n.acmeHttp01Solver),
        gatewayApi: needs.some((n) => n.gatewayApi),
        startAfter: needs.flatMap((n) => n.startAfter),
    };
}

export interface CertManagerArgs {
    tls: TlsSettings;
    /** What each running entry point needs (`EntryPoint.certManager`), the one DNS points at first. */
    entryPoints: readonly CertManagerNeeds[];
    /** Helm wait timeout in seconds. Default 600. */
    timeoutSeconds?: number;
    /** Keep the CRDs (and so every Certificate and Issuer) on destroy. Default true. */
    keepCrds?: boolean;
    /** Where the chart comes from (`platform:chartSources`); default its public repository. */
    chartSource?: ChartSource;
}

export class CertManager extends pulumi.ComponentResource {
    readonly clusterIssuerName: pulumi.Output<string>;
    readonly tlsEnabled: boolean;
    readonly namespace: pulumi.Output<string>;
    readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:tls:CertManager", name, {}, opts);

        const ns = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            {
                metadata: { name: CERT_MANAGER_NAMESPACE, labels: { ...ADDON_NAMESPACE_LABELS } },
            },
            { parent: this },
        );

        const served = servedEntryPoints(args.entryPoints);
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            {
                name: CERT_MANAGER_RELEASE,
                ...chartLocation(CERT_MANAGER_PINNED, args.chartSource),
                namespace: ns.metadata.name,
                values: certManagerValues({ gatewayApi: served.gatewayApi, keepCrds: args.keepCrds ?? true }),
                // The wait matters here: the ClusterIssuer below is validated by the webhook.
                ...RELEASE_POLICY,
                timeout: args.timeoutSeconds ?? 600,
            },
            { parent: this, dependsOn: served.startAfter },
        );

        const issuerName = clusterIssuerName(args.tls);
        const issuer = new k8s.apiextensions.CustomResource(
            `${name}-cluster-issuer`,
            {
                apiVersion: "cert-manager.io/v1",
                kind: "ClusterIssuer",
                metadata: { name: issuerName, labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "platform" } },
                spec: clusterIssuerSpec(args.tls, served.solvers),
            },
            // The CRD and the validating webhook come with the release.
            { parent: this, dependsOn: [this.release] },
        );

        this.clusterIssuerName = issuer.metadata.name;
        this.tlsEnabled = tlsEnabled(args.tls);
        this.namespace = ns.metadata.name;
        this.registerOutputs({ clusterIssuerName: this.clusterIssuerName, tlsEnabled: this.tlsEnabled, namespace: this.namespace });
    }
}
