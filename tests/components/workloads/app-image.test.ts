import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
    APP_DIR,
    AppImage,
    buildContextInput,
    type CommandRunner,
    contentTag,
    contextFiles,
    isIgnored,
    parseDockerignore,
    registryInput,
    resolveDockerEngine,
} from "../../../components/workloads/app-image";
import type { ImageDelivery, RegistryCredentials } from "../../../components/cluster/contract";
import { runProgram, valueOf } from "../../harness/mocks";

const COMMAND_TYPE = "command:local:Command";

const IMAGE_TYPE = "docker:index/image:Image";

/** A throwaway build context shaped like app/. */
function makeContext(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "app-image-"));
    for (const [rel, body] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), body);
    }
    return dir;
}

const APP_LIKE = {
    Dockerfile: "FROM python:3.13-slim\nCOPY main.py ./\n",
    ".dockerignore": "# only these\n*\n!main.py\n!requirements.txt\n",
    "main.py": "print('hello')\n",
    "requirements.txt": "fastapi==0.115.0\n",
    "tests/test_app.py": "def test(): pass\n",
    "bench/bench.sh": "echo\n",
    "README.md": "notes\n",
};

describe("content tag", () => {
    const dirs: string[] = [];
    const context = (files: Record<string, string>): string => {
        const d = makeContext(files);
        dirs.push(d);
        return d;
    };
    after(() => {
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    it("hashes exactly the files that go into the image (Dockerfile + .dockerignore survivors)", () => {
        assert.deepEqual(contextFiles(context(APP_LIKE)), ["Dockerfile", "main.py", "requirements.txt"]);
    });

    it("changes when a file that goes into the image changes, and only then", () => {
        const base = contentTag(context(APP_LIKE));
        assert.match(base, /^[0-9a-f]{16}$/);
        assert.equal(contentTag(context(APP_LIKE)), base, "deterministic across directories");
        assert.notEqual(contentTag(context({ ...APP_LIKE, "main.py": "print('bye')\n" })), base);
        assert.notEqual(contentTag(context({ ...APP_LIKE, "requirements.txt": "fastapi==0.116.0\n" })), base);
        assert.notEqual(contentTag(context({ ...APP_LIKE, Dockerfile: "FROM python:3.14-slim\nCOPY main.py ./\n" })), base);

        assert.equal(contentTag(context({ ...APP_LIKE, "tests/test_app.py": "def test(): assert 0\n" })), base);
        assert.equal(contentTag(context({ ...APP_LIKE, "bench/RESULTS.md": "fast\n" })), base);
        assert.equal(contentTag(context({ ...APP_LIKE, "__pycache__/main.cpython-313.pyc": "\x00" })), base);
        assert.equal(contentTag(context({ ...APP_LIKE, "README.md": "other notes\n" })), base);
    });

    it("without a .dockerignore still leaves out tests, bench and bytecode", () => {
        const noIgnore = Object.fromEntries(Object.entries(APP_LIKE).filter(([name]) => name !== ".dockerignore"));
        const dir = context({ ...noIgnore, "pkg/__pycache__/x.pyc": "\x00", "pkg/mod.py": "x = 1\n" });
        assert.deepEqual(contextFiles(dir), ["Dockerfile", "README.md", "main.py", "pkg/mod.py", "requirements.txt"]);
        const base = contentTag(dir);
        fs.writeFileSync(path.join(dir, "tests", "test_app.py"), "changed\n");
        assert.equal(contentTag(dir), base);
        fs.writeFileSync(path.join(dir, "pkg", "mod.py"), "x = 2\n");
        assert.notEqual(contentTag(dir), base);
    });

    it("matches .dockerignore patterns like Docker: parents, **, exceptions, last rule wins", () => {
        const rules = parseDockerignore("docs\n**/*.log\n/build/\n!build/keep.txt\n*.md\n!README.md\n");
        assert.equal(isIgnored("docs/a/b.txt", rules), true, "a directory pattern covers its contents");
        assert.equal(isIgnored("x/y/z.log", rules), true);
        assert.equal(isIgnored("z.log", rules), true, "**/ matches zero directories");
        assert.equal(isIgnored("build/out.bin", rules), true);
        assert.equal(isIgnored("build/keep.txt", rules), false);
        assert.equal(isIgnored("CHANGES.md", rules), true);
        assert.equal(isIgnored("README.md", rules), false);
        assert.equal(isIgnored("sub/CHANGES.md", rules), false, "* does not cross /");
        assert.equal(isIgnored("main.py", rules), false);
    });

    it("records the build context relative to the project root", () => {
        assert.equal(buildContextInput("/src/platform/app", "/src/platform"), "app");
        assert.equal(buildContextInput("/src/platform", "/src/platform"), ".");
    });

    it("hashes the real app/ context without its tests and bench", () => {
        const files = contextFiles(APP_DIR);
        assert.ok(files.includes("Dockerfile"));
        assert.ok(files.includes("main.py"));
        assert.ok(!files.some((f) => f.startsWith("tests/") || f.startsWith("bench/") || f.includes("__pycache__")), files.join(", "));
    });

    it("puts every file the app's Dockerfile copies into the context (the hash lock among them)", () => {
        const dockerfile = fs.readFileSync(path.join(APP_DIR, "Dockerfile"), "utf8");
        const copied = [...dockerfile.matchAll(/^COPY\s+(?!--from)(.+?)\s+\S+\s*$/gm)].flatMap((m) => m[1].split(/\s+/));
        assert.ok(copied.includes("requirements.lock"), copied.join(", "));
        const files = contextFiles(APP_DIR);
        for (const file of copied) assert.ok(files.includes(file), `${file} is not in the build context: ${files.join(", ")}`);
    });
});

/** ECR-shaped credentials that count how often the push login is looked up. */
function countingCredentials(): { creds: RegistryCredentials; lookups: () => number } {
    let lookups = 0;
    const creds: RegistryCredentials = {
        server: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
        login: () => {
            lookups++;
            return { username: "AWS", password: pulumi.secret("ecr-token") };
        },
    };
    return { creds, lookups: () => lookups };
}

describe("AppImage", () => {
    it("builds app/ for the registry's platform and pushes <repository>:<content tag> with the credentials", async () => {
        const { creds, lookups } = countingCredentials();
        const { resources, result } = await runProgram(
            () =>
                new AppImage("app", {
                    registry: { repository: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-app", platform: "linux/amd64", credentials: creds },
                }),
        );
        assert.equal(lookups(), 1, "a deployment looks the push login up once");
        assert.equal(resources.one(IMAGE_TYPE).inputs.buildOnPreview, false, "a preview never builds or pushes");
        const image = resources.one(IMAGE_TYPE);
        const tag = contentTag(APP_DIR, "linux/amd64");
        assert.equal(result.tag, tag);
        // Relative to the project root, so previews from another checkout path show no change.
        assert.deepEqual(image.inputs.build, { context: "app", platform: "linux/amd64" });
        assert.equal(path.basename(APP_DIR), "app");
        assert.ok(fs.existsSync(path.join(APP_DIR, "Dockerfile")));
        assert.equal(image.inputs.imageName, `123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-app:${tag}`);
        assert.deepEqual(image.inputs.registry, { server: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", username: "AWS", password: "ecr-token" });
        assert.ok(image.secretInputs.includes("registry"), "the registry password is secret");
        assert.notEqual(image.inputs.skipPush, true);
        assert.equal(await valueOf(result.imageName), `123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-app:${tag}`);
    });

    it("looks no push credential up in a preview, and keeps the registry server so the preview shows no change", async () => {
        const { creds, lookups } = countingCredentials();
        const registry = { repository: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-app", platform: "linux/amd64", credentials: creds };
        const { resources } = await runProgram(() => new AppImage("app", { registry }), { preview: true });
        assert.equal(lookups(), 0);
        const image = resources.one(IMAGE_TYPE);
        // Only a `server` change is a diff of docker.Image's registry (pulumi-docker diffUpdates).
        assert.deepEqual(image.inputs.registry, { server: "123456789012.dkr.ecr.eu-west-1.amazonaws.com" });
        assert.equal(image.inputs.buildOnPreview, false);
        assert.notEqual(image.inputs.skipPush, true, "skipPush would differ from the deployed state and show as an update");
        // The same decision as a plain function, either way round.
        assert.deepEqual(registryInput(creds, true), { server: creds.server });
        assert.equal(lookups(), 0);
        assert.equal(await valueOf(registryInput(creds, false).password), "ecr-token");
        assert.equal(lookups(), 1);
    });

    it("builds into the local engine only (skipPush, no registry) when there are no credentials", async () => {
        const { resources } = await runProgram(
            () => new AppImage("app", { registry: { repository: "platform/visit-counter", platform: "linux/amd64" } }),
        );
        const image = resources.one(IMAGE_TYPE);
        assert.equal(image.inputs.skipPush, true);
        assert.equal(image.inputs.registry, undefined);
        assert.equal(image.inputs.imageName, `platform/visit-counter:${contentTag(APP_DIR, "linux/amd64")}`);
        assert.equal(resources.ofType(COMMAND_TYPE).length, 0, "nothing to load where the nodes share the engine");
    });

    it("builds for the local engine's own platform when the registry names none (arm64 laptops)", async () => {
        const { resources } = await runProgram(() => new AppImage("app", { registry: { repository: "platform/visit-counter" } }));
        assert.deepEqual(resources.one(IMAGE_TYPE).inputs.build, { context: "app" });
    });

    it("asks the registry's delivery once the image is built, and gives the workloads what it resolves to", async () => {
        const asked: { name: string; imageName: string; build: string; parent: string }[] = [];
        const delivery: ImageDelivery = {
            deliver: (image) => {
                const recorded = pulumi.all([image.imageName, image.build.urn, image.parent.urn]).apply(([imageName, build, parent]) => {
                    asked.push({ name: image.name, imageName, build, parent });
                    return `${imageName}@delivered`;
                });
                return recorded;
            },
        };
        const { resources, result } = await runProgram(() => new AppImage("app", { registry: { repository: "platform/visit-counter" }, delivery }));
        const name = `platform/visit-counter:${contentTag(APP_DIR)}`;
        assert.equal(await valueOf(result.imageName), `${name}@delivered`);
        assert.deepEqual(asked, [{ name: "app", imageName: name, build: resources.one(IMAGE_TYPE).urn, parent: resources.one("platform:index:AppImage").urn }]);
        assert.equal(resources.ofType(COMMAND_TYPE).length, 0, "the image component makes nothing of its own for a delivery");
    });
});

describe("image tag by platform", () => {
    it("gives two platforms two tags, and the same platform the same tag", () => {
        const dir = makeContext(APP_LIKE);
        assert.notEqual(contentTag(dir, "linux/amd64"), contentTag(dir, "linux/arm64"));
        assert.equal(contentTag(dir, "linux/arm64"), contentTag(dir, "linux/arm64"));
        assert.notEqual(contentTag(dir), contentTag(dir, "linux/amd64"), "the engine's own platform is not assumed to be amd64");
    });

    it("rolls the Deployment on an x86 <-> Arm switch: a new image name, never a new image under the old tag", async () => {
        const nameFor = async (platform: string): Promise<string> => {
            const { result } = await runProgram(
                () => new AppImage("app", { registry: { repository: "example.dkr.ecr/app", platform }, engine: null }),
            );
            return valueOf(result.imageName);
        };
        const amd = await nameFor("linux/amd64");
        const arm = await nameFor("linux/arm64");
        assert.notEqual(amd, arm);
        assert.equal(await nameFor("linux/arm64"), arm);
    });
});

describe("one Docker engine for the build and kind load", () => {
    const inspect = (host: string): CommandRunner => () => `${JSON.stringify(host)}\n`;

    it("takes DOCKER_HOST as is (the docker CLI, and so kind, follow it too)", () => {
        assert.deepEqual(resolveDockerEngine({ DOCKER_HOST: "unix:///run/user/1000/podman/podman.sock" }, inspect("unix:///other")), {
            host: "unix:///run/user/1000/podman/podman.sock",
            source: "DOCKER_HOST",
        });
    });

    it("otherwise reads the current Docker context's endpoint (Colima, rootless, Docker Desktop)", () => {
        const calls: (readonly string[])[] = [];
        const run: CommandRunner = (file, args) => {
            calls.push([file, ...args]);
            return '"unix:///Users/me/.colima/default/docker.sock"\n';
        };
        assert.deepEqual(resolveDockerEngine({}, run), { host: "unix:///Users/me/.colima/default/docker.sock", source: "docker context" });
        assert.deepEqual(calls[0].slice(0, 3), ["docker", "context", "inspect"]);
    });

    it("leaves the provider's default where the docker CLI is absent or prints no endpoint", () => {
        const absent: CommandRunner = () => {
            throw Object.assign(new Error("spawn docker ENOENT"), { code: "ENOENT" });
        };
        assert.equal(resolveDockerEngine({}, absent), undefined);
        assert.equal(resolveDockerEngine({}, () => "null\n"), undefined);
    });

    it("builds with a docker provider on the context's engine, the one the docker CLI (and so a delivery) uses", async () => {
        const host = "unix:///Users/me/.colima/default/docker.sock";
        const { resources } = await runProgram(() => new AppImage("app", { registry: { repository: "platform/visit-counter" }, engine: { host, source: "docker context" } }));
        const provider = resources.one("pulumi:providers:docker", "app-engine");
        assert.equal(provider.inputs.host, host);
        assert.ok(resources.one(IMAGE_TYPE).provider.startsWith(provider.urn), "the image is built on that engine");
    });

    it("needs no provider of its own when DOCKER_HOST already names the engine (the provider and the CLI both read it)", async () => {
        const host = "unix:///run/user/1000/podman/podman.sock";
        const { resources } = await runProgram(() => new AppImage("app", { registry: { repository: "platform/visit-counter" }, engine: { host, source: "DOCKER_HOST" } }));
        assert.equal(resources.ofType("pulumi:providers:docker").length, 0);
        assert.equal(resources.one(IMAGE_TYPE).provider, "", "the docker provider's own DOCKER_HOST lookup");
    });
});
