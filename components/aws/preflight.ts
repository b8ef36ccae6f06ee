/**
 * The AWS account checks the preflight runs before anything is registered: the Elastic IP quota
 * against the addresses the stack allocates, the On-Demand vCPU quota against the node groups'
 * maximum, and the region's zones against `platform:availabilityZones`. The verdicts are plain
 * functions; `awsInvokeReads` reads the account through the AWS provider's read-only data sources.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type Finding, type PreflightCheck, quotaShortfall } from "../cluster/preflight";
import type { AwsConfig } from "../../config";
import { eksClusterName } from "./cluster";
import { elasticIpAllocations } from "./network";

/**
 * Service Quotas codes (service `ec2`), as the Service Quotas console and API name them: "EC2-VPC
 * Elastic IPs" (default 5 per Region, EC2 user guide "Elastic IP address quota") and "Running
 * On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", counted in vCPUs. Checked 2026-12-07.
 */
export const ELASTIC_IP_QUOTA = "L-0263D0A3";
export const STANDARD_VCPU_QUOTA = "L-1216C47A";

/** Families with an On-Demand vCPU quota of their own, whose names start like a standard family's. */
const OTHER_FAMILY_PREFIXES = ["hpc", "inf", "dl", "trn", "mac", "u-"];

/**
 * Whether the instance type counts against the standard On-Demand vCPU quota: families A, C, D, H,
 * I, M, R, T and Z, but not HPC, Inf, DL, Trn, Mac and High Memory (`u-`), which have their own.
 */
export function isStandardFamily(instanceType: string): boolean {
    const t = instanceType.toLowerCase();
    return /^[acdhimrtz]/.test(t) && !OTHER_FAMILY_PREFIXES.some((p) => t.startsWith(p));
}

/** The Elastic IPs the stack allocates: its NAT gateways' and the ingress NLB's (./network.ts decides both). */
export function stackElasticIps(config: Pick<AwsConfig, "aws">): { natGateways: number; ingress: number } {
    return elasticIpAllocations(config);
}

function quotaIncrease(code: string, value: number, region: string): string {
    return `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code ${code} --desired-value ${value} --region ${region} (or the Service Quotas console: AWS services → Amazon Elastic Compute Cloud (Amazon EC2) → ${code})`;
}

export interface ElasticIpReading {
    /** The quota's value in the region. */
    limit: number;
    /** Elastic IPs allocated in the region now. */
    inUse: number;
    /** Whether the stack's cluster exists (its addresses are then among those in use). */
    deployed: boolean;
}

/**
 * Whether the account can hold the stack's Elastic IPs. Before the first deployment every address
 * in use belongs to something else, so the stack's must fit beside them; once deployed, the stack's
 * own are among those in use, and only a quota smaller than the stack's need is certain trouble.
 */
export function elasticIpFindings(reading: ElasticIpReading, config: Pick<AwsConfig, "aws">): Finding[] {
    const { natGateways, ingress } = stackElasticIps(config);
    const need = natGateways + ingress;
    const region = config.aws.region;
    const shortfall = quotaShortfall(reading.limit, need, reading.deployed ? undefined : reading.inUse);
    if (shortfall === undefined) return [];
    const breakdown = natGateways > 0 ? `${natGateways} for the NAT gateway(s) (platform:natGateways) and ${ingress} for the ingress load balancer (one per public subnet)` : `${ingress} for the ingress load balancer (one per public subnet)`;
    const why = "the NAT gateways are the private nodes' way out, and the ingress load balancer keeps fixed addresses DNS can point at; EC2 refuses an allocation past the quota, minutes into `pulumi up`";
    if (shortfall === "limit") {
        return [
            {
                severity: "error",
                what: `the Elastic IP quota in ${region} is ${reading.limit}; the stack allocates ${need}: ${breakdown}`,
                why,
                fix: `${quotaIncrease(ELASTIC_IP_QUOTA, need + (reading.deployed ? 0 : reading.inUse), region)}; or fewer zones: pulumi config set platform:availabilityZones 2`,
            },
        ];
    }
    return [
        {
            severity: "error",
            what: `${reading.inUse} of the ${reading.limit} Elastic IPs in ${region} are allocated already; the stack allocates ${need} more: ${breakdown}`,
            why,
            fix: `release the addresses nothing uses (aws ec2 describe-addresses --region ${region} --query "Addresses[?AssociationId==null].AllocationId", then aws ec2 release-address --allocation-id <id> --region ${region}), or ${quotaIncrease(ELASTIC_IP_QUOTA, need + reading.inUse, region)}`,
        },
    ];
}

export interface VcpuReading {
    /** The standard On-Demand vCPU quota in the region. */
    limit: number;
    /** vCPUs of one node (`platform:nodeSize`). */
    vcpusPerNode: number;
}

/** Whether the managed node groups can grow to `maxNodes` within the standard On-Demand vCPU quota. */
export function vcpuFindings(reading: VcpuReading, config: Pick<AwsConfig, "aws" | "cluster">): Finding[] {
    const { maxNodes, minNodes, nodeSize } = config.cluster;
    const need = maxNodes * reading.vcpusPerNode;
    if (quotaShortfall(reading.limit, need) === undefined) return [];
    const region = config.aws.region;
    const firstUp = minNodes * reading.vcpusPerNode > reading.limit ? " (even minNodes does not fit: the first `pulumi up` fails waiting for its nodes)" : "";
    return [
        {
            severity: "error",
            what: `the running On-Demand Standard instances quota in ${region} is ${reading.limit} vCPUs; maxNodes ${maxNodes} × ${reading.vcpusPerNode} vCPUs of ${nodeSize} needs ${need}${firstUp}`,
            why: "the Cluster Autoscaler adds nodes up to maxNodes when pods are pending; past the quota EC2 refuses the launch and the pods stay Pending",
            fix: `${quotaIncrease(STANDARD_VCPU_QUOTA, need, region)}; or pulumi config set platform:maxNodes ${Math.max(minNodes, Math.floor(reading.limit / reading.vcpusPerNode))}`,
        },
    ];
}

/** A family with its own vCPU quota (G, P, X, Inf, …): said, not judged. */
export function otherFamilyFinding(nodeSize: string): Finding {
    return {
        severity: "warning",
        what: `${nodeSize} is not a standard (A, C, D, H, I, M, R, T, Z) instance type; its family's On-Demand vCPU quota was not checked`,
        why: "the node groups grow to maxNodes of them, each counted against that family's quota",
        fix: "compare maxNodes × its vCPUs with the family's quota in the Service Quotas console (Amazon EC2, \"Running On-Demand … instances\")",
    };
}

/** Whether the region offers the zones a new VPC spreads over. */
export function zoneFindings(zones: readonly string[], config: Pick<AwsConfig, "aws">): Finding[] {
    const wanted = config.aws.availabilityZones;
    if (config.aws.existingVpc !== undefined || zones.length >= wanted) return [];
    const fix = zones.length >= 2 ? `pulumi config set platform:availabilityZones ${zones.length}, or` : "";
    return [
        {
            severity: "error",
            what: `${config.aws.region} offers this account ${zones.length} availability zone(s) (${zones.join(", ") || "none"}); platform:availabilityZones is ${wanted}`,
            why: "a new VPC puts a public and a private subnet, a NAT gateway and a node group in each zone; awsx stops the deployment when the region has fewer",
            fix: `${fix} pulumi config set aws:region <a region with ${wanted} zones>`.trim(),
        },
    ];
}

/** What the checks read of the account; `awsInvokeReads` by default, a stand-in in tests. */
export interface AwsReads {
    /** Whether the stack's EKS cluster exists (a deployed stack). */
    clusterDeployed(): Promise<boolean>;
    quota(code: string): Promise<number>;
    elasticIpsInUse(): Promise<number>;
    vcpusOf(instanceType: string): Promise<number>;
    zones(): Promise<string[]>;
}

/**
 * The reads, through the AWS provider's data sources (@pulumi/aws 7.48, checked 2026-12-07):
 * `servicequotas.getServiceQuota` (servicequotas:GetServiceQuota; `value`), `ec2.getEips`
 * (ec2:DescribeAddresses; `allocationIds`), `ec2.getInstanceType` (ec2:DescribeInstanceTypes;
 * `defaultVcpus`), `getAvailabilityZones` without filters, as awsx's Vpc picks its zones
 * (pulumi-awsx awsx/ec2/vpc.ts getDefaultAzs; ec2:DescribeAvailabilityZones), and
 * `eks.getClusters` (eks:ListClusters).
 */
export function awsInvokeReads(clusterName = eksClusterName(pulumi.getProject(), pulumi.getStack())): AwsReads {
    return {
        clusterDeployed: async () => (await aws.eks.getClusters()).names.includes(clusterName),
        quota: async (quotaCode) => (await aws.servicequotas.getServiceQuota({ serviceCode: "ec2", quotaCode })).value,
        elasticIpsInUse: async () => (await aws.ec2.getEips()).allocationIds.length,
        vcpusOf: async (instanceType) => (await aws.ec2.getInstanceType({ instanceType })).defaultVcpus,
        zones: async () => (await aws.getAvailabilityZones()).names,
    };
}

/** The AWS target's checks. */
export function awsPreflight(config: AwsConfig, reads: AwsReads = awsInvokeReads()): PreflightCheck[] {
    const checks: PreflightCheck[] = [
        {
            id: "aws-elastic-ips",
            reads: "cloud",
            run: async () => {
                const [limit, inUse, deployed] = await Promise.all([reads.quota(ELASTIC_IP_QUOTA), reads.elasticIpsInUse(), reads.clusterDeployed()]);
                return elasticIpFindings({ limit, inUse, deployed }, config);
            },
        },
    ];
    if (config.aws.existingVpc === undefined) {
        checks.push({ id: "aws-availability-zones", reads: "cloud", run: async () => zoneFindings(await reads.zones(), config) });
    }
    // Auto Mode picks its own instances; only managed node groups have a size and a maximum to check.
    if (config.cluster.nodeMode === "managed") {
        checks.push({
            id: "aws-vcpu-quota",
            reads: "cloud",
            run: async () => {
                if (!isStandardFamily(config.cluster.nodeSize)) return [otherFamilyFinding(config.cluster.nodeSize)];
                const [limit, vcpusPerNode] = await Promise.all([reads.quota(STANDARD_VCPU_QUOTA), reads.vcpusOf(config.cluster.nodeSize)]);
                return vcpuFindings({ limit, vcpusPerNode }, config);
            },
        });
    }
    return checks;
}
