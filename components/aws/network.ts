/**
 * The EKS cluster's network: a new VPC (one private and one public subnet per zone, one NAT gateway
 * or one per zone) or an existing one, and the Elastic IPs the ingress NLB holds.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { AwsConfig, ExistingVpc } from "../../config";
import type { StaticAddress } from "../cluster/contract";

export const DEFAULT_AVAILABILITY_ZONES = 3;
/** How many NAT gateways a new VPC gets (`platform:natGateways`). */
export type NatGateways = "single" | "perZone";

/**
 * AWS's default quota of Elastic IPs per region in a fresh account ("EC2-VPC Elastic IPs", quota
 * L-0263D0A3; VPC user guide "Elastic IP address quotas", checked 2026-12-07). Raising it is a
 * Service Quotas request.
 */
export const DEFAULT_ELASTIC_IP_QUOTA = 5;

/**
 * The Elastic IPs the stack allocates in its region: one per NAT gateway of a new VPC (none with an
 * existing network, whose NAT is not the stack's) and one per public subnet when the ingress NLB
 * holds static addresses. The defaults (3 zones, one NAT gateway, static addresses) need 4, within
 * {@link DEFAULT_ELASTIC_IP_QUOTA}; the preflight compares it with the account's quota and usage.
 */
export function elasticIpsNeeded(config: Pick<AwsConfig, "aws">): number {
    const { natGateways, ingress } = elasticIpAllocations(config);
    return natGateways + ingress;
}

/** {@link elasticIpsNeeded}, by what holds them: the NAT gateways and the ingress NLB. */
export function elasticIpAllocations(config: Pick<AwsConfig, "aws">): { natGateways: number; ingress: number } {
    const { aws } = config;
    const zones = aws.existingVpc ? aws.existingVpc.privateSubnetIds.length : aws.availabilityZones;
    const publicSubnets = aws.existingVpc ? aws.existingVpc.publicSubnetIds.length : aws.availabilityZones;
    const natGateways = aws.existingVpc ? 0 : aws.natGateways === "perZone" ? zones : 1;
    return { natGateways, ingress: aws.staticIngressAddresses ? publicSubnets : 0 };
}
export const DEFAULT_VPC_CIDR = "10.0.0.0/16";
/** AWS's smallest subnet; it keeps 5 addresses of every subnet for itself. */
const SMALLEST_SUBNET_MASK = 28;

export interface SubnetLayout {
    /** Prefix of each availability zone's share of the VPC. */
    zoneMask: number;
    /** Half of each zone: pods take VPC addresses (VPC CNI), so the node subnets get the most room. */
    privateMask: number;
    /** A quarter of each zone: only load balancer ENIs and NAT gateways live here. */
    publicMask: number;
}

/**
 * Splits the VPC into equal zones (rounded up to a power of two), each holding one private and one
 * public subnet; the last quarter of each zone stays free for later use.
 */
export function subnetLayout(vpcCidr: string, availabilityZones: number): SubnetLayout {
    const prefix = Number(vpcCidr.split("/")[1]);
    const zoneMask = prefix + Math.ceil(Math.log2(availabilityZones));
    const layout = { zoneMask, privateMask: zoneMask + 1, publicMask: zoneMask + 2 };
    if (!Number.isInteger(prefix) || layout.publicMask > SMALLEST_SUBNET_MASK) {
        throw new Error(
            `VPC ${vpcCidr} is too small for ${availabilityZones} availability zones: each public subnet would be /${layout.publicMask}, AWS allows /${SMALLEST_SUBNET_MASK} at most; use a larger vpcCidr (such as ${DEFAULT_VPC_CIDR}) or fewer availability zones`,
        );
    }
    return layout;
}

export interface EksNetworkArgs {
    /** Zones for a new VPC. Default 3. Ignored with `existingVpc`. */
    availabilityZones?: number;
    /** CIDR of a new VPC. Default 10.0.0.0/16. Ignored with `existingVpc`. */
    vpcCidr?: string;
    /** NAT gateways of a new VPC. Default `single` (one Elastic IP). Ignored with `existingVpc`. */
    natGateways?: NatGateways;
    /**
     * An existing network instead of a new VPC. Default: none (a new VPC). Its public subnets should
     * carry `kubernetes.io/role/elb=1` so the load balancer lands in them.
     */
    existingVpc?: ExistingVpc;
}

/** Problems with the network arguments, all at once; empty when valid. */
export function validateEksNetworkArgs(args: EksNetworkArgs): string[] {
    const existing = args.existingVpc;
    if (existing) {
        return [
            ...(existing.privateSubnetIds.length < 2 ? ["existingVpc.privateSubnetIds needs subnets in at least 2 availability zones (EKS requires 2)"] : []),
            ...(existing.publicSubnetIds.length < 1 ? ["existingVpc.publicSubnetIds needs at least 1 subnet for the internet-facing load balancer"] : []),
        ];
    }
    const zones = args.availabilityZones ?? DEFAULT_AVAILABILITY_ZONES;
    if (!Number.isInteger(zones) || zones < 2) return [`availabilityZones must be >= 2 (EKS requires 2), got ${zones}`];
    try {
        subnetLayout(args.vpcCidr ?? DEFAULT_VPC_CIDR, zones);
        return [];
    } catch (e) {
        return [e instanceof Error ? e.message : String(e)];
    }
}

/** The network the cluster and its nodes use. */
export interface EksNetwork {
    vpcId: pulumi.Output<string>;
    privateSubnetIds: pulumi.Output<string[]>;
    publicSubnetIds: pulumi.Output<string[]>;
    /** Zones, one private subnet (and one node group) each: known before the subnets exist. */
    zones: number;
    /** Public subnets, one Elastic IP each: known before the subnets exist. */
    publicSubnets: number;
}

/** The existing network as given, or a new VPC (a child of `parent`). */
export function eksNetwork(name: string, args: EksNetworkArgs, parent: pulumi.Resource): EksNetwork {
    if (args.existingVpc) {
        return {
            publicSubnets: args.existingVpc.publicSubnetIds.length,
            // One zone per private subnet: an existing network must give one private subnet per zone.
            zones: args.existingVpc.privateSubnetIds.length,
            vpcId: pulumi.output(args.existingVpc.vpcId),
            privateSubnetIds: pulumi.output(args.existingVpc.privateSubnetIds),
            publicSubnetIds: pulumi.output(args.existingVpc.publicSubnetIds),
        };
    }
    const zones = args.availabilityZones ?? DEFAULT_AVAILABILITY_ZONES;
    const vpc = newVpc(name, zones, args.vpcCidr ?? DEFAULT_VPC_CIDR, args.natGateways ?? "single", parent);
    // One private subnet spec, so awsx makes exactly one private subnet per zone, in zone order.
    // One public subnet spec too: one public subnet per zone.
    return { zones, publicSubnets: zones, vpcId: vpc.vpcId, privateSubnetIds: vpc.privateSubnetIds, publicSubnetIds: vpc.publicSubnetIds };
}

/**
 * awsx's NAT strategy. `Single` keeps the first zone's gateway (awsx names them `<vpc>-1`, `-2`, ...)
 * and points every private route table at it, so moving from one per zone to one deletes the other
 * gateways and their Elastic IPs and updates the routes in place (pulumi/pulumi-awsx
 * awsx/ec2/vpc.ts, checked 2026-12-07).
 */
export function natGatewayStrategy(natGateways: NatGateways): awsx.types.enums.ec2.NatGatewayStrategy {
    return natGateways === "perZone" ? awsx.ec2.NatGatewayStrategy.OnePerAz : awsx.ec2.NatGatewayStrategy.Single;
}

function newVpc(name: string, zones: number, cidr: string, natGateways: NatGateways, parent: pulumi.Resource): awsx.ec2.Vpc {
    const layout = subnetLayout(cidr, zones);
    return new awsx.ec2.Vpc(
        `${name}-vpc`,
        {
            cidrBlock: cidr,
            numberOfAvailabilityZones: zones,
            availabilityZoneCidrMask: layout.zoneMask,
            subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
            subnetSpecs: [
                // Role tags tell the service controller where internet-facing and internal LBs go.
                { type: awsx.ec2.SubnetType.Private, cidrMask: layout.privateMask, tags: { "kubernetes.io/role/internal-elb": "1" } },
                { type: awsx.ec2.SubnetType.Public, cidrMask: layout.publicMask, tags: { "kubernetes.io/role/elb": "1" } },
            ],
            // One gateway by default: each takes an Elastic IP, and one per zone plus the ingress
            // addresses would exceed a fresh account's quota of 5. perZone: losing a zone does not
            // cut the other zones' nodes off.
            natGateways: { strategy: natGatewayStrategy(natGateways) },
            // EKS nodes register by private DNS name.
            enableDnsHostnames: true,
            enableDnsSupport: true,
        },
        { parent },
    );
}

/**
 * One Elastic IP per public subnet for the ingress NLB: the in-tree service controller maps them
 * to the subnets in order and requires as many allocations as subnets
 * (kubernetes/cloud-provider-aws pkg/providers/v1 aws_loadbalancer.go: "Must have same number of EIP
 * AllocationIDs and SubnetIDs"; annotations read at NLB creation only, checked 2026-12-01).
 */
export function nlbAddressAnnotations(allocationIds: readonly string[], subnetIds: readonly string[]): Record<string, string> {
    if (allocationIds.length !== subnetIds.length) {
        throw new Error(`the ingress NLB needs one Elastic IP per public subnet: ${allocationIds.length} allocations for ${subnetIds.length} subnets`);
    }
    return {
        "service.beta.kubernetes.io/aws-load-balancer-eip-allocations": allocationIds.join(","),
        "service.beta.kubernetes.io/aws-load-balancer-subnets": subnetIds.join(","),
    };
}

export interface IngressAddressArgs {
    /** The subnets the NLB lands in, one address each. */
    publicSubnetIds: pulumi.Input<string[]>;
    /** How many there are, known before they exist. */
    publicSubnets: number;
    /** Pulumi `protect` on the addresses, like data (`platform:protectData`): a DNS record points at them. */
    protect: boolean;
}

/**
 * The stack's own ingress addresses: one Elastic IP per public subnet, so the NLB keeps its
 * addresses across a re-creation of the controller's Service (its own addresses would not). The
 * claim goes on the Service as annotations (both EKS load balancer controllers read the same two);
 * the IPs are `ingressAddress`.
 */
export function ingressAddress(name: string, args: IngressAddressArgs, opts: pulumi.CustomResourceOptions): StaticAddress {
    const eips = Array.from(
        { length: args.publicSubnets },
        (_, i) =>
            new aws.ec2.Eip(`${name}-ingress-${i + 1}`, { domain: "vpc", tags: { Name: `${name}-ingress-${i + 1}`, purpose: "ingress NLB" } }, { ...opts, protect: args.protect }),
    );
    const claim = pulumi
        .all([pulumi.all(eips.map((e) => e.allocationId)), pulumi.output(args.publicSubnetIds)])
        .apply(([ids, subnets]) => nlbAddressAnnotations(ids, subnets));
    const annotations: Record<string, pulumi.Input<string>> = {};
    for (const key of ["service.beta.kubernetes.io/aws-load-balancer-eip-allocations", "service.beta.kubernetes.io/aws-load-balancer-subnets"]) {
        annotations[key] = claim.apply((a) => a[key]);
    }
    return { addresses: pulumi.all(eips.map((e) => e.publicIp)), annotations };
}
