/**
 * The throwaway roles pgpair runs unapproved SQL as. They are created inside the transaction that uses them and
 * vanish with its rollback, so pgpair leaves no role behind on anyone's database, and two sessions never share one.
 *
 * What the reader can do: read every table and view (pg_read_all_data), past RLS when the connection may grant
 * BYPASSRLS. What it cannot: write (the transaction is read-only as well), read or write server files, run
 * programs, change roles, signal other sessions — it is not a superuser and belongs to none of the pg_* roles that
 * allow those. Postgres enforces all of this; pgpair only asks for it.
 */
import {randomBytes} from 'node:crypto';
import {quoteIdent} from '../sql/identifiers.js';

/** A role name no one else uses: `pgpair_<purpose>_<random>`. */
export function throwawayRoleName(purpose: 'reader' | 'sandbox'): string {
	return `pgpair_${purpose}_${randomBytes(6).toString('hex')}`;
}

/**
 * Run after `begin`: makes the reader, makes the transaction read-only and becomes the reader. `bypassRls` needs a
 * superuser (or, from Postgres 16, CREATEROLE with BYPASSRLS); without it the reader meets RLS like any role.
 */
export function becomeReaderSql(role: string, options: {bypassRls: boolean}): string {
	const name = quoteIdent(role);
	return [
		`create role ${name} nologin${options.bypassRls ? ' bypassrls' : ''}`,
		`grant pg_read_all_data to ${name}`,
		// Allowed after the writes above: a transaction may become read-only, never read-write again.
		`set local transaction_read_only = on`,
		`set local role ${name}`,
	].join(';\n');
}
