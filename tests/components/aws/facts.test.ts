import * as assert from "node:assert/strict";
import { AWS_AUTO_MODE_LOAD_BALANCER, AWS_LOAD_BALANCER, awsStorageFacts, EBS_AUTO_MODE, EBS_CSI_PROVISIONER, nodePlatform } from "../../../components/aws/facts";

describe("AWS facts", () => {
    it("ssd is encrypted gp3 on ext4 through the EBS CSI driver and becomes the default class", () => {
        const disk = {
            provisioner: "ebs.csi.aws.com",
            parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
            allowVolumeExpansion: true,
            volumeBindingMode: "WaitForFirstConsumer",
            accessModes: ["ReadWriteOnce", "ReadWriteOncePod"],
        };
        assert.deepEqual(awsStorageFacts("ssd"), {
            classes: { general: { ...disk, reclaimPolicy: "Delete" }, retain: { ...disk, reclaimPolicy: "Retain" }, shared: undefined },
            builtInClasses: ["gp2"],
            builtInDefaultClass: undefined,
            makeDefault: true,
            // EBS snapshots through the snapshot-controller add-on (components/aws/cluster.ts).
            snapshots: { driver: "ebs.csi.aws.com", parameters: {} },
        });
    });

    it("premium is encrypted io2 at 50 IOPS/GiB, rounded up to io2's floor for small volumes, IOPS following an expansion", () => {
        const facts = awsStorageFacts("premium");
        assert.equal(facts.classes.retain.provisioner, EBS_CSI_PROVISIONER);
        assert.deepEqual(facts.classes.general.parameters, facts.classes.retain.parameters);
        assert.deepEqual(facts.classes.retain.parameters, {
            type: "io2",
            iopsPerGB: "50",
            allowAutoIOPSPerGBIncrease: "true",
            allowAutoIOPSIncreaseOnModify: "true",
            encrypted: "true",
            "csi.storage.k8s.io/fstype": "ext4",
        });
        assert.deepEqual(facts.builtInClasses, ["gp2"]);
        assert.equal(facts.builtInDefaultClass, undefined);
        assert.equal(facts.makeDefault, true);
    });

    it("hands out a copy of the parameters, so a caller cannot change the table", () => {
        const facts = awsStorageFacts("ssd");
        (facts.classes.general.parameters as Record<string, string>).type = "gp2";
        assert.equal(facts.classes.retain.parameters.type, "gp3", "the classes do not share one parameters object");
        assert.equal(awsStorageFacts("ssd").classes.general.parameters.type, "gp3");
    });

    it("Auto Mode: the same classes on its own provisioner, which the EBS CSI driver's volumes never mix with", () => {
        const managed = awsStorageFacts("ssd");
        const auto = awsStorageFacts("ssd", undefined, EBS_AUTO_MODE);
        assert.deepEqual(auto.classes.general, { ...managed.classes.general, provisioner: "ebs.csi.eks.amazonaws.com" });
        assert.deepEqual(auto.classes.retain, { ...managed.classes.retain, provisioner: "ebs.csi.eks.amazonaws.com" });
        assert.deepEqual(auto.snapshots, { driver: "ebs.csi.eks.amazonaws.com", parameters: {} });
        assert.deepEqual([auto.builtInClasses, auto.builtInDefaultClass, auto.makeDefault], [["gp2"], undefined, true]);
    });

    it("Auto Mode premium: io2 at 50 IOPS/GiB with only the parameters Auto Mode documents", () => {
        assert.deepEqual(awsStorageFacts("premium", undefined, EBS_AUTO_MODE).classes.retain.parameters, {
            type: "io2",
            iopsPerGB: "50",
            allowAutoIOPSPerGBIncrease: "true",
            encrypted: "true",
            "csi.storage.k8s.io/fstype": "ext4",
        });
        // The managed table is untouched.
        assert.equal(awsStorageFacts("premium").classes.retain.parameters.allowAutoIOPSIncreaseOnModify, "true");
    });

    it("Auto Mode: its NLB class, internet-facing (its controller defaults to internal), cross-zone as an attribute", () => {
        assert.equal(AWS_AUTO_MODE_LOAD_BALANCER.loadBalancerClass, "eks.amazonaws.com/nlb");
        assert.equal(AWS_AUTO_MODE_LOAD_BALANCER.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internet-facing");
        assert.equal(AWS_AUTO_MODE_LOAD_BALANCER.annotations["service.beta.kubernetes.io/aws-load-balancer-attributes"], "load_balancing.cross_zone.enabled=true");
        // Annotations Auto Mode lists as not supported (EKS user guide auto-configure-nlb).
        for (const refused of ["aws-load-balancer-type", "aws-load-balancer-cross-zone-load-balancing-enabled", "aws-load-balancer-internal", "load-balancer-source-ranges"]) {
            assert.equal(AWS_AUTO_MODE_LOAD_BALANCER.annotations[`service.beta.kubernetes.io/${refused}`], undefined, refused);
        }
    });

    it("exposes ingress through a cross-zone NLB made by the built-in service controller", () => {
        assert.deepEqual(AWS_LOAD_BALANCER, {
            serviceType: "LoadBalancer",
            annotations: {
                "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
            },
        });
    });

    it("uses no AWS Load Balancer Controller annotations, which nothing in the cluster would read", () => {
        const lbcOnly = ["aws-load-balancer-nlb-target-type", "aws-load-balancer-scheme", "aws-load-balancer-attributes"];
        for (const key of Object.keys(AWS_LOAD_BALANCER.annotations)) {
            assert.ok(!lbcOnly.some((k) => key.endsWith(k)), key);
        }
        assert.notEqual(AWS_LOAD_BALANCER.annotations["service.beta.kubernetes.io/aws-load-balancer-type"], "external");
    });

    it("builds arm64 images for Graviton node types and amd64 otherwise", () => {
        assert.equal(nodePlatform("m6i.large"), "linux/amd64");
        assert.equal(nodePlatform("m5.xlarge"), "linux/amd64");
        assert.equal(nodePlatform("c6a.2xlarge"), "linux/amd64");
        assert.equal(nodePlatform("m7g.large"), "linux/arm64");
        assert.equal(nodePlatform("t4g.medium"), "linux/arm64");
        assert.equal(nodePlatform("c6gn.xlarge"), "linux/arm64");
        // Mirrors pulumi-eks's AMI choice (no `g` after the digit); config.ts refuses a1 outright.
        assert.equal(nodePlatform("a1.large"), "linux/amd64");
        assert.throws(() => nodePlatform("Standard_D4s_v5"), /not an EC2 instance type/);
    });
});
