/**
 * kube-score on the offline plans: every Kubernetes object of each example stack's golden plan
 * (tests/golden/<stack>/inventory.json, rendered to YAML as `npm run plan` renders it) is scored,
 * all objects of a stack in one run so the cross-object checks (Service -> Pod, NetworkPolicy,
 * PodDisruptionBudget, HPA) see each other. Every finding must be waived, with its reason, in
 * tests/kube-score-waivers.yaml, and every waived (check, object) pair must still be found, so a
 * fixed finding's waiver cannot stay behind. tests/delivery/kube-score.test.ts runs this in
 * `npm test`.
 *
 *     bash scripts/use-node.sh node_modules/.bin/tsx scripts/kube-score.ts           # report; exit 1 on a problem
 *     bash scripts/use-node.sh node_modules/.bin/tsx scripts/kube-score.ts --build   # only build the pinned binary
 *
 * Not scored: Helm releases (`kubernetes:helm.sh/*`). The offline plan records a release's chart
 * and values, never the objects the chart renders (the chart is not fetched), so there is nothing
 * to render; those objects are the chart maintainers' (ingress-nginx, cert-manager, Envoy Gateway,
 * the CSI and autoscaler charts).
 *
 * kube-score is built from its Go module (`go install`, the Go module proxy) into a cache outside
 * the clone, once per pinned version; later runs need no network.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { load } from "js-yaml";
import { GOLDEN_DIR, INVENTORY_FILE, type PlanResource, REPO_ROOT, exampleStacks, isManifestResource, renderManifests } from "./plan-lib";

/** github.com/zegl/kube-score v1.20.0 (2025-04-28): the newest release on the Go module proxy on 2026-12-07. */
export const KUBE_SCORE_MODULE = "github.com/zegl/kube-score";
export const KUBE_SCORE_VERSION = "v1.20.0";
/**
 * The API version kube-score checks objects against (deprecated apiVersions): the oldest minor
 * the example stacks run (Pulumi.*.yaml: 1.35 and 1.36).
 */
export const KUBERNETES_VERSION = "v1.35";
/**
 * Optional checks that hold today and are worth keeping: a seccomp profile on every pod, named
 * and unique container ports. Left off: the requests-equal-limits family (Guaranteed QoS
 * everywhere; the workloads burst their CPU on purpose).
 */
export const OPTIONAL_CHECKS = ["container-seccomp-profile", "container-ports-check"] as const;
export const WAIVERS_FILE = path.join(REPO_ROOT, "tests", "kube-score-waivers.yaml");

/** kube-score's grades (scorecard.Grade): 10 is "all OK", anything lower is a finding. */
const GRADE_ALL_OK = 10;

// ---------------------------------------------------------------------------------------------
// The binary

/**
 * Where binaries built for the checks are cached, newest preference first: $PLATFORM_TOOLS_DIR,
 * /var/cache/platform-tools (shared by every clone on the machine), ~/.cache/platform-tools.
 */
export function toolsDirCandidates(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
    const dirs = [env.PLATFORM_TOOLS_DIR, "/var/cache/platform-tools", path.join(env.XDG_CACHE_HOME ?? path.join(home, ".cache"), "platform-tools")];
    return dirs.filter((d): d is string => d !== undefined && d !== "");
}

export function kubeScoreBinary(toolsDir: string, version = KUBE_SCORE_VERSION): string {
    return path.join(toolsDir, `kube-score-${version}`, "kube-score");
}

export function writable(dir: string): boolean {
    try {
        fs.mkdirSync(dir, { recursive: true });
        fs.accessSync(dir, fs.constants.W_OK);
        return true;
    } catch {
        return false;
    }
}

/** What `kube-score version` prints, or undefined when the file is not a working kube-score. */
function installedVersion(binary: string): string | undefined {
    const run = spawnSync(binary, ["version"], { encoding: "utf8", timeout: 10_000 });
    return run.status === 0 ? /version: ([^\s,]+)/.exec(run.stdout)?.[1] : undefined;
}

/** `go install` of the pinned version into `<toolsDir>/kube-score-<version>/`; returns the binary. */
export function buildKubeScore(toolsDir: string, log: (line: string) => void = console.error): string {
    const binDir = path.dirname(kubeScoreBinary(toolsDir));
    const started = Date.now();
    log(`kube-score: building ${KUBE_SCORE_MODULE}/cmd/kube-score@${KUBE_SCORE_VERSION} into ${binDir} (Go module proxy)`);
    try {
        execFileSync(
            "go",
            ["install", "-trimpath", `-ldflags=-s -w -X main.version=${KUBE_SCORE_VERSION}`, `${KUBE_SCORE_MODULE}/cmd/kube-score@${KUBE_SCORE_VERSION}`],
            { env: { ...process.env, GOBIN: binDir, CGO_ENABLED: "0", GOFLAGS: "" }, stdio: ["ignore", "inherit", "inherit"] },
        );
    } catch (e) {
        throw new Error(`kube-score: go install failed (Go 1.23+ and the Go module proxy, or a warm module cache, are needed): ${(e as Error).message}`, { cause: e });
    }
    log(`kube-score: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return kubeScoreBinary(toolsDir);
}

/** The pinned kube-score: found in a tools directory, else built into the first writable one. */
export function ensureKubeScore(log: (line: string) => void = console.error): string {
    const candidates = toolsDirCandidates();
    for (const dir of candidates) {
        const binary = kubeScoreBinary(dir);
        if (fs.existsSync(binary) && installedVersion(binary) === KUBE_SCORE_VERSION) return binary;
    }
    const target = candidates.find(writable);
    if (target === undefined) throw new Error(`kube-score: none of ${candidates.join(", ")} is writable; set PLATFORM_TOOLS_DIR`);
    const binary = buildKubeScore(target, log);
    const version = installedVersion(binary);
    if (version !== KUBE_SCORE_VERSION) throw new Error(`kube-score: ${binary} reports version ${version ?? "(none)"}, expected ${KUBE_SCORE_VERSION}`);
    return binary;
}

// ---------------------------------------------------------------------------------------------
// Manifests and findings

export interface StackManifests {
    stack: string;
    /** File name to YAML text, one object each (plan-lib's rendering). */
    files: Record<string, string>;
    /** `Kind name` of the kubernetes:* resources that cannot be rendered (Helm releases and charts). */
    notRendered: string[];
}

/** The Kubernetes objects of a golden plan's inventory as YAML, and what could not be rendered. */
export function stackManifests(stack: string, goldenDir = GOLDEN_DIR): StackManifests {
    const file = path.join(goldenDir, stack, INVENTORY_FILE);
    const resources = JSON.parse(fs.readFileSync(file, "utf8")) as PlanResource[];
    const notRendered = resources.filter((r) => r.type.startsWith("kubernetes:") && !isManifestResource(r)).map((r) => `${r.type.split(":").pop() ?? r.type} ${r.name}`);
    return { stack, files: renderManifests(resources), notRendered };
}

/** One failed check on one object (all of its containers' comments together). */
export interface Finding {
    stack: string;
    check: string;
    /** `Kind/namespace/name`, or `Kind/name` for a cluster-scoped object. */
    object: string;
    grade: number;
    /** `container: summary` lines, as kube-score words them. */
    details: string[];
}

interface ScoredCheck {
    check: { id: string };
    grade: number;
    skipped: boolean;
    comments: { path: string; summary: string }[] | null;
}

interface ScoredObject {
    type_meta: { kind: string };
    object_meta: { name: string; namespace?: string };
    checks: ScoredCheck[];
}

export function objectId(kind: string, name: string, namespace?: string): string {
    return namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`;
}

/** The findings in kube-score's `-o json` (v2) output: checks not skipped and graded below OK. */
export function parseFindings(stack: string, json: string): Finding[] {
    const scored = JSON.parse(json) as ScoredObject[];
    return scored.flatMap((o) =>
        o.checks
            .filter((c) => !c.skipped && c.grade < GRADE_ALL_OK)
            .map((c) => ({
                stack,
                check: c.check.id,
                object: objectId(o.type_meta.kind, o.object_meta.name, o.object_meta.namespace),
                grade: c.grade,
                details: (c.comments ?? []).map((m) => (m.path ? `${m.path}: ${m.summary}` : m.summary)),
            })),
    );
}

/** The arguments of one run: waivers live in one file, so in-manifest ignore annotations are off. */
export function kubeScoreArgs(files: readonly string[]): string[] {
    const optional = OPTIONAL_CHECKS.flatMap((c) => ["--enable-optional-test", c]);
    return ["score", "--output-format", "json", "--kubernetes-version", KUBERNETES_VERSION, "--disable-ignore-checks-annotations", ...optional, ...files];
}

/** Scores one stack's manifests (written to a temporary directory) and returns its findings. */
export function scoreStack(binary: string, manifests: StackManifests): Finding[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kube-score-${manifests.stack}-`));
    try {
        const files = Object.entries(manifests.files).map(([name, text]) => {
            fs.writeFileSync(path.join(dir, name), text);
            return path.join(dir, name);
        });
        // Exit status 1 means "findings"; anything else, or no JSON, is a failure of the run itself.
        const run = spawnSync(binary, kubeScoreArgs(files), { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
        if (run.error !== undefined || (run.status !== 0 && run.status !== 1) || !run.stdout.trimStart().startsWith("[")) {
            throw new Error(`kube-score failed on stack ${manifests.stack} (status ${run.status}): ${run.error?.message ?? run.stderr}`);
        }
        return parseFindings(manifests.stack, run.stdout);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

// ---------------------------------------------------------------------------------------------
// Waivers

/** A finding accepted on purpose: one check on the objects listed, in every example stack. */
export interface Waiver {
    check: string;
    objects: string[];
    reason: string;
}

const WAIVER_KEYS = ["check", "objects", "reason"] as const;
const CHECK_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const OBJECT_ID = /^[A-Z][A-Za-z]*\/([a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;

function waiverProblems(entry: unknown): string[] {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return ["is not a mapping of check, objects and reason"];
    const w = entry as Record<string, unknown>;
    const problems = Object.keys(w)
        .filter((k) => !(WAIVER_KEYS as readonly string[]).includes(k))
        .map((k) => `has an unknown key "${k}" (allowed: ${WAIVER_KEYS.join(", ")})`);
    if (typeof w.check !== "string" || !CHECK_ID.test(w.check)) problems.push(`check must be a kube-score check id such as container-image-pull-policy, got ${JSON.stringify(w.check)}`);
    const objects = w.objects;
    if (!Array.isArray(objects) || objects.length === 0) problems.push("objects must be a non-empty list of Kind/namespace/name");
    else {
        for (const o of objects) if (typeof o !== "string" || !OBJECT_ID.test(o)) problems.push(`object ${JSON.stringify(o)} is not Kind/namespace/name (or Kind/name)`);
        if (new Set(objects).size !== objects.length) problems.push("lists an object twice");
    }
    if (typeof w.reason !== "string" || w.reason.trim().length < 20) problems.push("reason must say why the finding is accepted (20 characters or more)");
    return problems;
}

/** The waivers file, validated; throws naming every bad entry (by position and check) and why. */
export function parseWaivers(text: string, source = path.relative(REPO_ROOT, WAIVERS_FILE)): Waiver[] {
    const doc = load(text);
    if (!Array.isArray(doc)) throw new Error(`${source}: expected a list of waivers, got ${doc === null || doc === undefined ? "nothing" : typeof doc}`);
    const problems: string[] = [];
    const seen = new Map<string, number>();
    doc.forEach((entry: unknown, i) => {
        const label = `${source}: waiver ${i + 1}${typeof entry === "object" && entry !== null && "check" in entry ? ` (${String((entry as { check: unknown }).check)})` : ""}`;
        const own = waiverProblems(entry);
        problems.push(...own.map((p) => `${label} ${p}`));
        if (own.length > 0) return;
        const w = entry as Waiver;
        for (const o of w.objects) {
            const key = `${w.check} ${o}`;
            const first = seen.get(key);
            if (first !== undefined) problems.push(`${label} waives ${o} again (already waiver ${first})`);
            else seen.set(key, i + 1);
        }
    });
    if (problems.length > 0) throw new Error(problems.join("\n"));
    return doc as Waiver[];
}

export interface WaiverReport {
    waived: Finding[];
    /** Findings no waiver covers: fix them, or waive them with a reason. */
    unwaived: Finding[];
    /** Waived (check, object) pairs that no stack finds any more: remove them from the file. */
    stale: { check: string; object: string }[];
}

export function applyWaivers(findings: readonly Finding[], waivers: readonly Waiver[]): WaiverReport {
    const key = (check: string, object: string) => `${check} ${object}`;
    const waivedPairs = new Set(waivers.flatMap((w) => w.objects.map((o) => key(w.check, o))));
    const foundPairs = new Set(findings.map((f) => key(f.check, f.object)));
    return {
        waived: findings.filter((f) => waivedPairs.has(key(f.check, f.object))),
        unwaived: findings.filter((f) => !waivedPairs.has(key(f.check, f.object))),
        stale: waivers.flatMap((w) => w.objects.filter((o) => !foundPairs.has(key(w.check, o))).map((o) => ({ check: w.check, object: o }))),
    };
}

/** What a reader needs to act on a report; empty when everything is waived and every waiver is used. */
export function reportProblems(report: WaiverReport): string[] {
    const file = path.relative(REPO_ROOT, WAIVERS_FILE);
    return [
        ...report.unwaived.map((f) => `finding not waived: [${f.stack}] ${f.check} on ${f.object}: ${f.details.join("; ")} -- fix it, or waive it in ${file} with the reason`),
        ...report.stale.map((s) => `waiver no longer matches a finding: ${s.check} on ${s.object} -- remove it from ${file}`),
    ];
}

// ---------------------------------------------------------------------------------------------
// Command line

/** Scores every example stack's golden plan and checks the findings against the waivers. */
export function scoreAllStacks(binary: string, stacks = exampleStacks()): { findings: Finding[]; notRendered: Map<string, string[]> } {
    const notRendered = new Map<string, string[]>();
    const findings = stacks.flatMap((stack) => {
        const manifests = stackManifests(stack);
        notRendered.set(stack, manifests.notRendered);
        return scoreStack(binary, manifests);
    });
    return { findings, notRendered };
}

function main(argv: readonly string[]): number {
    const binary = ensureKubeScore();
    if (argv.includes("--build")) {
        console.log(binary);
        return 0;
    }
    const waivers = parseWaivers(fs.readFileSync(WAIVERS_FILE, "utf8"));
    const started = Date.now();
    const { findings, notRendered } = scoreAllStacks(binary);
    const report = applyWaivers(findings, waivers);
    for (const [stack, skipped] of notRendered) console.log(`${stack}: not scored (Helm releases, their objects are not in the offline plan): ${skipped.join(", ") || "none"}`);
    const byPair = new Map<string, string[]>();
    for (const f of report.waived) byPair.set(`${f.check} on ${f.object}`, [...(byPair.get(`${f.check} on ${f.object}`) ?? []), f.stack]);
    for (const [pair, stacks] of byPair) console.log(`waived: ${pair} (${stacks.length} stacks)`);
    const problems = reportProblems(report);
    for (const p of problems) console.log(p);
    console.log(
        `kube-score ${KUBE_SCORE_VERSION}: ${findings.length} findings in ${notRendered.size} stacks, ${report.waived.length} waived, ` +
            `${report.unwaived.length} not waived, ${report.stale.length} stale waivers (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return problems.length === 0 ? 0 : 1;
}

if (require.main === module) {
    try {
        process.exitCode = main(process.argv.slice(2));
    } catch (e) {
        console.error(e instanceof Error ? e.message : String(e));
        process.exitCode = 1;
    }
}
