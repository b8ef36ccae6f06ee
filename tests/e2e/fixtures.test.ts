/**
 * The e2e fixtures' decisions, without a cluster (part of `npm test`): what the fake provisioner
 * does with a claim or a released volume, what the status writer reports, what the harness
 * generates. The e2e itself (`npm run test:e2e`) then runs them against a real API server.
 */
import * as assert from "node:assert/strict";
import { DECOY_CONTEXT, E2E_CONTEXT, E2E_NODES, fakeNodeObject, kubeconfigDocument } from "./harness/cluster";
import { engineEnv } from "./harness/engine";
import type { KubeObject } from "./harness/kube-client";
import { leafExtensions } from "./harness/pki";
import { isClusterNoise, leftBehind } from "./harness/inventory";
import { CLAIM_PATCH_TYPE, skipClaimPatchAwait } from "./harness/provider-skew";
import { controlPlane, parseToolchain, type Toolchain } from "./harness/toolchain";
import { provisionDecision, quantityBytes, reclaimDecision, resizeDecision, SELECTED_NODE, storageClassFacts, type StorageClassFacts } from "./fixtures/fake-provisioner";
import { ENTRY_POINT_ADDRESS, gatewayStatus, httpRouteStatus, ingressStatus, listenerAdmits, sameRouteStatus, selectorMatches, upToDate } from "./fixtures/status-writer";
import { destructiveSteps, E2E_TEAM, expectedLeftovers, leftoverMismatch, plainTextOf, wantedReplicas } from "./platform-checks";
import { APP_PROJECT, appStackConfig, appStackDiff, stackFileConfig } from "./app-stack";
import { readAppStackConfig } from "../../examples/app-stack/app-stack";

const PROVISIONER = "rancher.io/local-path";

function claim(opts: { className?: string; node?: string; volumeName?: string; storage?: string } = {}): KubeObject {
    return {
        metadata: { name: "data-postgres-0", namespace: "apps", uid: "u-1", annotations: opts.node ? { [SELECTED_NODE]: opts.node } : {} },
        spec: {
            storageClassName: opts.className ?? "platform-retain",
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: opts.storage ?? "10Gi" } },
            ...(opts.volumeName ? { volumeName: opts.volumeName } : {}),
        },
    };
}

const classes = new Map<string, StorageClassFacts>([
    ["platform-retain", { provisioner: PROVISIONER, reclaimPolicy: "Retain", waitForFirstConsumer: true, allowVolumeExpansion: false }],
    ["platform-standard", { provisioner: PROVISIONER, reclaimPolicy: "Delete", waitForFirstConsumer: false, allowVolumeExpansion: true }],
    ["nfs", { provisioner: "nfs.csi.k8s.io", reclaimPolicy: "Delete", waitForFirstConsumer: false, allowVolumeExpansion: true }],
]);

describe("e2e fake local-path provisioner", () => {
    it("reads a StorageClass's policy, binding mode and expansion", () => {
        assert.deepEqual(storageClassFacts({ metadata: { name: "x" }, provisioner: PROVISIONER, reclaimPolicy: "Retain", volumeBindingMode: "WaitForFirstConsumer" }), {
            provisioner: PROVISIONER,
            reclaimPolicy: "Retain",
            waitForFirstConsumer: true,
            allowVolumeExpansion: false,
        });
        // Unset reclaimPolicy is Delete, as the API server defaults it.
        assert.equal(storageClassFacts({ metadata: { name: "x" }, provisioner: PROVISIONER }).reclaimPolicy, "Delete");
    });

    it("waits for the first consumer's node on a WaitForFirstConsumer class", () => {
        assert.deepEqual(provisionDecision(claim(), classes, PROVISIONER), { action: "none", reason: "waiting for first consumer" });
    });

    it("binds a volume with the class's reclaim policy, pinned to the scheduler's node", () => {
        const d = provisionDecision(claim({ node: "e2e-node-b" }), classes, PROVISIONER);
        assert.equal(d.action, "create");
        const spec = d.action === "create" ? (d.volume.spec as Record<string, unknown>) : {};
        assert.equal(spec.persistentVolumeReclaimPolicy, "Retain");
        assert.deepEqual(spec.capacity, { storage: "10Gi" });
        assert.deepEqual(spec.claimRef, { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: "apps", name: "data-postgres-0", uid: "u-1" });
        assert.match(JSON.stringify(spec.nodeAffinity), /"values":\["e2e-node-b"\]/);
    });

    it("provisions at once on an Immediate class, and leaves bound claims and other provisioners alone", () => {
        assert.equal(provisionDecision(claim({ className: "platform-standard" }), classes, PROVISIONER).action, "create");
        assert.equal(provisionDecision(claim({ className: "platform-standard", volumeName: "pvc-u-1" }), classes, PROVISIONER).action, "none");
        assert.equal(provisionDecision(claim({ className: "nfs" }), classes, PROVISIONER).action, "none");
        assert.equal(provisionDecision(claim({ className: "missing" }), classes, PROVISIONER).action, "none");
    });

    it("deletes a released Delete volume and keeps a released Retain one", () => {
        const pv = (policy: string, phase: string, by = PROVISIONER): KubeObject => ({
            metadata: { name: "pvc-u-1", annotations: { "pv.kubernetes.io/provisioned-by": by } },
            spec: { persistentVolumeReclaimPolicy: policy },
            status: { phase },
        });
        assert.equal(reclaimDecision(pv("Delete", "Released"), PROVISIONER), "delete");
        assert.equal(reclaimDecision(pv("Retain", "Released"), PROVISIONER), "keep");
        assert.equal(reclaimDecision(pv("Delete", "Bound"), PROVISIONER), "keep");
        assert.equal(reclaimDecision(pv("Delete", "Released", "other"), PROVISIONER), "keep");
    });

    it("grows a volume only when its class allows expansion and the claim asks for more", () => {
        const pv: KubeObject = { metadata: { name: "pvc-u-1" }, spec: { capacity: { storage: "10Gi" } } };
        assert.equal(resizeDecision(claim({ storage: "20Gi" }), pv, classes.get("platform-standard")), "20Gi");
        assert.equal(resizeDecision(claim({ storage: "20Gi" }), pv, classes.get("platform-retain")), undefined);
        assert.equal(resizeDecision(claim({ storage: "10240Mi" }), pv, classes.get("platform-standard")), undefined);
        assert.equal(quantityBytes("1Gi"), 2 ** 30);
        assert.equal(quantityBytes("1G"), undefined);
    });
});

describe("e2e status writer (stand-in for the controllers' statuses)", () => {
    const now = "2026-12-07T00:00:00Z";

    it("publishes the entry point's address on Ingresses of ingress-nginx's classes only", () => {
        const ing = (className: string): KubeObject => ({ metadata: { name: "app", namespace: "apps" }, spec: { ingressClassName: className } });
        assert.deepEqual(ingressStatus(ing("nginx"), new Set(["nginx"])), { loadBalancer: { ingress: [{ ip: ENTRY_POINT_ADDRESS }] } });
        assert.equal(ingressStatus(ing("traefik"), new Set(["nginx"])), undefined);
    });

    it("reports a Gateway Programmed at its generation, with every listener and its attached routes", () => {
        const gw: KubeObject = { metadata: { name: "platform", namespace: "envoy-gateway-system", generation: 3 }, spec: { listeners: [{ name: "http", protocol: "HTTP" }, { name: "https", protocol: "HTTPS" }] } };
        assert.equal(upToDate(gw, ["Programmed"]), false);
        const status = gatewayStatus(gw, new Map([["http", 2]]), now);
        const written: KubeObject = { ...gw, status };
        assert.equal(upToDate(written, ["Accepted", "Programmed"]), true);
        assert.equal(upToDate({ ...written, metadata: { ...gw.metadata, generation: 4 } }, ["Programmed"]), false, "a new generation is not programmed yet");
        assert.deepEqual(
            (status.listeners as { name: string; attachedRoutes: number }[]).map((l) => [l.name, l.attachedRoutes]),
            [
                ["http", 2],
                ["https", 0],
            ],
        );
    });

    it("accepts an HTTPRoute on the Gateways it owns only", () => {
        const route: KubeObject = {
            metadata: { name: "app", namespace: "apps", generation: 1 },
            spec: { parentRefs: [{ name: "platform", namespace: "envoy-gateway-system" }, { name: "other", namespace: "x" }] },
        };
        const gw: KubeObject = { metadata: { name: "platform", namespace: "envoy-gateway-system" }, spec: { listeners: [{ name: "http", allowedRoutes: { namespaces: { from: "All" } } }] } };
        const status = httpRouteStatus(route, (ref) => (ref.name === "platform" ? gw : undefined), { name: "apps", labels: {} }, now);
        assert.deepEqual(
            (status.parents as { parentRef: { name: string } }[]).map((p) => p.parentRef.name),
            ["platform"],
        );
    });

    it("takes routes only from the namespaces a listener admits (allowedRoutes), refusing the rest as a controller reports it", () => {
        const selector = { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In" as const, values: ["apps", "shop"] }] };
        const gw: KubeObject = {
            metadata: { name: "platform", namespace: "envoy-gateway-system", generation: 1 },
            spec: { listeners: [{ name: "http", allowedRoutes: { namespaces: { from: "Selector", selector } } }, { name: "admin" }] },
        };
        const ns = (name: string) => ({ name, labels: { "kubernetes.io/metadata.name": name } });
        const route = (namespace: string, sectionName?: string): KubeObject => ({
            metadata: { name: "hello", namespace, generation: 2 },
            spec: { parentRefs: [{ name: "platform", namespace: "envoy-gateway-system", ...(sectionName ? { sectionName } : {}) }] },
        });
        const verdict = (r: KubeObject, labels: { name: string; labels: Record<string, string> }) => {
            const parents = httpRouteStatus(r, () => gw, labels, now).parents as { conditions: { type: string; status: string; reason: string }[] }[];
            return parents.map((p) => p.conditions.filter((c) => c.type === "Accepted").map((c) => `${c.status} ${c.reason}`)).flat();
        };
        assert.deepEqual(verdict(route("shop", "http"), ns("shop")), ["True Accepted"]);
        assert.deepEqual(verdict(route("blog", "http"), ns("blog")), ["False NotAllowedByListeners"]);
        // `admin` has no allowedRoutes: Same, the Gateway's own namespace only.
        assert.deepEqual(verdict(route("shop", "admin"), ns("shop")), ["False NotAllowedByListeners"]);
        assert.deepEqual(verdict(route("envoy-gateway-system", "admin"), ns("envoy-gateway-system")), ["True Accepted"]);
        assert.deepEqual(verdict(route("shop"), ns("shop")), ["True Accepted"], "no sectionName: any listener may take it");
        assert.equal(listenerAdmits({ name: "x", allowedRoutes: { namespaces: { from: "All" } } }, "a", ns("b")), true);
        assert.equal(selectorMatches({ matchLabels: { team: "shop" }, matchExpressions: [{ key: "x", operator: "DoesNotExist" }] }, { team: "shop" }), true);
        assert.equal(selectorMatches({ matchExpressions: [{ key: "team", operator: "NotIn", values: ["shop"] }] }, { team: "shop" }), false);
        assert.equal(selectorMatches({ matchExpressions: [{ key: "team", operator: "Exists" }] }, {}), false);
    });

    it("rewrites a route's status only when its verdict changes, not for its timestamps or the server's key order", () => {
        const written = [{ parentRef: { name: "p", namespace: "n" }, conditions: [{ type: "Accepted", status: "True", lastTransitionTime: "t1" }] }];
        const served = [{ conditions: [{ lastTransitionTime: "t0", status: "True", type: "Accepted" }], parentRef: { namespace: "n", name: "p" } }];
        assert.equal(sameRouteStatus(served, written), true);
        assert.equal(sameRouteStatus(served, [{ ...written[0], conditions: [{ type: "Accepted", status: "False", lastTransitionTime: "t1" }] }]), false);
        assert.equal(sameRouteStatus(undefined, written), false);
    });
});

describe("e2e harness", () => {
    it("labels each fake node with a zone, and three zones in all", () => {
        const zones = E2E_NODES.map((n) => fakeNodeObject(n).metadata.labels?.["topology.kubernetes.io/zone"]);
        assert.equal(new Set(zones).size, 3);
        assert.ok(E2E_NODES.every((n) => fakeNodeObject(n).metadata.annotations?.["kwok.x-k8s.io/node"] === "fake"));
    });

    it("writes a kubeconfig whose deploy context is not kind's and whose current context leads nowhere", () => {
        const doc = kubeconfigDocument("https://127.0.0.1:6443", { caCert: "ca", adminCert: "c", adminKey: "k" }, DECOY_CONTEXT);
        assert.doesNotMatch(E2E_CONTEXT, /^kind-/);
        assert.equal(doc["current-context"], DECOY_CONTEXT);
        const contexts = doc.contexts as { name: string; context: { cluster: string } }[];
        assert.equal(contexts.find((c) => c.name === DECOY_CONTEXT)?.context.cluster, "nowhere");
    });

    it("gives the API server a certificate for 127.0.0.1 and the client one for client auth only", () => {
        assert.match(leafExtensions("server"), /subjectAltName = IP:127\.0\.0\.1/);
        assert.match(leafExtensions("client"), /extendedKeyUsage = clientAuth/);
        assert.doesNotMatch(leafExtensions("client"), /subjectAltName/);
    });

    it("reads the secrets passphrase from a file and never downloads a plugin", () => {
        const env = engineEnv({ pulumiHome: "/h", stateDir: "/s", passphraseFile: "/p", helmHome: "/helm", kubeconfig: "/k" });
        assert.equal(env.PULUMI_CONFIG_PASSPHRASE_FILE, "/p");
        assert.equal(env.PULUMI_CONFIG_PASSPHRASE, undefined);
        assert.equal(env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION, "true");
        assert.equal(env.PULUMI_BACKEND_URL, "file:///s");
    });

    it("reads the toolchain manifest and finds a control plane by minor", () => {
        const manifest: Toolchain = {
            pulumiRoot: "/c/pulumi-v3.276.0",
            pulumiVersion: "v3.276.0",
            pluginHome: "/c/plugins",
            providerVersion: "4.25.0",
            sdkProviderVersion: "4.34.2",
            kwok: "/c/kwok",
            kubectl: "/c/kubectl",
            kubes: [{ version: "v1.36.3", bin: "/c/kube-v1.36.3", etcd: "/c/etcd", etcdVersion: "v3.6.8" }],
        };
        const tc = parseToolchain(JSON.stringify(manifest), "toolchain.json");
        assert.equal(controlPlane(tc, "1.36").bin, "/c/kube-v1.36.3");
        assert.throws(() => controlPlane(tc, "1.3"), /no Kubernetes 1\.3 in the e2e toolchain/);
        assert.throws(() => parseToolchain(JSON.stringify({ ...manifest, kwok: undefined }), "toolchain.json"), /toolchain\.json: no "kwok"/);
    });
});

describe("e2e provider-skew workaround", () => {
    it("skips the await of claim patches only, keeping their other annotations", () => {
        const opts = {};
        const patched = skipClaimPatchAwait({ type: CLAIM_PATCH_TYPE, name: "postgres-data-size", props: { metadata: { name: "data-postgres-0", annotations: { "pulumi.com/patchForce": "true" } } }, opts, custom: true });
        assert.deepEqual(patched?.props.metadata, { name: "data-postgres-0", annotations: { "pulumi.com/patchForce": "true", "pulumi.com/skipAwait": "true" } });
        assert.equal(skipClaimPatchAwait({ type: "kubernetes:core/v1:PersistentVolumeClaim", name: "x", props: {}, opts, custom: true }), undefined);
    });
});

describe("e2e platform checks", () => {
    it("wants an autoscaled workload at its autoscaler's floor, and any other at its own count", () => {
        const deployment = (name: string, replicas?: number): KubeObject => ({ metadata: { name }, spec: replicas === undefined ? {} : { replicas } });
        const hpa = (kind: string, name: string, minReplicas: number): KubeObject => ({ metadata: { name }, spec: { scaleTargetRef: { kind, name }, minReplicas } });
        const hpas = [hpa("Deployment", "visit-counter", 2), hpa("StatefulSet", "cache", 3)];
        assert.equal(wantedReplicas("deployments", deployment("visit-counter"), hpas), 2, "a Deployment still at one is below its floor");
        assert.equal(wantedReplicas("deployments", deployment("visit-counter", 4), hpas), 4, "scaled above its floor");
        assert.equal(wantedReplicas("deployments", deployment("cache"), hpas), 1, "an HPA of another kind by that name");
        assert.equal(wantedReplicas("statefulsets", deployment("cache", 1), hpas), 3);
        assert.equal(wantedReplicas("statefulsets", deployment("postgres"), hpas), 1);
    });

    it("expects exactly the two Retain volumes, and with the gateway its CRDs too, nothing else", () => {
        const pvs = ["PersistentVolume pvc-1", "PersistentVolume pvc-2"];
        const crd = "apiextensions.k8s.io/CustomResourceDefinition gateways.gateway.networking.k8s.io";
        assert.equal(leftoverMismatch([...pvs, crd], expectedLeftovers("gateway")), undefined);
        assert.match(leftoverMismatch(pvs, expectedLeftovers("gateway")) ?? "", /CRDs: 0 left, expected at least one/);
        assert.match(leftoverMismatch([pvs[0]], expectedLeftovers("nginx")) ?? "", /volumes: 1 left, expected 2/);
        assert.match(leftoverMismatch([...pvs, "PersistentVolumeClaim apps/data-postgres-0"], expectedLeftovers("nginx")) ?? "", /not expected: PersistentVolumeClaim apps\/data-postgres-0/);
        assert.match(leftoverMismatch([...pvs, "apiextensions.k8s.io/CustomResourceDefinition certificates.cert-manager.io"], expectedLeftovers("gateway")) ?? "", /not expected: .*certificates\.cert-manager\.io/);
    });

    it("counts what the cluster makes by itself as noise, and objects of the stack as left behind", () => {
        const before = ["Namespace default"];
        const after = [...before, "Event apps/x.1", "coordination.k8s.io/Lease kube-node-lease/e2e-node-a", "ConfigMap apps/kube-root-ca.crt", "PersistentVolume pvc-1", "ConfigMap apps/settings"];
        assert.deepEqual(leftBehind(before, after), ["PersistentVolume pvc-1", "ConfigMap apps/settings"]);
        assert.equal(isClusterNoise("ServiceAccount apps/visit-counter"), false);
    });

    it("runs the example app stack's own stack file, on the e2e's platform stack and context, in the e2e team", () => {
        const config = appStackConfig("organization/platform/local-gateway", "/run/kubeconfig");
        const app = readAppStackConfig((k) => config[`${APP_PROJECT}:${k}`]?.value);
        assert.deepEqual([app.platformStack, app.kubeContext, app.kubeconfigPath, app.team], ["organization/platform/local-gateway", E2E_CONTEXT, "/run/kubeconfig", E2E_TEAM.name]);
        // Structured values reach the program as `pulumi.Config.get` returns them: JSON.
        assert.deepEqual(stackFileConfig("config:\n  a:env:\n    X: \"1\"\n  a:port: 8080\n"), { "a:env": { value: '{"X":"1"}' }, "a:port": { value: "8080" } });
        assert.throws(() => stackFileConfig("config:\n  a:p:\n    secure: v1:abc\n"), /a:p: a secure value/);
    });

    it("sees an app stack's objects come and go, not the platform's pods an HPA adds meanwhile", () => {
        const before = ["Namespace shop", "Pod apps/visit-counter-1"];
        const after = [...before, "Pod apps/visit-counter-2", "Pod shop/hello-1", "apps/Deployment shop/hello"];
        assert.deepEqual(appStackDiff(before, after, "shop"), ["left: Pod shop/hello-1", "left: apps/Deployment shop/hello"]);
        assert.deepEqual(appStackDiff(before, ["Pod apps/visit-counter-2"], "shop"), ["removed: Namespace shop"]);
    });

    it("calls deletes and replacements destructive, creates and updates not", () => {
        const steps = ["create", "update", "delete", "replace", "create-replacement", "delete-replaced"].map((op) => ({ op, type: "t", name: op }));
        assert.deepEqual(
            destructiveSteps(steps).map((s) => s.op),
            ["delete", "replace", "create-replacement", "delete-replaced"],
        );
    });

    it("looks for secrets in env values, commands and args of every container", () => {
        const pod: KubeObject = {
            metadata: { name: "p" },
            spec: { initContainers: [{ name: "i", args: ["--pw=s3"] }], containers: [{ name: "c", command: ["run"], env: [{ name: "A", value: "s1" }, { name: "B", valueFrom: {} }] }] },
        };
        assert.deepEqual(plainTextOf(pod), ["run", "s1", "", "--pw=s3"]);
    });
});
