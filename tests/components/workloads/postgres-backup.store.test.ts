/**
 * upload.sh and download.sh against a real S3 server and a real PostgreSQL 18: write rows, take a
 * set with backup.sh, upload it, drop the database, download the latest set, restore it, compare.
 * The S3 server is versitygw (posix backend, one account, requests signed with its access key
 * checked), started by this file on a free loopback port over a temporary directory; rclone and
 * versitygw are the pinned builds of scripts/object-store-test-tools.ts. The scripts run under
 * `sh` (dash on Debian), as POSIX sh, the way the rclone image's busybox sh runs them.
 *
 * Not exercised here: rclone's Google Cloud Storage and Azure Blob backends, and the clouds'
 * identities and policies (IRSA or Pod Identity, Workload Identity, Azure workload identity).
 * No store reachable from a test on loopback checks those; the scripts pass them no option of
 * their own beyond the ones upload.sh sets for every backend.
 */
import * as assert from "node:assert/strict";
import { spawn, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { toolsDirCandidates } from "../../../scripts/kube-score";
import { BUILD_COMMAND, RCLONE, VERSITYGW, findTool, toolBinary } from "../../../scripts/object-store-test-tools";
import { asRoot, check, freePort, initdb, NOBODY, PG_BIN, REPO, requirePostgresBinaries, run, serverBinDir, startServer, tree } from "./real-postgres";

const SCRIPTS = path.join(REPO, "components", "workloads", "postgres-backup");
const PASSWORD = "store-test-password-1";
const ACCESS_KEY = "AKIABACKUPTEST000001";
const SECRET_KEY = "backup-test-secret/with+odd=characters";
const BUCKET = "backups";
const PREFIX = "prod/postgres";
const STORE = `store:${BUCKET}/${PREFIX}/`;
const USAGE = "usage: download.sh SET|latest DEST_DIR   (SET like 20261201T030000.123Z)\n";

const sha256 = (file: string): string => createHash("sha256").update(fs.readFileSync(file)).digest("hex");
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** Resolves once something accepts connections on 127.0.0.1:`port`. */
async function waitForPort(port: number, server: ChildProcess, log: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
        if (server.exitCode !== null) throw new Error(`versitygw exited with ${server.exitCode}:\n${fs.readFileSync(log, "utf8")}`);
        const open = await new Promise<boolean>((resolve) => {
            const socket = net.connect(port, "127.0.0.1");
            socket.once("connect", () => (socket.destroy(), resolve(true)));
            socket.once("error", () => resolve(false));
        });
        if (open) return;
        await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`versitygw did not listen on 127.0.0.1:${port} within 10 s:\n${fs.readFileSync(log, "utf8")}`);
}

describe("Postgres backups in an object store: upload.sh and download.sh (real S3 server, real PostgreSQL 18)", function () {
    this.timeout(120_000);

    let work = "";
    let port = 0;
    let s3Port = 0;
    let pg: { stop: () => void } | undefined;
    let s3: ChildProcess | undefined;
    let toolBin = "";
    let pgpass = "";
    let gwRoot = "";
    let backupDir = "";
    let creds = "";
    let firstSet = "";
    let rowsAtBackup = "";
    const ROWS = "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM visits";

    /** The store's objects under the prefix, as the posix backend keeps them on disk. */
    const storeDir = (): string => path.join(gwRoot, BUCKET, ...PREFIX.split("/"));
    const storeTree = (): Record<string, string> => (fs.existsSync(storeDir()) ? tree(storeDir()) : {});
    const credentials = (name: string, id: string, secret: string): string => {
        const dir = path.join(work, name);
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, "access-key-id"), `${id}\n`, { mode: 0o400 });
        fs.writeFileSync(path.join(dir, "secret-access-key"), `${secret}\n`, { mode: 0o400 });
        return dir;
    };
    const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
        PATH: `${toolBin}:${PG_BIN}:${process.env.PATH ?? "/usr/bin:/bin"}`,
        HOME: work,
        PGHOST: "127.0.0.1",
        PGPORT: String(port),
        PGUSER: "postgres",
        PGPASSFILE: pgpass,
        BACKUP_DIR: backupDir,
        RCLONE_CONFIG_STORE_TYPE: "s3",
        RCLONE_CONFIG_STORE_PROVIDER: "Other",
        RCLONE_CONFIG_STORE_ENDPOINT: `http://127.0.0.1:${s3Port}`,
        BACKUP_STORE_PATH: `${BUCKET}/${PREFIX}`,
        BACKUP_STORE_CREDENTIALS_DIR: creds,
        ...extra,
    });
    const script = (name: string, args: string[] = [], extra: Record<string, string> = {}): SpawnSyncReturns<string> =>
        run("sh", [path.join(SCRIPTS, name), ...args], env(extra));
    const psql = (db: string, sql: string): string =>
        check(run(path.join(PG_BIN, "psql"), ["-X", "-w", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", db], env(), sql), `psql ${db}`).trim();
    /** A new set from backup.sh (bash, as in its own init container); returns its name. */
    const backup = (): string => {
        const out = check(run("bash", [path.join(SCRIPTS, "backup.sh")], env({ BACKUP_KEEP: "30" })), "backup.sh");
        const m = /wrote set (\S+):/.exec(out);
        assert.ok(m, out);
        return m[1];
    };
    /** rclone with the store's own key, for what a test sets up in the store behind the scripts' back. */
    const rclone = (args: string[], input?: string): string =>
        check(
            run("rclone", args, { ...env(), RCLONE_CONFIG: "/dev/null", RCLONE_CONFIG_STORE_ACCESS_KEY_ID: ACCESS_KEY, RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY: SECRET_KEY }, input),
            `rclone ${args[0]}`,
        );
    const freshDest = (name: string): string => path.join(work, "restore", name);

    before(async function () {
        requirePostgresBinaries();
        const tools = { rclone: findTool(RCLONE), versitygw: findTool(VERSITYGW) };
        const missing = [RCLONE, VERSITYGW].filter((t) => tools[t.name as keyof typeof tools] === undefined).map((t) => `${t.name} ${t.version}`);
        if (missing.length > 0) throw new Error(`no ${missing.join(" or ")} in ${toolsDirCandidates().join(", ")}: run ${BUILD_COMMAND}`);
        work = fs.mkdtempSync(path.join(os.tmpdir(), "pg-backup-store-test-"));
        if (asRoot) fs.chownSync(work, NOBODY, NOBODY);
        toolBin = path.join(work, "bin");
        fs.mkdirSync(toolBin);
        fs.symlinkSync(tools.rclone as string, path.join(toolBin, "rclone"));

        port = await freePort();
        const dataDir = path.join(work, "data");
        const serverBin = serverBinDir(work);
        initdb(serverBin, work, dataDir, PASSWORD);
        pg = startServer(serverBin, work, dataDir, port);
        const secretFile = path.join(work, "pg.secret");
        fs.writeFileSync(secretFile, `${PASSWORD}\n`, { mode: 0o400 });
        pgpass = path.join(work, "pgpass");
        check(run("bash", [path.join(SCRIPTS, "pgpass.sh")], { PATH: process.env.PATH, POSTGRES_PASSWORD_FILE: secretFile, PGPASSFILE: pgpass, PGUSER: "postgres" }), "pgpass.sh");

        gwRoot = path.join(work, "s3");
        fs.mkdirSync(gwRoot);
        s3Port = await freePort();
        const log = path.join(work, "versitygw.log");
        const out = fs.openSync(log, "w");
        s3 = spawn(tools.versitygw as string, ["--port", `127.0.0.1:${s3Port}`, "--quiet", "posix", gwRoot], {
            env: { PATH: process.env.PATH, ROOT_ACCESS_KEY_ID: ACCESS_KEY, ROOT_SECRET_ACCESS_KEY: SECRET_KEY },
            stdio: ["ignore", out, out],
        });
        fs.closeSync(out);
        await waitForPort(s3Port, s3, log);
        rclone(["mkdir", `store:${BUCKET}`]);

        creds = credentials("store-credentials", ACCESS_KEY, SECRET_KEY);
        backupDir = fs.mkdtempSync(path.join(work, "backups-"));
        psql("postgres", "CREATE DATABASE app");
        psql("app", "CREATE TABLE visits (id int PRIMARY KEY, v text NOT NULL); INSERT INTO visits SELECT g, 'visit ' || g FROM generate_series(1, 300) g;");
        rowsAtBackup = psql("app", ROWS);
        firstSet = backup();
    });

    after(function () {
        s3?.kill();
        pg?.stop();
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("uploads the newest set with PUT requests only, the manifest last, never a partial set", () => {
        // An interrupted backup.sh run leaves this; it sorts after every real set.
        const partial = path.join(backupDir, ".partial-29991231T000000.000Z");
        fs.mkdirSync(partial);
        fs.writeFileSync(path.join(partial, "app.dump"), "truncated");
        fs.mkdirSync(path.join(backupDir, "20000101T000000.000Z"));
        fs.writeFileSync(path.join(backupDir, "20000101T000000.000Z", "app.dump"), "an older set");
        const requests = path.join(work, "upload-requests.log");
        try {
            uploadFirstSet(requests);
        } finally {
            fs.rmSync(partial, { recursive: true });
            fs.rmSync(path.join(backupDir, "20000101T000000.000Z"), { recursive: true });
        }
    });

    const uploadFirstSet = (requests: string): void => {
        const r = script("upload.sh", [], { RCLONE_LOG_FILE: requests, RCLONE_DUMP: "headers" });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`^upload: uploaded set ${escape(firstSet)} to ${escape(STORE)}${escape(firstSet)}/ `, "m"));

        const local = path.join(backupDir, firstSet);
        const files = fs.readdirSync(local).sort();
        assert.deepEqual(Object.keys(storeTree()).sort(), [firstSet, ...[...files, "SHA256SUMS"].map((f) => path.join(firstSet, f))].sort(), "exactly the newest set");
        for (const f of files) assert.equal(sha256(path.join(storeDir(), firstSet, f)), sha256(path.join(local, f)), f);
        const manifest = files.map((f) => `${sha256(path.join(local, f))}  ${f}`).join("\n") + "\n";
        assert.equal(fs.readFileSync(path.join(storeDir(), firstSet, "SHA256SUMS"), "utf8"), manifest);

        // What a PutObject-only identity may do: every request a PUT, the manifest's the last one.
        const sent = [...fs.readFileSync(requests, "utf8").matchAll(/DEBUG : ([A-Z]+) (\S+) HTTP\/1\.1/g)].map((m) => `${m[1]} ${m[2].split("?")[0]}`);
        assert.ok(sent.length === files.length + 1, sent.join("\n"));
        assert.deepEqual([...new Set(sent.map((s) => s.split(" ")[0]))], ["PUT"], sent.join("\n"));
        assert.equal(sent.at(-1), `PUT /${BUCKET}/${PREFIX}/${firstSet}/SHA256SUMS`);
        assert.doesNotMatch(fs.readFileSync(requests, "utf8") + r.stdout + r.stderr, new RegExp(escape(SECRET_KEY)), "the secret key is never printed");
    };

    it("never takes a set without its manifest for the latest, and refuses to download one by name", () => {
        // A newer set whose upload was cut short before the manifest.
        const cut = backup();
        rclone(["copy", "--no-check-dest", path.join(backupDir, cut), `${STORE}${cut}/`]);
        assert.ok(fs.existsSync(path.join(storeDir(), cut, "app.dump")));

        const dest = freshDest("latest");
        const r = script("download.sh", ["latest", dest]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`^download: set ${escape(firstSet)}: \\d+ files verified against SHA256SUMS in ${escape(dest)}$`, "m"));

        const byName = script("download.sh", [cut, freshDest("cut")]);
        assert.equal(byName.status, 1, byName.stderr);
        assert.match(byName.stderr, new RegExp(`^download: FAILED: set ${escape(cut)} is not in ${escape(STORE)} with its manifest SHA256SUMS`, "m"));
        assert.equal(fs.existsSync(freshDest("cut")), false);
    });

    it("restores a dropped database from the store: download latest, verify, restore.sh, same rows", () => {
        psql("postgres", "DROP DATABASE app");
        const dest = freshDest("after-drop");
        const got = script("download.sh", ["latest", dest]);
        assert.equal(got.status, 0, got.stderr);
        assert.deepEqual(fs.readdirSync(dest).sort(), [...fs.readdirSync(path.join(backupDir, firstSet)), "SHA256SUMS"].sort());
        assert.deepEqual(fs.readdirSync(path.dirname(dest)).filter((n) => n.startsWith(".download-")), [], "no working directory left");

        const restored = run("bash", [path.join(SCRIPTS, "restore.sh"), path.join(dest, "app.dump")], env());
        assert.equal(restored.status, 0, restored.stderr);
        assert.match(restored.stdout, /creating database "app"/);
        assert.equal(psql("app", ROWS), rowsAtBackup);
    });

    const failures: Array<[string, () => Record<string, string>, RegExp]> = [
        ["wrong credentials", () => ({ BACKUP_STORE_CREDENTIALS_DIR: credentials("wrong-credentials", ACCESS_KEY, "not-the-secret") }), /SignatureDoesNotMatch/],
        ["an unknown access key", () => ({ BACKUP_STORE_CREDENTIALS_DIR: credentials("unknown-key", "AKIANOSUCHKEY0000001", SECRET_KEY) }), /No user exists with the provided access key ID|InvalidAccessKeyId/],
        ["an unreachable store", () => ({ RCLONE_CONFIG_STORE_ENDPOINT: `http://127.0.0.1:${s3Port === 65535 ? s3Port - 1 : s3Port + 1}` }), /connection refused/],
    ];
    for (const [what, extra, cause] of failures) {
        it(`fails loudly on ${what}, touching no set here or in the store`, () => {
            const set = backup();
            const [localBefore, storeBefore] = [tree(backupDir), storeTree()];
            const started = Date.now();
            const r = script("upload.sh", [], extra());
            assert.equal(r.status, 1, `${what}: exit status\n${r.stdout}\n${r.stderr}`);
            const failed = r.stderr.split("\n").filter((l) => l.startsWith("upload: FAILED: "));
            assert.equal(failed.length, 1, r.stderr);
            assert.match(failed[0], new RegExp(`^upload: FAILED: cannot upload set ${escape(set)} to ${escape(STORE)}${escape(set)}/: `));
            assert.match(failed[0], cause);
            assert.ok(Date.now() - started < 30_000, `${what}: took ${Date.now() - started} ms`);
            assert.deepEqual(tree(backupDir), localBefore, `${what}: local sets unchanged`);
            assert.deepEqual(storeTree(), storeBefore, `${what}: the store unchanged`);
        });
    }

    it("download refuses a set that does not match its manifest, and wrong credentials, creating nothing", () => {
        const set = backup();
        const earlier = storeTree();
        check(script("upload.sh"), "upload.sh");
        const after = storeTree();
        assert.deepEqual(Object.fromEntries(Object.keys(earlier).map((k) => [k, after[k]])), earlier, "a new upload leaves the earlier sets in the store as they were");
        rclone(["rcat", `${STORE}${set}/app.dump`], "not the dump that was uploaded");
        const dest = freshDest("tampered");
        const r = script("download.sh", [set, dest]);
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, new RegExp(`^download: FAILED: set ${escape(set)} from ${escape(STORE)}${escape(set)}/ does not match its manifest SHA256SUMS; nothing kept: `, "m"));
        assert.equal(fs.existsSync(dest), false);
        assert.deepEqual(fs.readdirSync(path.dirname(dest)).filter((n) => n.startsWith(".download-")), []);

        const denied = script("download.sh", ["latest", dest], { BACKUP_STORE_CREDENTIALS_DIR: credentials("download-wrong", ACCESS_KEY, "nope") });
        assert.equal(denied.status, 1, denied.stderr);
        assert.match(denied.stderr, new RegExp(`^download: FAILED: cannot list the sets in ${escape(STORE)}: .*SignatureDoesNotMatch`, "m"));
        assert.equal(fs.existsSync(dest), false);
    });

    it("download refuses bad arguments with its usage line (exit 2) and a non-empty DEST_DIR (exit 1)", () => {
        const dest = freshDest("args");
        for (const args of [[], ["latest"], ["latest", dest, "extra"], ["2026-12-01", dest], ["../20261201T030000.000Z", dest], ["20261201T030000.000Z/x", dest], ["20261201T030000.000Z\n../x", dest], ["latest", ""]]) {
            const r = script("download.sh", args);
            assert.equal(r.status, 2, JSON.stringify(args));
            assert.equal(r.stderr, USAGE, JSON.stringify(args));
        }
        fs.mkdirSync(dest, { recursive: true });
        fs.writeFileSync(path.join(dest, "keep.txt"), "mine");
        const full = script("download.sh", ["latest", dest]);
        assert.equal(full.status, 1);
        assert.match(full.stderr, new RegExp(`^download: FAILED: ${escape(dest)} exists and is not an empty directory; nothing downloaded$`, "m"));
        assert.deepEqual(fs.readdirSync(dest), ["keep.txt"]);
    });

    it("upload refuses a missing setting, tool, key file or set, naming it", () => {
        const empty = fs.mkdtempSync(path.join(work, "empty-"));
        const noSecret = path.join(work, "no-secret");
        fs.mkdirSync(noSecret);
        fs.writeFileSync(path.join(noSecret, "access-key-id"), ACCESS_KEY);
        const cases: Array<[Record<string, string>, RegExp]> = [
            [{ BACKUP_STORE_PATH: "" }, /^upload: FAILED: BACKUP_STORE_PATH is not set/],
            [{ RCLONE_CONFIG_STORE_TYPE: "" }, /^upload: FAILED: RCLONE_CONFIG_STORE_TYPE is not set/],
            [{ PATH: "/usr/bin:/bin" }, /^upload: FAILED: rclone is not on PATH$/],
            [{ BACKUP_STORE_CREDENTIALS_DIR: noSecret }, new RegExp(`^upload: FAILED: ${escape(noSecret)}/secret-access-key is missing or empty$`)],
            [{ BACKUP_DIR: empty }, new RegExp(`^upload: FAILED: no backup set in ${escape(empty)} to upload to ${escape(STORE)}$`)],
            [{ BACKUP_DIR: path.join(work, "nowhere") }, /^upload: FAILED: backup directory \S+nowhere does not exist or is not readable$/],
        ];
        const storeBefore = storeTree();
        for (const [extra, message] of cases) {
            const r = script("upload.sh", [], extra);
            assert.equal(r.status, 1, JSON.stringify(extra));
            assert.match(r.stderr.trim(), message, JSON.stringify(extra));
        }
        assert.deepEqual(storeTree(), storeBefore);
    });
});

describe("the object-store test's tools (scripts/object-store-test-tools.ts)", () => {
    it("are found only at the pinned version, in the first tools directory that has it", () => {
        const dirs = [fs.mkdtempSync(path.join(os.tmpdir(), "tools-a-")), fs.mkdtempSync(path.join(os.tmpdir(), "tools-b-"))];
        try {
            const fake = (dir: string, prints: string): string => {
                const binary = toolBinary(dir, RCLONE);
                fs.mkdirSync(path.dirname(binary), { recursive: true });
                fs.writeFileSync(binary, `#!/bin/sh\necho '${prints}'\n`, { mode: 0o755 });
                return binary;
            };
            assert.equal(findTool(RCLONE, dirs), undefined, "nothing built");
            fake(dirs[0], "rclone v1.74.3");
            assert.equal(findTool(RCLONE, dirs), undefined, "another version is not the pinned one");
            const pinned = fake(dirs[1], `rclone ${RCLONE.version}`);
            assert.equal(findTool(RCLONE, dirs), pinned);
        } finally {
            for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
        }
    });
});
