/** Shared by the config tests: read a stack's config as the CLI hands it over, or its problems. */
import * as assert from "node:assert/strict";
import { ConfigError, type PlatformConfig, mapConfigSource, readConfig } from "../../config";
import { projectDefaults } from "../harness/project-files";

/**
 * Reads config from a `{"platform:cloud": "aws"}` map over the defaults of the parsed Pulumi.yaml,
 * which the CLI sets on every stack: the defaults asserted here are the ones a user gets.
 */
export function read(values: Record<string, string>): PlatformConfig {
    return readConfig(mapConfigSource({ ...projectDefaults(), ...values }));
}

/** The problems a bad config reports, in order. */
export function problems(values: Record<string, string>): string[] {
    try {
        read(values);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
        return e.problems;
    }
    assert.fail("expected the config to be rejected");
}

export const AWS = { "platform:cloud": "aws", "aws:region": "eu-west-1" };
export const GCP = { "platform:cloud": "gcp", "gcp:project": "p-123", "gcp:region": "europe-west1" };
export const AZURE = { "platform:cloud": "azure", "azure-native:location": "westeurope" };
export const LOCAL = { "platform:cloud": "local" };
