import { tf } from "../backend";

type ModelArtifacts = tf.io.ModelArtifacts;

/**
 * A TF.js model as one byte string, for the registry's `artifact` column:
 *   "FSTF" | u32 little-endian JSON length | JSON {modelTopology, weightSpecs, format, ...} | weight bytes.
 * Saved through a custom IOHandler (tf.io.withSaveHandler) and loaded through a custom LoadHandler
 * (tf.io.fromMemory is not used so the byte layout is ours and documented).
 */
const MAGIC = Buffer.from("FSTF");

export function artifactsToBytes(a: ModelArtifacts): Buffer {
  const weights = a.weightData === undefined ? new ArrayBuffer(0) : Array.isArray(a.weightData) ? tf.io.concatenateArrayBuffers(a.weightData) : a.weightData;
  const { weightData: _w, getWeightStream: _s, ...rest } = a;
  const json = Buffer.from(JSON.stringify(rest), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  return Buffer.concat([MAGIC, len, json, Buffer.from(weights)]);
}

export function bytesToArtifacts(bytes: Uint8Array): ModelArtifacts {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 8 || !b.subarray(0, 4).equals(MAGIC)) throw new Error("model artifact: not a Foresight TF.js artifact");
  const len = b.readUInt32LE(4);
  const meta = JSON.parse(b.subarray(8, 8 + len).toString("utf8")) as ModelArtifacts;
  const w = b.subarray(8 + len);
  const weightData = w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer;
  return { ...meta, weightData };
}

/** Saves a layers model to bytes through a custom save handler. */
export async function modelToBytes(model: tf.LayersModel): Promise<Buffer> {
  let out: Buffer | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      out = artifactsToBytes(artifacts);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: out.length } };
    }),
  );
  if (!out) throw new Error("model artifact: save handler was not called");
  return out;
}

/** The load side: an IOHandler whose load() decodes our bytes. */
export function bytesLoadHandler(bytes: Uint8Array): tf.io.IOHandler {
  return { load: async () => bytesToArtifacts(bytes) };
}

export function modelFromBytes(bytes: Uint8Array): Promise<tf.LayersModel> {
  return tf.loadLayersModel(bytesLoadHandler(bytes));
}
