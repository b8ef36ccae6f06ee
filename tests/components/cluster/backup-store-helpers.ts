/**
 * What the backup-store tests share: a whole example stack run under the cloud mocks (with extra
 * config, secret keys marked as set with --secret), and the backup job's objects read from it.
 */
import * as fs from "node:fs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type Cloud, mapConfigSource, readConfig } from "../../../config";
import { EXAMPLE_STACK_OF, parseStackConfig, stackFile } from "../../../scripts/plan-lib";
import { deployStack } from "../../../stacks";
import { installCloudMocks } from "../../harness/cloud-mocks";
import { type RecordedResource, type ResourceSet, runProgram, valueOf } from "../../harness/mocks";

import out = k8s.types.output;

export const as = <T>(r: RecordedResource): T => r.inputs as unknown as T;

/** The example stack of `cloud` with `extra` on top; keys in `secrets` count as set with --secret. */
export async function stackWith(cloud: Cloud, extra: Record<string, string> = {}, secrets: readonly string[] = []): Promise<{ resources: ResourceSet; backupStore: string }> {
    const parsed = parseStackConfig(fs.readFileSync(stackFile(EXAMPLE_STACK_OF[cloud]), "utf8"));
    const values = { ...parsed.values, ...extra };
    const secretKeys = [...parsed.secretKeys, ...secrets];
    pulumi.runtime.setAllConfig(values, secretKeys);
    const config = readConfig(mapConfigSource(values, { secrets: secretKeys }));
    installCloudMocks(config.cloud);
    const { result, resources } = await runProgram(() => deployStack(config, { cloudOnly: true }));
    return { resources, backupStore: await valueOf(result.backupStore) };
}

export const backupPod = (rs: ResourceSet): out.core.v1.PodSpec => as<out.batch.v1.CronJob>(rs.one("kubernetes:batch/v1:CronJob", "postgres-backup")).spec.jobTemplate.spec.template.spec;
export const backupPodLabels = (rs: ResourceSet): Record<string, string> =>
    as<out.batch.v1.CronJob>(rs.one("kubernetes:batch/v1:CronJob", "postgres-backup")).spec.jobTemplate.spec.template.metadata.labels;
export const backupEgress = (rs: ResourceSet): out.networking.v1.NetworkPolicyEgressRule[] =>
    as<out.networking.v1.NetworkPolicy>(rs.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "postgres-backup-egress")).spec.egress;
export const backupServiceAccount = (rs: ResourceSet): out.core.v1.ServiceAccount => as<out.core.v1.ServiceAccount>(rs.one("kubernetes:core/v1:ServiceAccount", "postgres-backup"));
/** The upload container's environment as a map (values only). */
export function uploadEnv(rs: ResourceSet): Record<string, string> {
    const upload = backupPod(rs).containers.find((c) => c.name === "upload");
    if (upload === undefined) throw new Error("no upload container in the backup pod");
    return Object.fromEntries(upload.env.map((e) => [e.name, e.value]));
}
/** The resources of a type whose inputs mention `text` anywhere. */
export function mentioning(rs: ResourceSet, text: string): RecordedResource[] {
    return rs.all.filter((r) => !r.read && JSON.stringify(r.inputs).includes(text));
}
