import * as assert from "node:assert/strict";
import {
    ELASTIC_IP_QUOTA,
    STANDARD_VCPU_QUOTA,
    awsInvokeReads,
    awsPreflight,
    elasticIpFindings,
    isStandardFamily,
    stackElasticIps,
    vcpuFindings,
    zoneFindings,
} from "../../../components/aws/preflight";
import { collectFindings } from "../../../components/cluster/preflight";
import type { AwsConfig } from "../../../config";
import { AWS, read } from "../../config/fixtures";
import { installCloudMocks } from "../../harness/cloud-mocks";
import { mockCall, runProgram } from "../../harness/mocks";

function awsConfig(values: Record<string, string> = {}): AwsConfig {
    const c = read({ ...AWS, ...values });
    if (c.cloud !== "aws") throw new Error("expected an aws config");
    return c;
}

const BYO_VPC = {
    "platform:vpcId": "vpc-0abc1234",
    "platform:publicSubnetIds": '["subnet-0aa11111","subnet-0aa22222"]',
    "platform:privateSubnetIds": '["subnet-0bb11111","subnet-0bb22222"]',
};

/** One NAT gateway per zone: 6 addresses with 3 zones, more than a fresh account's 5. */
const PER_ZONE = { "platform:natGateways": "perZone" };

describe("AWS preflight", () => {
    describe("Elastic IPs", () => {
        it("counts the NAT gateways of a new VPC (one, or one per zone) and an ingress address per public subnet while they are static", () => {
            assert.deepEqual(stackElasticIps(awsConfig()), { natGateways: 1, ingress: 3 });
            assert.deepEqual(stackElasticIps(awsConfig(PER_ZONE)), { natGateways: 3, ingress: 3 });
            assert.deepEqual(stackElasticIps(awsConfig({ ...PER_ZONE, "platform:availabilityZones": "2" })), { natGateways: 2, ingress: 2 });
            assert.deepEqual(stackElasticIps(awsConfig({ "platform:staticIngressAddresses": "false" })), { natGateways: 1, ingress: 0 });
            assert.deepEqual(stackElasticIps(awsConfig(BYO_VPC)), { natGateways: 0, ingress: 2 });
        });

        it("fits the defaults into a fresh account's 5 addresses", () => {
            assert.deepEqual(elasticIpFindings({ limit: 5, inUse: 0, deployed: false }, awsConfig()), []);
        });

        it("refuses a quota smaller than the stack's 6 addresses with a NAT gateway per zone, with the exact increase request", () => {
            const [f, ...rest] = elasticIpFindings({ limit: 5, inUse: 0, deployed: false }, awsConfig(PER_ZONE));
            assert.equal(rest.length, 0);
            assert.equal(f.severity, "error");
            assert.match(f.what, /Elastic IP quota in eu-west-1 is 5; the stack allocates 6: 3 for the NAT gateway.* 3 for the ingress load balancer/);
            assert.match(f.fix, new RegExp(`--service-code ec2 --quota-code ${ELASTIC_IP_QUOTA} --desired-value 6 --region eu-west-1`));
            assert.match(f.fix, /platform:availabilityZones 2/);
        });

        it("refuses a first deployment when addresses already allocated leave too few free, naming how to release them", () => {
            const [f] = elasticIpFindings({ limit: 10, inUse: 5, deployed: false }, awsConfig(PER_ZONE));
            assert.match(f.what, /5 of the 10 Elastic IPs in eu-west-1 are allocated already; the stack allocates 6 more/);
            assert.match(f.fix, /aws ec2 release-address/);
            assert.match(f.fix, /--desired-value 11/);
        });

        it("passes when the addresses fit, and on a deployed stack counts its own among those in use", () => {
            assert.deepEqual(elasticIpFindings({ limit: 10, inUse: 4, deployed: false }, awsConfig(PER_ZONE)), []);
            assert.deepEqual(elasticIpFindings({ limit: 6, inUse: 6, deployed: true }, awsConfig(PER_ZONE)), []);
            assert.equal(elasticIpFindings({ limit: 5, inUse: 5, deployed: true }, awsConfig(PER_ZONE)).length, 1, "still refused when the stack alone exceeds the quota");
        });
    });

    describe("On-Demand vCPUs", () => {
        it("refuses a quota below maxNodes × the node size's vCPUs, suggesting the maxNodes that fits", () => {
            const [f] = vcpuFindings({ limit: 8, vcpusPerNode: 2 }, awsConfig({ "platform:maxNodes": "6" }));
            assert.match(f.what, /quota in eu-west-1 is 8 vCPUs; maxNodes 6 × 2 vCPUs of m6i.large needs 12$/);
            assert.match(f.fix, new RegExp(`--quota-code ${STANDARD_VCPU_QUOTA} --desired-value 12`));
            assert.match(f.fix, /platform:maxNodes 4$/);
        });

        it("says when even minNodes does not fit (the first up fails)", () => {
            const [f] = vcpuFindings({ limit: 2, vcpusPerNode: 2 }, awsConfig({ "platform:minNodes": "2", "platform:maxNodes": "6" }));
            assert.match(f.what, /even minNodes does not fit/);
        });

        it("passes when maxNodes fits", () => {
            assert.deepEqual(vcpuFindings({ limit: 12, vcpusPerNode: 2 }, awsConfig({ "platform:maxNodes": "6" })), []);
        });

        it("knows which families count against the standard quota", () => {
            for (const t of ["m6i.large", "c7g.xlarge", "t3.medium", "r6a.2xlarge", "i4i.large", "z1d.large", "d3.xlarge", "h1.2xlarge"]) assert.ok(isStandardFamily(t), t);
            for (const t of ["g5.xlarge", "p4d.24xlarge", "x2idn.16xlarge", "inf2.xlarge", "trn1.2xlarge", "dl1.24xlarge", "hpc6a.48xlarge", "u-6tb1.metal", "f1.2xlarge"]) {
                assert.ok(!isStandardFamily(t), t);
            }
        });
    });

    describe("availability zones", () => {
        it("refuses more zones than the region offers, suggesting the count it has", () => {
            const [f] = zoneFindings(["us-west-1a", "us-west-1c"], awsConfig({ "aws:region": "us-west-1" }));
            assert.match(f.what, /us-west-1 offers this account 2 availability zone\(s\) \(us-west-1a, us-west-1c\); platform:availabilityZones is 3/);
            assert.match(f.fix, /pulumi config set platform:availabilityZones 2/);
        });

        it("passes when the region has enough, and never judges a VPC you bring", () => {
            assert.deepEqual(zoneFindings(["a", "b", "c"], awsConfig()), []);
            assert.deepEqual(zoneFindings(["a"], awsConfig(BYO_VPC)), []);
        });
    });

    describe("through the AWS provider's data sources, under the mocks", () => {
        beforeEach(() => installCloudMocks("aws"));

        it("reads the two quotas by code, the addresses, the node size and the zones, and finds nothing in a roomy account", async () => {
            const { result, invokes } = await runProgram(() => collectFindings(awsPreflight(awsConfig(), awsInvokeReads("platform-test"))));
            assert.deepEqual(result, []);
            const quotaCodes = invokes.filter((i) => i.token === "aws:servicequotas/getServiceQuota:getServiceQuota").map((i) => [i.args.serviceCode, i.args.quotaCode]);
            assert.deepEqual(quotaCodes.sort(), [
                ["ec2", ELASTIC_IP_QUOTA],
                ["ec2", STANDARD_VCPU_QUOTA],
            ]);
            const tokens = new Set(invokes.map((i) => i.token));
            for (const t of ["aws:ec2/getEips:getEips", "aws:index/getAvailabilityZones:getAvailabilityZones", "aws:eks/getClusters:getClusters"]) assert.ok(tokens.has(t), t);
            assert.deepEqual(
                invokes.filter((i) => i.token === "aws:ec2/getInstanceType:getInstanceType").map((i) => i.args.instanceType),
                ["m6i.large"],
            );
        });

        it("finds every shortfall of a fresh account at once", async () => {
            mockCall("aws:servicequotas/getServiceQuota:getServiceQuota", (a) => ({ value: a.inputs.quotaCode === ELASTIC_IP_QUOTA ? 5 : 8 }));
            mockCall("aws:index/getAvailabilityZones:getAvailabilityZones", () => ({ names: ["eu-west-1a", "eu-west-1b"] }));
            const { result } = await runProgram(() => collectFindings(awsPreflight(awsConfig({ ...PER_ZONE, "platform:maxNodes": "6" }), awsInvokeReads("platform-test"))));
            assert.deepEqual(result.map((f) => [f.check, f.severity]).sort(), [
                ["aws-availability-zones", "error"],
                ["aws-elastic-ips", "error"],
                ["aws-vcpu-quota", "error"],
            ]);
        });

        it("checks no vCPU quota in Auto Mode, where AWS picks the instances", async () => {
            const checks = awsPreflight(awsConfig({ "platform:nodeMode": "auto", "platform:nodeSize": "", "platform:minNodes": "", "platform:maxNodes": "" }), awsInvokeReads("x"));
            assert.deepEqual(
                checks.map((c) => c.id),
                ["aws-elastic-ips", "aws-availability-zones"],
            );
        });
    });
});
