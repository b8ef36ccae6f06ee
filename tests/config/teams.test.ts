/** `platform:teams`: the shape a stack file gives, the defaults a team gets, and every refusal before any resource. */
import * as assert from "node:assert/strict";
import { CERT_MANAGER_NAMESPACE } from "../../components/platform/cert-manager";
import { CLOUDWATCH_SERVICE_ACCOUNT } from "../../components/aws/observability";
import { ENVOY_GATEWAY_NAMESPACE } from "../../components/entry-points/envoy-gateway";
import { INGRESS_NGINX_NAMESPACE } from "../../components/entry-points/ingress-nginx";
import { CLUSTER_DNS_NAMESPACE } from "../../components/cluster/contract";
import { DEFAULT_TEAM_QUOTA, MAX_DATABASE_TEAM_NAME_LENGTH, reservedTeamName, teamDatabaseProblem } from "../../config/teams";
import { databaseJobName, databaseName } from "../../components/workloads/postgres-database";
import { renderConfigReference } from "../../config/reference";
import { AWS, AZURE, GCP, LOCAL, problems, read } from "./fixtures";

const teams = (value: unknown): Record<string, string> => ({ "platform:teams": JSON.stringify(value) });

describe("platform:teams", () => {
    it("is empty unless set", () => {
        assert.deepEqual(read(LOCAL).teams, []);
    });

    it("reads a team as structured config gives it, filling what the quota leaves out from the defaults", () => {
        const config = read({ ...LOCAL, ...teams([{ name: "shop", editors: ["user:ana", "group:shop-devs"], quota: { cpu: "4", pods: 60 } }]) });
        assert.deepEqual(config.teams, [{ name: "shop", editors: ["user:ana", "group:shop-devs"], quota: { ...DEFAULT_TEAM_QUOTA, cpu: "4", pods: 60 }, postgres: false }]);
        assert.deepEqual(read({ ...LOCAL, ...teams([{ name: "ops" }]) }).teams, [{ name: "ops", editors: [], quota: DEFAULT_TEAM_QUOTA, postgres: false }]);
    });

    it("gives a team a database only when it asks, as a YAML boolean or its text", () => {
        assert.equal(read({ ...LOCAL, ...teams([{ name: "shop", postgres: true }]) }).teams[0].postgres, true);
        assert.equal(read({ ...LOCAL, ...teams([{ name: "shop", postgres: "true" }]) }).teams[0].postgres, true);
        assert.equal(read({ ...LOCAL, ...teams([{ name: "shop", postgres: false }]) }).teams[0].postgres, false);
        // A team named like a Postgres name is fine without a database.
        assert.equal(read({ ...LOCAL, ...teams([{ name: "postgres" }]) }).teams[0].postgres, false);
    });

    it("judges the database name the database component gives the team", () => {
        for (const name of ["shop", "order-service", "pg-x", "postgres", "template1"]) {
            const problem = teamDatabaseProblem(name);
            if (problem !== undefined) assert.match(problem, new RegExp(`would be "${databaseName(name)}"`), name);
        }
        assert.equal(teamDatabaseProblem("order-service"), undefined);
        const longest = "a".repeat(MAX_DATABASE_TEAM_NAME_LENGTH);
        assert.equal(teamDatabaseProblem(longest), undefined);
        assert.equal(databaseJobName(longest).length, 63);
        assert.match(teamDatabaseProblem(`${longest}b`) ?? "", /Job "a+b-db-setup" would be longer than a label's 63 characters/);
    });

    it("takes each cloud's principal format, the same as clusterAdmins", () => {
        const ok: [Record<string, string>, string][] = [
            [AWS, "arn:aws:iam::123456789012:role/shop-devs"],
            [GCP, "user:ana@example.com"],
            [AZURE, "0f0e0d0c-0b0a-0908-0706-050403020100"],
            [LOCAL, "group:shop"],
        ];
        for (const [cloud, editor] of ok) assert.deepEqual(read({ ...cloud, ...teams([{ name: "shop", editors: [editor] }]) }).teams[0].editors, [editor]);
        const bad: [Record<string, string>, string, RegExp][] = [
            [AWS, "user:ana@example.com", /is not an IAM role or user ARN/],
            [GCP, "arn:aws:iam::123456789012:role/x", /is not a Google member/],
            [AZURE, "ana@example.com", /is not an Entra object id/],
            [LOCAL, "ana", /is not a Kubernetes user or group/],
        ];
        for (const [cloud, editor, why] of bad) {
            const found = problems({ ...cloud, ...teams([{ name: "shop", editors: [editor] }]) });
            assert.equal(found.length, 1, found.join("\n"));
            assert.match(found[0], /^platform:teams: \[0\] "shop": editors: /);
            assert.match(found[0], why);
        }
    });

    it("refuses a GKE group without Google Groups for RBAC, as for clusterAdmins", () => {
        assert.match(problems({ ...GCP, ...teams([{ name: "shop", editors: ["group:devs@example.com"] }]) }).join("\n"), /"shop" names "group:devs@example.com", a group/);
        const withGroups = read({ ...GCP, "platform:gkeSecurityGroup": "gke-security-groups@example.com", ...teams([{ name: "shop", editors: ["group:devs@example.com"] }]) });
        assert.equal(withGroups.teams.length, 1);
    });

    const refusals: [string, unknown, RegExp][] = [
        ["a duplicate name", [{ name: "shop" }, { name: "shop" }], /"shop" is named twice/],
        ["a name that is not a DNS label", [{ name: "Shop_1" }], /\[0\] "Shop_1": name: "Shop_1" is not valid; expected a DNS label/],
        ["a name longer than a label", [{ name: "a".repeat(64) }], /expected a DNS label/],
        ["the platform's app namespace", [{ name: "apps" }], /"apps" is a namespace the platform uses; choose another team name/],
        ["a kube- namespace", [{ name: "kube-system" }], /starts with "kube-"/],
        ["a zero CPU quota", [{ name: "shop", quota: { cpu: "0" } }], /quota: cpu: "0" is not valid; expected a CPU quantity above zero/],
        ["a memory quota without a unit", [{ name: "shop", quota: { memory: "4096" } }], /quota: memory: "4096" is not valid/],
        ["a negative pod count", [{ name: "shop", quota: { pods: -1 } }], /quota: pods: -1 is out of range/],
        ["an unknown quota field", [{ name: "shop", quota: { gpus: 1 } }], /"gpus" is not a field \(expected cpu, memory, storage, pods, services, persistentVolumeClaims\)/],
        ["a team without a name", [{ editors: [] }], /\[0\]: name is missing/],
        ["a database the superuser's", [{ name: "postgres", postgres: true }], /"postgres" asks for postgres, but its database and role would be "postgres", which Postgres reserves or uses itself/],
        ["a database a template's", [{ name: "template1", postgres: true }], /would be "template1"/],
        ["a role Postgres reserves (pg_)", [{ name: "pg-shop", postgres: true }], /"pg-shop" asks for postgres, but its database and role would be "pg_shop"/],
        ["a role Postgres refuses (public)", [{ name: "public", postgres: true }], /would be "public"/],
        ["a database for a name too long for its Job", [{ name: "a".repeat(55), postgres: true }], /a team with a database has a name of at most 54/],
        ["postgres that is not a boolean", [{ name: "shop", postgres: "yes" }], /\[0\] "shop": postgres: "yes" is not a boolean; expected true or false/],
        ["an object instead of a list", { name: "shop" }, /expected a JSON list of teams/],
    ];
    for (const [what, value, why] of refusals) {
        it(`refuses ${what}, naming the key and the value`, () => {
            const found = problems({ ...LOCAL, ...teams(value) });
            assert.equal(found.length, 1, found.join("\n"));
            assert.match(found[0], /^platform:teams: /);
            assert.match(found[0], why);
        });
    }

    it("reserves every namespace the platform's components run in", () => {
        for (const ns of ["apps", CERT_MANAGER_NAMESPACE, ENVOY_GATEWAY_NAMESPACE, INGRESS_NGINX_NAMESPACE, CLOUDWATCH_SERVICE_ACCOUNT.namespace, CLUSTER_DNS_NAMESPACE, "default"]) {
            assert.notEqual(reservedTeamName(ns), undefined, ns);
        }
        assert.equal(reservedTeamName("shop"), undefined);
    });

    it("has a row in the generated configuration reference, its type from the kind", () => {
        const row = renderConfigReference().split("\n").find((l) => l.startsWith("| `platform:teams` |"));
        assert.ok(row);
        assert.match(row, /\| all \| JSON list of teams: team \{name, editors, quota, postgres\} \| none \|/);
    });
});
