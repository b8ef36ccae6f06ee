/**
 * The visit-counter image: built from `app/` and tagged by the content of what goes into it and the
 * platform it is built for, so a code change or an x86 <-> Arm switch gives a new image reference
 * and rolls the Deployment, and an unchanged tree on the same platform gives the same tag and no
 * rollout.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ImageDelivery, ImageRegistry, RegistryCredentials } from "../cluster/contract";
import { type CommandRunner, runCommand } from "../platform/run-command";

/** The app's build context: `app/` at the repository root, wherever Pulumi is run from. */
export const APP_DIR = path.resolve(__dirname, "..", "..", "app");

/**
 * Never part of the image whatever `.dockerignore` says: local test, benchmark and bytecode
 * leftovers that change on every run and would otherwise change the tag for nothing. Applied
 * before `.dockerignore`, whose rules (including `!` exceptions) come after and win.
 */
export const ALWAYS_IGNORED = ["tests", "bench", "**/__pycache__", "**/*.pyc", ".pytest_cache"] as const;

interface IgnoreRule {
    exclude: boolean;
    re: RegExp;
}

/** A `.dockerignore` pattern as a regular expression (Go `filepath.Match` plus `**`). */
function patternToRegExp(pattern: string): RegExp {
    let re = "";
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === "*") {
            if (pattern[i + 1] === "*") {
                i++;
                if (pattern[i + 1] === "/") {
                    i++;
                    re += "(?:.*/)?";
                } else {
                    re += ".*";
                }
            } else {
                re += "[^/]*";
            }
        } else if (c === "?") {
            re += "[^/]";
        } else if (c === "[") {
            const end = pattern.indexOf("]", i + 1);
            if (end === -1) {
                re += "\\[";
            } else {
                const body = pattern.slice(i + 1, end).replace(/^\^/, "!");
                re += `[${body.startsWith("!") ? `^${body.slice(1)}` : body}]`;
                i = end;
            }
        } else if (c === "\\" && i + 1 < pattern.length) {
            i++;
            re += pattern[i].replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
        } else {
            re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
        }
    }
    return new RegExp(`^${re}$`);
}

/** Parses `.dockerignore` text into ordered rules (comments and blank lines dropped). */
export function parseDockerignore(text: string): IgnoreRule[] {
    const rules: IgnoreRule[] = [];
    for (const raw of text.split(/\r?\n/)) {
        let line = raw.trim();
        if (line === "" || line.startsWith("#")) continue;
        const exclude = !line.startsWith("!");
        if (!exclude) line = line.slice(1).trim();
        // Docker cleans patterns: a leading "/" and "./" mean the context root.
        line = path.posix.normalize(line).replace(/^\/+/, "").replace(/\/+$/, "");
        if (line === "" || line === ".") continue;
        rules.push({ exclude, re: patternToRegExp(line) });
    }
    return rules;
}

/**
 * Whether Docker leaves `relPath` (posix, relative to the context) out of the build context: the
 * last rule matching the path or any of its parent directories decides, as in moby/patternmatcher.
 */
export function isIgnored(relPath: string, rules: readonly IgnoreRule[]): boolean {
    const parts = relPath.split("/");
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
    let ignored = false;
    for (const rule of rules) {
        if (candidates.some((c) => rule.re.test(c))) ignored = rule.exclude;
    }
    return ignored;
}

/** Files of `dir` (posix paths relative to it) that end up in the build context, sorted. */
export function contextFiles(dir: string): string[] {
    const ignoreFile = path.join(dir, ".dockerignore");
    const rules = [
        ...parseDockerignore(ALWAYS_IGNORED.join("\n")),
        ...(fs.existsSync(ignoreFile) ? parseDockerignore(fs.readFileSync(ignoreFile, "utf8")) : []),
    ];
    const found: string[] = [];
    const walk = (rel: string): void => {
        for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
            const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
            if (entry.isDirectory()) {
                walk(child);
            } else if ((entry.isFile() || entry.isSymbolicLink()) && (child === "Dockerfile" || !isIgnored(child, rules))) {
                // The Dockerfile is sent to the builder even when ignored, and it defines the image.
                found.push(child);
            }
        }
    };
    walk("");
    return found.sort();
}

/** What the tag records when the registry names no platform: the engine's own (`docker build` default). */
export const ENGINE_PLATFORM = "engine-default";

/**
 * Content tag of the build context for one target platform: a hash over the platform, then the
 * path and bytes of every file that goes into the image. The platform is part of it because the
 * same tree built for linux/arm64 is a different image: under one tag, an IMMUTABLE registry (ECR)
 * refuses the second push and a mutable one would swap the image under running pods. Not covered:
 * a new base image behind the same `FROM` tag (pin the digest in the Dockerfile to make that a
 * content change too).
 */
export function contentTag(dir: string, platform?: string): string {
    const hash = createHash("sha256");
    const target = platform ?? ENGINE_PLATFORM;
    hash.update(`platform:${Buffer.byteLength(target)}:${target}:`);
    for (const rel of contextFiles(dir)) {
        const full = path.join(dir, rel);
        const stat = fs.lstatSync(full);
        const body = stat.isSymbolicLink() ? Buffer.from(`symlink:${fs.readlinkSync(full)}`) : fs.readFileSync(full);
        // Lengths delimit the fields, so moving bytes between a name and a body changes the hash.
        hash.update(`${Buffer.byteLength(rel)}:${rel}:${body.length}:`);
        hash.update(body);
    }
    return hash.digest("hex").slice(0, 16);
}

/** The build context as recorded in state: relative to the working directory (the project root). */
export function buildContextInput(context: string, cwd: string = process.cwd()): string {
    return path.relative(cwd, context).split(path.sep).join("/") || ".";
}

/**
 * docker.Image's `registry` input. In a preview only the server: docker's diff ignores username and
 * password (only a `server` change is an update: pulumi-docker provider/provider.go `diffUpdates`, read
 * 2026-12-01),
 * and a preview never builds or pushes, so the push credential is not looked up at all. In a
 * deployment the login too, looked up now and kept secret.
 */
export function registryInput(creds: RegistryCredentials, preview: boolean): docker.types.input.Registry {
    if (preview) return { server: creds.server };
    const login = creds.login();
    return { server: creds.server, username: login.username, password: pulumi.secret(login.password) };
}

/** The Docker engine the build uses (and the docker CLI, so any CLI a target's delivery runs). */
export interface DockerEngine {
    /** Engine endpoint, e.g. `unix:///Users/me/.colima/default/docker.sock`. */
    host: string;
    /** Where it came from, for messages. */
    source: "DOCKER_HOST" | "docker context";
}

/** The docker provider's own fallback when neither its `host` nor `DOCKER_HOST` is set. */
export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

export { type CommandRunner, runCommand } from "../platform/run-command";

/**
 * The engine the `docker` CLI talks to, and so any CLI a target's image delivery runs that shells
 * out to it (`kind load` does). `@pulumi/docker` reads only `DOCKER_HOST` and otherwise falls back
 * to the default socket, while the CLI follows Docker contexts (Colima, rootless Docker, Docker
 * Desktop beside a system engine): without this, the image is built into one engine and delivered
 * from another, or the build cannot connect at all. `DOCKER_HOST` wins in the CLI too, so it is
 * taken as is. Only the build needs telling: the CLI already follows this engine. Undefined where
 * the CLI is absent or has no current context: the provider's own default then applies (and a
 * delivery through the CLI would fail alike).
 */
export function resolveDockerEngine(env: NodeJS.ProcessEnv = process.env, run: CommandRunner = runCommand): DockerEngine | undefined {
    const fromEnv = env.DOCKER_HOST?.trim();
    if (fromEnv) return { host: fromEnv, source: "DOCKER_HOST" };
    let out: string;
    try {
        out = run("docker", ["context", "inspect", "--format", "{{json .Endpoints.docker.Host}}"]);
    } catch {
        return undefined;
    }
    let host: unknown;
    try {
        host = JSON.parse(out.trim());
    } catch {
        return undefined;
    }
    return typeof host === "string" && host !== "" ? { host, source: "docker context" } : undefined;
}

export interface AppImageArgs {
    registry: ImageRegistry;
    /**
     * The Docker engine to build in (the one the docker CLI uses too). Default: `resolveDockerEngine()`;
     * `null`: the docker provider's own default (`DOCKER_HOST` or the default socket).
     */
    engine?: DockerEngine | null;
    /** Build context. Default: `APP_DIR`. */
    context?: string;
    /** Whether this run is a preview (no push, no credential look-up). Default: `pulumi.runtime.isDryRun()`. */
    preview?: boolean;
    /** The registry's delivery, loaded (`registry.loadDelivery`); default none: the push is enough. */
    delivery?: ImageDelivery;
}

export class AppImage extends pulumi.ComponentResource {
    /** `<repository>:<content tag>`: changes exactly when the image content or its platform does. */
    readonly imageName: pulumi.Output<string>;
    readonly tag: string;

    constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:index:AppImage", name, {}, opts);

        const context = args.context ?? APP_DIR;
        this.tag = contentTag(context, args.registry.platform);
        const creds = args.registry.credentials;
        const engine = args.engine === undefined ? resolveDockerEngine() : (args.engine ?? undefined);
        // Only where the provider would otherwise pick another engine than the CLI: the default
        // socket needs no provider of its own.
        const engineProvider =
            engine !== undefined && engine.source === "docker context" && engine.host !== DEFAULT_DOCKER_HOST
                ? new docker.Provider(`${name}-engine`, { host: engine.host }, { parent: this })
                : undefined;

        const image = new docker.Image(
            name,
            {
                // Relative to the project root, where Pulumi runs the program: an absolute path would
                // show as a change in every preview made from another checkout (CI, a colleague).
                // The Dockerfile defaults to <context>/Dockerfile.
                build: { context: buildContextInput(context), platform: args.registry.platform },
                imageName: pulumi.interpolate`${args.registry.repository}:${this.tag}`,
                // Explicit (the SDK's default today): a preview neither builds nor pushes.
                buildOnPreview: false,
                // No credentials: the local-cluster case, the image stays in the local engine.
                ...(creds ? { registry: registryInput(creds, args.preview ?? pulumi.runtime.isDryRun()) } : { skipPush: true }),
            },
            { parent: this, provider: engineProvider },
        );

        // Not `repoDigest`: a local (unpushed) image has no registry digest a kubelet could pull by,
        // and the content tag already changes exactly when the image does. A target whose nodes
        // need more than the push gets its delivery in before the workloads see the name.
        const delivery = args.delivery;
        this.imageName = delivery === undefined ? image.imageName : delivery.deliver({ name, imageName: image.imageName, build: image, parent: this });
        this.registerOutputs({ imageName: this.imageName });
    }
}
