/**
 * Where the platform's images go on a local cluster: nowhere but the local engine. minikube and
 * Docker Desktop run their nodes on that engine and see its images; kind nodes do not, so a kind
 * cluster gets the image delivered with `kind load docker-image` after each build (./kind-load.ts,
 * loaded only when an image is built: a prebuilt `platform:appImage` is pulled by the nodes).
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { LocalSettings } from "../../config";
import type { ImageRegistry } from "../cluster/contract";
import { kindClusterOf } from "./facts";

/** The repository name images are tagged with; nothing is pushed anywhere. */
export const LOCAL_REPOSITORY = "platform/visit-counter";

/**
 * The cluster's identity: the kube-system namespace's UID, new on every `kind create cluster`. Read
 * (never managed) through the stack's provider, in previews too, so the kind load runs again for a
 * recreated cluster even though the image name is unchanged.
 */
export function clusterIdentity(name: string, provider: k8s.Provider): pulumi.Output<string> {
    const ns = k8s.core.v1.Namespace.get(`${name}-kube-system`, "kube-system", { provider });
    return ns.metadata.apply((m) => m?.uid ?? "");
}

/**
 * Built into the local engine for its own platform (arm64 on Apple silicon), never pushed; on a kind
 * context the image is loaded into the nodes (`kindLoad`). The cluster's identity is read only then.
 */
export function localRegistry(name: string, settings: LocalSettings, provider: k8s.Provider): ImageRegistry {
    const kindCluster = kindClusterOf(settings.kubeContext);
    return {
        repository: LOCAL_REPOSITORY,
        credentials: undefined,
        loadDelivery: kindCluster === undefined ? undefined : async () => (await import("./kind-load")).kindLoad(kindCluster, clusterIdentity(name, provider)),
    };
}
