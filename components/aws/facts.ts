/**
 * What the cloud-neutral layer needs to know about EKS: how disks are provisioned and how the
 * ingress controller's Service becomes a load balancer. Pure data, no SDK calls, so tests and the
 * storage/ingress components can read it without an AWS account.
 */
import type { StorageTier } from "../../config";
import { blockStorageClasses, type DnsFacts, type LoadBalancerFacts, type StorageClassFacts, type StorageFacts } from "../cluster/contract";

/** The EBS CSI driver (the `aws-ebs-csi-driver` add-on); the in-tree `kubernetes.io/aws-ebs` cannot make gp3. */
export const EBS_CSI_PROVISIONER = "ebs.csi.aws.com";

/**
 * EKS Auto Mode's own block storage (no add-on): it serves only classes that name this provisioner,
 * and cannot attach volumes made by `ebs.csi.aws.com`, nor the EBS CSI driver its volumes
 * (docs.aws.amazon.com/eks/latest/userguide/create-storage-class.html, checked 2026-12-01).
 */
export const EBS_AUTO_MODE_PROVISIONER = "ebs.csi.eks.amazonaws.com";

/**
 * StorageClass parameters per tier, with the EBS CSI driver's own parameter names
 * (kubernetes-sigs/aws-ebs-csi-driver docs/parameters.md). Values are strings because StorageClass
 * parameters are a string map; they are immutable once a class exists, so changing one replaces it.
 */
export const EBS_PARAMETERS: Readonly<Record<StorageTier, Readonly<Record<string, string>>>> = {
    ssd: {
        type: "gp3",
        encrypted: "true",
        "csi.storage.k8s.io/fstype": "ext4",
    },
    premium: {
        // io2: 99.999% durability (gp3: 99.8-99.9%), the disk meant for a database.
        type: "io2",
        iopsPerGB: "50",
        // Small volumes (a 1Gi claim asks for 50 IOPS) fall below io2's 100 IOPS floor; without this
        // the driver refuses to provision them instead of rounding up.
        allowAutoIOPSPerGBIncrease: "true",
        // An expanded volume keeps iopsPerGB: without this, ModifyVolume grows the size but leaves
        // the IOPS of the original size (aws-ebs-csi-driver docs/parameters.md, checked 2026-12-01).
        allowAutoIOPSIncreaseOnModify: "true",
        encrypted: "true",
        "csi.storage.k8s.io/fstype": "ext4",
    },
};

/**
 * The parameters Auto Mode's provisioner takes per tier: the EBS CSI driver's, less
 * `allowAutoIOPSIncreaseOnModify`, which Auto Mode's parameter table does not list (what it does
 * with an unlisted parameter is not documented, so none is sent). An expanded premium volume there
 * keeps the IOPS of its first size until raised by hand (`aws ec2 modify-volume --iops`).
 */
export const EBS_AUTO_MODE_PARAMETERS: Readonly<Record<StorageTier, Readonly<Record<string, string>>>> = {
    ssd: EBS_PARAMETERS.ssd,
    premium: Object.fromEntries(Object.entries(EBS_PARAMETERS.premium).filter(([k]) => k !== "allowAutoIOPSIncreaseOnModify")),
};

/** An EBS provisioner and the StorageClass parameters it takes per tier. */
export interface EbsDriver {
    provisioner: string;
    parameters: Readonly<Record<StorageTier, Readonly<Record<string, string>>>>;
}

/** The EBS CSI driver add-on, on managed node groups. */
export const EBS_CSI: EbsDriver = { provisioner: EBS_CSI_PROVISIONER, parameters: EBS_PARAMETERS };

/** EKS Auto Mode's built-in block storage. */
export const EBS_AUTO_MODE: EbsDriver = { provisioner: EBS_AUTO_MODE_PROVISIONER, parameters: EBS_AUTO_MODE_PARAMETERS };

/**
 * EKS storage: EBS block classes per tier, the shared class where the stack made an EFS file system
 * (components/aws/efs.ts), and EBS snapshots (the snapshot-controller add-on serves the
 * VolumeSnapshot API; the block driver takes the snapshots, no parameters needed). The block
 * driver is the node mode's: the EBS CSI add-on with managed nodes, Auto Mode's own with `auto`.
 */
export function awsStorageFacts(tier: StorageTier, shared?: StorageClassFacts, driver: EbsDriver = EBS_CSI): StorageFacts {
    const { provisioner } = driver;
    return {
        // Both drivers can expand their volumes (EBS ModifyVolume).
        classes: { ...blockStorageClasses({ provisioner, parameters: driver.parameters[tier], allowVolumeExpansion: true }), shared },
        // EKS still creates gp2 (in-tree provisioner) on every cluster: never name a class gp2.
        builtInClasses: ["gp2"],
        // gp2 has not been the default class since EKS 1.30 (the platform supports 1.31+), so there
        // is nothing to un-default; the platform's gp3 class becomes the default instead.
        builtInDefaultClass: undefined,
        makeDefault: true,
        snapshots: { driver: provisioner, parameters: {} },
    };
}

/**
 * An internet-facing Network Load Balancer made by the service controller built into EKS (we do not
 * install the AWS Load Balancer Controller, so its `external`/target-type annotations would be
 * ignored). Only annotations that controller reads are set (kubernetes/cloud-provider-aws
 * docs/service_controller.md, pkg/providers/v1 reconcileLBAttributes).
 */
export const AWS_LOAD_BALANCER: LoadBalancerFacts = {
    serviceType: "LoadBalancer",
    annotations: {
        // Layer 4: TLS is terminated by ingress-nginx with cert-manager's certificate, not by AWS.
        "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
        // The controller sets cross-zone OFF on NLBs unless asked: an AZ whose nodes hold no
        // ingress pod (externalTrafficPolicy Local) or fewer of them would then drop or skew traffic.
        "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
    },
};

/**
 * The NLB EKS Auto Mode makes (its built-in load balancing, which runs the AWS Load Balancer
 * Controller's logic and reads its annotations, not the in-tree controller's). Sources, checked
 * 2026-12-01: EKS user guide "Use Service Annotations to configure Network Load Balancers"
 * (auto-configure-nlb) and the Load Balancer Controller's service annotations.
 * - `loadBalancerClass` set explicitly, though Auto Mode makes it the default: the Service says
 *   who owns it, and the in-tree controller skips it.
 * - scheme `internet-facing`: that controller's default is `internal`.
 * - target type `instance`: with `externalTrafficPolicy: Local` the NLB health-checks the
 *   healthCheckNodePort, so only nodes running a controller pod get traffic, and the client IP
 *   stays (as with the managed-node NLB).
 * - cross-zone through `aws-load-balancer-attributes`: Auto Mode lists the in-tree
 *   `aws-load-balancer-cross-zone-load-balancing-enabled` and `aws-load-balancer-type` as not
 *   supported.
 * The Elastic IP annotations (`eip-allocations`, `subnets`) keep their names (network.ts `ingressAddress`).
 * Unverified: Auto Mode's page lists `aws-load-balancer-subnets` but neither lists nor excludes
 * `aws-load-balancer-eip-allocations` ("may not support all annotations"); its cluster policy
 * allows ec2:DescribeAddresses. Check `aws elbv2 describe-load-balancers` on the first deploy.
 */
export const AWS_AUTO_MODE_LOAD_BALANCER: LoadBalancerFacts = {
    serviceType: "LoadBalancer",
    loadBalancerClass: "eks.amazonaws.com/nlb",
    annotations: {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "instance",
        "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
    },
};

/**
 * DNS on EKS Auto Mode: there are no CoreDNS pods; each node answers its pods' queries itself
 * ("DNS queries from Pods on an Auto Mode node will always go to the node local DNS", EKS Auto Mode
 * change log 2025-03-31), so a rule naming kube-dns pods matches nothing and a default-deny
 * namespace loses DNS (aws/containers-roadmap#2552, open). Port 53 to any destination instead;
 * checked 2026-12-01.
 */
export const AUTO_MODE_DNS: DnsFacts = { peers: "any" };

/**
 * EKS Auto Mode's built-in `general-purpose` NodePool, where the platform's pods run, launches
 * amd64 instances only (C, M and R families, generation 5 or newer, on demand; the arm64-capable
 * `system` pool is tainted CriticalAddonsOnly). EKS user guide "Enable or Disable Built-in
 * NodePools", checked 2026-12-01.
 */
export const AUTO_MODE_PLATFORM = "linux/amd64";

/**
 * The image platform the nodes run. The node group picks an arm64 AMI for Graviton types (a `g`
 * after the generation digit, as pulumi-eks's isGravitonInstance reads it), so an amd64 image would
 * never start there. First-generation `a1` is arm64 too but pulumi-eks gives it an x86_64 AMI:
 * config.ts refuses it.
 */
export function nodePlatform(instanceType: string): "linux/amd64" | "linux/arm64" {
    const m = /^([a-z]+)([0-9]+)([a-z])?/.exec(instanceType);
    if (!m) throw new Error(`"${instanceType}" is not an EC2 instance type such as m6i.large`);
    return m[3] === "g" ? "linux/arm64" : "linux/amd64";
}
