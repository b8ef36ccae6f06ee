/**
 * Whole stacks, one per target, evaluated under mocks exactly as `pulumi up` would run them: the
 * properties every cloud shares (explicit provider, one load balancer, schema-valid objects, the
 * stack outputs) checked in one place.
 */
import * as assert from "node:assert/strict";
import type { PlatformOutputs } from "../../components/cluster/contract";
import type { Cloud } from "../../config";
import { EXAMPLE_STACK_OF, runStack } from "../../scripts/plan-lib";
import { STATEFUL_DATA_LABEL } from "../../components/platform/workload-security";
import { CREDENTIALS_DIGEST_ANNOTATION } from "../../components/workloads/stateful-data";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { eksClusterName } from "../../components/aws/cluster";
import { mapConfigSource, readConfig } from "../../config";
import { parseStackConfig, stackFile } from "../../scripts/plan-lib";
import { deployStack } from "../../stacks";
import { installCloudMocks, MOCK_LB_INGRESS } from "../harness/cloud-mocks";
import { isSecret, mockCall, type ResourceSet, runProgram, valueOf } from "../harness/mocks";
import { policyViolations, schemaFailures } from "../harness/stack-checks";

function evaluate(cloud: Cloud, extra: Record<string, string> = {}): Promise<{ outputs: PlatformOutputs; resources: ResourceSet }> {
    return runStack(EXAMPLE_STACK_OF[cloud], extra);
}

const KUBERNETES_PROVIDER = "pulumi:providers:kubernetes";

/** A pod template's annotations other than the credentials digest (which every workload with a password carries). */
function podAnnotations(r: { inputs: Record<string, unknown> }): Record<string, string> {
    const all = (r.inputs.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata.annotations ?? {};
    const { [CREDENTIALS_DIGEST_ANNOTATION]: _digest, ...others } = all;
    void _digest;
    return others;
}


for (const cloud of ["local", "aws", "gcp", "azure"] as const) {
    describe(`stack: ${cloud}`, () => {
        let outputs: PlatformOutputs;
        let resources: ResourceSet;
        before(async () => {
            ({ outputs, resources } = await evaluate(cloud));
        });

        it("creates exactly one Kubernetes provider, and every Kubernetes object uses it", () => {
            const providers = resources.ofType(KUBERNETES_PROVIDER);
            assert.equal(providers.length, 1, providers.map((p) => p.name).join(", "));
            const ref = `${providers[0].urn}::${providers[0].name}-id`;
            const objects = resources.all.filter((r) => r.type.startsWith("kubernetes:") && r.custom && r.type !== KUBERNETES_PROVIDER);
            assert.ok(objects.length > 20, `expected the whole platform, found ${objects.length} Kubernetes objects`);
            const strays = objects.filter((r) => r.provider !== ref).map((r) => `${r.type} ${r.name} -> ${r.provider || "default provider"}`);
            assert.deepEqual(strays, []);
        });

        it("has no Service of type LoadBalancer of its own: the ingress controller's (inside the chart) is the only one", () => {
            const lbs = resources.ofType("kubernetes:core/v1:Service").filter((s) => !s.read && (s.inputs.spec as { type?: string } | undefined)?.type === "LoadBalancer");
            assert.deepEqual(lbs.map((s) => s.name), []);
            const releases = resources.ofType("kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart);
            assert.deepEqual(releases.filter((c) => c === "ingress-nginx"), ["ingress-nginx"]);
        });

        it("gives every Kubernetes object a valid shape (Kubernetes OpenAPI schema)", () => {
            assert.deepEqual(schemaFailures(resources), []);
        });

        it("satisfies every rule of the policy pack the preview job enforces", async () => {
            assert.deepEqual(await policyViolations(resources), []);
        });

        it("marks Postgres as stateful data, so the pack holds it to the Retain class", () => {
            const pg = resources.ofType("kubernetes:apps/v1:StatefulSet").filter((s) => (s.inputs.metadata as { labels?: Record<string, string> }).labels?.[STATEFUL_DATA_LABEL] === "true");
            assert.deepEqual(pg.map((s) => s.name), ["postgres"]);
        });

        it("tells the node autoscaler what it may move: the app's scratch volumes, never Redis or Postgres; no unsatisfiable PDB", () => {
            const template = (type: string, name: string) => podAnnotations(resources.one(type, name));
            assert.deepEqual(template("kubernetes:apps/v1:Deployment", "visit-counter"), { "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes": "tmp" });
            for (const name of ["redis", "postgres"]) {
                assert.deepEqual(template("kubernetes:apps/v1:StatefulSet", name), { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" }, name);
            }
            const pdbTargets = resources
                .ofType("kubernetes:policy/v1:PodDisruptionBudget")
                .map((p) => (p.inputs.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels?.["app.kubernetes.io/name"]);
            assert.deepEqual(pdbTargets.filter((n) => n === "redis" || n === "postgres"), []);
        });

        it("keeps every Kubernetes object under a component (parent set)", () => {
            const orphans = resources.kubernetesObjects().filter((r) => !r.parent);
            assert.deepEqual(orphans.map((r) => `${r.type} ${r.name}`), []);
        });

        it("exports cloud, ingressEndpoint, ingressAddress, appUrl, storageClasses and appImage", async () => {
            assert.equal(outputs.cloud, cloud);
            const lb = MOCK_LB_INGRESS[cloud];
            const endpoint = lb.hostname ?? lb.ip ?? "localhost:30080";
            assert.equal(await valueOf(outputs.ingressEndpoint), endpoint);
            assert.equal(await valueOf(outputs.appUrl), `http://${endpoint}/`);
            // A target without a shared class says so rather than leaving the key out.
            const shared = cloud === "local" ? "none" : "platform-shared";
            assert.deepEqual(await valueOf(outputs.storageClasses), { general: "platform-standard", retain: "platform-retain", shared });
            // aws: the Elastic IPs the stack owns (the NLB itself reports only a hostname); elsewhere the LB's IPs.
            const owned = ["198.51.100.11", "198.51.100.12", "198.51.100.13"];
            assert.deepEqual(await valueOf(outputs.ingressAddress), cloud === "local" ? ["127.0.0.1"] : cloud === "aws" ? owned : lb.ip ? [lb.ip] : []);
            assert.match(await valueOf(outputs.appImage), /:[0-9a-f]{12,}$/, "tagged by content");
        });

        it(cloud === "local" ? "loads the app image into the kind cluster's nodes and pushes nothing" : "pushes the app image to the cloud's registry, with no delivery step of its own", () => {
            const image = resources.one("docker:index/image:Image");
            const loads = resources.ofType("command:local:Command");
            if (cloud === "local") {
                assert.equal(image.inputs.skipPush, true);
                assert.deepEqual(loads.map((c) => c.inputs.create), [`kind load docker-image ${String(image.inputs.imageName)} --name kind`]);
            } else {
                assert.ok((image.inputs.registry as { server?: string } | undefined)?.server, "pushed to the registry it logs in to");
                assert.notEqual(image.inputs.skipPush, true);
                assert.deepEqual(loads.map((c) => c.name), []);
            }
        });

        if (cloud === "local") {
            it("exports no kubeconfig (the user already has it: the output says `none`) and creates no cloud resources", async () => {
                assert.equal(await valueOf(outputs.kubeconfig), "none");
                const cloudTypes = resources.all.filter((r) => /^(aws|awsx|eks|gcp|azure-native):/.test(r.type));
                assert.deepEqual(cloudTypes.map((r) => r.type), []);
            });
        } else {
            it("exports the kubeconfig as a secret", async () => {
                assert.ok(outputs.kubeconfig, "kubeconfig output");
                assert.equal(await isSecret(outputs.kubeconfig), true);
                assert.match(await valueOf(outputs.kubeconfig), /apiVersion|"clusters"/);
            });
        }

        it("serves the app over TLS on the configured domain", async () => {
            const { outputs: withDomain, resources: r } = await evaluate(cloud, { "platform:domain": "app.example.com", "platform:acmeEmail": "ops@example.com" });
            assert.equal(await valueOf(withDomain.appUrl), "https://app.example.com/");
            const ingress = r.one("kubernetes:networking.k8s.io/v1:Ingress");
            const spec = ingress.inputs.spec as { tls?: { hosts: string[] }[]; rules: { host?: string }[] };
            assert.deepEqual(spec.tls?.[0].hosts, ["app.example.com"]);
            assert.equal(spec.rules[0].host, "app.example.com");
            // Under default-deny the HTTP-01 challenge only gets through with this policy.
            assert.equal(r.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((p) => p.name === "visit-counter-allow-acme-solver").length, 1);
        });
    });
}

describe("stack: aws-auto (EKS Auto Mode, Pulumi.aws-auto.yaml)", () => {
    let resources: ResourceSet;
    let outputs: PlatformOutputs;
    before(async () => {
        ({ outputs, resources } = await runStack("aws-auto"));
    });

    it("satisfies the policy pack and the Kubernetes schema, every object on the one provider", async () => {
        assert.deepEqual(await policyViolations(resources), []);
        assert.deepEqual(schemaFailures(resources), []);
        const providers = resources.ofType(KUBERNETES_PROVIDER);
        assert.equal(providers.length, 1);
        const ref = `${providers[0].urn}::${providers[0].name}-id`;
        const objects = resources.all.filter((r) => r.type.startsWith("kubernetes:") && r.custom && r.type !== KUBERNETES_PROVIDER);
        assert.deepEqual(objects.filter((r) => r.provider !== ref).map((r) => `${r.type} ${r.name}`), []);
    });

    it("tells Karpenter never to move Redis or Postgres to consolidate, and annotates nothing else", () => {
        const template = (type: string, name: string) => podAnnotations(resources.one(type, name));
        for (const name of ["redis", "postgres"]) assert.deepEqual(template("kubernetes:apps/v1:StatefulSet", name), { "karpenter.sh/do-not-disrupt": "true" }, name);
        assert.deepEqual(template("kubernetes:apps/v1:Deployment", "visit-counter"), {});
    });

    it("makes the platform's block classes and snapshots on Auto Mode's EBS provisioner", () => {
        const classes = resources.ofType("kubernetes:storage.k8s.io/v1:StorageClass").map((c) => [(c.inputs.metadata as { name: string }).name, c.inputs.provisioner]);
        assert.deepEqual(Object.fromEntries(classes), {
            "platform-standard": "ebs.csi.eks.amazonaws.com",
            "platform-retain": "ebs.csi.eks.amazonaws.com",
            "platform-shared": "efs.csi.aws.com",
        });
        assert.equal(resources.one("kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotClass").inputs.driver, "ebs.csi.eks.amazonaws.com");
    });

    it("gives ingress-nginx's Service Auto Mode's NLB class with the stack's Elastic IPs, and exports them", async () => {
        const release = resources.ofType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "ingress-nginx");
        const service = (release?.inputs.values as { controller: { service: { loadBalancerClass?: string; annotations: Record<string, string> } } }).controller.service;
        assert.equal(service.loadBalancerClass, "eks.amazonaws.com/nlb");
        assert.equal(service.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internet-facing");
        assert.equal(service.annotations["service.beta.kubernetes.io/aws-load-balancer-eip-allocations"], "eipalloc-0ingress0001,eipalloc-0ingress0002,eipalloc-0ingress0003");
        assert.deepEqual(await valueOf(outputs.ingressAddress), ["198.51.100.11", "198.51.100.12", "198.51.100.13"]);
    });

    it("is refused before anything is registered when the stack's cluster already runs managed node groups", async () => {
        const values = { ...parseStackConfig(fs.readFileSync(stackFile("aws-auto"), "utf8")).values };
        const config = readConfig(mapConfigSource(values));
        assert.equal(config.cloud, "aws");
        if (config.cloud !== "aws") return;
        installCloudMocks("aws");
        const name = eksClusterName(pulumi.getProject(), pulumi.getStack());
        mockCall("aws:eks/getClusters:getClusters", () => ({ names: [name] }));
        mockCall("aws:eks/getCluster:getCluster", () => ({ name, computeConfigs: [{ enabled: false }] }));
        // The Secrets-key check reads the cluster through Cloud Control: no key, nothing to refuse there.
        mockCall("aws:cloudcontrol/getResource:getResource", () => ({ properties: JSON.stringify({ Name: name }) }));
        const { resources: registered } = await runProgram(() =>
            assert.rejects(deployStack(config), new RegExp(`platform:nodeMode: "auto" cannot be applied to the running EKS cluster ${name}, which runs managed node groups`)),
        );
        assert.deepEqual(registered.all.map((r) => r.type), []);
    });

    it("keeps DNS working under default-deny: port 53 to the node's own resolver, wherever it answers", () => {
        const dns = resources.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "apps-allow-dns");
        assert.deepEqual((dns.inputs.spec as { egress: unknown[] }).egress, [{ ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }]);
    });

    it("runs no Cluster Autoscaler and no node group", () => {
        assert.equal(resources.ofType("platform:aws:ClusterAutoscaler").length, 0);
        assert.equal(resources.ofType("eks:index:ManagedNodeGroup").length, 0);
    });
});

describe("the target's preflight (components/<cloud>/target.ts `preflight`)", () => {
    /** A `kubectl` on PATH that reports server `version`, like a kind cluster made without the pinned node image. */
    function withKubectl(version: string): () => void {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-kubectl-"));
        const [major, minor] = version.split(".");
        fs.writeFileSync(path.join(dir, "kubectl"), `#!/bin/sh\necho '${JSON.stringify({ serverVersion: { major, minor, gitVersion: `v${version}.0` } })}'\n`, { mode: 0o755 });
        const before = process.env.PATH;
        process.env.PATH = `${dir}${path.delimiter}${before ?? ""}`;
        return () => {
            process.env.PATH = before;
            fs.rmSync(dir, { recursive: true, force: true });
        };
    }

    it("runs before anything is registered: a local cluster on a Kubernetes no entry point supports stops the stack", async () => {
        const restore = withKubectl("1.36");
        try {
            const config = readConfig(mapConfigSource({ "platform:cloud": "local", "platform:kubeContext": "kind-kind", "platform:ingressController": "nginx" }));
            installCloudMocks("local");
            const { resources } = await runProgram(() => assert.rejects(deployStack(config), /the local cluster \(context kind-kind\) runs Kubernetes v1\.36\.0, outside the range ingress-nginx supports/));
            assert.deepEqual(resources.all.map((r) => r.type), []);
        } finally {
            restore();
        }
    });

    it("stops a stack whose account cannot hold it before anything is registered, every problem in one error; `warn` lets it through", async () => {
        const values = { ...parseStackConfig(fs.readFileSync(stackFile("aws"), "utf8")).values };
        pulumi.runtime.setAllConfig(values);
        const fresh = (): void => {
            installCloudMocks("aws");
            // An account with 3 Elastic IPs (a fresh one has 5) and 5 standard vCPUs.
            mockCall("aws:servicequotas/getServiceQuota:getServiceQuota", (a) => ({ value: a.inputs.quotaCode === "L-0263D0A3" ? 3 : 5 }));
        };
        fresh();
        const { resources } = await runProgram(() =>
            assert.rejects(deployStack(readConfig(mapConfigSource(values))), (e: Error) => {
                assert.ok(e instanceof pulumi.RunError);
                assert.match(e.message, /\[aws-elastic-ips\] the Elastic IP quota in eu-west-1 is 3; the stack allocates 4/);
                assert.match(e.message, /\[aws-vcpu-quota\] the running On-Demand Standard instances quota in eu-west-1 is 5 vCPUs; maxNodes 6 × 2 vCPUs of m6i.large needs 12/);
                return true;
            }),
        );
        assert.deepEqual(resources.all.map((r) => r.type), []);
        fresh();
        const warned = await runProgram(() => deployStack(readConfig(mapConfigSource({ ...values, "platform:preflight": "warn" }))));
        assert.ok(warned.resources.all.length > 30);
    });

    it("leaves the checks that reach the cluster out of the offline plan, which asks no real cluster", async () => {
        const restore = withKubectl("1.36");
        try {
            const { resources } = await runStack("dev", { "platform:ingressController": "nginx" });
            assert.ok(resources.all.length > 30);
        } finally {
            restore();
        }
    });
});
