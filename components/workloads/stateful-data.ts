/**
 * The pieces the workloads share: a password kept in a Secret and handed to pods as a file, the
 * claim template of a data volume, scratch volumes and the ephemeral storage they need. (Kept
 * apart from workload-security.ts, which the policy pack imports and must stay free of runtime
 * SDK imports.)
 */
import { scryptSync } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { DisruptionFacts } from "../cluster/contract";

/**
 * Pod-template annotation holding a digest of the credentials a pod reads at start: a new password
 * changes it, so the workload rolls and every pod reads the new one.
 */
export const CREDENTIALS_DIGEST_ANNOTATION = "platform.example.com/credentials-digest";

/** Mode of mounted Secret files: owner root, group the pod's fsGroup, readable by the group only. */
export const SECRET_FILE_MODE = 0o440;

export interface PasswordSecretArgs {
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    /** Key of the password in the Secret. */
    key: string;
    /** A password the user brings (a secret Output). Undefined: a generated one. */
    password?: pulumi.Output<string>;
}

/** A password Secret as its users see it. */
export interface PasswordSecret {
    /**
     * The Secret's name as a plain string. Pods refer to it by this string, not by the resource's
     * output: a replaced Secret (a new password) then leaves their specs known, so no preview
     * mistakes their fields for a change that replaces a protected StatefulSet.
     */
    name: string;
    key: string;
    /** Digest of the password for {@link CREDENTIALS_DIGEST_ANNOTATION}; never the password. */
    digest: pulumi.Output<string>;
    /** The Secret, for `dependsOn`: a pod that mounts it should not be created before it. */
    resource: k8s.core.v1.Secret;
}

const digestCache = new Map<string, string>();

/**
 * A digest of a password that can sit in plain sight (a pod annotation, the preview): scrypt
 * (N=2^14, r=8, p=1), so even a short brought password is costly to guess from it, salted with
 * the Secret's name, 16 bytes in hex. Deterministic, so an unchanged password never rolls a pod.
 */
export function passwordDigest(password: string, secretName: string): string {
    const cacheKey = `${secretName}\0${password}`;
    let digest = digestCache.get(cacheKey);
    if (digest === undefined) {
        digest = scryptSync(password, `platform.example.com/${secretName}`, 16, { N: 2 ** 14, r: 8, p: 1 }).toString("hex");
        digestCache.set(cacheKey, digest);
    }
    return digest;
}

/**
 * The password of a workload in a Secret `<name>-auth` (key `args.key`), never in plain text in
 * inputs, state or outputs: the user's own (`args.password`), or else a 32-character alphanumeric
 * one from the random provider, kept in the stack's state.
 *
 * Neither the Secret nor the generated password is `protect`ed. Changing the password replaces the
 * Secret (the Kubernetes provider treats a Secret's data as immutable, so a new value is a
 * delete-then-create of the same name), which protection would refuse; and nothing depends on
 * keeping the old value: Redis holds no password in its data, and Postgres sets its stored role
 * password from the Secret on every start (see postgres.ts). Switching from a generated password to
 * a brought one deletes the RandomPassword; switching back generates a new one.
 */
export function passwordSecret(name: string, args: PasswordSecretArgs, opts: pulumi.CustomResourceOptions): PasswordSecret {
    const secretName = `${name}-auth`;
    const password = args.password ?? new random.RandomPassword(`${name}-password`, { length: 32, special: false }, opts).result;
    const resource = new k8s.core.v1.Secret(
        secretName,
        {
            metadata: { name: secretName, namespace: args.namespace, labels: args.labels },
            type: "Opaque",
            stringData: pulumi.secret(password.apply((p) => ({ [args.key]: p }))),
        },
        opts,
    );
    const digest = pulumi.unsecret(password.apply((p) => passwordDigest(p, secretName)));
    return { name: secretName, key: args.key, digest, resource };
}

/**
 * A Secret volume that shows one key as a file of the same name, readable by the pod's fsGroup
 * (the kubelet makes such files root-owned, group fsGroup).
 */
export function secretFileVolume(volumeName: string, secret: Pick<PasswordSecret, "name" | "key">): k8s.types.input.core.v1.Volume {
    return { name: volumeName, secret: { secretName: secret.name, defaultMode: SECRET_FILE_MODE, items: [{ key: secret.key, path: secret.key }] } };
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

/** What a one-replica data StatefulSet is made of (Redis, Postgres). */
export interface DataStatefulSetArgs {
    /** Also the governing Service's name. */
    name: string;
    labels: Record<string, string>;
    disruption: DisruptionFacts;
    /** The password's digest (never the password): a new password rolls the pod. */
    credentialsDigest: pulumi.Input<string>;
    podSpec: k8s.types.input.core.v1.PodSpec;
    storageClassName: pulumi.Input<string>;
    storageSize: string;
}

/**
 * The spec of a one-replica data StatefulSet. The governing Service is named as a plain string, so
 * a preview never sees it unknown (an unknown would plan a replacement, which protection refuses);
 * deleting or scaling down the StatefulSet never deletes the claim; the pod carries the target's
 * never-disrupt annotations.
 */
export function dataStatefulSetSpec(a: DataStatefulSetArgs): k8s.types.input.apps.v1.StatefulSetSpec {
    return {
        replicas: 1,
        serviceName: a.name,
        selector: { matchLabels: a.labels },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
        template: {
            metadata: { labels: a.labels, annotations: { ...singleReplicaPodAnnotations(a.disruption), [CREDENTIALS_DIGEST_ANNOTATION]: a.credentialsDigest } },
            spec: a.podSpec,
        },
        volumeClaimTemplates: [dataClaimTemplate(a.labels, a.storageClassName, a.storageSize)],
    };
}

/** A memory quantity as Kubernetes writes it back: whole GiB in Gi, else Mi (so `1Gi` stays `1Gi`). */
export function memoryQuantity(mi: number): string {
    return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

/** An `emptyDir` of a pod: on the node's disk, or in memory (`medium: Memory`, counted as memory). */
export interface ScratchVolume {
    name: string;
    sizeMi: number;
    memory?: boolean;
}

/** The pod volume for a {@link ScratchVolume}. */
export function scratchVolume(v: ScratchVolume): k8s.types.input.core.v1.Volume {
    return { name: v.name, emptyDir: { ...(v.memory ? { medium: "Memory" } : {}), sizeLimit: `${v.sizeMi}Mi` } };
}

/**
 * What the kubelet may keep of one container's log on the node, counted against the container's
 * ephemeral storage: `containerLogMaxSize` × `containerLogMaxFiles`, 10Mi × 5 by default (kubelet
 * configuration defaults; EKS and GKE keep them, kubernetes.io "Logging architecture" and GKE's
 * NodeKubeletConfig reference, checked 2026-12-07), plus 14Mi for the current file growing past its
 * size between two rotation checks.
 */
export const CONTAINER_LOG_BUDGET_MI = 64;

/**
 * Ephemeral storage of a container that writes `scratch` (its disk-backed emptyDirs; memory ones
 * count as memory): the emptyDirs' size limits plus the log budget; the root filesystem is
 * read-only, so no writable layer grows. The request equals the limit: under node disk pressure the
 * kubelet evicts first the pods that use more than they requested, and a pod that never exceeds its
 * request is evicted last; reserving a few hundred MiB of node disk is cheap for that.
 */
export function ephemeralStorage(scratch: readonly ScratchVolume[]): { requests: { "ephemeral-storage": string }; limits: { "ephemeral-storage": string } } {
    const total = scratch.filter((v) => !v.memory).reduce((sum, v) => sum + v.sizeMi, CONTAINER_LOG_BUDGET_MI);
    const quantity = `${total}Mi`;
    return { requests: { "ephemeral-storage": quantity }, limits: { "ephemeral-storage": quantity } };
}
