/**
 * What the cloud-neutral layer needs to know about EKS: how disks are provisioned and how the
 * ingress controller's Service becomes a load balancer. Pure data, no SDK calls, so tests and the
 * storage/ingress components can read it without an AWS account.
 */
import type { StorageTier } from "../../config";
import { blockStorageClasses, type LoadBalancerFacts, type StorageClassFacts, type StorageFacts } from "../cluster";

/** The EBS CSI driver (the `aws-ebs-csi-driver` add-on); the in-tree `kubernetes.io/aws-ebs` cannot make gp3. */
export const EBS_CSI_PROVISIONER = "ebs.csi.aws.com";

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
 * EKS storage: EBS block classes per tier, the shared class where the stack made an EFS file system
 * (components/aws/efs.ts), and EBS snapshots (the snapshot-controller add-on serves the
 * VolumeSnapshot API; the EBS CSI driver takes the snapshots, no parameters needed).
 */
export function awsStorageFacts(tier: StorageTier, shared?: StorageClassFacts): StorageFacts {
    return {
        // The EBS CSI driver can expand its volumes (EBS ModifyVolume).
        classes: { ...blockStorageClasses({ provisioner: EBS_CSI_PROVISIONER, parameters: EBS_PARAMETERS[tier], allowVolumeExpansion: true }), shared },
        // EKS still creates gp2 (in-tree provisioner) on every cluster: never name a class gp2.
        builtInClasses: ["gp2"],
        // gp2 has not been the default class since EKS 1.30 (the platform supports 1.31+), so there
        // is nothing to un-default; the platform's gp3 class becomes the default instead.
        builtInDefaultClass: undefined,
        makeDefault: true,
        snapshots: { driver: EBS_CSI_PROVISIONER, parameters: {} },
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
