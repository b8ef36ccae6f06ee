import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_AUTOSCALER_DISRUPTION } from "../../../components/cluster/contract";
import {
    Redis,
    REDIS_AUTH_CONF,
    REDIS_IMAGE,
    REDIS_PASSWORD_COPY,
    redisAuthScript,
    redisMaxmemoryBytes,
    redisProbes,
    redisServerArgs,
} from "../../../components/workloads/redis";
import { CREDENTIALS_DIGEST_ANNOTATION } from "../../../components/workloads/stateful-data";
import { type ResourceSet, runProgram, valueOf } from "../../harness/mocks";
import { as, assertNeverDisruptedWithoutPdb, container as containerOf, HARDENED_CONTAINER_SECURITY, statefulSet, volumeOwnerPodSecurity } from "../../harness/objects";
import { mockPasswords, PASSWORD_TYPE, passwordOf, plainOccurrences } from "../../harness/passwords";
import { validateKubernetesObject } from "../../harness/schema";

import out = k8s.types.output;

const container = (rs: ResourceSet) => containerOf(statefulSet(rs));
const initContainer = (rs: ResourceSet) => statefulSet(rs).spec.template.spec.initContainers[0];
const policy = (rs: ResourceSet) => as<out.networking.v1.NetworkPolicy>(rs.one("kubernetes:networking.k8s.io/v1:NetworkPolicy"));
const service = (rs: ResourceSet, name: string) => as<out.core.v1.Service>(rs.one("kubernetes:core/v1:Service", name));
const argAfter = (args: string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];
const MI = 1024 * 1024;
/** A Kubernetes memory quantity in bytes (the binary suffixes these components use). */
const bytesOf = (q: string): number => {
    const m = /^(\d+)(Mi|Gi)$/.exec(q);
    assert.ok(m, `unexpected quantity ${q}`);
    return Number(m[1]) * (m[2] === "Gi" ? 1024 * MI : MI);
};

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

    it("runs one replica of the image pinned by digest, with AOF persistence (everysec) on a PVC of the given class", async () => {
        const { resources } = await deploy();
        const s = statefulSet(resources).spec;
        assert.equal(s.replicas, 1);
        const c = container(resources);
        assert.equal(c.image, REDIS_IMAGE);
        assert.match(REDIS_IMAGE, /^redis:8\.2\.\d+-alpine@sha256:[a-f0-9]{64}$/, "a full 8.2 version, pinned by digest");
        assert.equal(initContainer(resources).image, REDIS_IMAGE, "the init step runs the same build");
        assert.equal(argAfter(c.args, "--appendonly"), "yes");
        assert.equal(argAfter(c.args, "--appendfsync"), "everysec");
        assert.equal(argAfter(c.args, "--dir"), "/data");
        assert.deepEqual(c.volumeMounts.find((m) => m.name === "data"), { name: "data", mountPath: "/data" });
        assert.equal(s.volumeClaimTemplates.length, 1);
        const claim = s.volumeClaimTemplates[0];
        assert.equal(claim.metadata.name, "data");
        assert.equal(claim.spec.storageClassName, "platform-general");
        assert.deepEqual(claim.spec.resources.requests, { storage: "5Gi" });
        assert.deepEqual(claim.spec.accessModes, ["ReadWriteOnce"]);
        assert.deepEqual(s.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
    });

    it("reads the generated password from a file rendered from the Secret at start: never an env value or an argument", async () => {
        const { resources } = await deploy();
        const secretRecord = resources.one("kubernetes:core/v1:Secret");
        const secret = as<out.core.v1.Secret>(secretRecord);
        assert.equal(secret.metadata.name, "redis-auth");
        assert.deepEqual(secretRecord.secretInputs, ["stringData"]);
        const password = passwordOf("redis-password");
        assert.deepEqual(secret.stringData, { password });

        const pod = statefulSet(resources).spec.template.spec;
        const c = container(resources);
        assert.equal(argAfter(c.args, "--include"), REDIS_AUTH_CONF);
        assert.ok(!c.args.includes("--requirepass"), "no password argument");
        assert.equal(c.env, undefined, "no environment at all");
        const init = initContainer(resources);
        assert.equal(init.env, undefined);
        assert.deepEqual(init.command, ["sh", "-c", redisAuthScript()]);
        // The Secret reaches only the init step, as a file readable by the redis group (fsGroup 1000).
        const volumes = Object.fromEntries(pod.volumes.map((v) => [v.name, v]));
        assert.deepEqual(volumes.password.secret, { secretName: "redis-auth", defaultMode: 0o440, items: [{ key: "password", path: "password" }] });
        assert.deepEqual(init.volumeMounts.find((m) => m.name === "password"), { name: "password", mountPath: "/run/secrets/redis", readOnly: true });
        assert.equal(c.volumeMounts.find((m) => m.name === "password"), undefined);
        assert.deepEqual(volumes.auth.emptyDir, { medium: "Memory", sizeLimit: "1Mi" }, "the rendered files never touch the node's disk");

        assert.deepEqual(plainOccurrences(resources, password), []);
        const random = resources.one(PASSWORD_TYPE);
        assert.equal(random.inputs.special, false, "the password goes into a config line and URLs unescaped");
        assert.ok((random.inputs.length as number) >= 24);
    });

    it("uses a password the user brings: no generated one, the same Secret, and a digest that follows the password", async () => {
        const brought = await deploy({ password: pulumi.secret("brought-password-0123456789") });
        assert.equal(brought.resources.ofType(PASSWORD_TYPE).length, 0, "no random provider resource");
        const record = brought.resources.one("kubernetes:core/v1:Secret");
        assert.deepEqual(as<out.core.v1.Secret>(record).stringData, { password: "brought-password-0123456789" });
        assert.deepEqual(record.secretInputs, ["stringData"]);
        assert.deepEqual(plainOccurrences(brought.resources, "brought-password-0123456789"), []);

        const digestOf = async (password?: string) => {
            const { resources } = await deploy(password === undefined ? {} : { password: pulumi.secret(password) });
            return statefulSet(resources).spec.template.metadata.annotations[CREDENTIALS_DIGEST_ANNOTATION];
        };
        const first = await digestOf("brought-password-0123456789");
        assert.match(first, /^[0-9a-f]{32}$/);
        assert.equal(await digestOf("brought-password-0123456789"), first, "an unchanged password rolls nothing");
        assert.notEqual(await digestOf("another-password-0123456789"), first, "a new password rolls the pod");
        assert.notEqual(await digestOf(), first);
    });

    it("renders the config line and the probes' copy from the mounted file, naming only files on its command lines", () => {
        const script = redisAuthScript();
        assert.match(script, /umask 077/);
        assert.match(script, new RegExp(`cat /run/secrets/redis/password > ${REDIS_PASSWORD_COPY}`));
        assert.match(script, new RegExp(`printf 'requirepass '; cat ${REDIS_PASSWORD_COPY}; echo; \\} > ${REDIS_AUTH_CONF}`));
        assert.doesNotMatch(script, /\$\(/, "no command substitution that would put the password in an argument");
    });

    it("probes with an authenticated PING over the loopback, the password read from stdin", () => {
        const { readiness, liveness } = redisProbes();
        const command = (p: typeof readiness): string => (p.exec as out.core.v1.ExecAction).command.join(" ");
        for (const p of [readiness, liveness]) {
            assert.match(command(p), new RegExp(`redis-cli --askpass -h 127\\.0\\.0\\.1 ping < ${REDIS_PASSWORD_COPY}`));
            assert.doesNotMatch(command(p), / -a |REDISCLI_AUTH/);
        }
        assert.match(command(readiness), /grep -q PONG$/, "ready only when Redis answers PONG");
        assert.match(command(liveness), /PONG\|LOADING/, "an AOF replay in progress is alive");
    });

    it("bounds its memory below the container limit, leaving half for the AOF rewrite's fork, and never evicts a key", async () => {
        const { resources } = await deploy();
        const c = container(resources);
        const limit = bytesOf(c.resources.limits.memory);
        const maxmemory = Number(argAfter(c.args, "--maxmemory"));
        assert.ok(maxmemory > 0 && maxmemory <= limit / 2, `maxmemory ${maxmemory} must be at most half of the ${limit}-byte limit`);
        assert.ok(maxmemory >= limit / 4, "and not so low that the limit is wasted");
        assert.equal(argAfter(c.args, "--maxmemory-policy"), "noeviction", "a full Redis answers errors, never drops a counter");
        assert.equal(redisMaxmemoryBytes(512), 256 * MI);
        assert.deepEqual(redisServerArgs(512).slice(-4), ["--maxmemory", String(256 * MI), "--maxmemory-policy", "noeviction"]);
    });

    it("has probes, resources with ephemeral storage, and a restricted, read-only, non-root pod (the image's redis user, 999:1000)", async () => {
        const { resources } = await deploy();
        const pod = statefulSet(resources).spec.template.spec;
        const c = container(resources);
        assert.deepEqual(c.readinessProbe, redisProbes().readiness);
        assert.deepEqual(c.livenessProbe, redisProbes().liveness);
        assert.deepEqual(pod.securityContext, volumeOwnerPodSecurity(999, 1000));
        for (const each of [c, initContainer(resources)]) {
            assert.deepEqual(each.securityContext, HARDENED_CONTAINER_SECURITY, each.name);
            assert.ok(each.resources.requests.cpu && each.resources.requests.memory && each.resources.limits.memory, each.name);
            // Only logs: the rendered files are in memory, the root filesystem is read-only.
            assert.equal(each.resources.requests["ephemeral-storage"], "64Mi", each.name);
            assert.equal(each.resources.limits["ephemeral-storage"], "64Mi", each.name);
        }
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal(pod.enableServiceLinks, false, "a Service named redis would inject REDIS_PORT=tcp://...");
    });

    it("is governed by a headless Service of its own name; clients use the ClusterIP Service <name>-rw", async () => {
        const { resources, result } = await deploy();
        const podLabels = statefulSet(resources).spec.template.metadata.labels;
        const ports = [{ name: "redis", port: 6379, targetPort: "redis", protocol: "TCP" }];
        const headless = service(resources, "redis");
        assert.equal(headless.metadata.name, "redis");
        assert.equal(headless.spec.clusterIP, "None");
        assert.deepEqual(headless.spec.ports, ports);
        assert.deepEqual(headless.spec.selector, podLabels);
        // Unchanged from the stacks created before: a new serviceName would replace the StatefulSet.
        assert.equal(statefulSet(resources).spec.serviceName, "redis");

        const clients = service(resources, "redis-rw");
        assert.equal(clients.metadata.name, "redis-rw");
        assert.equal(clients.spec.type, "ClusterIP");
        assert.equal(clients.spec.clusterIP, undefined, "a virtual IP the cluster assigns");
        assert.deepEqual(clients.spec.ports, ports);
        assert.deepEqual(clients.spec.selector, podLabels);
        assert.deepEqual(container(resources).ports, [{ name: "redis", containerPort: 6379, protocol: "TCP" }]);

        assert.equal(await valueOf(result.connection.host), "redis-rw.apps.svc");
        assert.equal(result.connection.port, 6379);
        assert.equal(result.connection.passwordSecret.name, "redis-auth");
        assert.equal(result.connection.passwordSecret.key, "password");
        assert.deepEqual(result.connection.podLabels, podLabels);
    });

    it("refers to its Services and Secret by plain names, so a replaced Service or Secret never makes the StatefulSet's spec unknown", async () => {
        const { resources } = await deploy();
        const sts = resources.one("kubernetes:apps/v1:StatefulSet");
        const secret = resources.one("kubernetes:core/v1:Secret");
        assert.ok(sts.dependsOn.includes(secret.urn), "created after the Secret it mounts");
        for (const svc of resources.ofType("kubernetes:core/v1:Service")) assert.ok(!sts.dependsOn.includes(svc.urn), `no dependency on ${svc.name}`);
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

    it("protects the StatefulSet when protectData is true; the Secret and password stay replaceable, so a new password can be applied", async () => {
        const on = await deploy({ protectData: true });
        assert.equal(on.resources.one("kubernetes:apps/v1:StatefulSet").protect, true);
        for (const t of ["kubernetes:core/v1:Secret", PASSWORD_TYPE, "kubernetes:networking.k8s.io/v1:NetworkPolicy"]) {
            assert.equal(on.resources.one(t).protect, false, t);
        }
        for (const s of on.resources.ofType("kubernetes:core/v1:Service")) assert.equal(s.protect, false, s.name);
        const off = await deploy({ protectData: false });
        assert.equal(off.resources.one("kubernetes:apps/v1:StatefulSet").protect, false);
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
