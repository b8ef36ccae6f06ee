/**
 * Routing from data: the objects an app's route becomes on an entry point given as the platform
 * contract carries it. The entry-point components route through the same functions, so an app
 * routed from an app stack gets exactly the objects it would get in the platform stack.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EntryPointFacts } from "../apps/contract";
import type { AppRoute, RouteOptions } from "./contract";
import { routeThroughGateway } from "./envoy-gateway";
import { routeThroughNginx } from "./ingress-nginx";

/** Creates the routing objects of `route` on `entryPoint` (an Ingress, or HTTPRoutes), with `opts` (their parent first). */
export function routeThroughEntryPoint(entryPoint: EntryPointFacts<unknown>, route: AppRoute, opts: RouteOptions): pulumi.Resource[] {
    switch (entryPoint.kind) {
        case "ingress":
            return routeThroughNginx(entryPoint, route, opts);
        case "gateway":
            return routeThroughGateway(entryPoint, route, opts);
    }
}
