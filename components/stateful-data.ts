/**
 * The pieces Redis and Postgres share: a generated password kept in a Secret, and the claim
 * template of their data volume. (Kept apart from workload-security.ts, which the policy pack
 * imports and must stay free of runtime SDK imports.)
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface PasswordSecretArgs {
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    /** Key of the password in the Secret. */
    key: string;
}

/**
 * A 32-character alphanumeric password (it goes into command lines and URLs unescaped) in a Secret
 * `<name>-auth`, never in plain text in inputs, state or outputs. `opts` should carry the data's
 * `protect`: a lost password with kept data locks you out.
 */
export function generatedPasswordSecret(name: string, args: PasswordSecretArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret {
    const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, opts);
    return new k8s.core.v1.Secret(
        `${name}-auth`,
        {
            metadata: { name: `${name}-auth`, namespace: args.namespace, labels: args.labels },
            type: "Opaque",
            stringData: pulumi.secret({ [args.key]: password.result }),
        },
        opts,
    );
}

/** The `data` volume claim template of a single-replica StatefulSet. */
export function dataClaimTemplate(
    labels: Record<string, string>,
    storageClassName: pulumi.Input<string>,
    storageSize: string,
): k8s.types.input.core.v1.PersistentVolumeClaim {
    return {
        metadata: { name: "data", labels },
        spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName,
            resources: { requests: { storage: storageSize } },
        },
    };
}
