/**
 * The class of a call from what the sandbox measured, whatever the SQL looked like: deleting or overwriting existing
 * rows, dropping or rewriting objects, weakening access, writing files, leaving behind code that does any of that
 * when it fires — destructive. Adding (new tables, columns, rows, indexes, policies on new tables) — a write. What was
 * not measured counts as destructive. The gate then takes the stronger of this and the syntax's class.
 * Pure: the inputs are data.
 */
import {classifyLaterCodeSync} from '../policy/classify-sql.js';
import {type Hazard, type HazardCode, maxClass, rlsDisabledViolation, type ToolCallClass} from '../policy/hazards.js';
import type {ParsedStatement} from '../policy/sql-parser.js';
import type {DryRunReport} from '../sql/preview-report.js';
import {objectKey} from './dump-lines.js';
import {dryRunHazards} from './schema-hazards.js';

export type Measured = {class: ToolCallClass; hazards: Hazard[]; violations: string[]};

export type MeasureContext = {
	/** The database is production (a hosted project, or DATABASE_URL with --production). */
	production: boolean;
};

/** The class each measured finding implies. */
const CLASS_OF: Partial<Record<HazardCode, ToolCallClass>> = {
	data_loss: 'destructive',
	table_rewrite: 'destructive',
	rls_disabled: 'destructive',
	policy_removed: 'destructive',
	rows_overwritten: 'destructive',
	access_weakened: 'destructive',
	object_removed: 'destructive',
	object_replaced: 'destructive',
	file_written: 'destructive',
	large_object_removed: 'destructive',
	not_previewed: 'destructive',
	later_code: 'write',
	sequence_moved: 'write',
	exclusive_lock: 'write',
	not_null_without_default: 'write',
};

const API_ROLES = new Set(['public', 'anon', 'authenticated']);

type Line = {kind: string; key: string; text: string};

function lines(dump: string): Map<string, Line> {
	const byKey = new Map<string, Line>();
	for (const text of dump.split('\n')) {
		const identity = text ? objectKey(text) : undefined;
		if (identity) byKey.set(identity.key, {kind: identity.kind, key: identity.key, text});
	}
	return byKey;
}

/** `grant public.todos to anon: DELETE, INSERT` → target, grantee and privileges. */
function grant(text: string): {target: string; grantee: string; privileges: Set<string>} | undefined {
	const match = /^grant (.*) to (\S+): (.*)$/.exec(text);
	return match ? {target: match[1]!, grantee: match[2]!, privileges: new Set(match[3]!.split(', '))} : undefined;
}

/** A policy line's parts: permissive or not, its roles, and whether a condition is literally true. */
function policy(text: string): {table: string; permissive: boolean; roles: string[]; alwaysTrue: boolean} | undefined {
	const match =
		/^policy ((?:"(?:[^"]|"")*"|[^."\s]+)\.(?:"(?:[^"]|"")*"|[^."\s]+))\.(?:"(?:[^"]|"")*"|[^."\s]+) (permissive|restrictive) for \w+ to (.*?)(?: using \(|$| with check \()/.exec(
			text,
		);
	if (!match) return undefined;
	return {
		table: match[1]!,
		permissive: match[2] === 'permissive',
		roles: match[3]!.split(', '),
		alwaysTrue: / using \(true\)| with check \(true\)/.test(text),
	};
}

/** The table a dump line belongs to (`schema.table`), as the dump prints it. */
function tableOf(kind: string, text: string): string | undefined {
	if (kind === 'grant') {
		const target = grant(text)?.target;
		return target && !/^(function|schema) /.test(target) ? target : undefined;
	}
	if (kind === 'policy') return policy(text)?.table;
	return undefined;
}

export function measuredClassification(report: DryRunReport, statements: readonly ParsedStatement[], context: MeasureContext): Measured {
	const hazards: Hazard[] = [];
	const violations: string[] = [];
	const add = (code: HazardCode, message: string, object?: string) => hazards.push({code, message, ...(object ? {object} : {})});

	for (const reason of report.not_previewed) add('not_previewed', `not previewed: ${reason}; it counts as destructive`);
	if (report.sandbox === 'none' && report.not_previewed.length === 0) add('not_previewed', 'not previewed; it counts as destructive');
	// Labels that hold even when the SQL fails (a NOT NULL column on a table with rows is why it fails).
	hazards.push(...dryRunHazards(report, statements));
	if (report.error) return finish();

	const existed = new Set(report.relations.before.map(r => r.name));
	const rowsOf = new Map(report.tables.map(t => [t.name, t.rows]));
	for (const change of report.rows) {
		if (change.operation === 'update' && change.count > 0 && existed.has(change.table)) {
			add(
				'rows_overwritten',
				`rows overwritten: ${change.count.toLocaleString('en-US')} existing row${change.count === 1 ? '' : 's'} of ${change.table} change${change.count === 1 ? 's' : ''}`,
				change.table,
			);
		}
	}

	const before = lines(report.before);
	const after = lines(report.after);
	const tableLines = (map: Map<string, Line>) => new Set([...map.values()].filter(l => l.kind === 'table').map(l => l.key.slice('table '.length)));
	const tablesBefore = tableLines(before);
	const droppedTables = new Set(report.relations.before.filter(r => r.kind === 'table' && !report.relations.after.some(a => a.oid === r.oid)).map(r => r.name));

	for (const [key, line] of before) {
		const now = after.get(key);
		const table = tableOf(line.kind, line.text);
		if (!now) {
			// Tables, columns and policies have their own, more precise labels above; a revoke only narrows access; and
			// what belonged to a dropped table (its indexes, constraints, triggers) goes with the table's own label.
			const owner = key.slice(line.kind.length + 1);
			const ofDroppedTable = (table && droppedTables.has(table)) || [...droppedTables].some(t => owner.startsWith(`${t}.`));
			if (['table', 'column', 'policy', 'grant'].includes(line.kind) || ofDroppedTable) continue;
			add('object_removed', `object removed: ${key}`, key);
		} else if (now.text !== line.text) {
			if (line.kind === 'function' || line.kind === 'view' || line.kind === 'trigger') {
				add('object_replaced', `object replaced: ${key} gets a new definition; the old one is gone`, key);
			} else if (line.kind === 'table' && / force on\)/.test(line.text) && / force off\)/.test(now.text)) {
				add('access_weakened', `access weakened: ${key.slice('table '.length)} no longer forces RLS on its owner`, key);
			} else if (line.kind === 'policy') {
				add(
					'access_weakened',
					`access weakened: ${key} now reads "${now.text.slice(now.text.indexOf(' permissive') >= 0 ? now.text.indexOf(' permissive') + 1 : 0)}"`,
					key,
				);
			} else if (line.kind === 'type' && /^type .* enum \(/.test(line.text)) {
				// A label renamed or removed changes what existing rows say; a label added changes nothing stored.
				const labels = (text: string) => new Set(/enum \((.*)\)$/.exec(text)?.[1]?.split(', ') ?? []);
				const after = labels(now.text);
				const lost = [...labels(line.text)].filter(label => !after.has(label));
				if (lost.length > 0)
					add(
						'object_replaced',
						`values changed: ${key} no longer has ${lost.join(', ')}, so rows that held ${lost.length === 1 ? 'it' : 'them'} now say something else`,
						key,
					);
			} else if (line.kind === 'grant') {
				const was = grant(line.text);
				const is = grant(now.text);
				const gained = is && was ? [...is.privileges].filter(p => !was.privileges.has(p)) : [];
				if (gained.length > 0 && API_ROLES.has(is!.grantee))
					add('access_weakened', `access weakened: ${is!.grantee} gains ${gained.join(', ')} on ${is!.target}`, is!.target);
			}
		}
	}

	for (const [key, line] of after) {
		if (before.has(key)) continue;
		const table = tableOf(line.kind, line.text);
		if (line.kind === 'policy') {
			const parsed = policy(line.text);
			if (!parsed) continue;
			const exposed = parsed.roles.some(role => API_ROLES.has(role));
			if (parsed.permissive && exposed && parsed.alwaysTrue) {
				add(
					'access_weakened',
					`access weakened: ${key} lets ${parsed.roles.join(', ')} through every row (its condition is true), which turns RLS off in effect`,
					parsed.table,
				);
				if ((rowsOf.get(parsed.table) ?? 0) > 0 || tablesBefore.has(parsed.table))
					violations.push(
						`This adds an always-true policy for ${parsed.roles.join(', ')} on ${parsed.table}, which turns row level security off for it in effect.`,
					);
			} else if (parsed.permissive && tablesBefore.has(parsed.table)) {
				add('access_weakened', `access weakened: ${key} is a new permissive policy on ${parsed.table}, so more rows become visible or writable`, parsed.table);
			}
		} else if (line.kind === 'grant') {
			const parsed = grant(line.text);
			if (parsed && API_ROLES.has(parsed.grantee) && table && tablesBefore.has(table)) {
				add('access_weakened', `access weakened: ${parsed.grantee} is granted ${[...parsed.privileges].join(', ')} on ${table}`, table);
			}
			if (parsed && API_ROLES.has(parsed.grantee) && /^function /.test(parsed.target) && parsed.privileges.has('EXECUTE')) {
				const fn = [...after.values()].find(
					l => l.kind === 'function' && l.text.includes(parsed.target.slice('function '.length)) && / security definer/.test(l.text),
				);
				if (fn)
					add(
						'access_weakened',
						`access weakened: ${parsed.grantee} may call ${parsed.target.slice('function '.length)}, which runs with its owner's privileges (SECURITY DEFINER)`,
						parsed.target,
					);
			}
		}
	}

	for (const code of report.effects.code) {
		// Existing code replaced: everything that calls it (policies, triggers, the app) now runs something else.
		if (code.replaced)
			add(
				'object_replaced',
				`code replaced: ${code.name} gets a new definition; whatever calls it (policies, triggers, the app) now runs the new one`,
				code.name,
			);
		const verdict = classifyLaterCodeSync(code);
		const kind = code.kind === 'event trigger' ? 'an event trigger' : code.kind === 'rule' ? 'a rule' : `the ${code.kind} ${code.name}`;
		const worst = verdict.hazards.find(h => h.code === 'data_loss' || h.code === 'dynamic_sql' || h.code === 'unanalysable_code') ?? verdict.hazards[0];
		if (verdict.class === 'destructive') {
			hazards.push({
				code: 'later_code',
				message: `code that runs later: ${kind} will, when it fires: ${worst?.message ?? 'act destructively'}`,
				object: code.name,
			});
			// The code runs without pgpair, so its class is the call's.
			hazards.push({code: 'object_replaced', message: `creates destructive code: ${code.name}`, object: code.name});
		} else {
			add('later_code', `code that runs later: ${kind} (${verdict.class === 'write' ? 'it writes when it runs' : 'it only reads'})`, code.name);
		}
	}

	for (const file of report.effects.files ?? []) add('file_written', `file written on the database server: ${file}`, file);
	for (const sequence of report.effects.sequences) {
		const backwards = Number(sequence.after) < Number(sequence.before);
		if (backwards)
			add(
				'object_replaced',
				`sequence reset: ${sequence.name} goes back from ${String(sequence.before)} to ${String(sequence.after)}, so new rows may collide with old ones`,
				sequence.name,
			);
		else add('sequence_moved', `sequence moved: ${sequence.name} advances for good (${String(sequence.before)} → ${String(sequence.after)})`, sequence.name);
	}
	if (report.effects.largeObjects.after < report.effects.largeObjects.before) {
		add('large_object_removed', `large objects removed: ${report.effects.largeObjects.before - report.effects.largeObjects.after}`);
	}

	if (context.production && (report.before !== report.after || report.mode === 'migration')) {
		violations.push('This changes the schema of production directly; apply it to a development branch, test it, then merge.');
	}
	for (const hazard of hazards) {
		if (hazard.code === 'rls_disabled') violations.push(rlsDisabledViolation(hazard.object ?? 'a table'));
	}
	return finish();

	function finish(): Measured {
		const cls = maxClass(...hazards.map(h => CLASS_OF[h.code] ?? 'write'), 'read-only');
		return {class: hazards.length === 0 ? 'read-only' : cls, hazards, violations: [...new Set(violations)]};
	}
}
