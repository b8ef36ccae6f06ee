/**
 * The local cluster's Kubernetes version, read from the server, and the range the ingress
 * controller supports; ./preflight.ts judges one against the other before anything is created. On
 * the clouds the program chooses the version (`platform:kubernetesVersion`); on a local cluster the
 * user did, when creating it. kind v0.32.0 and later create 1.36+ clusters by default, which no
 * ingress-nginx release supports.
 */
import { type CommandRunner, runCommand } from "../platform/run-command";
import { CONTROLLER_SUPPORT } from "../../facts/versions";
import type { IngressControllerChoice, LocalSettings } from "../../config";

/** The server's `major.minor` as `kubectl version -o json` reports it (`serverVersion`). */
export interface ServerVersion {
    major: number;
    minor: number;
    /** e.g. `v1.35.0`, for messages. */
    gitVersion: string;
}

/** The server's version, or why it could not be read. */
export type ServerVersionReading = { version: ServerVersion } | { unreadable: string };

/**
 * Parses `kubectl version -o json` output. Minor strings may carry a `+` (GKE, EKS: `"35+"`), so
 * only the leading digits count.
 */
export function parseServerVersion(json: string): ServerVersion | undefined {
    let doc: unknown;
    try {
        doc = JSON.parse(json);
    } catch {
        return undefined;
    }
    const server = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>).serverVersion : undefined;
    if (typeof server !== "object" || server === null) return undefined;
    const { major, minor, gitVersion } = server as Record<string, unknown>;
    const maj = typeof major === "string" ? /^\d+/.exec(major) : null;
    const min = typeof minor === "string" ? /^\d+/.exec(minor) : null;
    if (!maj || !min) return undefined;
    return { major: Number(maj[0]), minor: Number(min[0]), gitVersion: typeof gitVersion === "string" ? gitVersion : `v${maj[0]}.${min[0]}` };
}

/**
 * Asks the cluster behind the stack's context with `kubectl version`, which speaks every
 * kubeconfig auth method (client certificates, tokens, exec plugins) the Kubernetes provider does.
 * Runs in previews too: it only reads `/version`. Unreadable (no kubectl, cluster down, no such
 * context) is not an error here: the caller warns, and the provider reports an unreachable cluster.
 */
export function readServerVersion(settings: Pick<LocalSettings, "kubeContext" | "kubeconfigPath">, run: CommandRunner = runCommand): ServerVersionReading {
    const args = ["version", "-o", "json", "--request-timeout=5s", "--context", settings.kubeContext];
    if (settings.kubeconfigPath !== undefined) args.push("--kubeconfig", settings.kubeconfigPath);
    let out: string;
    try {
        out = run("kubectl", args);
    } catch (e) {
        const code = typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined;
        if (code === "ENOENT") return { unreadable: "kubectl is not on PATH" };
        // kubectl exits non-zero when the server cannot be reached but still prints the client part.
        const stdout = typeof e === "object" && e !== null ? (e as { stdout?: unknown }).stdout : undefined;
        const parsed = typeof stdout === "string" ? parseServerVersion(stdout) : undefined;
        if (parsed) return { version: parsed };
        return { unreadable: `kubectl version --context ${settings.kubeContext} failed` };
    }
    const parsed = parseServerVersion(out);
    return parsed ? { version: parsed } : { unreadable: `kubectl version --context ${settings.kubeContext} printed no server version` };
}

function ranges(controller: IngressControllerChoice): { name: string; min: number; max: number }[] {
    const names: ("nginx" | "gateway")[] = controller === "both" ? ["nginx", "gateway"] : [controller];
    return names.map((name) => ({ name, ...CONTROLLER_SUPPORT[name] }));
}

/** The Kubernetes minors every controller of the setting supports, e.g. `1.31-1.35`. */
export function supportedRange(controller: IngressControllerChoice): string {
    const rs = ranges(controller);
    const min = Math.max(...rs.map((r) => r.min));
    const max = Math.min(...rs.map((r) => r.max));
    return `1.${min}-1.${max}`;
}
