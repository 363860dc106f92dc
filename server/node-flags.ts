/**
 * Node options the server runs with (`npm start`, the `foresight` bin's shebang, the benchmarks'
 * server). A 64 MB young generation (V8's default is 16 MB): capture allocates a few KB per event
 * that die within a request, and with the default most scavenges run while 64 requests' batches
 * are still alive, so they are copied and promoted; measured in BENCHMARKS.md, "Ingest".
 */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=64"] as const;
