/** A name as a quoted SQL identifier: always quoted, so case and reserved words survive. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
