/**
 * Who runs `pulumi up` on Azure, as its role assignments need to name it: a person or a service
 * principal, read from the token the provider signs in with.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";

/** Entra type of a role assignment's principal, as ARM's `principalType` names it. */
export type DeployerPrincipalType = "User" | "ServicePrincipal";

/**
 * The Entra type of whoever holds `token` (an ARM access token, a JWT): a person signed in with
 * `az login` gets a delegated token, CI's app registration or managed identity an app-only one.
 * ARM refuses a role assignment whose `principalType` does not match the principal
 * (UnmatchedPrincipalType), and azure-native 3.28 fills in `User` when it is left out
 * (authorization/roleAssignment.js: `args.principalType ?? "User"`, checked 2026-12-07), so the
 * type is read rather than assumed. The `idtyp` claim says `app` or `user` where Entra sets it;
 * without it, a delegated token carries scopes (`scp`) and an app-only token never does
 * (learn.microsoft.com/entra/identity-platform/access-token-claims-reference, checked 2026-12-07).
 */
export function principalTypeFromToken(token: string): DeployerPrincipalType {
    const claims = tokenClaims(token);
    const idtyp = claims["idtyp"];
    if (idtyp === "app") return "ServicePrincipal";
    if (idtyp === "user") return "User";
    return typeof claims["scp"] === "string" ? "User" : "ServicePrincipal";
}

/** The payload of a JWT (not verified: it is the caller's own token, read for its type only). */
function tokenClaims(token: string): Record<string, unknown> {
    const payload = token.split(".")[1];
    try {
        const claims: unknown = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"));
        if (claims !== null && typeof claims === "object") return claims as Record<string, unknown>;
    } catch {
        // reported below
    }
    throw new Error("the Azure access token of the deploying identity is not a JWT: cannot tell whether a person or a service principal deploys");
}

/**
 * The deploying identity's Entra type, from the token the provider signs in with. Read in previews
 * too, so the preview shows the assignment's type; the token itself goes nowhere.
 */
export function deployerPrincipalType(opts: pulumi.InvokeOptions = {}): pulumi.Output<DeployerPrincipalType> {
    return pulumi.unsecret(authorization.getClientTokenOutput({}, opts).token.apply(principalTypeFromToken));
}
