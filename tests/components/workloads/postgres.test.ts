import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { CLUSTER_AUTOSCALER_DISRUPTION } from "../../../components/cluster/contract";
import { Postgres, postgresDataLayout, postgresIngressRules, postgresMajor, postgresProbes } from "../../../components/workloads/postgres";
import { type ResourceSet, runProgram, valueOf } from "../../harness/mocks";
import { as, assertNeverDisruptedWithoutPdb, container as containerOf, statefulSet, volumeOwnerPodSecurity } from "../../harness/objects";
import { mockPasswords, PASSWORD_TYPE, passwordOf, plainOccurrences } from "../../harness/passwords";
import { validateKubernetesObject } from "../../harness/schema";

import out = k8s.types.output;

const container = (rs: ResourceSet) => containerOf(statefulSet(rs));
const policy = (rs: ResourceSet) => as<out.networking.v1.NetworkPolicy>(rs.one("kubernetes:networking.k8s.io/v1:NetworkPolicy"));
const envOf = (c: out.core.v1.Container) => Object.fromEntries(c.env.map((e) => [e.name, e]));

function deploy(extra: Partial<ConstructorParameters<typeof Postgres>[1]> = {}) {
    return runProgram(() => {
        const provider = new k8s.Provider("k8s", { context: "kind-kind" });
        return new Postgres(
            "postgres",
            {
                namespace: "apps",
                storageClassName: "platform-retain",
                storageSize: "20Gi",
                version: "18.1",
                clients: ["billing"],
                protectData: true,
                disruption: CLUSTER_AUTOSCALER_DISRUPTION,
                ...extra,
            },
            { provider },
        );
    });
}

describe("Postgres data layout", () => {
    mockPasswords();

    it("reads the major from image tags with and without variants", () => {
        assert.equal(postgresMajor("18.1"), 18);
        assert.equal(postgresMajor("17.7-bookworm"), 17);
        assert.equal(postgresMajor("16"), 16);
        assert.throws(() => postgresMajor("latest"), /major/);
    });

    it("18+: mounts at /var/lib/postgresql and keeps the image's PGDATA", () => {
        assert.deepEqual(postgresDataLayout("18.1"), { mountPath: "/var/lib/postgresql", pgdata: "/var/lib/postgresql/18/docker" });
        assert.equal(postgresDataLayout("19-alpine").pgdata, "/var/lib/postgresql/19/docker");
    });

    it("17 and 16: mount at /var/lib/postgresql/data with PGDATA in a subdirectory (lost+found)", () => {
        for (const v of ["17.7", "16"]) {
            const layout = postgresDataLayout(v);
            assert.equal(layout.mountPath, "/var/lib/postgresql/data", v);
            assert.equal(layout.pgdataEnv, "/var/lib/postgresql/data/pgdata", v);
            assert.ok(layout.pgdata.startsWith(`${layout.mountPath}/`), "PGDATA is below the mount, not its root");
        }
    });

    it("applies the layout to the StatefulSet for 18.1, 17.x and 16", async () => {
        const cases: Array<[string, string, string | undefined]> = [
            ["18.1", "/var/lib/postgresql", undefined],
            ["17.7", "/var/lib/postgresql/data", "/var/lib/postgresql/data/pgdata"],
            ["16.11-bookworm", "/var/lib/postgresql/data", "/var/lib/postgresql/data/pgdata"],
        ];
        for (const [version, mountPath, pgdata] of cases) {
            const { resources } = await deploy({ version });
            const c = container(resources);
            assert.equal(c.image, `postgres:${version}`);
            assert.deepEqual(c.volumeMounts.find((m) => m.name === "data"), { name: "data", mountPath }, version);
            assert.equal(envOf(c).PGDATA?.value, pgdata, version);
        }
    });
});

describe("Postgres", () => {
    mockPasswords();

    it("keeps its data on a Retain-class PVC, retained when the StatefulSet is deleted or scaled", async () => {
        const { resources } = await deploy();
        const s = statefulSet(resources).spec;
        assert.equal(s.replicas, 1);
        assert.equal(s.volumeClaimTemplates.length, 1);
        const claim = s.volumeClaimTemplates[0];
        assert.equal(claim.metadata.name, "data");
        assert.equal(claim.spec.storageClassName, "platform-retain");
        assert.deepEqual(claim.spec.resources.requests, { storage: "20Gi" });
        assert.deepEqual(s.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
    });

    it("runs as 999 with fsGroup OnRootMismatch, read-only root and writable emptyDirs for the socket and /tmp", async () => {
        const { resources } = await deploy();
        const pod = statefulSet(resources).spec.template.spec;
        const c = container(resources);
        assert.deepEqual(pod.securityContext, volumeOwnerPodSecurity(999, 999));
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
        const mounts = Object.fromEntries(c.volumeMounts.map((m) => [m.mountPath, m.name]));
        const volumes = Object.fromEntries(pod.volumes.map((v) => [v.name, v]));
        for (const path of ["/var/run/postgresql", "/tmp"]) {
            assert.ok(mounts[path], `${path} is mounted`);
            assert.ok(volumes[mounts[path]].emptyDir, `${path} is an emptyDir`);
        }
        assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory);
    });

    it("gets 60 s to shut down cleanly, and a memory-backed /dev/shm larger than the runtime's 64 MiB", async () => {
        const { resources } = await deploy();
        const pod = statefulSet(resources).spec.template.spec;
        // A fast shutdown checkpoints; the kubelet's default 30 s can cut it short into crash recovery.
        assert.equal(pod.terminationGracePeriodSeconds, 60);
        const shm = container(resources).volumeMounts.find((m) => m.mountPath === "/dev/shm");
        assert.ok(shm, "/dev/shm is mounted");
        const volume = pod.volumes.find((v) => v.name === shm.name);
        assert.deepEqual(volume?.emptyDir, { medium: "Memory", sizeLimit: "256Mi" });
    });

    it("is ready only when accepting TCP connections (pg_isready -h 127.0.0.1), alive while recovering", async () => {
        const { resources } = await deploy();
        const c = container(resources);
        assert.deepEqual(c.readinessProbe.exec.command, ["pg_isready", "-h", "127.0.0.1", "-U", "postgres", "-p", "5432"]);
        const alive = c.livenessProbe.exec.command.join(" ");
        assert.match(alive, /pg_isready -h 127\.0\.0\.1 -U postgres/);
        assert.match(alive, /\[ \$\? -ne 2 \]$/, "only 'no response' (exit 2) is dead");
        assert.deepEqual(c.startupProbe, postgresProbes().startup);
        assert.ok(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold >= 300, "room for initdb");
    });

    it("takes POSTGRES_PASSWORD from a Secret holding the generated password as a secret", async () => {
        const { resources } = await deploy();
        const record = resources.one("kubernetes:core/v1:Secret");
        const secret = as<out.core.v1.Secret>(record);
        assert.equal(secret.metadata.name, "postgres-auth");
        assert.deepEqual(record.secretInputs, ["stringData"]);
        const password = passwordOf("postgres-password");
        assert.deepEqual(secret.stringData, { password });
        assert.deepEqual(envOf(container(resources)).POSTGRES_PASSWORD.valueFrom.secretKeyRef, { name: "postgres-auth", key: "password" });
        assert.deepEqual(plainOccurrences(resources, password), []);
    });

    it("has a named headless Service that governs the StatefulSet", async () => {
        const { resources, result } = await deploy();
        const svc = as<out.core.v1.Service>(resources.one("kubernetes:core/v1:Service"));
        assert.equal(svc.metadata.name, "postgres");
        assert.equal(svc.spec.clusterIP, "None");
        assert.deepEqual(svc.spec.ports, [{ name: "postgres", port: 5432, targetPort: "postgres", protocol: "TCP" }]);
        assert.deepEqual(svc.spec.selector, statefulSet(resources).spec.template.metadata.labels);
        assert.equal(statefulSet(resources).spec.serviceName, "postgres");
        assert.equal(await valueOf(result.host), "postgres.apps.svc");
    });

    it("admits on 5432 only the pods whose app.kubernetes.io/name is a client", async () => {
        const { resources } = await deploy({ clients: ["billing", "reports"] });
        const np = policy(resources);
        assert.deepEqual(np.spec.podSelector, { matchLabels: statefulSet(resources).spec.template.metadata.labels });
        assert.deepEqual(np.spec.policyTypes, ["Ingress"]);
        assert.deepEqual(np.spec.ingress, [
            {
                from: [{ podSelector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["billing", "reports"] }] } }],
                ports: [{ protocol: "TCP", port: 5432 }],
            },
        ]);
    });

    it("admits nobody when there are no clients (no rule, not an empty In)", async () => {
        assert.deepEqual(postgresIngressRules([]), []);
        const { resources } = await deploy({ clients: [] });
        const np = policy(resources);
        assert.deepEqual(np.spec.policyTypes, ["Ingress"]);
        assert.deepEqual(np.spec.ingress ?? [], []);
        assert.equal(validateKubernetesObject(resources.one("kubernetes:networking.k8s.io/v1:NetworkPolicy")), "valid");
    });

    it("is never evicted by the node autoscaler to consolidate nodes, in the target's own annotation, and has no PodDisruptionBudget", async () => {
        await assertNeverDisruptedWithoutPdb((disruption) => deploy({ disruption }));
    });

    it("protects the StatefulSet, Secret and password when protectData is true, and nothing when false", async () => {
        const guarded = ["kubernetes:apps/v1:StatefulSet", "kubernetes:core/v1:Secret", PASSWORD_TYPE];
        const on = await deploy({ protectData: true });
        for (const t of guarded) assert.equal(on.resources.one(t).protect, true, t);
        assert.equal(on.resources.one("kubernetes:core/v1:Service").protect, false);
        const off = await deploy({ protectData: false });
        for (const t of guarded) assert.equal(off.resources.one(t).protect, false, t);
        // The size patch alone is retainOnDelete: removing it leaves the claim at its size (claim-growth.test.ts).
        for (const r of [...on.resources.all, ...off.resources.all].filter((x) => x.type !== "kubernetes:core/v1:PersistentVolumeClaimPatch")) assert.equal(r.retainOnDelete, false, `${r.type} ${r.name}`);
    });

    it("creates no LoadBalancer, gives every object our provider and a name, and every object matches the schema", async () => {
        for (const version of ["18.1", "16"]) {
            const { resources } = await deploy({ version });
            const objects = resources.kubernetesObjects();
            assert.equal(objects.length, 5, "Service, StatefulSet, Secret, NetworkPolicy and the data claim's size patch");
            for (const o of objects) {
                const obj = as<{ metadata: out.meta.v1.ObjectMeta; spec?: { type?: string } }>(o);
                assert.match(o.provider, /pulumi:providers:kubernetes::k8s::/, `${o.type} ${o.name}`);
                assert.equal(validateKubernetesObject(o), "valid");
                assert.notEqual(obj.spec?.type, "LoadBalancer");
                assert.ok(obj.metadata.name);
                assert.equal(obj.metadata.namespace, "apps");
            }
        }
    });
});
