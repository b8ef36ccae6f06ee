/**
 * The example app stack, under the same mocks as the platform: its StackReference answers with what
 * the platform's own example stacks really export (scripts/plan-lib.ts runAppStack evaluates them
 * first), so a change to the platform's contract shows up here.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { load } from "js-yaml";
import { APP_STACK_DIR, EXAMPLE_STACK_OF, runAppStack } from "../../scripts/plan-lib";
import { readAppStackConfig } from "../../examples/app-stack/app-stack";
import { valueOf } from "../harness/mocks";
import { as } from "../harness/objects";
import { policyViolations, schemaFailures } from "../harness/stack-checks";

import out = k8s.types.output;

const PROVIDER = "pulumi:providers:kubernetes";

async function refusal(run: Promise<unknown>): Promise<string> {
    try {
        await run;
    } catch (e) {
        return e instanceof Error ? e.message : String(e);
    }
    assert.fail("expected the app stack to be refused");
}

describe("examples/app-stack", function () {
    this.timeout(60_000);

    it("deploys the app into its team's namespace, through its own provider on the platform's context", async () => {
        const { resources, outputs } = await runAppStack();
        const objects = resources.kubernetesObjects();
        assert.ok(objects.some((r) => r.type === "kubernetes:apps/v1:Deployment"), objects.map((r) => r.type).join(", "));
        for (const r of objects) assert.equal((r.inputs.metadata as { namespace?: string }).namespace, "shop", `${r.type} ${r.name}`);
        const provider = resources.one(PROVIDER, "platform");
        assert.equal(provider.inputs.context, "kind-kind");
        for (const r of objects) assert.match(r.provider, /pulumi:providers:kubernetes::platform::/, `${r.type} ${r.name}`);
        assert.match(await valueOf(outputs.url), /^http:\/\/localhost:30080\/hello/);
        assert.equal(outputs.namespace, "shop");
    });

    for (const controller of ["nginx", "gateway"] as const) {
        it(`passes the schema and the policy pack, routed through ${controller}`, async () => {
            const { resources } = await runAppStack({ platformExtra: { "platform:ingressController": controller } });
            const routes = resources.kubernetesObjects().filter((r) => /Ingress$|HTTPRoute$/.test(r.type));
            assert.ok(routes.length > 0 && routes.every((r) => r.type.endsWith(controller === "nginx" ? "Ingress" : "HTTPRoute")), routes.map((r) => r.type).join(", "));
            assert.deepEqual(schemaFailures(resources), []);
            assert.deepEqual(await policyViolations(resources), []);
        });
    }

    it("with usePostgres, uses the team's database as the contract describes it: client label, egress to Postgres's pods, the Secret as a file", async () => {
        const { resources, contract } = await runAppStack({ appExtra: { "app-stack:usePostgres": "true" } });
        const db = contract.teams.find((t) => t.name === "shop")?.postgres;
        assert.ok(db, "the dev platform gives shop a database");
        const d = as<out.apps.v1.Deployment>(resources.one("kubernetes:apps/v1:Deployment"));
        for (const [k, v] of Object.entries(db.clientLabels)) assert.equal(d.spec.template.metadata.labels[k], v);
        const egress = as<out.networking.v1.NetworkPolicy>(resources.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "hello-allow-postgres-egress"));
        assert.equal(egress.metadata.namespace, "shop");
        assert.deepEqual(egress.spec.egress, [{ to: [db.serverPeer], ports: [{ protocol: "TCP", port: db.port }] }]);
        const volume = d.spec.template.spec.volumes.find((v) => v.name === "postgres-password");
        assert.equal(volume?.secret.secretName, db.passwordSecret.name);
        const env = Object.fromEntries(d.spec.template.spec.containers[0].env.map((e) => [e.name, e.value]));
        assert.deepEqual([env.PGHOST, env.PGDATABASE, env.PGUSER], [db.host, db.database, db.user]);
        assert.deepEqual(schemaFailures(resources), []);
        assert.deepEqual(await policyViolations(resources), []);
    });

    it("refuses usePostgres on a team without a database, and a usePostgres that is not a boolean", async () => {
        const withoutDatabase = { "platform:teams": JSON.stringify([{ name: "shop" }]) };
        assert.match(
            await refusal(runAppStack({ platformExtra: withoutDatabase, appExtra: { "app-stack:usePostgres": "true" } })),
            /^app-stack:usePostgres: team "shop" of organization\/platform\/dev has no database; set postgres: true on it in the platform's platform:teams/,
        );
        assert.match(await refusal(runAppStack({ appExtra: { "app-stack:usePostgres": "yes" } })), /app-stack:usePostgres: "yes" is not a boolean; expected true or false/);
        // Left out, nothing of the database reaches the app.
        const { resources } = await runAppStack();
        assert.equal(resources.all.filter((r) => r.name === "hello-allow-postgres-egress").length, 0);
    });

    it("on a cloud, connects with the contract's kubeconfig, kept secret", async () => {
        const { resources, contract } = await runAppStack({ platformStack: EXAMPLE_STACK_OF.aws, platformExtra: { "platform:teams": JSON.stringify([{ name: "shop" }]) } });
        assert.notEqual(contract.kubeconfig, "none");
        const provider = resources.one(PROVIDER, "platform");
        assert.ok(provider.secretInputs.includes("kubeconfig"), provider.secretInputs.join(", "));
        assert.equal(provider.inputs.context, undefined);
    });

    it("refuses a contract of another version in one line, before any resource", async () => {
        const message = await refusal(runAppStack({ contractOverride: (c) => ({ ...c, version: 2 }) }));
        assert.match(message, /^organization\/platform\/dev: the platform stack's platformContract has version 2; this program reads version 1/);
        assert.equal(message.split("\n").length, 1);
    });

    it("refuses a platform stack without the contract, a team it does not declare, and an app over the team's quota", async () => {
        assert.match(await refusal(runAppStack({ contractOverride: () => undefined })), /^organization\/platform\/dev: the platform stack's platformContract is undefined, not an object/);
        assert.match(await refusal(runAppStack({ appExtra: { "app-stack:team": "blog" } })), /app-stack:team: "blog" is not a team of organization\/platform\/dev \(teams: shop\)/);
        const small = { "platform:teams": JSON.stringify([{ name: "shop", quota: { cpu: "200m" } }]) };
        assert.match(await refusal(runAppStack({ platformExtra: small })), /team "shop": hello request 250m of cpu at their largest scale, above the team's quota of 200m/);
    });

    it("on a local platform, asks for the context instead of using the ambient one", async () => {
        const values = { platformStack: "organization/platform/dev", team: "shop", image: `r.example.com/x@sha256:${"a".repeat(64)}` };
        const config = readAppStackConfig((k) => (values as Record<string, string>)[k]);
        assert.equal(config.kubeContext, undefined);
        const message = await refusal(runAppStack({ appExtra: { "app-stack:kubeContext": "" } }));
        assert.match(message, /app-stack:kubeContext: is required when the platform runs on a local cluster/);
    });

    it("refuses config it cannot use, every problem at once", () => {
        const bad = { platformStack: "dev", team: "Shop", image: "r.example.com/x:latest", port: "0" };
        assert.throws(
            () => readAppStackConfig((k) => (bad as Record<string, string>)[k]),
            (e: Error) =>
                /app-stack:platformStack: "dev" is not valid/.test(e.message) &&
                /app-stack:team: "Shop" is not valid/.test(e.message) &&
                /app-stack:image: "r.example.com\/x:latest" names a tag only/.test(e.message) &&
                /app-stack:port: "0" is not an integer from 1 to 65535/.test(e.message),
        );
    });

    it("is a Pulumi project of its own, on nodejs under tsx, whose main exists", () => {
        const project = load(fs.readFileSync(path.join(APP_STACK_DIR, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
        assert.equal(project.name, "app-stack");
        assert.equal(typeof project.description, "string");
        assert.deepEqual(project.runtime, { name: "nodejs", options: { typescript: false, nodeargs: "--import tsx" } });
        assert.ok(fs.existsSync(path.join(APP_STACK_DIR, String(project.main))));
        const stack = load(fs.readFileSync(path.join(APP_STACK_DIR, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
        assert.deepEqual(Object.keys(stack.config).filter((k) => !k.startsWith("app-stack:")), []);
    });
});
