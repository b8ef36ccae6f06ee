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

/**
 * The ingress IP's zones: all three wherever the region has zones (`platform:zones` not empty),
 * whatever subset the pools use, none in a region without zones. A public IP's zones cannot
 * change in place and the IP is protected and held by the load balancer, so it must not follow
 * the pools' zones: a zone-redundant Standard IP serves a load balancer frontend in every zone.
 * Zone-redundant is three zones listed (Network API 2020-08-01 and later: no zones is
 * non-zonal, several zones zone-redundant, and only where the region has zones; Azure update
 * "zone-behavior-change" and learn.microsoft.com/azure/virtual-network/ip-services/
 * create-public-ip-template, checked 2026-12-07), so a region without zones gets a non-zonal IP.
 */
export function ingressIpZones(zones: readonly string[]): string[] | undefined {
    return zones.length > 0 ? ["1", "2", "3"] : undefined;
}

export interface IngressAddressArgs {
    /** The stack's data resource group, which outlives the cluster. */
    resourceGroupName: pulumi.Input<string>;
    location: pulumi.Input<string>;
    /** The pools' availability zones (`platform:zones`); `[]` where the region has none. */
    zones: readonly string[];
    /** Pulumi `protect`, like data (`platform:protectData`): a DNS record points at it. */
    protect: boolean;
}

/**
 * The stack's own ingress address: a zone-redundant Standard public IP (Standard LBs take only
 * Standard IPs; `ingressIpZones`), outside the node resource group so it
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
            ...(ingressIpZones(args.zones) ? { zones: ingressIpZones(args.zones) } : {}),
        },
        { ...opts, protect: args.protect },
    );
    return {
        addresses: ip.ipAddress.apply((address) => (address ? [address] : [])),
        annotations: { [AZURE_PIP_RESOURCE_GROUP_ANNOTATION]: args.resourceGroupName, [AZURE_PIP_NAME_ANNOTATION]: ip.name },
    };
}
