/**
 * The cloud-neutral platform: everything that runs on a cluster, composed from the cluster's
 * `ClusterTarget`. Nothing here asks which cloud it is on.
 */
import * as pulumi from "@pulumi/pulumi";
import { AppImage } from "../components/app-image";
import { CertManager, issuerKind } from "../components/cert-manager";
import { type ClusterTarget, NOT_OFFERED, type PlatformOutputs } from "../components/cluster";
import { IngressNginx } from "../components/ingress-nginx";
import { AppNamespace } from "../components/namespace";
import { Postgres } from "../components/postgres";
import { POSTGRES_BACKUP_APP, PostgresBackup } from "../components/postgres-backup";
import { Redis } from "../components/redis";
import { PlatformStorage } from "../components/storage";
import { VisitCounter } from "../components/visit-counter";
import type { PlatformConfig } from "../config";

export function deployPlatform(target: ClusterTarget, config: PlatformConfig): PlatformOutputs {
    const k8sOpts = { provider: target.provider, dependsOn: target.dependsOn };

    const storage = new PlatformStorage("storage", { storage: target.storage }, k8sOpts);

    const ingress = new IngressNginx(
        "ingress-nginx",
        { loadBalancer: target.loadBalancer, replicas: config.ingress.replicas },
        k8sOpts,
    );

    const certManager = new CertManager(
        "cert-manager",
        { tls: config.tls, ingressClassName: ingress.ingressClassName, keepCrds: target.keepCrdsOnDestroy ?? true },
        { ...k8sOpts, dependsOn: [...target.dependsOn, ingress] },
    );

    const namespace = new AppNamespace("apps", { name: "apps" }, k8sOpts);
    const appOpts = { ...k8sOpts, dependsOn: [...target.dependsOn, namespace, storage] };

    const redis = new Redis(
        "redis",
        {
            namespace: namespace.name,
            storageClassName: storage.generalClassName,
            storageSize: config.workloads.redisStorageSize,
            protectData: config.workloads.protectData,
            disruption: target.nodes.disruption,
        },
        appOpts,
    );

    const backupSchedule = config.workloads.postgresBackupSchedule;
    const postgres = new Postgres(
        "postgres",
        {
            namespace: namespace.name,
            storageClassName: storage.retainClassName,
            storageSize: config.workloads.postgresStorageSize,
            version: config.workloads.postgresVersion,
            // Access is granted here, where both ends are known: the server imports no client's labels.
            clients: [...config.workloads.postgresClients, ...(backupSchedule === "none" ? [] : [POSTGRES_BACKUP_APP])],
            protectData: config.workloads.protectData,
            disruption: target.nodes.disruption,
        },
        appOpts,
    );

    if (backupSchedule !== "none") {
        new PostgresBackup(
            "postgres-backup",
            {
                namespace: namespace.name,
                postgres: postgres.connection,
                storageClassName: storage.retainClassName,
                schedule: backupSchedule,
                keep: config.workloads.postgresBackupKeep,
                protectData: config.workloads.protectData,
            },
            appOpts,
        );
    }

    // The image waits only for its registry (the repository is an output of it): it is built and
    // pushed while the cluster and add-ons come up, so a short-lived push token (GKE: about an
    // hour) is fresh when the push happens. It was a child of the app before: the alias keeps its
    // URN, so moving it here rebuilds and pushes nothing.
    const image = new AppImage(
        "visit-counter-image",
        { registry: target.registry },
        { aliases: [{ parent: pulumi.createUrn("visit-counter", "platform:index:VisitCounter") }] },
    );

    const app = new VisitCounter(
        "visit-counter",
        {
            namespace: namespace.name,
            image: image.imageName,
            replicas: config.workloads.appReplicas,
            maxReplicas: config.workloads.appMaxReplicas,
            redis: redis.connection,
            ingress: {
                className: ingress.ingressClassName,
                controllerNamespace: ingress.namespace,
                controllerPodLabels: ingress.controllerPodLabels,
                host: config.tls.domain,
                clusterIssuer: certManager.clusterIssuerName,
                tls: certManager.tlsEnabled,
                endpoint: ingress.endpoint,
                acmeHttp01: issuerKind(config.tls) === "acme",
            },
            disruption: target.nodes.disruption,
        },
        { ...appOpts, dependsOn: [...appOpts.dependsOn, certManager, ingress] },
    );

    return {
        cloud: target.cloud,
        kubeconfig: target.kubeconfig,
        ingressEndpoint: ingress.endpoint,
        ingressAddress: ingress.address,
        appUrl: app.url,
        appImage: app.imageName,
        storageClasses: storage.classNames,
        observability: target.observability === undefined ? pulumi.output(NOT_OFFERED) : pulumi.output(target.observability),
    };
}
