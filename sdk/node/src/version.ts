export const LIB = "foresight-node";
export const LIB_VERSION = "0.1.0";
