/**
 * create-database.sh (an app's database Job) against a real PostgreSQL 18 (./real-postgres.ts):
 * run twice, as the Job runs again on a new password, it leaves one role owning one database, with
 * the latest password, and no other privilege.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { asRoot, check, freePort, initdb, NOBODY, PG_BIN, REPO, requirePostgresBinaries, run, serverBinDir, startServer } from "./real-postgres";

const SCRIPT = path.join(REPO, "components", "workloads", "postgres", "create-database.sh");
const ADMIN = "admin-password-1234";
/** Quotes, a colon, a backslash and a dollar: what psql's quoting must carry through unharmed. */
const FIRST = `it's-"the"-first:pa\\$$word`;
const SECOND = "second-password-5678";

describe("Postgres create-database Job script (real PostgreSQL 18)", function () {
    this.timeout(120_000);

    let work = "";
    let port = 0;
    let server: { stop: () => void } | undefined;

    const file = (name: string, content: string): string => {
        const f = path.join(work, name);
        fs.writeFileSync(f, content, { mode: 0o400 });
        return f;
    };
    const createDatabase = (rolePassword: string, extra: Record<string, string> = {}) =>
        run("bash", [SCRIPT], {
            PATH: `${PG_BIN}:${process.env.PATH ?? "/usr/bin:/bin"}`,
            PGHOST: "127.0.0.1",
            PGPORT: String(port),
            ...extra,
            PGPASSFILE: path.join(work, "pgpass"),
            ADMIN_PASSWORD_FILE: file(`admin-${Math.random()}`, `${ADMIN}\n`),
            ROLE_PASSWORD_FILE: file(`role-${Math.random()}`, `${rolePassword}\n`),
            APP_ROLE: "order_service",
            APP_DATABASE: "order_service",
        });
    const psqlAs = (user: string, password: string, db: string, sql: string) =>
        run(path.join(PG_BIN, "psql"), ["-X", "-w", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", db, "-c", sql], {
            PATH: process.env.PATH,
            PGPASSWORD: password,
        });

    before(async function () {
        requirePostgresBinaries();
        work = fs.mkdtempSync(path.join(os.tmpdir(), "pg-create-database-test-"));
        if (asRoot) fs.chownSync(work, NOBODY, NOBODY);
        const serverBin = serverBinDir(work);
        const dataDir = path.join(work, "data");
        initdb(serverBin, work, dataDir, ADMIN);
        port = await freePort();
        server = startServer(serverBin, work, dataDir, port);
    });

    after(function () {
        server?.stop();
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("creates the role and the database it owns, with the file's password, and says so without the password", () => {
        const r = createDatabase(FIRST);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /create-database: role order_service owns database order_service/);
        assert.ok(!`${r.stdout}${r.stderr}`.includes(FIRST) && !`${r.stdout}${r.stderr}`.includes(ADMIN), "no password in the output");
        assert.equal((fs.statSync(path.join(work, "pgpass")).mode & 0o777).toString(8), "600", "libpq's file is private");
        assert.equal(check(psqlAs("order_service", FIRST, "order_service", "CREATE TABLE t (x int); SELECT current_user"), "app session").trim(), "order_service");
    });

    it("runs again on a new password: the new one opens a session, the old one no longer does, nothing is duplicated", () => {
        const r = createDatabase(SECOND);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(psqlAs("order_service", SECOND, "order_service", "SELECT count(*) FROM t").status, 0, "the data is still there");
        assert.notEqual(psqlAs("order_service", FIRST, "order_service", "SELECT 1").status, 0);
        const roles = check(psqlAs("postgres", ADMIN, "postgres", "SELECT rolname, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = 'order_service'"), "roles").trim();
        assert.equal(roles, "order_service|f|f|f");
        const owner = check(psqlAs("postgres", ADMIN, "postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'order_service'"), "owner").trim();
        assert.equal(owner, "order_service");
    });

    it("waits for a server that is not up yet, then fails naming it", async () => {
        const nobody = await freePort();
        const r = createDatabase(SECOND, { PGPORT: String(nobody), PG_WAIT_SECONDS: "2" });
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, new RegExp(`the server at 127\\.0\\.0\\.1:${nobody} is not accepting connections`));
    });

    it("keeps other roles out of the app's database", () => {
        check(psqlAs("postgres", ADMIN, "postgres", "CREATE ROLE other LOGIN PASSWORD 'other-pass'"), "other role");
        const r = psqlAs("other", "other-pass", "order_service", "SELECT 1");
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /permission denied for database/);
    });
});
