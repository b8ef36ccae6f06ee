/**
 * A small JSON client for the e2e cluster's API server (client-certificate auth over 127.0.0.1),
 * enough for the harness, the fake provisioner, the status writer and the assertions. It speaks
 * only to the API server: nothing here dials a pod or a node.
 */
import * as fs from "node:fs";
import * as https from "node:https";

/** The parts of any Kubernetes object the harness reads. */
export interface KubeObject {
    apiVersion?: string;
    kind?: string;
    metadata: {
        name: string;
        namespace?: string;
        uid?: string;
        generation?: number;
        resourceVersion?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
        deletionTimestamp?: string;
        finalizers?: string[];
    };
    spec?: Record<string, unknown>;
    status?: Record<string, unknown>;
    [field: string]: unknown;
}

export interface KubeList<T extends KubeObject = KubeObject> {
    items: T[];
}

export class KubeError extends Error {
    constructor(
        readonly status: number,
        readonly path: string,
        body: string,
    ) {
        super(`${status} from ${path}: ${body.slice(0, 400)}`);
        this.name = "KubeError";
    }
}

export interface KubeCredentials {
    server: string;
    caFile: string;
    certFile: string;
    keyFile: string;
}

export type PatchType = "merge" | "strategic" | "json";

const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
    merge: "application/merge-patch+json",
    strategic: "application/strategic-merge-patch+json",
    json: "application/json-patch+json",
};

export class KubeClient {
    private readonly agent: https.Agent;
    private readonly base: URL;

    constructor(credentials: KubeCredentials) {
        this.base = new URL(credentials.server);
        this.agent = new https.Agent({
            ca: fs.readFileSync(credentials.caFile),
            cert: fs.readFileSync(credentials.certFile),
            key: fs.readFileSync(credentials.keyFile),
            keepAlive: true,
            maxSockets: 4,
        });
    }

    /** The object at `path`, or undefined on 404. */
    async get<T extends KubeObject = KubeObject>(path: string): Promise<T | undefined> {
        try {
            return (await this.request("GET", path)) as T;
        } catch (e) {
            if (e instanceof KubeError && e.status === 404) return undefined;
            throw e;
        }
    }

    /** The items at a collection `path`; empty when the kind is not served (404), e.g. a CRD not installed yet. */
    async list<T extends KubeObject = KubeObject>(path: string): Promise<T[]> {
        try {
            return ((await this.request("GET", path)) as KubeList<T>).items;
        } catch (e) {
            if (e instanceof KubeError && e.status === 404) return [];
            throw e;
        }
    }

    async getText(path: string): Promise<string> {
        return (await this.request("GET", path, undefined, undefined, true)) as string;
    }

    async create<T extends KubeObject>(collectionPath: string, body: T): Promise<T> {
        return (await this.request("POST", collectionPath, body)) as T;
    }

    async patch<T extends KubeObject = KubeObject>(path: string, body: unknown, type: PatchType = "merge"): Promise<T> {
        return (await this.request("PATCH", path, body, PATCH_CONTENT_TYPE[type])) as T;
    }

    /** Deletes; a 404 is fine (already gone). */
    async delete(path: string): Promise<void> {
        try {
            await this.request("DELETE", path);
        } catch (e) {
            if (!(e instanceof KubeError && e.status === 404)) throw e;
        }
    }

    close(): void {
        this.agent.destroy();
    }

    private request(method: string, path: string, body?: unknown, contentType = "application/json", raw = false): Promise<unknown> {
        const url = new URL(path, this.base);
        const payload = body === undefined ? undefined : JSON.stringify(body);
        return new Promise((resolve, reject) => {
            const req = https.request(
                url,
                {
                    method,
                    agent: this.agent,
                    headers: { Accept: "application/json", ...(payload === undefined ? {} : { "Content-Type": contentType, "Content-Length": Buffer.byteLength(payload) }) },
                    timeout: 30_000,
                },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (c: Buffer) => chunks.push(c));
                    res.on("end", () => {
                        const text = Buffer.concat(chunks).toString("utf8");
                        const status = res.statusCode ?? 0;
                        if (status < 200 || status >= 300) return reject(new KubeError(status, `${method} ${path}`, text));
                        if (raw) return resolve(text);
                        try {
                            resolve(text === "" ? {} : JSON.parse(text));
                        } catch (e) {
                            reject(e);
                        }
                    });
                },
            );
            req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
            req.on("error", reject);
            if (payload !== undefined) req.write(payload);
            req.end();
        });
    }
}
