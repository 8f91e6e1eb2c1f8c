/** Tide's core version (a test keeps it equal to package.json's). */
export const TIDE_VERSION = '0.1.0';
