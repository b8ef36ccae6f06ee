/**
 * No container of any stack carries a credential in its environment or on a command line: every
 * container, init container, probe, lifecycle hook and CronJob template of every example stack's
 * plan is walked. Passwords reach the workloads as files mounted from Secrets, whether generated or
 * brought (`platform:postgresPassword`, `platform:redisPassword`).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { load } from "js-yaml";
import { mapConfigSource, readConfig } from "../../../config";
import { stackManifests } from "../../../scripts/kube-score";
import { exampleStacks, parseStackConfig, stackFile } from "../../../scripts/plan-lib";
import { deployStack } from "../../../stacks";
import { installCloudMocks } from "../../harness/cloud-mocks";
import { runProgram } from "../../harness/mocks";
import { PASSWORD_TYPE, plainOccurrences, secretOccurrences } from "../../harness/passwords";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const at = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** Names of environment variables that hold a credential when they hold a value (a `_FILE` names a file). */
const CREDENTIAL_NAME = /PASS(WORD|WD)?|SECRET|TOKEN|CREDENTIAL|AUTH/i;
const NAMES_A_FILE = /(FILE|_DIR|_PATH)$/;
/** A switch is no credential: rclone's `RCLONE_CONFIG_<remote>_ENV_AUTH=true` says where credentials come from. */
const IS_SWITCH = /^(true|false)$/;
/** Command-line options that take a password itself. */
const PASSWORD_OPTION = /(^|\s)(--requirepass|--masterauth|--pass(word)?(=|\s)|-a\s)|PGPASSWORD=/;

/** The pod spec a workload object runs, if it runs one. */
function podSpecOf(obj: Obj): Obj | undefined {
    const spec = (() => {
        switch (obj.kind) {
            case "Pod":
                return obj.spec;
            case "CronJob":
                return at(obj, "spec", "jobTemplate", "spec", "template", "spec");
            case "Deployment":
            case "StatefulSet":
            case "DaemonSet":
            case "ReplicaSet":
            case "Job":
                return at(obj, "spec", "template", "spec");
            default:
                return undefined;
        }
    })();
    return isObj(spec) ? spec : undefined;
}

/** Every command line a container runs or has run for it: command, args, exec probes, exec hooks. */
function commandLines(c: Obj): Array<[string, string]> {
    const lines: Array<[string, string]> = [];
    const add = (where: string, v: unknown) => {
        if (Array.isArray(v)) lines.push([where, v.map(String).join(" ")]);
    };
    add("command", c.command);
    add("args", c.args);
    for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) add(`${probe}.exec`, at(c, probe, "exec", "command"));
    for (const hook of ["postStart", "preStop"]) add(`lifecycle.${hook}.exec`, at(c, "lifecycle", hook, "exec", "command"));
    return lines;
}

/** What exposes a credential in one container, one line each. */
function containerExposures(c: Obj): string[] {
    const found: string[] = [];
    const fromSecret = new Set<string>();
    for (const e of list(c.env)) {
        const name = String(e.name);
        if (isObj(at(e, "valueFrom", "secretKeyRef"))) {
            fromSecret.add(name);
            found.push(`env ${name} comes from Secret ${String(at(e, "valueFrom", "secretKeyRef", "name"))}`);
        } else if (e.value !== undefined && CREDENTIAL_NAME.test(name) && !NAMES_A_FILE.test(name) && !IS_SWITCH.test(String(e.value))) {
            found.push(`env ${name} holds a value`);
        }
    }
    for (const e of list(c.envFrom)) if (isObj(e.secretRef)) found.push(`envFrom Secret ${String(at(e, "secretRef", "name"))}`);
    for (const [where, line] of commandLines(c)) {
        for (const m of line.matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
            if (fromSecret.has(m[1]) || CREDENTIAL_NAME.test(m[1])) found.push(`${where} expands $(${m[1]})`);
        }
        if (PASSWORD_OPTION.test(line)) found.push(`${where} passes a password option: ${line.slice(0, 80)}`);
    }
    return found;
}

/** Every credential exposure in an object's pod spec, `<Kind>/<name> <container>: <what>`. */
function credentialExposures(obj: Obj): string[] {
    const pod = podSpecOf(obj);
    if (!pod) return [];
    const id = `${String(obj.kind)}/${String(at(obj, "metadata", "name"))}`;
    const containers = [...list(pod.initContainers), ...list(pod.containers), ...list(pod.ephemeralContainers)];
    return containers.flatMap((c) => containerExposures(c).map((x) => `${id} ${String(c.name)}: ${x}`));
}

const deployment = (container: Obj, init: Obj[] = []): Obj => ({
    kind: "Deployment",
    metadata: { name: "d" },
    spec: { template: { spec: { initContainers: init, containers: [container] } } },
});

describe("credentials in container specs", () => {
    it("are found wherever a container could carry one: env, envFrom, args, probes, hooks, init containers, CronJob templates", () => {
        const secretEnv = { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } };
        const cases: Array<[Obj, RegExp]> = [
            [deployment({ name: "app", env: [secretEnv] }), /app: env DB_PASSWORD comes from Secret db/],
            [deployment({ name: "app", envFrom: [{ secretRef: { name: "db" } }] }), /app: envFrom Secret db/],
            [deployment({ name: "app", env: [{ name: "PGPASSWORD", value: "hunter2" }] }), /app: env PGPASSWORD holds a value/],
            [deployment({ name: "app", env: [{ name: "RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY", value: "wJalrXUtnFEMI" }] }), /app: env RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY holds a value/],
            [deployment({ name: "redis", args: ["--requirepass", "$(REDIS_PASSWORD)"] }), /redis: args expands \$\(REDIS_PASSWORD\)/],
            [deployment({ name: "redis", args: ["--requirepass", "hunter2"] }), /redis: args passes a password option/],
            [deployment({ name: "x", env: [{ ...secretEnv, name: "K" }], readinessProbe: { exec: { command: ["sh", "-c", "check $(K)"] } } }), /x: readinessProbe\.exec expands \$\(K\)/],
            [deployment({ name: "x", livenessProbe: { exec: { command: ["redis-cli", "-a", "pw", "ping"] } } }), /x: livenessProbe\.exec passes a password option/],
            [deployment({ name: "x", lifecycle: { preStop: { exec: { command: ["sh", "-c", "PGPASSWORD=pw psql"] } } } }), /x: lifecycle\.preStop\.exec passes a password option/],
            [deployment({ name: "main" }, [{ name: "init", env: [secretEnv] }]), /d init: env DB_PASSWORD comes from Secret db/],
            [
                { kind: "CronJob", metadata: { name: "c" }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "job", env: [secretEnv] }] } } } } } },
                /CronJob\/c job: env DB_PASSWORD comes from Secret db/,
            ],
            [{ kind: "StatefulSet", metadata: { name: "s" }, spec: { template: { spec: { containers: [{ name: "c", command: ["x", "$(DB_TOKEN)"] }] } } } }, /c: command expands/],
        ];
        for (const [obj, expected] of cases) {
            const found = credentialExposures(obj);
            assert.ok(found.some((f) => expected.test(f)), `${JSON.stringify(obj)}: ${found.join("; ") || "nothing found"}`);
        }
        // A file's path is no credential; a shell's own $(…) is not a kubelet expansion of one.
        const clean = deployment({
            name: "ok",
            env: [
                { name: "REDIS_PASSWORD_FILE", value: "/run/secrets/redis/password" },
                { name: "PGPASSFILE", value: "/run/pgpass/pgpass" },
                { name: "RCLONE_CONFIG_STORE_ENV_AUTH", value: "true" },
            ],
            args: ["--include", "/run/redis/auth.conf"],
            readinessProbe: { exec: { command: ["sh", "-c", "redis-cli --askpass ping < /run/redis/password"] } },
        });
        assert.deepEqual(credentialExposures(clean), []);
    });

    for (const stack of exampleStacks()) {
        it(`${stack}: no container of the plan carries a password in its environment or on a command line`, () => {
            const objects = Object.values(stackManifests(stack).files).map((text) => load(text) as Obj);
            const pods = objects.filter((o) => podSpecOf(o) !== undefined);
            // The four workloads at least: Redis, Postgres, the backup CronJob (on by default), the app.
            assert.ok(pods.length >= 4, `${stack}: ${pods.length} pod templates`);
            const containers = pods.flatMap((o) => [...list(podSpecOf(o)?.initContainers), ...list(podSpecOf(o)?.containers)]);
            assert.ok(containers.length >= 7, `${stack}: ${containers.length} containers`);
            assert.deepEqual(objects.flatMap(credentialExposures), []);
        });
    }

    it("brought passwords fill the same Secrets as secrets, create no random password, and appear in no other input", async () => {
        const postgres = "brought-postgres-password-0123";
        const redis = "brought-redis-password-4567";
        const parsed = parseStackConfig(fs.readFileSync(stackFile("dev"), "utf8"));
        const values = { ...parsed.values, "platform:postgresPassword": postgres, "platform:redisPassword": redis };
        const secrets = [...parsed.secretKeys, "platform:postgresPassword", "platform:redisPassword"];
        pulumi.runtime.setAllConfig(values, secrets);
        const config = readConfig(mapConfigSource(values, { secrets }));
        installCloudMocks(config.cloud);
        const { resources } = await runProgram(() => deployStack(config));
        // The e2e stack runs without the random provider: it declares no team database, whose
        // password is always generated (no key brings one); the dev stack's team shop has one.
        assert.deepEqual(
            resources.ofType(PASSWORD_TYPE).map((r) => r.name),
            ["team-shop-db-password"],
            "no random password but the team database's",
        );
        assert.deepEqual(secretOccurrences(resources, postgres), ["kubernetes:core/v1:Secret/postgres-auth.stringData"]);
        assert.deepEqual(secretOccurrences(resources, redis), ["kubernetes:core/v1:Secret/redis-auth.stringData"]);
        for (const pw of [postgres, redis]) assert.deepEqual(plainOccurrences(resources, pw), [], `${pw} in plain text`);
    });
});
