/**
 * Which `namespace:key` names a stack may hold, decided before any value is read: a misspelt
 * `platform:` key, a misspelt namespace and a key of another cloud are mistakes a stack file can
 * carry silently, since nothing ever reads them.
 *
 * Refused (the stack fails before any resource exists): keys this program declares and so owns
 * the meaning of, i.e. every `platform:` key and the location keys in ./keys.ts (`aws:region`,
 * `gcp:project`, ...) set on a stack of another cloud, and a namespace that is one typo away from
 * one that is read. Warned: a key in a provider's namespace this program does not declare. The
 * provider owns those (`aws:profile`, `gcp:impersonateServiceAccount`), a shared Pulumi ESC
 * environment may set them for many stacks at once, and on the stack's own cloud the bridged
 * providers already refuse an unknown key themselves at preview time ("Invalid or unknown key",
 * pulumi/pulumi-terraform-bridge#1153 and #1663, checked 2026-12-07) without a suggestion.
 */
import type { Cloud } from "./types";

/** Provider namespaces each cloud's stack reads (through its SDKs' default providers). */
export const CLOUD_NAMESPACES: Record<Cloud, readonly string[]> = {
    aws: ["aws", "awsx", "eks"],
    gcp: ["gcp"],
    azure: ["azure-native", "azuread"],
    local: [],
};

/** Namespaces every stack may hold: the SDKs all clouds use, and Pulumi's own (`pulumi:tags`). */
export const SHARED_NAMESPACES: readonly string[] = ["kubernetes", "docker", "random", "command", "pulumi"];

/** Edit distance, case-insensitive (a wrong case is a typo too), a swap of two neighbours counting one. */
export function editDistance(a: string, b: string): number {
    const same = (i: number, j: number): boolean => a[i].toLowerCase() === b[j].toLowerCase();
    const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (same(i - 1, j - 1) ? 0 : 1));
            if (i > 1 && j > 1 && same(i - 1, j - 2) && same(i - 2, j - 1)) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}

/** The candidate closest to `word`, if any is close (edits <= max(1, a quarter of its length)). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
    let best: { known: string; d: number } | undefined;
    for (const known of candidates) {
        const d = editDistance(word, known);
        if (d <= Math.max(1, Math.floor(known.length / 4)) && (!best || d < best.d)) best = { known, d };
    }
    return best?.known;
}

/** What ./keys.ts declares, as the checks need it: the declared full names and their clouds. */
export interface DeclaredKeys {
    /** `platform:` key names without the namespace. */
    platform: readonly string[];
    /** Declared keys in provider namespaces (`aws:region`) and the clouds each applies to. */
    provider: Readonly<Record<string, readonly Cloud[]>>;
}

export interface NamespaceFindings {
    problems: string[];
    warnings: string[];
}

const CLOUD_OF_NAMESPACE: ReadonlyMap<string, Cloud> = new Map(
    (Object.entries(CLOUD_NAMESPACES) as [Cloud, readonly string[]][]).flatMap(([cloud, spaces]) => spaces.map((s) => [s, cloud] as const)),
);
const ALL_NAMESPACES: readonly string[] = ["platform", ...CLOUD_OF_NAMESPACE.keys(), ...SHARED_NAMESPACES];
const REFERENCE = "See docs/configuration.md for every key.";

function platformKey(full: string, key: string, declared: DeclaredKeys): string | undefined {
    if (declared.platform.includes(key)) return undefined;
    const guess = closest(key, declared.platform);
    return `${full}: is not a setting of this program${guess ? `; did you mean platform:${guess}?` : "."} ${REFERENCE}`;
}

/** A key whose namespace nothing reads: a typo of a read one is refused, anything else warned. */
function unknownNamespace(full: string, namespace: string, key: string, declared: DeclaredKeys, findings: NamespaceFindings): void {
    const near = closest(namespace, ALL_NAMESPACES);
    if (near === undefined) {
        findings.warnings.push(`${full}: nothing in this program or its providers reads the namespace "${namespace}"; if it is not meant for another tool, remove it with: pulumi config rm ${full}`);
        return;
    }
    const keyGuess = near === "platform" ? closest(key, declared.platform) : closest(key, Object.keys(declared.provider).filter((k) => k.startsWith(`${near}:`)).map((k) => k.slice(near.length + 1)));
    findings.problems.push(`${full}: "${namespace}" is not a namespace this program or its providers read; did you mean ${near}:${keyGuess ?? key}?`);
}

function providerKey(full: string, namespace: string, key: string, cloud: Cloud, declared: DeclaredKeys, findings: NamespaceFindings): void {
    const owner = CLOUD_OF_NAMESPACE.get(namespace);
    const clouds = declared.provider[full];
    if (clouds !== undefined) {
        // Declared keys of the stack's own cloud are checked by their kind; on another cloud readConfig refuses them.
        return;
    }
    if (owner !== undefined && owner !== cloud) {
        findings.warnings.push(`${full}: a setting of the ${namespace} provider, which only a platform:cloud ${owner} stack uses (this stack is ${cloud}); nothing reads it here. Remove it with: pulumi config rm ${full}`);
        return;
    }
    const siblings = Object.keys(declared.provider).filter((k) => k.startsWith(`${namespace}:`)).map((k) => k.slice(namespace.length + 1));
    const guess = closest(key, siblings);
    if (guess !== undefined) findings.warnings.push(`${full}: not a key this program sets; did you mean ${namespace}:${guess}? (the ${namespace} provider decides whether it knows ${full})`);
}

/**
 * Every set key checked by its namespace: `platform:` keys against the declared ones, provider
 * namespaces against the stack's cloud, unknown namespaces against the known ones.
 */
export function namespaceFindings(setKeys: readonly string[], cloud: Cloud, declared: DeclaredKeys): NamespaceFindings {
    const findings: NamespaceFindings = { problems: [], warnings: [] };
    for (const full of setKeys) {
        const at = full.indexOf(":");
        const namespace = at < 0 ? "" : full.slice(0, at);
        const key = full.slice(at + 1);
        if (namespace === "platform") {
            const problem = platformKey(full, key, declared);
            if (problem) findings.problems.push(problem);
        } else if (CLOUD_OF_NAMESPACE.has(namespace) || SHARED_NAMESPACES.includes(namespace)) {
            providerKey(full, namespace, key, cloud, declared, findings);
        } else {
            unknownNamespace(full, namespace, key, declared, findings);
        }
    }
    return findings;
}
