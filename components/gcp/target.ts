/**
 * The whole Google Cloud side of the platform, as the cloud-neutral layer reads it: a regional
 * private-node GKE cluster (its nodes the node mode's), the ingress load balancer's reserved
 * address and an Artifact Registry repository.
 */
import type { GcpConfig } from "../../config";
import type { ClusterTarget } from "../cluster/contract";
import type { PreflightCheck } from "../cluster/preflight";
import { GKE_TEAM_ACCESS } from "./access";
import { GcsBackupStore } from "./backup-store";
import { GkeCluster } from "./cluster";
import { gcpLoadBalancer, gcpStorageFacts, GKE_DNS, gkeImagePlatform, gkeObservabilityLinks } from "./facts";
import { ingressAddress } from "./network";
import { gcpPreflight } from "./preflight";
import { GKE_NODE_MODES } from "./nodes/index";
import { ArtifactRegistry } from "./registry";

/**
 * The Artifact Registry component's name. It never took the target's name: it is the repository
 * id, and renaming it would replace the repository.
 */
export const REGISTRY_NAME = "platform";

/** Run before anything is registered: the APIs the stack does not enable itself and the regional quotas (./preflight.ts). */
export function preflight(config: GcpConfig): PreflightCheck[] {
    return gcpPreflight(config);
}

export function target(name: string, config: GcpConfig): ClusterTarget {
    const mode = GKE_NODE_MODES[config.cluster.nodeMode];
    const gke = new GkeCluster(name, {
        project: config.gcp.project,
        region: config.gcp.region,
        kubernetesVersion: config.cluster.kubernetesVersion,
        releaseChannel: config.gcp.releaseChannel,
        deletionProtection: config.gcp.deletionProtection,
        apiAllowedCidrs: config.cluster.apiAllowedCidrs,
        clusterAdmins: config.cluster.clusterAdmins,
        clusterReaders: config.cluster.clusterReaders,
        nodeMode: config.cluster.nodeMode,
        observability: config.cluster.observability,
        nodeSize: config.cluster.nodeSize,
        minNodes: config.cluster.minNodes,
        maxNodes: config.cluster.maxNodes,
        maintenanceWindow: config.cluster.maintenanceWindow,
        secretsKmsKey: config.cluster.secretsKmsKey,
        securityGroup: config.gcp.securityGroup,
    });
    const address = ingressAddress(
        name,
        { project: config.gcp.project, region: config.gcp.region, protect: config.workloads.protectData, dependsOn: gke.apis },
        // A child of the cluster component, where it has always been (its URN hangs on it).
        { parent: gke },
    );
    const registry = new ArtifactRegistry(REGISTRY_NAME, {
        project: config.gcp.project,
        region: config.gcp.region,
        platform: gkeImagePlatform(config.cluster.nodeSize),
        // The nodes pull the app's image from this repository, and from no other in the project.
        readers: { nodes: gke.nodeServiceAccount.member },
    });

    return {
        cloud: "gcp",
        provider: gke.provider,
        kubeconfig: gke.kubeconfig,
        // The Filestore instances of `platform-shared` join the cluster's own VPC, by name.
        storage: gcpStorageFacts(config.storage.tier, gke.network.network.name),
        loadBalancer: gcpLoadBalancer(address),
        nodes: mode.facts.nodes,
        dns: GKE_DNS,
        observability:
            config.cluster.observability === "none"
                ? undefined
                : gke.cluster.name.apply((clusterName) => gkeObservabilityLinks(config.gcp.project, config.gcp.region, clusterName)),
        registry: registry.registry,
        backupStore: (request) => new GcsBackupStore(`${name}-backups`, { request, project: config.gcp.project, region: config.gcp.region }).facts,
        teamAccess: GKE_TEAM_ACCESS,
        // The nodes before anything is scheduled (the pool, or the Autopilot cluster); NAT before
        // public images are pulled; the webhook firewall rule before the API server calls
        // ingress-nginx's admission webhook.
        dependsOn: [gke.nodes, gke.network.nat, gke.network.webhookFirewall],
    };
}
