/**
 * How the platform installs every Helm chart it owns (ingress-nginx, cert-manager, Envoy Gateway,
 * the Cluster Autoscaler). This module imports no cloud SDK.
 */

/**
 * Release options shared by every chart:
 * - `skipAwait: false`: Pulumi waits until the release is ready, so what depends on it starts after.
 * - not atomic: a rollback would hide the failure from Pulumi's state and revert outside it; a
 *   failed upgrade leaves the old pods serving (rolling update) and the next `pulumi up` retries.
 * - `cleanupOnFail` removes what a failed upgrade added; `maxHistory` bounds the release Secrets.
 * - the namespace is a Namespace resource of the component's own, never Helm's.
 */
export const RELEASE_POLICY = {
    createNamespace: false,
    skipAwait: false,
    atomic: false,
    cleanupOnFail: true,
    maxHistory: 10,
} as const;
