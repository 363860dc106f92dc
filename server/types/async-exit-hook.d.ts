declare module "async-exit-hook" {
  interface ExitHook {
    (hook: (done: () => void) => void): void;
    hookEvent(event: string, code?: number, filter?: (...args: unknown[]) => boolean): void;
    unhookEvent(event: string): void;
    hookedEvents(): string[];
  }
  const exitHook: ExitHook;
  export default exitHook;
}
