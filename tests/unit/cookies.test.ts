import { describe, expect, it } from "vitest";
import { clearSessionCookie, readCookie, sessionCookie } from "../../server/auth/cookies";
import { safeRedirect } from "../../app/lib/guards.server";
import { hasRole } from "../../server/auth/roles";

describe("session cookie", () => {
  it("is httpOnly and SameSite, Secure only when asked", () => {
    const c = sessionCookie("tok/en", new Date("2030-01-01T00:00:00Z"), false);
    expect(c).toContain("fs_session=tok%2Fen");
    expect(c).toContain("HttpOnly");
    expect(c).toContain("SameSite=Lax");
    expect(c).not.toContain("Secure");
    expect(sessionCookie("t", new Date(), true)).toContain("Secure");
    expect(clearSessionCookie(false)).toContain("Max-Age=0");
  });

  it("reads a cookie among others, and survives junk", () => {
    expect(readCookie("a=1; fs_session=abc%3D; b=2", "fs_session")).toBe("abc=");
    expect(readCookie("fs_session=%E0%A4%A", "fs_session")).toBeUndefined();
    expect(readCookie(undefined, "fs_session")).toBeUndefined();
  });
});

describe("safeRedirect", () => {
  it("keeps same-site paths and refuses others", () => {
    expect(safeRedirect("/settings/users")).toBe("/settings/users");
    expect(safeRedirect("//evil.example")).toBe("/");
    expect(safeRedirect("https://evil.example")).toBe("/");
    expect(safeRedirect("/\\evil.example")).toBe("/");
    expect(safeRedirect(null)).toBe("/");
  });
});

describe("roles", () => {
  it("orders admin > analyst > viewer", () => {
    expect(hasRole("admin", "analyst")).toBe(true);
    expect(hasRole("analyst", "admin")).toBe(false);
    expect(hasRole("viewer", "viewer")).toBe(true);
    expect(hasRole("viewer", "analyst")).toBe(false);
  });
});
