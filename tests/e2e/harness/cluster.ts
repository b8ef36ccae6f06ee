/**
 * A real Kubernetes control plane on 127.0.0.1 for one test run: etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler of the version under test, and kwok playing three
 * nodes in three zones (it fakes the kubelet: pods scheduled there turn Running and Ready, nothing
 * runs). Free ports, certificates and data directories are new on every start; `stop()` ends every
 * process and removes the run's directory.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { KubeClient, type KubeObject } from "./kube-client";
import { generatePki, type ClusterPki } from "./pki";
import { freePorts, ProcessGroup, waitFor } from "./processes";
import { controlPlane, type Toolchain } from "./toolchain";

/** The context the stack deploys to: deliberately not `kind-*`, so no `kind load` is attempted. */
export const E2E_CONTEXT = "platform-e2e";
/** The kubeconfig's current context points at nothing: a program that ignored the named context fails. */
export const DECOY_CONTEXT = "platform-e2e-decoy";
export const KWOK_NODE_ANNOTATION = { key: "kwok.x-k8s.io/node", value: "fake" } as const;

export interface FakeNode {
    name: string;
    zone: string;
}

export const E2E_NODES: readonly FakeNode[] = ["a", "b", "c"].map((z) => ({ name: `e2e-node-${z}`, zone: `e2e-zone-${z}` }));

const FIXTURES = path.join(__dirname, "..", "fixtures");

/** The Node object kwok takes over (by the annotation); labels as a cloud node has them. */
export function fakeNodeObject(node: FakeNode): KubeObject {
    return {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
            name: node.name,
            labels: {
                "kubernetes.io/hostname": node.name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "topology.kubernetes.io/region": "e2e",
                "topology.kubernetes.io/zone": node.zone,
                type: "kwok",
            },
            annotations: { [KWOK_NODE_ANNOTATION.key]: KWOK_NODE_ANNOTATION.value },
        },
        spec: {},
    };
}

/** A kubeconfig (JSON is YAML) with the e2e context and a decoy current context that cannot be reached. */
export function kubeconfigDocument(server: string, pki: Pick<ClusterPki, "caCert" | "adminCert" | "adminKey">, currentContext: string): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            { name: "platform-e2e", cluster: { server, "certificate-authority": pki.caCert } },
            { name: "nowhere", cluster: { server: "https://127.0.0.1:1", "insecure-skip-tls-verify": true } },
        ],
        users: [{ name: "platform-e2e-admin", user: { "client-certificate": pki.adminCert, "client-key": pki.adminKey } }],
        contexts: [
            { name: E2E_CONTEXT, context: { cluster: "platform-e2e", user: "platform-e2e-admin" } },
            { name: DECOY_CONTEXT, context: { cluster: "nowhere", user: "platform-e2e-admin" } },
        ],
        "current-context": currentContext,
    };
}

interface Ports {
    etcdClient: number;
    etcdPeer: number;
    apiserver: number;
    controllerManager: number;
    scheduler: number;
    kwok: number;
}

export class E2eCluster {
    /** The kubeconfig for the stack: context `platform-e2e`, current context a decoy. */
    readonly kubeconfigPath: string;
    readonly context = E2E_CONTEXT;
    readonly client: KubeClient;

    private constructor(
        readonly version: string,
        readonly runDir: string,
        readonly server: string,
        private readonly processes: ProcessGroup,
        readonly pki: ClusterPki,
    ) {
        this.kubeconfigPath = path.join(runDir, "kubeconfig");
        this.client = new KubeClient({ server, caFile: pki.caCert, certFile: pki.adminCert, keyFile: pki.adminKey });
    }

    /** Starts a cluster of `version` (e.g. `1.36`) under `runDir`; on any failure everything started is stopped again. */
    static async start(toolchain: Toolchain, version: string, runDir: string): Promise<E2eCluster> {
        const bins = controlPlane(toolchain, version);
        fs.mkdirSync(runDir, { recursive: true });
        const processes = new ProcessGroup(runDir);
        const [etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok] = await freePorts(6);
        const ports: Ports = { etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok };
        const pki = generatePki(path.join(runDir, "pki"));
        const cluster = new E2eCluster(bins.version, runDir, `https://127.0.0.1:${ports.apiserver}`, processes, pki);
        try {
            await cluster.boot(toolchain, bins.bin, bins.etcd, ports);
        } catch (e) {
            await cluster.stop({ keepRunDir: true });
            throw e;
        }
        return cluster;
    }

    private async boot(toolchain: Toolchain, bin: string, etcd: string, ports: Ports): Promise<void> {
        this.startEtcd(etcd, ports);
        await waitFor("etcd", async () => ((await fetch(`http://127.0.0.1:${ports.etcdClient}/health`)).ok ? true : undefined), 30_000);
        this.startApiserver(bin, ports);
        await waitFor("kube-apiserver /readyz", async () => {
            this.processes.assertRunning();
            return (await this.client.getText("/readyz")) === "ok" ? true : undefined;
        }, 90_000);
        const componentKubeconfig = path.join(this.runDir, "components.kubeconfig");
        fs.writeFileSync(componentKubeconfig, JSON.stringify(kubeconfigDocument(this.server, this.pki, E2E_CONTEXT)));
        fs.writeFileSync(this.kubeconfigPath, JSON.stringify(kubeconfigDocument(this.server, this.pki, DECOY_CONTEXT)));
        this.startComponents(toolchain, bin, componentKubeconfig, ports);
        for (const node of E2E_NODES) await this.client.create("/api/v1/nodes", fakeNodeObject(node));
        await this.waitNodesReady();
        await this.probeScheduling();
    }

    private startEtcd(etcd: string, ports: Ports): void {
        const client = `http://127.0.0.1:${ports.etcdClient}`;
        const peer = `http://127.0.0.1:${ports.etcdPeer}`;
        this.processes.start("etcd", etcd, [
            "--name=e2e",
            `--data-dir=${path.join(this.runDir, "etcd")}`,
            `--listen-client-urls=${client}`,
            `--advertise-client-urls=${client}`,
            `--listen-peer-urls=${peer}`,
            `--initial-advertise-peer-urls=${peer}`,
            `--initial-cluster=e2e=${peer}`,
            // A throwaway cluster: durability is not worth the fsyncs on a shared disk.
            "--unsafe-no-fsync",
            "--log-level=warn",
        ]);
    }

    private startApiserver(bin: string, ports: Ports): void {
        const pki = this.pki;
        this.processes.start("kube-apiserver", path.join(bin, "kube-apiserver"), [
            `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            `--secure-port=${ports.apiserver}`,
            `--cert-dir=${path.join(this.runDir, "apiserver-certs")}`,
            `--tls-cert-file=${pki.serverCert}`,
            `--tls-private-key-file=${pki.serverKey}`,
            `--client-ca-file=${pki.caCert}`,
            "--service-account-issuer=https://kubernetes.default.svc",
            `--service-account-key-file=${pki.serviceAccountPub}`,
            `--service-account-signing-key-file=${pki.serviceAccountKey}`,
            "--service-cluster-ip-range=10.96.0.0/16",
            "--authorization-mode=RBAC",
            // The `kubernetes` Service's endpoint would be 127.0.0.1, which Endpoints refuse; nothing here needs it.
            "--endpoint-reconciler-type=none",
            "--enable-priority-and-fairness=false",
            "--profiling=false",
        ]);
    }

    private startComponents(toolchain: Toolchain, bin: string, kubeconfig: string, ports: Ports): void {
        const pki = this.pki;
        const common = [`--kubeconfig=${kubeconfig}`, "--leader-elect=false", "--bind-address=127.0.0.1", "--profiling=false"];
        this.processes.start("kube-controller-manager", path.join(bin, "kube-controller-manager"), [
            ...common,
            `--secure-port=${ports.controllerManager}`,
            `--cert-dir=${path.join(this.runDir, "controller-manager-certs")}`,
            `--service-account-private-key-file=${pki.serviceAccountKey}`,
            `--root-ca-file=${pki.caCert}`,
        ]);
        this.processes.start("kube-scheduler", path.join(bin, "kube-scheduler"), [
            ...common,
            `--secure-port=${ports.scheduler}`,
            `--cert-dir=${path.join(this.runDir, "scheduler-certs")}`,
        ]);
        this.processes.start("kwok", toolchain.kwok, [
            `--kubeconfig=${kubeconfig}`,
            `--config=${path.join(FIXTURES, "kwok-stages.yaml")}`,
            `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION.key}=${KWOK_NODE_ANNOTATION.value}`,
            "--cidr=10.244.0.0/16",
            "--node-ip=10.77.0.1",
            `--server-address=127.0.0.1:${ports.kwok}`,
        ]);
    }

    private async waitNodesReady(): Promise<void> {
        await waitFor("the fake nodes Ready", async () => {
            this.processes.assertRunning();
            const nodes = await this.client.list("/api/v1/nodes");
            const ready = nodes.filter((n) => conditionTrue(n, "Ready"));
            return ready.length === E2E_NODES.length ? true : undefined;
        }, 60_000);
    }

    /** One pod through the whole loop (service account, scheduler, kwok), so a broken cluster fails here, not in the program. */
    private async probeScheduling(): Promise<void> {
        await waitFor("the default service account", async () => (await this.client.get("/api/v1/namespaces/default/serviceaccounts/default")) && true, 60_000);
        const pod: KubeObject = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "e2e-probe", namespace: "default" },
            spec: { containers: [{ name: "probe", image: "registry.invalid/probe@sha256:" + "0".repeat(64) }] },
        };
        await this.client.create("/api/v1/namespaces/default/pods", pod);
        await waitFor("the probe pod Running", async () => {
            this.processes.assertRunning();
            const p = await this.client.get("/api/v1/namespaces/default/pods/e2e-probe");
            return p?.status?.phase === "Running" ? true : undefined;
        }, 60_000);
        await this.client.delete("/api/v1/namespaces/default/pods/e2e-probe?gracePeriodSeconds=0");
    }

    /** Throws when a control-plane process has died (with its log's tail). */
    assertRunning(): void {
        this.processes.assertRunning();
    }

    /** Stops every process, then removes the run directory unless `keepRunDir` (kept after a failure, for its logs). */
    async stop(opts: { keepRunDir?: boolean } = {}): Promise<void> {
        this.client.close();
        await this.processes.stopAll();
        if (!opts.keepRunDir) fs.rmSync(this.runDir, { recursive: true, force: true });
    }
}

/** Whether `obj.status.conditions` has `type` with status "True". */
export function conditionTrue(obj: KubeObject, type: string): boolean {
    const conditions = (obj.status?.conditions ?? []) as { type?: string; status?: string }[];
    return conditions.some((c) => c.type === type && c.status === "True");
}
