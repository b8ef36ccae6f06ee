/**
 * What an AKS node mode is (`platform:nodeMode`): the platform's autoscaled user pool, or node
 * auto-provisioning. One implementation per mode beside this file (managed.ts, auto.ts), listed in
 * ./index.ts; the cluster and the target ask the mode and never branch on its name.
 */
import type * as containerservice from "@pulumi/azure-native/containerservice";
import type * as pulumi from "@pulumi/pulumi";
import type { NodeFacts } from "../../cluster/contract";

/** The workloads' pool settings from config (managed mode). */
export interface AksPoolSettings {
    /** VM size, e.g. `Standard_D4s_v5`. */
    nodeSize: string;
    minNodes: number;
    maxNodes: number;
    kubernetesVersion: string;
    /** Availability zones; `[]` for a region without zones. */
    zones: readonly string[];
    /** Properties the pool must not push back (aksIgnoreChanges). */
    ignoreChanges: string[];
}

/** The cluster a mode creates its nodes on; what it creates there is a child of `parent`. */
export interface AksNodeScope {
    name: string;
    /** The cluster component. */
    parent: pulumi.Resource;
    resourceGroupName: pulumi.Input<string>;
    cluster: containerservice.ManagedCluster;
    pool: AksPoolSettings;
}

export interface AksNodeMode {
    /** ManagedCluster arguments of this mode. */
    clusterArgs: Partial<containerservice.ManagedClusterArgs>;
    /** Creates the workloads' pool once the cluster exists; undefined where AKS provisions nodes. */
    create(scope: AksNodeScope): containerservice.AgentPool | undefined;
    facts: {
        nodes: NodeFacts;
        /** The platform images are built for, from `platform:nodeSize`. */
        imagePlatform(nodeSize: string): string;
        /** Control-plane log categories of this mode's node provisioner, beyond the common ones. */
        logCategories: readonly string[];
    };
}
