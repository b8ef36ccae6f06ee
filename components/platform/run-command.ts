/**
 * Running a CLI from the program (`docker context inspect`, `kubectl version`): a module of its
 * own, so reading the local cluster's version loads no provider SDK.
 */
import { execFileSync } from "node:child_process";

/** Runs a CLI and returns its stdout; throws when it is missing or fails. */
export type CommandRunner = (file: string, args: readonly string[]) => string;

export const runCommand: CommandRunner = (file, args) =>
    execFileSync(file, [...args], { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "pipe"] });
