/**
 * The GKE node modes by `platform:nodeMode`. A new mode is a new file beside this one and an entry
 * here; the type makes every value of `NodeMode` need one.
 */
import type { NodeMode } from "../../../config";
import { AUTOPILOT } from "./auto";
import { STANDARD_NODE_POOL } from "./managed";
import type { GkeNodeMode } from "./mode";

export const GKE_NODE_MODES: Readonly<Record<NodeMode, GkeNodeMode>> = {
    managed: STANDARD_NODE_POOL,
    auto: AUTOPILOT,
};
