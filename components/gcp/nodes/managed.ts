/**
 * `platform:nodeMode managed` on GKE: a Standard cluster with one regional node pool that the
 * cluster autoscaler scales between `platform:minNodes` and `platform:maxNodes`, running as the
 * least-privilege node service account.
 */
import * as gcp from "@pulumi/gcp";
import { GKE_DEFAULT_ZONES } from "../../../config/keys";
import { CLUSTER_AUTOSCALER_NODES } from "../../cluster/contract";
import { CLOUD_PLATFORM_SCOPE, gkeNodeTaintConfig, workloadPool } from "../facts";
import type { GkeNodeMode, GkeNodeScope, GkeNodes } from "./mode";

/**
 * GKE spreads a regional cluster's nodes over three of the region's zones by default; the same
 * number config checks `maxNodes` against (`GKE_DEFAULT_ZONES`), so the two cannot drift apart.
 */
export const REGIONAL_ZONE_COUNT = GKE_DEFAULT_ZONES;

/**
 * Nodes each zone starts with. `initialNodeCount` is per zone and, for a regional pool, the
 * autoscaler's totals are spread over all zones; starting at ceil(min / zones) (at least one) means
 * the pool is never below its minimum at creation, unless that would start it above its maximum
 * (min 4, max 4 over 3 zones: 2 per zone is 6 nodes), when it starts at floor(max / zones) and the
 * autoscaler adds the rest. Config keeps maxNodes >= zones, so that is at least one. Changing it
 * later would replace the pool, so the pool ignores later changes to it.
 */
export function initialNodesPerZone(totalMinNodes: number, zones: number = REGIONAL_ZONE_COUNT, totalMaxNodes: number = Number.MAX_SAFE_INTEGER): number {
    const atLeastMin = Math.max(1, Math.ceil(totalMinNodes / zones));
    return Math.max(1, Math.min(atLeastMin, Math.floor(totalMaxNodes / zones)));
}

/**
 * The autoscaled pool. The config values are totals for the whole regional pool (spread over its
 * zones), hence total*, not the per-zone min/maxNodeCount.
 */
function nodePool(scope: GkeNodeScope): gcp.container.NodePool {
    const { pool } = scope;
    const taintConfig = gkeNodeTaintConfig(pool.nodeSize);
    return new gcp.container.NodePool(
        `${scope.name}-nodes`,
        {
            project: scope.project,
            location: scope.region,
            cluster: scope.cluster.name,
            initialNodeCount: initialNodesPerZone(pool.minNodes, REGIONAL_ZONE_COUNT, pool.maxNodes),
            autoscaling: { totalMinNodeCount: pool.minNodes, totalMaxNodeCount: pool.maxNodes, locationPolicy: "BALANCED" },
            // The nodes follow the control plane: a `kubernetesVersion` bump upgrades the control
            // plane (minMasterVersion), then this pool to the version it now runs. The cluster's
            // NO_MINOR_UPGRADES exclusion holds back automatic minor upgrades only, for control
            // plane and nodes alike; a version set here is a manual upgrade, which exclusions do
            // not block. Without it the pool stays on the old minor until that minor's end of
            // support. The full version the control plane runs (never a fuzzy `1.35`, which the
            // provider reads back as a permanent diff) also brings the nodes to the control plane's
            // patch on the next `pulumi up` if auto-upgrade has not yet. Auto-upgrade stays on: a
            // release channel requires it. Sources, checked 2026-12-07: pulumi-gcp 9.37
            // container.NodePool `version`; GKE "Maintenance windows and exclusions" (scopes) and
            // "Manually upgrading a cluster or node pool".
            version: scope.cluster.masterVersion,
            management: { autoRepair: true, autoUpgrade: true },
            // Surge one node at a time and never take one away first: ingress and the app keep capacity.
            upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
            nodeConfig: {
                machineType: pool.nodeSize,
                diskType: "pd-balanced",
                diskSizeGb: pool.nodeDiskSizeGb ?? 100,
                imageType: "COS_CONTAINERD",
                serviceAccount: scope.nodeServiceAccount.email,
                // Access is decided by the service account's IAM roles, as Google recommends;
                // narrower scopes would only add a second, coarser filter.
                oauthScopes: [CLOUD_PLATFORM_SCOPE],
                // Pods see the GKE metadata server: Workload Identity, no node credentials.
                workloadMetadataConfig: { mode: "GKE_METADATA" },
                shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
                metadata: { "disable-legacy-endpoints": "true" },
                // Arm pools: no arm64 NoSchedule taint, or every platform pod stays Pending.
                ...(taintConfig === undefined ? {} : { taintConfig }),
            },
        },
        {
            parent: scope.parent,
            dependsOn: scope.dependsOn,
            // Per-zone start size only matters at creation; a later change must not replace the pool.
            ignoreChanges: ["initialNodeCount"],
        },
    );
}

function createStandardNodes(scope: GkeNodeScope): GkeNodes {
    const pool = nodePool(scope);
    // Nodes before anything is scheduled: the pool exists only once the cluster, and so its PD and
    // Filestore CSI add-ons, do.
    return { nodePool: pool, ready: pool };
}

/**
 * GKE Standard: GKE cannot create a cluster without a pool, so the smallest one is created and
 * deleted (every node comes from the platform's pool); it runs as the node service account, since
 * the Compute Engine default one is disabled in hardened and new organisations. Workload Identity,
 * Dataplane V2 (NetworkPolicy enforcement; never with the Calico `networkPolicy` block), shielded
 * nodes and the add-ons are explicit.
 */
export const STANDARD_NODE_POOL: GkeNodeMode = {
    clusterArgs: (nodeServiceAccount, project) => ({
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        nodeConfig: { serviceAccount: nodeServiceAccount, oauthScopes: [CLOUD_PLATFORM_SCOPE] },
        workloadIdentityConfig: { workloadPool: workloadPool(project) },
        datapathProvider: "ADVANCED_DATAPATH",
        addonsConfig: {
            // On by default for new clusters; explicit because every platform volume needs it.
            gcePersistentDiskCsiDriverConfig: { enabled: true },
            // `platform-shared` (ReadWriteMany). Turning it on for an existing cluster is an
            // in-place update (the add-on is not a replacement field of the cluster).
            gcpFilestoreCsiDriverConfig: { enabled: true },
            // Backend-service-based LoadBalancer Services (the ingress NLB) need this add-on.
            httpLoadBalancing: { disabled: false },
            horizontalPodAutoscaling: { disabled: false },
        },
        enableShieldedNodes: true,
    }),
    // The cluster-level nodeConfig only describes the temporary default pool. GKE later reports the
    // remaining pools' config there, and every nodeConfig change forces a new cluster: without this
    // each `pulumi up` would plan a replacement (hashicorp/terraform-provider-google#12070, #2115,
    // #17511).
    clusterIgnoreChanges: ["nodeConfig"],
    alwaysOnComponents: [],
    create: createStandardNodes,
    facts: { nodes: CLUSTER_AUTOSCALER_NODES },
};
