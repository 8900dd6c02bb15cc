/**
 * The name pgpair's MCP client gives in `initialize`. pgpair's server lists its internal tools (and the project_id
 * that addresses a branch) to this client only; any other client gets the official Supabase interface.
 */
export const PGPAIR_CLIENT_NAME = 'pgpair';
