/**
 * Pod conventions shared by the platform's workloads: the label sets Services and NetworkPolicies
 * select on, and the security contexts that satisfy Pod Security Admission `restricted`.
 *
 * Kept in one place so Redis, Postgres and the visit counter cannot drift apart: a workload that
 * misses one field is rejected by the namespace's `restricted` enforcement at admission time,
 * which Pulumi only reports as a StatefulSet/Deployment that never becomes ready.
 */
import type * as k8s from "@pulumi/kubernetes";

/** Value of `app.kubernetes.io/part-of` on everything the platform runs. */
export const PART_OF = "platform";

/**
 * Marks a workload whose volumes hold data that must outlive it (Postgres). The policy pack
 * (policy/rules.ts) requires such workloads to claim the Retain StorageClass.
 */
/**
 * Labels of the namespaces the platform's add-on charts (ingress-nginx, cert-manager) run in:
 * Pod Security `baseline` enforced, `restricted` warned and audited. The charts' pods are meant to
 * meet `restricted`, but a miss must not fail a rollout of the platform's entry point.
 */
export const ADDON_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/part-of": PART_OF,
    "pod-security.kubernetes.io/enforce": "baseline",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
};

export const STATEFUL_DATA_LABEL = "platform.example.com/data";

/**
 * Labels that identify a workload's pods. `app.kubernetes.io/name` is the application (stable
 * across instances, what other workloads' NetworkPolicies allow), `instance` tells two
 * deployments of the same application apart. Both are part of selectors, which are immutable on
 * a StatefulSet/Deployment: changing either replaces the workload.
 */
export function workloadLabels(appName: string, instance: string): Record<string, string> {
    return {
        "app.kubernetes.io/name": appName,
        "app.kubernetes.io/instance": instance,
        "app.kubernetes.io/part-of": PART_OF,
    };
}

export interface PodIdentity {
    /** Numeric uid: `runAsNonRoot` can only be verified by the kubelet for a numeric user. */
    uid: number;
    /** Primary gid of the process. Default: `uid`. */
    gid?: number;
    /** Group that owns mounted volumes; needed for PVCs so a non-root process can write. Default: none. */
    fsGroup?: number;
}

/**
 * Pod-level security context for Pod Security `restricted`. With an `fsGroup`, ownership is only
 * changed when the volume root does not already match (`OnRootMismatch`): a recursive chown of a
 * large data directory on every restart would delay start by minutes.
 */
export function podSecurityContext(identity: PodIdentity): k8s.types.input.core.v1.PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: identity.uid,
        runAsGroup: identity.gid ?? identity.uid,
        ...(identity.fsGroup !== undefined ? { fsGroup: identity.fsGroup, fsGroupChangePolicy: "OnRootMismatch" } : {}),
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/**
 * Container-level security context for Pod Security `restricted`, plus a read-only root
 * filesystem: every workload writes only to its volumes (PVC or emptyDir).
 */
export function containerSecurityContext(): k8s.types.input.core.v1.SecurityContext {
    return {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/**
 * Pod spec fields every workload shares. None of them talks to the Kubernetes API, so no token is
 * mounted. Service links are off: Kubernetes would inject `REDIS_PORT=tcp://10.x.y.z:6379` for a
 * Service named `redis`, which collides with the app's own `REDIS_PORT` setting (and `POSTGRES_*`
 * for a Service named `postgres`).
 */
export const COMMON_POD_SPEC = {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
} as const;
