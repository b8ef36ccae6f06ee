import * as assert from "node:assert/strict";
import { EFS_CSI_POLICY_ARN, EfsSharedStorage, type EfsSharedStorageArgs, efsStorageClass } from "../../../components/aws/efs";
import { irsaTrustPolicy } from "../../../components/aws/iam";
import { validateStorageFacts } from "../../../components/platform/storage";
import { awsStorageFacts } from "../../../components/aws/facts";
import { mockState, runProgram, valueOf } from "../../harness/mocks";

const OIDC_ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE";
const OIDC_ARN = `arn:aws:iam::123456789012:oidc-provider/${OIDC_ISSUER}`;
const SUBNETS = ["subnet-0aaa0001", "subnet-0aaa0002", "subnet-0aaa0003"];

function args(overrides: Partial<EfsSharedStorageArgs> = {}): EfsSharedStorageArgs {
    return {
        clusterName: "platform-test",
        kubernetesVersion: "1.35",
        vpcId: "vpc-0new1234",
        privateSubnetIds: SUBNETS,
        subnetCount: 3,
        nodeSecurityGroupId: "sg-0eks00001",
        oidcProviderArn: OIDC_ARN,
        oidcIssuer: OIDC_ISSUER,
        protect: true,
        dependsOn: [],
        ...overrides,
    };
}

describe("EfsSharedStorage", () => {
    beforeEach(() => {
        mockState("aws:iam/role:Role", (a) => ({ name: a.name, arn: `arn:aws:iam::123456789012:role/${a.name}` }));
    });

    it("makes an encrypted file system, protected like data, with a mount target in every private subnet", async () => {
        const { result, resources } = await runProgram(() => new EfsSharedStorage("shared", args()));
        const fs = resources.one("aws:efs/fileSystem:FileSystem");
        assert.equal(fs.inputs.encrypted, true);
        assert.equal(fs.protect, true);
        const targets = resources.ofType("aws:efs/mountTarget:MountTarget").sort((a, b) => a.name.localeCompare(b.name));
        assert.deepEqual(targets.map((t) => t.inputs.subnetId), SUBNETS);
        for (const t of targets) assert.deepEqual(t.inputs.securityGroups, ["shared-nfs-id"]);
        assert.equal(await valueOf(result.fileSystemId), "shared-fs-id");
        for (const t of targets) assert.equal(t.inputs.fileSystemId, "shared-fs-id");
        const unprotected = await runProgram(() => new EfsSharedStorage("shared", args({ protect: false })));
        assert.equal(unprotected.resources.one("aws:efs/fileSystem:FileSystem").protect, false);
    });

    it("turns EFS automatic backups on by default (API-made file systems start without), and off with backups false", async () => {
        const on = (await runProgram(() => new EfsSharedStorage("shared", args()))).resources.one("aws:efs/backupPolicy:BackupPolicy");
        assert.deepEqual(on.inputs, { fileSystemId: "shared-fs-id", backupPolicy: { status: "ENABLED" } });
        const off = (await runProgram(() => new EfsSharedStorage("shared", args({ backups: false })))).resources.one("aws:efs/backupPolicy:BackupPolicy");
        assert.deepEqual(off.inputs.backupPolicy, { status: "DISABLED" });
    });

    it("admits NFS (tcp/2049) from the nodes' security group only", async () => {
        const { resources } = await runProgram(() => new EfsSharedStorage("shared", args()));
        const sg = resources.one("aws:ec2/securityGroup:SecurityGroup");
        assert.equal(sg.inputs.vpcId, "vpc-0new1234");
        assert.deepEqual(
            (sg.inputs.ingress as Record<string, unknown>[]).map(({ protocol, fromPort, toPort, securityGroups, cidrBlocks }) => ({ protocol, fromPort, toPort, securityGroups, cidrBlocks })),
            [{ protocol: "tcp", fromPort: 2049, toPort: 2049, securityGroups: ["sg-0eks00001"], cidrBlocks: undefined }],
        );
    });

    it("installs the pinned aws-efs-csi-driver add-on with an IRSA role for kube-system/efs-csi-controller-sa, after its mount targets", async () => {
        const { resources } = await runProgram(() => new EfsSharedStorage("shared", args()));
        const addon = resources.one("aws:eks/addon:Addon");
        assert.equal(addon.inputs.addonName, "aws-efs-csi-driver");
        assert.equal(addon.inputs.addonVersion, "v3.4.2-eksbuild.1");
        assert.equal(addon.inputs.serviceAccountRoleArn, "arn:aws:iam::123456789012:role/shared-csi-role");
        const role = resources.one("aws:iam/role:Role");
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy as string), irsaTrustPolicy(OIDC_ARN, OIDC_ISSUER, { namespace: "kube-system", name: "efs-csi-controller-sa" }));
        const policy = resources.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.equal(policy.inputs.policyArn, EFS_CSI_POLICY_ARN);
        for (const r of [role, policy, ...resources.ofType("aws:efs/mountTarget:MountTarget")]) assert.ok(addon.dependsOn.includes(r.urn), `add-on waits for ${r.name}`);
    });

    it("offers platform-shared as dynamic EFS access points: RWX, Immediate, mode 700, per-claim uid/gid, reclaim Delete", () => {
        const sc = efsStorageClass("fs-0123456789abcdef0");
        assert.deepEqual(sc, {
            provisioner: "efs.csi.aws.com",
            parameters: { provisioningMode: "efs-ap", fileSystemId: "fs-0123456789abcdef0", directoryPerms: "700", gidRangeStart: "50000", gidRangeEnd: "7000000", basePath: "/platform" },
            reclaimPolicy: "Delete",
            allowVolumeExpansion: false,
            volumeBindingMode: "Immediate",
            accessModes: ["ReadWriteMany", "ReadOnlyMany", "ReadWriteOnce"],
        });
        const facts = awsStorageFacts("ssd", sc);
        validateStorageFacts(facts);
        assert.equal(facts.classes.shared, sc);
        assert.deepEqual(facts.snapshots, { driver: "ebs.csi.aws.com", parameters: {} });
    });
});
