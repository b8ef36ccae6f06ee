/** An unsigned JWT with `claims`, shaped like the ARM access tokens Entra issues. */
export function entraToken(claims: Record<string, unknown>): string {
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
    return `${part({ typ: "JWT", alg: "RS256" })}.${part({ aud: "https://management.core.windows.net/", oid: "deployer", ...claims })}.signature`;
}
/** A person's token from `az login` (delegated: scopes, idtyp user). */
export const USER_TOKEN = entraToken({ idtyp: "user", scp: "user_impersonation" });
/** CI's app registration or managed identity (client credentials: app-only, no scopes). */
export const APP_TOKEN = entraToken({ idtyp: "app" });
