/**
 * An app's declared dependencies wired both ways, as the composition root does it: the server
 * admits the app (and a database's Job), the app egresses to the server, and the credentials reach
 * the pods as mounted files only.
 */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { App } from "../../../components/apps/app";
import { CLUSTER_AUTOSCALER_DISRUPTION, KUBE_DNS } from "../../../components/cluster/contract";
import { AppNamespace } from "../../../components/platform/namespace";
import { Postgres } from "../../../components/workloads/postgres";
import { databaseJobName, databaseName, PostgresDatabase, postgresClientLabels, postgresDatabaseClients } from "../../../components/workloads/postgres-database";
import type { TeamDatabaseFacts } from "../../../components/apps/contract";
import { workloadLabels } from "../../../components/platform/workload-security";
import { Redis } from "../../../components/workloads/redis";
import { CREDENTIALS_DIGEST_ANNOTATION } from "../../../components/workloads/stateful-data";
import { postgresClientNames } from "../../../stacks/platform";
import { type ResourceSet, runProgram } from "../../harness/mocks";
import { as, container as containerOf, deployment, statefulSet } from "../../harness/objects";
import { mockPasswords, passwordOf, plainOccurrences, secretOccurrences } from "../../harness/passwords";
import { policyViolations, schemaFailures } from "../../harness/stack-checks";
import { minimalArgs, renderApp } from "./fixtures";

import out = k8s.types.output;

const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const policyNamed = (rs: ResourceSet, name: string) => as<out.networking.v1.NetworkPolicy>(rs.one(POLICY, name));

/** Redis, Postgres and an app `orders` using both, wired as stacks/platform.ts wires them. */
function deployAll() {
    return runProgram(() => {
        const provider = new k8s.Provider("k8s", { context: "kind-kind" });
        const ns = new AppNamespace("apps", { name: "apps", dns: KUBE_DNS }, { provider });
        const redis = new Redis(
            "redis",
            { namespace: ns.name, storageClassName: "platform-standard", storageSize: "5Gi", protectData: true, clients: [{ "app.kubernetes.io/name": "orders" }], disruption: CLUSTER_AUTOSCALER_DISRUPTION },
            { provider },
        );
        const postgres = new Postgres(
            "postgres",
            {
                namespace: ns.name,
                storageClassName: "platform-retain",
                storageSize: "20Gi",
                version: "18.1",
                clients: postgresClientNames([], ["orders"], false),
                protectData: true,
                disruption: CLUSTER_AUTOSCALER_DISRUPTION,
            },
            { provider },
        );
        const database = new PostgresDatabase("orders-db", { app: "orders", postgres: postgres.connection, server: postgres, postgresNamespace: ns.name, appNamespace: ns.name }, { provider });
        return new App("orders", minimalArgs({ namespace: ns.name, uses: { redis: redis.connection, postgres: database.connection } }), { provider });
    });
}

describe("App uses Redis and a Postgres database of its own", () => {
    mockPasswords();

    it("names the database and its Job from the app, and Postgres admits both (after the key's pods, before the backup)", () => {
        assert.equal(databaseName("order-service"), "order_service");
        assert.deepEqual(postgresDatabaseClients("orders"), ["orders", "orders-db-setup"]);
        assert.deepEqual(postgresClientNames(["legacy"], ["orders"], true), ["legacy", "orders", "orders-db-setup", "postgres-backup"]);
        assert.deepEqual(postgresClientNames([], [], false), []);
    });

    it("is admitted by Redis and Postgres, and egresses to exactly their pods", async () => {
        const { resources, result } = await deployAll();
        const appPods = deployment(resources).spec.template.metadata.labels;
        for (const [k, v] of Object.entries(policyNamed(resources, "redis-allow-clients").spec.ingress[0].from[0].podSelector.matchLabels)) assert.equal(appPods[k], v);
        assert.deepEqual(result.clientLabels, { "app.kubernetes.io/name": "orders" });
        const admitted = policyNamed(resources, "postgres-allow-clients").spec.ingress[0].from[0].podSelector.matchExpressions[0].values;
        assert.ok(admitted.includes(appPods["app.kubernetes.io/name"]));
        const redisPods = statefulSet(resources, "redis").spec.template.metadata.labels;
        const postgresPods = statefulSet(resources, "postgres").spec.template.metadata.labels;
        assert.deepEqual(policyNamed(resources, "orders-allow-redis-egress").spec.egress, [{ to: [{ podSelector: { matchLabels: redisPods } }], ports: [{ protocol: "TCP", port: 6379 }] }]);
        assert.deepEqual(policyNamed(resources, "orders-allow-postgres-egress").spec.egress, [{ to: [{ podSelector: { matchLabels: postgresPods } }], ports: [{ protocol: "TCP", port: 5432 }] }]);

        // The Job that creates the database is admitted too, and may reach Postgres.
        const job = as<out.batch.v1.Job>(resources.one("kubernetes:batch/v1:Job"));
        assert.equal(job.metadata.name, databaseJobName("orders"));
        assert.ok(admitted.includes(job.spec.template.metadata.labels["app.kubernetes.io/name"]));
        const jobEgress = policyNamed(resources, "orders-db-allow-postgres-egress");
        assert.deepEqual(jobEgress.spec.podSelector.matchLabels, job.spec.template.metadata.labels);
        assert.deepEqual(jobEgress.spec.egress[0].to, [{ podSelector: { matchLabels: postgresPods } }]);
        assert.ok(resources.one("kubernetes:batch/v1:Job").dependsOn.some((u) => u.endsWith("kubernetes:apps/v1:StatefulSet::postgres")), "the Job waits for the server");
    });

    it("gets where both are and their password files, mounted read-only; a new password rolls the pods", async () => {
        const { resources } = await deployAll();
        const c = containerOf(deployment(resources));
        assert.deepEqual(
            c.env.map((e) => [e.name, e.value]),
            [
                ["REDIS_HOST", "redis-rw.apps.svc"],
                ["REDIS_PORT", "6379"],
                ["REDIS_PASSWORD_FILE", "/run/secrets/redis/password"],
                ["PGHOST", "postgres.apps.svc"],
                ["PGPORT", "5432"],
                ["PGDATABASE", "orders"],
                ["PGUSER", "orders"],
                ["POSTGRES_PASSWORD_FILE", "/run/secrets/postgres/password"],
            ],
        );
        const volumes = deployment(resources).spec.template.spec.volumes;
        assert.deepEqual(volumes.find((v) => v.name === "postgres-password")?.secret, { secretName: "orders-postgres", defaultMode: 0o440, items: [{ key: "password", path: "password" }] });
        assert.ok(c.volumeMounts.some((m) => m.name === "postgres-password" && m.readOnly && m.mountPath === "/run/secrets/postgres"));
        assert.match(deployment(resources).spec.template.metadata.annotations[CREDENTIALS_DIGEST_ANNOTATION], /^[0-9a-f]{32},[0-9a-f]{32}$/);
        // The app starts once its database exists.
        const d = resources.one("kubernetes:apps/v1:Deployment");
        assert.ok(d.dependsOn.some((u) => u.includes("kubernetes:batch/v1:Job::orders-db-setup")), d.dependsOn.join("\n"));
    });

    it("keeps the generated password secret: in the two Secrets only, on no command line or env value", async () => {
        const { resources } = await deployAll();
        const password = passwordOf("orders-db-password");
        assert.deepEqual(secretOccurrences(resources, password).sort(), ["kubernetes:core/v1:Secret/orders-db-app-secret.stringData", "kubernetes:core/v1:Secret/orders-db-job-secret.stringData"]);
        assert.deepEqual(plainOccurrences(resources, password), []);
        const job = as<out.batch.v1.Job>(resources.one("kubernetes:batch/v1:Job"));
        const jobContainer = job.spec.template.spec.containers[0];
        assert.ok(jobContainer.env.every((e) => !/PASSWORD$/.test(e.name) || e.value.startsWith("/run/")), "only password files in the env");
        assert.equal(job.spec.template.spec.restartPolicy, "Never");
    });

    it("passes the schema and the policy pack, every object with our provider", async () => {
        const { resources } = await deployAll();
        assert.deepEqual(schemaFailures(resources), []);
        assert.deepEqual(await policyViolations(resources), []);
        for (const o of resources.kubernetesObjects()) assert.match(o.provider, /pulumi:providers:kubernetes::k8s::/, `${o.type} ${o.name}`);
    });
});

/** A team's database as the platform contract carries it: Postgres in `apps`, the team's Secret in `shop`. */
const TEAM_DB: TeamDatabaseFacts = {
    host: "postgres.apps.svc",
    port: 5432,
    database: "shop",
    user: "shop",
    passwordSecret: { name: "shop-postgres", key: "password" },
    serverPeer: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } }, podSelector: { matchLabels: workloadLabels("postgres", "postgres") } },
    clientLabels: postgresClientLabels("shop"),
};

describe("App uses a team's database from contract data (Postgres in another namespace)", () => {
    const render = () => renderApp(minimalArgs({ namespace: "shop", uses: { postgres: TEAM_DB } }));

    it("carries the client label on its pods only, not in any selector (adding it replaces nothing)", async () => {
        const { resources } = await render();
        const d = deployment(resources);
        assert.equal(d.spec.template.metadata.labels["platform.example.com/postgres-client"], "shop");
        assert.equal(d.spec.selector.matchLabels["platform.example.com/postgres-client"], undefined);
        const service = as<out.core.v1.Service>(resources.one("kubernetes:core/v1:Service"));
        assert.equal(service.spec.selector["platform.example.com/postgres-client"], undefined);
        for (const p of resources.all.filter((r) => r.type === POLICY)) {
            assert.equal(as<out.networking.v1.NetworkPolicy>(p).spec.podSelector.matchLabels["platform.example.com/postgres-client"], undefined, p.name);
        }
    });

    it("egresses to Postgres's pods in Postgres's namespace, on its port only", async () => {
        const { resources } = await render();
        assert.deepEqual(policyNamed(resources, "orders-allow-postgres-egress").spec.egress, [
            {
                to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } }, podSelector: { matchLabels: workloadLabels("postgres", "postgres") } }],
                ports: [{ protocol: "TCP", port: 5432 }],
            },
        ]);
    });

    it("mounts the team's Secret as a file and says where the database is; waits for nothing of the platform stack", async () => {
        const { resources } = await render();
        const c = containerOf(deployment(resources));
        assert.deepEqual(
            c.env.map((e) => [e.name, e.value]),
            [
                ["PGHOST", "postgres.apps.svc"],
                ["PGPORT", "5432"],
                ["PGDATABASE", "shop"],
                ["PGUSER", "shop"],
                ["POSTGRES_PASSWORD_FILE", "/run/secrets/postgres/password"],
            ],
        );
        const volumes = deployment(resources).spec.template.spec.volumes;
        assert.deepEqual(volumes.find((v) => v.name === "postgres-password")?.secret, { secretName: "shop-postgres", defaultMode: 0o440, items: [{ key: "password", path: "password" }] });
        assert.ok(c.volumeMounts.some((m) => m.name === "postgres-password" && m.readOnly && m.mountPath === "/run/secrets/postgres"));
        assert.equal(deployment(resources).spec.template.metadata.annotations?.[CREDENTIALS_DIGEST_ANNOTATION], undefined);
        assert.deepEqual(resources.one("kubernetes:apps/v1:Deployment").dependsOn, []);
    });

    it("passes the schema and the policy pack", async () => {
        const { resources } = await render();
        assert.deepEqual(schemaFailures(resources), []);
        assert.deepEqual(await policyViolations(resources), []);
    });
});
