/**
 * The platform contract's data built from the live platform: what the platform stack hands its
 * own `App`s, and what its `platformContract` output (stacks/platform-contract.ts) is made of. An
 * app stack gets the same data from that output.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { DnsFacts, NodeFacts, StorageFacts } from "../cluster/contract";
import type { EntryPoint } from "../entry-points/contract";
import { storageClassNames } from "../platform/storage";
import { type AppPlatform, disruptionData, dnsData, type EntryPointFacts, type TlsFacts } from "./contract";

export interface LivePlatform {
    /** The entry points that run, the primary first. */
    entryPoints: readonly Pick<EntryPoint, "facts">[];
    tls: TlsFacts<pulumi.Input<string>>;
    storage: StorageFacts;
    nodes: NodeFacts;
    dns: DnsFacts;
}

/** The `App` data of the live platform. */
export function appPlatformData(live: LivePlatform): AppPlatform {
    return {
        entryPoints: live.entryPoints.map((e) => e.facts),
        tls: { ...live.tls },
        storageClasses: storageClassNames(live.storage),
        nodes: { disruption: disruptionData(live.nodes.disruption) },
        dns: dnsData(live.dns),
    };
}

/** What each kind of entry point's routes wait for (the Gateway API CRDs and the Gateway), for `App.routesDependOn`. */
export function routeDependencies(entryPoints: readonly Pick<EntryPoint, "facts" | "routeDependsOn">[]): Partial<Record<EntryPointFacts["kind"], readonly pulumi.Resource[]>> {
    return Object.fromEntries(entryPoints.map((e) => [e.facts.kind, e.routeDependsOn]));
}
