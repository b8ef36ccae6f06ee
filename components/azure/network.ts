/**
 * The AKS cluster's network: Azure CNI overlay with Cilium (AKS makes the virtual network itself),
 * and the static public IP the ingress load balancer holds.
 */
import * as network from "@pulumi/azure-native/network";
import type * as pulumi from "@pulumi/pulumi";
import type { StaticAddress } from "../cluster/contract";
import { AZURE_PIP_NAME_ANNOTATION, AZURE_PIP_RESOURCE_GROUP_ANNOTATION } from "./facts";

/**
 * Azure CNI overlay powered by Cilium: the eBPF dataplane enforces the platform's NetworkPolicies
 * (networkPolicy "cilium" is valid only with this dataplane), and node auto-provisioning needs it.
 */
export const AKS_NETWORK_PROFILE = {
    networkPlugin: "azure",
    networkPluginMode: "overlay",
    networkDataplane: "cilium",
    networkPolicy: "cilium",
    loadBalancerSku: "standard",
} as const;

export interface IngressAddressArgs {
    /** The stack's data resource group, which outlives the cluster. */
    resourceGroupName: pulumi.Input<string>;
    location: pulumi.Input<string>;
    /** The region's availability zones; `[]` where it has none. */
    zones: readonly string[];
    /** Pulumi `protect`, like data (`platform:protectData`): a DNS record points at it. */
    protect: boolean;
}

/**
 * The stack's own ingress address: a zone-redundant Standard public IP (Standard LBs take only
 * Standard IPs; zoned only where the region has zones), outside the node resource group so it
 * survives the cluster too. The Service claims it by name and group (facts.ts `azureLoadBalancer`).
 */
export function ingressAddress(name: string, args: IngressAddressArgs, opts: pulumi.CustomResourceOptions = {}): StaticAddress {
    const ip = new network.PublicIPAddress(
        `${name}-ingress-ip`,
        {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            sku: { name: "Standard", tier: "Regional" },
            publicIPAllocationMethod: "Static",
            publicIPAddressVersion: "IPv4",
            ...(args.zones.length > 0 ? { zones: [...args.zones] } : {}),
        },
        { ...opts, protect: args.protect },
    );
    return {
        addresses: ip.ipAddress.apply((address) => (address ? [address] : [])),
        annotations: { [AZURE_PIP_RESOURCE_GROUP_ANNOTATION]: args.resourceGroupName, [AZURE_PIP_NAME_ANNOTATION]: ip.name },
    };
}
