export const LIB = "foresight-web";
export const LIB_VERSION = "0.1.0";
