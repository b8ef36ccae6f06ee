import * as assert from "node:assert/strict";
import { CLUSTER_AUTOSCALER_NODES } from "../../../components/cluster/contract";
import { IngressNginx } from "../../../components/entry-points/ingress-nginx";
import { LOCAL_LOAD_BALANCER, localIngressAddresses, localLoadBalancer, localProvisionerCanExpand, localStorageFacts } from "../../../components/local/facts";
import * as local from "../../../components/local/target";
import { runStack } from "../../../scripts/plan-lib";
import { type LocalConfig, type LocalSettings, mapConfigSource, readConfig } from "../../../config";
import { runProgram, valueOf } from "../../harness/mocks";

const KIND = { kubeContext: "kind-kind", storageProvisioner: "rancher.io/local-path", endpoint: "localhost" };

/** A local config read through the real reader, with the given settings. */
function localConfig(settings: LocalSettings): LocalConfig {
    return { ...(readConfig(mapConfigSource({ "platform:cloud": "local", "platform:kubeContext": settings.kubeContext })) as LocalConfig), local: settings };
}

describe("local target", () => {
    it("promises volume expansion only for provisioners that can expand: none of kind's, minikube's or Docker Desktop's", () => {
        for (const p of ["rancher.io/local-path", "k8s.io/minikube-hostpath", "docker.io/hostpath"]) {
            assert.equal(localProvisionerCanExpand(p), false, p);
            const facts = localStorageFacts({ kubeContext: "kind-kind", storageProvisioner: p, endpoint: "localhost" });
            assert.equal(facts.classes.general.allowVolumeExpansion, false);
            assert.equal(facts.classes.retain.allowVolumeExpansion, false);
            assert.equal(facts.classes.general.provisioner, p);
        }
        // Unknown provisioner: no promise (a resize is then refused up front, not left pending).
        assert.equal(localProvisionerCanExpand("example.com/unknown"), false);
    });

    it("offers general and retain but no shared class, and keeps the user's default class", () => {
        const facts = localStorageFacts({ kubeContext: "kind-kind", storageProvisioner: "rancher.io/local-path", endpoint: "localhost" });
        assert.equal(facts.classes.shared, undefined);
        assert.equal(facts.makeDefault, false);
        assert.equal(facts.snapshots, undefined);
    });

    it("is reached on 127.0.0.1 through node ports, with the managed node annotations (inert: no autoscaler)", async () => {
        assert.equal(LOCAL_LOAD_BALANCER.serviceType, "NodePort");
        assert.deepEqual(await valueOf(LOCAL_LOAD_BALANCER.address?.addresses), ["127.0.0.1"]);
        const { result } = await runProgram(() => local.target("local", localConfig(KIND)));
        assert.deepEqual(result.nodes, CLUSTER_AUTOSCALER_NODES);
    });

    it("offers platform-shared (ReadWriteMany, Immediate) on the provisioner named by platform:localSharedProvisioner", () => {
        const shared = localStorageFacts({ ...KIND, sharedProvisioner: "nfs.csi.k8s.io" }).classes.shared;
        assert.ok(shared);
        assert.equal(shared.provisioner, "nfs.csi.k8s.io");
        assert.deepEqual(shared.accessModes, ["ReadWriteMany"]);
        assert.equal(shared.volumeBindingMode, "Immediate");
        assert.equal(shared.reclaimPolicy, "Delete");
        assert.equal(shared.allowVolumeExpansion, false, "not in the expansion table: no promise");
    });

    it("puts the endpoint in the outputs: minikube's IP, localhost elsewhere", () => {
        assert.deepEqual(localIngressAddresses("localhost"), ["127.0.0.1"]);
        assert.deepEqual(localIngressAddresses("192.168.49.2"), ["192.168.49.2"]);
        assert.deepEqual(localIngressAddresses("minikube.test"), [], "a host name's address is not known offline");
        assert.equal(localLoadBalancer("192.168.49.2").nodePortHost, "192.168.49.2");
    });

    it("reports the NodePort endpoint on the configured host, not a hard-coded localhost", async () => {
        const { result } = await runProgram(() => new IngressNginx("ingress-nginx", { loadBalancer: localLoadBalancer("192.168.49.2"), replicas: 2 }));
        assert.equal(await valueOf(result.endpoint), "192.168.49.2:30080");
        assert.deepEqual(await valueOf(result.address), ["192.168.49.2"]);
    });

    for (const [name, extra, endpoint, address] of [
        ["kind (default)", {}, "localhost:30080", ["127.0.0.1"]],
        ["minikube", { "platform:kubeContext": "minikube", "platform:localEndpoint": "192.168.49.2" }, "192.168.49.2:30080", ["192.168.49.2"]],
        ["Docker Desktop", { "platform:kubeContext": "docker-desktop", "platform:localStorageProvisioner": "docker.io/hostpath" }, "localhost:30080", ["127.0.0.1"]],
    ] as const) {
        it(`gives true outputs on ${name}: ingressEndpoint, appUrl, ingressAddress`, async () => {
            const { outputs } = await runStack("dev", { ...extra });
            assert.equal(await valueOf(outputs.ingressEndpoint), endpoint);
            assert.equal(await valueOf(outputs.appUrl), `http://${endpoint}/`);
            assert.deepEqual(await valueOf(outputs.ingressAddress), address);
        });
    }

    it("leaves a clean slate on destroy: cert-manager's CRDs go with the chart on local", async () => {
        const { resources } = await runStack("dev");
        const release = resources.all.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "cert-manager");
        assert.ok(release);
        assert.deepEqual((release.inputs.values as { crds: unknown }).crds, { enabled: true, keep: false });
    });
});
