import type { AksClusterArgs } from "../../../components/azure/cluster";

/** An unsigned JWT with `claims`, shaped like the ARM access tokens Entra issues. */
export function entraToken(claims: Record<string, unknown>): string {
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
    return `${part({ typ: "JWT", alg: "RS256" })}.${part({ aud: "https://management.core.windows.net/", oid: "deployer", ...claims })}.signature`;
}
/** A person's token from `az login` (delegated: scopes, idtyp user). */
export const USER_TOKEN = entraToken({ idtyp: "user", scp: "user_impersonation" });
/** CI's app registration or managed identity (client credentials: app-only, no scopes). */
export const APP_TOKEN = entraToken({ idtyp: "app" });

/** An AKS cluster's arguments as the cluster tests start from. */
export const CLUSTER_ARGS: AksClusterArgs = {
    resourceGroupName: "rg",
    location: "westeurope",
    kubernetesVersion: "1.34",
    nodeSize: "Standard_D4s_v5",
    minNodes: 3,
    maxNodes: 7,
    upgradeChannel: "patch",
    nodeOsUpgradeChannel: "SecurityPatch",
    env: {},
};
