/**
 * Shared files on EKS (`platform-shared`, ReadWriteMany): an encrypted EFS file system with a mount
 * target in every private subnet, reachable on NFS (tcp/2049) from the nodes only, and the EFS CSI
 * driver add-on with its own IRSA role. The StorageClass facts live in `efsStorageClass`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StorageClassFacts } from "../cluster/contract";
import { eksAddonVersion } from "./addon-versions";
import { irsaRole } from "./iam";

export const EFS_CSI_PROVISIONER = "efs.csi.aws.com";
export const EFS_CSI_ADDON = "aws-efs-csi-driver";
export const EFS_CSI_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy";
/** The controller's service account as the `aws-efs-csi-driver` add-on creates it. */
export const EFS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "efs-csi-controller-sa" } as const;
export const NFS_PORT = 2049;

/**
 * The `platform-shared` class: one EFS access point per claim (`provisioningMode: efs-ap`), under
 * `/platform` on the stack's file system (aws-efs-csi-driver docs, "Dynamic provisioning",
 * checked 2026-12-01).
 * - uid/gid: the driver gives each access point its own POSIX id from `gidRangeStart`-`gidRangeEnd`
 *   (used as uid and gid) and the access point enforces it on every NFS call, so pods of any uid
 *   can write their claim, and no two claims share an owner; `directoryPerms: "700"` keeps each
 *   claim's directory closed to the others.
 * - Reclaim Delete: deleting a claim deletes its access point; the driver keeps the directory and
 *   its files (`deleteAccessPointRootDir` is off by default), so nothing is lost with the claim, and
 *   the file system itself is `protect`ed with `platform:protectData`.
 * - Immediate binding: EFS is regional, reachable from every zone's mount target.
 * - No expansion: EFS is elastic; the claim's size is not enforced.
 */
export function efsStorageClass(fileSystemId: pulumi.Input<string>): StorageClassFacts {
    return {
        provisioner: EFS_CSI_PROVISIONER,
        parameters: {
            provisioningMode: "efs-ap",
            fileSystemId,
            directoryPerms: "700",
            gidRangeStart: "50000",
            gidRangeEnd: "7000000",
            basePath: "/platform",
        },
        reclaimPolicy: "Delete",
        allowVolumeExpansion: false,
        volumeBindingMode: "Immediate",
        accessModes: ["ReadWriteMany", "ReadOnlyMany", "ReadWriteOnce"],
    };
}

/** The EFS backup policy status for `platform:efsBackups`. */
export function efsBackupStatus(backups: boolean): "ENABLED" | "DISABLED" {
    return backups ? "ENABLED" : "DISABLED";
}

export interface EfsSharedStorageArgs {
    clusterName: pulumi.Input<string>;
    kubernetesVersion: string;
    vpcId: pulumi.Input<string>;
    /** One mount target per private subnet (one per zone). */
    privateSubnetIds: pulumi.Input<string[]>;
    /** How many private subnets there are (known before the VPC exists). */
    subnetCount: number;
    /** The security group on the nodes (EKS's cluster security group): the only NFS clients. */
    nodeSecurityGroupId: pulumi.Input<string>;
    oidcProviderArn: pulumi.Input<string>;
    oidcIssuer: pulumi.Input<string>;
    /** Pulumi `protect` on the file system (`platform:protectData`): destroying it loses every shared file. */
    protect: boolean;
    /** The region's partition, for the driver's managed policy. Default `aws`. */
    partition?: string;
    /** EFS automatic backups (`platform:efsBackups`). Default true. */
    backups?: boolean;
    /** The controller needs nodes to run on. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class EfsSharedStorage extends pulumi.ComponentResource {
    readonly fileSystemId: pulumi.Output<string>;
    readonly addon: aws.eks.Addon;
    readonly classFacts: StorageClassFacts;

    constructor(name: string, args: EfsSharedStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:aws:EfsSharedStorage", name, {}, opts);

        const fileSystem = new aws.efs.FileSystem(
            `${name}-fs`,
            {
                // Encrypted at rest with the AWS-managed EFS key; in transit the driver mounts with TLS.
                encrypted: true,
                performanceMode: "generalPurpose",
                // Pay per use, no provisioned throughput to size.
                throughputMode: "elastic",
                tags: { Name: `${name}-fs` },
            },
            { parent: this, protect: args.protect },
        );
        // Off by default for file systems made through the API (only the console turns it on):
        // EFS then backs up daily to AWS Backup's aws/efs/automatic-backup-vault and keeps each
        // recovery point 35 days. Updatable in place either way (EFS user guide "Automatic
        // backups", PutBackupPolicy; checked 2026-12-07).
        new aws.efs.BackupPolicy(`${name}-backup`, { fileSystemId: fileSystem.id, backupPolicy: { status: efsBackupStatus(args.backups ?? true) } }, { parent: this });
        const mountTargets = this.mountTargets(name, args, fileSystem);

        const sa = EFS_CSI_SERVICE_ACCOUNT;
        const { role, policy } = irsaRole(
            `${name}-csi`,
            { serviceAccount: sa, policyArn: EFS_CSI_POLICY_ARN, partition: args.partition, description: `EFS CSI controller of ${name} (${sa.namespace}/${sa.name})`, oidcProviderArn: args.oidcProviderArn, oidcIssuer: args.oidcIssuer },
            { parent: this },
        );

        this.addon = new aws.eks.Addon(
            `${name}-csi-driver`,
            {
                clusterName: args.clusterName,
                addonName: EFS_CSI_ADDON,
                addonVersion: eksAddonVersion(args.kubernetesVersion, EFS_CSI_ADDON),
                serviceAccountRoleArn: role.arn,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                preserve: true,
            },
            // Claims wait for the add-on (ClusterTarget.dependsOn); it waits for the mount targets, so a
            // destroy deletes the claims (and their access points) while the driver, its role and the
            // mount targets still exist.
            { parent: this, dependsOn: [...args.dependsOn, role, policy, ...mountTargets] },
        );

        this.fileSystemId = fileSystem.id;
        this.classFacts = efsStorageClass(fileSystem.id);
        this.registerOutputs({ fileSystemId: this.fileSystemId });
    }

    /** One mount target per private subnet, reachable on NFS from the nodes' security group only. */
    private mountTargets(name: string, args: EfsSharedStorageArgs, fileSystem: aws.efs.FileSystem): aws.efs.MountTarget[] {
        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-nfs`,
            {
                vpcId: args.vpcId,
                description: "NFS to the platform's EFS mount targets, from the EKS nodes only",
                ingress: [{ description: "NFS from the nodes", protocol: "tcp", fromPort: NFS_PORT, toPort: NFS_PORT, securityGroups: [args.nodeSecurityGroupId] }],
            },
            { parent: this },
        );
        return Array.from(
            { length: args.subnetCount },
            (_, i) =>
                new aws.efs.MountTarget(
                    `${name}-mount-az${i + 1}`,
                    { fileSystemId: fileSystem.id, subnetId: pulumi.output(args.privateSubnetIds).apply((ids) => ids[i]), securityGroups: [securityGroup.id] },
                    { parent: this },
                ),
        );
    }
}
