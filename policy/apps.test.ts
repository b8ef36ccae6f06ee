/**
 * The pack admits every object an `App` can produce: an app with a volume on each of the
 * platform's StorageClasses, routed through each kind of entry point, with every optional part
 * (Secret files and env, declared egress, autoscaling) is checked against every policy.
 */
import * as assert from "node:assert/strict";
import type { EntryPointFacts } from "../components/apps/contract";
import type { StorageRole } from "../components/cluster/contract";
import { STORAGE_ROLES } from "../components/cluster/contract";
import { contract, GATEWAY, minimalArgs, NGINX, renderApp } from "../tests/components/apps/fixtures";
import { policyViolations } from "../tests/harness/stack-checks";

/** An app with a volume of `role`, as many replicas as the role allows, and every optional part. */
function appWith(role: StorageRole, entryPoints: EntryPointFacts[]) {
    const shared = role === "shared";
    return minimalArgs({
        platform: contract({ entryPoints }),
        replicas: shared ? 2 : 1,
        ...(shared ? { autoscaling: { maxReplicas: 4 } } : {}),
        volumes: [{ name: "data", mountPath: "/data", role, size: "1Gi" }],
        route: { host: "shop.example.com", path: "/orders" },
        secretFiles: [{ secretName: "api", mountPath: "/run/secrets/api" }],
        secretEnv: [{ name: "API_TOKEN", secretName: "api", key: "token" }],
        egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }], ports: [{ port: 443 }] }],
    });
}

describe("the policy pack and App", () => {
    for (const role of STORAGE_ROLES) {
        for (const [kind, entryPoints] of [["ingress", [NGINX]], ["gateway", [GATEWAY]]] as const) {
            it(`admits every object of an app with a ${role} volume behind the ${kind} entry point`, async () => {
                const { resources } = await renderApp(appWith(role, [...entryPoints]));
                assert.ok(resources.ofType("kubernetes:core/v1:PersistentVolumeClaim").length === 1, "the claim is checked too");
                assert.deepEqual(await policyViolations(resources), []);
            });
        }
    }
});
