/**
 * The cloud-neutral platform: everything that runs on a cluster, composed from the cluster's
 * `ClusterTarget`. Nothing here asks which cloud it is on.
 */
import * as pulumi from "@pulumi/pulumi";
import { CertManager, clusterIssuerName, issuerKind } from "../components/platform/cert-manager";
import { type BackupStoreRequest, type ClusterTarget, type LoadBalancerFacts, NOT_OFFERED, type PlatformOutputs } from "../components/cluster/contract";
import type { EntryPoint } from "../components/entry-points/contract";
import { EnvoyGateway, SECONDARY_NODE_PORTS } from "../components/entry-points/envoy-gateway";
import { IngressNginx, NODE_PORTS } from "../components/entry-points/ingress-nginx";
import { AppNamespace } from "../components/platform/namespace";
import { Team } from "../components/apps/team";
import { type PlatformContractOutput, platformContract } from "./platform-contract";
import { Postgres, type PostgresNamespaceClient } from "../components/workloads/postgres";
import { databaseJobName, databaseName, PostgresDatabase, postgresClientLabels, postgresDatabaseClients, teamDatabaseFacts } from "../components/workloads/postgres-database";
import { POSTGRES_BACKUP_APP, PostgresBackup } from "../components/workloads/postgres-backup";
import { Redis } from "../components/workloads/redis";
import { PlatformStorage } from "../components/platform/storage";
import { VISIT_COUNTER_CLIENT_LABELS, visitCounter } from "../components/workloads/visit-counter";
import { appPlatformData, routeDependencies } from "../components/apps/platform-data";
import type { AppPlatform, TeamFacts } from "../components/apps/contract";
import type { AppImageSource } from "../components/workloads/image-source";
import type { IngressControllerChoice, PlatformConfig } from "../config";
import type { TeamConfig } from "../config/teams";

const APP_NAMESPACE = "apps";

/**
 * The load-balancer facts each entry point gets. A static address can be held by one Service
 * only: while both run, nginx keeps it and the gateway's LB gets an address from the cloud (the one
 * the runbook's DNS switch points at).
 */
export function entryPointLoadBalancers(controller: IngressControllerChoice, facts: LoadBalancerFacts): { nginx: LoadBalancerFacts; gateway: LoadBalancerFacts } {
    if (controller !== "both") return { nginx: facts, gateway: facts };
    return { nginx: facts, gateway: { ...facts, address: undefined } };
}

/**
 * Which entry points run for `platform:ingressController`. With `both` (the migration's middle
 * step) ingress-nginx stays the primary: `ingressEndpoint`, `ingressAddress` and `appUrl` keep
 * meaning nginx until the user removes it, and the gateway is reported as `gatewayEndpoint`.
 */
export function entryPointPlan(controller: IngressControllerChoice): { nginx: boolean; gateway: boolean; primary: "nginx" | "gateway" } {
    return { nginx: controller !== "gateway", gateway: controller !== "nginx", primary: controller === "gateway" ? "gateway" : "nginx" };
}

type K8sOpts = { provider: pulumi.ProviderResource; dependsOn: pulumi.Input<pulumi.Resource>[] };

/**
 * The entry points `platform:ingressController` asks for: the one place that decides which run;
 * everything after asks the `EntryPoint` contract. The primary (where `appUrl` points) is first.
 */
function buildEntryPoints(target: ClusterTarget, config: PlatformConfig, k8sOpts: K8sOpts): { entryPoints: EntryPoint[]; gateway?: EnvoyGateway; resources: pulumi.Resource[] } {
    const plan = entryPointPlan(config.ingress.controller);
    const loadBalancers = entryPointLoadBalancers(config.ingress.controller, target.loadBalancer);
    const nginx = plan.nginx
        ? new IngressNginx("ingress-nginx", { loadBalancer: loadBalancers.nginx, replicas: config.ingress.replicas, chartSource: config.chartSources["ingress-nginx"] }, k8sOpts)
        : undefined;
    const gateway = plan.gateway
        ? new EnvoyGateway(
              "envoy-gateway",
              {
                  loadBalancer: loadBalancers.gateway,
                  replicas: config.ingress.replicas,
                  domain: config.tls.domain,
                  clusterIssuer: clusterIssuerName(config.tls),
                  routeNamespaces: [APP_NAMESPACE, ...config.teams.map((t) => t.name)],
                  chartSources: config.chartSources,
                  // Beside nginx on a NodePort cluster, nginx keeps the mapped ports.
                  nodePorts: nginx ? SECONDARY_NODE_PORTS : NODE_PORTS,
              },
              k8sOpts,
          )
        : undefined;
    const ordered = plan.primary === "nginx" ? [nginx, gateway] : [gateway, nginx];
    return { entryPoints: ordered.filter((e) => e !== undefined), gateway, resources: [nginx, gateway].filter((e) => e !== undefined) };
}

/**
 * A namespace per `platform:teams` entry, with its quota and its editors' `edit` role; the entry
 * point routes to them (the Gateway's listeners admit their namespaces, buildEntryPoints).
 */
function deployTeams(target: ClusterTarget, config: PlatformConfig, k8sOpts: K8sOpts): Team[] {
    return config.teams.map((team) => new Team(`team-${team.name}`, { team, dns: target.dns, access: target.teamAccess }, k8sOpts));
}

/**
 * Who Postgres admits in its namespace, by `app.kubernetes.io/name`: the pods
 * `platform:postgresClients` names (kept as it was: it admits pods and creates nothing), each app
 * with a database of its own (`PostgresDatabase`, used as an `App`'s `uses.postgres`) and that
 * database's Job, the Job of each team's database (its apps are admitted from their namespace:
 * {@link teamPostgresClients}), and the backup.
 */
export function postgresClientNames(keyClients: readonly string[], databaseApps: readonly string[], backup: boolean, teamDatabases: readonly string[] = []): string[] {
    return [...keyClients, ...databaseApps.flatMap(postgresDatabaseClients), ...teamDatabases.map(databaseJobName), ...(backup ? [POSTGRES_BACKUP_APP] : [])];
}

/** The teams that asked for a database of their own (`postgres: true`). */
export function teamsWithDatabase(teams: readonly TeamConfig[]): TeamConfig[] {
    return teams.filter((t) => t.postgres);
}

/** Who Postgres admits from the teams' namespaces: in each, the pods carrying its database's client label. */
export function teamPostgresClients(teams: readonly TeamConfig[]): PostgresNamespaceClient[] {
    return teamsWithDatabase(teams).map((t) => ({ namespace: t.name, labels: postgresClientLabels(databaseName(t.name)) }));
}

/**
 * Redis and Postgres, with the backup when scheduled. Access is granted here, where both ends are
 * known: the servers import no client's labels.
 */
function buildDataServices(
    target: ClusterTarget,
    config: PlatformConfig,
    storage: PlatformStorage,
    namespace: AppNamespace,
    appOpts: K8sOpts,
): { redis: Redis; postgres: Postgres; backupStore: pulumi.Output<string> } {
    const { workloads } = config;
    const redis = new Redis(
        "redis",
        {
            namespace: namespace.name,
            storageClassName: storage.generalClassName,
            storageSize: workloads.redisStorageSize,
            clients: [VISIT_COUNTER_CLIENT_LABELS],
            protectData: workloads.protectData,
            password: workloads.redisPassword,
            disruption: target.nodes.disruption,
        },
        appOpts,
    );
    const backupSchedule = workloads.postgresBackupSchedule;
    const postgres = new Postgres(
        "postgres",
        {
            namespace: namespace.name,
            storageClassName: storage.retainClassName,
            storageSize: workloads.postgresStorageSize,
            version: workloads.postgresVersion,
            clients: postgresClientNames(workloads.postgresClients, [], backupSchedule !== "none", teamsWithDatabase(config.teams).map((t) => t.name)),
            namespaceClients: teamPostgresClients(config.teams),
            protectData: workloads.protectData,
            password: workloads.postgresPassword,
            disruption: target.nodes.disruption,
        },
        appOpts,
    );
    if (backupSchedule === "none") return { redis, postgres, backupStore: pulumi.output(NOT_OFFERED) };
    const store = target.backupStore?.(backupStoreRequest(config));
    new PostgresBackup(
        BACKUP_NAME,
        {
            namespace: namespace.name,
            postgres: postgres.connection,
            storageClassName: storage.retainClassName,
            storageSize: workloads.postgresBackupStorageSize,
            dns: target.dns,
            schedule: backupSchedule,
            keep: workloads.postgresBackupKeep,
            protectData: workloads.protectData,
            store,
        },
        appOpts,
    );
    return { redis, postgres, backupStore: store === undefined ? pulumi.output(NOT_OFFERED) : pulumi.output(store.location) };
}

/**
 * A database of its own for each team that asks (`postgres: true`): role and database in the
 * platform's Postgres, created by a Job in Postgres's namespace, the password as a Secret in the
 * team's. Postgres admits the Job and the team's client pods (buildDataServices); the team's facts
 * in the platform contract carry the database, for its app stacks. Every team's facts, in order.
 */
function deployTeamDatabases(config: PlatformConfig, teams: readonly Team[], postgres: Postgres, namespace: AppNamespace, appOpts: K8sOpts): TeamFacts<pulumi.Input<string>>[] {
    return config.teams.map((team, i) => {
        const facts = teams[i].facts;
        if (!team.postgres) return facts;
        const database = new PostgresDatabase(
            `team-${team.name}-db`,
            { app: team.name, postgres: postgres.connection, server: postgres, postgresNamespace: namespace.name, appNamespace: teams[i].namespace },
            appOpts,
        );
        return { ...facts, postgres: teamDatabaseFacts(database.connection, APP_NAMESPACE) };
    });
}

/** The backup job's component name: also its ServiceAccount's, which the store's identity trusts. */
const BACKUP_NAME = "postgres-backup";

/** What the backup job asks of the target's object store. */
export function backupStoreRequest(config: PlatformConfig): BackupStoreRequest {
    return {
        namespace: APP_NAMESPACE,
        serviceAccount: BACKUP_NAME,
        retentionDays: config.workloads.postgresBackupRetentionDays,
        objectLock: config.workloads.postgresBackupObjectLock,
        protectData: config.workloads.protectData,
    };
}

/** The platform as data, for the `App`s of this stack: the same an app stack reads from the `platformContract` output. */
function platformData(target: ClusterTarget, config: PlatformConfig, entryPoints: EntryPoint[], certManager: CertManager): AppPlatform {
    return appPlatformData({
        entryPoints,
        tls: {
            clusterIssuer: certManager.clusterIssuerName,
            enabled: certManager.tlsEnabled,
            acmeHttp01: issuerKind(config.tls) === "acme",
            ...(config.tls.domain !== undefined ? { domain: config.tls.domain } : {}),
        },
        storage: target.storage,
        nodes: target.nodes,
        dns: target.dns,
    });
}

/**
 * Everything on the cluster. `image` makes or names the visit-counter image (a build pushed to the
 * target's registry, or `platform:appImage`): loaded by the caller, so a prebuilt image loads no
 * build SDK.
 */
export function deployPlatform(target: ClusterTarget, config: PlatformConfig, image: AppImageSource): PlatformOutputs<PlatformContractOutput> {
    const k8sOpts = { provider: target.provider, dependsOn: target.dependsOn };
    const storage = new PlatformStorage("storage", { storage: target.storage }, k8sOpts);
    const { entryPoints, gateway, resources: entryPointResources } = buildEntryPoints(target, config, k8sOpts);
    const primary = entryPoints[0];

    const certManager = new CertManager(
        "cert-manager",
        { tls: config.tls, entryPoints: entryPoints.map((e) => e.certManager), keepCrds: target.keepCrdsOnDestroy ?? true, chartSource: config.chartSources["cert-manager"] },
        // After the entry points: the solvers need their class/Gateway.
        { ...k8sOpts, dependsOn: [...target.dependsOn, ...entryPointResources] },
    );

    const namespace = new AppNamespace("apps", { name: APP_NAMESPACE, dns: target.dns }, k8sOpts);
    const teams = deployTeams(target, config, k8sOpts);
    const appOpts = { ...k8sOpts, dependsOn: [...target.dependsOn, namespace, storage] };
    const { redis, postgres, backupStore } = buildDataServices(target, config, storage, namespace, appOpts);
    const teamFacts = deployTeamDatabases(config, teams, postgres, namespace, appOpts);

    // A build waits only for its registry (the repository is an output of it): it is built and
    // pushed while the cluster and add-ons come up, so a short-lived push token (GKE: about an
    // hour) is fresh when the push happens. It was a child of the app before: the alias keeps its
    // URN, so moving it here rebuilds and pushes nothing.
    const imageName = image("visit-counter-image", { aliases: [{ parent: pulumi.createUrn("visit-counter", "platform:index:VisitCounter") }] });

    const platform = platformData(target, config, entryPoints, certManager);
    const app = visitCounter(
        "visit-counter",
        {
            namespace: namespace.name,
            image: imageName,
            replicas: config.workloads.appReplicas,
            maxReplicas: config.workloads.appMaxReplicas,
            redis: redis.connection,
            platform,
            host: config.tls.domain,
            routesDependOn: routeDependencies(entryPoints),
        },
        { ...appOpts, dependsOn: [...appOpts.dependsOn, certManager, ...entryPointResources] },
    );

    return {
        cloud: target.cloud,
        kubeconfig: target.kubeconfig ?? pulumi.output(NOT_OFFERED),
        ingressController: pulumi.output(config.ingress.controller),
        ingressEndpoint: primary.endpoint,
        ingressAddress: primary.address,
        ...(gateway ? { gatewayEndpoint: gateway.endpoint, gatewayAddress: gateway.address } : {}),
        appUrl: app.url,
        appImage: app.imageName,
        storageClasses: storage.classNames,
        backupStore,
        observability: target.observability === undefined ? pulumi.output(NOT_OFFERED) : pulumi.output(target.observability),
        platformContract: platformContract({ platform, kubeconfig: target.kubeconfig, registry: target.registry, teams: teamFacts }),
    };
}
