import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/config";

describe("loadConfig", () => {
  it("applies defaults when the environment is empty", () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.FORESIGHT_DEMO_DATA).toBe(true);
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: "" }).PORT).toBe(3000);
  });

  it("names the variable and the bad value", () => {
    try {
      loadConfig({ PORT: "eighty" });
      expect.fail("should throw");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues).toHaveLength(1);
      expect((err as ConfigError).issues[0]).toMatch(/^PORT: .*\(got "eighty"\)$/);
    }
  });

  it("reports every bad variable, and never echoes secrets", () => {
    try {
      loadConfig({ PORT: "70000", FORESIGHT_ADMIN_PASSWORD: "short", DATABASE_URL: "mysql://x" });
      expect.fail("should throw");
    } catch (err) {
      const issues = (err as ConfigError).issues;
      expect(issues.map((i) => i.split(":")[0]).sort()).toEqual(["DATABASE_URL", "FORESIGHT_ADMIN_PASSWORD", "PORT"]);
      expect(issues.join(" ")).not.toContain("short");
    }
  });

  it("parses booleans strictly", () => {
    expect(loadConfig({ FORESIGHT_DEMO_DATA: "false" }).FORESIGHT_DEMO_DATA).toBe(false);
    expect(() => loadConfig({ FORESIGHT_DEMO_DATA: "nope" })).toThrow(/FORESIGHT_DEMO_DATA/);
  });
});
