/**
 * Typed views of what a test registered, shared by the component tests: the recorded inputs of a
 * Kubernetes object read as that object (fully resolved under mocks), and the workloads' parts the
 * tests look at most.
 */
import * as k8s from "@pulumi/kubernetes";
import type { RecordedResource, ResourceSet } from "./mocks";

import out = k8s.types.output;

/** Recorded inputs typed as the object they describe. */
export const as = <T>(r: RecordedResource): T => r.inputs as unknown as T;

/** The one StatefulSet (named `name`, if given). */
export const statefulSet = (rs: ResourceSet, name?: string): out.apps.v1.StatefulSet => as<out.apps.v1.StatefulSet>(rs.one("kubernetes:apps/v1:StatefulSet", name));

/** The one Deployment (named `name`, if given). */
export const deployment = (rs: ResourceSet, name?: string): out.apps.v1.Deployment => as<out.apps.v1.Deployment>(rs.one("kubernetes:apps/v1:Deployment", name));

/** The workload's first container (ours have one), or the one named `name`. */
export function container(workload: out.apps.v1.StatefulSet | out.apps.v1.Deployment, name?: string): out.core.v1.Container {
    const containers = workload.spec.template.spec.containers;
    if (name === undefined) return containers[0];
    const found = containers.find((c) => c.name === name);
    if (!found) throw new Error(`no container ${name} (have: ${containers.map((c) => c.name).join(", ")})`);
    return found;
}
