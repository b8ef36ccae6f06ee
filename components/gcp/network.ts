/**
 * The GKE cluster's own VPC: one regional subnet with secondary ranges for Pods and Services
 * (VPC-native), Cloud NAT so private nodes can pull public images, and the firewall rule that lets
 * the control plane reach the ingress-nginx admission webhook; and the regional address the
 * ingress load balancer holds.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { StaticAddress } from "../cluster/contract";

/** Address plan of the cluster VPC. The ranges must not overlap each other or any peered network. */
export interface GkeAddressPlan {
    /** Primary range of the subnet: node IPs. */
    nodes: string;
    /** Secondary range for Pod IPs (a /14 gives 1024 nodes × 110 Pods). */
    pods: string;
    /** Secondary range for ClusterIP Services. */
    services: string;
    /** The control plane's /28 in the Google-managed network; nodes see webhook calls from here. */
    controlPlane: string;
}

export const DEFAULT_ADDRESS_PLAN: GkeAddressPlan = {
    nodes: "10.10.0.0/20",
    pods: "10.16.0.0/14",
    services: "10.20.0.0/20",
    controlPlane: "172.16.0.0/28",
};

/** Secondary range names, shared by the subnet and the cluster's `ipAllocationPolicy`. */
export const POD_RANGE_NAME = "pods";
export const SERVICE_RANGE_NAME = "services";

/**
 * Ports the control plane must reach on nodes beyond what GKE opens itself. GKE's own
 * `gke-<cluster>-<hash>-master` rule already allows tcp/443 and tcp/10250 (kubelet, and webhooks
 * served on those ports such as cert-manager's default 10250), so only ingress-nginx's admission
 * webhook port is added here; without it every Ingress create/update fails with a webhook timeout.
 */
export const CONTROL_PLANE_WEBHOOK_PORTS: readonly string[] = ["8443"];

/**
 * Cloud NAT ports per node. Static allocation gave every node 64 ports, so a node whose pods open
 * more than 64 connections to one destination (image pulls from one registry, a busy external
 * API) dropped the rest. Dynamic port allocation starts each node at 64 and doubles up to 4096
 * as it needs them; with `AUTO_ONLY` NAT adds addresses as ports run out. Both bounds are powers
 * of two, as the API requires, and endpoint-independent mapping is off, as dynamic allocation
 * requires. Source: Cloud NAT "Ports and addresses" (dynamic port allocation) and the RouterNat
 * API reference, checked 2026-12-07.
 */
export const GKE_NAT_PORTS = {
    enableDynamicPortAllocation: true,
    enableEndpointIndependentMapping: false,
    minPortsPerVm: 64,
    maxPortsPerVm: 4096,
} as const;

export interface GkeNetworkArgs {
    project: string;
    region: string;
    /** Address plan. Default `DEFAULT_ADDRESS_PLAN`. */
    addressPlan?: GkeAddressPlan;
    /**
     * Service accounts of the nodes the webhook rule targets. The nodes run as a dedicated account,
     * so targeting it needs no network tags that anyone with `setTags` could add to other VMs.
     */
    nodeServiceAccounts: pulumi.Input<pulumi.Input<string>[]>;
}

export class GkeNetwork extends pulumi.ComponentResource {
    readonly network: gcp.compute.Network;
    readonly subnetwork: gcp.compute.Subnetwork;
    readonly router: gcp.compute.Router;
    readonly nat: gcp.compute.RouterNat;
    readonly webhookFirewall: gcp.compute.Firewall;
    readonly addressPlan: GkeAddressPlan;

    constructor(name: string, args: GkeNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:gcp:GkeNetwork", name, {}, opts);
        this.addressPlan = args.addressPlan ?? DEFAULT_ADDRESS_PLAN;
        const { project, region } = args;

        // Auto-mode subnets would claim 10.128.0.0/9 in every region; a custom-mode VPC holds only
        // the one subnet this cluster uses.
        this.network = new gcp.compute.Network(
            `${name}-vpc`,
            { project, autoCreateSubnetworks: false, routingMode: "REGIONAL", description: "GKE cluster network (managed by Pulumi)" },
            { parent: this },
        );
        this.subnetwork = this.nodeSubnet(name, project, region);
        this.router = new gcp.compute.Router(`${name}-router`, { project, region, network: this.network.id }, { parent: this });
        this.nat = this.cloudNat(name, project, region);
        this.webhookFirewall = this.webhookRule(name, project, args.nodeServiceAccounts);

        this.registerOutputs({
            network: this.network.id,
            subnetwork: this.subnetwork.id,
            nat: this.nat.id,
        });
    }

    private nodeSubnet(name: string, project: string, region: string): gcp.compute.Subnetwork {
        const plan = this.addressPlan;
        return new gcp.compute.Subnetwork(
            `${name}-subnet`,
            {
                project,
                region,
                network: this.network.id,
                ipCidrRange: plan.nodes,
                secondaryIpRanges: [
                    { rangeName: POD_RANGE_NAME, ipCidrRange: plan.pods },
                    { rangeName: SERVICE_RANGE_NAME, ipCidrRange: plan.services },
                ],
                // Private nodes reach Artifact Registry and other Google APIs without going through NAT.
                privateIpGoogleAccess: true,
            },
            { parent: this },
        );
    }

    /**
     * Private nodes have no external IP: public images (registry.k8s.io, quay.io, docker.io) are
     * only reachable through NAT.
     */
    private cloudNat(name: string, project: string, region: string): gcp.compute.RouterNat {
        return new gcp.compute.RouterNat(
            `${name}-nat`,
            {
                project,
                region,
                router: this.router.name,
                natIpAllocateOption: "AUTO_ONLY",
                sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
                subnetworks: [{ name: this.subnetwork.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
                ...GKE_NAT_PORTS,
                // Errors only: the dropped connections (port exhaustion, OUT_OF_RESOURCES) are what
                // needs seeing; logging every translation of every node costs more than it tells.
                logConfig: { enable: true, filter: "ERRORS_ONLY" },
            },
            { parent: this },
        );
    }

    private webhookRule(name: string, project: string, nodeServiceAccounts: GkeNetworkArgs["nodeServiceAccounts"]): gcp.compute.Firewall {
        return new gcp.compute.Firewall(
            `${name}-allow-control-plane-webhooks`,
            {
                project,
                network: this.network.id,
                description: "Control plane to nodes for admission webhooks GKE does not open itself (ingress-nginx 8443)",
                direction: "INGRESS",
                sourceRanges: [this.addressPlan.controlPlane],
                targetServiceAccounts: nodeServiceAccounts,
                allows: [{ protocol: "tcp", ports: [...CONTROL_PLANE_WEBHOOK_PORTS] }],
            },
            { parent: this },
        );
    }
}

export interface IngressAddressArgs {
    project: string;
    region: string;
    /** Pulumi `protect`, like data (`platform:protectData`): a DNS record points at it. */
    protect: boolean;
    /** What must exist first: the Compute Engine API on a fresh project. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * The stack's own ingress address: a regional external IP, reserved before the Service exists, so
 * DNS pointed at it survives a re-created ingress Service (or controller switch), which would
 * otherwise get a new IP. GKE takes it through `spec.loadBalancerIP` (facts.ts `gcpLoadBalancer`).
 */
export function ingressAddress(name: string, args: IngressAddressArgs, opts: pulumi.CustomResourceOptions): StaticAddress {
    const address = new gcp.compute.Address(
        `${name}-ingress-ip`,
        {
            project: args.project,
            region: args.region,
            addressType: "EXTERNAL",
            // The tier the NLB's forwarding rule uses by default; they must match.
            networkTier: "PREMIUM",
            description: "Ingress load balancer address of the platform (managed by Pulumi)",
        },
        { ...opts, protect: args.protect, dependsOn: args.dependsOn },
    );
    return { loadBalancerIP: address.address, addresses: address.address.apply((ip) => [ip]) };
}
