import * as assert from "node:assert/strict";
import { CloudWatchObservability, awsObservabilityOutput, containerInsightsLogGroups } from "../../../components/aws/observability";
import { irsaTrustPolicy } from "../../../components/aws/iam";
import { mockState, runProgram } from "../../harness/mocks";

const OIDC_ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE";
const OIDC_ARN = `arn:aws:iam::123456789012:oidc-provider/${OIDC_ISSUER}`;

describe("CloudWatchObservability", () => {
    beforeEach(() => mockState("aws:iam/role:Role", (a) => ({ name: a.name, arn: `arn:aws:iam::123456789012:role/${a.name}` })));

    function deploy(logRetentionDays = 30) {
        return runProgram(
            () => new CloudWatchObservability("obs", { clusterName: "platform-prod", kubernetesVersion: "1.35", logRetentionDays, oidcProviderArn: OIDC_ARN, oidcIssuer: OIDC_ISSUER, dependsOn: [] }),
        );
    }

    it("creates every Container Insights log group with logRetentionDays before the add-on", async () => {
        const { resources } = await deploy(14);
        const groups = resources.ofType("aws:cloudwatch/logGroup:LogGroup");
        assert.deepEqual(groups.map((g) => [g.inputs.name, g.inputs.retentionInDays]).sort(), [
            ["/aws/containerinsights/platform-prod/application", 14],
            ["/aws/containerinsights/platform-prod/dataplane", 14],
            ["/aws/containerinsights/platform-prod/host", 14],
            ["/aws/containerinsights/platform-prod/performance", 14],
        ]);
        const addon = resources.one("aws:eks/addon:Addon");
        for (const g of groups) assert.ok(addon.dependsOn.includes(g.urn), `Fluent Bit would create ${String(g.inputs.name)} with no expiry`);
    });

    it("installs the pinned amazon-cloudwatch-observability add-on with its own IRSA role (CloudWatchAgentServerPolicy)", async () => {
        const { resources } = await deploy();
        const addon = resources.one("aws:eks/addon:Addon");
        assert.equal(addon.inputs.addonName, "amazon-cloudwatch-observability");
        assert.equal(addon.inputs.addonVersion, "v5.3.1-eksbuild.1");
        assert.equal(addon.inputs.clusterName, "platform-prod");
        const role = resources.one("aws:iam/role:Role");
        assert.equal(addon.inputs.serviceAccountRoleArn, "arn:aws:iam::123456789012:role/obs-role");
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy as string), irsaTrustPolicy(OIDC_ARN, OIDC_ISSUER, { namespace: "amazon-cloudwatch", name: "cloudwatch-agent" }));
        assert.equal(resources.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.policyArn, "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy");
    });

    it("says where to look: every log group and the console", () => {
        const out = awsObservabilityOutput("platform-prod", "eu-west-1", "/aws/eks/platform-prod/cluster");
        assert.equal(out.controlPlaneLogs, "/aws/eks/platform-prod/cluster");
        assert.equal(out.applicationLogs, containerInsightsLogGroups("platform-prod").application);
        assert.match(out.console, /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\/.*container-insights/);
    });
});
