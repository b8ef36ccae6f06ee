/**
 * The pieces Redis and Postgres share: a generated password kept in a Secret, and the claim
 * template of their data volume. (Kept apart from workload-security.ts, which the policy pack
 * imports and must stay free of runtime SDK imports.)
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { DisruptionFacts } from "../cluster/contract";

export interface PasswordSecretArgs {
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    /** Key of the password in the Secret. */
    key: string;
}

/**
 * A 32-character alphanumeric password (it goes into command lines and URLs unescaped) in a Secret
 * `<name>-auth`, never in plain text in inputs, state or outputs. `opts` should carry the data's
 * `protect`: a lost password with kept data locks you out.
 */
export function generatedPasswordSecret(name: string, args: PasswordSecretArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret {
    const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, opts);
    return new k8s.core.v1.Secret(
        `${name}-auth`,
        {
            metadata: { name: `${name}-auth`, namespace: args.namespace, labels: args.labels },
            type: "Opaque",
            stringData: pulumi.secret({ [args.key]: password.result }),
        },
        opts,
    );
}

/** The `data` volume claim template of a single-replica StatefulSet. */
export function dataClaimTemplate(
    labels: Record<string, string>,
    storageClassName: pulumi.Input<string>,
    storageSize: string,
): k8s.types.input.core.v1.PersistentVolumeClaim {
    return {
        metadata: { name: "data", labels },
        spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName,
            resources: { requests: { storage: storageSize } },
        },
    };
}

/**
 * Pod annotations of a single-replica data store (Redis, Postgres: every request depends on them):
 * the node autoscaler never evicts it just to consolidate nodes, which would take the app down for
 * a restart only to save a node.
 *
 * Deliberately no PodDisruptionBudget. With one replica, `minAvailable: 1` (or `maxUnavailable: 0`)
 * can never be satisfied: every eviction is refused, so each node drain and node upgrade stalls on
 * this pod (EKS managed node group updates and AKS upgrades then fail with an eviction/drain error;
 * GKE waits up to an hour and then deletes the pod anyway), until someone deletes the PDB by hand.
 * The annotation stops only the autoscaler's voluntary consolidation; drains for upgrades still
 * evict the pod, which restarts on another node with its volume: a short, planned outage instead
 * of a blocked upgrade. (Karpenter's `do-not-disrupt` also holds back drift replacement, bounded by
 * the NodePool's terminationGracePeriod; GKE Autopilot defers its own upgrades for up to 7 days.)
 */
export function singleReplicaPodAnnotations(disruption: DisruptionFacts): Record<string, string> {
    return { ...disruption.neverDisrupt };
}
