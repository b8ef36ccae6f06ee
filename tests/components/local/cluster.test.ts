import * as assert from "node:assert/strict";
import { MANAGED_NODES } from "../../../components/cluster";
import { LOCAL_LOAD_BALANCER, localProvisionerCanExpand, localStorageFacts, localTarget } from "../../../components/local/cluster";
import { runProgram, valueOf } from "../../harness/mocks";

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
        const { result } = await runProgram(() => localTarget("local", { kubeContext: "kind-kind", storageProvisioner: "rancher.io/local-path", endpoint: "localhost" }));
        assert.deepEqual(result.nodes, MANAGED_NODES);
    });
});
