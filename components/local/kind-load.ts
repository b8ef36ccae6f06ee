/**
 * `kind load docker-image`: how a built image reaches a kind cluster's nodes, which share no engine
 * with the build. The only module of the local target that loads @pulumi/command, and only when an
 * image is built (`ImageRegistry.loadDelivery`).
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { ImageDelivery } from "../cluster/contract";

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
