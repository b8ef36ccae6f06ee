/**
 * The AKS node modes by `platform:nodeMode`. A new mode is a new file beside this one and an entry
 * here; the type makes every value of `NodeMode` need one.
 */
import type { NodeMode } from "../../../config";
import { NODE_AUTO_PROVISIONING } from "./auto";
import { USER_POOL } from "./managed";
import type { AksNodeMode } from "./mode";

export const AKS_NODE_MODES: Readonly<Record<NodeMode, AksNodeMode>> = {
    managed: USER_POOL,
    auto: NODE_AUTO_PROVISIONING,
};
