/**
 * A real PostgreSQL 18 for the script tests (binaries: scripts/postgres-test-binaries.sh, run by
 * setup): data directories in temporary directories, servers on free loopback ports. PostgreSQL
 * refuses to run as root, so when the tests run as root (CI, this machine) the server side runs as
 * `nobody` through setpriv; the scripts under test run as the test's own user unless a test says
 * otherwise.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "..", "..", "..");
export const PG_BIN = process.env.PLATFORM_TEST_PG_BIN ?? path.join(REPO, ".cache", "postgresql", "bin");
export const NOBODY = 65534;
export const asRoot = process.getuid?.() === 0;

/** Every file under `dir` with its SHA-256 (directories as "dir"), to prove a failed run changed nothing. */
export function tree(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
        const full = path.join(entry.parentPath, entry.name);
        out[path.relative(dir, full)] = entry.isFile() ? createHash("sha256").update(fs.readFileSync(full)).digest("hex") : "dir";
    }
    return out;
}

/** Fails with how to get the binaries when they are missing. */
export function requirePostgresBinaries(): void {
    if (!fs.existsSync(path.join(PG_BIN, "pg_dump"))) {
        throw new Error(`no PostgreSQL binaries in ${PG_BIN}: run bash scripts/setup.sh (or scripts/postgres-test-binaries.sh)`);
    }
}

/** Runs a server-side binary (or script) as an unprivileged user when we are root. */
export function asServerUser(cmd: string, args: string[]): [string, string[]] {
    return asRoot ? ["setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", cmd, ...args]] : [cmd, args];
}

/** Gives a path to the server user when we are root. */
export function ownByServerUser(p: string): void {
    if (asRoot) fs.chownSync(p, NOBODY, NOBODY);
}

/**
 * Whether the server user may read `file` where it is. Asked with `test -r` as that user: exec'ing
 * a binary itself would resolve its path with root's capabilities still in force, and postgres
 * then fails its own check of that path.
 */
function serverUserCanRead(file: string): boolean {
    const [cmd, args] = asServerUser("test", ["-r", file]);
    return spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
}

/**
 * A script the server user runs: `file` itself when that user can read it, else a copy in `work`
 * (the server user's). A clone in a private directory (`mktemp -d` makes it 0700, root's) is
 * unreadable to it, as the server binaries are (serverBinDir).
 */
export function scriptForServerUser(file: string, work: string): string {
    if (serverUserCanRead(file)) return file;
    const copy = path.join(work, path.basename(file));
    fs.copyFileSync(file, copy);
    ownByServerUser(copy);
    return copy;
}

/**
 * Where the server user can run the server binaries from: PG_BIN itself, or, when a root-only
 * directory (a clone under /root) hides it from `nobody`, a copy of the installation in `work`
 * (the build is relocatable: it finds lib/ and share/ relative to bin/).
 */
export function serverBinDir(work: string): string {
    if (serverUserCanRead(path.join(PG_BIN, "postgres"))) return PG_BIN;
    const copy = path.join(work, "postgresql");
    for (const dir of ["bin", "lib", "share"]) fs.cpSync(path.join(PG_BIN, "..", dir), path.join(copy, dir), { recursive: true });
    return path.join(copy, "bin");
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, input?: string): SpawnSyncReturns<string> {
    return spawnSync(cmd, args, { env, input, encoding: "utf8", timeout: 60_000 });
}

export function check(r: SpawnSyncReturns<string>, what: string): string {
    if (r.error) throw new Error(`${what}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`${what} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
}

export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address() as net.AddressInfo;
            server.close(() => resolve(address.port));
        });
    });
}

/** initdb of `dataDir` (owned by the server user) with superuser `postgres` and `password`, password auth only. */
export function initdb(serverBin: string, work: string, dataDir: string, password: string): void {
    const pwfile = path.join(work, `pwfile-${path.basename(dataDir)}`);
    fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    ownByServerUser(pwfile);
    const cmd = asServerUser(path.join(serverBin, "initdb"), [
        "-D", dataDir, "-U", "postgres", `--pwfile=${pwfile}`, "--auth=scram-sha-256", "--no-locale", "-E", "UTF8", "--no-sync",
    ]);
    check(run(...cmd), "initdb");
    fs.rmSync(pwfile);
}

/** A server on 127.0.0.1:`port` over `dataDir`; `stop` is safe to call more than once. */
export function startServer(serverBin: string, work: string, dataDir: string, port: number): { stop: () => void } {
    const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${work} -c fsync=off`;
    const start = asServerUser(path.join(serverBin, "pg_ctl"), ["-D", dataDir, "-l", path.join(work, `server-${path.basename(dataDir)}.log`), "-o", options, "-w", "-t", "60", "start"]);
    let up = true; // from here on, stop it whatever happens
    const stop = (): void => {
        if (!up) return;
        const [cmd, args] = asServerUser(path.join(serverBin, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
        spawnSync(cmd, args, { stdio: "ignore", timeout: 30_000 });
        up = false;
    };
    // A crash of the test process must not leave a postmaster behind.
    process.once("exit", stop);
    try {
        check(run(...start), "pg_ctl start");
    } catch (e) {
        stop();
        throw e;
    }
    return {
        stop: () => {
            stop();
            process.removeListener("exit", stop);
        },
    };
}
