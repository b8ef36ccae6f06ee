import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { App, appUrl, childAliases } from "../../../components/apps/app";
import { AppArgsError, maxReplicasOf, resolveAppArgs, validateAppArgs, type AppArgs } from "../../../components/apps/app-args";
import { needsDisruptionBudget } from "../../../components/apps/app-pod";
import { disruptionData } from "../../../components/apps/contract";
import { KARPENTER_DISRUPTION } from "../../../components/cluster/contract";
import { gatewayEntryPoint } from "../../../components/entry-points/envoy-gateway";
import { ingressNginxEntryPoint, CONTROLLER_POD_LABELS, INGRESS_NGINX_NAMESPACE } from "../../../components/entry-points/ingress-nginx";
import { routeThroughEntryPoint } from "../../../components/entry-points/routes";
import type { AppRoute } from "../../../components/entry-points/contract";
import { type ResourceSet, registeredSoFar, runProgram, valueOf } from "../../harness/mocks";
import { as, container as containerOf, deployment, HARDENED_CONTAINER_SECURITY } from "../../harness/objects";
import { validateKubernetesObject } from "../../harness/schema";
import { contract, GATEWAY, IMAGE, minimalArgs, NGINX, renderApp } from "./fixtures";

import out = k8s.types.output;

const container = (rs: ResourceSet) => containerOf(deployment(rs));
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const HTTPROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const policyNamed = (rs: ResourceSet, name: string) => as<out.networking.v1.NetworkPolicy>(rs.one(POLICY, name));

/** The problems an App's arguments are refused with ("" when accepted). */
function refusal(args: AppArgs, name = "orders"): string {
    try {
        validateAppArgs(name, resolveAppArgs(name, args));
        return "";
    } catch (e) {
        assert.ok(e instanceof AppArgsError, String(e));
        return e.message;
    }
}

describe("App: what every app gets", () => {
    it("defaults: 2 fixed replicas, a PDB, Service 80 → port, TCP readiness, a 64Mi /tmp, uid 10001, restricted security", async () => {
        const { resources, result } = await renderApp(minimalArgs());
        const d = deployment(resources);
        assert.equal(d.spec.replicas, 2);
        assert.equal(resources.ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").length, 0);
        const pdb = as<out.policy.v1.PodDisruptionBudget>(resources.one("kubernetes:policy/v1:PodDisruptionBudget"));
        assert.equal(pdb.spec.maxUnavailable, 1);
        const svc = as<out.core.v1.Service>(resources.one("kubernetes:core/v1:Service"));
        assert.deepEqual(svc.spec.ports, [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }]);
        assert.equal(svc.spec.type, "ClusterIP");
        const c = container(resources);
        assert.equal(c.image, IMAGE);
        assert.deepEqual(c.readinessProbe.tcpSocket, { port: "http" });
        assert.equal(c.livenessProbe, undefined, "no liveness probe unless the app says what is alive");
        assert.deepEqual(c.lifecycle?.preStop, { exec: { command: ["sleep", "5"] } });
        assert.deepEqual(c.securityContext, HARDENED_CONTAINER_SECURITY);
        assert.deepEqual(c.volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
        assert.deepEqual(c.resources.requests, { cpu: "50m", memory: "64Mi", "ephemeral-storage": "128Mi" });
        const pod = d.spec.template;
        assert.equal(pod.spec.securityContext.runAsUser, 10001);
        assert.equal(pod.spec.securityContext.runAsNonRoot, true);
        assert.equal(pod.spec.automountServiceAccountToken, false);
        assert.deepEqual(pod.spec.topologySpreadConstraints.map((t) => t.topologyKey), ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
        assert.deepEqual(pod.metadata.annotations, { "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes": "tmp" });
        // No route asked: nothing routed, nothing admitted, no URL.
        assert.equal(resources.ofType("kubernetes:networking.k8s.io/v1:Ingress").length + resources.ofType(HTTPROUTE).length, 0);
        assert.equal(resources.ofType(POLICY).length, 0);
        assert.equal(await valueOf(result.url), "none");
    });

    it("takes the disruption annotations from the contract's node data (none under Karpenter)", async () => {
        const { resources } = await renderApp(minimalArgs({ platform: contract({ nodes: { disruption: disruptionData(KARPENTER_DISRUPTION) } }) }));
        assert.deepEqual(deployment(resources).spec.template.metadata.annotations, {});
    });

    it("with autoscaling: an HPA from replicas to maxReplicas, no fixed count, a PDB even from one replica", async () => {
        const { resources } = await renderApp(minimalArgs({ replicas: 1, autoscaling: { maxReplicas: 4 } }));
        const hpa = as<out.autoscaling.v2.HorizontalPodAutoscaler>(resources.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"));
        assert.equal(hpa.spec.minReplicas, 1);
        assert.equal(hpa.spec.maxReplicas, 4);
        assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 70);
        assert.equal(deployment(resources).spec.replicas, undefined);
        assert.equal(resources.ofType("kubernetes:policy/v1:PodDisruptionBudget").length, 1);
    });

    it("has no PDB with a single replica that never scales (a budget would only block drains)", async () => {
        assert.equal(needsDisruptionBudget({ replicas: 1 }), false);
        assert.equal(needsDisruptionBudget({ replicas: 1, autoscaling: { maxReplicas: 2 } }), true);
        assert.equal(maxReplicasOf({}), 2);
        const { resources } = await renderApp(minimalArgs({ replicas: 1 }));
        assert.equal(resources.ofType("kubernetes:policy/v1:PodDisruptionBudget").length, 0);
    });

    it("mounts Secrets as files (mode 0440, read-only) and, as the fallback, reads env from a Secret key", async () => {
        const { resources } = await renderApp(
            minimalArgs({
                secretFiles: [{ secretName: "stripe", mountPath: "/run/secrets/stripe", keys: ["api-key"] }],
                secretEnv: [{ name: "LEGACY_TOKEN", secretName: "legacy", key: "token" }],
                env: { LOG_LEVEL: "info" },
            }),
        );
        const pod = deployment(resources).spec.template.spec;
        assert.deepEqual(pod.volumes.find((v) => v.name === "secret-0"), { name: "secret-0", secret: { secretName: "stripe", defaultMode: 0o440, items: [{ key: "api-key", path: "api-key" }] } });
        assert.deepEqual(container(resources).volumeMounts.find((m) => m.name === "secret-0"), { name: "secret-0", mountPath: "/run/secrets/stripe", readOnly: true });
        assert.deepEqual(container(resources).env, [
            { name: "LOG_LEVEL", value: "info" },
            { name: "LEGACY_TOKEN", valueFrom: { secretKeyRef: { name: "legacy", key: "token" } } },
        ]);
    });
});

describe("App: refusals, before any resource exists", () => {
    it("refuses an app without CPU or memory requests", () => {
        const noRequests = { ...minimalArgs(), resources: { requests: { cpu: "", memory: "64Mi" } } } as AppArgs;
        assert.match(refusal(noRequests), /resources\.requests\.cpu is required/);
        const missing = { ...minimalArgs(), resources: {} } as unknown as AppArgs;
        assert.match(refusal(missing), /requests\.cpu is required.*requests\.memory is required/);
    });

    it("refuses a ReadWriteOnce volume with more than one replica, or with autoscaling, and says what works", () => {
        const volumes = [{ name: "data", mountPath: "/data", role: "general" as const, size: "1Gi" }];
        assert.match(refusal(minimalArgs({ volumes })), /volume data: role general \(platform-standard\) is ReadWriteOnce.*cannot serve 2 replicas.*use role shared \(ReadWriteMany\), or replicas 1 without autoscaling/);
        assert.match(refusal(minimalArgs({ volumes, replicas: 1, autoscaling: { maxReplicas: 3 } })), /cannot serve 3 replicas/);
        assert.equal(refusal(minimalArgs({ volumes, replicas: 1 })), "");
        assert.equal(refusal(minimalArgs({ volumes: [{ ...volumes[0], role: "shared" }], replicas: 5 })), "");
    });

    it("refuses an image without a digest, naming the fix", () => {
        assert.match(refusal(minimalArgs({ image: "registry.example.com/team/orders:1.2" })), /image .*names a tag only.*pin the digest/);
        assert.match(refusal(minimalArgs({ image: "not an image" })), /image .*is not an image reference/);
        // An image this program builds is an output: its content tag is what pins it.
        assert.equal(refusal(minimalArgs({ image: pulumi.output("platform/orders:0123abcd") })), "");
    });

    it("refuses bad ports, replicas and bounds, and lists every problem at once", () => {
        const message = refusal(minimalArgs({ port: 70000, servicePort: 0, replicas: 3, autoscaling: { maxReplicas: 2, cpuUtilization: 150 } }));
        for (const part of ["port 70000 must be an integer from 1 to 65535", "servicePort 0", "maxReplicas 2 must be an integer >= replicas (3)", "cpuUtilization 150"]) {
            assert.ok(message.includes(part), `${part} in: ${message}`);
        }
        assert.match(refusal(minimalArgs({ port: 80.5 })), /port 80\.5/);
    });

    it("refuses a class the platform does not offer, a bad name, path or host", () => {
        const noShared = contract({ storageClasses: { general: "platform-standard", retain: "platform-retain", shared: "none" } });
        assert.match(refusal(minimalArgs({ platform: noShared, volumes: [{ name: "files", mountPath: "/files", role: "shared", size: "1Gi" }] })), /role shared is not offered on this platform/);
        assert.match(refusal(minimalArgs(), "Orders_1"), /name "Orders_1" must be a DNS label/);
        assert.match(refusal(minimalArgs({ route: { path: "api" } })), /route\.path "api" must start with \//);
        assert.match(refusal(minimalArgs({ route: { host: "Bad Host" } })), /route\.host "Bad Host" is not a DNS name/);
    });

    it("refuses a TLS host the Gateway's HTTPS listener does not serve", () => {
        const gateway = contract({ entryPoints: [GATEWAY] });
        assert.match(refusal(minimalArgs({ platform: gateway, route: { host: "other.example.com" } })), /HTTPS listener serves only shop\.example\.com/);
        assert.equal(refusal(minimalArgs({ platform: gateway, route: { host: "shop.example.com", path: "/orders" } })), "");
        // nginx gets a certificate per Ingress: any host works.
        assert.equal(refusal(minimalArgs({ route: { host: "other.example.com" } })), "");
    });

    it("registers nothing when refused", async () => {
        await assert.rejects(
            runProgram(() => new App("orders", minimalArgs({ image: "orders:latest" }))),
            (e: Error) => e instanceof AppArgsError,
        );
        assert.equal(registeredSoFar().length, 0);
    });
});

describe("App: volumes on the platform's classes", () => {
    it("claims a shared volume ReadWriteMany on platform-shared and keeps rolling updates", async () => {
        const { resources } = await renderApp(minimalArgs({ volumes: [{ name: "uploads", mountPath: "/uploads", role: "shared", size: "5Gi" }] }));
        const pvc = as<out.core.v1.PersistentVolumeClaim>(resources.one(PVC, "orders-uploads"));
        assert.deepEqual(pvc.spec.accessModes, ["ReadWriteMany"]);
        assert.equal(pvc.spec.storageClassName, "platform-shared");
        assert.deepEqual(pvc.spec.resources.requests, { storage: "5Gi" });
        assert.equal(deployment(resources).spec.strategy.type, "RollingUpdate");
        assert.deepEqual(deployment(resources).spec.template.spec.volumes.at(-1), { name: "uploads", persistentVolumeClaim: { claimName: "orders-uploads" } });
        assert.deepEqual(container(resources).volumeMounts.at(-1), { name: "uploads", mountPath: "/uploads" });
        assert.ok(resources.one("kubernetes:apps/v1:Deployment").dependsOn.some((u) => u.endsWith("::orders-uploads")), "the claim exists before the pods");
    });

    it("claims a retain volume ReadWriteOnce, labelled stateful data, for one replica rolled out with Recreate", async () => {
        const { resources } = await renderApp(minimalArgs({ replicas: 1, volumes: [{ name: "ledger", mountPath: "/ledger", role: "retain", size: "1Gi" }], protectData: true }));
        const claim = resources.one(PVC, "orders-ledger");
        const pvc = as<out.core.v1.PersistentVolumeClaim>(claim);
        assert.deepEqual(pvc.spec.accessModes, ["ReadWriteOnce"]);
        assert.equal(pvc.spec.storageClassName, "platform-retain");
        assert.equal(pvc.metadata.labels["platform.example.com/data"], "true");
        assert.equal(claim.protect, true);
        assert.equal(deployment(resources).spec.strategy.type, "Recreate");
    });
});

describe("App: routing from the contract's data", () => {
    const routed = (platform = contract(), route: AppArgs["route"] = { host: "shop.example.com", path: "/orders" }) => renderApp(minimalArgs({ platform, route }));

    it("through nginx: an Ingress for host and path with TLS from the issuer, the solver admitted, the controller only", async () => {
        const { resources, result } = await routed();
        const ing = as<out.networking.v1.Ingress>(resources.one("kubernetes:networking.k8s.io/v1:Ingress", "orders"));
        assert.equal(ing.spec.ingressClassName, "nginx");
        assert.deepEqual(ing.spec.rules, [
            { host: "shop.example.com", http: { paths: [{ path: "/orders", pathType: "Prefix", backend: { service: { name: "orders", port: { number: 80 } } } }] } },
        ]);
        assert.deepEqual(ing.spec.tls, [{ hosts: ["shop.example.com"], secretName: "orders-tls" }]);
        assert.equal(ing.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt");
        assert.equal(policyNamed(resources, "orders-allow-acme-solver").spec.ingress[0].ports[0].port, 8089);
        assert.deepEqual(policyNamed(resources, "orders-allow-ingress-controller").spec.ingress, [
            {
                from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": INGRESS_NGINX_NAMESPACE } }, podSelector: { matchLabels: { ...CONTROLLER_POD_LABELS } } }],
                ports: [{ protocol: "TCP", port: 8080 }],
            },
        ]);
        assert.equal(await valueOf(result.url), "https://shop.example.com/orders");
    });

    it("through the Gateway: HTTPRoutes on the HTTPS listener for host and path, http redirected, the data plane only", async () => {
        const { resources, result } = await routed(contract({ entryPoints: [GATEWAY] }));
        const app = as<{ spec: { parentRefs: { sectionName: string }[]; hostnames: string[]; rules: { matches: unknown[] }[] } }>(resources.one(HTTPROUTE, "orders-httproute"));
        assert.deepEqual(app.spec.parentRefs.map((p) => p.sectionName), ["https"]);
        assert.deepEqual(app.spec.hostnames, ["shop.example.com"]);
        assert.deepEqual(app.spec.rules[0].matches, [{ path: { type: "PathPrefix", value: "/orders" } }]);
        assert.equal(resources.ofType(HTTPROUTE).length, 2);
        assert.equal(resources.ofType("kubernetes:networking.k8s.io/v1:Ingress").length, 0);
        assert.deepEqual(policyNamed(resources, "orders-allow-ingress-controller").spec.ingress[0].from, [GATEWAY.dataPlanePeer]);
        assert.equal(await valueOf(result.url), "https://shop.example.com/orders");
    });

    it("on a Gateway without an HTTPS listener: one route on http, an http URL", async () => {
        const plain = { ...GATEWAY, listeners: { http: "http" } };
        const { resources, result } = await routed(contract({ entryPoints: [plain], tls: { clusterIssuer: "selfsigned", enabled: false, acmeHttp01: false } }), { path: "/orders" });
        assert.equal(resources.ofType(HTTPROUTE).length, 1);
        assert.equal(await valueOf(result.url), "http://198.51.100.7/orders");
    });

    it("through both while migrating: an Ingress and HTTPRoutes, both data planes admitted, the URL the primary's", async () => {
        const { resources, result } = await routed(contract({ entryPoints: [NGINX, GATEWAY], tls: { clusterIssuer: "selfsigned", enabled: false, acmeHttp01: false } }), {});
        assert.equal(resources.ofType("kubernetes:networking.k8s.io/v1:Ingress").length, 1);
        assert.equal(resources.ofType(HTTPROUTE).length, 1);
        assert.equal(policyNamed(resources, "orders-allow-ingress-controller").spec.ingress[0].from.length, 2);
        assert.equal(await valueOf(result.url), "http://203.0.113.10/");
    });

    it("makes from data exactly the objects the entry-point components make", async () => {
        const route: AppRoute = { name: "x", namespace: "shop", labels: { a: "b" }, serviceName: "x", servicePort: 80, host: "shop.example.com", tls: true, clusterIssuer: "i", acmeHttp01: true };
        const live = [
            ingressNginxEntryPoint({ className: "nginx", namespace: INGRESS_NGINX_NAMESPACE, podLabels: CONTROLLER_POD_LABELS, endpoint: pulumi.output("e"), address: pulumi.output([]) }),
            gatewayEntryPoint({ name: GATEWAY.gatewayName, namespace: GATEWAY.gatewayNamespace, dependsOn: [], endpoint: pulumi.output("e"), address: pulumi.output([]) }),
        ];
        const objects = (rs: ResourceSet) => rs.kubernetesObjects().map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
        for (const entryPoint of live) {
            const parent = () => new pulumi.ComponentResource("test:index:Parent", "p");
            const viaComponent = await runProgram(() => entryPoint.routeApp(route, parent()));
            const viaData = await runProgram(() => routeThroughEntryPoint(JSON.parse(JSON.stringify({ ...entryPoint.facts, endpoint: "e" })), route, { parent: parent() }));
            assert.deepEqual(objects(viaData.resources), objects(viaComponent.resources), entryPoint.facts.kind);
            assert.ok(objects(viaData.resources).length > 0);
        }
    });

    it("writes the URL from host, TLS, the endpoint and the path", () => {
        assert.equal(appUrl("a.example.com", true, "1.2.3.4", "/x"), "https://a.example.com/x");
        assert.equal(appUrl(undefined, true, "lb:30080"), "http://lb:30080/");
    });
});

describe("App: moving a component under App keeps its children's URNs", () => {
    it("aliases each child to its URN under the former type (and nothing for other aliases)", async () => {
        const { resources } = await runProgram(() => new App("shop", minimalArgs(), { aliases: [{ type: "platform:index:Shop" }] }));
        const d = resources.one("kubernetes:apps/v1:Deployment");
        assert.ok(d.aliases.includes("name=;type=;parent=urn:pulumi:test::platform::platform:index:Shop::shop"), d.aliases.join("\n"));
        assert.deepEqual(childAliases("shop", { aliases: [{ name: "old" }, "urn:pulumi:x::y::z::w"] }), []);
    });
});

describe("App objects", () => {
    it("match the Kubernetes schema and carry our provider", async () => {
        const { resources } = await renderApp(
            minimalArgs({ route: { host: "shop.example.com" }, volumes: [{ name: "uploads", mountPath: "/uploads", role: "shared", size: "1Gi" }], egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }], ports: [{ port: 443 }] }] }),
        );
        for (const o of resources.kubernetesObjects()) {
            assert.equal(validateKubernetesObject(o), "valid", `${o.type} ${o.name}`);
            assert.match(o.provider, /pulumi:providers:kubernetes::k8s::/, `${o.type} ${o.name}`);
        }
        assert.deepEqual(policyNamed(resources, "orders-allow-egress").spec.egress, [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }], ports: [{ protocol: "TCP", port: 443 }] }]);
    });
});
