import * as assert from "node:assert/strict";
import { autoNamedClusterPattern, clusterNameProblem, liveSecretsKey, secretsKmsKeyProblem } from "../../../components/aws/cluster-guard";
import { forceUpgradeTransforms } from "../../../components/aws/cluster";
import * as aws from "../../../components/aws/target";
import { runPreflight } from "../../../components/cluster/preflight";
import { mapConfigSource, readConfig, type AwsConfig } from "../../../config";
import { installCloudMocks } from "../../harness/cloud-mocks";
import { mockCall, runProgram } from "../../harness/mocks";

/** The guards alone, as a preview runs them whatever platform:preflight says. */
const checks = (config: AwsConfig): Promise<void> => runPreflight(aws.preflight(config), { mode: "off", warn: () => undefined });

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const OTHER_KEY = "arn:aws:kms:eu-west-1:123456789012:key/9999abcd-12ab-34cd-56ef-1234567890ab";
/** What @pulumi/eks auto-named the cluster of the `aws` target before the program named it. */
const AUTO_NAMED = "aws-cluster-eksCluster-1a2b3c4";

function awsConfig(values: Record<string, string> = {}): AwsConfig {
    return readConfig(mapConfigSource({ "platform:cloud": "aws", "aws:region": "eu-west-1", ...values })) as AwsConfig;
}

describe("EKS cluster guard", () => {
    it("recognises only the names @pulumi/eks gave this target's cluster", () => {
        const p = autoNamedClusterPattern("aws");
        assert.ok(p.test(AUTO_NAMED));
        assert.ok(!p.test("aws-cluster-eksCluster-1a2b3c4d"));
        assert.ok(!p.test("platform-prod"));
        assert.ok(!p.test("gke-cluster-eksCluster-1a2b3c4"));
    });

    it("refuses a new name while an auto-named cluster runs, naming both ways out; a set key or a fresh region passes", () => {
        const problem = clusterNameProblem("platform-prod", false, [AUTO_NAMED, "someone-else"], "aws") ?? "";
        assert.match(problem, /^platform:eksClusterName: this region has EKS clusters named by an earlier version of this program \(aws-cluster-eksCluster-1a2b3c4\) and none named platform-prod/);
        assert.match(problem, /pulumi config set platform:eksClusterName <that name>/);
        assert.match(problem, /pulumi import aws:cloudwatch\/logGroup:LogGroup aws-control-plane-logs \/aws\/eks\/<that name>\/cluster/);
        assert.match(problem, /If none is, this stack gets a new cluster: pulumi config set platform:eksClusterName platform-prod$/);
        assert.equal(clusterNameProblem("platform-prod", true, [AUTO_NAMED], "aws"), undefined, "the key says which cluster");
        assert.equal(clusterNameProblem("platform-prod", false, [AUTO_NAMED, "platform-prod"], "aws"), undefined, "the named cluster runs");
        assert.equal(clusterNameProblem("platform-prod", false, ["someone-else"], "aws"), undefined, "nothing auto-named");
    });

    it("lets a key be added once, refuses removing or changing it, and keeps the same key", () => {
        assert.equal(secretsKmsKeyProblem("c", undefined, KEY), undefined);
        assert.equal(secretsKmsKeyProblem("c", undefined, undefined), undefined);
        assert.equal(secretsKmsKeyProblem("c", KEY, KEY), undefined);
        assert.equal(
            secretsKmsKeyProblem("c", KEY, undefined),
            `platform:secretsKmsKey: the EKS cluster c encrypts Secrets with ${KEY}, and EKS cannot remove a cluster's key; keep it: pulumi config set platform:secretsKmsKey ${KEY}`,
        );
        assert.match(secretsKmsKeyProblem("c", KEY, OTHER_KEY) ?? "", /cannot replace .* EKS cannot change a cluster's key; keep it: pulumi config set platform:secretsKmsKey arn:aws:kms:eu-west-1:123456789012:key\/1234abcd/);
    });

    it("reads the live key from the cluster's Cloud Control properties", () => {
        assert.equal(liveSecretsKey(JSON.stringify({ Name: "c", EncryptionConfig: [{ Provider: { KeyArn: KEY }, Resources: ["secrets"] }] })), KEY);
        assert.equal(liveSecretsKey(JSON.stringify({ Name: "c" })), undefined);
    });

    it("checks: a state holding an auto-named cluster refuses before anything is registered, and keeps that name once configured", async () => {
        installCloudMocks("aws");
        mockCall("aws:eks/getClusters:getClusters", () => ({ names: [AUTO_NAMED] }));
        mockCall("aws:eks/getCluster:getCluster", (a) => ({ name: a.inputs.name, computeConfigs: [] }));
        mockCall("aws:cloudcontrol/getResource:getResource", () => ({ properties: JSON.stringify({ Name: AUTO_NAMED }) }));
        const { resources } = await runProgram(async () => {
            await assert.rejects(checks(awsConfig()), /platform:eksClusterName: this region has EKS clusters named by an earlier version of this program \(aws-cluster-eksCluster-1a2b3c4\) and none named platform-test/);
            await checks(awsConfig({ "platform:eksClusterName": AUTO_NAMED }));
            await assert.rejects(checks(awsConfig({ "platform:eksClusterName": AUTO_NAMED, "platform:nodeMode": "auto" })), /platform:nodeMode: "auto" cannot be applied to the running EKS cluster aws-cluster-eksCluster-1a2b3c4/);
        });
        assert.equal(resources.all.length, 0);
        const kept = await runProgram(() => aws.target("aws", awsConfig({ "platform:eksClusterName": AUTO_NAMED })));
        assert.equal(kept.resources.one("eks:index:Cluster").inputs.name, AUTO_NAMED);
        assert.equal(kept.resources.one("aws:cloudwatch/logGroup:LogGroup", "aws-control-plane-logs").inputs.name, `/aws/eks/${AUTO_NAMED}/cluster`);
    });

    it("checks: refuses removing the running cluster's Secrets key", async () => {
        mockCall("aws:eks/getClusters:getClusters", () => ({ names: ["platform-test"] }));
        mockCall("aws:eks/getCluster:getCluster", (a) => ({ name: a.inputs.name, computeConfigs: [] }));
        mockCall("aws:cloudcontrol/getResource:getResource", () => ({ properties: JSON.stringify({ EncryptionConfig: [{ Provider: { KeyArn: KEY } }] }) }));
        await runProgram(async () => {
            await assert.rejects(checks(awsConfig()), /EKS cannot remove a cluster's key/);
            await checks(awsConfig({ "platform:secretsKmsKey": KEY }));
        });
    });

    it("forces a version update past upgrade insights only when asked, on the EKS cluster resource alone", async () => {
        assert.deepEqual(forceUpgradeTransforms(false), []);
        const [transform] = forceUpgradeTransforms(true);
        assert.ok(transform);
        const cluster = await transform({ type: "aws:eks/cluster:Cluster", name: "c", props: { version: "1.36" }, opts: {}, custom: true });
        assert.deepEqual(cluster?.props, { version: "1.36", forceUpdateVersion: true });
        assert.equal(await transform({ type: "aws:eks/nodeGroup:NodeGroup", name: "n", props: {}, opts: {}, custom: true }), undefined);
    });
});
