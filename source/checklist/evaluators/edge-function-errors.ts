import type * as TS from 'typescript';
import type {EdgeFunctionSource} from '../evidence.js';
import {done, type Evaluator, listed, notApplicable, open} from './types.js';

type TypeScript = typeof TS;
let typescript: Promise<TypeScript> | undefined;

/** The compiler is large: load it the first time a function is checked, never at start-up. */
function loadTypescript(): Promise<TypeScript> {
	typescript ??= import('typescript').then(module => ((module as unknown as {default?: TypeScript}).default ?? module) as TypeScript);
	return typescript;
}

type FunctionLike = TS.FunctionDeclaration | TS.FunctionExpression | TS.ArrowFunction | TS.MethodDeclaration;

/**
 * Checks one entrypoint on its syntax tree: the handler given to `Deno.serve` (or std's `serve`) must run its work
 * inside a try whose catch returns an error Response (`new Response(…, {status: ≥400})`, `Response.json(…,
 * {status: ≥400})`, `Response.error()`, or a local helper returning one). Returns the problem, or undefined.
 */
export function handlerProblem(ts: TypeScript, fileName: string, source: string): string | undefined {
	const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, /\.[jt]sx$/.test(fileName) ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
	const locals = localFunctions(ts, file);

	let handler: TS.Expression | undefined;
	const findServe = (node: TS.Node): void => {
		if (handler) return;
		if (ts.isCallExpression(node) && isServe(ts, node.expression)) {
			handler = node.arguments.at(-1);
			return;
		}
		ts.forEachChild(node, findServe);
	};
	findServe(file);
	if (!handler) return 'no Deno.serve handler found';

	const fn = resolveFunction(ts, handler, locals);
	if (!fn) return 'the Deno.serve handler is not a function defined in the file';
	return guardedProblem(ts, fn, locals, new Set());
}

function isServe(ts: TypeScript, callee: TS.Expression): boolean {
	if (ts.isIdentifier(callee)) return callee.text === 'serve';
	return ts.isPropertyAccessExpression(callee) && callee.name.text === 'serve' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Deno';
}

/** Top-level `function f() {}` and `const f = () => {}` / `function () {}`, by name. */
function localFunctions(ts: TypeScript, file: TS.SourceFile): Map<string, FunctionLike> {
	const functions = new Map<string, FunctionLike>();
	for (const statement of file.statements) {
		if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) functions.set(statement.name.text, statement);
		if (ts.isVariableStatement(statement)) {
			for (const declaration of statement.declarationList.declarations) {
				const init = declaration.initializer && unwrap(ts, declaration.initializer);
				if (ts.isIdentifier(declaration.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)))
					functions.set(declaration.name.text, init);
			}
		}
	}
	return functions;
}

function unwrap(ts: TypeScript, node: TS.Expression): TS.Expression {
	let current = node;
	while (
		ts.isParenthesizedExpression(current) ||
		ts.isAwaitExpression(current) ||
		ts.isAsExpression(current) ||
		ts.isSatisfiesExpression(current) ||
		ts.isNonNullExpression(current)
	) {
		current = current.expression;
	}
	return current;
}

function resolveFunction(ts: TypeScript, node: TS.Expression, locals: Map<string, FunctionLike>): FunctionLike | undefined {
	const expression = unwrap(ts, node);
	if (ts.isArrowFunction(expression) || ts.isFunctionExpression(expression)) return expression;
	if (ts.isIdentifier(expression)) return locals.get(expression.text);
	return undefined;
}

/** The handler's body must be guarded; a body that only delegates to a local function passes the check on to it. */
function guardedProblem(ts: TypeScript, fn: FunctionLike, locals: Map<string, FunctionLike>, seen: Set<FunctionLike>): string | undefined {
	if (seen.has(fn)) return 'the handler calls itself';
	seen.add(fn);
	const body = fn.body;
	if (!body) return 'the handler has no body';
	const delegate = (expression: TS.Expression): string | undefined => {
		const inner = unwrap(ts, expression);
		if (ts.isCallExpression(inner) && inner.arguments.every(arg => !mayThrow(ts, arg))) {
			const target = resolveFunction(ts, inner.expression, locals);
			if (target) return guardedProblem(ts, target, locals, seen);
		}
		return 'the handler body is not wrapped in try/catch';
	};
	if (!ts.isBlock(body)) return delegate(body);

	const tries = body.statements.filter(ts.isTryStatement);
	const rest = body.statements.filter(statement => !ts.isTryStatement(statement));
	if (tries.length === 0) {
		const only = body.statements.length === 1 ? body.statements[0] : undefined;
		if (only && ts.isReturnStatement(only) && only.expression) return delegate(only.expression);
		return 'the handler body is not wrapped in try/catch';
	}
	const outside = rest.find(statement => mayThrow(ts, statement));
	if (outside) return `code outside the try can throw: ${outside.getText().split('\n')[0]?.slice(0, 60)}`;
	for (const attempt of tries) {
		const clause = attempt.catchClause;
		if (!clause) return 'the try has no catch';
		if (!returnsErrorResponse(ts, clause.block, locals)) return 'the catch does not return a Response with an error status (400 or more)';
		if (rethrows(ts, clause.block)) return 'the catch throws again';
	}
	return undefined;
}

/** Calls, `new`, `await` and `throw` can throw; plain declarations of literals cannot. */
function mayThrow(ts: TypeScript, node: TS.Node): boolean {
	let found = false;
	const walk = (child: TS.Node): void => {
		if (found) return;
		if (ts.isFunctionLike(child)) return;
		if (
			ts.isCallExpression(child) ||
			ts.isNewExpression(child) ||
			ts.isAwaitExpression(child) ||
			ts.isThrowStatement(child) ||
			ts.isTaggedTemplateExpression(child)
		) {
			found = true;
			return;
		}
		ts.forEachChild(child, walk);
	};
	walk(node);
	return found;
}

function rethrows(ts: TypeScript, block: TS.Block): boolean {
	return block.statements.some(statement => ts.isThrowStatement(statement));
}

/** A `return` in the block (not in a nested function) whose value is an error Response. */
function returnsErrorResponse(ts: TypeScript, block: TS.Node, locals: Map<string, FunctionLike>, seen = new Set<FunctionLike>()): boolean {
	let found = false;
	const walk = (node: TS.Node): void => {
		if (found || ts.isFunctionLike(node)) return;
		if (ts.isReturnStatement(node) && node.expression && isErrorResponse(ts, node.expression, locals, seen)) {
			found = true;
			return;
		}
		ts.forEachChild(node, walk);
	};
	ts.forEachChild(block, walk);
	return found;
}

function isErrorResponse(ts: TypeScript, node: TS.Expression, locals: Map<string, FunctionLike>, seen: Set<FunctionLike>): boolean {
	const expression = unwrap(ts, node);
	if (ts.isNewExpression(expression) && ts.isIdentifier(expression.expression) && expression.expression.text === 'Response') {
		return hasErrorStatus(ts, expression.arguments?.[1]);
	}
	if (ts.isCallExpression(expression)) {
		const callee = expression.expression;
		if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Response') {
			if (callee.name.text === 'error') return true;
			if (callee.name.text === 'json') return hasErrorStatus(ts, expression.arguments[1]);
		}
		// A local helper such as `errorResponse(500, message)`: one of its returns must be an error Response.
		const helper = ts.isIdentifier(callee) ? locals.get(callee.text) : undefined;
		if (helper?.body && !seen.has(helper)) {
			seen.add(helper);
			if (!ts.isBlock(helper.body)) return isErrorResponse(ts, helper.body, locals, seen);
			return returnsErrorResponse(ts, helper.body, locals, seen);
		}
	}
	return false;
}

/** `{status: 500}`, or a status chosen between error codes (`cond ? 400 : 500`). */
function hasErrorStatus(ts: TypeScript, init: TS.Expression | undefined): boolean {
	if (!init) return false;
	const options = unwrap(ts, init);
	if (!ts.isObjectLiteralExpression(options)) return false;
	const status = options.properties.find(property => ts.isPropertyAssignment(property) && property.name.getText() === 'status');
	return Boolean(status && ts.isPropertyAssignment(status) && isErrorCode(ts, status.initializer));
}

function isErrorCode(ts: TypeScript, node: TS.Expression): boolean {
	const expression = unwrap(ts, node);
	if (ts.isNumericLiteral(expression)) return Number(expression.text) >= 400 && Number(expression.text) <= 599;
	if (ts.isConditionalExpression(expression)) return isErrorCode(ts, expression.whenTrue) && isErrorCode(ts, expression.whenFalse);
	return false;
}

function entrypointOf(fn: EdgeFunctionSource): {name: string; content: string} | undefined {
	const wanted = fn.entrypoint.replace(/^\.\//, '');
	return fn.files.find(file => file.name === wanted) ?? fn.files.find(file => file.name.endsWith(`/${wanted}`));
}

/** Done when the handler of every deployed function catches errors and answers with an error Response. */
export const edgeFunctionErrors: Evaluator = async (_events, evidence) => {
	const functions = await evidence.edgeFunctions();
	if (functions.length === 0) return notApplicable('no edge functions deployed');
	const ts = await loadTypescript();
	const problems: string[] = [];
	const notCalled: string[] = [];
	for (const fn of functions) {
		const entry = entrypointOf(fn);
		const problem = entry ? handlerProblem(ts, entry.name, entry.content) : `entrypoint ${fn.entrypoint} is not among its files`;
		if (problem) problems.push(`${fn.slug} v${fn.version}: ${problem}`);
		// Reading the code is not enough: the function is called with a malformed body and without authorization.
		const probe = evidence.probeEdgeFunction
			? await evidence.probeEdgeFunction(fn.slug).catch((error: unknown) => ({available: false as const, reason: (error as Error).message}))
			: {available: false as const, reason: 'the server cannot call functions'};
		if (!probe.available) {
			notCalled.push(`${fn.slug} (${probe.reason})`);
		} else if (!probe.ok) {
			const failed = probe.probes
				.filter(p => !(p.status >= 400 && p.json && p.survived))
				.map(p => `${p.name} → ${p.status || 'no answer'}${p.json ? '' : ', not JSON'}${p.survived ? '' : ', the process died'}`);
			problems.push(`${fn.slug} v${fn.version}: called for real, it did not answer with a JSON error: ${listed(failed)}`);
		}
	}

	if (problems.length > 0) return open(listed(problems));
	const names = functions.map(fn => `${fn.slug} v${fn.version}`);
	const called =
		notCalled.length === 0
			? ' and answered a malformed body and a missing authorization with JSON errors, staying up'
			: `; not called: ${listed(notCalled)}, judged on the code only`;
	return done(`every deployed function's Deno.serve handler catches errors and returns an error Response (${listed(names)})${called}`);
};
