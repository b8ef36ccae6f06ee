/**
 * The application namespace: Pod Security `restricted` enforced, and a default-deny network so
 * every workload has to declare who may reach it and whom it may reach.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DnsFacts } from "../cluster/contract";
import { PART_OF } from "./workload-security";

export { CLUSTER_DNS_NAMESPACE, CLUSTER_DNS_POD_LABELS } from "../cluster/contract";

/**
 * Pod Security Admission labels. `enforce-version: latest` follows the cluster's own definition of
 * `restricted`; `warn` and `audit` make a violation visible in `kubectl apply` output and the audit log.
 */
export function podSecurityLabels(level: "restricted" | "baseline" = "restricted"): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": level,
        "pod-security.kubernetes.io/audit": level,
    };
}

/**
 * Egress rule to the cluster DNS: 53 over UDP and TCP (TCP for answers larger than 512 bytes), to
 * the target's resolvers, or to any destination where no policy can name them (`DnsFacts`).
 */
export function dnsEgressRule(dns: DnsFacts): k8s.types.input.networking.v1.NetworkPolicyEgressRule {
    const ports = [
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
    ];
    return dns.peers === "any" ? { ports } : { to: dns.peers.map((p) => ({ ...p })), ports };
}

export interface AppNamespaceArgs {
    /** Kubernetes name of the namespace. */
    name: string;
    /** Where the cluster's pods resolve names (`ClusterTarget.dns`): the one egress every pod keeps. */
    dns: DnsFacts;
    /**
     * Pulumi `protect` on the Namespace alone (its policies change freely): deleting a namespace
     * deletes every object and claim in it, including ones other stacks made. Default: inherited.
     */
    protect?: boolean;
}

export class AppNamespace extends pulumi.ComponentResource {
    /** The namespace name, known only once the namespace exists (so dependents wait for it). */
    readonly name: pulumi.Output<string>;

    constructor(name: string, args: AppNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:index:AppNamespace", name, {}, opts);

        const ns = new k8s.core.v1.Namespace(
            name,
            {
                metadata: {
                    name: args.name,
                    labels: { ...podSecurityLabels("restricted"), "app.kubernetes.io/part-of": PART_OF },
                },
            },
            { parent: this, protect: args.protect },
        );
        this.name = ns.metadata.name;

        // Applies to every pod in the namespace; workloads add their own narrow allow rules.
        new k8s.networking.v1.NetworkPolicy(
            `${name}-default-deny`,
            {
                metadata: { name: "default-deny", namespace: this.name },
                spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
            },
            { parent: this },
        );

        new k8s.networking.v1.NetworkPolicy(
            `${name}-allow-dns`,
            {
                metadata: { name: "allow-dns-egress", namespace: this.name },
                spec: { podSelector: {}, policyTypes: ["Egress"], egress: [dnsEgressRule(args.dns)] },
            },
            { parent: this },
        );

        this.registerOutputs({ name: this.name });
    }
}
