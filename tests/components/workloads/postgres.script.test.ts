/**
 * set-password.sh (Postgres's init step) against a real PostgreSQL 18 data directory
 * (./real-postgres.ts): the script runs as the server's user, as in the pod, with the server
 * stopped, and the password is then checked over TCP with password authentication.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { asRoot, asServerUser, freePort, initdb, NOBODY, ownByServerUser, PG_BIN, REPO, requirePostgresBinaries, run, scriptForServerUser, serverBinDir, startServer } from "./real-postgres";

const SET_PASSWORD_SCRIPT = path.join(REPO, "components", "workloads", "postgres", "set-password.sh");

const OLD = "the-first-password-1234";
/** Quotes, a colon and a dollar: what SQL quoting and the shell must carry through unharmed. */
const NEW = `it's-a-"new"-pa$$word:5678`;

describe("Postgres set-password init step (real PostgreSQL 18)", function () {
    this.timeout(120_000);

    let work = "";
    let serverBin = PG_BIN;
    let setPasswordScript = SET_PASSWORD_SCRIPT;
    let dataDir = "";

    const secretFile = (name: string, content: string): string => {
        const file = path.join(work, name);
        fs.writeFileSync(file, content, { mode: 0o440 });
        ownByServerUser(file);
        return file;
    };
    const setPassword = (env: Record<string, string>) => {
        const [cmd, args] = asServerUser("bash", [setPasswordScript]);
        return run(cmd, args, { PATH: `${serverBin}:${process.env.PATH ?? "/usr/bin:/bin"}`, TMPDIR: work, ...env });
    };
    /** Whether `password` opens a session over TCP (scram-sha-256) on a server started for the check. */
    const accepts = async (password: string): Promise<boolean> => {
        const port = await freePort();
        const server = startServer(serverBin, work, dataDir, port);
        try {
            const r = run(path.join(PG_BIN, "psql"), ["-X", "-w", "-A", "-t", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-c", "SELECT 1"], {
                PATH: process.env.PATH,
                PGPASSWORD: password,
            });
            if (r.status !== 0) assert.match(r.stderr, /password authentication failed/);
            return r.status === 0;
        } finally {
            server.stop();
        }
    };

    before(function () {
        requirePostgresBinaries();
        work = fs.mkdtempSync(path.join(os.tmpdir(), "pg-set-password-test-"));
        if (asRoot) fs.chownSync(work, NOBODY, NOBODY);
        serverBin = serverBinDir(work);
        setPasswordScript = scriptForServerUser(SET_PASSWORD_SCRIPT, work);
        dataDir = path.join(work, "data");
        initdb(serverBin, work, dataDir, OLD);
    });

    after(function () {
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("sets the stored password to the file's, logs no password, and leaves the server stopped", async () => {
        assert.equal(await accepts(OLD), true, "initdb's password at first");
        const r = setPassword({ PGDATA: dataDir, POSTGRES_PASSWORD_FILE: secretFile("new", `${NEW}\n`) });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^set-password: set the password of role "postgres" from .*\/new$/m);
        assert.ok(!`${r.stdout}${r.stderr}`.includes(NEW), "the password is not in the output");
        assert.equal(fs.existsSync(path.join(dataDir, "postmaster.pid")), false, "the private server is stopped");
        assert.deepEqual(fs.readdirSync(work).filter((n) => n.startsWith("tmp.")), [], "its private directory is removed");
        assert.equal(await accepts(NEW), true, "the new password opens a session");
        assert.equal(await accepts(OLD), false, "the old one no longer does");
    });

    it("first recovers a server that crashed, then sets the password", async () => {
        const server = startServer(serverBin, work, dataDir, await freePort());
        const pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
        process.kill(pid, "SIGKILL");
        // The backends notice their postmaster died and exit; the stale postmaster.pid stays.
        for (let i = 0; i < 100 && run("pgrep", ["-s", String(pid)]).status === 0; i++) await new Promise((r) => setTimeout(r, 100));
        assert.ok(fs.existsSync(path.join(dataDir, "postmaster.pid")), "a crash leaves postmaster.pid behind");
        server.stop();
        const r = setPassword({ PGDATA: dataDir, POSTGRES_PASSWORD_FILE: secretFile("again", OLD) });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /database system was interrupted|redo/, "it recovered first");
        assert.equal(await accepts(OLD), true, "a file without a final newline works too");
    });

    it("does nothing on a volume with no database yet: the server's first start creates it with the file's password", () => {
        const r = setPassword({ PGDATA: path.join(work, "18", "docker"), POSTGRES_PASSWORD_FILE: secretFile("unused", NEW) });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /no database in .*\/18\/docker yet/);
        assert.equal(fs.existsSync(path.join(work, "18")), false, "nothing created");
    });

    it("refuses a data directory of another major, and an empty password file, without touching the data", () => {
        const other = path.join(work, "old-major");
        fs.mkdirSync(other, { mode: 0o700 });
        fs.writeFileSync(path.join(other, "PG_VERSION"), "17\n");
        ownByServerUser(other);
        const major = setPassword({ PGDATA: other, POSTGRES_PASSWORD_FILE: secretFile("x", NEW) });
        assert.notEqual(major.status, 0);
        assert.match(major.stderr, /^set-password: FAILED: .* holds a PostgreSQL 17 database and this image runs PostgreSQL 18/m);

        const before = fs.readFileSync(path.join(dataDir, "global", "pg_control"));
        const empty = setPassword({ PGDATA: dataDir, POSTGRES_PASSWORD_FILE: secretFile("empty", "\n") });
        assert.notEqual(empty.status, 0);
        assert.match(empty.stderr, /^set-password: FAILED: .*empty is empty$/m);
        assert.deepEqual(fs.readFileSync(path.join(dataDir, "global", "pg_control")), before, "the server was never started");
    });
});
