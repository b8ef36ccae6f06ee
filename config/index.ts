/**
 * Stack configuration: reads every key declared in ./keys.ts, applies the rules in ./rules.ts, and
 * returns a fully-defaulted `PlatformConfig` or throws one `ConfigError` listing every problem at
 * once, before a single resource is registered.
 *
 * Reading is separated from deciding: `readConfig` takes any `ConfigSource` (Pulumi's config at run
 * time, a plain map in tests) and a clock (tests pin the date; the clock only decides warnings and
 * refusals, never a default).
 */
import * as pulumi from "@pulumi/pulumi";
import { KEYS, type KeyDecl, type KeyName, SECTIONS, type Values, fullName } from "./keys";
import type { Parsed } from "./kinds";
import { type DeclaredKeys, closest, namespaceFindings } from "./namespaces";
import { RULES } from "./rules";
import { CLOUDS, type Cloud, type PlatformConfig } from "./types";

export * from "./types";
export { KEYS, type KeyName } from "./keys";

/** Where raw values come from: `namespace` is the part before the colon (`platform`, `aws`, ...). */
export interface ConfigSource {
    /** The text as set, for validation (a secret's too: it is checked, never printed). */
    get(namespace: string, key: string): string | undefined;
    /** Every `namespace:key` that is set, so misspelt keys are reported instead of ignored. */
    keys(): string[];
    /** Whether a set value is stored encrypted (`pulumi config set --secret`). */
    isSecret(namespace: string, key: string): boolean;
    /** A set value as an `Output` marked secret, so it never reaches state or logs in plain text. */
    getSecret(namespace: string, key: string): pulumi.Output<string> | undefined;
}

/**
 * Whether Pulumi holds a config value as a secret. The SDK exports `runtime.isConfigSecret` (it
 * decides with it whether `Config.get` read a secret) but marks it @internal, so its typings omit it
 * (@pulumi/pulumi 3.x runtime/config.js, checked 2026-12-07). Missing, every secret key would be
 * refused as plain text: fail loudly instead.
 */
function isConfigSecret(fullKey: string): boolean {
    const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (key: string) => boolean };
    if (typeof runtime.isConfigSecret !== "function") throw new Error("@pulumi/pulumi no longer exports runtime.isConfigSecret: config/index.ts cannot tell secret config values apart");
    return runtime.isConfigSecret(fullKey);
}

/** Pulumi's stack configuration as a `ConfigSource`. */
export function pulumiConfigSource(): ConfigSource {
    const bags = new Map<string, pulumi.Config>();
    const bag = (namespace: string): pulumi.Config => {
        let found = bags.get(namespace);
        if (!found) {
            found = new pulumi.Config(namespace);
            bags.set(namespace, found);
        }
        return found;
    };
    return {
        get: (namespace, key) => bag(namespace).get(key),
        keys: () => Object.keys(pulumi.runtime.allConfig()),
        isSecret: (namespace, key) => isConfigSecret(`${namespace}:${key}`),
        getSecret: (namespace, key) => bag(namespace).getSecret(key),
    };
}

/**
 * A plain `{"platform:cloud": "aws"}` map as a `ConfigSource` (tests, the offline plan); the
 * `namespace:key` names in `secrets` behave as if set with `pulumi config set --secret`.
 */
export function mapConfigSource(values: Record<string, string>, options: { secrets?: readonly string[] } = {}): ConfigSource {
    const secrets = new Set(options.secrets ?? []);
    const get = (namespace: string, key: string): string | undefined => values[`${namespace}:${key}`];
    return {
        get,
        keys: () => Object.keys(values),
        isSecret: (namespace, key) => secrets.has(`${namespace}:${key}`) && get(namespace, key) !== undefined,
        getSecret(namespace, key) {
            const value = get(namespace, key);
            return value === undefined ? undefined : pulumi.secret(value);
        },
    };
}

/** Thrown for invalid configuration; a RunError so Pulumi prints the message without a stack trace. */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

/** Every `platform:` key this program reads. */
export const PLATFORM_KEYS: readonly string[] = (Object.keys(KEYS) as KeyName[]).filter((k) => !k.includes(":"));

/** The known key closest to a misspelt one, if any is close (edits <= max(1, a quarter of its length)). */
export function closestKey(key: string): string | undefined {
    return closest(key, PLATFORM_KEYS);
}

/** The declared keys as the namespace checks need them. */
const DECLARED: DeclaredKeys = {
    platform: PLATFORM_KEYS,
    provider: Object.fromEntries((Object.keys(KEYS) as KeyName[]).filter((k) => k.includes(":")).map((k) => [k, KEYS[k].clouds])),
};

let clock: () => Date = () => new Date();
/**
 * Replace the clock refusals and warnings are judged by (the test harness pins it, so a test written
 * today still means the same next year). Returns a function that restores the previous clock.
 */
export function setConfigClock(now: () => Date): () => void {
    const previous = clock;
    clock = now;
    return () => {
        clock = previous;
    };
}

export interface ReadOptions {
    /** The date refusals and warnings are judged on. Default: the clock (now, unless a test pinned it). */
    today?: Date;
}

const ALL_KEYS = Object.keys(KEYS) as KeyName[];
const decl = (name: KeyName): KeyDecl<unknown> => KEYS[name] as KeyDecl<unknown>;
const split = (name: KeyName): [string, string] => {
    const full = fullName(name);
    const at = full.indexOf(":");
    return [full.slice(0, at), full.slice(at + 1)];
};

/** A set value parsed by its key's kind, or what is wrong with it (a credential in plain text is). */
function parseSet(name: KeyName, text: string, cloud: Cloud, source: ConfigSource): Parsed<unknown> {
    const d = decl(name);
    if (d.secret && !source.isSecret(...split(name))) {
        return { problem: `is stored in plain text in the stack's config; a credential must be encrypted. Set it with: pulumi config set --secret ${fullName(name)} <value>` };
    }
    const kind = typeof d.kind === "function" ? d.kind(cloud) : d.kind;
    return kind.parse(text);
}

/**
 * Each key's value for this cloud, resolved lazily so a default may read other keys in any order.
 * A key that does not apply to the cloud takes its default; a bad value is reported and replaced by
 * its default, so the rules still run and every problem is found in one pass.
 */
function resolveValues(source: ConfigSource, cloud: Cloud, keyProblems: Map<KeyName, string>): Values {
    const raw = (name: KeyName): string | undefined => {
        const value = source.get(...split(name));
        if (value === undefined || value.trim() === "") return undefined;
        // A secret is checked exactly as it will be used: trimming would pass a value it differs from.
        return decl(name).secret ? value : value.trim();
    };
    const memo = new Map<KeyName, unknown>();
    const resolving = new Set<KeyName>();
    const value = (name: KeyName): unknown => {
        if (memo.has(name)) return memo.get(name);
        if (resolving.has(name)) throw new Error(`config/keys.ts: the default of ${name} depends on itself`);
        resolving.add(name);
        const d = decl(name);
        const fallback = (): unknown => {
            const def = d.default;
            if ("value" in def) return def.value;
            if ("compute" in def) return def.compute(context);
            if ("required" in def && d.clouds.includes(cloud)) {
                keyProblems.set(name, `${fullName(name)}: is required ${def.required}. Set it with: pulumi config set ${fullName(name)} <value>`);
            }
            return "required" in def ? "" : undefined;
        };
        let result: unknown;
        const text = d.clouds.includes(cloud) ? raw(name) : undefined;
        const parsed = text === undefined ? undefined : parseSet(name, text, cloud, source);
        if (parsed !== undefined && "value" in parsed) {
            result = parsed.value;
        } else {
            if (parsed !== undefined) keyProblems.set(name, `${fullName(name)}: ${parsed.problem}`);
            result = fallback();
        }
        resolving.delete(name);
        memo.set(name, result);
        return result;
    };
    const typed = <T>(name: string, check: (x: unknown) => boolean, what: string): T => {
        if (!(name in KEYS)) throw new Error(`config/keys.ts: a default reads ${name}, which is not a key`);
        const x = value(name as KeyName);
        if (!check(x)) throw new Error(`config/keys.ts: ${name} is not ${what}`);
        return x as T;
    };
    const context = {
        cloud,
        number: (name: string) => typed<number>(name, (x) => typeof x === "number", "a number"),
        string: (name: string) => typed<string | undefined>(name, (x) => x === undefined || typeof x === "string", "a string"),
        list: (name: string) => typed<string[] | undefined>(name, (x) => x === undefined || Array.isArray(x), "a list"),
        raw: (name: string) => (name in KEYS ? raw(name as KeyName) : undefined),
    };
    const values: Record<string, unknown> = {};
    for (const name of ALL_KEYS) values[name] = value(name);
    return values as Values;
}

/**
 * Reads and validates the whole configuration. Throws `ConfigError` naming every bad key, its value
 * and what is allowed.
 */
export function readConfig(source: ConfigSource, options: ReadOptions = {}): PlatformConfig {
    const cloudRaw = source.get("platform", "cloud")?.trim();
    if (!cloudRaw) {
        throw new ConfigError([`platform:cloud: is required; expected one of: ${CLOUDS.join(", ")}. Set it with: pulumi config set platform:cloud <value>`]);
    }
    if (!(CLOUDS as readonly string[]).includes(cloudRaw)) {
        throw new ConfigError([`platform:cloud: "${cloudRaw}" is not allowed; expected one of: ${CLOUDS.join(", ")}`]);
    }
    const cloud = cloudRaw as Cloud;
    const problems: string[] = [];

    const namespaces = namespaceFindings(source.keys(), cloud, DECLARED);
    problems.push(...namespaces.problems);
    const isSet = (name: KeyName): boolean => {
        const value = source.get(...split(name));
        return value !== undefined && value.trim() !== "";
    };
    for (const name of ALL_KEYS) {
        const { clouds } = decl(name);
        if (!clouds.includes(cloud) && isSet(name)) {
            problems.push(`${fullName(name)}: applies only when platform:cloud is ${clouds.join(" or ")} (this stack is ${cloud}); remove it with: pulumi config rm ${fullName(name)}`);
        }
    }

    const keyProblems = new Map<KeyName, string>();
    const v = resolveValues(source, cloud, keyProblems);
    for (const name of ALL_KEYS) {
        const p = keyProblems.get(name);
        if (p) problems.push(p);
    }

    const warnings: string[] = [...namespaces.warnings];
    const context = { cloud, isSet, today: options.today ?? clock() };
    for (const rule of RULES) {
        if (!rule.clouds.includes(cloud)) continue;
        const result = rule.check(v, context);
        problems.push(...(result.problems ?? []));
        warnings.push(...(result.warnings ?? []));
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return assemble(cloud, v, warnings, (name) => (v[name] === undefined ? undefined : source.getSecret(...split(name))));
}

/**
 * The validated values, placed where each key's `at` says (the same declaration ./types.ts derives
 * the shape from). A per-cloud section exists only on its cloud; a group of keys
 * (`aws.existingVpc`) only when every key in it is set. `secret` reads a secret key through
 * Pulumi's secret API (undefined when unset): its plain text never leaves `Values`.
 */
function assemble(cloud: Cloud, v: Values, warnings: string[], secret: (name: KeyName) => pulumi.Output<string> | undefined): PlatformConfig {
    const config: Record<string, unknown> = { cloud, warnings };
    const groups = new Map<string, { holder: Record<string, unknown>; field: string; value: Record<string, unknown> }>();
    const otherCloud = (section: string): boolean => (CLOUDS as readonly string[]).includes(section) && section !== cloud;
    const child = (holder: Record<string, unknown>, field: string): Record<string, unknown> => {
        const existing = holder[field];
        if (existing !== undefined) return existing as Record<string, unknown>;
        const made: Record<string, unknown> = {};
        holder[field] = made;
        return made;
    };
    for (const section of SECTIONS) if (!otherCloud(section)) child(config, section);
    for (const name of ALL_KEYS) {
        const path = decl(name).at.split(".");
        if (name === "cloud" || otherCloud(path[0])) continue;
        let holder = config;
        for (const [depth, field] of path.slice(0, -1).entries()) {
            const parent = holder;
            holder = child(parent, field);
            if (depth === 1) groups.set(path.slice(0, 2).join("."), { holder: parent, field, value: holder });
        }
        holder[path[path.length - 1]] = decl(name).secret ? secret(name) : v[name];
    }
    for (const { holder, field, value } of groups.values()) {
        if (Object.values(value).some((x) => x === undefined)) holder[field] = undefined;
    }
    return config as PlatformConfig;
}
