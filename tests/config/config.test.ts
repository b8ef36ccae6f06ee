import * as assert from "node:assert/strict";
import { ConfigError, mapConfigSource, readConfig } from "../../config";
import { AWS, AZURE, GCP, LOCAL, problems, read } from "./fixtures";

describe("config", () => {
    describe("platform:cloud", () => {
        it("is required, and the message says how to set it", () => {
            assert.deepEqual(problems({}), [
                "platform:cloud: is required; expected one of: aws, gcp, azure, local. Set it with: pulumi config set platform:cloud <value>",
            ]);
        });

        it("rejects an unknown cloud, naming the value and the allowed ones", () => {
            assert.deepEqual(problems({ "platform:cloud": "digitalocean" }), [
                'platform:cloud: "digitalocean" is not allowed; expected one of: aws, gcp, azure, local',
            ]);
        });

        it("is case-sensitive, like every enum key", () => {
            assert.deepEqual(problems({ "platform:cloud": "AWS" }), ['platform:cloud: "AWS" is not allowed; expected one of: aws, gcp, azure, local']);
        });

        it("throws a Pulumi RunError whose message lists the problems", () => {
            assert.throws(() => read({ "platform:cloud": "x" }), (e: Error) => {
                assert.equal(e.name, "ConfigError");
                assert.equal(e.message, 'Invalid stack configuration:\n  - platform:cloud: "x" is not allowed; expected one of: aws, gcp, azure, local');
                return true;
            });
        });
    });

    describe("location keys", () => {
        it("aws needs aws:region", () => {
            assert.deepEqual(problems({ "platform:cloud": "aws" }), [
                "aws:region: is required for platform:cloud aws. Set it with: pulumi config set aws:region <value>",
            ]);
        });

        it("gcp needs gcp:project and gcp:region, both reported at once", () => {
            assert.deepEqual(problems({ "platform:cloud": "gcp" }), [
                "gcp:project: is required for platform:cloud gcp. Set it with: pulumi config set gcp:project <value>",
                "gcp:region: is required for platform:cloud gcp (the cluster is regional). Set it with: pulumi config set gcp:region <value>",
            ]);
        });

        it("azure needs azure-native:location", () => {
            assert.deepEqual(problems({ "platform:cloud": "azure" }), [
                "azure-native:location: is required for platform:cloud azure. Set it with: pulumi config set azure-native:location <value>",
            ]);
        });

        it("local needs none", () => {
            assert.equal(read(LOCAL).cloud, "local");
        });
    });

    describe("defaults", () => {
        it("gives every cloud a working cluster with no optional keys set", () => {
            const aws = read(AWS);
            assert.deepEqual(aws.cluster, {
                kubernetesVersion: "1.35",
                extendedSupport: false,
                nodeMode: "managed",
                nodeSize: "m6i.large",
                minNodes: 2,
                maxNodes: 5,
                apiAllowedCidrs: undefined,
                clusterAdmins: [],
                clusterReaders: [],
                observability: "native",
                // Not applied on EKS (it has no maintenance window); the field holds its default.
                maintenanceWindow: { days: ["SA", "SU"], start: "01:00", hours: 6 },
                secretsKmsKey: undefined,
                logRetentionDays: 30,
            });
            assert.ok(aws.cloud === "aws");
            assert.deepEqual(aws.aws, {
                region: "eu-west-1",
                availabilityZones: 3,
                vpcCidr: "10.0.0.0/16",
                existingVpc: undefined,
                natGateways: "single",
                staticIngressAddresses: true,
                clusterName: undefined,
                forceUpgrade: false,
                efsBackups: true,
                registryKeepImages: 30,
            });

            const gcp = read(GCP);
            assert.equal(gcp.cluster.nodeSize, "e2-standard-4");
            assert.ok(gcp.cloud === "gcp");
            assert.deepEqual(gcp.gcp, { project: "p-123", region: "europe-west1", releaseChannel: "REGULAR", deletionProtection: true, securityGroup: undefined });

            const azure = read(AZURE);
            assert.equal(azure.cluster.nodeSize, "Standard_D4s_v5");
            assert.ok(azure.cloud === "azure");
            assert.deepEqual(azure.azure, { location: "westeurope", upgradeChannel: "patch", nodeOsUpgradeChannel: "NodeImage", zones: ["1", "2", "3"], imageCleaner: true, azurePolicy: false, defenderForContainers: false, dataResourceGroup: undefined });

            const local = read(LOCAL);
            assert.ok(local.cloud === "local");
            assert.deepEqual(local.local, {
                kubeContext: "kind-kind",
                kubeconfigPath: undefined,
                storageProvisioner: "rancher.io/local-path",
                sharedProvisioner: undefined,
                endpoint: "localhost",
                backupStore: undefined,
            });
            assert.equal(local.cluster.observability, "none");
        });

        it("defaults the platform services and workloads safely", () => {
            const c = read(AWS);
            assert.deepEqual(c.ingress, { controller: "nginx", replicas: 2 });
            assert.deepEqual(c.storage, { tier: "ssd" });
            assert.deepEqual(c.tls, { domain: undefined, acmeEmail: undefined, acmeServer: "production" });
            assert.deepEqual(c.workloads, {
                appReplicas: 2,
                appMaxReplicas: 10,
                postgresVersion: "18.6-trixie@sha256:86c951e05bf56c93d95d397747fb8820ac76cc3bedb78f43abd83eedbe3666ae",
                postgresStorageSize: "20Gi",
                redisStorageSize: "5Gi",
                protectData: true,
                postgresClients: [],
                postgresBackupSchedule: "0 3 * * *",
                postgresBackupKeep: 7,
                postgresBackupStorageSize: undefined,
                postgresBackupRetentionDays: 30,
                postgresBackupObjectLock: false,
                appImage: undefined,
                postgresPassword: undefined,
                redisPassword: undefined,
            });
            assert.deepEqual(c.chartSources, {});
            assert.equal(c.preflight, "on");
        });

        it("keeps the default Kubernetes version inside ingress-nginx 1.15's range", () => {
            assert.equal(read(AWS).cluster.kubernetesVersion, "1.35");
        });

        it("reads every optional key when set", () => {
            const c = read({
                ...GCP,
                "platform:kubernetesVersion": "1.35",
                "platform:nodeSize": "n2-standard-8",
                "platform:minNodes": "3",
                "platform:maxNodes": "9",
                "platform:releaseChannel": "STABLE",
                "platform:deletionProtection": "false",
                "platform:storageTier": "premium",
                "platform:domain": "app.example.com",
                "platform:acmeEmail": "ops@example.com",
                "platform:acmeServer": "staging",
                "platform:ingressReplicas": "3",
                "platform:appReplicas": "4",
                "platform:appMaxReplicas": "12",
                "platform:postgresVersion": "17.6",
                "platform:postgresStorageSize": "100Gi",
                "platform:redisStorageSize": "12Gi",
                "platform:protectData": "false",
                "platform:postgresClients": '["billing","reports"]',
                "platform:postgresBackupSchedule": "30  1 * * 1-5",
                "platform:postgresBackupKeep": "30",
            });
            assert.ok(c.cloud === "gcp");
            assert.deepEqual(
                [c.cluster.kubernetesVersion, c.cluster.nodeSize, c.cluster.minNodes, c.cluster.maxNodes, c.cluster.extendedSupport],
                ["1.35", "n2-standard-8", 3, 9, false],
            );
            assert.equal(c.gcp.releaseChannel, "STABLE");
            assert.equal(c.gcp.deletionProtection, false);
            assert.equal(c.storage.tier, "premium");
            assert.deepEqual(c.tls, { domain: "app.example.com", acmeEmail: "ops@example.com", acmeServer: "staging" });
            assert.equal(c.ingress.replicas, 3);
            assert.deepEqual(c.workloads, {
                appReplicas: 4,
                appMaxReplicas: 12,
                postgresVersion: "17.6",
                postgresStorageSize: "100Gi",
                redisStorageSize: "12Gi",
                protectData: false,
                postgresClients: ["billing", "reports"],
                postgresBackupSchedule: "30 1 * * 1-5",
                postgresBackupKeep: 30,
                postgresBackupStorageSize: undefined,
                postgresBackupRetentionDays: 30,
                postgresBackupObjectLock: false,
                appImage: undefined,
                postgresPassword: undefined,
                redisPassword: undefined,
            });
        });
    });

    describe("cluster settings", () => {
        it("refuses ingress-nginx on Kubernetes 1.36+, naming both keys, and picks the gateway when the controller is not set", () => {
            const [problem] = problems({ ...AWS, "platform:kubernetesVersion": "1.36", "platform:ingressController": "nginx" });
            assert.match(problem, /^platform:kubernetesVersion: "1\.36" .*platform:ingressController/);
            const c = read({ ...AWS, "platform:kubernetesVersion": "1.36" });
            assert.deepEqual([c.cluster.kubernetesVersion, c.ingress.controller], ["1.36", "gateway"]);
        });

        it("refuses minors the cloud no longer creates, with the minors allowed today (the calendar's own tests cover the dates)", () => {
            const [problem] = problems({ ...AWS, "platform:kubernetesVersion": "1.29" });
            assert.match(problem, /^platform:kubernetesVersion: "1\.29" is no longer created by EKS; expected one of 1\.34, 1\.35/);
            assert.match(problem, /If the cluster already exists/);
        });

        it("refuses an extended-support-only minor unless platform:extendedSupport is true", () => {
            assert.match(problems({ ...AWS, "platform:kubernetesVersion": "1.33" })[0], /platform:extendedSupport/);
            const c = read({ ...AWS, "platform:kubernetesVersion": "1.33", "platform:extendedSupport": "true" });
            assert.deepEqual([c.cluster.kubernetesVersion, c.cluster.extendedSupport], ["1.33", true]);
            assert.ok(c.warnings.some((w) => w.startsWith("platform:kubernetesVersion: ")), "extended support is said out loud");
        });

        it("judges support by the clock it is given, and never moves the default with it", () => {
            // Years later the same release still defaults to the same minor, so a running stack never
            // sees an upgrade it did not ask for; the clock only turns it into a refusal that says why.
            assert.throws(
                () => readConfig(mapConfigSource(AWS), { today: new Date("2030-01-01") }),
                (e: unknown) => e instanceof ConfigError && /^platform:kubernetesVersion: "1\.35" /.test(e.problems[0]),
            );
            assert.equal(readConfig(mapConfigSource(AWS), { today: new Date("2026-12-01") }).cluster.kubernetesVersion, "1.35");
        });

        it("rejects a malformed version", () => {
            for (const bad of ["1.35.2", "v1.35", "latest", "1"]) {
                assert.deepEqual(problems({ ...AWS, "platform:kubernetesVersion": bad }), [
                    `platform:kubernetesVersion: "${bad}" is not valid; expected MAJOR.MINOR such as 1.35`,
                ]);
            }
        });

        it("accepts every minor in standard support on each cloud", () => {
            for (const v of ["1.34", "1.35"]) assert.equal(read({ ...AWS, "platform:kubernetesVersion": v }).cluster.kubernetesVersion, v);
            assert.equal(read({ ...GCP, "platform:kubernetesVersion": "1.35" }).cluster.kubernetesVersion, "1.35");
            // GKE's extended minors come with the EXTENDED release channel, not a separate key.
            const extended = read({ ...GCP, "platform:kubernetesVersion": "1.34", "platform:releaseChannel": "EXTENDED" });
            assert.deepEqual([extended.cluster.kubernetesVersion, extended.cluster.extendedSupport], ["1.34", true]);
            assert.equal(read({ ...AZURE, "platform:kubernetesVersion": "1.35" }).cluster.kubernetesVersion, "1.35");
        });

        it("rejects node counts out of range or not whole", () => {
            assert.deepEqual(problems({ ...AWS, "platform:minNodes": "0" }), ["platform:minNodes: 0 is out of range; expected an integer from 1 to 100"]);
            assert.deepEqual(problems({ ...AWS, "platform:maxNodes": "101" }), ["platform:maxNodes: 101 is out of range; expected an integer from 1 to 100"]);
            assert.deepEqual(problems({ ...AWS, "platform:minNodes": "2.5" }), [
                'platform:minNodes: "2.5" is not a whole number; expected an integer from 1 to 100',
            ]);
            assert.deepEqual(problems({ ...AWS, "platform:minNodes": "two" }), [
                'platform:minNodes: "two" is not a whole number; expected an integer from 1 to 100',
            ]);
        });

        it("rejects maxNodes below minNodes", () => {
            assert.deepEqual(problems({ ...AWS, "platform:minNodes": "4", "platform:maxNodes": "3" }), [
                "platform:maxNodes: 3 is less than platform:minNodes (4); expected maxNodes >= minNodes",
            ]);
        });

        it("raises the maxNodes default to minNodes when only minNodes is set", () => {
            assert.equal(read({ ...AWS, "platform:minNodes": "8" }).cluster.maxNodes, 8);
        });

        it("rejects a node size shaped for another cloud", () => {
            assert.deepEqual(problems({ ...AWS, "platform:nodeSize": "Standard_D4s_v5" }), [
                'platform:nodeSize: "Standard_D4s_v5" is not valid; expected an EC2 instance type such as m6i.large',
            ]);
            assert.deepEqual(problems({ ...AZURE, "platform:nodeSize": "m6i.large" }), [
                'platform:nodeSize: "m6i.large" is not valid; expected an Azure VM size such as Standard_D4s_v5',
            ]);
        });

        it("rejects a1 instances, which @pulumi/eks gives an x86_64 AMI", () => {
            assert.deepEqual(problems({ ...AWS, "platform:nodeSize": "a1.large" }), [
                'platform:nodeSize: "a1.large" is a first-generation Graviton type, for which @pulumi/eks selects an x86_64 AMI, so its nodes would never join; expected a Graviton 2+ type such as m7g.large, or an x86 type such as m6i.large',
            ]);
            assert.equal(read({ ...AWS, "platform:nodeSize": "m7g.large" }).cluster.nodeSize, "m7g.large");
        });

        it("rejects a node OS channel that AKS's node-image channel overrides", () => {
            assert.deepEqual(problems({ ...AZURE, "platform:upgradeChannel": "node-image", "platform:nodeOsUpgradeChannel": "SecurityPatch" }), [
                'platform:nodeOsUpgradeChannel: "SecurityPatch" cannot be combined with platform:upgradeChannel node-image, which upgrades node images itself; expected NodeImage, or another platform:upgradeChannel',
            ]);
        });

        it("rejects GKE premium volumes below the regional pd-ssd minimum", () => {
            assert.deepEqual(problems({ ...GCP, "platform:storageTier": "premium" }), [
                'platform:redisStorageSize: "5Gi" is below the 10Gi minimum of a regional pd-ssd disk (platform:storageTier premium on gcp); expected 10Gi or more',
            ]);
            assert.equal(read({ ...GCP, "platform:storageTier": "premium", "platform:redisStorageSize": "10Gi" }).storage.tier, "premium");
            assert.equal(read({ ...AWS, "platform:storageTier": "premium" }).workloads.redisStorageSize, "5Gi");
        });

        it("counts storage sizes in binary units (Mi, Gi, Ti are powers of 1024) at the regional pd-ssd minimum", () => {
            const premium = { ...GCP, "platform:storageTier": "premium", "platform:redisStorageSize": "10Gi" };
            const refusal = (key: string, size: string) =>
                `platform:${key}: "${size}" is below the 10Gi minimum of a regional pd-ssd disk (platform:storageTier premium on gcp); expected 10Gi or more`;
            for (const key of ["postgresStorageSize", "redisStorageSize"]) {
                for (const size of ["10000Mi", "10239Mi", "9Gi", "1Mi"]) {
                    assert.deepEqual(problems({ ...premium, [`platform:${key}`]: size }), [refusal(key, size)], `${key} ${size}`);
                }
                for (const size of ["10240Mi", "10Gi", "1Ti"]) {
                    assert.equal(read({ ...premium, [`platform:${key}`]: size }).workloads[key as "postgresStorageSize" | "redisStorageSize"], size, `${key} ${size}`);
                }
            }
        });

        it("rejects GKE machine families that cannot attach pd-ssd, and accepts those that can", () => {
            for (const bad of ["c4-standard-4", "c4a-standard-4", "c4d-standard-4", "n4-standard-4", "m4-megamem-28", "h4d-highmem-192", "c3-standard-192-metal"]) {
                assert.deepEqual(problems({ ...GCP, "platform:nodeSize": bad }), [
                    `platform:nodeSize: "${bad}" takes only Hyperdisk volumes, so the platform's pd-ssd classes could not attach to it; expected a family that takes Persistent Disk, such as e2, n2, n2d, t2d, c3 or t2a (Arm)`,
                ]);
            }
            for (const good of ["c3-standard-4", "c3d-standard-8", "t2a-standard-4", "n2d-standard-4"]) assert.equal(read({ ...GCP, "platform:nodeSize": good }).cluster.nodeSize, good);
        });

        it("rejects an unknown release channel and upgrade channels", () => {
            assert.deepEqual(problems({ ...GCP, "platform:releaseChannel": "regular" }), [
                'platform:releaseChannel: "regular" is not allowed; expected one of: RAPID, REGULAR, STABLE, EXTENDED',
            ]);
            assert.deepEqual(problems({ ...AZURE, "platform:upgradeChannel": "fast", "platform:nodeOsUpgradeChannel": "Weekly" }), [
                'platform:upgradeChannel: "fast" is not allowed; expected one of: rapid, stable, patch, node-image, none',
                'platform:nodeOsUpgradeChannel: "Weekly" is not allowed; expected one of: NodeImage, SecurityPatch, Unmanaged, None',
            ]);
        });

        it("rejects a non-boolean deletionProtection", () => {
            assert.deepEqual(problems({ ...GCP, "platform:deletionProtection": "yes" }), [
                'platform:deletionProtection: "yes" is not a boolean; expected true or false',
            ]);
        });
    });

    describe("keys set for another cloud", () => {
        it("are errors, not silently ignored", () => {
            assert.deepEqual(problems({ ...AWS, "platform:releaseChannel": "STABLE" }), [
                "platform:releaseChannel: applies only when platform:cloud is gcp (this stack is aws); remove it with: pulumi config rm platform:releaseChannel",
            ]);
            assert.deepEqual(problems({ ...LOCAL, "platform:minNodes": "3" }), [
                "platform:minNodes: applies only when platform:cloud is aws or gcp or azure (this stack is local); remove it with: pulumi config rm platform:minNodes",
            ]);
        });
    });

    describe("aws network", () => {
        it("uses an existing VPC when all three keys are set", () => {
            const c = read({
                ...AWS,
                "platform:vpcId": "vpc-0abc1234",
                "platform:publicSubnetIds": '["subnet-0aaa1111","subnet-0bbb2222"]',
                "platform:privateSubnetIds": '["subnet-0ccc3333","subnet-0ddd4444"]',
            });
            assert.ok(c.cloud === "aws");
            assert.deepEqual(c.aws.existingVpc, {
                vpcId: "vpc-0abc1234",
                publicSubnetIds: ["subnet-0aaa1111", "subnet-0bbb2222"],
                privateSubnetIds: ["subnet-0ccc3333", "subnet-0ddd4444"],
            });
        });

        it("rejects a partial existing network", () => {
            assert.deepEqual(problems({ ...AWS, "platform:vpcId": "vpc-0abc1234" }), [
                "platform:publicSubnetIds: is required with platform:vpcId: an existing network needs all of platform:vpcId, platform:publicSubnetIds and platform:privateSubnetIds. Set it with: pulumi config set --path 'platform:publicSubnetIds[0]' <value>, or remove the others",
                "platform:privateSubnetIds: is required with platform:vpcId: an existing network needs all of platform:vpcId, platform:publicSubnetIds and platform:privateSubnetIds. Set it with: pulumi config set --path 'platform:privateSubnetIds[0]' <value>, or remove the others",
            ]);
        });

        it("rejects every partial existing network, naming the keys it needs", () => {
            const network = {
                vpcId: "vpc-0abc1234",
                publicSubnetIds: '["subnet-0aaa1111","subnet-0bbb2222"]',
                privateSubnetIds: '["subnet-0ccc3333","subnet-0ddd4444"]',
            };
            const keys = Object.keys(network) as (keyof typeof network)[];
            for (const missing of keys) {
                const given = keys.filter((k) => k !== missing);
                const values = Object.fromEntries(given.map((k) => [`platform:${k}`, network[k]]));
                const found = problems({ ...AWS, ...values });
                assert.deepEqual(
                    found,
                    [
                        `platform:${missing}: is required with ${given.map((k) => `platform:${k}`).join(" and ")}: an existing network needs all of platform:vpcId, platform:publicSubnetIds and platform:privateSubnetIds. Set it with: pulumi config set --path 'platform:${missing}${missing === "vpcId" ? "" : "[0]"}' <value>, or remove the others`,
                    ],
                    `without ${missing}`,
                );
                assert.ok(found[0].includes(`platform:${missing}`), `the problem names platform:${missing}`);
            }
            for (const only of keys) {
                const found = problems({ ...AWS, [`platform:${only}`]: network[only] });
                assert.deepEqual(
                    found.map((p) => p.split(":")[1]),
                    keys.filter((k) => k !== only),
                    `with only ${only}, each missing key is named`,
                );
                for (const p of found) assert.match(p, new RegExp(`is required with platform:${only}: an existing network needs all of`));
            }
        });

        it("sizes node groups by the private subnets given with an existing VPC, not by availabilityZones", () => {
            const subnets = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => `subnet-0c${String(i).padStart(6, "0")}`));
            const existing = (n: number) => ({ ...AWS, "platform:vpcId": "vpc-0abc1234", "platform:publicSubnetIds": subnets(2), "platform:privateSubnetIds": subnets(n) });
            // 2 subnets: 2 zones, so maxNodes 2 fits (a new VPC's 3 default zones would refuse it).
            assert.equal(read({ ...existing(2), "platform:minNodes": "1", "platform:maxNodes": "2" }).cluster.maxNodes, 2);
            assert.deepEqual(problems({ ...existing(4), "platform:maxNodes": "3" }), [
                "platform:maxNodes: 3 is less than the 4 availability zones; the nodes run in one group per zone and each needs room for a node; expected maxNodes >= 4",
            ]);
            // availabilityZones describes a new VPC: it does not count here.
            assert.equal(read({ ...existing(2), "platform:minNodes": "1", "platform:maxNodes": "2", "platform:availabilityZones": "6" }).cluster.maxNodes, 2);
            // The default maxNodes (5) adapts to 6 zones' worth of subnets.
            assert.equal(read({ ...existing(6) }).cluster.maxNodes, 6);
            assert.equal(read({ ...existing(2) }).cluster.maxNodes, 5);
        });

        it("rejects malformed subnet lists and a single private subnet", () => {
            assert.deepEqual(problems({ ...AWS, "platform:vpcId": "vpc-0abc1234", "platform:publicSubnetIds": "subnet-0aaa1111", "platform:privateSubnetIds": '["subnet-0ccc3333"]' }), [
                "platform:publicSubnetIds: subnet-0aaa1111 is not valid; expected a non-empty JSON list of subnet ids",
                "platform:privateSubnetIds: EKS needs subnets in at least 2 availability zones; expected 2 or more private subnet ids",
            ]);
        });

        it("rejects a maxNodes below the zone count (one node group per zone)", () => {
            assert.deepEqual(problems({ ...AWS, "platform:minNodes": "1", "platform:maxNodes": "2" }), [
                "platform:maxNodes: 2 is less than the 3 availability zones; the nodes run in one group per zone and each needs room for a node; expected maxNodes >= 3",
            ]);
            assert.equal(read({ ...AWS, "platform:minNodes": "1", "platform:maxNodes": "2", "platform:availabilityZones": "2" }).cluster.maxNodes, 2);
            // The default adapts instead: 6 zones get a default maxNodes of 6, not 5.
            assert.equal(read({ ...AWS, "platform:availabilityZones": "6" }).cluster.maxNodes, 6);
        });

        it("rejects a VPC too small for its zones", () => {
            assert.deepEqual(problems({ ...AWS, "platform:vpcCidr": "10.0.0.0/24", "platform:availabilityZones": "6" }), [
                'platform:vpcCidr: "10.0.0.0/24" is too small for 6 availability zones (public subnets would be /29; AWS allows /28 at most); expected a larger block such as 10.0.0.0/16',
            ]);
            assert.equal(read({ ...AWS, "platform:vpcCidr": "10.0.0.0/24", "platform:availabilityZones": "2" }).cloud, "aws");
        });

        it("validates the VPC CIDR and zone count", () => {
            assert.deepEqual(problems({ ...AWS, "platform:vpcCidr": "10.0.0.0/8", "platform:availabilityZones": "1" }), [
                "platform:availabilityZones: 1 is out of range; expected an integer from 2 to 6",
                'platform:vpcCidr: "10.0.0.0/8" is not valid; expected an IPv4 CIDR from /16 to /24 such as 10.0.0.0/16',
            ]);
        });
    });

    describe("platform services", () => {
        it("rejects an unknown storage tier", () => {
            assert.deepEqual(problems({ ...AWS, "platform:storageTier": "gold" }), [
                'platform:storageTier: "gold" is not allowed; expected one of: ssd, premium',
            ]);
        });

        it("rejects a malformed domain or email", () => {
            assert.deepEqual(problems({ ...AWS, "platform:domain": "https://app.example.com", "platform:acmeEmail": "ops-at-example.com" }), [
                'platform:domain: "https://app.example.com" is not valid; expected a lower-case DNS name such as app.example.com',
                'platform:acmeEmail: "ops-at-example.com" is not valid; expected an email address such as ops@example.com',
            ]);
        });

        it("rejects an ACME email without a domain", () => {
            assert.deepEqual(problems({ ...AWS, "platform:acmeEmail": "ops@example.com" }), [
                "platform:acmeEmail: is set but platform:domain is not; Let's Encrypt needs a public domain. Set it with: pulumi config set platform:domain <name>",
            ]);
        });

        it("keeps at least two ingress controller replicas", () => {
            assert.deepEqual(problems({ ...AWS, "platform:ingressReplicas": "1" }), [
                "platform:ingressReplicas: 1 is out of range; expected an integer from 2 to 20",
            ]);
        });
    });

    describe("workloads", () => {
        it("rejects replicas < 1 and a max below the min", () => {
            assert.deepEqual(problems({ ...AWS, "platform:appReplicas": "0" }), ["platform:appReplicas: 0 is out of range; expected an integer from 1 to 100"]);
            assert.deepEqual(problems({ ...AWS, "platform:appReplicas": "5", "platform:appMaxReplicas": "3" }), [
                "platform:appMaxReplicas: 3 is less than platform:appReplicas (5); expected appMaxReplicas >= appReplicas",
            ]);
        });

        it("rejects a malformed volume size", () => {
            for (const bad of ["20GB", "20", "0Gi", "1.5Gi", "-1Gi"]) {
                assert.deepEqual(problems({ ...AWS, "platform:postgresStorageSize": bad }), [
                    `platform:postgresStorageSize: "${bad}" is not valid; expected a size in Mi, Gi or Ti such as 20Gi`,
                ]);
            }
            assert.deepEqual(problems({ ...AWS, "platform:redisStorageSize": "5G" }), [
                'platform:redisStorageSize: "5G" is not valid; expected a size in Mi, Gi or Ti such as 5Gi',
            ]);
        });

        it("rejects an unknown postgres image tag format, and accepts a tag pinned by a well-formed digest", () => {
            const digest = `sha256:${"0a".repeat(32)}`;
            for (const bad of [
                "latest",
                "18.1.2",
                "13",
                "postgres:18",
                "18-ubuntu",
                "16.10-alpine",
                "18.1-alpine3.22",
                `@${digest}`,
                "18.6-trixie@sha256:0a0a",
                `18.6-trixie@${digest.toUpperCase()}`,
                `18.6-alpine@${digest}`,
            ]) {
                assert.deepEqual(problems({ ...AWS, "platform:postgresVersion": bad }), [
                    `platform:postgresVersion: "${bad}" is not valid; expected a Debian-based postgres image tag from 14 up, optionally pinned by digest, such as 18.6-trixie@sha256:<64 hex digits> or 17.7-bookworm (Alpine tags run as another uid)`,
                ]);
            }
            for (const good of ["18", "18.1", "17.6-bookworm", "16.10", "18.1-trixie", `18.6-trixie@${digest}`, `17.7@${digest}`]) {
                assert.equal(read({ ...AWS, "platform:postgresVersion": good }).workloads.postgresVersion, good);
            }
        });

        it("turns the Postgres backup off with none, and rejects a bad schedule naming the field", () => {
            assert.equal(read({ ...AWS, "platform:postgresBackupSchedule": "none" }).workloads.postgresBackupSchedule, "none");
            assert.deepEqual(problems({ ...AWS, "platform:postgresBackupSchedule": "0 24 * * *" }), [
                'platform:postgresBackupSchedule: "0 24 * * *" is not a valid schedule: hour 24 is out of range 0-23; expected five fields "minute hour day-of-month month day-of-week" in UTC, such as "0 3 * * *" (daily at 03:00), or none to turn the backup off',
            ]);
            assert.deepEqual(problems({ ...AWS, "platform:postgresBackupSchedule": "daily" }), [
                'platform:postgresBackupSchedule: "daily" is not a valid schedule: it has 1 field; expected five fields "minute hour day-of-month month day-of-week" in UTC, such as "0 3 * * *" (daily at 03:00), or none to turn the backup off',
            ]);
        });

        it("keeps 1 to 365 backup sets", () => {
            assert.equal(read({ ...AWS, "platform:postgresBackupKeep": "1" }).workloads.postgresBackupKeep, 1);
            assert.equal(read({ ...AWS, "platform:postgresBackupKeep": "365" }).workloads.postgresBackupKeep, 365);
            assert.deepEqual(problems({ ...AWS, "platform:postgresBackupKeep": "0" }), ["platform:postgresBackupKeep: 0 is out of range; expected an integer from 1 to 365"]);
            assert.deepEqual(problems({ ...AWS, "platform:postgresBackupKeep": "366" }), ["platform:postgresBackupKeep: 366 is out of range; expected an integer from 1 to 365"]);
            assert.deepEqual(problems({ ...AWS, "platform:postgresBackupKeep": "7d" }), [
                'platform:postgresBackupKeep: "7d" is not a whole number; expected an integer from 1 to 365',
            ]);
        });

        it("rejects malformed postgres client names", () => {
            assert.deepEqual(problems({ ...AWS, "platform:postgresClients": '["Billing App"]' }), [
                'platform:postgresClients: ["Billing App"] is not valid; expected a non-empty JSON list of app names (the app.kubernetes.io/name label of the client pods)',
            ]);
        });
    });

    describe("unknown keys", () => {
        it("are errors that suggest the key that was meant", () => {
            assert.deepEqual(problems({ ...AWS, "platform:minNode": "3" }), [
                'platform:minNode: is not a setting of this program; did you mean platform:minNodes? See docs/configuration.md for every key.',
            ]);
            assert.deepEqual(problems({ ...AWS, "platform:colour": "blue" }), [
                'platform:colour: is not a setting of this program. See docs/configuration.md for every key.',
            ]);
        });

        it("leave other namespaces alone (providers own their keys)", () => {
            assert.equal(read({ ...AWS, "aws:profile": "prod", "kubernetes:context": "x" }).cloud, "aws");
        });
    });

    describe("edges users hit", () => {
        it("trims values and treats blank ones as unset", () => {
            assert.equal(read({ "platform:cloud": " local " }).cloud, "local");
            const blank = read({ ...LOCAL, "platform:kubeContext": "   " });
            assert.ok(blank.cloud === "local");
            assert.equal(blank.local.kubeContext, "kind-kind");
            assert.equal(read({ ...AWS, "platform:appReplicas": " 3 " }).workloads.appReplicas, 3);
        });

        it("reads booleans spelt true and false", () => {
            assert.equal(read({ ...AWS, "platform:protectData": "true" }).workloads.protectData, true);
            assert.equal(read({ ...AWS, "platform:protectData": "false" }).workloads.protectData, false);
            assert.deepEqual(problems({ ...AWS, "platform:protectData": "True" }), ['platform:protectData: "True" is not a boolean; expected true or false']);
        });

        it("refuses empty, non-string and partly bad JSON lists", () => {
            const bad = (v: string) => [`platform:postgresClients: ${v} is not valid; expected a non-empty JSON list of app names (the app.kubernetes.io/name label of the client pods)`];
            for (const v of ["[]", "[1]", '["billing","Bad"]', '"billing"', "[billing]", '{"a":"b"}']) assert.deepEqual(problems({ ...AWS, "platform:postgresClients": v }), bad(v), v);
            for (const v of ["billing-", "-billing", "a".repeat(64)]) assert.deepEqual(problems({ ...AWS, "platform:postgresClients": JSON.stringify([v]) }), bad(JSON.stringify([v])), v);
            for (const v of ["a", "a".repeat(63), "billing-2"]) assert.deepEqual(read({ ...AWS, "platform:postgresClients": JSON.stringify([v]) }).workloads.postgresClients, [v]);
        });

        it("refuses VPC and subnet ids with anything around them", () => {
            const net = { "platform:publicSubnetIds": '["subnet-0aaa1111"]', "platform:privateSubnetIds": '["subnet-0ccc3333","subnet-0ddd4444"]' };
            for (const id of ["xvpc-0abc1234", "vpc-0abc1234 x", "vpc-0abc12345678901234"]) {
                assert.deepEqual(problems({ ...AWS, ...net, "platform:vpcId": id }), [`platform:vpcId: "${id}" is not valid; expected a VPC id such as vpc-0abc1234`], id);
            }
            for (const id of ["xsubnet-0aaa1111", "subnet-0aaa1111x"]) {
                const list = JSON.stringify([id, "subnet-0bbb2222"]);
                assert.deepEqual(problems({ ...AWS, ...net, "platform:vpcId": "vpc-0abc1234", "platform:privateSubnetIds": list }), [
                    `platform:privateSubnetIds: ${list} is not valid; expected a non-empty JSON list of subnet ids`,
                ]);
                assert.deepEqual(problems({ ...AWS, ...net, "platform:vpcId": "vpc-0abc1234", "platform:publicSubnetIds": list }), [
                    `platform:publicSubnetIds: ${list} is not valid; expected a non-empty JSON list of subnet ids`,
                ]);
            }
        });

        it("takes VPC CIDRs /16 to /24 with octets up to 255, down to /28 public subnets", () => {
            const bad = (c: string) => [`platform:vpcCidr: "${c}" is not valid; expected an IPv4 CIDR from /16 to /24 such as 10.0.0.0/16`];
            for (const c of ["10.0.0.256/16", "256.0.0.0/16", "10.0.0.0/15", "10.0.0.0/25", "10.0.0/16"]) assert.deepEqual(problems({ ...AWS, "platform:vpcCidr": c }), bad(c), c);
            for (const c of ["10.255.0.0/16", "10.0.0.0/24"]) assert.equal(read({ ...AWS, "platform:vpcCidr": c, "platform:availabilityZones": "2" }).cloud, "aws", c);
            // /24 over 4 zones: public subnets of /28, the smallest AWS allows.
            assert.equal(read({ ...AWS, "platform:vpcCidr": "10.0.0.0/24", "platform:availabilityZones": "4" }).cloud, "aws");
        });

        it("accepts equal bounds: appMaxReplicas = appReplicas", () => {
            assert.equal(read({ ...AWS, "platform:appReplicas": "4", "platform:appMaxReplicas": "4" }).workloads.appMaxReplicas, 4);
            assert.equal(read({ ...AWS, "platform:minNodes": "4", "platform:maxNodes": "4" }).cluster.maxNodes, 4);
        });

        it("checks the ACME email against the domain only when the domain is missing, not when it is malformed", () => {
            assert.deepEqual(problems({ ...AWS, "platform:acmeEmail": "ops@example.com", "platform:domain": "App.Example.com" }), [
                'platform:domain: "App.Example.com" is not valid; expected a lower-case DNS name such as app.example.com',
            ]);
        });

        it("lets AKS combine the node-image channel with NodeImage, and other channels with any node OS channel", () => {
            assert.equal(read({ ...AZURE, "platform:upgradeChannel": "node-image", "platform:nodeOsUpgradeChannel": "NodeImage" }).cloud, "azure");
            const c = read({ ...AZURE, "platform:upgradeChannel": "patch", "platform:nodeOsUpgradeChannel": "SecurityPatch" });
            assert.ok(c.cloud === "azure");
            assert.deepEqual(c.azure, { location: "westeurope", upgradeChannel: "patch", nodeOsUpgradeChannel: "SecurityPatch", zones: ["1", "2", "3"], imageCleaner: true, azurePolicy: false, defenderForContainers: false, dataResourceGroup: undefined });
        });

        it("takes the storage provisioners of kind, minikube and Docker Desktop, and refuses malformed names", () => {
            for (const v of ["rancher.io/local-path", "k8s.io/minikube-hostpath", "docker.io/hostpath", "hostpath", "a/b"]) {
                const c = read({ ...LOCAL, "platform:localStorageProvisioner": v });
                assert.ok(c.cloud === "local");
                assert.equal(c.local.storageProvisioner, v);
            }
            for (const v of ["Rancher.io/local-path", "rancher.io/", "/local-path", "rancher.io/local-path/x", "-x/y", "x-/y", "x/-y", "a/b-", "x y/z"]) {
                assert.deepEqual(problems({ ...LOCAL, "platform:localStorageProvisioner": v }), [
                    `platform:localStorageProvisioner: "${v}" is not valid; expected a provisioner name such as rancher.io/local-path (kind), k8s.io/minikube-hostpath (minikube) or docker.io/hostpath (Docker Desktop)`,
                ], v);
            }
        });

        it("takes local context names and a kubeconfig path as given", () => {
            const c = read({ ...LOCAL, "platform:kubeContext": "arn:aws:eks:eu-west-1:123456789012:cluster/dev", "platform:kubeconfigPath": "/home/me/.kube/dev" });
            assert.ok(c.cloud === "local");
            assert.deepEqual(c.local, {
                kubeContext: "arn:aws:eks:eu-west-1:123456789012:cluster/dev",
                kubeconfigPath: "/home/me/.kube/dev",
                storageProvisioner: "rancher.io/local-path",
                sharedProvisioner: undefined,
                endpoint: "localhost",
                backupStore: undefined,
            });
            assert.deepEqual(problems({ ...LOCAL, "platform:kubeContext": "my context" }), [
                'platform:kubeContext: "my context" is not valid; expected a kubeconfig context name such as kind-kind, minikube or docker-desktop',
            ]);
        });
    });

    it("reports every problem of a config at once", () => {
        assert.equal(problems({ ...AWS, "platform:minNodes": "0", "platform:storageTier": "gold", "platform:appReplicas": "0" }).length, 3);
    });
});
