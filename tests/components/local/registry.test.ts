/**
 * The local target's image delivery: a kind cluster's nodes get the image with `kind load` (the
 * `ImageDelivery` the local target hands AppImage); minikube and Docker Desktop share the engine
 * and get nothing. Whole stacks (tests/stacks/stacks.test.ts) pin that the clouds push instead.
 */
import * as assert from "node:assert/strict";
import { kindClusterOf } from "../../../components/local/facts";
import { kindLoad } from "../../../components/local/kind-load";
import { LOCAL_REPOSITORY } from "../../../components/local/registry";
import * as local from "../../../components/local/target";
import type { ImageRegistry } from "../../../components/cluster/contract";
import { APP_DIR, AppImage, contentTag } from "../../../components/workloads/app-image";
import { type LocalConfig, mapConfigSource, readConfig } from "../../../config";
import { installCloudMocks, MOCK_KUBE_SYSTEM_UID } from "../../harness/cloud-mocks";
import { mockState, runProgram, valueOf } from "../../harness/mocks";

const COMMAND = "command:local:Command";
const IMAGE = "docker:index/image:Image";

/** The image as the stack builds it: the target's registry, its delivery loaded (as `loadAppImageSource` does). */
async function buildFor(registry: ImageRegistry): Promise<AppImage> {
    return new AppImage("app", { registry, delivery: await registry.loadDelivery?.(), engine: null });
}

function localConfig(kubeContext: string): LocalConfig {
    return readConfig(mapConfigSource({ "platform:cloud": "local", "platform:kubeContext": kubeContext })) as LocalConfig;
}

describe("local image delivery", () => {
    beforeEach(() => installCloudMocks("local"));

    it("loads the image into the kind cluster's nodes after the build, before the workloads get its name", async () => {
        const { resources, result } = await runProgram(() => buildFor(local.target("local", localConfig("kind-dev")).registry));
        const name = `${LOCAL_REPOSITORY}:${contentTag(APP_DIR)}`;
        const load = resources.one(COMMAND, "app-kind-load");
        assert.equal(load.inputs.create, `kind load docker-image ${name} --name dev`);
        assert.deepEqual(load.inputs.triggers, [name, MOCK_KUBE_SYSTEM_UID], "a new image, or a new cluster, is loaded again");
        assert.ok(load.dependsOn.includes(resources.one(IMAGE).urn), "after the build");
        assert.match(load.parent, /platform:index:AppImage::app$/, "under the image component, where its URN has always been");
        assert.equal(resources.one(IMAGE).inputs.skipPush, true, "nothing is pushed anywhere");
        assert.equal(await valueOf(result.imageName), name);
    });

    it("ties the load to the cluster's identity: the kube-system namespace UID, read (never managed) through the stack's provider", async () => {
        const { resources } = await runProgram(() => buildFor(local.target("local", localConfig("kind-kind")).registry));
        const read = resources.all.find((r) => r.read && r.type === "kubernetes:core/v1:Namespace");
        assert.ok(read, "kube-system is read, never managed");
        assert.ok(read.provider.includes("pulumi:providers:kubernetes::local"), read.provider);
    });

    it("loads the image again after the cluster is recreated (new kube-system UID), with the same image name", async () => {
        const loadTriggers = async (uid: string): Promise<unknown[]> => {
            mockState("kubernetes:core/v1:Namespace", (args) => (args.id === "kube-system" ? { metadata: { name: "kube-system", uid } } : {}));
            const { resources } = await runProgram(() => buildFor(local.target("local", localConfig("kind-kind")).registry));
            return resources.one(COMMAND, "app-kind-load").inputs.triggers as unknown[];
        };
        const before = await loadTriggers("uid-before");
        const after = await loadTriggers("uid-after");
        assert.equal(before[0], after[0], "same image name");
        assert.notDeepEqual(before, after, "a new trigger: the Command is replaced and kind load runs again");
        assert.ok(after.includes("uid-after"));
    });

    for (const context of ["minikube", "docker-desktop"]) {
        it(`delivers nothing on ${context}, whose nodes share the engine: no load, no cluster read`, async () => {
            const { resources, result } = await runProgram(() => buildFor(local.target("local", localConfig(context)).registry));
            assert.equal(resources.ofType(COMMAND).length, 0);
            assert.equal(resources.all.filter((r) => r.read).length, 0);
            assert.equal(await valueOf(result.imageName), `${LOCAL_REPOSITORY}:${contentTag(APP_DIR)}`);
        });
    }

    it("gives kind's load no Docker host of its own: it follows the engine the build was resolved to", async () => {
        const host = "unix:///Users/me/.colima/default/docker.sock";
        const { resources } = await runProgram(() => new AppImage("app", { registry: { repository: LOCAL_REPOSITORY }, delivery: kindLoad("dev", "uid-1"), engine: { host, source: "docker context" } }));
        const load = resources.one(COMMAND, "app-kind-load");
        assert.equal(load.inputs.environment, undefined);
        assert.deepEqual(load.inputs.triggers, [`${LOCAL_REPOSITORY}:${contentTag(APP_DIR)}`, "uid-1"]);
    });
});

describe("kindClusterOf", () => {
    it("names the kind cluster behind a kind context, and nothing else", () => {
        assert.equal(kindClusterOf("kind-kind"), "kind");
        assert.equal(kindClusterOf("kind-platform-dev"), "platform-dev");
        assert.equal(kindClusterOf("minikube"), undefined);
        assert.equal(kindClusterOf("docker-desktop"), undefined);
    });
});
