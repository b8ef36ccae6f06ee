/**
 * The AWS keys for a fresh account's quotas, upgrades, an auto-named cluster, EFS backups and ECR
 * retention: their defaults (what a stack gets without setting them) and their refusals.
 */
import * as assert from "node:assert/strict";
import { AWS, GCP, problems, read } from "./fixtures";

describe("config: AWS keys", () => {
    it("defaults: one NAT gateway, static ingress addresses, the derived cluster name, no forced upgrade, EFS backups on, 30 tagged images kept", () => {
        const c = read(AWS);
        assert.equal(c.cloud, "aws");
        if (c.cloud !== "aws") return;
        assert.deepEqual(
            [c.aws.natGateways, c.aws.staticIngressAddresses, c.aws.clusterName, c.aws.forceUpgrade, c.aws.efsBackups, c.aws.registryKeepImages],
            ["single", true, undefined, false, true, 30],
        );
    });

    it("takes each key's allowed values", () => {
        const c = read({
            ...AWS,
            "platform:natGateways": "perZone",
            "platform:staticIngressAddresses": "false",
            "platform:eksClusterName": "aws-cluster-eksCluster-1a2b3c4",
            "platform:forceUpgrade": "true",
            "platform:efsBackups": "false",
            "platform:registryKeepImages": "5",
        });
        if (c.cloud !== "aws") return assert.fail("aws");
        assert.deepEqual(
            [c.aws.natGateways, c.aws.staticIngressAddresses, c.aws.clusterName, c.aws.forceUpgrade, c.aws.efsBackups, c.aws.registryKeepImages],
            ["perZone", false, "aws-cluster-eksCluster-1a2b3c4", true, false, 5],
        );
    });

    it("refuses bad values naming the key, the value and what is allowed", () => {
        const found = problems({
            ...AWS,
            "platform:natGateways": "two",
            "platform:eksClusterName": "my.cluster",
            "platform:registryKeepImages": "0",
            "platform:efsBackups": "sometimes",
        }).join("\n");
        assert.match(found, /platform:natGateways: "two" is not allowed; expected one of: single, perZone/);
        assert.match(found, /platform:eksClusterName: .*my\.cluster.*EKS cluster name/);
        assert.match(found, /platform:registryKeepImages: .*0/);
        assert.match(found, /platform:efsBackups: .*sometimes/);
    });

    it("belongs to aws only", () => {
        assert.notDeepEqual(problems({ ...GCP, "platform:natGateways": "perZone" }), []);
    });
});
