/**
 * Redis's init step, arguments and probes against a real redis-server (the one the app's tests use;
 * setup installs it) on a free loopback port: the password file becomes the `requirepass` Redis
 * enforces, the probes authenticate from stdin, no password is on redis-server's command line, and a
 * full Redis refuses writes instead of evicting.
 */
import * as assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { redisAuthScript, redisProbes, redisServerArgs } from "../../../components/workloads/redis";

const PASSWORD = "s3cret#pa$$word:with&symbols";

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
    });
}

describe("Redis init step, arguments and probes (real redis-server)", function () {
    this.timeout(60_000);

    let work = "";
    let port = 0;
    let server: ChildProcess | undefined;
    const cli = (args: string[], input?: string) => spawnSync("redis-cli", ["-p", String(port), "-h", "127.0.0.1", ...args], { encoding: "utf8", input, timeout: 10_000 });
    /** The probe's shell command, pointed at this server's port. */
    const probe = (kind: "readiness" | "liveness", passwordFile: string) => {
        const command = (redisProbes(passwordFile)[kind].exec as { command: string[] }).command;
        return spawnSync(command[0], [command[1], command[2].replace("redis-cli ", `redis-cli -p ${port} `)], { encoding: "utf8", timeout: 10_000 });
    };

    before(async function () {
        if (spawnSync("redis-server", ["--version"]).status !== 0) throw new Error("redis-server is not on PATH (Debian: apt-get install redis-server; scripts/setup.sh installs it)");
        work = fs.mkdtempSync(path.join(os.tmpdir(), "redis-auth-test-"));
        for (const d of ["secret", "auth", "data"]) fs.mkdirSync(path.join(work, d));
        // As the kubelet writes a Secret's key: the value alone, no newline.
        fs.writeFileSync(path.join(work, "secret", "password"), PASSWORD, { mode: 0o440 });
        const init = spawnSync("sh", ["-c", redisAuthScript(path.join(work, "secret"), path.join(work, "auth"))], { encoding: "utf8" });
        assert.equal(init.status, 0, init.stderr);

        port = await freePort();
        // The pod's arguments (memory for an 8Mi limit, so the test can fill it), in a temporary directory.
        const args = redisServerArgs(8, path.join(work, "auth", "auth.conf")).map((a) => (a === "/data" ? path.join(work, "data") : a));
        server = spawn("redis-server", [...args, "--port", String(port), "--bind", "127.0.0.1", "--save", ""], { stdio: "ignore" });
        for (let i = 0; i < 100 && probe("readiness", path.join(work, "auth", "password")).status !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    });

    after(function () {
        server?.kill("SIGKILL");
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("renders the password into a requirepass line and a copy, both private to the redis user", () => {
        assert.equal(fs.readFileSync(path.join(work, "auth", "auth.conf"), "utf8"), `requirepass ${PASSWORD}\n`);
        assert.equal(fs.readFileSync(path.join(work, "auth", "password"), "utf8"), PASSWORD);
        for (const f of ["auth.conf", "password"]) assert.equal(fs.statSync(path.join(work, "auth", f)).mode & 0o777, 0o600, f);
    });

    it("requires the password, which the probes send from stdin; a wrong one fails both probes", () => {
        assert.match(cli(["ping"]).stdout, /NOAUTH/);
        assert.equal(probe("readiness", path.join(work, "auth", "password")).status, 0);
        assert.equal(probe("liveness", path.join(work, "auth", "password")).status, 0);
        const wrong = path.join(work, "wrong");
        fs.writeFileSync(wrong, "not-the-password");
        assert.notEqual(probe("readiness", wrong).status, 0);
        assert.notEqual(probe("liveness", wrong).status, 0);
    });

    it("has no password on its command line", () => {
        assert.ok(server?.pid);
        const cmdline = fs.readFileSync(`/proc/${server.pid}/cmdline`, "utf8").split("\0").join(" ");
        assert.match(cmdline, /redis-server/);
        assert.ok(!cmdline.includes(PASSWORD), cmdline);
    });

    it("refuses writes with an error once maxmemory is reached, and evicts nothing", () => {
        const auth = ["--askpass"];
        const pw = `${PASSWORD}\n`;
        assert.deepEqual(cli([...auth, "config", "get", "maxmemory-policy"], pw).stdout.trim().split("\n"), ["maxmemory-policy", "noeviction"]);
        assert.equal(cli([...auth, "set", "counter", "41"], pw).stdout.trim(), "OK");
        let refused = "";
        const value = "x".repeat(64 * 1024);
        for (let i = 0; i < 200 && refused === ""; i++) {
            const r = cli([...auth, "set", `fill:${i}`, value], pw);
            if (/OOM/.test(r.stdout + r.stderr)) refused = r.stdout + r.stderr;
        }
        assert.match(refused, /OOM command not allowed when used memory > 'maxmemory'/);
        assert.equal(cli([...auth, "get", "counter"], pw).stdout.trim(), "41", "the counter is kept");
        assert.match(cli([...auth, "incr", "counter"], pw).stdout, /OOM|42/, "a write answers, never silently drops");
    });
});
