/**
 * The real Pulumi engine for the e2e: the CLI built by scripts/e2e-toolchain.sh, driven through
 * the Automation API with an inline program (the Node.js SDK serves the language runtime itself,
 * so no language-host plugin is needed). Each run gets its own file backend, PULUMI_HOME and
 * secrets passphrase (from a file, never an environment value); the only plugin is the
 * kubernetes provider, and automatic plugin downloads are off, so a stack that would need any
 * other provider (random, docker, command) fails at once instead of reaching for the network.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { type ConfigMap, LocalWorkspace, type PulumiFn, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import type { Toolchain } from "./toolchain";

export interface Engine {
    command: PulumiCommand;
    /** The Pulumi CLI. */
    pulumi: string;
    workDir: string;
    logDir: string;
    /** What every CLI call gets on top of the test process's environment. */
    env: Record<string, string>;
}

/** The environment of the engine: hermetic homes, file backend, passphrase file, no downloads. */
export function engineEnv(dirs: { pulumiHome: string; stateDir: string; passphraseFile: string; helmHome: string; kubeconfig: string }): Record<string, string> {
    return {
        PULUMI_HOME: dirs.pulumiHome,
        PULUMI_BACKEND_URL: `file://${dirs.stateDir}`,
        PULUMI_CONFIG_PASSPHRASE_FILE: dirs.passphraseFile,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS: "true",
        // Helm (inside the kubernetes provider) keeps its repository files and cache here, not in ~.
        HELM_CACHE_HOME: path.join(dirs.helmHome, "cache"),
        HELM_CONFIG_HOME: path.join(dirs.helmHome, "config"),
        HELM_DATA_HOME: path.join(dirs.helmHome, "data"),
        // Anything that falls back to the ambient kubeconfig lands on its decoy current context.
        KUBECONFIG: dirs.kubeconfig,
    };
}

/** A fresh engine under `runDir`; the kubernetes plugin comes from the toolchain's plugin home. */
export async function newEngine(toolchain: Toolchain, runDir: string, kubeconfig: string): Promise<Engine> {
    const pulumiHome = path.join(runDir, "pulumi-home");
    const stateDir = path.join(runDir, "state");
    const workDir = path.join(runDir, "work");
    const logDir = path.join(runDir, "logs");
    for (const d of [pulumiHome, stateDir, workDir, logDir]) fs.mkdirSync(d, { recursive: true });
    fs.symlinkSync(path.join(toolchain.pluginHome, "plugins"), path.join(pulumiHome, "plugins"));
    const passphraseFile = path.join(runDir, "passphrase");
    fs.writeFileSync(passphraseFile, randomBytes(24).toString("hex"), { mode: 0o600 });
    const env = engineEnv({ pulumiHome, stateDir, passphraseFile, helmHome: path.join(runDir, "helm"), kubeconfig });
    const command = await PulumiCommand.get({ root: toolchain.pulumiRoot });
    return { command, pulumi: path.join(toolchain.pulumiRoot, "bin", "pulumi"), workDir, logDir, env };
}

/**
 * Where the CLI runs for `project`: the platform's in the engine's work directory, any other
 * project's beside it (a workspace writes its Pulumi.yaml there, one project per directory).
 */
export function projectWorkDir(engine: Pick<Engine, "workDir">, project: string): string {
    return project === "platform" ? engine.workDir : `${engine.workDir}-${project}`;
}

/**
 * The name a StackReference gives `stackName` of `project` on the file backend, which has no
 * organizations: `organization/<project>/<stack>`.
 */
export function fileBackendStackName(project: string, stackName: string): string {
    return `organization/${project}/${stackName}`;
}

/** The stack `stackName` of `project` (default `platform`) on the engine's backend, running `program` in this process. */
export async function inlineStack(engine: Engine, stackName: string, program: PulumiFn, config: ConfigMap, project = "platform"): Promise<Stack> {
    const workDir = projectWorkDir(engine, project);
    fs.mkdirSync(workDir, { recursive: true });
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName, projectName: project, program },
        {
            pulumiCommand: engine.command,
            workDir,
            pulumiHome: engine.env.PULUMI_HOME,
            envVars: engine.env,
            secretsProvider: "passphrase",
            projectSettings: { name: project, runtime: "nodejs", backend: { url: engine.env.PULUMI_BACKEND_URL } },
        },
    );
    await stack.setAllConfig(config);
    return stack;
}

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

/**
 * Runs the CLI itself on `stackName` (for what the Automation API does differently from a user:
 * its destroy always skips the preview). Never throws on a non-zero exit; the caller asserts.
 */
export function runCli(engine: Engine, args: string[], stackName: string): Promise<CliResult> {
    return new Promise((resolve) => {
        execFile(
            engine.pulumi,
            [...args, "--stack", stackName, "--non-interactive", "--color=never"],
            { cwd: engine.workDir, env: { ...process.env, ...engine.env }, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => {
                const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
                resolve({ code, stdout, stderr });
            },
        );
    });
}

/** An `onOutput` that appends the engine's output to `<logDir>/<name>.log`. */
export function outputLog(engine: Engine, name: string): (out: string) => void {
    const file = path.join(engine.logDir, `${name}.log`);
    return (out: string) => fs.appendFileSync(file, out);
}
