/**
 * Typed views of what a test registered, shared by the component tests: the recorded inputs of a
 * Kubernetes object read as that object (fully resolved under mocks), and the workloads' parts the
 * tests look at most.
 */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { CLUSTER_AUTOSCALER_DISRUPTION, type DisruptionFacts, KARPENTER_DISRUPTION } from "../../components/cluster/contract";
import { CREDENTIALS_DIGEST_ANNOTATION } from "../../components/workloads/stateful-data";
import type { RecordedResource, ResourceSet } from "./mocks";

import out = k8s.types.output;

/**
 * The container securityContext every platform container carries, written out here rather than
 * imported from the component, so a change to the component's constant fails the tests.
 */
export const HARDENED_CONTAINER_SECURITY = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
} as const;

/** The pod securityContext of a pod that runs as `uid` and owns its volumes through group `gid`. */
export function volumeOwnerPodSecurity(uid: number, gid: number): Record<string, unknown> {
    return { runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, fsGroup: gid, fsGroupChangePolicy: "OnRootMismatch", seccompProfile: { type: "RuntimeDefault" } };
}

/** Recorded inputs typed as the object they describe. */
export const as = <T>(r: RecordedResource): T => r.inputs as unknown as T;

/** The one StatefulSet (named `name`, if given). */
export const statefulSet = (rs: ResourceSet, name?: string): out.apps.v1.StatefulSet => as<out.apps.v1.StatefulSet>(rs.one("kubernetes:apps/v1:StatefulSet", name));

/** The one Deployment (named `name`, if given). */
export const deployment = (rs: ResourceSet, name?: string): out.apps.v1.Deployment => as<out.apps.v1.Deployment>(rs.one("kubernetes:apps/v1:Deployment", name));

/** The workload's first container (ours have one), or the one named `name`. */
export function container(workload: out.apps.v1.StatefulSet | out.apps.v1.Deployment, name?: string): out.core.v1.Container {
    const containers = workload.spec.template.spec.containers;
    if (name === undefined) return containers[0];
    const found = containers.find((c) => c.name === name);
    if (!found) throw new Error(`no container ${name} (have: ${containers.map((c) => c.name).join(", ")})`);
    return found;
}

/**
 * The single-replica stateful workloads (Redis, Postgres) share one disruption rule: the target's
 * "never consolidate this pod" annotation (cluster autoscaler or Karpenter) and no
 * PodDisruptionBudget, which on one replica could never be satisfied and would block every drain
 * and node upgrade. `deploy` runs the component with the given disruption facts.
 */
export async function assertNeverDisruptedWithoutPdb(deploy: (disruption: DisruptionFacts) => Promise<{ resources: ResourceSet }>): Promise<void> {
    const cases = [
        [CLUSTER_AUTOSCALER_DISRUPTION, { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" }],
        [KARPENTER_DISRUPTION, { "karpenter.sh/do-not-disrupt": "true" }],
    ] as const;
    for (const [disruption, annotations] of cases) {
        const { resources } = await deploy(disruption);
        // Beside the credentials digest (which rolls the pod on a new password), only the target's annotation.
        const { [CREDENTIALS_DIGEST_ANNOTATION]: digest, ...others } = statefulSet(resources).spec.template.metadata.annotations;
        assert.match(digest, /^[0-9a-f]{32}$/);
        assert.deepEqual(others, annotations);
        assert.equal(resources.ofType("kubernetes:policy/v1:PodDisruptionBudget").length, 0);
    }
}
