/**
 * The EKS node modes by `platform:nodeMode`. A new mode is a new file beside this one and an entry
 * here; the type makes every value of `NodeMode` need one.
 */
import type { NodeMode } from "../../../config";
import { AUTO_MODE } from "./auto";
import { MANAGED_NODE_GROUPS } from "./managed";
import type { EksNodeMode } from "./mode";

export const EKS_NODE_MODES: Readonly<Record<NodeMode, EksNodeMode>> = {
    managed: MANAGED_NODE_GROUPS,
    auto: AUTO_MODE,
};
