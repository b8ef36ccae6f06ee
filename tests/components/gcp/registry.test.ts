import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AppImage } from "../../../components/workloads/app-image";
import { ArtifactRegistry, durationSeconds, registryCleanupPolicies, validateArtifactRegistryArgs } from "../../../components/gcp/registry";
import { mockCall, runProgram, valueOf } from "../../harness/mocks";
import { ACCESS_TOKEN, PROJECT_ID, REGION, mockGcp } from "./helpers";

describe("ArtifactRegistry", () => {
    // The root hook forgets all mocks before each test: register them per test.
    beforeEach(() => mockGcp());

    async function deploy(extra: Partial<ConstructorParameters<typeof ArtifactRegistry>[1]> = {}) {
        return runProgram(() => new ArtifactRegistry("platform", { project: PROJECT_ID, region: REGION, ...extra }));
    }

    it("creates a DOCKER repository in the region and project", async () => {
        const { resources } = await deploy();
        const repo = resources.one("gcp:artifactregistry/repository:Repository");
        assert.equal(repo.inputs.format, "DOCKER");
        assert.equal(repo.inputs.location, REGION);
        assert.equal(repo.inputs.project, PROJECT_ID);
        assert.equal(repo.inputs.repositoryId, "platform");
    });

    it("deletes untagged images after 14 days, keeps the 10 newest, and is not a dry run", async () => {
        const { resources } = await deploy();
        const repo = resources.one("gcp:artifactregistry/repository:Repository");
        assert.equal(repo.inputs.cleanupPolicyDryRun, false);
        assert.deepEqual(repo.inputs.cleanupPolicies, [
            { id: "delete-untagged", action: "DELETE", condition: { tagState: "UNTAGGED", olderThan: "1209600s" } },
            { id: "keep-recent", action: "KEEP", mostRecentVersions: { keepCount: 10 } },
        ]);
        assert.deepEqual(registryCleanupPolicies(3, 2)[0].condition, { tagState: "UNTAGGED", olderThan: "259200s" });
    });

    it("writes cleanup ages as protobuf Durations in seconds, never days (pulumi/pulumi-gcp#3344)", async () => {
        assert.equal(durationSeconds(14), "1209600s");
        assert.equal(durationSeconds(1), "86400s");
        const { resources } = await deploy({ untaggedMaxAgeDays: 30 });
        const policies = resources.one("gcp:artifactregistry/repository:Repository").inputs.cleanupPolicies as { condition?: { olderThan?: string } }[];
        for (const p of policies) {
            if (p.condition?.olderThan !== undefined) assert.match(p.condition.olderThan, /^[0-9]+s$/);
        }
        assert.equal(policies[0].condition?.olderThan, "2592000s");
    });

    it("enables the Artifact Registry API without disabling it on destroy", async () => {
        const { resources } = await deploy();
        const api = resources.one("gcp:projects/service:Service");
        assert.equal(api.inputs.service, "artifactregistry.googleapis.com");
        assert.equal(api.inputs.disableOnDestroy, false);
        const repo = resources.one("gcp:artifactregistry/repository:Repository");
        assert.ok(repo.dependsOn.includes(api.urn));
    });

    it("produces the image repository, server and oauth2accesstoken credentials with a secret password", async () => {
        const { result } = await deploy();
        const reg = result.registry;
        assert.equal(await valueOf(reg.repository), `${REGION}-docker.pkg.dev/${PROJECT_ID}/platform/visit-counter`);
        assert.equal(reg.platform, "linux/amd64");
        assert.ok(reg.credentials);
        assert.equal(await valueOf(reg.credentials.server), `${REGION}-docker.pkg.dev`);
        const login = reg.credentials.login();
        assert.equal(await valueOf(login.username), "oauth2accesstoken");
        const password = pulumi.output(login.password);
        assert.equal(await pulumi.isSecret(password), true);
        assert.equal(await valueOf(password), ACCESS_TOKEN);
    });

    it("reads the caller's access token for a push in a deployment, never in a preview", async () => {
        let tokenReads = 0;
        mockCall("gcp:organizations/getClientConfig:getClientConfig", () => {
            tokenReads++;
            return { accessToken: ACCESS_TOKEN, project: PROJECT_ID, region: REGION, id: "client-config" };
        });
        const program = () => new AppImage("app", { registry: new ArtifactRegistry("platform", { project: PROJECT_ID, region: REGION }).registry });
        const preview = await runProgram(program, { preview: true });
        assert.equal(tokenReads, 0);
        assert.deepEqual(preview.resources.one("docker:index/image:Image").inputs.registry, { server: `${REGION}-docker.pkg.dev` });

        const up = await runProgram(program);
        assert.equal(tokenReads, 1);
        assert.deepEqual(up.resources.one("docker:index/image:Image").inputs.registry, {
            server: `${REGION}-docker.pkg.dev`,
            username: "oauth2accesstoken",
            password: ACCESS_TOKEN,
        });
    });

    it("honours a custom image name and platform", async () => {
        const { result } = await deploy({ imageName: "api", platform: "linux/arm64" });
        assert.equal(await valueOf(result.registry.repository), `${REGION}-docker.pkg.dev/${PROJECT_ID}/platform/api`);
        assert.equal(result.registry.platform, "linux/arm64");
    });
});

describe("ArtifactRegistry argument validation", () => {
    it("refuses a bad repository id, age and keep count, before registering anything", async () => {
        assert.deepEqual(validateArtifactRegistryArgs({ project: PROJECT_ID, region: REGION, repositoryId: "Bad_Repo", untaggedMaxAgeDays: 1.5, keepRecentVersions: 0 }, "x"), [
            'repositoryId "Bad_Repo" must be lower-case letters, digits and hyphens, starting with a letter',
            "untaggedMaxAgeDays must be a whole number of days >= 1 (got 1.5)",
            "keepRecentVersions must be a whole number >= 1 (got 0)",
        ]);
        const { resources } = await runProgram(() => {
            assert.throws(() => new ArtifactRegistry("platform", { project: PROJECT_ID, region: REGION, untaggedMaxAgeDays: 0 }), /ArtifactRegistry platform: untaggedMaxAgeDays/);
        });
        assert.equal(resources.all.length, 0);
    });
});
