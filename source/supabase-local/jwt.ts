import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto';
import type {SqlRunner} from './platform.js';

export type JwtClaims = {role?: string; exp?: number; iat?: number; [claim: string]: unknown};

const HEADER = Buffer.from(JSON.stringify({alg: 'HS256', typ: 'JWT'})).toString('base64url');

/** An HS256 JWT, the kind Supabase issues its anon and service-role keys as. */
export function signJwt(claims: JwtClaims, secret: string): string {
	const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
	const signature = createHmac('sha256', secret).update(`${HEADER}.${payload}`).digest('base64url');
	return `${HEADER}.${payload}.${signature}`;
}

export type JwtVerdict = {ok: true; claims: JwtClaims} | {ok: false; reason: string};

/**
 * Checks an HS256 signature (constant time) and `exp`. Only HS256 is accepted: a token that names another
 * algorithm (`none` included) is refused rather than interpreted.
 */
export function verifyJwt(token: string, secret: string, nowSeconds = Date.now() / 1000): JwtVerdict {
	const parts = token.split('.');
	if (parts.length !== 3) return {ok: false, reason: 'not a JWT'};
	const [header, payload, signature] = parts as [string, string, string];
	let parsedHeader: unknown;
	let claims: unknown;
	try {
		parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
		claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
	} catch {
		return {ok: false, reason: 'malformed JWT'};
	}
	if ((parsedHeader as {alg?: unknown} | null)?.alg !== 'HS256') return {ok: false, reason: 'unsupported algorithm'};
	const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
	const given = Buffer.from(signature, 'base64url');
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return {ok: false, reason: 'bad signature'};
	if (!claims || typeof claims !== 'object' || Array.isArray(claims)) return {ok: false, reason: 'malformed JWT'};
	const {exp} = claims as JwtClaims;
	if (exp !== undefined && (typeof exp !== 'number' || exp <= nowSeconds)) return {ok: false, reason: 'expired'};
	return {ok: true, claims: claims as JwtClaims};
}

export type ProjectKeys = {
	/** Signs and verifies the project's JWTs. Never leaves pgpair: not in tool results, logs or function envs. */
	secret: string;
	anonKey: string;
	/** Bypasses RLS; for pgpair internals and tests only, never returned by a tool. */
	serviceRoleKey: string;
};

// Ten years, like the keys of `supabase start`: long-lived keys a client ships, rotated with the secret.
const KEY_LIFETIME_SECONDS = 10 * 365 * 24 * 60 * 60;

// Created on first use instead of in the shim, so databases shimmed before keys existed need no reinstall.
const SECRETS_SQL = `create table if not exists pgpair.jwt_secrets (
	project_ref text primary key,
	secret text not null,
	created_at timestamptz not null default now()
)`;

/**
 * The project's JWT secret (generated once, kept in the main database's bookkeeping so every server on the same
 * database issues the same keys) and the anon and service-role keys signed with it. `iat` is the secret's creation
 * time, so the keys are the same on every call.
 */
export async function projectKeys(main: SqlRunner, projectRef: string): Promise<ProjectKeys> {
	type SecretRow = {secret: string; created_at: Date | string};
	const read = async () => (await main.query('select secret, created_at from pgpair.jwt_secrets where project_ref = $1', [projectRef])).rows as SecretRow[];
	let rows: SecretRow[];
	try {
		rows = await read();
	} catch {
		rows = [];
	}
	if (!rows[0]) {
		try {
			await main.query(SECRETS_SQL);
		} catch {
			// Two servers creating the table at once: one wins, the other sees a duplicate; the row insert decides.
		}
		await main.query('insert into pgpair.jwt_secrets (project_ref, secret) values ($1, $2) on conflict do nothing', [
			projectRef,
			randomBytes(32).toString('base64url'),
		]);
		rows = await read();
	}
	const row = rows[0];
	if (!row) throw new Error(`No JWT secret for project ${projectRef}.`);
	const iat = Math.floor(new Date(row.created_at).getTime() / 1000);
	const sign = (role: string) => signJwt({iss: 'supabase', ref: projectRef, role, iat, exp: iat + KEY_LIFETIME_SECONDS}, row.secret);
	return {secret: row.secret, anonKey: sign('anon'), serviceRoleKey: sign('service_role')};
}

export async function deleteProjectKeys(main: SqlRunner, projectRef: string): Promise<void> {
	await main.query('delete from pgpair.jwt_secrets where project_ref = $1', [projectRef]).catch(() => undefined);
}
