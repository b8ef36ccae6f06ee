/**
 * One e2e scenario's surroundings: a run directory under `E2E_RUN_ROOT` (scripts/e2e.sh makes one
 * per invocation and ends any process left in it), a cluster of the version under test with the
 * fixtures that play the missing controllers, and an engine. `close()` stops all of it; the run
 * directory (logs, state, kubeconfig) is kept only when the scenario failed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FakeLocalPathProvisioner } from "../fixtures/fake-provisioner";
import { StatusWriter } from "../fixtures/status-writer";
import { E2eCluster } from "./cluster";
import { type Engine, newEngine } from "./engine";
import { readToolchain, type Toolchain } from "./toolchain";

export function runRoot(env: NodeJS.ProcessEnv = process.env): string {
    const root = env.E2E_RUN_ROOT || path.join(os.tmpdir(), "platform-e2e");
    fs.mkdirSync(root, { recursive: true });
    return root;
}

/** The provisioner name the fake answers to: the local stack's default (`platform:localStorageProvisioner`). */
export const FAKE_PROVISIONER = "rancher.io/local-path";

export class Scenario {
    private failed = false;

    private constructor(
        readonly toolchain: Toolchain,
        readonly runDir: string,
        readonly cluster: E2eCluster,
        readonly engine: Engine,
        readonly provisioner: FakeLocalPathProvisioner,
        readonly statusWriter: StatusWriter,
    ) {}

    /** A cluster of `version` (`1.36`) with the fixtures running, and a fresh engine. */
    static async open(label: string, version: string): Promise<Scenario> {
        const toolchain = readToolchain();
        const runDir = fs.mkdtempSync(path.join(runRoot(), `${label}-`));
        const cluster = await E2eCluster.start(toolchain, version, path.join(runDir, "cluster"));
        try {
            const engine = await newEngine(toolchain, runDir, cluster.kubeconfigPath);
            const provisioner = new FakeLocalPathProvisioner(cluster.client, FAKE_PROVISIONER);
            const statusWriter = new StatusWriter(cluster.client);
            provisioner.start();
            statusWriter.start();
            // The program checks the server's version with kubectl (from PATH) before deploying.
            const kubectlDir = path.dirname(toolchain.kubectl);
            if (!(process.env.PATH ?? "").split(path.delimiter).includes(kubectlDir)) process.env.PATH = `${kubectlDir}${path.delimiter}${process.env.PATH ?? ""}`;
            return new Scenario(toolchain, runDir, cluster, engine, provisioner, statusWriter);
        } catch (e) {
            await cluster.stop({ keepRunDir: true });
            throw e;
        }
    }

    /** Marks the scenario failed (its run directory is then kept); call from afterEach. */
    noteResult(state: string | undefined): void {
        if (state === "failed") this.failed = true;
    }

    /** What the fixtures last failed on, for an assertion message. */
    fixtureErrors(): string {
        return [this.provisioner.lastError && `provisioner: ${this.provisioner.lastError}`, this.statusWriter.lastError && `status writer: ${this.statusWriter.lastError}`].filter(Boolean).join("; ");
    }

    async close(): Promise<void> {
        await this.provisioner.stop();
        await this.statusWriter.stop();
        await this.cluster.stop({ keepRunDir: true });
        if (this.failed) {
            console.log(`    e2e: kept ${this.runDir} (logs/, cluster/logs/, state/) after a failure`);
        } else {
            fs.rmSync(this.runDir, { recursive: true, force: true });
        }
    }
}
