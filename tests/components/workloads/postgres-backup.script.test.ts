/**
 * backup.sh and restore.sh against a real PostgreSQL 18 server, started by this file on a free
 * loopback port in a temporary directory (binaries: scripts/postgres-test-binaries.sh, run by
 * setup). PostgreSQL refuses to run as root, so when the tests run as root (CI, this machine) the
 * server runs as `nobody` through setpriv; the scripts themselves run as the test's own user.
 */
import * as assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..", "..");
const SCRIPTS = path.join(REPO, "components", "workloads", "postgres-backup");
const PG_BIN = process.env.PLATFORM_TEST_PG_BIN ?? path.join(REPO, ".cache", "postgresql", "bin");
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const PASSWORD = "correct-horse-battery";

/** Runs a server-side binary as an unprivileged user when we are root. */
function asServerUser(cmd: string, args: string[]): [string, string[]] {
    return asRoot ? ["setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", cmd, ...args]] : [cmd, args];
}

/**
 * Where the server user can run the server binaries from: PG_BIN itself, or, when a root-only
 * directory (a clone under /root) hides it from `nobody`, a copy of the installation in `work`
 * (the build is relocatable: it finds lib/ and share/ relative to bin/).
 */
function serverBinDir(work: string): string {
    // `test -r` as that user: exec'ing the binary itself would resolve its path with root's
    // capabilities still in force, and postgres then fails its own check of that path.
    const [cmd, args] = asServerUser("test", ["-r", path.join(PG_BIN, "postgres")]);
    if (spawnSync(cmd, args, { stdio: "ignore" }).status === 0) return PG_BIN;
    const copy = path.join(work, "postgresql");
    for (const dir of ["bin", "lib", "share"]) fs.cpSync(path.join(PG_BIN, "..", dir), path.join(copy, dir), { recursive: true });
    return path.join(copy, "bin");
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, input?: string): SpawnSyncReturns<string> {
    return spawnSync(cmd, args, { env, input, encoding: "utf8", timeout: 60_000 });
}

function check(r: SpawnSyncReturns<string>, what: string): string {
    if (r.error) throw new Error(`${what}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`${what} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address() as net.AddressInfo;
            server.close(() => resolve(address.port));
        });
    });
}

/** Every file under `dir` with its SHA-256, to prove a failed run changed nothing. */
function tree(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
        const full = path.join(entry.parentPath, entry.name);
        const rel = path.relative(dir, full);
        out[rel] = entry.isFile() ? createHash("sha256").update(fs.readFileSync(full)).digest("hex") : "dir";
    }
    return out;
}

const SET_NAME = /^[0-9]{8}T[0-9]{6}\.[0-9]{3}Z$/;
const setsIn = (dir: string): string[] => fs.readdirSync(dir).filter((n) => SET_NAME.test(n)).sort();

describe("Postgres backup and restore scripts (real PostgreSQL 18)", function () {
    this.timeout(120_000);

    let work = "";
    let dataDir = "";
    let port = 0;
    let serverUp = false;
    let serverBin = PG_BIN;
    const stopServer = (): void => {
        if (!serverUp) return;
        const [cmd, args] = asServerUser(path.join(serverBin, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
        spawnSync(cmd, args, { stdio: "ignore", timeout: 30_000 });
        serverUp = false;
    };
    // A crash of the test process must not leave a postmaster behind.
    process.once("exit", stopServer);

    const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
        PATH: `${PG_BIN}:${process.env.PATH ?? "/usr/bin:/bin"}`,
        HOME: work,
        PGHOST: "127.0.0.1",
        PGPORT: String(port),
        PGUSER: "postgres",
        PGPASSWORD: PASSWORD,
        ...extra,
    });
    const psql = (db: string, sql: string): string =>
        check(run(path.join(PG_BIN, "psql"), ["-X", "-w", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", db], env(), sql), `psql ${db}`).trim();
    const backup = (dir: string, extra: Record<string, string> = {}): SpawnSyncReturns<string> =>
        run("bash", [path.join(SCRIPTS, "backup.sh")], env({ BACKUP_DIR: dir, ...extra }));
    const restore = (args: string[], extra: Record<string, string> = {}): SpawnSyncReturns<string> =>
        run("bash", [path.join(SCRIPTS, "restore.sh"), ...args], env(extra));
    const newBackupDir = (): string => fs.mkdtempSync(path.join(work, "backups-"));
    let firstDir = "";
    let firstSet = "";
    let firstRun: SpawnSyncReturns<string>;
    let rowsAtBackup = "";
    const ROWS = "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM visits";

    before(async function () {
        if (!fs.existsSync(path.join(PG_BIN, "pg_dump"))) {
            throw new Error(`no PostgreSQL binaries in ${PG_BIN}: run bash scripts/setup.sh (or scripts/postgres-test-binaries.sh)`);
        }
        work = fs.mkdtempSync(path.join(os.tmpdir(), "pg-backup-test-"));
        if (asRoot) fs.chownSync(work, NOBODY, NOBODY);
        dataDir = path.join(work, "data");
        const pwfile = path.join(work, "pwfile");
        fs.writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
        if (asRoot) fs.chownSync(pwfile, NOBODY, NOBODY);
        port = await freePort();
        serverBin = serverBinDir(work);

        const initdb = asServerUser(path.join(serverBin, "initdb"), [
            "-D", dataDir, "-U", "postgres", `--pwfile=${pwfile}`, "--auth=scram-sha-256", "--no-locale", "-E", "UTF8", "--no-sync",
        ]);
        check(run(...initdb), "initdb");
        const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${work} -c fsync=off`;
        const start = asServerUser(path.join(serverBin, "pg_ctl"), ["-D", dataDir, "-l", path.join(work, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
        serverUp = true; // from here on, stop it whatever happens
        check(run(...start), "pg_ctl start");

        psql("postgres", `CREATE DATABASE app; CREATE DATABASE "odd 'name'.db";`);
        psql("app", "CREATE TABLE visits (id int PRIMARY KEY, v text NOT NULL); INSERT INTO visits SELECT g, 'visit ' || g FROM generate_series(1, 500) g;");
        psql(`odd 'name'.db`, "CREATE TABLE t (x int); INSERT INTO t VALUES (42);");

        // One set taken here serves the tests that inspect, restore from, or must not touch a set.
        rowsAtBackup = psql("app", ROWS);
        firstDir = newBackupDir();
        fs.mkdirSync(path.join(firstDir, "lost+found"));
        firstRun = backup(firstDir);
        check(firstRun, "backup.sh");
        firstSet = setsIn(firstDir)[0];
    });

    after(function () {
        stopServer();
        process.removeListener("exit", stopServer);
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("writes one set: a custom-format dump of every database but the templates, and the roles", () => {
        assert.match(firstRun.stdout, new RegExp(`wrote set ${firstSet.replace(/\./g, "\\.")}: 3 database\\(s\\)`));
        const files = fs.readdirSync(path.join(firstDir, firstSet)).sort();
        assert.deepEqual(files, ["app.dump", "globals.sql", "odd%20%27name%27%2Edb.dump", "postgres.dump"]);
        for (const f of files.filter((n) => n.endsWith(".dump"))) {
            // Custom-format archives start with the magic "PGDMP".
            assert.equal(fs.readFileSync(path.join(firstDir, firstSet, f)).subarray(0, 5).toString(), "PGDMP", f);
        }
        assert.match(fs.readFileSync(path.join(firstDir, firstSet, "globals.sql"), "utf8"), /CREATE ROLE postgres;/);
        assert.deepEqual(fs.readdirSync(firstDir).filter((n) => !SET_NAME.test(n)), ["lost+found"], "no partial set is left");
    });

    it("restores rows deleted and changed after the backup, into the same database", () => {
        psql("app", "DELETE FROM visits WHERE id > 100; UPDATE visits SET v = 'changed' WHERE id = 1;");
        assert.notEqual(psql("app", ROWS), rowsAtBackup);

        const r = restore([path.join(firstDir, firstSet, "app.dump")]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /into existing database "app"/);
        assert.equal(psql("app", ROWS), rowsAtBackup);
    });

    it("restores into a new database, leaving the original alone, and handles any database name", () => {
        const set = path.join(firstDir, firstSet);
        psql("app", "DELETE FROM visits WHERE id <= 10;");
        const r = restore([path.join(set, "app.dump"), "app_restored"]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /creating database "app_restored"/);
        assert.equal(psql("app_restored", ROWS), rowsAtBackup);
        assert.equal(psql("app", "SELECT count(*) FROM visits"), "490", "the source database is not touched");
        psql("app", "INSERT INTO visits SELECT g, 'visit ' || g FROM generate_series(1, 10) g;");

        psql(`odd 'name'.db`, "TRUNCATE t;");
        const odd = restore([path.join(set, "odd%20%27name%27%2Edb.dump")]);
        assert.equal(odd.status, 0, odd.stderr);
        assert.equal(psql(`odd 'name'.db`, "SELECT x FROM t"), "42");
    });

    it("keeps exactly the newest N sets, removes an interrupted run's partial set, leaves other entries alone", () => {
        const dir = newBackupDir();
        fs.mkdirSync(path.join(dir, "lost+found"));
        fs.writeFileSync(path.join(dir, "notes.txt"), "kept");
        // What a run killed mid-write (OOM, deadline) leaves: never a backup, never counted.
        fs.mkdirSync(path.join(dir, ".partial-20261201T000000.000Z"));
        fs.writeFileSync(path.join(dir, ".partial-20261201T000000.000Z", "app.dump"), "truncated");
        const written: string[] = [];
        for (let i = 0; i < 3; i++) {
            const r = backup(dir, { BACKUP_KEEP: "2" });
            assert.equal(r.status, 0, r.stderr);
            const m = /wrote set (\S+):/.exec(r.stdout);
            assert.ok(m, r.stdout);
            written.push(m[1]);
            assert.equal(setsIn(dir).length, Math.min(i + 1, 2), `after run ${i + 1}`);
        }
        assert.deepEqual(setsIn(dir), written.slice(-2), "the two newest");
        assert.deepEqual(fs.readdirSync(dir).filter((n) => !SET_NAME.test(n)).sort(), ["lost+found", "notes.txt"]);
        assert.equal(fs.readFileSync(path.join(dir, "notes.txt"), "utf8"), "kept");
    });

    const failures: Array<[string, () => Record<string, string>, RegExp]> = [
        [
            "a wrong password",
            () => ({ PGPASSWORD: "wrong" }),
            /^backup: FAILED: cannot list the databases on 127\.0\.0\.1:\d+ as postgres: .*password authentication failed for user "postgres"/m,
        ],
        ["an unreachable server", () => ({ PGPORT: String(port + 1 === 65536 ? port - 1 : port + 1) }), /^backup: FAILED: cannot list the databases on 127\.0\.0\.1:\d+ as postgres: .*Connection refused/m],
        ["BACKUP_KEEP out of range", () => ({ BACKUP_KEEP: "0" }), /^backup: FAILED: BACKUP_KEEP="0" is not an integer from 1 to 365$/m],
    ];
    for (const [what, extra, message] of failures) {
        it(`exits non-zero with a clear message on ${what}, leaving earlier sets untouched`, () => {
            const earlier = tree(firstDir);
            const r = backup(firstDir, { BACKUP_KEEP: "1", ...extra() });
            assert.notEqual(r.status, 0, `${what}: exit status`);
            assert.match(r.stderr, message);
            assert.deepEqual(tree(firstDir), earlier, `${what}: the backup directory is unchanged`);
        });
    }

    it("restore refuses a file that is not a dump, and fails clearly on a wrong password", () => {
        const set = path.join(firstDir, firstSet);
        const notDump = restore([path.join(set, "globals.sql"), "app"]);
        assert.notEqual(notDump.status, 0);
        assert.match(notDump.stderr, /^restore: FAILED: .*globals\.sql is not a pg_dump custom-format archive/m);

        const denied = restore([path.join(set, "app.dump")], { PGPASSWORD: "wrong" });
        assert.notEqual(denied.status, 0);
        assert.match(denied.stderr, /^restore: FAILED: cannot connect to 127\.0\.0\.1:\d+ as postgres: .*password authentication failed/m);
        assert.equal(psql("app", "SELECT count(*) FROM visits"), "500");
    });
});
