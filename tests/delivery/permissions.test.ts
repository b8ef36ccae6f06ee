/**
 * The permission lists in components/<cloud>/permissions.ts against what the program does: a
 * preview of every example stack under the mocks (preflight included) makes only calls the preview
 * identity is given, a deployment only calls the deploy identity is given, every listed call is
 * made by some example stack, and docs/delivery.md shows exactly the lists.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { type CloudPermissions, PERMISSIONS_END, PERMISSIONS_START, coveringCall, kubernetesResourceOf, withRenderedPermissions } from "../../components/cluster/permissions";
import { type ManagedCloud, type PlatformConfig, mapConfigSource, readConfig } from "../../config";
import { ALL_PERMISSIONS, DELIVERY_DOC } from "../../scripts/docs-permissions";
import { exampleStacks, parseStackConfig, stackFile } from "../../scripts/plan-lib";
import { deployStack } from "../../stacks";
import { armGetsSoFar, installCloudMocks } from "../harness/cloud-mocks";
import { runProgram } from "../harness/mocks";

interface Run {
    cloud: PlatformConfig["cloud"];
    /** Invoke tokens and ARM GET paths, in the order made. */
    calls: string[];
    /** Kubernetes resources read (`services`). */
    kubernetesReads: string[];
}

/** A preview (or `up`) of `Pulumi.<stack>.yaml` under the mocks, preflight first. */
async function run(stack: string, preview: boolean): Promise<Run> {
    const parsed = parseStackConfig(fs.readFileSync(stackFile(stack), "utf8"));
    pulumi.runtime.setAllConfig(parsed.values, parsed.secretKeys);
    const config = readConfig(mapConfigSource(parsed.values, { secrets: parsed.secretKeys }));
    installCloudMocks(config.cloud);
    // The preflight runs inside deployStack; only its checks that reach a cluster are left out.
    const { invokes, resources } = await runProgram(() => deployStack(config, { cloudOnly: true }), { preview });
    const kubernetesReads = resources.all.filter((r) => r.read && r.type.startsWith("kubernetes:")).map((r) => kubernetesResourceOf(r.type));
    return { cloud: config.cloud, calls: [...invokes.map((i) => i.token), ...armGetsSoFar()], kubernetesReads };
}

const BY_CLOUD = new Map(ALL_PERMISSIONS.map((p) => [p.cloud, p] as const));

/** The calls of a run that no entry of the list covers (for a preview: no entry made in previews). */
function uncovered(calls: readonly string[], permissions: CloudPermissions, preview: boolean): string[] {
    return [...new Set(calls)].filter((made) => {
        const entry = coveringCall(permissions.calls, made);
        return entry === undefined || (preview && entry.when !== "preview");
    });
}

describe("preview and deploy permissions", function () {
    // Every cloud example stack is evaluated twice (preview and up).
    this.timeout(120_000);
    const runs = new Map<string, { preview: Run; up: Run }>();
    const cloudStacks = (): [string, { preview: Run; up: Run }][] => [...runs].filter(([, r]) => r.preview.cloud !== "local");

    before(async () => {
        for (const stack of exampleStacks()) runs.set(stack, { preview: await run(stack, true), up: await run(stack, false) });
    });

    it("a preview of every example stack calls only what the preview identity is given", () => {
        assert.ok(cloudStacks().length >= 6, "the aws, gcp and azure example stacks ran");
        for (const [stack, r] of cloudStacks()) {
            const perms = BY_CLOUD.get(r.preview.cloud as ManagedCloud);
            assert.ok(perms !== undefined, r.preview.cloud);
            assert.ok(r.preview.calls.length > 0, `${stack}: the preview made no call at all (preflight not run?)`);
            assert.deepEqual(uncovered(r.preview.calls, perms, true), [], `${stack}: calls missing from components/${r.preview.cloud}/permissions.ts (or not marked preview)`);
        }
    });

    it("a deployment of every example stack calls only what the deploy identity is given", () => {
        for (const [stack, r] of cloudStacks()) {
            const perms = BY_CLOUD.get(r.up.cloud as ManagedCloud) as CloudPermissions;
            assert.deepEqual(uncovered(r.up.calls, perms, false), [], `${stack}: calls missing from components/${r.up.cloud}/permissions.ts`);
        }
    });

    it("every listed call is made by some example stack of its cloud (no stale entry in the docs)", () => {
        for (const perms of ALL_PERMISSIONS) {
            const stacks = cloudStacks().filter(([, r]) => r.preview.cloud === perms.cloud);
            for (const entry of perms.calls.filter((c) => c.notInExamples === undefined)) {
                const made = stacks.some(([, r]) => (entry.when === "preview" ? r.preview.calls : r.up.calls).some((c) => coveringCall([entry], c) !== undefined));
                assert.ok(made, `${perms.cloud}: ${entry.call} is listed (${entry.when}) but no example stack makes it`);
            }
        }
    });

    it("a preview reads in the cluster only what the preview identity may `get`", () => {
        for (const [stack, r] of cloudStacks()) {
            const perms = BY_CLOUD.get(r.preview.cloud as ManagedCloud) as CloudPermissions;
            const gettable = new Set(perms.kubernetes.preview.filter((k) => k.verbs.includes("get")).flatMap((k) => k.resources));
            for (const resource of r.preview.kubernetesReads) assert.ok(gettable.has(resource), `${stack}: reads ${resource}`);
        }
    });

    it("docs/delivery.md shows exactly the lists (npm run docs:permissions rewrites them)", () => {
        const doc = fs.readFileSync(DELIVERY_DOC, "utf8");
        assert.ok(doc.includes(PERMISSIONS_START) && doc.includes(PERMISSIONS_END), "docs/delivery.md keeps the generated block's markers");
        assert.equal(doc, withRenderedPermissions(doc, ALL_PERMISSIONS), "docs/delivery.md is out of date: npm run docs:permissions");
    });

    it("docs/aws.md names no AWS permission the list does not have", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "aws.md"), "utf8");
        const listed = new Set(ALL_PERMISSIONS.flatMap((p) => [...p.calls, ...p.engineCalls].flatMap((c) => c.permissions)));
        const named = [...readme.matchAll(/`((?:eks|ec2|ecr|sts|servicequotas):[A-Z][A-Za-z*]+)`/g)].map((m) => m[1]);
        for (const action of named) assert.ok(listed.has(action) || action.endsWith("*"), `docs/aws.md names ${action}`);
    });
});
