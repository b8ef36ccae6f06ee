/**
 * A database and role of an app's own in the platform's Postgres: a generated password kept in the
 * stack's state as a secret, a Job (postgres/create-database.sh) that creates the role and the
 * database it owns and sets the role's password, and the password as a Secret in the app's
 * namespace, mounted as a file by `App` (`uses.postgres`).
 *
 * Access is granted both ways where both ends are known, the composition root: Postgres admits this
 * Job by name, the Job egresses to Postgres here, and the app to Postgres in `App`. An app in
 * Postgres's namespace is admitted by name too (`postgresDatabaseClients`); an app in another
 * namespace (a team's) reads the database as contract data (`teamDatabaseFacts`): Postgres admits
 * that namespace's pods carrying the database's client label, and the app egresses to Postgres's
 * namespace and pods.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { POSTGRES_PASSWORD_KEY, POSTGRES_SECRET_DIR, POSTGRES_UID, postgresImage, type PostgresConnection } from "./postgres";
import { CREDENTIALS_DIGEST_ANNOTATION, ephemeralStorage, passwordDigest, type ScratchVolume, scratchVolume, secretFileVolume } from "./stateful-data";
import { COMMON_POD_SPEC, containerSecurityContext, podSecurityContext, workloadLabels } from "../platform/workload-security";
import type { TeamDatabaseFacts } from "../apps/contract";

export const CREATE_DATABASE_SCRIPT = path.resolve(__dirname, "postgres", "create-database.sh");
const ROLE_SECRET_DIR = "/run/secrets/role";
const PGPASS_DIR = "/run/pgpass";
const PGPASS: ScratchVolume = { name: "pgpass", sizeMi: 1, memory: true };

/** How an app reaches its database: what `App` puts in its env, mounts, and its egress policy. */
export interface PostgresDatabaseConnection {
    host: pulumi.Output<string>;
    port: number;
    database: string;
    user: string;
    /** The role's password, a Secret in the app's namespace to mount as a file. */
    passwordSecret: { name: string; key: string; digest: pulumi.Output<string>; resource: pulumi.Resource };
    /** Labels of the Postgres pods, for the app's egress NetworkPolicy. */
    podLabels: Record<string, string>;
    /** The Job that creates the database: the app starts after it. */
    ready: pulumi.Resource;
}

/** The role and database name of an app: its name with `-` as `_` (a plain SQL identifier). */
export function databaseName(app: string): string {
    return app.replace(/-/g, "_");
}

/** The Job's name (`app.kubernetes.io/name` of its pod): Postgres must admit it. */
export function databaseJobName(app: string): string {
    return `${app}-db-setup`;
}

/** Who Postgres admits for an app that uses a database of its own: the app and its database Job. */
export function postgresDatabaseClients(app: string): string[] {
    return [app, databaseJobName(app)];
}

/** The label Postgres admits a database's clients of another namespace by; its value is the database. */
export const POSTGRES_CLIENT_LABEL = "platform.example.com/postgres-client";

/** Labels an app's pods carry to reach its database from another namespace. */
export function postgresClientLabels(database: string): Record<string, string> {
    return { [POSTGRES_CLIENT_LABEL]: database };
}

/**
 * A database as contract data for apps of another namespace: where it is, the Secret in their
 * namespace, Postgres's pods as a peer of its namespace (`postgresNamespace`, a plain name: the
 * contract carries no outputs but the host), and the label they must carry.
 */
export function teamDatabaseFacts(connection: PostgresDatabaseConnection, postgresNamespace: string): TeamDatabaseFacts<pulumi.Input<string>> {
    return {
        host: connection.host,
        port: connection.port,
        database: connection.database,
        user: connection.user,
        passwordSecret: { name: connection.passwordSecret.name, key: connection.passwordSecret.key },
        serverPeer: {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": postgresNamespace } },
            podSelector: { matchLabels: { ...connection.podLabels } },
        },
        clientLabels: postgresClientLabels(connection.database),
    };
}

/** create-database.sh, given to the Job in its spec: a new script reruns the Job. */
export function createDatabaseScript(): string {
    return fs.readFileSync(CREATE_DATABASE_SCRIPT, "utf8");
}

/** The Job's pod: the script as the image's postgres user, both passwords as files, libpq's password file in memory. */
export function databaseJobPodSpec(app: string, postgres: PostgresConnection, roleSecret: { name: string; key: string }): k8s.types.input.core.v1.PodSpec {
    const name = databaseName(app);
    return {
        ...COMMON_POD_SPEC,
        securityContext: podSecurityContext({ uid: POSTGRES_UID, fsGroup: POSTGRES_UID }),
        restartPolicy: "Never",
        containers: [
            {
                name: "create-database",
                image: postgresImage(postgres.version),
                imagePullPolicy: "IfNotPresent",
                command: ["bash", "-c", createDatabaseScript(), "create-database"],
                env: [
                    { name: "PGHOST", value: postgres.host },
                    { name: "PGPORT", value: String(postgres.port) },
                    { name: "PGPASSFILE", value: `${PGPASS_DIR}/pgpass` },
                    { name: "ADMIN_PASSWORD_FILE", value: `${POSTGRES_SECRET_DIR}/${postgres.passwordSecret.key}` },
                    { name: "ROLE_PASSWORD_FILE", value: `${ROLE_SECRET_DIR}/${roleSecret.key}` },
                    { name: "APP_ROLE", value: name },
                    { name: "APP_DATABASE", value: name },
                ],
                resources: {
                    requests: { cpu: "10m", memory: "32Mi", ...ephemeralStorage([]).requests },
                    limits: { cpu: "200m", memory: "64Mi", ...ephemeralStorage([]).limits },
                },
                securityContext: containerSecurityContext(),
                volumeMounts: [
                    { name: "admin-password", mountPath: POSTGRES_SECRET_DIR, readOnly: true },
                    { name: "role-password", mountPath: ROLE_SECRET_DIR, readOnly: true },
                    { name: PGPASS.name, mountPath: PGPASS_DIR },
                ],
            },
        ],
        volumes: [secretFileVolume("admin-password", postgres.passwordSecret), secretFileVolume("role-password", roleSecret), scratchVolume(PGPASS)],
    };
}

export interface PostgresDatabaseArgs {
    /** The app's name: the role and database are it with `-` as `_`. */
    app: string;
    postgres: PostgresConnection;
    /** The Postgres component: the Job starts once its server is ready. Default: none (the script still waits for the server). */
    server?: pulumi.Resource;
    /** Postgres's namespace: where the Job and its copy of the password run. */
    postgresNamespace: pulumi.Input<string>;
    /** The app's namespace (Postgres's, or a team's): where the Secret it mounts is. */
    appNamespace: pulumi.Input<string>;
}

export class PostgresDatabase extends pulumi.ComponentResource {
    readonly connection: PostgresDatabaseConnection;

    constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:index:PostgresDatabase", name, {}, opts);
        const jobName = databaseJobName(args.app);
        const labels = workloadLabels(jobName, name);
        const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this }).result;
        const secret = (resourceName: string, namespace: pulumi.Input<string>, secretName: string) =>
            new k8s.core.v1.Secret(
                resourceName,
                { metadata: { name: secretName, namespace, labels }, type: "Opaque", stringData: pulumi.secret(password.apply((p) => ({ [POSTGRES_PASSWORD_KEY]: p }))) },
                { parent: this },
            );
        const appSecretName = `${args.app}-postgres`;
        const appSecret = secret(`${name}-app-secret`, args.appNamespace, appSecretName);
        const jobSecret = secret(`${name}-job-secret`, args.postgresNamespace, `${jobName}-role`);
        const digest = pulumi.unsecret(password.apply((p) => passwordDigest(p, appSecretName)));
        const role = { name: `${jobName}-role`, key: POSTGRES_PASSWORD_KEY };

        const egress = new k8s.networking.v1.NetworkPolicy(
            `${name}-allow-postgres-egress`,
            {
                metadata: { name: `${jobName}-allow-postgres-egress`, namespace: args.postgresNamespace, labels },
                spec: {
                    podSelector: { matchLabels: labels },
                    policyTypes: ["Egress"],
                    egress: [{ to: [{ podSelector: { matchLabels: args.postgres.podLabels } }], ports: [{ protocol: "TCP", port: args.postgres.port }] }],
                },
            },
            { parent: this },
        );
        const job = new k8s.batch.v1.Job(
            `${name}-setup`,
            {
                metadata: { name: jobName, namespace: args.postgresNamespace, labels },
                spec: {
                    backoffLimit: 6,
                    template: {
                        // A new password changes the template: the Job is replaced and runs again.
                        metadata: { labels, annotations: { [CREDENTIALS_DIGEST_ANNOTATION]: digest } },
                        spec: databaseJobPodSpec(args.app, args.postgres, role),
                    },
                },
            },
            // Pulumi waits for a Job to complete (or fail) like any resource it awaits, 10 minutes by
            // default (the batch/v1 Job reference of @pulumi/kubernetes, checked 2026-12-07): the app
            // that depends on it starts once its database exists.
            { parent: this, dependsOn: [jobSecret, egress, args.postgres.passwordSecret.resource, ...(args.server ? [args.server] : [])] },
        );

        this.connection = {
            host: args.postgres.host,
            port: args.postgres.port,
            database: databaseName(args.app),
            user: databaseName(args.app),
            passwordSecret: { name: appSecretName, key: POSTGRES_PASSWORD_KEY, digest, resource: appSecret },
            podLabels: args.postgres.podLabels,
            ready: job,
        };
        this.registerOutputs({ database: this.connection.database, passwordSecretName: appSecretName });
    }
}
