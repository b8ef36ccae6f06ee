/**
 * What a GKE node mode is (`platform:nodeMode`): Standard with the platform's node pool, or
 * Autopilot. One implementation per mode beside this file (managed.ts, auto.ts), listed in
 * ./index.ts; the cluster and the target ask the mode and never branch on its name.
 */
import type * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { NodeFacts } from "../../cluster/contract";

/** The node pool settings from config (managed mode). */
export interface GkePoolSettings {
    /** Machine type of the nodes, e.g. `e2-standard-4`. */
    nodeSize: string;
    /** Autoscaling lower bound: total nodes across all zones, not per zone. */
    minNodes: number;
    /** Autoscaling upper bound: total nodes across all zones, not per zone. */
    maxNodes: number;
    /** Node boot disk size in GB. Default 100. */
    nodeDiskSizeGb?: number;
}

/** The cluster a mode creates its nodes on; what it creates there is a child of `parent`. */
export interface GkeNodeScope {
    name: string;
    /** The cluster component. */
    parent: pulumi.Resource;
    project: string;
    region: string;
    cluster: gcp.container.Cluster;
    /** The least-privilege identity every node runs as. */
    nodeServiceAccount: gcp.serviceaccount.Account;
    /** What nodes must wait for: the service account's roles, and NAT for public images. */
    dependsOn: pulumi.Resource[];
    pool: GkePoolSettings;
}

export interface GkeNodes {
    /** The platform's pool; undefined where GKE provisions the nodes. */
    nodePool?: gcp.container.NodePool;
    /** What workloads wait for before they are scheduled. */
    ready: pulumi.Resource;
}

export interface GkeNodeMode {
    /** Cluster arguments of this mode. */
    clusterArgs(nodeServiceAccount: pulumi.Input<string>, project: string): Partial<gcp.container.ClusterArgs>;
    /** Cluster properties GKE reports differently from what was sent, which Pulumi must not diff. */
    clusterIgnoreChanges: string[];
    /** Log and metric components the mode cannot turn off (kept with `platform:observability none`). */
    alwaysOnComponents: readonly string[];
    /** Creates the nodes once the cluster exists. */
    create(scope: GkeNodeScope): GkeNodes;
    facts: { nodes: NodeFacts };
}
