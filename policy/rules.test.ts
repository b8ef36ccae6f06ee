import * as assert from "node:assert/strict";
import {
    PLATFORM_POLICIES,
    TYPES,
    claimsUsePlatformStorage,
    compareVersions,
    containersHardened,
    ingressChartVersionProblem,
    ingressNginxChart,
    isIngressNginxChart,
    isPostgresImage,
    looksSecret,
    noLoadBalancerExceptIngress,
    noPlaintextSecrets,
    statefulDataRetained,
    loadBalancerPaths,
} from "./rules";
import { violations } from "./testing";

const HARDENED = { runAsNonRoot: true, allowPrivilegeEscalation: false };
const REQUESTS = { requests: { cpu: "100m", memory: "128Mi" } };

function container(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { name: "app", image: "platform/visit-counter:1", resources: REQUESTS, securityContext: HARDENED, ...overrides };
}

function deployment(containers: Record<string, unknown>[], podSecurityContext?: Record<string, unknown>): Record<string, unknown> {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "app", namespace: "apps" },
        spec: { template: { metadata: { labels: { app: "x" } }, spec: { securityContext: podSecurityContext, containers } } },
    };
}

function postgresStatefulSet(storageClassName: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        metadata: { name: "postgres", namespace: "apps", labels: { "platform.example.com/data": "true" } },
        spec: {
            template: { spec: { containers: [container({ name: "postgres", image: "postgres:18.1" })] } },
            volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { storageClassName } }],
            ...extra,
        },
    };
}

describe("policy pack", () => {
    it("makes every policy mandatory, with a unique name", () => {
        const names = PLATFORM_POLICIES.map((p) => p.name);
        assert.equal(new Set(names).size, names.length);
        for (const p of PLATFORM_POLICIES) assert.equal(p.enforcementLevel, "mandatory", p.name);
    });
});

describe("no-loadbalancer-except-ingress: the Gateway's data plane", () => {
    const proxy = (namespace: string, name: string, type?: string) => ({
        metadata: { namespace, name },
        spec: { provider: { type: "Kubernetes", kubernetes: { envoyService: type === undefined ? {} : { type } } } },
    });
    const gatewayClass = (parametersRef?: Record<string, unknown>) => ({
        metadata: { name: "platform" },
        spec: { controllerName: "gateway.envoyproxy.io/gatewayclass-controller", ...(parametersRef ? { parametersRef } : {}) },
    });
    const PLATFORM_REF = { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", namespace: "envoy-gateway-system", name: "platform-proxy" };

    it("allows the platform's EnvoyProxy to give the data plane the LoadBalancer", async () => {
        assert.deepEqual(await violations(noLoadBalancerExceptIngress, TYPES.envoyProxy, proxy("envoy-gateway-system", "platform-proxy", "LoadBalancer")), []);
        assert.deepEqual(await violations(noLoadBalancerExceptIngress, TYPES.envoyProxy, proxy("envoy-gateway-system", "platform-proxy", "NodePort")), []);
    });

    it("flags any other EnvoyProxy that asks for a LoadBalancer, also by leaving the type to Envoy Gateway's default", async () => {
        for (const type of ["LoadBalancer", undefined]) {
            const v = await violations(noLoadBalancerExceptIngress, TYPES.envoyProxy, proxy("apps", "mine", type));
            assert.equal(v.length, 1, String(type));
            assert.match(v[0], /EnvoyProxy apps\/mine gives its Gateways a LoadBalancer Service/);
        }
        assert.deepEqual(await violations(noLoadBalancerExceptIngress, TYPES.envoyProxy, proxy("apps", "mine", "ClusterIP")), []);
    });

    it("flags an Envoy Gateway GatewayClass that does not point at the platform's EnvoyProxy", async () => {
        assert.deepEqual(await violations(noLoadBalancerExceptIngress, TYPES.gatewayClass, gatewayClass(PLATFORM_REF)), []);
        for (const ref of [undefined, { ...PLATFORM_REF, name: "other" }]) {
            const v = await violations(noLoadBalancerExceptIngress, TYPES.gatewayClass, gatewayClass(ref));
            assert.equal(v.length, 1);
            assert.match(v[0], /GatewayClass platform: its parametersRef is not the platform's EnvoyProxy envoy-gateway-system\/platform-proxy/);
        }
        // Another implementation's class is not Envoy Gateway's business here.
        assert.deepEqual(await violations(noLoadBalancerExceptIngress, TYPES.gatewayClass, { metadata: { name: "x" }, spec: { controllerName: "example.com/other" } }), []);
    });

    it("flags nothing in the Envoy Gateway chart's values (its own Service is the controller's ClusterIP)", async () => {
        const props = { chart: "oci://docker.io/envoyproxy/gateway-helm", version: "v1.9.2", values: { crds: { enabled: false }, service: { type: "ClusterIP" } } };
        assert.deepEqual(await violations(noLoadBalancerExceptIngress, TYPES.helmRelease, props), []);
    });
});

describe("no-loadbalancer-except-ingress", () => {
    const lb = (namespace: string, name: string) => ({ metadata: { namespace, name }, spec: { type: "LoadBalancer" } });

    it("allows the ingress-nginx controller Service to be a LoadBalancer", async () => {
        assert.deepEqual(await violations(noLoadBalancerExceptIngress, TYPES.service, lb("ingress-nginx", "ingress-nginx-controller")), []);
    });

    it("allows ClusterIP Services anywhere", async () => {
        assert.deepEqual(await violations(noLoadBalancerExceptIngress, TYPES.service, { metadata: { name: "app" }, spec: { type: "ClusterIP" } }), []);
    });

    it("flags a LoadBalancer Service of any other name or namespace", async () => {
        const v = await violations(noLoadBalancerExceptIngress, TYPES.service, lb("apps", "visit-counter"));
        assert.equal(v.length, 1);
        assert.match(v[0], /apps\/visit-counter is of type LoadBalancer/);
        assert.equal((await violations(noLoadBalancerExceptIngress, TYPES.service, lb("default", "ingress-nginx-controller"))).length, 1);
    });

    it("allows only the controller's own name in the ingress-nginx namespace", async () => {
        const v = await violations(noLoadBalancerExceptIngress, TYPES.service, lb("ingress-nginx", "ingress-nginx-admission"));
        assert.equal(v.length, 1);
        assert.match(v[0], /ingress-nginx\/ingress-nginx-admission is of type LoadBalancer; only ingress-nginx\/ingress-nginx-controller may be\. Use ClusterIP and an Ingress\./);
    });

    it("finds LoadBalancer types anywhere in Helm values, lists included, and nothing else", async () => {
        assert.deepEqual(loadBalancerPaths({ extraServices: [{ name: "a", type: "ClusterIP" }, { name: "b", type: "LoadBalancer" }] }), ["extraServices[1].type"]);
        assert.deepEqual(loadBalancerPaths({ service: { type: "ClusterIP", name: "LoadBalancer", loadBalancerClass: "LoadBalancer" } }), []);
        assert.deepEqual(loadBalancerPaths("LoadBalancer"), []);
        const v = await violations(noLoadBalancerExceptIngress, TYPES.helmRelease, { chart: "redis", values: { replicas: [{ service: { type: "LoadBalancer" } }] } }, "redis");
        assert.match(v[0], /values\.replicas\[0\]\.service\.type: LoadBalancer/);
        // Only Services and Helm releases are checked: a ConfigMap's data is not a Service type.
        assert.deepEqual(await violations(noLoadBalancerExceptIngress, TYPES.configMap, { chart: "redis", values: { type: "LoadBalancer" }, data: { type: "LoadBalancer" } }), []);
    });

    it("allows the ingress-nginx Release to make its controller a LoadBalancer", async () => {
        const props = { chart: "ingress-nginx", version: "4.15.1", values: { controller: { service: { type: "LoadBalancer" } } } };
        assert.deepEqual(await violations(noLoadBalancerExceptIngress, TYPES.helmRelease, props), []);
    });

    it("flags a Release of another chart, or another Service of ingress-nginx, that asks for a LoadBalancer", async () => {
        const other = { chart: "oci://registry-1.docker.io/bitnamicharts/redis", values: { master: { service: { type: "LoadBalancer" } } } };
        const v = await violations(noLoadBalancerExceptIngress, TYPES.helmRelease, other, "redis");
        assert.deepEqual(v.length, 1);
        assert.match(v[0], /values\.master\.service\.type: LoadBalancer/);
        const backend = { chart: "ingress-nginx", values: { defaultBackend: { service: { type: "LoadBalancer" } } } };
        assert.equal((await violations(noLoadBalancerExceptIngress, TYPES.helmRelease, backend)).length, 1);
    });
});

describe("no-loadbalancer-except-ingress: which chart is ingress-nginx", () => {
    const controllerLb = { controller: { service: { type: "LoadBalancer" } } };

    it("allows the controller LoadBalancer of ingress-nginx in repository and OCI forms", async () => {
        for (const chart of ["ingress-nginx", "ingress-nginx/ingress-nginx", "oci://ghcr.io/kubernetes/charts/ingress-nginx"]) {
            assert.deepEqual(await violations(noLoadBalancerExceptIngress, TYPES.helmRelease, { chart, values: controllerLb }), [], chart);
        }
    });

    it("flags a look-alike chart that opens a LoadBalancer the same way", async () => {
        for (const chart of ["nginx-ingress", "my-ingress-nginx", "ingress-nginx-fork", "oci://ghcr.io/x/ingress-nginx-lb", "oci://ghcr.io/ingress-nginx/nginx"]) {
            const v = await violations(noLoadBalancerExceptIngress, TYPES.helmRelease, { chart, values: controllerLb }, "lookalike");
            assert.deepEqual(v, [`Helm release lookalike (chart ${chart}) sets values.controller.service.type: LoadBalancer; only the ingress-nginx controller may be a LoadBalancer.`], chart);
        }
    });
});

describe("claims-use-platform-storage-class", () => {
    it("accepts PVCs and claim templates on platform classes", async () => {
        assert.deepEqual(await violations(claimsUsePlatformStorage, TYPES.pvc, { spec: { storageClassName: "platform-standard" } }), []);
        assert.deepEqual(await violations(claimsUsePlatformStorage, TYPES.statefulSet, postgresStatefulSet("platform-retain")), []);
    });

    it("accepts the shared (ReadWriteMany) class an app's volume may claim", async () => {
        assert.deepEqual(await violations(claimsUsePlatformStorage, TYPES.pvc, { spec: { storageClassName: "platform-shared", accessModes: ["ReadWriteMany"] } }), []);
    });

    it("flags a PVC without a class (the cluster default) or on a built-in class", async () => {
        assert.match((await violations(claimsUsePlatformStorage, TYPES.pvc, { metadata: { name: "x" }, spec: {} }))[0], /unset: the cluster default/);
        assert.match((await violations(claimsUsePlatformStorage, TYPES.pvc, { spec: { storageClassName: "gp2" } }))[0], /storageClassName gp2/);
    });

    it("flags each StatefulSet claim template that is not on a platform class", async () => {
        const v = await violations(claimsUsePlatformStorage, TYPES.statefulSet, postgresStatefulSet("managed-csi"));
        assert.equal(v.length, 1);
        assert.match(v[0], /volumeClaimTemplate data has storageClassName managed-csi/);
    });
});

describe("stateful-data-retained", () => {
    it("requires a retain-named StorageClass to have reclaimPolicy Retain", async () => {
        const sc = (reclaimPolicy?: string) => ({ metadata: { name: "platform-retain" }, provisioner: "ebs.csi.aws.com", reclaimPolicy });
        assert.deepEqual(await violations(statefulDataRetained, TYPES.storageClass, sc("Retain")), []);
        assert.match((await violations(statefulDataRetained, TYPES.storageClass, sc("Delete")))[0], /reclaimPolicy Delete/);
        assert.match((await violations(statefulDataRetained, TYPES.storageClass, sc()))[0], /unset: Delete/);
        assert.deepEqual(await violations(statefulDataRetained, TYPES.storageClass, { metadata: { name: "platform-standard" }, reclaimPolicy: "Delete" }), []);
    });

    it("accepts a labelled Postgres StatefulSet on platform-retain", async () => {
        assert.deepEqual(await violations(statefulDataRetained, TYPES.statefulSet, postgresStatefulSet("platform-retain")), []);
    });

    it("flags stateful data on a deleting class, found by label or by postgres image", async () => {
        assert.match((await violations(statefulDataRetained, TYPES.statefulSet, postgresStatefulSet("platform-standard")))[0], /needs platform-retain/);
        const unlabelled = postgresStatefulSet("platform-standard");
        (unlabelled.metadata as Record<string, unknown>).labels = {};
        assert.equal((await violations(statefulDataRetained, TYPES.statefulSet, unlabelled)).length, 1);
    });

    it("finds stateful data by the pod template's label too", async () => {
        const sts = {
            metadata: { name: "db" },
            spec: {
                template: { metadata: { labels: { "platform.example.com/data": "true" } }, spec: { containers: [container({ image: "mysql:8" })] } },
                volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { storageClassName: "platform-standard" } }],
            },
        };
        assert.match((await violations(statefulDataRetained, TYPES.statefulSet, sts))[0], /^StatefulSet db holds stateful data: volumeClaimTemplate data uses platform-standard; stateful data needs platform-retain\.$/);
    });

    it("flags a claim labelled stateful data unless it is on platform-retain", async () => {
        const pvc = (storageClassName?: string, labels: Record<string, string> = { "platform.example.com/data": "true" }) => ({
            metadata: { name: "dump", namespace: "apps", labels },
            spec: { storageClassName },
        });
        assert.deepEqual(await violations(statefulDataRetained, TYPES.pvc, pvc("platform-standard")), [
            "PersistentVolumeClaim apps/dump is labelled stateful data but uses platform-standard; use platform-retain.",
        ]);
        assert.match((await violations(statefulDataRetained, TYPES.pvc, pvc()))[0], /uses \(unset\)/);
        assert.deepEqual(await violations(statefulDataRetained, TYPES.pvc, pvc("platform-retain")), []);
        assert.deepEqual(await violations(statefulDataRetained, TYPES.pvc, pvc("platform-standard", {})), []);
    });

    it("flags a retention policy that deletes the claims", async () => {
        const sts = postgresStatefulSet("platform-retain", { persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" } });
        const v = await violations(statefulDataRetained, TYPES.statefulSet, sts);
        assert.deepEqual(v.length, 1);
        assert.match(v[0], /whenDeleted is Delete/);
    });

    it("leaves non-data workloads (redis on platform-standard) alone", async () => {
        const redis = {
            metadata: { name: "redis" },
            spec: {
                template: { spec: { containers: [container({ image: "redis:8" })] } },
                volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { storageClassName: "platform-standard" } }],
            },
        };
        assert.deepEqual(await violations(statefulDataRetained, TYPES.statefulSet, redis), []);
    });

    it("tells postgres images from look-alikes", () => {
        for (const image of ["postgres", "postgres:18.1", "docker.io/library/postgres:17-alpine", "postgres@sha256:abc", "localhost:5000/postgres"]) {
            assert.ok(isPostgresImage(image), image);
        }
        for (const image of ["postgres-exporter:1", "bitnami/postgresql:16", "redis:8", "localhost:5000/app"]) {
            assert.ok(!isPostgresImage(image), image);
        }
    });
});

describe("containers-hardened", () => {
    it("accepts a container with requests, non-root and no privilege escalation", async () => {
        assert.deepEqual(await violations(containersHardened, TYPES.deployment, deployment([container()])), []);
    });

    it("accepts non-root set at pod level or as a non-zero runAsUser", async () => {
        const podLevel = deployment([container({ securityContext: { allowPrivilegeEscalation: false } })], { runAsNonRoot: true });
        assert.deepEqual(await violations(containersHardened, TYPES.deployment, podLevel), []);
        const uid = deployment([container({ securityContext: { runAsUser: 999, allowPrivilegeEscalation: false } })]);
        assert.deepEqual(await violations(containersHardened, TYPES.deployment, uid), []);
    });

    it("flags missing requests, root and privilege escalation, naming the container", async () => {
        const bad = deployment([{ name: "web", image: "nginx" }]);
        const v = await violations(containersHardened, TYPES.deployment, bad);
        assert.equal(v.length, 3);
        assert.ok(v.every((m) => m.startsWith("Deployment apps/app container web:")), v.join("\n"));
        assert.match(v.join("\n"), /resources\.requests\.cpu \/ memory/);
        assert.match(v.join("\n"), /may run as root/);
        assert.match(v.join("\n"), /allowPrivilegeEscalation/);
    });

    it("counts a request as set only when it is a non-empty string or a positive number", async () => {
        const withRequests = (requests: Record<string, unknown>) => deployment([container({ resources: { requests } })]);
        assert.deepEqual(await violations(containersHardened, TYPES.deployment, withRequests({ cpu: 1, memory: "128Mi" })), []);
        for (const cpu of [" ", "", 0, -1, true]) {
            const v = await violations(containersHardened, TYPES.deployment, withRequests({ cpu, memory: "128Mi" }));
            assert.deepEqual(v, ["Deployment apps/app container app: no resources.requests.cpu."], String(cpu));
        }
    });

    it("flags a container-level uid 0 even when the pod says non-root", async () => {
        const root = deployment([container({ securityContext: { runAsUser: 0, allowPrivilegeEscalation: false } })], { runAsNonRoot: true });
        assert.match((await violations(containersHardened, TYPES.deployment, root))[0], /runs as uid 0/);
    });

    it("checks init containers and every workload kind, CronJobs included", async () => {
        const init = { name: "init", image: "busybox" };
        const sts = { spec: { template: { spec: { initContainers: [init], containers: [container()] } } } };
        assert.equal((await violations(containersHardened, TYPES.statefulSet, sts)).length, 3);
        const cron = { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", resources: REQUESTS, securityContext: HARDENED }] } } } } } };
        assert.deepEqual(await violations(containersHardened, TYPES.cronJob, cron), []);
        const badCron = { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "c" }] } } } } } };
        assert.equal((await violations(containersHardened, TYPES.cronJob, badCron)).length, 3);
        assert.equal((await violations(containersHardened, TYPES.pod, { spec: { containers: [{ name: "c" }] } })).length, 3);
        assert.equal((await violations(containersHardened, TYPES.daemonSet, deployment([{ name: "c" }]))).length, 3);
        assert.equal((await violations(containersHardened, TYPES.job, deployment([{ name: "c" }]))).length, 3);
    });
});

describe("no-plaintext-secrets", () => {
    const withEnv = (env: Record<string, unknown>[]) => deployment([container({ env })]);

    it("accepts secret-looking env vars read from a Secret, and ordinary literals", async () => {
        const env = [
            { name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: "redis", key: "password" } } },
            { name: "REDIS_HOST", value: "redis.apps.svc" },
            { name: "POSTGRES_PASSWORD_FILE", value: "/run/secrets/pg" },
        ];
        assert.deepEqual(await violations(noPlaintextSecrets, TYPES.deployment, withEnv(env)), []);
    });

    it("flags a secret-looking env var with a literal value or from a ConfigMap", async () => {
        const env = [
            { name: "POSTGRES_PASSWORD", value: "hunter2" },
            { name: "apiToken", valueFrom: { configMapKeyRef: { name: "cfg", key: "t" } } },
        ];
        const v = await violations(noPlaintextSecrets, TYPES.deployment, withEnv(env));
        assert.equal(v.length, 2);
        assert.match(v[0], /env POSTGRES_PASSWORD/);
        assert.match(v[1], /env apiToken/);
        assert.ok(!v.join("").includes("hunter2"), "a violation message must not echo the secret");
    });

    it("flags a ConfigMap carrying secret-looking keys", async () => {
        const cm = { metadata: { name: "app" }, data: { LOG_LEVEL: "info", DB_PASSWORD: "x", "api-key": "y" } };
        const v = await violations(noPlaintextSecrets, TYPES.configMap, cm);
        assert.deepEqual(v.length, 2);
        assert.deepEqual(await violations(noPlaintextSecrets, TYPES.configMap, { data: { LOG_LEVEL: "info", KEYCLOAK_URL: "https://k" } }), []);
    });

    it("flags secret-looking keys in a ConfigMap's binaryData too", async () => {
        assert.deepEqual(await violations(noPlaintextSecrets, TYPES.configMap, { metadata: { name: "cfg" }, binaryData: { API_KEY: "eA==" }, data: { url: "x" } }), [
            "ConfigMap cfg has key API_KEY, which looks like a secret; put it in a Secret.",
        ]);
    });

    it("recognises secret-looking names by word, not by substring", () => {
        for (const n of ["PASSWORD", "REDIS_PASSWORD", "db-password", "apiKey", "API_KEY", "GITHUB_TOKEN", "client_secret", "AWS_SECRET_ACCESS_KEY", "SENTRY_DSN"]) {
            assert.ok(looksSecret(n), n);
        }
        for (const n of ["KEYCLOAK_URL", "MONKEY_COUNT", "LOG_LEVEL", "REDIS_HOST", "POSTGRES_PASSWORD_FILE"]) {
            assert.ok(!looksSecret(n), n);
        }
    });
});

describe("ingress-nginx-chart", () => {
    const release = (version?: string, chart = "ingress-nginx") => ({ chart, version, values: {} });

    it("accepts chart 4.15.1 and later", async () => {
        assert.deepEqual(await violations(ingressNginxChart, TYPES.helmRelease, release("4.15.1")), []);
        assert.deepEqual(await violations(ingressNginxChart, TYPES.helmRelease, release("4.16.0")), []);
    });

    it("flags older, unpinned or range versions", async () => {
        assert.match((await violations(ingressNginxChart, TYPES.helmRelease, release("4.14.5")))[0], /older than 4\.15\.1/);
        assert.match((await violations(ingressNginxChart, TYPES.helmRelease, release("4.15.1-rc.1")))[0], /older than/);
        assert.match((await violations(ingressNginxChart, TYPES.helmRelease, release()))[0], /not pinned/);
        assert.match((await violations(ingressNginxChart, TYPES.helmRelease, release("^4.15.0")))[0], /not an exact version/);
    });

    it("flags ingress-nginx deployed with helm.v4.Chart, and ignores other charts", async () => {
        assert.match((await violations(ingressNginxChart, TYPES.helmChartV4, release("4.15.1")))[0], /does not run Helm hooks/);
        assert.deepEqual(await violations(ingressNginxChart, TYPES.helmRelease, release("1.0.0", "cert-manager")), []);
    });

    it("recognises ingress-nginx by chart name exactly, in repository and OCI forms", () => {
        for (const chart of ["ingress-nginx", "ingress-nginx/ingress-nginx", "oci://ghcr.io/kubernetes/charts/ingress-nginx", "oci://registry.example.com/ingress-nginx/"]) {
            assert.equal(isIngressNginxChart(chart), true, chart);
        }
        for (const chart of ["nginx-ingress", "my-ingress-nginx", "ingress-nginx-fork", "ingress-nginx/ingress-nginx-lite", "oci://ghcr.io/x/ingress-nginx-lb", "oci://ghcr.io/ingress-nginx/nginx", "Ingress-Nginx", "", undefined, 42]) {
            assert.equal(isIngressNginxChart(chart), false, String(chart));
        }
    });

    it("checks the version of ingress-nginx in every form, and leaves look-alike charts to the other policies", async () => {
        for (const chart of ["ingress-nginx/ingress-nginx", "oci://ghcr.io/kubernetes/charts/ingress-nginx"]) {
            assert.match((await violations(ingressNginxChart, TYPES.helmRelease, release("4.14.5", chart)))[0], /older than 4\.15\.1/, chart);
        }
        for (const chart of ["nginx-ingress", "ingress-nginx-fork", "oci://ghcr.io/x/ingress-nginx-lb"]) {
            assert.deepEqual(await violations(ingressNginxChart, TYPES.helmRelease, release("1.0.0", chart)), [], chart);
            assert.deepEqual(await violations(ingressNginxChart, TYPES.helmChartV4, release("1.0.0", chart)), [], chart);
        }
    });

    it("orders versions both ways (semver precedence, section 11), and ignores build metadata", () => {
        const ascending = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "4.9.0", "4.15.1", "10.0.0"];
        for (let i = 0; i < ascending.length; i++) {
            assert.equal(compareVersions(ascending[i], ascending[i]), 0, ascending[i]);
            for (let j = i + 1; j < ascending.length; j++) {
                assert.equal(compareVersions(ascending[i], ascending[j]), -1, `${ascending[i]} < ${ascending[j]}`);
                assert.equal(compareVersions(ascending[j], ascending[i]), 1, `${ascending[j]} > ${ascending[i]}`);
            }
        }
        assert.equal(compareVersions("4.15.1+build.7", "4.15.1"), 0);
        assert.equal(compareVersions(" 4.15.1 ", "4.15.1"), 0);
        assert.equal(compareVersions("4.15.1+", "4.15.1"), undefined);
        assert.equal(ingressChartVersionProblem("  "), "the chart version is not pinned; pin 4.15.1 or later");
        assert.equal(ingressChartVersionProblem("4.15.1+build.7"), undefined);
    });

    it("compares versions by semver precedence", () => {
        assert.equal(compareVersions("4.15.1", "4.15.1"), 0);
        assert.equal(compareVersions("v4.15.10", "4.15.9"), 1);
        assert.equal(compareVersions("4.9.0", "4.15.1"), -1);
        assert.equal(compareVersions("1.0.0-alpha", "1.0.0-alpha.1"), -1);
        assert.equal(compareVersions("1.0.0-alpha.beta", "1.0.0-beta"), -1);
        assert.equal(compareVersions("1.0.0-beta.2", "1.0.0-beta.11"), -1);
        assert.equal(compareVersions("1.0.0-rc.1", "1.0.0"), -1);
        assert.equal(compareVersions("4.15", "4.15.1"), undefined);
        assert.equal(ingressChartVersionProblem("5.0.0"), undefined);
    });
});
