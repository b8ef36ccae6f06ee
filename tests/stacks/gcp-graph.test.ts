/**
 * The GCP stack's dependency graph where it matters on day one: the app image is pushed with a
 * Google access token that lives about an hour, so its build and push must wait only for the
 * Artifact Registry repository, never for the cluster, its nodes or the add-ons.
 */
import * as assert from "node:assert/strict";
import { EXAMPLE_STACK_OF, runStack } from "../../scripts/plan-lib";
import type { RecordedResource, ResourceSet } from "../harness/mocks";

/** The resource and every ancestor up to the stack, nearest first. */
function lineage(resources: ResourceSet, r: RecordedResource): RecordedResource[] {
    const byUrn = new Map(resources.all.map((x) => [x.urn, x]));
    const chain: RecordedResource[] = [];
    for (let cur: RecordedResource | undefined = r; cur !== undefined; cur = byUrn.get(cur.parent)) chain.push(cur);
    return chain;
}

describe("stack: gcp dependency graph", () => {
    let resources: ResourceSet;
    before(async () => {
        ({ resources } = await runStack(EXAMPLE_STACK_OF.gcp));
    });

    it("builds and pushes the app image waiting for nothing but the registry (no cluster, nodes or add-ons)", () => {
        const image = resources.one("docker:index/image:Image");
        // A resource waits for its own dependsOn and, through its parent's registration, for every
        // ancestor's: none of them may name a cluster, node pool or Kubernetes object.
        const waits = lineage(resources, image).flatMap((r) => r.dependsOn.map((urn) => `${r.name} -> ${urn}`));
        const late = waits.filter((w) => /(gcp:container|kubernetes:|platform:index:(IngressNginx|CertManager|PlatformStorage|AppNamespace|Redis|Postgres))/.test(w));
        assert.deepEqual(late, []);
        assert.ok(!lineage(resources, image).some((r) => r.type === "platform:index:App" || r.type === "platform:index:VisitCounter"), "the image must not be a child of the app, which waits for the add-ons");
        // It does depend on the registry: the repository URL is an output of the Artifact Registry repository.
        assert.match(String(image.inputs.imageName), /^europe-west1-docker\.pkg\.dev\/.+\/platform\/visit-counter:[0-9a-f]{16}$/);
    });

    it("keeps the visit counter's URNs from before it was an App (aliases, so nothing is replaced)", () => {
        const app = resources.one("platform:index:App", "visit-counter");
        assert.deepEqual(app.aliases, ["name=;type=platform:index:VisitCounter;parent="]);
        const children = resources.all.filter((r) => r.parent === app.urn);
        assert.ok(children.length >= 6);
        for (const child of children) assert.ok(child.aliases.includes("name=;type=;parent=urn:pulumi:test::platform::platform:index:VisitCounter::visit-counter"), `${child.type} ${child.name}`);
    });

    it("keeps the image's URN from when it was the app's child (an alias, so nothing is rebuilt)", () => {
        const appImage = resources.one("platform:index:AppImage");
        assert.equal(appImage.aliases.length, 1);
        assert.match(appImage.aliases[0], /parent=urn:pulumi:test::platform::platform:index:VisitCounter::visit-counter$/);
    });
});
