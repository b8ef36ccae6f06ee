import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_AUTOSCALER_DISRUPTION } from "../../../components/cluster/contract";
import {
    Postgres,
    postgresDataLayout,
    postgresIngressRules,
    postgresMajor,
    postgresProbes,
    postgresServerArgs,
    postgresTuning,
    postgresVersionPinned,
    setPasswordScript,
} from "../../../components/workloads/postgres";
import { CREDENTIALS_DIGEST_ANNOTATION } from "../../../components/workloads/stateful-data";
import { type ResourceSet, runProgram, valueOf } from "../../harness/mocks";
import { as, assertNeverDisruptedWithoutPdb, container as containerOf, HARDENED_CONTAINER_SECURITY, statefulSet, volumeOwnerPodSecurity } from "../../harness/objects";
import { mockPasswords, PASSWORD_TYPE, passwordOf, plainOccurrences } from "../../harness/passwords";
import { validateKubernetesObject } from "../../harness/schema";

import out = k8s.types.output;

const container = (rs: ResourceSet) => containerOf(statefulSet(rs));
const initContainer = (rs: ResourceSet) => statefulSet(rs).spec.template.spec.initContainers[0];
const PINNED = `18.6-trixie@sha256:${"86c951e0".repeat(8)}`;
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

    it("reads the major from image tags with and without variants or a digest", () => {
        assert.equal(postgresMajor("18.1"), 18);
        assert.equal(postgresMajor("17.7-bookworm"), 17);
        assert.equal(postgresMajor(PINNED), 18);
        assert.equal(postgresMajor("16"), 16);
        assert.throws(() => postgresMajor("latest"), /major/);
        assert.equal(postgresVersionPinned(PINNED), true);
        assert.equal(postgresVersionPinned("18.6-trixie"), false);
    });

    it("keeps the data where it is from 18.1 to a digest-pinned 18.6: the layout depends on the major only", () => {
        assert.deepEqual(postgresDataLayout(PINNED), postgresDataLayout("18.1"));
        assert.deepEqual(postgresDataLayout("17.9-trixie@sha256:" + "a".repeat(64)), postgresDataLayout("17.7"));
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
            [PINNED, "/var/lib/postgresql", undefined],
            ["17.7", "/var/lib/postgresql/data", "/var/lib/postgresql/data/pgdata"],
            ["16.11-bookworm", "/var/lib/postgresql/data", "/var/lib/postgresql/data/pgdata"],
        ];
        for (const [version, mountPath, pgdata] of cases) {
            const { resources } = await deploy({ version });
            const c = container(resources);
            assert.equal(c.image, `postgres:${version}`);
            for (const each of [c, initContainer(resources)]) {
                assert.equal(each.image, c.image, "the init step runs the server's build");
                assert.deepEqual(each.volumeMounts.find((m) => m.name === "data"), { name: "data", mountPath }, version);
                assert.equal(envOf(each).PGDATA?.value, pgdata, version);
            }
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
        assert.deepEqual(pod.securityContext, volumeOwnerPodSecurity(999, 999));
        const volumes = Object.fromEntries(pod.volumes.map((v) => [v.name, v]));
        for (const c of [container(resources), initContainer(resources)]) {
            assert.deepEqual(c.securityContext, HARDENED_CONTAINER_SECURITY, c.name);
            const mounts = Object.fromEntries(c.volumeMounts.map((m) => [m.mountPath, m.name]));
            for (const path of ["/var/run/postgresql", "/tmp"]) {
                assert.ok(mounts[path], `${c.name}: ${path} is mounted`);
                assert.ok(volumes[mounts[path]].emptyDir, `${path} is an emptyDir`);
            }
            assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory);
        }
    });

    it("reserves and bounds ephemeral storage for its disk-backed emptyDirs plus its log, in both containers", async () => {
        const { resources } = await deploy();
        const pod = statefulSet(resources).spec.template.spec;
        const diskMi = pod.volumes.filter((v) => v.emptyDir && v.emptyDir.medium !== "Memory").reduce((sum, v) => sum + Number(/^(\d+)Mi$/.exec(v.emptyDir.sizeLimit)?.[1]), 0);
        assert.equal(diskMi, 16 + 256, "run and tmp");
        for (const c of [container(resources), initContainer(resources)]) {
            assert.equal(c.resources.requests["ephemeral-storage"], `${diskMi + 64}Mi`, c.name);
            assert.equal(c.resources.limits["ephemeral-storage"], `${diskMi + 64}Mi`, c.name);
        }
    });

    it("derives shared_buffers, max_connections, work_mem and the rest from its memory limit, on its command line", async () => {
        const t = postgresTuning(1024);
        assert.deepEqual(t, { sharedBuffersMb: 256, effectiveCacheSizeMb: 512, maintenanceWorkMemMb: 64, maxConnections: 100, workMemKb: 2949 });
        // What the formula promises: shared buffers, autovacuum and every connection's two operations fit the limit.
        for (const limit of [512, 1024, 2048, 4096, 8192]) {
            const x = postgresTuning(limit);
            assert.equal(x.sharedBuffersMb, limit / 4, `${limit}`);
            const worstKb = x.sharedBuffersMb * 1024 + 3 * x.maintenanceWorkMemMb * 1024 + x.maxConnections * 2 * x.workMemKb;
            assert.ok(worstKb <= limit * 1024, `${limit}Mi: ${worstKb} kB planned`);
        }
        assert.equal(postgresTuning(4096).maxConnections, 400, "capped");
        assert.equal(postgresTuning(128).maxConnections, 25, "floored");

        const { resources } = await deploy();
        const c = container(resources);
        const m = /^(\d+)(Mi|Gi)$/.exec(c.resources.limits.memory);
        assert.ok(m, c.resources.limits.memory);
        const limitMi = Number(m[1]) * (m[2] === "Gi" ? 1024 : 1);
        assert.equal(limitMi, 1024);
        assert.deepEqual(c.args, postgresServerArgs(postgresTuning(limitMi)), "derived from the container's own limit");
        assert.deepEqual(c.args.slice(0, 3), ["postgres", "-c", "shared_buffers=256MB"]);
        assert.ok(c.args.includes("work_mem=2949kB") && c.args.includes("max_connections=100"));
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

    it("reads the generated password from the Secret mounted as a file (POSTGRES_PASSWORD_FILE), never from env", async () => {
        const { resources } = await deploy();
        const record = resources.one("kubernetes:core/v1:Secret");
        const secret = as<out.core.v1.Secret>(record);
        assert.equal(secret.metadata.name, "postgres-auth");
        assert.deepEqual(record.secretInputs, ["stringData"]);
        const password = passwordOf("postgres-password");
        assert.deepEqual(secret.stringData, { password });
        const pod = statefulSet(resources).spec.template.spec;
        const volumes = Object.fromEntries(pod.volumes.map((v) => [v.name, v]));
        assert.deepEqual(volumes.password.secret, { secretName: "postgres-auth", defaultMode: 0o440, items: [{ key: "password", path: "password" }] });
        for (const c of [container(resources), initContainer(resources)]) {
            assert.deepEqual(envOf(c).POSTGRES_PASSWORD_FILE, { name: "POSTGRES_PASSWORD_FILE", value: "/run/secrets/postgres/password" }, c.name);
            assert.ok(c.env.every((e) => e.valueFrom === undefined), `${c.name}: no env from a Secret`);
            assert.deepEqual(c.volumeMounts.find((m) => m.name === "password"), { name: "password", mountPath: "/run/secrets/postgres", readOnly: true });
        }
        assert.deepEqual(plainOccurrences(resources, password), []);
    });

    it("sets the stored password from the Secret before every start (the set-password init step), and rolls when it changes", async () => {
        const { resources } = await deploy();
        const init = initContainer(resources);
        assert.equal(init.name, "set-password");
        assert.deepEqual(init.command, ["bash", "-c", setPasswordScript(), "set-password"]);
        // The script postgres.script.test.ts runs against a real server, byte for byte.
        assert.equal(setPasswordScript(), fs.readFileSync(path.join(__dirname, "..", "..", "..", "components", "workloads", "postgres", "set-password.sh"), "utf8"));
        assert.deepEqual(init.resources, container(resources).resources, "it runs a private server on the same data");

        const digestOf = async (password?: string) => {
            const run = await deploy(password === undefined ? {} : { password: pulumi.secret(password) });
            return statefulSet(run.resources).spec.template.metadata.annotations[CREDENTIALS_DIGEST_ANNOTATION];
        };
        const brought = await digestOf("brought-password-0123456789");
        assert.equal(await digestOf("brought-password-0123456789"), brought);
        assert.notEqual(await digestOf("rotated-password-0123456789"), brought);
        assert.notEqual(await digestOf(), brought);
    });

    it("uses a password the user brings in the same Secret, with no generated one", async () => {
        const { resources } = await deploy({ password: pulumi.secret("brought-password-0123456789") });
        assert.equal(resources.ofType(PASSWORD_TYPE).length, 0);
        const record = resources.one("kubernetes:core/v1:Secret");
        assert.deepEqual(as<out.core.v1.Secret>(record).stringData, { password: "brought-password-0123456789" });
        assert.deepEqual(record.secretInputs, ["stringData"]);
        assert.deepEqual(plainOccurrences(resources, "brought-password-0123456789"), []);
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

    it("admits another namespace's pods by namespace and label both, in the same rule after the local clients", async () => {
        const shop = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop" } }, podSelector: { matchLabels: { "platform.example.com/postgres-client": "shop" } } };
        const { resources } = await deploy({ clients: ["shop-db-setup"], namespaceClients: [{ namespace: "shop", labels: { "platform.example.com/postgres-client": "shop" } }] });
        assert.deepEqual(policy(resources).spec.ingress, [
            {
                from: [{ podSelector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["shop-db-setup"] }] } }, shop],
                ports: [{ protocol: "TCP", port: 5432 }],
            },
        ]);
        assert.equal(validateKubernetesObject(resources.one("kubernetes:networking.k8s.io/v1:NetworkPolicy")), "valid");
        // Only other namespaces' clients: no empty In beside them.
        assert.deepEqual(postgresIngressRules([], [{ namespace: "shop", labels: { "platform.example.com/postgres-client": "shop" } }]), [{ from: [shop], ports: [{ protocol: "TCP", port: 5432 }] }]);
        // None: the rule is exactly what it was without the argument.
        assert.deepEqual(postgresIngressRules(["billing"], []), postgresIngressRules(["billing"]));
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

    it("protects the StatefulSet when protectData is true; the Secret and password stay replaceable, so a new password can be applied", async () => {
        const on = await deploy({ protectData: true });
        assert.equal(on.resources.one("kubernetes:apps/v1:StatefulSet").protect, true);
        for (const t of ["kubernetes:core/v1:Secret", PASSWORD_TYPE, "kubernetes:core/v1:Service"]) assert.equal(on.resources.one(t).protect, false, t);
        const off = await deploy({ protectData: false });
        assert.equal(off.resources.one("kubernetes:apps/v1:StatefulSet").protect, false);
        // The size patch alone is retainOnDelete: removing it leaves the claim at its size (claim-growth.test.ts).
        for (const r of [...on.resources.all, ...off.resources.all].filter((x) => x.type !== "kubernetes:core/v1:PersistentVolumeClaimPatch")) assert.equal(r.retainOnDelete, false, `${r.type} ${r.name}`);
        // Plain names in the pod spec; order through dependsOn.
        const sts = on.resources.one("kubernetes:apps/v1:StatefulSet");
        assert.equal(statefulSet(on.resources).spec.serviceName, "postgres");
        assert.ok(sts.dependsOn.includes(on.resources.one("kubernetes:core/v1:Secret").urn));
    });

    it("creates no LoadBalancer, gives every object our provider and a name, and every object matches the schema", async () => {
        for (const version of [PINNED, "16"]) {
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
