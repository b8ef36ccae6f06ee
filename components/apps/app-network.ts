/**
 * The App's NetworkPolicy rules: who may reach it (only the entry points' data planes) and what it
 * may reach (the data services it uses and the egress it declares). Under the namespace's default
 * deny these rules are the app's whole network surface, so they sit together where one reading
 * shows it.
 */
import type * as k8s from "@pulumi/kubernetes";
import { type AppEgress, type AppPostgres, isDatabaseData } from "./app-args";
import type { EntryPointFacts } from "./contract";

/** Only the entry points' data planes reach the app, on its port. */
export function appIngressRules(entryPoints: readonly EntryPointFacts<unknown>[], port: number): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
    return [{ from: entryPoints.map((e) => ({ ...e.dataPlanePeer })), ports: [{ protocol: "TCP", port }] }];
}

/** Egress to the app's database: Postgres's pods in the app's namespace, or its peer in another. */
export function postgresEgressRules(pg: AppPostgres): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
    if (!isDatabaseData(pg)) return serviceEgressRules(pg);
    return [{ to: [{ ...pg.serverPeer }], ports: [{ protocol: "TCP", port: pg.port }] }];
}

/** Egress to pods of a data service in the app's namespace (a podSelector alone means "this namespace"). */
export function serviceEgressRules(server: { podLabels: Record<string, string>; port: number }): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
    return [{ to: [{ podSelector: { matchLabels: server.podLabels } }], ports: [{ protocol: "TCP", port: server.port }] }];
}

/** The egress the app declares. */
export function declaredEgressRules(egress: readonly AppEgress[]): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
    return egress.map((e) => ({ to: e.to.map((p) => ({ ...p })), ports: e.ports.map((p) => ({ protocol: p.protocol ?? "TCP", port: p.port })) }));
}
