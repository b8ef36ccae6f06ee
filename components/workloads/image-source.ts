/**
 * Where the visit-counter image the workloads run comes from: `platform:appImage`, a prebuilt image
 * pinned by digest that the nodes pull from its registry, or a build of app/ (./app-image.ts)
 * pushed to the target's registry. Only the build loads @pulumi/docker, and the target's delivery
 * with its SDK (kind's load: @pulumi/command): a stack running a prebuilt image needs neither a
 * Docker engine nor those providers, not even to preview.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ImageRegistry } from "../cluster/contract";

/**
 * Makes (or names) the image and resolves to the reference pods run. Called once, where the
 * composition root registers the image.
 */
export type AppImageSource = (name: string, opts: pulumi.ComponentResourceOptions) => pulumi.Output<string>;

/** A prebuilt image: the reference as given; no resource, no registry login, no push, no delivery. */
export function prebuiltImage(reference: string): AppImageSource {
    return () => pulumi.output(reference);
}

/**
 * The image source for `platform:appImage` (undefined: build). The build's modules are imported
 * here, and only here, when a build is wanted.
 */
export async function loadAppImageSource(appImage: string | undefined, registry: ImageRegistry): Promise<AppImageSource> {
    if (appImage !== undefined) return prebuiltImage(appImage);
    const [{ AppImage }, delivery] = await Promise.all([import("./app-image"), registry.loadDelivery?.()]);
    return (name, opts) => new AppImage(name, { registry, delivery }, opts).imageName;
}
