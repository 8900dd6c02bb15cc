export const PGPAIR_VERSION = '0.1.0';
