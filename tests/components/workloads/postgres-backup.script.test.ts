/**
 * backup.sh, restore.sh and pgpass.sh against a real PostgreSQL 18 server, started by this file on a
 * free loopback port in a temporary directory (./real-postgres.ts). As in the backup pod, the
 * scripts authenticate through the password file pgpass.sh writes from the Secret's file: no
 * password in their environment.
 */
import * as assert from "node:assert/strict";
import { type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { asRoot, check, freePort, initdb, NOBODY, PG_BIN, REPO, requirePostgresBinaries, run, serverBinDir, startServer, tree } from "./real-postgres";

const SCRIPTS = path.join(REPO, "components", "workloads", "postgres-backup");
/** Every character a brought password may have that means something in a password file: ':' and more. */
const PASSWORD = "correct:horse#battery$staple%1";

const SET_NAME = /^[0-9]{8}T[0-9]{6}\.[0-9]{3}Z$/;
const setsIn = (dir: string): string[] => fs.readdirSync(dir).filter((n) => SET_NAME.test(n)).sort();

describe("Postgres backup and restore scripts (real PostgreSQL 18)", function () {
    this.timeout(120_000);

    let work = "";
    let dataDir = "";
    let port = 0;
    let server: { stop: () => void } | undefined;

    /** The password file pgpass.sh writes for `password` (as the init step does from the Secret's file), and its path. */
    const pgpassFor = (password: string, name: string): string => {
        const secretFile = path.join(work, `${name}.secret`);
        fs.writeFileSync(secretFile, `${password}\n`, { mode: 0o440 });
        const file = path.join(work, `${name}.pgpass`);
        check(run("bash", [path.join(SCRIPTS, "pgpass.sh")], { PATH: process.env.PATH, POSTGRES_PASSWORD_FILE: secretFile, PGPASSFILE: file, PGUSER: "postgres" }), "pgpass.sh");
        return file;
    };
    let pgpass = "";
    const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
        PATH: `${PG_BIN}:${process.env.PATH ?? "/usr/bin:/bin"}`,
        HOME: work,
        PGHOST: "127.0.0.1",
        PGPORT: String(port),
        PGUSER: "postgres",
        PGPASSFILE: pgpass,
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
        requirePostgresBinaries();
        work = fs.mkdtempSync(path.join(os.tmpdir(), "pg-backup-test-"));
        if (asRoot) fs.chownSync(work, NOBODY, NOBODY);
        dataDir = path.join(work, "data");
        port = await freePort();
        const serverBin = serverBinDir(work);
        initdb(serverBin, work, dataDir, PASSWORD);
        server = startServer(serverBin, work, dataDir, port);
        pgpass = pgpassFor(PASSWORD, "right");

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
        server?.stop();
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("pgpass.sh writes one line only its owner may read, escaping the separators, which libpq accepts", () => {
        const stat = fs.statSync(pgpass);
        assert.equal(stat.mode & 0o777, 0o600, "libpq ignores a password file its group or others can read");
        assert.equal(fs.readFileSync(pgpass, "utf8"), "*:*:*:postgres:correct\\:horse#battery$staple%1\n");
        assert.equal(psql("postgres", "SELECT current_user"), "postgres", "authenticated with it alone");
        const backslash = pgpassFor("back\\slash:colon", "escape");
        assert.equal(fs.readFileSync(backslash, "utf8"), "*:*:*:postgres:back\\\\slash\\:colon\n");
    });

    it("pgpass.sh fails clearly on a missing or empty password file, writing nothing", () => {
        const out = path.join(work, "never.pgpass");
        for (const [what, file] of [["missing", path.join(work, "no-such-file")], ["empty", path.join(work, "empty.secret")]] as const) {
            if (what === "empty") fs.writeFileSync(file, "\n");
            const r = run("bash", [path.join(SCRIPTS, "pgpass.sh")], { PATH: process.env.PATH, POSTGRES_PASSWORD_FILE: file, PGPASSFILE: out });
            assert.notEqual(r.status, 0, what);
            assert.match(r.stderr, /^pgpass: FAILED: /m, what);
            assert.equal(fs.existsSync(out), false, what);
        }
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
            () => ({ PGPASSFILE: pgpassFor("wrong-password-0123", "wrong") }),
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

        const denied = restore([path.join(set, "app.dump")], { PGPASSFILE: pgpassFor("wrong-password-0123", "wrong") });
        assert.notEqual(denied.status, 0);
        assert.match(denied.stderr, /^restore: FAILED: cannot connect to 127\.0\.0\.1:\d+ as postgres: .*password authentication failed/m);
        assert.equal(psql("app", "SELECT count(*) FROM visits"), "500");
    });
});
