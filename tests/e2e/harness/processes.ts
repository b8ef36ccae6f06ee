/**
 * The cluster's server processes: started with their output in a log file and stopped in reverse
 * order of start. (When the test process itself dies, scripts/e2e.sh ends whatever names the run's
 * directory on its command line.)
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

export interface Started {
    name: string;
    child: ChildProcess;
    log: string;
}

/** A server process died: waiting longer cannot help. */
export class ProcessExited extends Error {
    override readonly name = "ProcessExited";
}

export class ProcessGroup {
    private readonly started: Started[] = [];

    constructor(private readonly runDir: string) {}

    /** Starts `bin args` with stdout and stderr in `<runDir>/logs/<name>.log`. */
    start(name: string, bin: string, args: string[], env: NodeJS.ProcessEnv = process.env): Started {
        const logDir = path.join(this.runDir, "logs");
        fs.mkdirSync(logDir, { recursive: true });
        const log = path.join(logDir, `${name}.log`);
        const fd = fs.openSync(log, "a");
        const child = spawn(bin, args, { stdio: ["ignore", fd, fd], env });
        fs.closeSync(fd);
        if (child.pid === undefined) throw new Error(`${name}: could not start ${bin}`);
        const entry = { name, child, log };
        this.started.push(entry);
        return entry;
    }

    /** Throws, with the tail of its log, when one of the processes has exited. */
    assertRunning(): void {
        for (const s of this.started) {
            if (s.child.exitCode !== null || s.child.signalCode !== null) {
                throw new ProcessExited(`${s.name} exited (${s.child.exitCode ?? s.child.signalCode}); last lines of ${s.log}:\n${tail(s.log, 20)}`);
            }
        }
    }

    /** SIGTERM in reverse start order, SIGKILL for whatever is still there after `graceMs`. */
    async stopAll(graceMs = 5000): Promise<void> {
        for (const s of [...this.started].reverse()) {
            await stop(s.child, graceMs);
        }
        this.started.length = 0;
    }
}

async function stop(child: ChildProcess, graceMs: number): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref());
    if ((await Promise.race([exited, timer])) === "timeout") {
        child.kill("SIGKILL");
        await exited;
    }
}

/** The last `lines` lines of a file, or "" when it cannot be read. */
export function tail(file: string, lines: number): string {
    try {
        return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
        return "";
    }
}

/** `count` distinct free TCP ports on 127.0.0.1 (held open together, so no port is handed out twice). */
export async function freePorts(count: number): Promise<number[]> {
    const servers = await Promise.all(
        Array.from(
            { length: count },
            () =>
                new Promise<net.Server>((resolve, reject) => {
                    const s = net.createServer();
                    s.once("error", reject);
                    s.listen(0, "127.0.0.1", () => resolve(s));
                }),
        ),
    );
    const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    return ports;
}

/**
 * Polls `check` every `intervalMs` until it returns a value other than undefined, or throws after
 * `timeoutMs`; a `ProcessExited` from `check` ends the wait at once.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const value = await check();
            if (value !== undefined) return value;
        } catch (e) {
            if (e instanceof ProcessExited) throw e;
            last = e;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
}
