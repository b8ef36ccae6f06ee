import * as assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { AppImage } from "../../../components/workloads/app-image";
import { EcrRegistry, registryServer, lifecyclePolicy } from "../../../components/aws/registry";
import { isSecret, mockCall, mockState, runProgram, valueOf } from "../../harness/mocks";

const REGISTRY_ID = "123456789012";
const HOST = `${REGISTRY_ID}.dkr.ecr.eu-west-1.amazonaws.com`;
const tokenCalls: Record<string, unknown>[] = [];

function mockEcr(): void {
    mockState("aws:ecr/repository:Repository", (a) => ({
        name: a.name,
        registryId: REGISTRY_ID,
        repositoryUrl: `${HOST}/${a.name}`,
        arn: `arn:aws:ecr:eu-west-1:${REGISTRY_ID}:repository/${a.name}`,
    }));
    mockCall("aws:ecr/getAuthorizationToken:getAuthorizationToken", (a) => {
        tokenCalls.push(a.inputs as Record<string, unknown>);
        return { userName: "AWS", password: "ecr-token-password", proxyEndpoint: `https://${HOST}`, authorizationToken: "QVdTOnB3" };
    });
}

describe("EcrRegistry", () => {
    beforeEach(mockEcr);

    it("creates an immutable, scanned, KMS-encrypted repository that a destroy cannot silently empty", async () => {
        const { resources } = await runProgram(() => new EcrRegistry("images"));
        const repo = resources.one("aws:ecr/repository:Repository", "images-repo");
        assert.equal(repo.inputs.imageTagMutability, "IMMUTABLE");
        assert.deepEqual(repo.inputs.imageScanningConfiguration, { scanOnPush: true });
        assert.deepEqual(repo.inputs.encryptionConfigurations, [{ encryptionType: "KMS" }]);
        assert.equal(repo.inputs.forceDelete, false);
        assert.match(repo.parent, /platform:aws:EcrRegistry::images$/);
    });

    it("expires untagged images after 7 days and tagged ones beyond the newest 30 by default, on that repository", async () => {
        const { resources } = await runProgram(() => new EcrRegistry("images"));
        const policy = resources.one("aws:ecr/lifecyclePolicy:LifecyclePolicy", "images-lifecycle");
        assert.equal(policy.inputs.repository, "images-repo");
        assert.deepEqual(JSON.parse(policy.inputs.policy as string), {
            rules: [
                {
                    rulePriority: 1,
                    description: "Expire untagged images 7 days after push",
                    selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
                    action: { type: "expire" },
                },
                {
                    rulePriority: 2,
                    description: "Keep the newest 30 tagged images",
                    selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 30 },
                    action: { type: "expire" },
                },
            ],
        });
    });

    it("takes another expiry and refuses a meaningless one before registering anything", async () => {
        const { resources } = await runProgram(() => new EcrRegistry("images", { untaggedExpiryDays: 30, keepTaggedImages: 5 }));
        const policy = JSON.parse(resources.one("aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy as string) as ReturnType<typeof lifecyclePolicy>;
        assert.deepEqual(policy, lifecyclePolicy(30, 5));
        assert.throws(() => lifecyclePolicy(0, 5), /untaggedExpiryDays must be a whole number >= 1, got 0/);
        assert.throws(() => lifecyclePolicy(7, 0), /keepTaggedImages must be a whole number >= 1, got 0/);
        const run = await runProgram(() => assert.throws(() => new EcrRegistry("bad", { untaggedExpiryDays: 1.5 }), /got 1.5/));
        assert.equal(run.resources.all.length, 0);
    });

    it("produces an ImageRegistry: the repository URL and a registry login whose password is secret", async () => {
        tokenCalls.length = 0;
        const { result } = await runProgram(() => new EcrRegistry("images"));
        const { registry } = result;
        assert.equal(await valueOf(registry.repository), `${HOST}/images-repo`);
        assert.equal(registry.platform, "linux/amd64");
        assert.ok(registry.credentials);
        assert.equal(await valueOf(registry.credentials.server), HOST);
        assert.deepEqual(tokenCalls, [], "no token until a push asks for one");
        const login = registry.credentials.login();
        assert.equal(await valueOf(login.username), "AWS");
        const password = login.password as pulumi.Output<string>;
        assert.equal(await valueOf(password), "ecr-token-password");
        assert.equal(await isSecret(password), true);
        // The token is for this repository's registry, not whatever the caller's default is.
        assert.deepEqual(tokenCalls, [{ registryId: REGISTRY_ID }]);
    });

    it("asks ECR for a push token in a deployment of the image, never in a preview", async () => {
        tokenCalls.length = 0;
        const program = () => new AppImage("app", { registry: new EcrRegistry("images").registry });
        const preview = await runProgram(program, { preview: true });
        assert.deepEqual(tokenCalls, []);
        assert.deepEqual(preview.resources.one("docker:index/image:Image").inputs.registry, { server: HOST });

        const up = await runProgram(program);
        assert.deepEqual(tokenCalls, [{ registryId: REGISTRY_ID }]);
        assert.deepEqual(up.resources.one("docker:index/image:Image").inputs.registry, { server: HOST, username: "AWS", password: "ecr-token-password" });
    });

    it("builds for the node platform it is given", async () => {
        const { result } = await runProgram(() => new EcrRegistry("images", { platform: "linux/arm64" }));
        assert.equal(result.registry.platform, "linux/arm64");
    });

    it("derives the docker login server from the repository URL", () => {
        assert.equal(registryServer(`${HOST}/platform/app`), HOST);
    });
});
