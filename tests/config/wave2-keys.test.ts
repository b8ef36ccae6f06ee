/**
 * The keys and rules this wave added: API access, cluster principals, node mode, observability,
 * log retention, zones, the local endpoint, the ingress controller and extended support. Each test
 * is a behaviour a user relies on; exact messages where the message is the behaviour.
 */
import * as assert from "node:assert/strict";
import { mapConfigSource, readConfig } from "../../config";
import { CLOUDWATCH_RETENTION_DAYS, ipv4CidrProblem } from "../../config/keys";
import { AWS, AZURE, GCP, LOCAL, problems, read } from "./fixtures";

const MANAGED = { aws: AWS, gcp: GCP, azure: AZURE };

describe("config: wave-2 keys", () => {
    describe("platform:apiAllowedCidrs", () => {
        it("applies the list on every cloud, and an unset key warns that the endpoint is open", () => {
            for (const base of Object.values(MANAGED)) {
                const c = read({ ...base, "platform:apiAllowedCidrs": '["203.0.113.0/24","198.51.100.7/32"]' });
                assert.deepEqual(c.cluster.apiAllowedCidrs, ["203.0.113.0/24", "198.51.100.7/32"]);
                assert.ok(!c.warnings.some((w) => w.startsWith("platform:apiAllowedCidrs")), "no warning once it is set");
                const open = read(base);
                assert.equal(open.cluster.apiAllowedCidrs, undefined);
                assert.equal(open.warnings.filter((w) => w.startsWith("platform:apiAllowedCidrs is unset")).length, 1, "warns once");
            }
            assert.deepEqual(read(LOCAL).warnings, [], "local has no API endpoint to open");
        });

        it("names each bad entry, refuses host bits with the network address, and refuses an empty list", () => {
            assert.deepEqual(problems({ ...AWS, "platform:apiAllowedCidrs": '["203.0.113.0/24","10.0.0.300/8","10.1.2.3/16"]' }), [
                'platform:apiAllowedCidrs: ["203.0.113.0/24","10.0.0.300/8","10.1.2.3/16"] is not valid: "10.0.0.300/8" is not an IPv4 CIDR such as 203.0.113.0/24; "10.1.2.3/16" has host bits set; expected its network address 10.1.0.0/16; expected a non-empty JSON list of IPv4 CIDRs',
            ]);
            assert.deepEqual(problems({ ...GCP, "platform:apiAllowedCidrs": "[]" }), ["platform:apiAllowedCidrs: [] is not valid; expected a non-empty JSON list of IPv4 CIDRs"]);
            assert.deepEqual(problems({ ...AZURE, "platform:apiAllowedCidrs": "203.0.113.0/24" }), [
                "platform:apiAllowedCidrs: 203.0.113.0/24 is not valid; expected a non-empty JSON list of IPv4 CIDRs",
            ]);
            assert.match(problems({ ...AWS, "platform:apiAllowedCidrs": '["203.0.113.0/24","203.0.113.0/24"]' })[0], /names an entry twice/);
        });

        it("takes every prefix length from /0 to /32 (its own validator, not the VPC one)", () => {
            for (const ok of ["0.0.0.0/0", "10.0.0.0/8", "192.0.2.0/24", "192.0.2.1/32", "192.0.2.128/25"]) assert.equal(ipv4CidrProblem(ok), undefined, ok);
            for (const bad of ["192.0.2.0/33", "192.0.2.0", "256.0.0.0/8", "::/0", "192.0.2.1/31"]) assert.notEqual(ipv4CidrProblem(bad), undefined, bad);
        });
    });

    describe("platform:clusterAdmins and platform:clusterReaders", () => {
        it("take each cloud's principal format and refuse another cloud's, naming the entry", () => {
            const good = {
                aws: '["arn:aws:iam::123456789012:role/ops","arn:aws:iam::123456789012:user/ana"]',
                gcp: '["user:ana@example.com","group:ops@example.com","serviceAccount:ci@p-123.iam.gserviceaccount.com"]',
                azure: '["0b0c5a1e-7f3d-4a52-9a77-1c2d3e4f5a6b"]',
            };
            for (const [cloud, base] of Object.entries(MANAGED) as [keyof typeof good, Record<string, string>][]) {
                // A GKE group needs Google Groups for RBAC (platform:gkeSecurityGroup; tests/components/gcp).
                const groups: Record<string, string> = cloud === "gcp" ? { "platform:gkeSecurityGroup": "gke-security-groups@example.com" } : {};
                for (const key of ["clusterAdmins", "clusterReaders"] as const) {
                    assert.deepEqual(read({ ...base, ...groups, [`platform:${key}`]: good[cloud] }).cluster[key], JSON.parse(good[cloud]));
                }
            }
            assert.match(problems({ ...AWS, "platform:clusterAdmins": '["user:ana@example.com"]' })[0], /^platform:clusterAdmins: .*"user:ana@example.com" is not an IAM role or user ARN/);
            assert.match(problems({ ...GCP, "platform:clusterReaders": '["ana@example.com"]' })[0], /"ana@example.com" is not a Google member such as user:/);
            assert.match(problems({ ...AZURE, "platform:clusterAdmins": '["arn:aws:iam::123456789012:role/ops"]' })[0], /is not an Entra object id/);
            assert.deepEqual(read(AWS).cluster.clusterAdmins, []);
        });

        it("are refused on local, which has no cloud identities", () => {
            assert.deepEqual(problems({ ...LOCAL, "platform:clusterAdmins": '["user:ana@example.com"]' }), [
                "platform:clusterAdmins: applies only when platform:cloud is aws or gcp or azure (this stack is local); remove it with: pulumi config rm platform:clusterAdmins",
            ]);
        });
    });

    describe("platform:nodeMode", () => {
        it("auto refuses every node-pool key set with it, naming each", () => {
            assert.deepEqual(problems({ ...GCP, "platform:nodeMode": "auto", "platform:nodeSize": "e2-standard-4", "platform:maxNodes": "9" }), [
                "platform:nodeSize: applies only when platform:nodeMode is managed (this stack is auto: the cloud sizes its nodes); remove it with: pulumi config rm platform:nodeSize",
                "platform:maxNodes: applies only when platform:nodeMode is managed (this stack is auto: the cloud sizes its nodes); remove it with: pulumi config rm platform:maxNodes",
            ]);
            assert.equal(read({ ...GCP, "platform:nodeMode": "auto" }).cluster.nodeMode, "auto");
        });

        it("auto is offered on every cloud (EKS Auto Mode on aws) and refuses the node-pool keys there too", () => {
            for (const base of [AWS, GCP, AZURE]) assert.equal(read({ ...base, "platform:nodeMode": "auto" }).cluster.nodeMode, "auto");
            assert.deepEqual(problems({ ...AWS, "platform:nodeMode": "auto", "platform:minNodes": "3", "platform:nodeSize": "m7g.large" }), [
                "platform:nodeSize: applies only when platform:nodeMode is managed (this stack is auto: the cloud sizes its nodes); remove it with: pulumi config rm platform:nodeSize",
                "platform:minNodes: applies only when platform:nodeMode is managed (this stack is auto: the cloud sizes its nodes); remove it with: pulumi config rm platform:minNodes",
            ]);
        });

        it("auto on aws keeps the network keys, which still shape the VPC Auto Mode's nodes run in", () => {
            const c = read({ ...AWS, "platform:nodeMode": "auto", "platform:availabilityZones": "2", "platform:vpcCidr": "10.8.0.0/16" });
            assert.equal(c.cloud, "aws");
            if (c.cloud !== "aws") return;
            assert.deepEqual([c.aws.availabilityZones, c.aws.vpcCidr], [2, "10.8.0.0/16"]);
        });

        it("is a cloud-only key: auto on local is an error naming the key", () => {
            assert.deepEqual(problems({ ...LOCAL, "platform:nodeMode": "auto" }), [
                "platform:nodeMode: applies only when platform:cloud is aws or gcp or azure (this stack is local); remove it with: pulumi config rm platform:nodeMode",
            ]);
        });
    });

    describe("platform:observability and platform:logRetentionDays", () => {
        it("default to native and 30 days on the clouds, none on local", () => {
            for (const base of Object.values(MANAGED)) assert.equal(read(base).cluster.observability, "native");
            assert.equal(read({ ...AWS, "platform:observability": "none" }).cluster.observability, "none");
            assert.equal(read(LOCAL).cluster.observability, "none");
            assert.equal(read(AWS).cluster.logRetentionDays, 30);
        });

        it("takes CloudWatch's periods on aws (never 0) and Log Analytics' range on azure, listing what is allowed", () => {
            for (const days of CLOUDWATCH_RETENTION_DAYS) assert.equal(read({ ...AWS, "platform:logRetentionDays": String(days) }).cluster.logRetentionDays, days);
            for (const bad of ["0", "2", "3654", "thirty"]) {
                assert.deepEqual(problems({ ...AWS, "platform:logRetentionDays": bad }), [
                    `platform:logRetentionDays: "${bad}" is not allowed; expected one of: ${CLOUDWATCH_RETENTION_DAYS.join(", ")}`,
                ]);
            }
            assert.equal(read({ ...AZURE, "platform:logRetentionDays": "730" }).cluster.logRetentionDays, 730);
            assert.deepEqual(problems({ ...AZURE, "platform:logRetentionDays": "7" }), ["platform:logRetentionDays: 7 is out of range; expected an integer from 30 to 730"]);
            assert.match(problems({ ...GCP, "platform:logRetentionDays": "30" })[0], /applies only when platform:cloud is aws or azure/);
        });
    });

    describe("platform:zones (azure)", () => {
        it("defaults to three zones, accepts [] for a region without zones, and refuses names that are not zones", () => {
            assert.ok(read(AZURE).cloud === "azure");
            const c = read({ ...AZURE, "platform:zones": "[]" });
            assert.ok(c.cloud === "azure");
            assert.deepEqual(c.azure.zones, []);
            const two = read({ ...AZURE, "platform:zones": '["1","2"]' });
            assert.ok(two.cloud === "azure");
            assert.deepEqual(two.azure.zones, ["1", "2"]);
            assert.match(problems({ ...AZURE, "platform:zones": '["westeurope-1"]' })[0], /"westeurope-1" is not an availability zone number/);
        });
    });

    describe("platform:localEndpoint", () => {
        it("defaults to localhost and takes a host name or an IPv4 address", () => {
            const c = read({ ...LOCAL, "platform:localEndpoint": "192.168.49.2" });
            assert.ok(c.cloud === "local");
            assert.equal(c.local.endpoint, "192.168.49.2");
            assert.deepEqual(problems({ ...LOCAL, "platform:localEndpoint": "http://localhost:30080" }), [
                'platform:localEndpoint: "http://localhost:30080" is not valid; expected a host name or IPv4 address such as localhost or 192.168.49.2',
            ]);
        });
    });

    describe("platform:ingressController and the Kubernetes version", () => {
        it("defaults to nginx on 1.35 and the gateway with an explicit 1.36, and each default version is supported by its controller", () => {
            for (const base of Object.values(MANAGED)) {
                assert.deepEqual([read(base).ingress.controller, read(base).cluster.kubernetesVersion], ["nginx", "1.35"]);
                const gw = read({ ...base, "platform:ingressController": "gateway" });
                assert.deepEqual([gw.ingress.controller, gw.cluster.kubernetesVersion], ["gateway", "1.36"]);
                assert.equal(read({ ...base, "platform:ingressController": "both" }).cluster.kubernetesVersion, "1.35");
            }
            assert.equal(read(LOCAL).ingress.controller, "nginx");
        });

        it("refuses nginx (and both) past 1.35, naming both keys", () => {
            for (const controller of ["nginx", "both"]) {
                const [p] = problems({ ...AZURE, "platform:kubernetesVersion": "1.36", "platform:ingressController": controller });
                assert.match(p, /^platform:kubernetesVersion: "1\.36" .*platform:ingressController/);
            }
        });

        it("warns within 90 days of the end of standard support, with the next minor", () => {
            const c = readConfig(mapConfigSource(AWS), { today: new Date("2027-02-01T00:00:00Z") });
            const w = c.warnings.filter((x) => x.startsWith("platform:kubernetesVersion: "));
            assert.equal(w.length, 1);
            assert.match(w[0], /2027-03-27/);
            assert.match(w[0], /1\.36/);
            assert.deepEqual(read(AWS).warnings.filter((x) => x.startsWith("platform:kubernetesVersion")), [], "no warning far from the date");
        });

        it("uses the cloud's own switch for extended support: extendedSupport on aws/azure, releaseChannel EXTENDED on gcp", () => {
            assert.match(problems({ ...AZURE, "platform:kubernetesVersion": "1.34" })[0], /platform:extendedSupport true/);
            assert.equal(read({ ...AZURE, "platform:kubernetesVersion": "1.34", "platform:extendedSupport": "true" }).cluster.extendedSupport, true);
            assert.match(problems({ ...GCP, "platform:kubernetesVersion": "1.34" })[0], /platform:releaseChannel EXTENDED/);
            assert.match(problems({ ...GCP, "platform:extendedSupport": "true" })[0], /^platform:extendedSupport: applies only when platform:cloud is aws or azure/);
        });
    });

    describe("premium volumes", () => {
        it("refuses io2 volumes below 4Gi on aws (the driver does not round up)", () => {
            assert.deepEqual(problems({ ...AWS, "platform:storageTier": "premium", "platform:redisStorageSize": "3Gi" }), [
                'platform:redisStorageSize: "3Gi" is below the 4Gi minimum of an io2 volume (platform:storageTier premium on aws); expected 4Gi or more',
            ]);
            assert.equal(read({ ...AWS, "platform:storageTier": "premium", "platform:redisStorageSize": "4096Mi" }).workloads.redisStorageSize, "4096Mi");
        });
    });
});
