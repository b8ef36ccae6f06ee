/**
 * What an EKS node mode is (`platform:nodeMode`): what it adds to the cluster, what it tells the
 * platform, and how the node-mode guard names it. One implementation per mode beside this file
 * (managed.ts, auto.ts), listed in ./index.ts; the cluster, the target and the guard ask the mode
 * and never branch on its name.
 */
import type * as eks from "@pulumi/eks";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ChartSource, ClusterSettings } from "../../../config";
import type { DnsFacts, LoadBalancerFacts, NodeFacts } from "../../cluster/contract";
import type { EbsDriver } from "../facts";
import type { EksNetwork } from "../network";

/** The cluster a mode creates its nodes on; what it creates there is a child of `parent`. */
export interface EksNodeScope {
    name: string;
    /** The cluster component. */
    parent: pulumi.Resource;
    cluster: eks.Cluster;
    clusterName: pulumi.Output<string>;
    /** The cluster's own Kubernetes provider. */
    provider: k8s.Provider;
    settings: ClusterSettings;
    network: EksNetwork;
    /** The region's partition, for AWS-owned policy ARNs. */
    partition: string;
}

/** What a mode created on the cluster. */
export interface EksNodes {
    /** What add-ons with pods wait for: the node groups; none where nodes come for pending pods. */
    nodeGroups: pulumi.Resource[];
    /** What every workload waits for, in the order the mode made them. */
    ready: pulumi.Resource[];
}

/** The running cluster, as what scales the nodes needs it. */
export interface EksScalingScope {
    clusterName: pulumi.Output<string>;
    oidcProviderArn: pulumi.Output<string>;
    oidcIssuer: pulumi.Output<string>;
    provider: k8s.Provider;
    nodeGroups: pulumi.Resource[];
}

/** What the platform is told about a mode's nodes. */
export interface EksNodeModeFacts {
    nodes: NodeFacts;
    dns: DnsFacts;
    /** The NLB's Service facts, before the stack's addresses are added. */
    loadBalancer: LoadBalancerFacts;
    /** The driver behind the block StorageClasses and snapshots. */
    blockStorage: EbsDriver;
    /** The platform images are built for, from `platform:nodeSize`. */
    imagePlatform(nodeSize: string): string;
}

export interface EksNodeMode {
    /** eks.Cluster arguments of this mode. */
    clusterArgs(settings: ClusterSettings, network: EksNetwork): Partial<eks.ClusterArgs>;
    /** `configurationValues` of the snapshot controller add-on; undefined: the add-on's defaults. */
    snapshotControllerValues?: string;
    /** Creates the nodes and what they need, once the control plane exists. */
    create(scope: EksNodeScope): EksNodes;
    /** Creates what scales the nodes beside the cluster (the Cluster Autoscaler); workloads wait for it. */
    scale(name: string, cluster: EksScalingScope, settings: { region: string; kubernetesVersion: string; chartSource?: ChartSource }): pulumi.Resource[];
    facts: EksNodeModeFacts;
    /** How the node-mode guard names a running cluster of this mode, and what attaches its volumes. */
    guard: { runs: string; attachedBy: string };
}
