/**
 * An app stack: a team's service deployed on a running platform stack, which it reads through a
 * `StackReference` (its `platformContract` output) and never modifies. The same `App` component as
 * the platform's own visit counter; its own Kubernetes provider from the contract's kubeconfig (or,
 * on a local cluster, whose kubeconfig the platform does not export, a named context).
 *
 * Everything here is a plain function the tests call under mocks: ./index.ts only wires Pulumi's
 * config and the stack reference to it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { App } from "../../components/apps/app";
import { CONTRACT_NONE, type PlatformContract, type TeamDatabaseFacts, type TeamFacts, readPlatformContract } from "../../components/apps/contract";
import { appQuotaRequests, checkQuota } from "../../components/apps/team";
import { appImageProblem } from "../../config/keys";

/** The config namespace of this project (Pulumi.yaml `name`). */
export const APP_STACK_PROJECT = "app-stack";

export interface AppStackConfig {
    /** The platform stack, fully qualified: `<organization>/<project>/<stack>` (`organization/platform/dev` on a DIY backend). */
    platformStack: string;
    /** The team whose namespace the app runs in (`platform:teams` of the platform stack). */
    team: string;
    /** The app's name: its Deployment, Service and route objects. */
    name: string;
    /** Image pinned by digest. */
    image: string;
    port: number;
    replicas: number;
    maxReplicas: number;
    cpu: string;
    memory: string;
    /** Route path prefix on the entry point. */
    path: string;
    host?: string;
    env: Record<string, string>;
    /** Seconds the pod keeps serving after SIGTERM; 0 for an image without `sleep` (a scratch image). */
    preStopSleepSeconds: number;
    /** Use the team's Postgres database (`postgres: true` in the platform's `platform:teams`). Default false. */
    usePostgres?: boolean;
    /** On a local platform: the kubeconfig context the platform stack deploys to. */
    kubeContext?: string;
    kubeconfigPath?: string;
}

/** Thrown for invalid app stack config: every problem, before any resource exists. */
export class AppStackError extends pulumi.RunError {
    constructor(problems: readonly string[]) {
        super(problems.length === 1 ? problems[0] : `Invalid app stack:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "AppStackError";
    }
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|Mi|Gi)?$/;

function integerIn(raw: string | undefined, fallback: number, min: number, max: number, key: string, problems: string[]): number {
    if (raw === undefined) return fallback;
    const n = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= min && n <= max)) problems.push(`${APP_STACK_PROJECT}:${key}: "${raw}" is not an integer from ${min} to ${max}`);
    return Number.isNaN(n) ? fallback : n;
}

function booleanOf(raw: string | undefined, key: string, problems: string[]): boolean {
    if (raw === undefined || raw === "false") return false;
    if (raw === "true") return true;
    problems.push(`${APP_STACK_PROJECT}:${key}: "${raw}" is not a boolean; expected true or false`);
    return false;
}

function envOf(raw: string | undefined, problems: string[]): Record<string, string> {
    if (raw === undefined) return {};
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        parsed = undefined;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === "string")) {
        problems.push(`${APP_STACK_PROJECT}:env: ${raw} is not a JSON object of names to text values`);
        return {};
    }
    return parsed as Record<string, string>;
}

/** The app stack's config from `get` (Pulumi's config of this project, or a map in tests). */
export function readAppStackConfig(read: (key: string) => string | undefined): AppStackConfig {
    const problems: string[] = [];
    // An empty value is an unset one (`pulumi config set app-stack:host ""`).
    const get = (key: string): string | undefined => read(key)?.trim() || undefined;
    const required = (key: string, pattern: RegExp, expected: string): string => {
        const v = get(key);
        if (v === undefined) problems.push(`${APP_STACK_PROJECT}:${key}: is required; expected ${expected}. Set it with: pulumi config set ${APP_STACK_PROJECT}:${key} <value>`);
        else if (!pattern.test(v)) problems.push(`${APP_STACK_PROJECT}:${key}: "${v}" is not valid; expected ${expected}`);
        return v ?? "";
    };
    const platformStack = required("platformStack", /^[^/\s]+\/[^/\s]+\/[^/\s]+$/, "the platform stack as <organization>/<project>/<stack>, such as organization/platform/dev");
    const team = required("team", DNS_LABEL, "a team of the platform stack's platform:teams");
    const image = required("image", /./, "an image pinned by digest such as registry.example.com/shop/web@sha256:<64 hex digits>");
    const imageProblem = image === "" ? undefined : appImageProblem(image);
    if (imageProblem !== undefined) problems.push(`${APP_STACK_PROJECT}:image: ${imageProblem}`);
    const name = get("name") ?? "hello";
    if (!DNS_LABEL.test(name)) problems.push(`${APP_STACK_PROJECT}:name: "${name}" is not a DNS label`);
    const replicas = integerIn(get("replicas"), 2, 1, 100, "replicas", problems);
    const config: AppStackConfig = {
        platformStack,
        team,
        name,
        image,
        port: integerIn(get("port"), 8080, 1, 65535, "port", problems),
        replicas,
        maxReplicas: integerIn(get("maxReplicas"), Math.max(replicas, 4), replicas, 500, "maxReplicas", problems),
        cpu: get("cpu") ?? "50m",
        memory: get("memory") ?? "64Mi",
        path: get("path") ?? `/${name}`,
        host: get("host"),
        env: envOf(get("env"), problems),
        preStopSleepSeconds: integerIn(get("preStopSleepSeconds"), 5, 0, 60, "preStopSleepSeconds", problems),
        usePostgres: booleanOf(get("usePostgres"), "usePostgres", problems),
        kubeContext: get("kubeContext"),
        kubeconfigPath: get("kubeconfigPath"),
    };
    for (const key of ["cpu", "memory"] as const) if (!QUANTITY.test(config[key])) problems.push(`${APP_STACK_PROJECT}:${key}: "${config[key]}" is not a quantity such as ${key === "cpu" ? "50m" : "64Mi"}`);
    if (problems.length > 0) throw new AppStackError(problems);
    return config;
}

/**
 * The platform contract from the platform stack's output, or one line saying why it cannot be
 * used: missing (the platform stack predates it, or was never deployed) or of another version.
 */
export function contractFrom(platformStack: string, value: unknown): PlatformContract {
    try {
        return readPlatformContract(value);
    } catch (e) {
        throw new AppStackError([`${platformStack}: ${e instanceof Error ? e.message : String(e)}`]);
    }
}

/** The team the app runs in, or a refusal naming the teams the platform has. */
export function teamOf(contract: PlatformContract, config: Pick<AppStackConfig, "team" | "platformStack">): TeamFacts {
    const team = contract.teams.find((t) => t.name === config.team);
    if (team !== undefined) return team;
    const known = contract.teams.map((t) => t.name);
    throw new AppStackError([
        `${APP_STACK_PROJECT}:team: "${config.team}" is not a team of ${config.platformStack} (${known.length === 0 ? "it declares none" : `teams: ${known.join(", ")}`}); add it to the platform's platform:teams and pulumi up the platform stack`,
    ]);
}

/** The team's database, or a refusal saying how the platform's operator gives the team one. */
export function teamDatabaseOf(team: TeamFacts, config: Pick<AppStackConfig, "platformStack">): TeamDatabaseFacts {
    if (team.postgres !== undefined) return team.postgres;
    throw new AppStackError([
        `${APP_STACK_PROJECT}:usePostgres: team "${team.name}" of ${config.platformStack} has no database; set postgres: true on it in the platform's platform:teams and pulumi up the platform stack, or leave usePostgres false`,
    ]);
}

/** The provider's settings: the contract's kubeconfig (secret), or a named context on a local platform. */
export function providerArgs(contract: PlatformContract, config: Pick<AppStackConfig, "kubeContext" | "kubeconfigPath">): k8s.ProviderArgs {
    if (contract.kubeconfig !== CONTRACT_NONE) return { kubeconfig: pulumi.secret(contract.kubeconfig) };
    if (config.kubeContext === undefined) {
        throw new AppStackError([
            `${APP_STACK_PROJECT}:kubeContext: is required when the platform runs on a local cluster (it exports no kubeconfig); set the context its platform:kubeContext names, e.g. pulumi config set ${APP_STACK_PROJECT}:kubeContext kind-kind`,
        ]);
    }
    return { context: config.kubeContext, kubeconfig: config.kubeconfigPath };
}

export interface AppStackOutputs {
    url: pulumi.Output<string>;
    namespace: string;
    image: string;
}

/** The app on the platform: refuses before any resource when the team's quota cannot hold it. */
export function deployAppStack(config: AppStackConfig, contract: PlatformContract): AppStackOutputs {
    const team = teamOf(contract, config);
    const uses = config.usePostgres ? { postgres: teamDatabaseOf(team, config) } : undefined;
    const args = {
        namespace: team.namespace,
        platform: contract,
        image: config.image,
        port: config.port,
        replicas: config.replicas,
        autoscaling: { maxReplicas: config.maxReplicas },
        resources: { requests: { cpu: config.cpu, memory: config.memory } },
        env: config.env,
        route: { path: config.path, ...(config.host === undefined ? {} : { host: config.host }) },
        preStopSleepSeconds: config.preStopSleepSeconds,
        ...(uses === undefined ? {} : { uses }),
    };
    const overQuota = checkQuota(team, [appQuotaRequests(config.name, args)]);
    if (overQuota.length > 0) throw new AppStackError(overQuota);
    const provider = new k8s.Provider("platform", providerArgs(contract, config));
    const app = new App(config.name, args, { provider });
    return { url: app.url, namespace: team.namespace, image: config.image };
}

/**
 * The whole program: config from `get`, the platform stack's contract through a StackReference
 * (its details, not an Output: the version is checked before anything is registered, and only the
 * kubeconfig stays secret, though the output is secret as a whole on the clouds), then the app.
 */
export async function appStack(get: (key: string) => string | undefined): Promise<AppStackOutputs> {
    const config = readAppStackConfig(get);
    const platform = new pulumi.StackReference(config.platformStack);
    const details = await platform.getOutputDetails("platformContract");
    return deployAppStack(config, contractFrom(config.platformStack, details.value ?? details.secretValue));
}
