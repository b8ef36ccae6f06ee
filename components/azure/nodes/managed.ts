/**
 * `platform:nodeMode managed` on AKS: the workloads run on a separate User pool that the cluster
 * autoscaler scales between `platform:minNodes` and `platform:maxNodes`.
 */
import { createHash } from "node:crypto";
import * as containerservice from "@pulumi/azure-native/containerservice";
import { CLUSTER_AUTOSCALER_NODES } from "../../cluster/contract";
import { aksNodePlatform, AKS_OS_SKU } from "../facts";
import type { AksNodeMode, AksNodeScope } from "./mode";

/**
 * Name of the workloads' pool, derived from what AKS cannot change on a pool (VM size, zones, OS
 * SKU): a change there yields a new name, which makes Pulumi replace the pool, and its default
 * create-before-delete brings the new pool up before the old one is deleted, so pods move and
 * the app stays up. AKS pool names: 1-12 lower-case alphanumerics starting with a letter; `user`
 * plus 8 hex digits.
 */
export function userPoolName(vmSize: string, zones: readonly string[], osSku: string = AKS_OS_SKU): string {
    const digest = createHash("sha256").update(JSON.stringify([vmSize, [...zones].sort(), osSku])).digest("hex");
    return `user${digest.slice(0, 8)}`;
}

function userPool(scope: AksNodeScope): containerservice.AgentPool {
    const { pool } = scope;
    return new containerservice.AgentPool(
        `${scope.name}-user`,
        {
            resourceGroupName: scope.resourceGroupName,
            resourceName: scope.cluster.name,
            agentPoolName: userPoolName(pool.nodeSize, pool.zones),
            mode: "User",
            type: "VirtualMachineScaleSets",
            osType: "Linux",
            osSKU: AKS_OS_SKU,
            vmSize: pool.nodeSize,
            orchestratorVersion: pool.kubernetesVersion,
            ...(pool.zones.length > 0 ? { availabilityZones: [...pool.zones] } : {}),
            enableAutoScaling: true,
            minCount: pool.minNodes,
            maxCount: pool.maxNodes,
            count: pool.minNodes,
        },
        // The name follows the size: a size change replaces the pool, the new one first.
        { parent: scope.parent, deleteBeforeReplace: false, ignoreChanges: pool.ignoreChanges },
    );
}

export const USER_POOL: AksNodeMode = {
    clusterArgs: {},
    create: userPool,
    // cluster-autoscaler is among the common categories (monitoring.ts).
    facts: { nodes: CLUSTER_AUTOSCALER_NODES, imagePlatform: aksNodePlatform, logCategories: [] },
};
