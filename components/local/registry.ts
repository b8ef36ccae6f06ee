/**
 * Where the platform's images go on a local cluster: nowhere but the local engine. minikube and
 * Docker Desktop run their nodes on that engine and see its images; kind nodes do not, so a kind
 * cluster gets the image delivered with `kind load docker-image` after each build.
 */
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LocalSettings } from "../../config";
import type { ImageDelivery, ImageRegistry } from "../cluster/contract";
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
 * Loads each built image into the nodes of kind cluster `kindCluster`, before the workloads get its
 * name (they wait on it): otherwise their pods cannot pull and `pulumi up` waits for a rollout that
 * never becomes ready. The trigger holds `identity` too: after `kind delete cluster && kind create
 * cluster` the image name is unchanged but the new nodes have never seen it.
 */
export function kindLoad(kindCluster: string, identity: pulumi.Input<string>): ImageDelivery {
    return {
        deliver: ({ name, imageName, build, parent }) => {
            const load = new command.local.Command(
                `${name}-kind-load`,
                {
                    create: pulumi.interpolate`kind load docker-image ${imageName} --name ${kindCluster}`,
                    // No DOCKER_HOST of its own: kind's `docker save` follows the same DOCKER_HOST or
                    // context the build's engine was resolved from.
                    triggers: [imageName, identity],
                },
                { parent, dependsOn: [build] },
            );
            return pulumi.all([imageName, load.stdout]).apply(([loaded]) => loaded);
        },
    };
}

/**
 * Built into the local engine for its own platform (arm64 on Apple silicon), never pushed; on a kind
 * context the image is loaded into the nodes (`kindLoad`).
 */
export function localRegistry(name: string, settings: LocalSettings, provider: k8s.Provider): ImageRegistry {
    const kindCluster = kindClusterOf(settings.kubeContext);
    return {
        repository: LOCAL_REPOSITORY,
        credentials: undefined,
        delivery: kindCluster === undefined ? undefined : kindLoad(kindCluster, clusterIdentity(name, provider)),
    };
}
