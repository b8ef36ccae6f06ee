/**
 * A team's database, declared in the platform stack (`postgres: true` in `platform:teams`): the
 * role's password as a Secret in the team's namespace, the Job that creates the database in
 * Postgres's, Postgres admitting the Job by name and the team's client pods from their namespace,
 * and the facts an app stack reads in the platform contract, all consistent with one another.
 */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { contractValue } from "../../stacks/platform-contract";
import { teamPostgresClients, teamsWithDatabase } from "../../stacks/platform";
import { runStack } from "../../scripts/plan-lib";
import { as, statefulSet } from "../harness/objects";
import { valueOf } from "../harness/mocks";
import { policyViolations, schemaFailures } from "../harness/stack-checks";
import { DEFAULT_TEAM_QUOTA } from "../../config/teams";

import out = k8s.types.output;

const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const SECRET = "kubernetes:core/v1:Secret";
const JOB = "kubernetes:batch/v1:Job";

describe("a team's Postgres database", function () {
    this.timeout(60_000);

    it("is asked for per team: only those teams' pods are admitted, each from its own namespace", () => {
        const teams = [
            { name: "shop", editors: [], quota: DEFAULT_TEAM_QUOTA, postgres: true },
            { name: "blog", editors: [], quota: DEFAULT_TEAM_QUOTA, postgres: false },
            { name: "order-desk", editors: [], quota: DEFAULT_TEAM_QUOTA, postgres: true },
        ];
        assert.deepEqual(
            teamsWithDatabase(teams).map((t) => t.name),
            ["shop", "order-desk"],
        );
        assert.deepEqual(teamPostgresClients(teams), [
            { namespace: "shop", labels: { "platform.example.com/postgres-client": "shop" } },
            { namespace: "order-desk", labels: { "platform.example.com/postgres-client": "order_desk" } },
        ]);
    });

    it("puts the password in the team's namespace, the Job in Postgres's, and Postgres admits both the Job and the team's client pods", async () => {
        const { resources, outputs } = await runStack("dev");
        const teamSecret = resources.all.find((r) => r.type === SECRET && (r.inputs.metadata as { namespace?: string }).namespace === "shop");
        assert.ok(teamSecret, "a Secret in the team's namespace");
        assert.deepEqual(teamSecret.secretInputs, ["stringData"]);
        assert.ok(teamSecret.dependsOn.some((u) => u.endsWith("kubernetes:core/v1:Namespace::team-shop-namespace")), "after the team's namespace");
        const job = as<out.batch.v1.Job>(resources.one(JOB));
        assert.equal(job.metadata.namespace, "apps");
        assert.equal(job.metadata.name, "shop-db-setup");

        const postgresPolicy = as<out.networking.v1.NetworkPolicy>(resources.one(POLICY, "postgres-allow-clients"));
        const [rule] = postgresPolicy.spec.ingress;
        assert.ok(rule.from[0].podSelector.matchExpressions[0].values.includes(job.spec.template.metadata.labels["app.kubernetes.io/name"]), "the Job is admitted");
        const fromShop = rule.from.find((p) => p.namespaceSelector !== undefined);
        assert.deepEqual(fromShop, {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop" } },
            podSelector: { matchLabels: { "platform.example.com/postgres-client": "shop" } },
        });

        // The contract says exactly what the two ends were given.
        const contract = await valueOf(contractValue(outputs.platformContract));
        const db = contract.teams.find((t) => t.name === "shop")?.postgres;
        assert.ok(db, "the team's facts carry its database");
        assert.deepEqual({ host: db.host, port: db.port, database: db.database, user: db.user }, { host: "postgres.apps.svc", port: 5432, database: "shop", user: "shop" });
        assert.deepEqual(db.passwordSecret, { name: (teamSecret.inputs.metadata as { name: string }).name, key: "password" });
        assert.deepEqual(db.clientLabels, fromShop.podSelector.matchLabels);
        assert.deepEqual(db.serverPeer, {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } },
            podSelector: { matchLabels: statefulSet(resources, "postgres").spec.template.metadata.labels },
        });
        assert.deepEqual(schemaFailures(resources), []);
        assert.deepEqual(await policyViolations(resources), []);
    });

    it("is not there for a team that does not ask: no Job, no Secret in its namespace, no peer, nothing in the contract", async () => {
        const { resources, outputs } = await runStack("dev", { "platform:teams": JSON.stringify([{ name: "shop" }]) });
        assert.equal(resources.all.filter((r) => r.type === JOB).length, 0);
        assert.equal(resources.all.filter((r) => r.type === SECRET && (r.inputs.metadata as { namespace?: string }).namespace === "shop").length, 0);
        const postgresPolicy = as<out.networking.v1.NetworkPolicy>(resources.one(POLICY, "postgres-allow-clients"));
        assert.ok((postgresPolicy.spec.ingress ?? []).every((r) => r.from.every((p) => p.namespaceSelector === undefined)));
        const contract = await valueOf(contractValue(outputs.platformContract));
        assert.deepEqual(Object.keys(contract.teams[0]).sort(), ["name", "namespace", "quota"]);
    });
});
