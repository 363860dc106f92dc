#!/usr/bin/env -S node --max-semi-space-size=64
// The `foresight` command. Foresight's server is TypeScript run through tsx's loader.
import { register } from "tsx/esm/api";

register();
await import("../server/cli/main.ts");
