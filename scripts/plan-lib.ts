/**
 * The offline plan: evaluate a stack under Pulumi mocks, with no CLI, credentials or cluster, and
 * describe what it would register, so a reviewer (and the golden tests) can see the effect of a
 * change. Everything written is deterministic and has every secret replaced by "[secret]".
 *
 * `evaluateStack` uses the process-wide mock engine: evaluate one stack at a time, never in parallel.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { dump, load } from "js-yaml";
import type { PlatformOutputs } from "../components/cluster/contract";
import { type Cloud, KEYS, mapConfigSource, readConfig } from "../config";
import { deployStack } from "../stacks";
import { installCloudMocks } from "../tests/harness/cloud-mocks";
import { mockState, runProgram, type RecordedResource, type ResourceSet } from "../tests/harness/mocks";
import type { PlatformContract } from "../components/apps/contract";
import { type PlatformContractOutput, contractValue } from "../stacks/platform-contract";
import type { AppStackOutputs } from "../examples/app-stack/app-stack";

export const REDACTED = "[secret]";
/** Secrets shorter than this are not searched for inside longer strings (too many false hits). */
const MIN_EMBEDDED_SECRET = 6;

export const REPO_ROOT = path.resolve(__dirname, "..");
/** Golden plans of the example stacks, pinned by tests/delivery/plan.test.ts. */
export const GOLDEN_DIR = path.join(REPO_ROOT, "tests", "golden");

export interface PlanResource {
    urn: string;
    type: string;
    name: string;
    parent: string;
    provider: string;
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    /**
     * `ignoreChanges` property paths, where there are any (absent otherwise): a change there is
     * no change to Pulumi, so `diffPlans` leaves it out.
     */
    ignoreChanges?: string[];
    dependsOn: string[];
    aliases: string[];
    inputs: Record<string, unknown>;
}

export interface Plan {
    stack: string;
    resources: PlanResource[];
    outputs: Record<string, unknown>;
    /** File name (under `manifests/`) to YAML text, one Kubernetes object each. */
    manifests: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Configuration

/** A config value as the string `readConfig` expects: scalars as text, objects and lists as JSON. */
export function configString(value: unknown): string {
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    if (value === null || value === undefined) return "";
    return JSON.stringify(value);
}

export interface StackConfig {
    values: Record<string, string>;
    /** Keys whose values were `secure:` ciphertext, replaced by a placeholder we cannot decrypt. */
    secretKeys: string[];
}

/** The `config:` block of a `Pulumi.<stack>.yaml` text as flat `namespace:key` strings. */
export function parseStackConfig(yamlText: string): StackConfig {
    const doc = load(yamlText);
    const config = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>).config : undefined;
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    if (typeof config !== "object" || config === null) return { values, secretKeys };
    for (const [key, raw] of Object.entries(config as Record<string, unknown>)) {
        if (typeof raw === "object" && raw !== null && "secure" in raw) {
            values[key] = `offline-placeholder-${key.replace(/[^a-zA-Z0-9]/g, "-")}`;
            secretKeys.push(key);
        } else {
            values[key] = configString(raw);
        }
    }
    return { values, secretKeys };
}

/** Keys declared secret in config/keys.ts (`platform:postgresPassword`), by their full name. */
const DECLARED_SECRETS: ReadonlySet<string> = new Set(
    Object.entries(KEYS)
        .filter(([, d]) => "secret" in d && d.secret === true)
        .map(([name]) => (name.includes(":") ? name : `platform:${name}`)),
);

/**
 * What the offline plan does with each `secure:` value of a stack file, which it cannot decrypt: a
 * key declared secret gets a stand-in that passes its checks and is shown as "[secret]"; any other
 * key's value decides what is built, so a stand-in would plan something the stack never builds.
 */
export function secureValueReport(stack: string, secretKeys: readonly string[]): { notes: string[]; problems: string[] } {
    const notes: string[] = [];
    const problems: string[] = [];
    for (const key of secretKeys) {
        if (DECLARED_SECRETS.has(key)) {
            notes.push(`${key} is secret (secure:) in Pulumi.${stack}.yaml: the offline plan cannot decrypt it, uses a stand-in and shows it as ${REDACTED}`);
        } else {
            problems.push(`${key} is encrypted (secure:) in Pulumi.${stack}.yaml, and the offline plan cannot decrypt it; it is not a credential, so set it in plain text: pulumi config set ${key} <value>`);
        }
    }
    return { notes, problems };
}

export function stackFile(stack: string, root = REPO_ROOT): string {
    return path.join(root, `Pulumi.${stack}.yaml`);
}

/** Stacks that have an example `Pulumi.<stack>.yaml` in the repository, sorted. */
export function exampleStacks(root = REPO_ROOT): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

// ---------------------------------------------------------------------------------------------
// Redaction and normalisation

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Every string leaf of a value (the values a secret may reappear as elsewhere). */
export function stringLeaves(v: unknown): string[] {
    if (typeof v === "string") return v === "" ? [] : [v];
    if (Array.isArray(v)) return v.flatMap(stringLeaves);
    if (isRecord(v)) return Object.values(v).flatMap(stringLeaves);
    return [];
}

/**
 * Replaces every secret string: equal to one, or containing one (a password inside a connection
 * URL). Longest first, so a secret that contains another is removed whole.
 */
export function redactStrings(v: unknown, secrets: ReadonlySet<string>): unknown {
    const ordered = [...secrets].sort((a, b) => b.length - a.length);
    const scrub = (x: unknown): unknown => {
        if (typeof x === "string") {
            if (secrets.has(x)) return REDACTED;
            let s = x;
            for (const secret of ordered) if (secret.length >= MIN_EMBEDDED_SECRET && s.includes(secret)) s = s.split(secret).join(REDACTED);
            return s;
        }
        if (Array.isArray(x)) return x.map(scrub);
        if (isRecord(x)) return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, scrub(y)]));
        return x;
    };
    return scrub(v);
}

/** Removes what differs between machines (the checkout path, the home directory). */
export function normalizePaths(v: unknown, root = REPO_ROOT): unknown {
    const home = os.homedir();
    const fix = (x: unknown): unknown => {
        if (typeof x === "string") {
            let s = x.split(root).join("<repo>");
            if (home.length > 1) s = s.split(home).join("~");
            return s;
        }
        if (Array.isArray(x)) return x.map(fix);
        if (isRecord(x)) return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, fix(y)]));
        return x;
    };
    return fix(v);
}

/** Recursively sorted keys and no undefined members: the same value always prints the same. */
export function canonical(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : canonical(x)));
    if (isRecord(v)) {
        return Object.fromEntries(
            Object.keys(v)
                .sort()
                .filter((k) => v[k] !== undefined)
                .map((k) => [k, canonical(v[k])]),
        );
    }
    return v;
}

/** The shortest text of a secret input or output that is redacted wherever else it appears. */
export const MIN_SECRET_TEXT = 4;

/**
 * The inventory with secrets removed: secret inputs become "[secret]" whole, and any string equal
 * to (or containing) a secret value anywhere else, outputs included, is redacted too.
 */
export function redactPlan(
    recorded: readonly RecordedResource[],
    outputs: Record<string, { value: unknown; secret: boolean }>,
    extraSecrets: readonly string[] = [],
): { resources: PlanResource[]; outputs: Record<string, unknown> } {
    const secrets = new Set<string>(extraSecrets.filter((s) => s !== ""));
    // A string shorter than MIN_SECRET_TEXT inside a secret input is a name, not a credential (ECR's
    // user name `AWS` sits in the image's secret `registry` input): redacting every equal string
    // elsewhere would hide plain words such as rclone's `provider: AWS`.
    const add = (s: string): void => void (s.length >= MIN_SECRET_TEXT && secrets.add(s));
    for (const r of recorded) for (const key of r.secretInputs) for (const s of stringLeaves(r.inputs[key])) add(s);
    for (const o of Object.values(outputs)) if (o.secret) for (const s of stringLeaves(o.value)) add(s);

    const resources = recorded
        .map((r): PlanResource => {
            const inputs = Object.fromEntries(Object.entries(r.inputs).map(([k, v]) => [k, r.secretInputs.includes(k) ? REDACTED : v]));
            return {
                urn: r.urn,
                type: r.type,
                name: r.name,
                parent: r.parent,
                provider: r.provider,
                protect: r.protect,
                retainOnDelete: r.retainOnDelete,
                deleteBeforeReplace: r.deleteBeforeReplace,
                ...(r.ignoreChanges !== undefined && r.ignoreChanges.length > 0 ? { ignoreChanges: [...r.ignoreChanges].sort() } : {}),
                dependsOn: [...r.dependsOn].sort(),
                aliases: [...r.aliases].sort(),
                inputs: redactStrings(inputs, secrets) as Record<string, unknown>,
            };
        })
        .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
    const redactedOutputs = Object.fromEntries(
        Object.entries(outputs)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, o]) => [k, o.secret ? REDACTED : redactStrings(o.value, secrets)]),
    );
    return { resources, outputs: redactedOutputs };
}

// ---------------------------------------------------------------------------------------------
// Manifests

/** Kubernetes objects: kubernetes types whose inputs carry apiVersion and kind (not Helm releases, providers, reads). */
export function isManifestResource(r: Pick<PlanResource, "type" | "inputs">): boolean {
    return r.type.startsWith("kubernetes:") && typeof r.inputs.apiVersion === "string" && typeof r.inputs.kind === "string";
}

function manifestFileName(r: PlanResource): string {
    const metadata = isRecord(r.inputs.metadata) ? r.inputs.metadata : {};
    const name = typeof metadata.name === "string" ? metadata.name : r.name;
    const ns = typeof metadata.namespace === "string" ? metadata.namespace : "_cluster";
    const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9.-]+/g, "_");
    return `${clean(String(r.inputs.kind))}-${clean(ns)}-${clean(name)}`;
}

/** One YAML document per Kubernetes object, by `<kind>-<namespace>-<name>.yaml`. */
export function renderManifests(resources: readonly PlanResource[]): Record<string, string> {
    const files: Record<string, string> = {};
    for (const r of resources.filter(isManifestResource)) {
        const base = manifestFileName(r);
        let file = `${base}.yaml`;
        for (let i = 2; file in files; i++) file = `${base}-${i}.yaml`;
        files[file] = `# ${r.urn}\n${dump(canonical(r.inputs), { sortKeys: true, noRefs: true })}`;
    }
    return files;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

async function resolveOne(v: unknown): Promise<{ value: unknown; secret: boolean }> {
    const o: pulumi.Output<unknown> = pulumi.output(v as pulumi.Input<unknown>);
    const value = await new Promise<unknown>((resolve) => o.apply((x) => resolve(x)));
    return { value, secret: await pulumi.isSecret(o) };
}

/**
 * The stack outputs resolved. An output that is a record of outputs (`platformContract`) keeps its
 * secrets where they are, as the engine does: each secret field is shown as "[secret]" and its text
 * returned in `secrets`, so it is redacted wherever else it appears.
 */
async function resolveOutputs(result: unknown): Promise<{ outputs: Record<string, { value: unknown; secret: boolean }>; secrets: string[] }> {
    const outputs: Record<string, { value: unknown; secret: boolean }> = {};
    const secrets: string[] = [];
    if (!isRecord(result)) return { outputs, secrets };
    for (const [key, v] of Object.entries(result)) {
        if (v === undefined) continue;
        if (!isRecord(v) || pulumi.Output.isInstance(v)) {
            outputs[key] = await resolveOne(v);
            continue;
        }
        const fields: Record<string, unknown> = {};
        for (const [field, f] of Object.entries(v)) {
            const r = await resolveOne(f);
            if (r.secret) secrets.push(...stringLeaves(r.value));
            fields[field] = r.secret ? REDACTED : r.value;
        }
        outputs[key] = { value: fields, secret: false };
    }
    return { outputs, secrets };
}

/** The example stack file of each target (`Pulumi.<stack>.yaml`). */
export const EXAMPLE_STACK_OF: Record<Cloud, string> = { local: "dev", aws: "aws", gcp: "gcp", azure: "azure" };

export interface StackRun {
    values: Record<string, string>;
    secretKeys: string[];
    outputs: PlatformOutputs<PlatformContractOutput>;
    resources: ResourceSet;
}

/**
 * Runs `Pulumi.<stack>.yaml` (with `extra` config on top) under the test mocks, exactly as
 * `pulumi up` would evaluate it: the shared core of the plan, the stack tests and the benchmark.
 */
export async function runStack(stack: string, extra: Record<string, string> = {}, root = REPO_ROOT): Promise<StackRun> {
    const file = stackFile(stack, root);
    if (!fs.existsSync(file)) throw new Error(`no stack file ${path.relative(root, file)}; stacks here: ${exampleStacks(root).join(", ")}`);
    const parsed = parseStackConfig(fs.readFileSync(file, "utf8"));
    const secure = secureValueReport(stack, parsed.secretKeys.filter((k) => !(k in extra)));
    if (secure.problems.length > 0) throw new Error(secure.problems.join("\n"));
    const values = { ...parsed.values, ...extra };
    // Provider SDKs read their own namespaces (aws:region, gcp:project) from Pulumi's config.
    pulumi.runtime.setAllConfig(values, parsed.secretKeys);
    const config = readConfig(mapConfigSource(values, { secrets: parsed.secretKeys }));
    installCloudMocks(config.cloud);
    // The preflight's cloud reads, which the mocks answer; none that reach a real cluster.
    const { result, resources } = await runProgram(() => deployStack(config, { cloudOnly: true }));
    return { values, secretKeys: parsed.secretKeys, outputs: result, resources };
}

/**
 * Evaluates `Pulumi.<stack>.yaml` (with `extra` config on top: a proposed stack change) under mocks
 * and returns its redacted, deterministic plan.
 */
export async function evaluateStack(stack: string, root = REPO_ROOT, extra: Record<string, string> = {}): Promise<Plan> {
    const { values, secretKeys, outputs: result, resources } = await runStack(stack, extra, root);
    const { outputs, secrets } = await resolveOutputs(result);
    const recorded = resources.all.filter((r) => !r.read);
    const redacted = redactPlan(recorded, outputs, [...secretKeys.map((k) => values[k]), ...secrets]);
    const normalized = normalizePaths(redacted, root) as typeof redacted;
    return { stack, resources: normalized.resources, outputs: normalized.outputs, manifests: renderManifests(normalized.resources) };
}

/** The example app stack (examples/app-stack/), planned on the `dev` platform stack's real contract. */
export const APP_STACK_DIR = path.join(REPO_ROOT, "examples", "app-stack");
/** Its golden set's name under tests/golden/: the app stack's `dev` stack. */
export const APP_STACK_GOLDEN = "app-stack-dev";

export interface AppStackRun {
    values: Record<string, string>;
    contract: PlatformContract;
    outputs: AppStackOutputs;
    resources: ResourceSet;
}

/**
 * Runs examples/app-stack's `Pulumi.<stack>.yaml` under the mocks, on what the platform's own
 * `platformStack` example stack really exports: that stack is evaluated first (with
 * `platformExtra`), and its `platformContract` is what the app stack's StackReference reads.
 * `contractOverride` replaces it (a contract of another version, say).
 */
export async function runAppStack(
    options: { stack?: string; platformStack?: string; platformExtra?: Record<string, string>; appExtra?: Record<string, string>; contractOverride?: (c: PlatformContract) => unknown } = {},
): Promise<AppStackRun> {
    const platform = await runStack(options.platformStack ?? EXAMPLE_STACK_OF.local, options.platformExtra ?? {});
    const value = contractValue(platform.outputs.platformContract);
    const contract = await new Promise<PlatformContract>((resolve) => value.apply((c) => resolve(c)));
    const exported = options.contractOverride ? options.contractOverride(contract) : contract;
    // The engine names an output holding a secret anywhere in its value among the secret ones.
    const secret = await pulumi.isSecret(value);
    // A StackReference is read as a resource whose `outputs` are the other stack's outputs.
    mockState("pulumi:pulumi:StackReference", () => ({ outputs: { platformContract: exported }, secretOutputNames: secret ? ["platformContract"] : [] }));
    const file = path.join(APP_STACK_DIR, `Pulumi.${options.stack ?? "dev"}.yaml`);
    const values = { ...parseStackConfig(fs.readFileSync(file, "utf8")).values, ...(options.appExtra ?? {}) };
    // Loaded here: the platform's plans and tests never load the example (nor it the App).
    const example = await import("../examples/app-stack/app-stack");
    const get = (key: string): string | undefined => values[`${example.APP_STACK_PROJECT}:${key}`];
    const { result, resources } = await runProgram(() => example.appStack(get));
    return { values, contract, outputs: result, resources };
}

/** The example app stack's redacted, deterministic plan (its golden set is `APP_STACK_GOLDEN`). */
export async function evaluateAppStack(root = REPO_ROOT): Promise<Plan> {
    const { outputs: result, resources } = await runAppStack();
    const { outputs, secrets } = await resolveOutputs(result);
    const redacted = redactPlan(resources.all.filter((r) => !r.read), outputs, secrets);
    const normalized = normalizePaths(redacted, root) as typeof redacted;
    return { stack: APP_STACK_GOLDEN, resources: normalized.resources, outputs: normalized.outputs, manifests: renderManifests(normalized.resources) };
}

// ---------------------------------------------------------------------------------------------
// Files

export const INVENTORY_FILE = "inventory.json";
export const OUTPUTS_FILE = "outputs.json";
export const MANIFESTS_DIR = "manifests";

function json(v: unknown): string {
    return `${JSON.stringify(canonical(v), null, 2)}\n`;
}

/** The plan as relative path → file content: what `plan.ts` writes and the golden test compares. */
export function planFiles(plan: Plan): Map<string, string> {
    const files = new Map<string, string>();
    files.set(INVENTORY_FILE, json(plan.resources));
    files.set(OUTPUTS_FILE, json(plan.outputs));
    for (const name of Object.keys(plan.manifests).sort()) files.set(`${MANIFESTS_DIR}/${name}`, plan.manifests[name]);
    return files;
}

/** Writes the plan into `dir`, removing manifests of objects that no longer exist. */
export function writePlan(plan: Plan, dir: string): void {
    fs.rmSync(path.join(dir, MANIFESTS_DIR), { recursive: true, force: true });
    for (const [rel, content] of planFiles(plan)) {
        const target = path.join(dir, rel);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content);
    }
}

/** The files of a plan directory as relative path → content (empty if the directory is missing). */
export function readPlanFiles(dir: string): Map<string, string> {
    const files = new Map<string, string>();
    const walk = (rel: string) => {
        const abs = path.join(dir, rel);
        if (!fs.existsSync(abs)) return;
        for (const entry of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
            const child = rel ? `${rel}/${entry.name}` : entry.name;
            if (entry.isDirectory()) walk(child);
            else files.set(child, fs.readFileSync(path.join(dir, child), "utf8"));
        }
    };
    walk("");
    return files;
}

export interface PlanSnapshot {
    resources: PlanResource[];
    outputs: Record<string, unknown>;
}

/** Parses the inventory and outputs of plan files; missing files read as an empty plan. */
export function snapshotOf(files: ReadonlyMap<string, string>): PlanSnapshot {
    const inv = files.get(INVENTORY_FILE);
    const out = files.get(OUTPUTS_FILE);
    return {
        resources: inv ? (JSON.parse(inv) as PlanResource[]) : [],
        outputs: out ? (JSON.parse(out) as Record<string, unknown>) : {},
    };
}

// ---------------------------------------------------------------------------------------------
// Diff

export interface FieldChange {
    path: string;
    before: unknown;
    after: unknown;
}

export interface ResourceChange {
    urn: string;
    type: string;
    name: string;
    changes: FieldChange[];
}

export interface PlanDiff {
    added: PlanResource[];
    removed: PlanResource[];
    changed: ResourceChange[];
    outputs: FieldChange[];
    unchanged: number;
}

/** Leaves of a value by dotted path (`inputs.spec.template.spec.containers[0].image`). */
export function flatten(v: unknown, prefix = ""): Map<string, unknown> {
    const out = new Map<string, unknown>();
    const walk = (x: unknown, p: string) => {
        if (Array.isArray(x) && x.length > 0) x.forEach((y, i) => walk(y, `${p}[${i}]`));
        else if (isRecord(x) && Object.keys(x).length > 0) for (const [k, y] of Object.entries(x)) walk(y, p ? `${p}.${k}` : k);
        else out.set(p, x);
    };
    walk(v, prefix);
    return out;
}

export function diffValues(before: unknown, after: unknown, prefix = ""): FieldChange[] {
    const a = flatten(before, prefix);
    const b = flatten(after, prefix);
    const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
    return paths
        .filter((p) => JSON.stringify(a.get(p)) !== JSON.stringify(b.get(p)))
        .map((p) => ({ path: p, before: a.get(p), after: b.get(p) }));
}

/**
 * Whether a changed leaf (`inputs.spec.x[0].y`) is at or under one of the resource's `ignoreChanges`
 * paths (`spec.x[0].y`, relative to the inputs): Pulumi keeps the old value there, so the preview
 * shows no change.
 */
export function ignoredByPulumi(path: string, ignoreChanges: readonly string[]): boolean {
    return ignoreChanges.some((p) => path === `inputs.${p}` || path.startsWith(`inputs.${p}.`) || path.startsWith(`inputs.${p}[`));
}

/**
 * A dependency list compared as a set: `before` holds the URNs dropped, `after` those added. Order
 * and position are noise (one new dependency shifts every later index), and Pulumi's preview shows
 * no step for a changed dependency list: it changes only the order of operations.
 */
export function dependencyChange(before: readonly string[] = [], after: readonly string[] = []): FieldChange[] {
    const dropped = before.filter((u) => !after.includes(u)).sort();
    const added = after.filter((u) => !before.includes(u)).sort();
    return dropped.length + added.length === 0 ? [] : [{ path: DEPENDS_ON, before: dropped, after: added }];
}

export const DEPENDS_ON = "dependsOn";

/** Whether a change touches only the dependency list: nothing changes in the cloud. */
export function dependencyOnly(r: ResourceChange): boolean {
    return r.changes.every((c) => c.path === DEPENDS_ON);
}

export function diffPlans(base: PlanSnapshot, head: PlanSnapshot): PlanDiff {
    const before = new Map(base.resources.map((r) => [r.urn, r]));
    const after = new Map(head.resources.map((r) => [r.urn, r]));
    const diff: PlanDiff = { added: [], removed: [], changed: [], outputs: diffValues(base.outputs, head.outputs), unchanged: 0 };
    for (const [urn, r] of after) if (!before.has(urn)) diff.added.push(r);
    for (const [urn, r] of before) if (!after.has(urn)) diff.removed.push(r);
    for (const [urn, r] of after) {
        const old = before.get(urn);
        if (!old) continue;
        const { urn: _u, ...oldRest } = old;
        const { urn: _v, ...newRest } = r;
        void _u;
        void _v;
        const { dependsOn: oldDeps, ...oldFields } = oldRest;
        const { dependsOn: newDeps, ...newFields } = newRest;
        const changes = [...dependencyChange(oldDeps, newDeps), ...diffValues(oldFields, newFields).filter((c) => !ignoredByPulumi(c.path, r.ignoreChanges ?? []))];
        if (changes.length > 0) diff.changed.push({ urn, type: r.type, name: r.name, changes });
        else diff.unchanged++;
    }
    return diff;
}

export function hasChanges(d: PlanDiff): boolean {
    return d.added.length + d.removed.length + d.changed.length + d.outputs.length > 0;
}

function show(v: unknown): string {
    if (v === undefined) return "(unset)";
    const s = JSON.stringify(v);
    const short = s.length > 120 ? `${s.slice(0, 117)}...` : s;
    return `\`${short.replace(/`/g, "'")}\``;
}

/**
 * What a reviewer must not miss in a change, every one that applies: protection lifted (on to off;
 * putting it on is harmless), and changes to fields the API server refuses to update, so Pulumi
 * replaces the object. Kubernetes rejects updates to a StatefulSet's volumeClaimTemplates,
 * serviceName, selector and podManagementPolicy, to a Service's clusterIP, and to a StorageClass's
 * parameters, provisioner and reclaimPolicy.
 */
export function changeWarnings(r: ResourceChange): string[] {
    const found: string[] = [];
    const changed = (prefix: string) => r.changes.some((c) => c.path === prefix || c.path.startsWith(`${prefix}.`) || c.path.startsWith(`${prefix}[`));
    if (r.changes.some((c) => c.path === "protect" && c.before === true && c.after === false)) found.push("protection removed");
    if (r.type === "kubernetes:apps/v1:StatefulSet") {
        for (const field of ["volumeClaimTemplates", "serviceName", "selector", "podManagementPolicy"]) {
            if (changed(`inputs.spec.${field}`)) found.push(`${field} changed: the StatefulSet is replaced`);
        }
    }
    if (r.type === "kubernetes:core/v1:Service" && changed("inputs.spec.clusterIP")) {
        found.push("clusterIP is immutable: the Service is replaced (deleted, then created)");
    }
    if (r.type === "kubernetes:storage.k8s.io/v1:StorageClass" && r.changes.some((c) => /^inputs\.(parameters|provisioner|reclaimPolicy)/.test(c.path))) {
        found.push("StorageClass fields are immutable: it is replaced");
    }
    return found;
}

/** The warnings of a change that mean Pulumi deletes the object and creates it again. */
export function replacementReasons(r: ResourceChange): string[] {
    return changeWarnings(r).filter((w) => / replaced\b|is replaced/.test(w));
}

/** The URN an alias of `r` stands for (`name=…;type=…;parent=<urn>`; empty fields keep r's own). */
export function aliasUrn(r: Pick<PlanResource, "name" | "type" | "parent">, alias: string): string | undefined {
    const field = (k: string) => new RegExp(`(?:^|;)${k}=([^;]*)`).exec(alias)?.[1] ?? "";
    const parent = field("parent") || r.parent;
    const parts = parent.split("::");
    if (parts.length < 4) return undefined;
    return `${parts[0]}::${parts[1]}::${parts[2]}$${field("type") || r.type}::${field("name") || r.name}`;
}

export interface UrnMove {
    from: PlanResource;
    to: PlanResource;
    /** An alias of the new URN names the old one: Pulumi keeps the object. */
    aliased: boolean;
}

/**
 * Resources that left one URN for another of the same type and name (a new parent or a rename):
 * without an alias naming the old URN Pulumi deletes the object and creates it again.
 */
export function urnMoves(d: Pick<PlanDiff, "added" | "removed">): UrnMove[] {
    const moves: UrnMove[] = [];
    for (const to of d.added) {
        const aliases = to.aliases.map((a) => aliasUrn(to, a));
        const from = d.removed.find((r) => aliases.includes(r.urn)) ?? d.removed.find((r) => r.type === to.type && r.name === to.name);
        if (from && !moves.some((m) => m.from === from)) moves.push({ from, to, aliased: aliases.includes(from.urn) });
    }
    return moves;
}

/** The parts of a diff as a reviewer reads them: what only moved in the dependency graph is folded. */
interface DiffParts {
    added: PlanResource[];
    removed: PlanResource[];
    moved: UrnMove[];
    replaced: ResourceChange[];
    updated: ResourceChange[];
    dependencyOnly: ResourceChange[];
}

function partsOf(d: PlanDiff): DiffParts {
    const moved = urnMoves(d);
    return {
        added: d.added.filter((r) => !moved.some((m) => m.to === r)),
        removed: d.removed.filter((r) => !moved.some((m) => m.from === r)),
        moved,
        replaced: d.changed.filter((r) => !dependencyOnly(r) && replacementReasons(r).length > 0),
        updated: d.changed.filter((r) => !dependencyOnly(r) && replacementReasons(r).length === 0),
        dependencyOnly: d.changed.filter(dependencyOnly),
    };
}

const item = (r: { type: string; name: string }) => `\`${r.type}\` **${r.name}**`;
const urnName = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

function changeLines(r: ResourceChange): string[] {
    return r.changes.map((c) => {
        if (c.path !== DEPENDS_ON) return `  - \`${c.path}\`: ${show(c.before)} → ${show(c.after)}`;
        const [dropped, added] = [c.before, c.after] as [string[], string[]];
        const list = (sign: string, urns: string[]) => (urns.length === 0 ? [] : [`${sign} ${urns.map(urnName).join(", ")}`]);
        return `  - \`${DEPENDS_ON}\` (order only): ${[...list("+", added), ...list("−", dropped)].join("; ")}`;
    });
}

function headline(p: DiffParts, unchanged: number): string {
    const replace = p.replaced.length + p.moved.filter((m) => !m.aliased).length;
    const folded = p.dependencyOnly.length > 0 ? `, ${p.dependencyOnly.length} with only their dependency list changed (folded)` : "";
    return `**${p.added.length} to add, ${p.removed.length} to remove, ${p.updated.length} to change, ${replace} to replace**${folded}, ${unchanged} unchanged.`;
}

/** A markdown report of a diff (for a PR comment or a terminal). */
export function renderDiff(d: PlanDiff, title: string): string {
    const lines = [`### ${title}`, ""];
    if (!hasChanges(d)) return [...lines, `No changes (${d.unchanged} resources).`, ""].join("\n");
    const p = partsOf(d);
    lines.push(headline(p, d.unchanged), "");
    if (p.added.length > 0) lines.push("#### Added", ...p.added.map((r) => `- ${item(r)}`), "");
    if (p.removed.length > 0) {
        lines.push("#### Removed", ...p.removed.map((r) => `- ${item(r)}${r.protect ? " ⚠️ protected: the update will fail until protect is lifted" : ""}`), "");
    }
    const replacedMoves = p.moved.filter((m) => !m.aliased);
    if (p.replaced.length + replacedMoves.length > 0) {
        lines.push("#### Replaced (deleted, then created again)");
        for (const m of replacedMoves) lines.push(`- ${item(m.to)} ⚠️ its URN changed and no alias names the old one${m.from.protect ? "; protected: the update will fail" : ""}`, `  - from \`${m.from.urn}\``);
        for (const r of p.replaced) lines.push(`- ${item(r)}${changeWarnings(r).map((w) => ` ⚠️ ${w}`).join("")}`, ...changeLines(r));
        lines.push("");
    }
    if (p.updated.length > 0) {
        lines.push("#### Changed");
        for (const r of p.updated) lines.push(`- ${item(r)}${changeWarnings(r).map((w) => ` ⚠️ ${w}`).join("")}`, ...changeLines(r));
        lines.push("");
    }
    const aliased = p.moved.filter((m) => m.aliased);
    if (aliased.length > 0) lines.push("#### Moved (an alias keeps the object)", ...aliased.map((m) => `- ${item(m.to)} from \`${m.from.urn}\``), "");
    if (p.dependencyOnly.length > 0) {
        lines.push("<details><summary>" + `${p.dependencyOnly.length} resources with only their dependency list changed: no change in the cloud, only the order of operations</summary>`, "");
        for (const r of p.dependencyOnly) lines.push(`- ${item(r)}`, ...changeLines(r));
        lines.push("", "</details>", "");
    }
    if (d.outputs.length > 0) {
        lines.push("#### Stack outputs", ...d.outputs.map((c) => `- \`${c.path}\`: ${show(c.before)} → ${show(c.after)}`), "");
    }
    return lines.join("\n");
}

/** Why two sets of plan files differ, naming resources and files; undefined when identical. */
export function goldenMismatch(stack: string, golden: ReadonlyMap<string, string>, current: ReadonlyMap<string, string>): string | undefined {
    const files = [...new Set([...golden.keys(), ...current.keys()])].sort();
    const differing = files.filter((f) => golden.get(f) !== current.get(f));
    if (differing.length === 0) return undefined;
    const refresh = `If the change is intended, refresh the snapshot with: npm run plan:update-golden -- ${stack}`;
    if (golden.size === 0) return `no golden plan for stack ${stack} in ${path.relative(process.cwd(), path.join(GOLDEN_DIR, stack))}. ${refresh}`;
    const report = renderDiff(diffPlans(snapshotOf(golden), snapshotOf(current)), `${stack}: golden -> current`);
    const fileList = differing.map((f) => `  ${golden.has(f) ? (current.has(f) ? "changed" : "removed") : "added"}: ${f}`).join("\n");
    return `the offline plan of stack ${stack} differs from tests/golden/${stack}:\n${report}\nFiles:\n${fileList}\n\n${refresh}`;
}
