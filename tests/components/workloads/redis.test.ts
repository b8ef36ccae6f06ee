import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { CLUSTER_AUTOSCALER_DISRUPTION } from "../../../components/cluster/contract";
import { Redis, REDIS_IMAGE, redisProbes, redisServerArgs } from "../../../components/workloads/redis";
import { type ResourceSet, runProgram, valueOf } from "../../harness/mocks";
import { as, assertNeverDisruptedWithoutPdb, container as containerOf, statefulSet, volumeOwnerPodSecurity } from "../../harness/objects";
import { mockPasswords, PASSWORD_TYPE, passwordOf, plainOccurrences } from "../../harness/passwords";
import { validateKubernetesObject } from "../../harness/schema";

import out = k8s.types.output;

const container = (rs: ResourceSet) => containerOf(statefulSet(rs));
const policy = (rs: ResourceSet) => as<out.networking.v1.NetworkPolicy>(rs.one("kubernetes:networking.k8s.io/v1:NetworkPolicy"));
const argAfter = (args: string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

function deploy(extra: Partial<ConstructorParameters<typeof Redis>[1]> = {}) {
    return runProgram(() => {
        const provider = new k8s.Provider("k8s", { context: "kind-kind" });
        return new Redis(
            "redis",
            { namespace: "apps", storageClassName: "platform-general", storageSize: "5Gi", protectData: true, clients: [{ "app.kubernetes.io/name": "visit-counter" }], disruption: CLUSTER_AUTOSCALER_DISRUPTION, ...extra },
            { provider },
        );
    });
}

describe("Redis", () => {
    mockPasswords();

    it("runs one replica of the pinned image with AOF persistence (everysec) on a PVC of the given class", async () => {
        const { resources } = await deploy();
        const s = statefulSet(resources).spec;
        assert.equal(s.replicas, 1);
        const c = container(resources);
        assert.equal(c.image, REDIS_IMAGE);
        assert.match(REDIS_IMAGE, /^redis:\d+\.\d+\.\d+-alpine$/, "pinned to a full version");
        assert.equal(argAfter(c.args, "--appendonly"), "yes");
        assert.equal(argAfter(c.args, "--appendfsync"), "everysec");
        assert.equal(argAfter(c.args, "--dir"), "/data");
        assert.deepEqual(c.volumeMounts, [{ name: "data", mountPath: "/data" }]);
        assert.equal(s.volumeClaimTemplates.length, 1);
        const claim = s.volumeClaimTemplates[0];
        assert.equal(claim.metadata.name, "data");
        assert.equal(claim.spec.storageClassName, "platform-general");
        assert.deepEqual(claim.spec.resources.requests, { storage: "5Gi" });
        assert.deepEqual(claim.spec.accessModes, ["ReadWriteOnce"]);
        assert.deepEqual(s.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
    });

    it("requires the generated password, passed by env from the Secret, never in plain text", async () => {
        const { resources } = await deploy();
        const secretRecord = resources.one("kubernetes:core/v1:Secret");
        const secret = as<out.core.v1.Secret>(secretRecord);
        assert.equal(secret.metadata.name, "redis-auth");
        assert.deepEqual(secretRecord.secretInputs, ["stringData"]);
        const password = passwordOf("redis-password");
        assert.deepEqual(secret.stringData, { password });

        const c = container(resources);
        assert.equal(argAfter(c.args, "--requirepass"), "$(REDIS_PASSWORD)");
        const refs = Object.fromEntries(c.env.map((e) => [e.name, e.valueFrom?.secretKeyRef]));
        assert.deepEqual(refs.REDIS_PASSWORD, { name: "redis-auth", key: "password" });
        assert.deepEqual(refs.REDISCLI_AUTH, { name: "redis-auth", key: "password" });

        assert.deepEqual(plainOccurrences(resources, password), []);
        const random = resources.one(PASSWORD_TYPE);
        assert.equal(random.inputs.special, false, "the password is used unescaped on command lines and in URLs");
        assert.ok((random.inputs.length as number) >= 24);
    });

    it("probes with an authenticated PING over the loopback, the password never on a command line", () => {
        const { readiness, liveness } = redisProbes();
        const command = (p: typeof readiness): string => (p.exec as out.core.v1.ExecAction).command.join(" ");
        for (const p of [readiness, liveness]) {
            assert.match(command(p), /redis-cli -h 127\.0\.0\.1 ping/);
            assert.doesNotMatch(command(p), / -a /);
        }
        assert.match(command(readiness), /grep -q PONG$/, "ready only when Redis answers PONG");
        assert.match(command(liveness), /PONG\|LOADING/, "an AOF replay in progress is alive");
        assert.deepEqual(redisServerArgs("X").slice(-2), ["--requirepass", "$(X)"]);
    });

    it("has probes, resources, and a restricted, read-only, non-root pod (the image's redis user, 999:1000)", async () => {
        const { resources } = await deploy();
        const pod = statefulSet(resources).spec.template.spec;
        const c = container(resources);
        assert.deepEqual(c.readinessProbe, redisProbes().readiness);
        assert.deepEqual(c.livenessProbe, redisProbes().liveness);
        assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory);
        assert.deepEqual(pod.securityContext, volumeOwnerPodSecurity(999, 1000));
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal(pod.enableServiceLinks, false, "a Service named redis would inject REDIS_PORT=tcp://...");
    });

    it("is reached through a named ClusterIP Service, and the connection output points at it", async () => {
        const { resources, result } = await deploy();
        const svc = as<out.core.v1.Service>(resources.one("kubernetes:core/v1:Service"));
        const podLabels = statefulSet(resources).spec.template.metadata.labels;
        assert.equal(svc.metadata.name, "redis");
        assert.equal(svc.spec.type, "ClusterIP");
        assert.deepEqual(svc.spec.ports, [{ name: "redis", port: 6379, targetPort: "redis", protocol: "TCP" }]);
        assert.deepEqual(container(resources).ports, [{ name: "redis", containerPort: 6379, protocol: "TCP" }]);
        assert.deepEqual(svc.spec.selector, podLabels);
        assert.equal(statefulSet(resources).spec.serviceName, "redis");

        assert.equal(await valueOf(result.connection.host), "redis.apps.svc");
        assert.equal(result.connection.port, 6379);
        assert.equal(await valueOf(result.connection.passwordSecret.name), "redis-auth");
        assert.equal(result.connection.passwordSecret.key, "password");
        assert.deepEqual(result.connection.podLabels, podLabels);
    });

    it("admits exactly the clients it is given on 6379, one pod selector each, and nobody without clients", async () => {
        const web = { "app.kubernetes.io/name": "web" };
        const worker = { "app.kubernetes.io/name": "worker" };
        const { resources } = await deploy({ clients: [web] });
        const np = policy(resources);
        assert.deepEqual(np.spec.podSelector, { matchLabels: statefulSet(resources).spec.template.metadata.labels });
        assert.deepEqual(np.spec.policyTypes, ["Ingress"]);
        assert.deepEqual(np.spec.ingress, [{ from: [{ podSelector: { matchLabels: web } }], ports: [{ protocol: "TCP", port: 6379 }] }]);

        const two = await deploy({ clients: [web, worker] });
        assert.deepEqual(policy(two.resources).spec.ingress[0].from, [{ podSelector: { matchLabels: web } }, { podSelector: { matchLabels: worker } }]);

        const none = await deploy({ clients: [] });
        assert.deepEqual(policy(none.resources).spec.ingress, [], "an empty ingress list admits nobody");
    });

    it("is never evicted by the node autoscaler to consolidate nodes, in the target's own annotation, and has no PodDisruptionBudget", async () => {
        await assertNeverDisruptedWithoutPdb((disruption) => deploy({ disruption }));
    });

    it("protects the StatefulSet, Secret and password when protectData is true, and nothing when false", async () => {
        const guarded = ["kubernetes:apps/v1:StatefulSet", "kubernetes:core/v1:Secret", PASSWORD_TYPE];
        const on = await deploy({ protectData: true });
        for (const t of guarded) assert.equal(on.resources.one(t).protect, true, t);
        for (const t of ["kubernetes:core/v1:Service", "kubernetes:networking.k8s.io/v1:NetworkPolicy"]) {
            assert.equal(on.resources.one(t).protect, false, t);
        }
        const off = await deploy({ protectData: false });
        for (const t of guarded) assert.equal(off.resources.one(t).protect, false, t);
        // A named StatefulSet is replaced delete-first: a retained old object would block the new one.
        for (const r of [...on.resources.all, ...off.resources.all]) assert.equal(r.retainOnDelete, false, `${r.type} ${r.name}`);
    });

    it("creates no LoadBalancer, gives every object our provider and a name, and every object matches the schema", async () => {
        const { resources } = await deploy();
        const objects = resources.kubernetesObjects();
        assert.deepEqual(objects.map((o) => o.type).sort(), [
            "kubernetes:apps/v1:StatefulSet",
            "kubernetes:core/v1:Secret",
            "kubernetes:core/v1:Service",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        ]);
        for (const o of objects) {
            const obj = as<{ metadata: out.meta.v1.ObjectMeta; spec?: { type?: string } }>(o);
            assert.match(o.provider, /pulumi:providers:kubernetes::k8s::/, `${o.type} ${o.name}`);
            assert.equal(validateKubernetesObject(o), "valid");
            assert.notEqual(obj.spec?.type, "LoadBalancer");
            assert.equal(obj.metadata.namespace, "apps");
            assert.ok(obj.metadata.name, `${o.type} has an explicit name`);
        }
    });
});
